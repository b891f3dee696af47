"""A SimPy discrete-event simulation of one screening day, with independent replications in parallel.

Each replication draws non-homogeneous Poisson arrivals per flow: a Poisson count per hour, spread uniformly in
the hour, which is exact for piecewise-constant rates. The day starts after a warm-up (default 6 h) so that it
begins with the night's queues. Parcels left unscreened ride the next truck to the terminal; with a re-handling
process (the scenario's ``[screening.rehandling]``) each truck is unloaded over its unloading time in boarding
order and the floor's crews break the parcels down first come first served at their hourly capacity; in older
scenarios the break-down is a uniform delay in ``[0, 2 r]``, ``r`` the mean re-handling time. Upstream parcels
join their origin's queue when they arrive. Those join times do not depend on the lanes' queues, so they are
computed first. SimPy then runs the lanes, with the terminal's general cargo as Poisson arrivals that take lane
time but are left out of the statistics. A lane is open in an hour when its index is below the plan's lane
count for that site and hour, and it finishes the parcel in hand when it closes. Service times are gamma
distributed with the lane type's coefficient of variation (exponential at 1); an alarmed parcel (the type's
alarm share) is then resolved off the lane in an exponential time. After screening, build-up or trucks and the
terminal's handling of screened loads, and flight cut-offs follow the plan's timetable
(:mod:`logistics.screening.model`).

Replications use child seeds of one :class:`numpy.random.SeedSequence`, so the same seed gives the same
results however many worker processes run them.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import simpy
from numpy.typing import NDArray

from logistics.screening.model import (
    HOURS,
    ScreeningProblem,
    boarding_position,
    departure_after,
    flight_times,
    next_time,
)

__all__ = ["DayResult", "SimulationResult", "simulate", "simulate_day"]

# Two-sided 95% Student t quantiles for 1..30 degrees of freedom (standard tables); the normal 1.96 beyond.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
         2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


@dataclass(frozen=True, slots=True)
class DayResult:
    """One replication: statistics of the parcels that arrived during the measured day."""

    parcels: int
    missed: int  # parcels not on their intended flight
    late: int  # missed parcels whose next flight breaks their delivery promise (the flow's promise slack)
    share_intended_flight: float
    dwell_mean_hours: float
    dwell_p95_hours: float
    wait_mean_hours: float
    wait_by_site: dict[str, float]  # mean wait in queue, hours
    screened_by_site: dict[str, int]


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """Replications of a day with the mean and 95% confidence half-width of each statistic."""

    replications: tuple[DayResult, ...]
    seed: int

    def _stat(self, name: str) -> tuple[float, float]:
        x = np.array([getattr(r, name) for r in self.replications], dtype=float)
        n = len(x)
        if n < 2:
            return float(x.mean()), math.inf
        t = _T975[n - 2] if n - 1 <= len(_T975) else 1.96
        return float(x.mean()), float(t * x.std(ddof=1) / math.sqrt(n))

    def summary(self) -> dict[str, object]:
        """Mean and 95% CI half-width of every statistic, and per-site mean waits."""
        out: dict[str, object] = {"replications": len(self.replications), "seed": self.seed}
        for name in ("parcels", "missed", "late", "share_intended_flight", "dwell_mean_hours", "dwell_p95_hours",
                     "wait_mean_hours"):
            mean, half = self._stat(name)
            out[name] = {"mean": round(mean, 6), "ci95": round(half, 6) if math.isfinite(half) else None}
        sites = self.replications[0].wait_by_site
        out["wait_by_site_hours"] = {s: round(float(np.mean([r.wait_by_site[s] for r in self.replications])), 6)
                                     for s in sites}
        return out


def _arrivals(problem: ScreeningProblem, rng: np.random.Generator, warmup: float
              ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Flow index and arrival time (hours; the measured day is [0, 24)) of every parcel, sorted by time."""
    flows, times = [], []
    hours = np.arange(-math.ceil(warmup), HOURS)
    for f, flow in enumerate(problem.data.flows):
        rate = np.asarray(flow.profile)[hours % HOURS] * flow.parcels_per_day
        counts = rng.poisson(rate)
        t = np.repeat(hours, counts) + rng.random(int(counts.sum()))
        flows.append(np.full(t.size, f, dtype=np.int64))
        times.append(t)
    f_all = np.concatenate(flows)
    t_all = np.concatenate(times)
    order = np.argsort(t_all, kind="stable")
    return f_all[order], t_all[order]


