"""Analytic evaluation of a screening plan (which site screens each flow, lanes per site and hour).

Waits come from the SIPP approximation with Allen-Cunneen for near-deterministic X-ray service
(:mod:`logistics.screening.queueing`). A parcel misses its intended flight when its wait exceeds its slack
(``P(Wq > slack)``), and then flies on the next one. This evaluator is the reference that the optimizer's linear
model approximates; the simulation checks both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from logistics.errors import InfeasibleError
from logistics.screening import queueing
from logistics.screening.model import HOURS, ScreeningProblem

__all__ = ["PlanReport", "ScreeningInfeasibleError", "check_capacity", "evaluate_plan"]


class ScreeningInfeasibleError(InfeasibleError):
    """No lane plan can screen the load: the message names the site and hour, or the hour of the staff pool."""


@dataclass(frozen=True, slots=True)
class PlanReport:
    """What a screening plan costs and does on a typical day.

    Costs are per day in the scenario currency; times in hours; ``lanes`` and ``load`` are sites x 24.
    """

    assignment: dict[str, str]  # flow id -> site id
    lanes: NDArray[np.int64]
    load: NDArray[np.float64]
    utilization: NDArray[np.float64]
    wait_hours: NDArray[np.float64]  # mean wait in queue per site and hour
    cost: dict[str, float]
    parcels: float
    expected_misses: float
    share_intended_flight: float
    dwell_mean_hours: float
    dwell_p95_hours: float
    screened_upstream: float
    terminal_lane_hours: int
    staff_by_hour: NDArray[np.int64]

    @property
    def total_cost(self) -> float:
        return float(sum(self.cost.values()))

    def to_json(self, site_ids: list[str]) -> dict[str, object]:
        return {
            "assignment": self.assignment,
            "cost_per_day": {**{k: round(v, 2) for k, v in self.cost.items()}, "total": round(self.total_cost, 2)},
            "parcels_per_day": round(self.parcels, 1),
            "expected_misses_per_day": round(self.expected_misses, 2),
            "share_intended_flight": round(self.share_intended_flight, 6),
            "dwell_mean_hours": round(self.dwell_mean_hours, 3),
            "dwell_p95_hours": round(self.dwell_p95_hours, 3),
            "screened_upstream_per_day": round(self.screened_upstream, 1),
            "terminal_lane_hours": self.terminal_lane_hours,
            "lanes": {sid: [int(x) for x in self.lanes[i]] for i, sid in enumerate(site_ids) if self.lanes[i].any()},
            "staff_by_hour": [int(x) for x in self.staff_by_hour],
            "max_utilization": round(float(np.max(self.utilization, initial=0.0)), 4),
        }


def check_capacity(problem: ScreeningProblem, load: NDArray[np.float64]) -> None:
    """Raise :class:`ScreeningInfeasibleError` when a site-hour's load exceeds what its allowed lanes can take at
    the maximum utilization, or when the lanes needed in an hour exceed the screener pool."""
    d = problem.data
    cap = d.lane_rate_per_hour * d.max_utilization
    staff = np.zeros(HOURS)
    for s, site in enumerate(d.sites):
        need = np.ceil(load[s] / cap - 1e-9)
        over = np.nonzero(need > site.max_lanes)[0]
        if over.size:
            h = int(over[0])
            raise ScreeningInfeasibleError(
                f"site {site.id}, hour {h:02d}:00: {load[s, h]:,.0f} parcels/hour need {int(need[h])} lanes at "
                f"utilization {d.max_utilization:g} but max_lanes is {site.max_lanes}. Fix: raise max_lanes or "
                "lane_rate_per_hour, or screen some flows elsewhere")
        staff += need * d.staff_per_lane
    short = np.nonzero(staff > d.screener_pool)[0]
    if short.size:
        h = int(short[0])
        raise ScreeningInfeasibleError(
            f"hour {h:02d}:00: the load needs at least {int(staff[h])} screeners but the pool has "
            f"{d.screener_pool}. Fix: raise screener_pool or spread the arrivals")


def _weighted_quantile(values: NDArray[np.float64], weights: NDArray[np.float64], q: float) -> float:
    order = np.argsort(values)
    cw = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cw, q * cw[-1])])


def evaluate_plan(problem: ScreeningProblem, assignment: NDArray[np.int64], lanes: NDArray[np.int64]) -> PlanReport:
    """Expected cost, waits, misses and dwell of screening flow ``f`` at site ``assignment[f]`` with
    ``lanes[s, h]`` lanes open at site ``s`` in hour ``h``."""
    d = problem.data
    mu = problem.mu
    load = problem.load(assignment)
    lanes = np.asarray(lanes, dtype=np.int64)
    wait = queueing.mgc_wait(load, mu, lanes, cs2=problem.cs2)
    util = queueing.utilization(load, mu, lanes)
    misses = 0.0
    dwell_vals, dwell_w = [], []
    upstream = rehandled = 0.0
    total = 0.0
    for f, s in enumerate(assignment):
        tl = problem.timelines[(f, int(s))]
        h = tl.queue_hour
        p = queueing.wait_tail(load[s, h], mu, lanes[s, h], tl.slack - 1.0 / mu, cs2=problem.cs2)
        misses += float(np.sum(tl.parcels * p))
        dwell_vals += [tl.dwell_made, tl.dwell_missed]
        dwell_w += [tl.parcels * (1 - p), tl.parcels * p]
        n = float(tl.parcels.sum())
        total += n
        if tl.upstream:
            upstream += n
        else:
            rehandled += n
    vals = np.concatenate(dwell_vals)
    w = np.concatenate(dwell_w)
    waiting = float(np.sum(np.where(load > 0, load * wait, 0.0)))
    used = (lanes.sum(axis=1) > 0) | np.isin(np.arange(problem.n_sites), assignment)
    setup = sum(site.setup_cost_per_day for s, site in enumerate(d.sites) if used[s] and s != problem.terminal)
    cost = {
        "lanes": float(lanes.sum() * d.cost_per_lane_hour),
        "setup": float(setup),
        "secure_transport": upstream * d.secure_transport_cost_per_parcel,
        "terminal_rehandling": rehandled * d.terminal_rehandling_cost_per_parcel,
        "waiting": waiting * d.value_of_time_per_parcel_hour,
        "missed_flights": misses * d.miss_penalty_per_parcel,
    }
    return PlanReport(
        assignment={d.flows[f].id: d.sites[int(s)].id for f, s in enumerate(assignment)},
        lanes=lanes, load=load, utilization=util, wait_hours=wait, cost=cost, parcels=total,
        expected_misses=misses, share_intended_flight=1.0 - misses / total if total else 1.0,
        dwell_mean_hours=float(np.sum(vals * w) / np.sum(w)), dwell_p95_hours=_weighted_quantile(vals, w, 0.95),
        screened_upstream=upstream, terminal_lane_hours=int(lanes[problem.terminal].sum()),
        staff_by_hour=lanes.sum(axis=0) * d.staff_per_lane,
    )
