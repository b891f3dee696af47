"""What each policy measure is worth: the scenario with no measure, each measure alone and all of them, on common
Monte Carlo draws of the uncertain inputs.

Every configuration runs on the same draws (common random numbers), so that a measure's effect is the paired
difference against "none" draw by draw, and its 95% interval (Student's t over the draws) reflects how the effect
varies with the uncertain inputs, not the noise between independent samples. The variants run through the sweep
engine (:func:`~logistics.sweep.engine.sweep`): on local processes, on a Dask cluster, resumable in a folder.

The uncertain inputs default to :data:`UNCERTAINTY` (freight rates, demand and the cost of capital, with spreads
chosen as ``assumption:`` values in docs/measures.md); a sweep spec's parameters can take their place.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from logistics.errors import ScenarioError
from logistics.scenario import PathError, Scenario
from logistics.scenario import get_path as get
from logistics.sweep.engine import sweep
from logistics.sweep.sample import variants
from logistics.sweep.spec import Distribution, Parameter, SweepSpec

__all__ = ["METRICS", "UNCERTAINTY", "MeasureWorth", "measure_worth"]

#: The uncertain inputs a measures run draws by default. The spreads are assumptions (docs/measures.md): ocean
#: container rates move by 2x within a year (the lognormal's 5-95% range is x0.56-1.78), air and postal rates less,
#: demand is a forecast from 20% below to 15% above (the built-in sellers can supply 20% more than the demand, so a
#: higher draw would be infeasible for every measure alike), and the cost of capital a range of seller financing.
UNCERTAINTY: tuple[Parameter, ...] = (
    Parameter("ocean_rate", "lanes[*].per_container", "scale", distribution=Distribution("lognormal", median=1.0,
                                                                                         sigma=0.35)),
    Parameter("air_rate", "lanes[mode=air].per_kg", "scale", distribution=Distribution("triangular", low=0.8,
                                                                                       mode=1.0, high=1.4)),
    Parameter("postal_rate", "lanes[mode=postal].per_kg", "scale", distribution=Distribution("triangular", low=0.9,
                                                                                             mode=1.0, high=1.2)),
    Parameter("demand", "markets[*].demand_per_year.*", "scale", distribution=Distribution("triangular", low=0.8,
                                                                                          mode=1.0, high=1.15)),
    Parameter("cost_of_capital", "finance.cost_of_capital", distribution=Distribution("uniform", low=0.05,
                                                                                     high=0.12)),
)

#: What a measure changes, with units: (name, unit, how it is read from a row).
METRICS: tuple[tuple[str, str], ...] = (
    ("annual_cost", "currency/year"),  # the design's annual cost (the chain's without a design) + screening x 365
    ("cost_per_unit", "currency/unit"),
    ("days_mean", "days"),  # order to delivery, units-weighted over the design's flows (the chain's winners without)
    ("on_time_share", "share of units"),  # the design's units on options within their promise
    ("working_capital", "currency"),  # goods and cash tied up, the design's flows (the chain's winners without)
    ("screening_cost_per_year", "currency/year"),
    ("screening_dwell_hours", "h"),
)


@dataclass(frozen=True, slots=True)
class MeasureWorth:
    """The configurations (``none``, each measure alone, ``all``) with their metrics and decisions.

    ``rows`` holds one dict per configuration: ``config``, ``measures`` (ids in force), ``title``, per metric its
    mean over the draws and ``delta`` (mean paired difference against ``none`` and the 95% half-width), and the
    decision: the most common open sites, the sites it opens and closes against ``none``, and the product-markets
    whose winning channel changes. ``frame`` is the sweep's rows, ``draws`` the draws per configuration.
    """

    scenario: str
    rows: tuple[dict[str, Any], ...]
    frame: pd.DataFrame
    draws: int
    uncertainty: tuple[Parameter, ...]
    seconds: float
    failed: int

    def to_json(self) -> dict[str, Any]:
        units = dict(METRICS)
        return {"scenario": self.scenario, "draws": self.draws, "seconds": round(self.seconds, 2),
                "failed_variants": self.failed,
                "uncertainty": [{"name": p.name, "path": p.path, "mode": p.mode,
                                 "distribution": _describe(p)} for p in self.uncertainty],
                "units": units, "configurations": list(self.rows)}


def _describe(p: Parameter) -> str:
    d = p.distribution
    if d is None:
        return f"values {list(p.grid)}"
    if d.kind == "uniform":
        return f"uniform({d.low:g}, {d.high:g})"
    if d.kind == "triangular":
        return f"triangular({d.low:g}, {d.mode:g}, {d.high:g})"
    if d.kind == "lognormal":
        return f"lognormal(median {d.median:g}, sigma {d.sigma:g})"
    return f"empirical {list(d.values)}"


def _metrics(frame: pd.DataFrame, run: Sequence[str]) -> pd.DataFrame:
    """The metrics of each row (NaN where a row did not compute one)."""
    def col(name: str) -> pd.Series:
        return pd.to_numeric(frame[name], errors="coerce") if name in frame else pd.Series(np.nan, frame.index)

    screening = col("screening_cost_per_day") * 365.0 if "screening" in run else pd.Series(0.0, frame.index)
    base = col("design_annual_cost") if "design" in run else col("chain_annual_cost")
    per_unit = col("design_cost_per_unit") if "design" in run else col("chain_cost_per_unit")
    units = base / per_unit
    return pd.DataFrame({
        "annual_cost": base + screening,
        "cost_per_unit": (base + screening) / units,
        "days_mean": col("design_days_mean") if "design" in run else col("chain_days_mean"),
        "on_time_share": col("design_on_time_share"),
        "working_capital": col("design_working_capital") if "design" in run else col("chain_working_capital"),
        "screening_cost_per_year": screening if "screening" in run else pd.Series(np.nan, frame.index),
        "screening_dwell_hours": col("screening_dwell_hours"),
    })


def _paired(d: np.ndarray) -> list[float | None]:
    """Mean and 95% half-width of paired differences (None where undefined)."""
    d = d[np.isfinite(d)]
    if len(d) == 0:
        return [None, None]
    mean = float(d.mean())
    if len(d) < 2:
        return [mean, None]
    half = float(student_t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d)))
    return [mean, half]


def _mode(values: Sequence[Any]) -> str:
    got = Counter(str(v) for v in values if isinstance(v, str))
    return got.most_common(1)[0][0] if got else ""


def _channels(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(";") if text else []:
        pm, _, channel = part.rpartition(":")
        out[pm] = channel
    return out


def measure_worth(s: Scenario, *, uncertainty: Sequence[Parameter] = UNCERTAINTY, draws: int = 8, seed: int = 0,
                  run: Sequence[str] = ("chain", "design", "screening"), design_time_limit: float = 10.0,
                  screening_time_limit: float = 60.0, out: str | Path | None = None,
                  executor: Executor | None = None, workers: int | None = None,
                  progress: Callable[[int, int], None] | None = None, file: str = "<measures>") -> MeasureWorth:
    """Run ``s`` with no measure in force, with each of its ``[[measures]]`` alone and with all of them, on the
    same ``draws`` Latin-hypercube draws of ``uncertainty``, and compare each with "none".

    Raises
    ------
    ScenarioError
        When the scenario has no measures, or an uncertain input names no field of it.
    """
    t0 = time.perf_counter()
    if not s.measures:
        raise ScenarioError(s.path, "measures", "the scenario has no [[measures]]",
                            "add measures as docs/measures.md describes, or use the built-in scenario")
    if s.measures_resolved:
        raise ScenarioError(s.path, "scenario.measures_resolved", "the measures of this scenario are already "
                            "applied, so they cannot be switched", "run on the scenario file with its measures")
    for p in uncertainty:
        try:
            get(s, p.path)
        except PathError as exc:
            raise ScenarioError(file, f"parameter[{p.name}].path", str(exc), "name a field of the scenario") from None
    ids = [m.id for m in s.measures]
    titles = {m.id: m.title for m in s.measures}
    configs: list[tuple[str, tuple[str, ...]]] = [("none", ()), *((m, (m,)) for m in ids), ("all", tuple(ids))]
    switches = tuple(Parameter(f"measure:{m}", f"measures[{m}].in_force", grid=(True, False)) for m in ids)
    base = SweepSpec(file=file, scenario=s, scenario_ref=s.path, parameters=tuple(uncertainty), sampling="lhs",
                     samples=draws, seed=seed)
    drawn = variants(base) if uncertainty else [{}] * draws
    spec = SweepSpec(file=file, scenario=s, scenario_ref=s.path, parameters=(*uncertainty, *switches),
                     sampling="lhs", samples=draws, seed=seed, run=tuple(run), design_time_limit=design_time_limit,
                     screening_time_limit=screening_time_limit)
    inputs = [{**d, **{f"measure:{m}": m in on for m in ids}} for _, on in configs for d in drawn]
    res = sweep(spec, out, executor=executor, workers=workers, progress=progress, inputs=inputs)
    frame = res.frame
    metrics = _metrics(frame, run)
    ok = (frame["status"] == "ok").to_numpy()
    metrics.loc[~ok] = np.nan
    n = len(drawn)
    values = metrics.to_numpy().reshape(len(configs), n, metrics.shape[1])
    open_sites = frame.get("design_open", pd.Series([""] * len(frame))).to_numpy().reshape(len(configs), n)
    channels = frame.get("chain_channels", pd.Series([""] * len(frame))).to_numpy().reshape(len(configs), n)
    none_open = set(filter(None, _mode(open_sites[0]).split(";")))
    none_ch = _channels(_mode(channels[0]))
    rows = []
    for c, (name, on) in enumerate(configs):
        row: dict[str, Any] = {"config": name, "measures": list(on),
                               "title": titles.get(name, "no measure" if name == "none" else "all measures")}
        for j, (metric, _) in enumerate(METRICS):
            col = values[c, :, j]
            row[metric] = float(np.nanmean(col)) if np.isfinite(col).any() else None
            row[f"delta_{metric}"] = _paired(col - values[0, :, j]) if c else [0.0, 0.0]
        opened = set(filter(None, _mode(open_sites[c]).split(";")))
        ch = _channels(_mode(channels[c]))
        row["open"] = sorted(opened)
        row["opens"] = sorted(opened - none_open)
        row["closes"] = sorted(none_open - opened)
        row["channel_changes"] = [f"{pm}: {none_ch.get(pm, '-')} -> {v}" for pm, v in sorted(ch.items())
                                  if none_ch.get(pm) != v]
        row["failed_draws"] = int((~ok.reshape(len(configs), n)[c]).sum())
        rows.append(row)
    return MeasureWorth(s.path, tuple(rows), frame, n, tuple(uncertainty), time.perf_counter() - t0,
                        int((~ok).sum()))