def _fifo_floor(floor: NDArray[np.float64], crews: NDArray[np.int64], rate: float, start: float, end: float
                ) -> NDArray[np.float64]:
    """When each parcel reaching the re-handling floor at ``floor`` (hours on the day clock) is off it: first
    come first served, each parcel taking one unit of the crews' capacity ``crews[h] * rate`` per hour.

    With cumulative capacity ``F``, the ``k``-th parcel in order of arrival is done when ``F`` reaches
    ``G_k = k + 1 + max_{j <= k} (F(A_j) - j)`` (the recursion ``G_k = max(F(A_k), G_{k-1}) + 1`` unrolled).
    """
    grid = np.arange(math.floor(start), math.ceil(end) + 1.0 / 60.0, 1.0 / 60.0)
    per_min = crews[(np.floor(grid[:-1]).astype(np.int64)) % HOURS] * rate / 60.0
    cum = np.concatenate([[0.0], np.cumsum(per_min)])
    order = np.argsort(floor, kind="stable")
    a = np.interp(floor[order], grid, cum)
    k = np.arange(a.size, dtype=float)
    target = k + 1.0 + np.maximum.accumulate(a - k)
    idx = np.minimum(np.searchsorted(cum, target - 1e-9), grid.size - 1)
    lo = np.maximum(idx - 1, 0)
    step = np.maximum(cum[idx] - cum[lo], 1e-12)
    t = grid[lo] + (grid[idx] - grid[lo]) * np.clip((target - cum[lo]) / step, 0.0, 1.0)
    t = np.where(target > cum[-1] + 1e-9, np.inf, t)
    out = np.empty_like(floor)
    out[order] = np.maximum(t, floor[order])
    return out


def simulate_day(problem: ScreeningProblem, assignment: NDArray[np.int64], lanes: NDArray[np.int64],
                 seed: np.random.SeedSequence | int = 0, warmup_hours: float = 6.0,
                 equipment: NDArray[np.int64] | None = None) -> DayResult:
    """Simulate one day of the plan (flow ``f`` screened at ``assignment[f]``; ``lanes[s, h]`` lanes of type
    ``equipment[s]``, by default each site's first allowed type)."""
    d = problem.data
    types = problem.types
    if equipment is None:
        equipment = problem.default_equipment()
    rng = np.random.default_rng(seed)
    flow_of, arrival = _arrivals(problem, rng, warmup_hours)
    n = arrival.size
    site_of = np.asarray(assignment)[flow_of]
    sites = d.sites
    upstream = np.array([problem.timelines[(f, int(assignment[f]))].upstream
                         for f in range(problem.n_flows)])[flow_of]
    origin_idx = np.array([problem.site_index(fl.origin) for fl in d.flows])[flow_of]
    join = arrival.copy()
    offset = math.ceil(warmup_hours)  # simulation clock = day clock + offset, so that it starts at 0
    horizon = offset + HOURS + 48.0
    reh = d.rehandling
    spread = reh.unload_hours if reh else 2.0 * d.terminal_rehandling_hours
    for s, site in enumerate(sites):
        m = (~upstream) & (origin_idx == s)
        if not m.any():
            continue
        if s == problem.terminal:
            join[m] = arrival[m] + (0.0 if reh else rng.uniform(0.0, spread, int(m.sum())))
        else:
            deps = np.asarray(site.truck_departures)
            truck = next_time(arrival[m], deps)
            if reh:
                # A truck is unloaded in boarding order over the unloading time.
                join[m] = truck + site.truck_transit_hours + spread * boarding_position(arrival[m], truck, deps)
            else:
                join[m] = truck + site.truck_transit_hours + rng.uniform(0.0, spread, int(m.sum()))
    if reh:
        m = ~upstream
        if m.any():
            join[m] = _fifo_floor(join[m], problem.crews(np.asarray(assignment)), reh.rate_per_crew_hour,
                                  -offset - 1.0, horizon - offset)

    # General cargo shares the terminal's lanes: Poisson arrivals, screened but not counted.
    bg = problem.background()
    hours = np.arange(-offset, HOURS + 48)
    counts = rng.poisson(bg[hours % HOURS])
    bg_join = np.repeat(hours, counts) + rng.random(int(counts.sum()))
    m_bg = bg_join.size
    join_all = np.concatenate([join, bg_join])
    site_all = np.concatenate([site_of, np.full(m_bg, problem.terminal, dtype=np.int64)])
    kinds = [types[int(equipment[s])] for s in range(len(sites))]
    mu_of = np.array([k.rate_per_hour for k in kinds])[site_all]
    cv_of = np.array([k.service_cv for k in kinds])[site_all]
    shape = 1.0 / np.maximum(cv_of**2, 1e-9)
    service = np.where(cv_of > 0, rng.gamma(shape, 1.0 / (mu_of * shape)), 1.0 / mu_of)
    total = n + m_bg
    start = np.full(total, np.nan)
    done = np.full(total, np.nan)
    env = simpy.Environment()

    def hour_of(now: float) -> int:
        return math.floor(now - offset) % HOURS

    def feeder(store: simpy.Store, idx: NDArray[np.int64]):  # type: ignore[no-untyped-def]
        for i in idx:
            delay = join_all[i] + offset - env.now
            if delay > 0:
                yield env.timeout(delay)
            store.put(int(i))

    def lane(store: simpy.Store, s: int, k: int):  # type: ignore[no-untyped-def]
        while True:
            boundary = math.floor(env.now) + 1.0 - env.now
            if lanes[s, hour_of(env.now)] <= k:
                yield env.timeout(boundary)
                continue
            if store.items:
                # Parcels are waiting, so no lane is blocked on a get: take the first without an event.
                i = store.items.pop(0)
            else:
                get = store.get()
                closing = env.timeout(boundary)
                got = yield get | closing
                if get not in got:
                    get.cancel()
                    continue
                i = got[get]
            start[i] = env.now - offset
            yield env.timeout(service[i])
            done[i] = env.now - offset

    for s in range(len(sites)):
        idx = np.nonzero((site_all == s) & np.isfinite(join_all))[0]
        if idx.size == 0:
            continue
        idx = idx[np.argsort(join_all[idx], kind="stable")]
        store = simpy.Store(env)
        env.process(feeder(store, idx))
        for k in range(int(lanes[s].max())):
            env.process(lane(store, s, k))
    measured = (arrival >= 0.0) & (arrival < HOURS)
    env.run(until=horizon)
    start, done = start[:n], done[:n]

    # Alarmed parcels are resolved off the lane.
    alarm = np.array([k.alarm_share for k in kinds])[site_of]
    resolution = np.array([k.resolution_minutes / 60.0 for k in kinds])[site_of]
    alarmed = rng.random(n) < alarm
    cleared = done + np.where(alarmed, rng.exponential(1.0, n) * resolution, 0.0)
    # After screening: trucks, terminal handling of screened loads (or build-up), flights.
    buildup = reh.buildup_hours if reh else 0.0
    ready = cleared + buildup
    ready0 = join + buildup  # when the parcel would be ready with no wait (intended flight)
    for s, site in enumerate(sites):
        m = upstream & (site_of == s)
        if m.any():
            deps = np.asarray(site.truck_departures)
            extra = site.truck_transit_hours + d.screened_handling_hours
            ready[m] = next_time(cleared[m], deps) + extra
            ready0[m] = next_time(join[m], deps) + extra
    departure = np.full(n, np.nan)
    intended = np.full(n, np.nan)
    for f, flow in enumerate(d.flows):
        m = flow_of == f
        cutoffs, lead = flight_times(d, flow)
        for target, src in ((departure, ready), (intended, ready0)):
            target[m] = departure_after(src[m], cutoffs, lead)[1]
    ok = measured & np.isfinite(done)
    unfinished = int(np.sum(measured & ~np.isfinite(done)))
    dwell = departure[ok] - arrival[ok]
    made = departure[ok] <= intended[ok] + 1e-9
    slack = np.array([fl.promise_slack_hours if fl.promise_slack_hours is not None else np.inf
                      for fl in d.flows])[flow_of[ok]]
    late = int(np.sum(~made & (departure[ok] - intended[ok] > slack))) + unfinished
    wait = start[ok] - join[ok]
    n_meas = int(measured.sum())
    wait_by_site, screened_by_site = {}, {}
    for s, site in enumerate(sites):
        m = site_of[ok] == s
        wait_by_site[site.id] = float(wait[m].mean()) if m.any() else 0.0
        screened_by_site[site.id] = int(m.sum())
    # Parcels still unscreened 48 h after the day count as missing their flight, with at least that dwell.
    dwell_all = np.concatenate([dwell, np.full(unfinished, 48.0)])
    return DayResult(
        parcels=n_meas,
        missed=int(n_meas - made.sum()),
        late=late,
        share_intended_flight=float(made.sum()) / n_meas if n_meas else 1.0,
        dwell_mean_hours=float(dwell_all.mean()) if dwell_all.size else 0.0,
        dwell_p95_hours=float(np.quantile(dwell_all, 0.95)) if dwell_all.size else 0.0,
        wait_mean_hours=float(wait.mean()) if wait.size else 0.0,
        wait_by_site=wait_by_site, screened_by_site=screened_by_site,
    )


