"""Evaluation of the chain over many (product, channel route) flows at once: flows, gather, compute, report.

:func:`~logistics.chain.flows.flows` lists the alternatives to evaluate; :func:`~logistics.chain.inputs.gather`
turns them into :class:`~logistics.chain.inputs.ChainInputs`, one numpy array per parameter;
:func:`~logistics.chain.compute.compute` runs the stage functions of :mod:`logistics.chain.stages` over those
arrays; :func:`evaluate` does all three and wraps the result in a :class:`~logistics.chain.report.ChainReport`.
"""

from __future__ import annotations

import datetime as dt

from logistics.chain.compute import compute
from logistics.chain.flows import Flows, flows
from logistics.chain.inputs import gather
from logistics.chain.report import ChainReport
from logistics.scenario import Scenario, resolve_measures

__all__ = ["evaluate"]


def evaluate(s: Scenario, f: Flows | None = None, *, date: dt.date | None = None, product: str | None = None,
             market: str | None = None) -> ChainReport:
    """Evaluate the chain for every flow of ``f`` (default: every alternative of the scenario).

    Parameters
    ----------
    s
        The scenario.
    f
        Rows to evaluate; default :func:`flows` of ``s`` filtered by ``product`` and ``market``.
    date
        Rules in force on this date (default ``s.date``).

    Returns
    -------
    ChainReport
        Per-row costs by stage, lead times, inventory, rebate timing and working capital.

    Examples
    --------
    >>> from logistics import builtin, evaluate
    >>> report = evaluate(builtin(), product="handbags", market="de")
    >>> sorted(set(report.channel))
    ['1039', '1210', '9610', '9710', '9810']
    """
    s = resolve_measures(s)  # the world without the measures switched off
    if f is None:
        f = flows(s, product=product, market=market)
    x = gather(s, f, date=date)
    return ChainReport.from_arrays(s, f, compute(x), date or s.date)
