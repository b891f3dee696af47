"""The optimizer's analytic model against the simulation, on the built-in day and three harder days.

- ``base``: the optimized plan of the scenario's day;
- ``peak``: every flow x1.5, re-optimized (a peak day planned for);
- ``cancelled``: the base plan on a day whose flights leaving between 12:00 and 14:00 are cancelled (a bank lost
  after the plan was made: its parcels wait for the next flight to their destination);
- ``lane_down``: the base plan with one terminal lane out of service from 10:00 to 14:00.

For each day the plan's expected missed flights, mean and 95th-percentile dwell from the analytic model
(:func:`~logistics.screening.evaluate.evaluate_plan`, the model the optimizer prices) are set against the 95%
confidence interval of the same statistics over simulated replications (:func:`~logistics.screening.simulate.
simulate`): they agree when the analytic value lies in the interval. The model is not corrected with the
simulation: it agrees because it has the mechanisms the simulation has (the slacks within each arrival slot,
the backlog behind a truckload at minute resolution, the alarm resolution off the lane).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from logistics.scenario import ScreeningData
from logistics.screening.compare import placement
from logistics.screening.evaluate import ScreeningInfeasibleError, evaluate_plan
from logistics.screening.model import ScreeningProblem, problem_from, scale_volumes
from logistics.screening.optimize import ScreeningPlan, optimize
from logistics.screening.simulate import simulate

__all__ = ["DAYS", "DayCheck", "check", "day_variant"]

DAYS = ("base", "peak", "cancelled", "lane_down")
STATISTICS = ("missed", "dwell_mean_hours", "dwell_p95_hours")
_PEAK = 1.5
_BANK = (12.0, 14.0)  # departures cancelled on the "cancelled" day, hours [from, to)
_DOWN = (10, 14)  # hours [from, to) with one terminal lane down


@dataclass(frozen=True, slots=True)
class DayCheck:
    """One day: the analytic value, the simulated mean and 95% half-width of each statistic, and the verdict."""

    day: str
    parcels: float
    analytic: dict[str, float]
    simulated: dict[str, tuple[float, float]]  # mean, 95% CI half-width

    def agrees(self, name: str, widen: float = 1.0) -> bool:
        """The analytic value lies in the simulated 95% CI (its half-width times ``widen``)."""
        mean, half = self.simulated[name]
        return abs(self.analytic[name] - mean) <= half * widen

    @property
    def all_agree(self) -> bool:
        return all(self.agrees(k) for k in STATISTICS)

    def to_json(self) -> dict[str, object]:
        return {"day": self.day, "parcels": round(self.parcels, 1), "agree": self.all_agree,
                **{k: {"analytic": round(self.analytic[k], 4), "simulated": round(self.simulated[k][0], 4),
                       "ci95": round(self.simulated[k][1], 4), "agree": self.agrees(k)}
                    for k in STATISTICS}}


def day_variant(data: ScreeningData, day: str) -> ScreeningData:
    """The screening data of a named day (the lane-down day changes the plan, not the data)."""
    if day in ("base", "lane_down"):
        return data
    if day == "peak":
        return scale_volumes(data, _PEAK)
    if day == "cancelled":
        gone = {f.id for f in data.flights if _BANK[0] <= f.departure_hour % 24 < _BANK[1]}
        flows = []
        for fl in data.flows:
            kept = tuple(x for x in fl.flights if x not in gone)
            if not kept:
                raise ValueError(f"flow {fl.id}: every flight it may take leaves in the cancelled bank")
            flows.append(dataclasses.replace(fl, flights=kept))
        return dataclasses.replace(data, flights=tuple(f for f in data.flights if f.id not in gone),
                                   flows=tuple(flows))
    raise ValueError(f"unknown day {day!r}; use one of {', '.join(DAYS)}")


def _plan(problem: ScreeningProblem, time_limit: float, config: str) -> ScreeningPlan:
    fixed = placement(problem, config)
    if fixed is not None:
        return optimize(problem, fixed=fixed, time_limit=time_limit)
    # The free model starts from the cheaper fixed plan that the day can carry (as compare does).
    starts = []
    for c in ("measure8", "before"):
        try:
            starts.append(optimize(problem, fixed=placement(problem, c), time_limit=time_limit))
        except ScreeningInfeasibleError:
            continue
    start = min(starts, key=lambda p: p.report.total_cost) if starts else None
    return optimize(problem, time_limit=time_limit, start=start)


def check(data: ScreeningData, *, days: tuple[str, ...] = DAYS, replications: int = 10, seed: int = 0,
          workers: int | None = None, time_limit: float = 60.0, config: str = "optimized") -> list[DayCheck]:
    """Analytic against simulated misses and dwell on each day.

    Parameters
    ----------
    data
        The scenario's screening data.
    days
        Which of :data:`DAYS` to run.
    replications, seed, workers
        Simulated days per check, the seed of their streams, and worker processes.
    time_limit
        Seconds for each optimization (the base plan, and the peak day's own).
    config
        ``optimized`` (default) or a fixed placement (``before``, ``measure8``) for every plan.
    """
    base = problem_from(data)
    base_plan = _plan(base, time_limit, config)
    out = []
    for day in days:
        problem = base if day in ("base", "lane_down") else problem_from(day_variant(data, day))
        plan = _plan(problem, time_limit, config) if day == "peak" else base_plan
        lanes = plan.lanes.copy()
        if day == "lane_down":
            t = problem.terminal
            lanes[t, _DOWN[0]:_DOWN[1]] = np.maximum(lanes[t, _DOWN[0]:_DOWN[1]] - 1, 0)
        report = evaluate_plan(problem, plan.assignment, lanes, equipment=plan.equipment, shifts=plan.shifts)
        sim = simulate(problem, plan.assignment, lanes, replications=replications, seed=seed, workers=workers,
                       equipment=plan.equipment)
        out.append(DayCheck(
            day=day, parcels=report.parcels,
            analytic={"missed": report.expected_misses, "dwell_mean_hours": report.dwell_mean_hours,
                      "dwell_p95_hours": report.dwell_p95_hours},
            simulated={k: sim._stat(k) for k in STATISTICS}))
    return out
