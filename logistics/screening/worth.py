"""What measure 8 is worth: the comparison with simulated intervals, its break-even values and a volume sweep.

- :func:`replicate`: every configuration's plan simulated over the same random days (common random numbers), so
  that the difference between two configurations has a paired 95% interval far narrower than either's own;
- :func:`breakeven`: the value of one input (the re-handling crew cost, the volume, the value of time, the
  sealed-truck trip price) at which "measure 8" and "before" cost the same, both re-optimized at each value;
- :func:`sweep`: the three configurations over volume factors (x0.5 to x2 by default).

A simulated day's cost is the plan's fixed part (lanes, capital, set-up, trucks, re-handling crews: what the plan
pays whatever happens) plus the day's time cost: the value of time on every parcel's dwell, the miss penalty on
every parcel off its intended flight and the late penalty on every parcel whose next flight breaks its promise.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from logistics.scenario import ScreeningData
from logistics.screening.compare import Comparison, placement
from logistics.screening.evaluate import ScreeningInfeasibleError
from logistics.screening.model import ScreeningProblem, problem_from, scale_volumes
from logistics.screening.optimize import ScreeningPlan, optimize
from logistics.screening.simulate import _T975, DayResult, SimulationResult, simulate

__all__ = ["PARAMETERS", "BreakEven", "Replicated", "SweepRow", "breakeven", "replicate", "sweep", "with_value"]

_FIXED = ("lanes", "capital", "setup", "transport", "rehandling")


def _ci(x: NDArray[np.float64]) -> tuple[float, float]:
    """Mean and Student-t 95% half-width (``inf`` with one value)."""
    n = x.size
    if n < 2:
        return float(x.mean()), math.inf
    t = _T975[n - 2] if n - 1 <= len(_T975) else 1.96
    return float(x.mean()), float(t * x.std(ddof=1) / math.sqrt(n))


def day_cost(data: ScreeningData, plan: ScreeningPlan, day: DayResult) -> float:
    """The plan's fixed cost plus one simulated day's cost of time (module docstring)."""
    fixed = sum(plan.report.cost[k] for k in _FIXED)
    return fixed + (data.value_of_time_per_parcel_hour * day.dwell_mean_hours * day.parcels
                    + data.miss_penalty_per_parcel * day.missed + data.late_penalty_per_parcel * day.late)


@dataclass(frozen=True, slots=True)
class Replicated:
    """Simulated cost per day of each configuration and the paired difference of each against ``before``."""

    replications: int
    seed: int
    cost: dict[str, tuple[float, float]]  # configuration -> mean, 95% half-width (USD a day)
    saving: dict[str, tuple[float, float]]  # configuration -> before minus it: mean, paired 95% half-width
    dwell: dict[str, tuple[float, float]]  # configuration -> mean dwell (hours): mean, half-width
    missed: dict[str, tuple[float, float]]  # configuration -> parcels off their intended flight a day

    def to_json(self) -> dict[str, object]:
        def pair(v: tuple[float, float]) -> dict[str, float | None]:
            return {"mean": round(v[0], 4), "ci95": round(v[1], 4) if math.isfinite(v[1]) else None}

        return {"replications": self.replications, "seed": self.seed,
                "cost_per_day": {k: pair(v) for k, v in self.cost.items()},
                "saving_against_before_per_day": {k: pair(v) for k, v in self.saving.items()},
                "dwell_mean_hours": {k: pair(v) for k, v in self.dwell.items()},
                "missed_parcels_per_day": {k: pair(v) for k, v in self.missed.items()}}


def replicate(problem: ScreeningProblem, comparison: Comparison, *, replications: int = 10, seed: int = 0,
              workers: int | None = None, progress: Callable[[int], None] | None = None) -> Replicated:
    """Simulate every plan of ``comparison`` on the same ``replications`` days (same seed: the arrivals of day
    ``k`` are the same for every plan) and give each cost and each paired saving against ``before``."""
    d = problem.data
    costs: dict[str, NDArray[np.float64]] = {}
    dwell, missed = {}, {}
    done = 0
    seen: dict[bytes, SimulationResult] = {}
    for name, plan in comparison.plans.items():
        def tick(k: int, base: int = done) -> None:
            if progress:
                progress(base + k)

        # The same plan on the same days gives the same days: simulate it once ("optimized" often repeats one).
        key = b"".join(np.ascontiguousarray(a, dtype=np.int64).tobytes()
                       for a in (plan.assignment, plan.lanes, plan.equipment))
        if key in seen:
            sim = seen[key]
            tick(replications)
        else:
            sim = seen[key] = simulate(problem, plan.assignment, plan.lanes, replications=replications, seed=seed,
                                       workers=workers, equipment=plan.equipment, progress=tick)
        done += replications
        costs[name] = np.array([day_cost(d, plan, r) for r in sim.replications])
        dwell[name] = sim._stat("dwell_mean_hours")
        missed[name] = sim._stat("missed")
    saving = {k: _ci(costs["before"] - v) for k, v in costs.items() if k != "before"} if "before" in costs else {}
    return Replicated(replications, seed, {k: _ci(v) for k, v in costs.items()}, saving, dwell, missed)


# The inputs a break-even can move: how each is set on the screening data.
PARAMETERS = {
    "rehandling_crew_cost": "cost_per_crew_hour of [screening.rehandling], USD per crew-hour",
    "volume": "every flow's parcels per day, as a factor of the scenario's",
    "value_of_time": "value_of_time_per_parcel_hour, USD per parcel-hour",
    "sealed_truck_cost": "sealed_cost_per_trip of [screening.trucks], USD per trip",
}


def with_value(data: ScreeningData, parameter: str, value: float) -> ScreeningData:
    """The screening data with ``parameter`` (a key of :data:`PARAMETERS`) set to ``value``."""
    if parameter == "volume":
        return scale_volumes(data, value)
    if parameter == "value_of_time":
        return dataclasses.replace(data, value_of_time_per_parcel_hour=value)
    if parameter == "rehandling_crew_cost":
        if data.rehandling is None:
            raise ValueError("rehandling_crew_cost needs a [screening.rehandling] process in the scenario")
        return dataclasses.replace(data, rehandling=dataclasses.replace(data.rehandling, cost_per_crew_hour=value))
    if parameter == "sealed_truck_cost":
        if data.trucks is None:
            raise ValueError("sealed_truck_cost needs [screening.trucks] in the scenario")
        return dataclasses.replace(data, trucks=dataclasses.replace(data.trucks, sealed_cost_per_trip=value))
    raise ValueError(f"unknown parameter {parameter!r}; use one of {', '.join(PARAMETERS)}")


def current_value(data: ScreeningData, parameter: str) -> float:
    """The scenario's own value of ``parameter``."""
    if parameter == "volume":
        return 1.0
    if parameter == "value_of_time":
        return data.value_of_time_per_parcel_hour
    if parameter == "rehandling_crew_cost":
        return data.rehandling.cost_per_crew_hour if data.rehandling else math.nan
    if parameter == "sealed_truck_cost":
        return data.trucks.sealed_cost_per_trip if data.trucks else math.nan
    raise ValueError(f"unknown parameter {parameter!r}; use one of {', '.join(PARAMETERS)}")


