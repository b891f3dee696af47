"""Measure 16's chain: cost, lead time and cash timing of every stage, for each export channel.

The stages are pure functions (:mod:`logistics.chain.stages`). The pipeline is :func:`flows` (the rows:
product and channel route alternatives, :mod:`~logistics.chain.flows`), :func:`gather` (their parameters as
named per-row arrays, :mod:`~logistics.chain.inputs`), :func:`compute` (every stage over every row,
:mod:`~logistics.chain.compute`); :func:`evaluate` runs all three and returns a :class:`ChainReport`.
"""

from logistics.chain import stages
from logistics.chain.compute import BLOCK_ROWS, compute
from logistics.chain.evaluate import evaluate
from logistics.chain.flows import CHANNEL_CODES, Flows, flows
from logistics.chain.inputs import ChainInputs, gather
from logistics.chain.report import METRICS, STAGES, ChainReport

__all__ = ["BLOCK_ROWS", "CHANNEL_CODES", "METRICS", "STAGES", "ChainInputs", "ChainReport", "Flows", "compute",
           "evaluate", "flows", "gather", "stages"]