def _run(args: tuple[ScreeningProblem, NDArray[np.int64], NDArray[np.int64], np.random.SeedSequence, float,
                     NDArray[np.int64] | None]) -> DayResult:
    problem, assignment, lanes, seed, warmup, equipment = args
    return simulate_day(problem, assignment, lanes, seed, warmup, equipment)


def simulate(problem: ScreeningProblem, assignment: NDArray[np.int64], lanes: NDArray[np.int64], *,
             replications: int = 10, seed: int = 0, workers: int | None = None, warmup_hours: float = 6.0,
             progress: Callable[[int], None] | None = None, equipment: NDArray[np.int64] | None = None
             ) -> SimulationResult:
    """Run independent replications of a day, in parallel processes when ``workers`` (default: CPUs) > 1.

    ``progress`` is called with the number of replications finished so far.
    """
    if replications < 1:
        raise ValueError("replications must be >= 1")
    children = np.random.SeedSequence(seed).spawn(replications)
    tasks = [(problem, np.asarray(assignment), np.asarray(lanes), c, warmup_hours, equipment) for c in children]
    workers = min(replications, workers or os.cpu_count() or 1)
    results: list[DayResult] = []
    if workers <= 1:
        for t in tasks:
            results.append(_run(t))
            if progress:
                progress(len(results))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for r in pool.map(_run, tasks):
                results.append(r)
                if progress:
                    progress(len(results))
    return SimulationResult(tuple(results), seed)