def saving_at(data: ScreeningData, parameter: str, value: float, *, time_limit: float = 10.0) -> float:
    """Daily cost of "before" minus that of "measure 8", both re-optimized, at ``parameter = value``: ``+inf``
    where only measure 8 can carry the day, ``-inf`` where only "before" can, NaN where neither can."""
    p = problem_from(with_value(data, parameter, value))
    costs = []
    for c in ("before", "measure8"):
        try:
            costs.append(optimize(p, fixed=placement(p, c), time_limit=time_limit).report.total_cost)
        except ScreeningInfeasibleError:
            costs.append(math.inf)  # the placement cannot carry the day: the other one wins outright
    if math.isinf(costs[0]) and math.isinf(costs[1]):
        return math.nan
    return costs[0] - costs[1]


@dataclass(frozen=True, slots=True)
class BreakEven:
    """Where measure 8 stops paying along one input: the scan, and the bracketed root when the sign changes."""

    parameter: str
    current: float
    scan: tuple[tuple[float, float], ...]  # (value, saving of measure 8 USD a day)
    value: float | None  # the break-even value, None when measure 8 pays (or loses) over the whole range
    tolerance: float

    @property
    def verdict(self) -> str:
        if self.value is not None:
            side = "above" if self.scan[-1][1] > 0 else "below"
            return f"measure 8 pays {side} {self.value:.4g}"
        sign = "pays" if all(s > 0 for _, s in self.scan) else "does not pay" if all(
            s <= 0 for _, s in self.scan) else "changes sign between scan points"
        return f"measure 8 {sign} over [{self.scan[0][0]:g}, {self.scan[-1][0]:g}]"

    def to_json(self) -> dict[str, object]:
        return {"parameter": self.parameter, "meaning": PARAMETERS[self.parameter], "current": self.current,
                "break_even": None if self.value is None else round(self.value, 6),
                "tolerance": self.tolerance, "verdict": self.verdict,
                "scan": [{"value": v, "saving_per_day": round(s, 2) if math.isfinite(s) else None,
                          "only": None if math.isfinite(s) else "measure8" if s > 0 else "before"}
                         for v, s in self.scan]}


