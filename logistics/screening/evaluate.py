"""Analytic evaluation of a screening plan: which site screens each flow, which lane type each site runs, how
many lanes are open per site and hour (from the shifts), and what that costs and does on a typical day.

Waits come from the SIPP approximation with Allen-Cunneen for near-deterministic X-ray and CT service
(:mod:`logistics.screening.queueing`). A parcel misses its intended flight when its wait and screening, plus the
resolution time if it alarms, exceed its slack, and then flies on the next one. A slot's parcels arrive across
the slot, so the miss probability is averaged over the interval their slacks fill
(:func:`~logistics.screening.queueing.miss_probability_between`): the parcels seconds before their truck or
cut-off are what a slot's middle does not see. Each site's lanes also run as a fluid queue at minute resolution
(:func:`lane_waits`): the backlog behind a truckload off the re-handling floor, and where an hour's load exceeds
its lanes (a lane down, a peak the plan was not made for) the excess carried into the next hours (stationary
backlog carry-over, Stolletz 2008, EJOR 190(2)). That wait is added to the stationary one, taken at a capped
utilization in an overloaded hour.

Every cost is a mechanism: staff pay for whole shifts, a capital charge per installed lane, the re-handling
crews on the terminal's floor, trucks per departure (sealed ones for screened loads), and time: the value of a
parcel-hour times the expected dwell, plus a penalty for each miss and for each parcel a miss makes late for its
delivery promise. This evaluator is the reference that the optimizer's linear model approximates; the
simulation checks both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from logistics.errors import InfeasibleError
from logistics.screening import queueing
from logistics.screening.model import HOURS, SLOTS_PER_HOUR, FluidQueue, ScreeningProblem

__all__ = ["PlanReport", "ScreeningInfeasibleError", "check_capacity", "evaluate_plan", "lanes_of", "miss_cost"]

_RHO_CAP = 0.98  # utilization of the stationary part of an overloaded hour's wait


class ScreeningInfeasibleError(InfeasibleError):
    """No lane plan can screen the load: the message names the site and hour, or the hour of the staff pool."""


@dataclass(frozen=True, slots=True)
class PlanReport:
    """What a screening plan costs and does on a typical day.

    Costs are per day in the scenario currency; times in hours; ``lanes`` and ``load`` are sites x 24.
    """

    assignment: dict[str, str]  # flow id -> site id
    equipment: dict[str, str]  # site id -> lane type id, for the sites that screen
    lanes: NDArray[np.int64]
    load: NDArray[np.float64]
    utilization: NDArray[np.float64]
    wait_hours: NDArray[np.float64]  # mean wait in queue per site and hour
    cost: dict[str, float]
    parcels: float
    expected_misses: float
    expected_late: float
    share_intended_flight: float
    dwell_mean_hours: float
    dwell_p95_hours: float
    screened_upstream: float
    terminal_lane_hours: int
    staff_by_hour: NDArray[np.int64]
    crews_by_hour: NDArray[np.int64]
    truck_trips: dict[str, int]  # regular and sealed trips per day

    @property
    def total_cost(self) -> float:
        return float(sum(self.cost.values()))

    def to_json(self, site_ids: list[str]) -> dict[str, object]:
        return {
            "assignment": self.assignment,
            "equipment": self.equipment,
            "cost_per_day": {**{k: round(v, 2) for k, v in self.cost.items()}, "total": round(self.total_cost, 2)},
            "parcels_per_day": round(self.parcels, 1),
            "expected_misses_per_day": round(self.expected_misses, 2),
            "expected_late_per_day": round(self.expected_late, 2),
            "share_intended_flight": round(self.share_intended_flight, 6),
            "dwell_mean_hours": round(self.dwell_mean_hours, 3),
            "dwell_p95_hours": round(self.dwell_p95_hours, 3),
            "screened_upstream_per_day": round(self.screened_upstream, 1),
            "terminal_lane_hours": self.terminal_lane_hours,
            "lanes": {sid: [int(x) for x in self.lanes[i]] for i, sid in enumerate(site_ids) if self.lanes[i].any()},
            "staff_by_hour": [int(x) for x in self.staff_by_hour],
            "rehandling_crews_by_hour": [int(x) for x in self.crews_by_hour],
            "truck_trips_per_day": self.truck_trips,
            "max_utilization": round(float(np.max(self.utilization, initial=0.0)), 4),
        }


def miss_cost(problem: ScreeningProblem, f: int, s: int) -> NDArray[np.float64]:
    """What a miss costs per parcel of each arrival slot of flow ``f`` screened at ``s``: the value of the
    extra dwell to the next flight, the late penalty where that delay exceeds the promise's slack, and the
    miss penalty (re-booking, storage)."""
    d = problem.data
    tl = problem.timelines[(f, s)]
    gap = tl.dwell_missed - tl.dwell_made
    slack = d.flows[f].promise_slack_hours
    late = np.zeros_like(gap) if slack is None else (gap > slack).astype(float)
    return d.value_of_time_per_parcel_hour * gap + d.late_penalty_per_parcel * late + d.miss_penalty_per_parcel


def lanes_of(problem: ScreeningProblem, shifts: NDArray[np.int64]) -> NDArray[np.int64]:
    """Lanes open per site and hour when ``shifts[s, k]`` lanes start at the ``k``-th shift start."""
    sh = problem.data.shifts
    lanes = np.zeros((problem.n_sites, HOURS), dtype=np.int64)
    for k, start in enumerate(sh.starts):
        for h in sh.active(start):
            lanes[:, h] += shifts[:, k]
    return lanes


def check_capacity(problem: ScreeningProblem, load: NDArray[np.float64]) -> None:
    """Raise :class:`ScreeningInfeasibleError` when a site-hour's load exceeds what its allowed lanes of the
    fastest allowed type can take at the maximum utilization, or when the lanes needed in an hour exceed the
    screener pool."""
    d = problem.data
    load = load.copy()
    load[problem.terminal] += problem.background()
    staff = np.zeros(HOURS)
    for s, site in enumerate(d.sites):
        e = max(problem.allowed_types(s), key=lambda i: problem.types[i].rate_per_hour)
        kind = problem.types[e]
        need = np.ceil(load[s] / (kind.rate_per_hour * d.max_utilization) - 1e-9)
        over = np.nonzero(need > site.max_lanes)[0]
        if over.size:
            h = int(over[0])
            raise ScreeningInfeasibleError(
                f"site {site.id}, hour {h:02d}:00: {load[s, h]:,.0f} parcels/hour need {int(need[h])} lanes of "
                f"{kind.id} at utilization {d.max_utilization:g} but max_lanes is {site.max_lanes}. Fix: raise "
                "max_lanes or the lane rate, or screen some flows elsewhere")
        staff += need * kind.staff_per_lane
    short = np.nonzero(staff > d.screener_pool)[0]
    if short.size:
        h = int(short[0])
        raise ScreeningInfeasibleError(
            f"hour {h:02d}:00: the load needs at least {int(staff[h])} screeners but the pool has "
            f"{d.screener_pool}. Fix: raise screener_pool or spread the arrivals")


def _weighted_quantile(values: NDArray[np.float64], weights: NDArray[np.float64], q: float,
                       spread: float = 0.0) -> float:
    """The ``q`` quantile of ``weights`` at ``values``, each weight spread evenly over ``value +- spread`` (an
    arrival slot's parcels arrive across the slot, so their dwells fill an interval): the root of the mixture's
    distribution function, found by bisection."""
    keep = weights > 0
    values, weights = values[keep], weights[keep]
    target = q * float(weights.sum())
    if spread <= 0:
        order = np.argsort(values)
        cw = np.cumsum(weights[order])
        return float(values[order][np.searchsorted(cw, target)])
    lo, hi = float(values.min()) - spread, float(values.max()) + spread
    for _ in range(60):
        mid = (lo + hi) / 2.0
        if float(np.sum(weights * np.clip((mid - values + spread) / (2.0 * spread), 0.0, 1.0))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def lane_waits(problem: ScreeningProblem, assignment: NDArray[np.int64], lanes: NDArray[np.int64],
               mu: NDArray[np.float64]) -> dict[int, NDArray[np.float64]]:
    """The fluid wait (hours) in the lanes' queue of every arrival slot of every flow, by flow index.

    Per site, the parcels join the :class:`~logistics.screening.model.FluidQueue` at their slots' queue times
    (the terminal's general cargo spread evenly over each hour) and ``lanes[s, h] * mu[s]`` are served an hour.
    At minute resolution this is the backlog behind a burst (a truckload off the re-handling floor, a peak) that
    the hour's average rate hides, and where an hour's load exceeds its lanes (a lane down) the backlog carried
    into the following hours (stationary backlog carry-over, Stolletz 2008).
    """
    out: dict[int, NDArray[np.float64]] = {}
    bg = problem.background()
    for s in range(problem.n_sites):
        flows = [f for f, ss in enumerate(assignment) if int(ss) == s]
        if not flows:
            continue
        tls = [problem.timelines[(f, s)] for f in flows]
        per_minute = np.repeat(bg / 60.0, 60) if s == problem.terminal else np.zeros(HOURS * 60)
        fluid = FluidQueue.of_day(np.concatenate([t.queue_span[0] for t in tls]),
                                  np.concatenate([t.parcels for t in tls]), per_minute,
                                  lanes[s].astype(float) * float(mu[s]),
                                  until=np.concatenate([t.queue_span[1] for t in tls]))
        for f, t in zip(flows, tls, strict=True):
            out[f] = fluid.day_wait_hours(t.queue_time)
    return out


def evaluate_plan(problem: ScreeningProblem, assignment: NDArray[np.int64], lanes: NDArray[np.int64], *,
                  equipment: NDArray[np.int64] | None = None, shifts: NDArray[np.int64] | None = None
                  ) -> PlanReport:
    """Expected cost, waits, misses and dwell of screening flow ``f`` at site ``assignment[f]`` with
    ``lanes[s, h]`` lanes of type ``equipment[s]`` open at site ``s`` in hour ``h``.

    ``shifts[s, k]`` (lanes started at each shift start) prices the staff for whole shifts; without it every
    open lane-hour is paid. ``lanes`` may differ from the shifts' lanes (a lane down), and then the pay is still
    that of the shifts. ``equipment`` defaults to each site's first allowed type.
    """
    d = problem.data
    problem = problem.with_dock(assignment)
    types = problem.types
    if equipment is None:
        equipment = problem.default_equipment()
    lanes = np.asarray(lanes, dtype=np.int64)
    load = problem.load(assignment)
    total_load = load.copy()
    total_load[problem.terminal] += problem.background()
    mu = np.array([[types[int(equipment[s])].rate_per_hour] for s in range(problem.n_sites)])
    cs2 = np.array([[types[int(equipment[s])].service_cv ** 2] for s in range(problem.n_sites)])
    overloaded = total_load >= lanes * mu * 0.999
    fluid = lane_waits(problem, assignment, lanes, mu[:, 0])
    lam_eff = np.where(overloaded & (lanes > 0), lanes * mu * _RHO_CAP, total_load)
    # An hour with no lane open only queues: its arrivals wait the fluid wait and nothing stationary.
    with np.errstate(invalid="ignore"):
        stationary = np.where(lanes > 0, queueing.mgc_wait(lam_eff, mu, np.maximum(lanes, 1), cs2=cs2), 0.0)
    fluid_sum = np.zeros_like(total_load)
    fluid_n = np.zeros_like(total_load)
    util = queueing.utilization(total_load, mu, lanes)
    misses = late = 0.0
    dwell_vals, dwell_w = [], []
    upstream = rehandled = 0.0
    total = dwell_sum = 0.0
    for f, s in enumerate(assignment):
        s = int(s)
        tl = problem.timelines[(f, s)]
        kind = types[int(equipment[s])]
        h = tl.queue_hour
        extra = fluid[f]
        with np.errstate(invalid="ignore"):
            np.add.at(fluid_sum[s], h, tl.parcels * np.where(tl.parcels > 0, extra, 0.0))
        np.add.at(fluid_n[s], h, tl.parcels)
        shift = 1.0 / kind.rate_per_hour + np.where(np.isfinite(extra), extra, 0.0)
        p = np.zeros(tl.parcels.size)
        for weight, lo, hi in tl.pieces():
            share = np.divide(weight, tl.parcels, out=np.zeros_like(weight), where=tl.parcels > 0)
            q = queueing.miss_probability_between(lam_eff[s, h], kind.rate_per_hour, lanes[s, h], lo - shift,
                                                  hi - shift, cs2=kind.service_cv**2, alarm_share=kind.alarm_share,
                                                  resolution_hours=kind.resolution_minutes / 60)
            # Arrivals in an hour with no lane open: the fluid wait alone decides.
            closed = np.clip(np.divide(shift - lo, hi - lo, out=(lo < shift).astype(float), where=hi > lo), 0, 1)
            p += share * np.where(lanes[s, h] == 0, closed, q)
        p = np.where(np.isfinite(extra), p, 1.0)
        misses += float(np.sum(tl.parcels * p))
        slack = d.flows[f].promise_slack_hours
        if slack is not None:
            late += float(np.sum(tl.parcels * p * (tl.dwell_missed - tl.dwell_made > slack)))
        dwell_vals += [tl.dwell_made, tl.dwell_missed]
        dwell_w += [tl.parcels * (1 - p), tl.parcels * p]
        dwell_sum += float(np.sum(tl.parcels * ((1 - p) * tl.dwell_made + p * tl.dwell_missed)))
        n = float(tl.parcels.sum())
        total += n
        if tl.upstream:
            upstream += n
        else:
            rehandled += n
    with np.errstate(invalid="ignore", divide="ignore"):
        wait = stationary + np.where(fluid_n > 0, fluid_sum / np.maximum(fluid_n, 1e-300), 0.0)
    vals = np.concatenate(dwell_vals)
    w = np.concatenate(dwell_w)
    used = (lanes.sum(axis=1) > 0) | np.isin(np.arange(problem.n_sites), assignment)
    setup = sum(site.setup_cost_per_day for s, site in enumerate(d.sites) if used[s] and s != problem.terminal)
    sh = d.shifts
    staff_by_hour = np.zeros(HOURS, dtype=np.int64)
    pay = 0.0
    for s in range(problem.n_sites):
        kind = types[int(equipment[s])]
        if shifts is None:
            pay += float(lanes[s].sum()) * kind.cost_per_lane_hour
            staff_by_hour += lanes[s] * kind.staff_per_lane
        else:
            for k, start in enumerate(sh.starts):
                pay += float(shifts[s, k]) * sh.length_hours * kind.cost_per_lane_hour
                duty = list(sh.on_duty(start))
                staff_by_hour[duty] += int(shifts[s, k]) * kind.staff_per_lane
    capital = sum(types[int(equipment[s])].capital_cost_per_lane_day * int(lanes[s].max(initial=0))
                  for s in range(problem.n_sites))
    crews = problem.crews(assignment)
    if d.rehandling is not None:
        rehandling_cost = float(crews.sum()) * d.rehandling.cost_per_crew_hour
    else:
        rehandling_cost = rehandled * d.terminal_rehandling_cost_per_parcel
    trips = {"regular": 0, "sealed": 0}
    if d.trucks is not None:
        for regular, sealed in problem.trucks(assignment).values():
            trips["regular"] += int(regular.sum())
            trips["sealed"] += int(sealed.sum())
        transport = trips["regular"] * d.trucks.cost_per_trip + trips["sealed"] * d.trucks.sealed_cost_per_trip
    else:
        transport = upstream * d.secure_transport_cost_per_parcel
    cost = {
        "lanes": pay,
        "capital": float(capital),
        "setup": float(setup),
        "transport": float(transport),
        "rehandling": float(rehandling_cost),
        "dwell": dwell_sum * d.value_of_time_per_parcel_hour,
        "missed_flights": misses * d.miss_penalty_per_parcel + late * d.late_penalty_per_parcel,
    }
    return PlanReport(
        assignment={d.flows[f].id: d.sites[int(s)].id for f, s in enumerate(assignment)},
        equipment={d.sites[s].id: types[int(equipment[s])].id for s in range(problem.n_sites) if used[s]},
        lanes=lanes, load=load, utilization=util, wait_hours=wait, cost=cost, parcels=total,
        expected_misses=misses, expected_late=late, share_intended_flight=1.0 - misses / total if total else 1.0,
        dwell_mean_hours=dwell_sum / total if total else 0.0,
        dwell_p95_hours=_weighted_quantile(vals, w, 0.95, 0.5 / SLOTS_PER_HOUR),
        screened_upstream=upstream, terminal_lane_hours=int(lanes[problem.terminal].sum()),
        staff_by_hour=staff_by_hour, crews_by_hour=crews, truck_trips=trips,
    )