def breakeven(data: ScreeningData, parameter: str, lo: float, hi: float, *, points: int = 5,
              tolerance: float | None = None, time_limit: float = 10.0) -> BreakEven:
    """Scan ``points`` values over ``[lo, hi]`` for the saving of measure 8 and bisect the first sign change to
    ``tolerance`` (default 1% of the range).

    The saving is piecewise smooth (lanes and trucks are integers), so the root is where the re-optimized
    plans' costs cross, to the tolerance; more than one crossing is reported as the first.
    """
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{parameter}: the range [{lo:g}, {hi:g}] must be finite with lo < hi")
    if points < 2:
        raise ValueError("points must be >= 2")
    tol = (hi - lo) / 100.0 if tolerance is None else tolerance
    xs = np.linspace(lo, hi, points).tolist()
    scan = [(x, saving_at(data, parameter, x, time_limit=time_limit)) for x in xs]
    scan = [(x, v) for x, v in scan if not math.isnan(v)]
    if not scan:
        raise ValueError(f"{parameter}: neither placement can carry the day anywhere in [{lo:g}, {hi:g}]")
    root = None
    for (a, fa), (b, fb) in itertools.pairwise(scan):
        if (fa > 0) != (fb > 0):
            while b - a > tol:
                mid = (a + b) / 2.0
                fm = saving_at(data, parameter, mid, time_limit=time_limit)
                if math.isnan(fm):
                    break
                a, fa, b, fb = (mid, fm, b, fb) if (fm > 0) == (fa > 0) else (a, fa, mid, fm)
            finite = math.isfinite(fa) and math.isfinite(fb) and fa != fb
            root = a + (b - a) * fa / (fa - fb) if finite else (a + b) / 2.0
            break
    return BreakEven(parameter, current_value(data, parameter), tuple(scan), root, tol)


@dataclass(frozen=True, slots=True)
class SweepRow:
    """One volume factor: each configuration's cost per day, dwell and status (NaN cost and an ``infeasible: ...``
    status where the placement cannot carry the volume)."""

    factor: float
    parcels: float
    cost: dict[str, float]
    dwell_mean_hours: dict[str, float]
    status: dict[str, str]
    equipment: dict[str, dict[str, str]]

    @property
    def saving(self) -> float:
        """Before minus measure 8 (USD a day): NaN when either cannot carry the volume or was not run."""
        return self.cost.get("before", math.nan) - self.cost.get("measure8", math.nan)

    def to_json(self) -> dict[str, object]:
        def num(v: float, nd: int) -> float | None:
            return round(v, nd) if math.isfinite(v) else None

        return {"volume_factor": self.factor, "parcels_per_day": round(self.parcels, 1),
                "cost_per_day": {k: num(v, 2) for k, v in self.cost.items()},
                "saving_of_measure8_per_day": num(self.saving, 2),
                "dwell_mean_hours": {k: num(v, 4) for k, v in self.dwell_mean_hours.items()},
                "status": self.status, "equipment": self.equipment}


def sweep(data: ScreeningData, factors: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0), *,
          time_limit: float = 10.0, configs: tuple[str, ...] = ("before", "measure8", "optimized"),
          progress: Callable[[int], None] | None = None) -> list[SweepRow]:
    """The configurations compared at each volume factor (each re-optimized)."""
    rows = []
    for k, f in enumerate(factors):
        if not (math.isfinite(f) and f > 0):
            raise ValueError(f"volume factor {f!r} must be a finite number > 0")
        p = problem_from(scale_volumes(data, f))
        plans: dict[str, ScreeningPlan] = {}
        status: dict[str, str] = {}
        for name in configs:
            fixed = placement(p, name)
            if fixed is None:
                continue
            try:
                plans[name] = optimize(p, fixed=fixed, time_limit=time_limit)
            except ScreeningInfeasibleError as exc:
                status[name] = f"infeasible: {exc}"  # this placement cannot carry the volume
        if "optimized" in configs:
            start = min(plans.values(), key=lambda q: q.report.total_cost) if plans else None
            try:
                plans["optimized"] = optimize(p, time_limit=time_limit, start=start)
            except ScreeningInfeasibleError as exc:
                status["optimized"] = f"infeasible: {exc}"
        status.update({n: pl.status for n, pl in plans.items()})
        rows.append(SweepRow(
            f, sum(fl.parcels_per_day for fl in p.data.flows),
            {n: plans[n].report.total_cost if n in plans else math.nan for n in configs},
            {n: plans[n].report.dwell_mean_hours if n in plans else math.nan for n in configs},
            {n: status[n] for n in configs},
            {n: dict(pl.report.equipment) for n, pl in plans.items()}))
        if progress:
            progress(k + 1)
    return rows
