"""The screening problem: where each air-export flow can be screened, and what that means for its parcels.

A parcel of flow ``f`` arrives at its origin site at time ``t`` (hours). If it is screened **upstream** at its
origin, it queues there, takes the first truck to the terminal after screening, and is handled at the terminal
(``screened_handling_hours``) as a sealed, screened load. If it is screened **at the terminal**, it takes the
first truck after arrival, is broken down and re-handled and then queues for the terminal's lanes; a truckload
is broken down over ``2 * terminal_rehandling_hours`` (the mean delay is ``terminal_rehandling_hours``). Either
way it flies on the first of its flow's flights whose acceptance cut-off it makes.

:class:`ScreeningProblem` precomputes, for every (flow, candidate site) and every arrival slot (12 per hour), the
hour at which the parcel joins the screening queue, its slack (how long it may wait there and still make the
flight it would make with no wait, the *intended* flight) and its dwell time (arrival to aircraft departure)
with and without missing that flight. Given lanes per site and hour, the queueing formulas then give expected
waits and misses (:mod:`logistics.screening.evaluate`); the same timeline drives the simulation.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from logistics.errors import ScenarioError
from logistics.scenario import Equipment, Scenario, ScreeningData, ScreeningFlow, resolve_measures

__all__ = ["HOURS", "SLOTS_PER_HOUR", "FlowTimeline", "FluidQueue", "ScreeningProblem", "boarding_position",
           "departure_after", "departure_index", "dock_crews", "dock_wait_fn", "flight_times", "last_time",
           "next_time", "problem_from", "scale_volumes"]

HOURS = 24
SLOTS_PER_HOUR = 12  # 5-minute arrival slots: fine enough for 1-3 h truck headways


def next_time(t: NDArray[np.float64], times_of_day: NDArray[np.float64]) -> NDArray[np.float64]:
    """The first time ``>= t`` (hours, any day) among daily repeating ``times_of_day`` (sorted, in [0, 24))."""
    t = np.asarray(t, dtype=float)
    day = np.floor(t / HOURS)
    tod = t - day * HOURS
    idx = np.searchsorted(times_of_day, tod - 1e-9, side="left")
    wrap = idx >= len(times_of_day)
    chosen = np.where(wrap, times_of_day[0] + HOURS, times_of_day[np.minimum(idx, len(times_of_day) - 1)])
    return day * HOURS + chosen


def last_time(t: NDArray[np.float64], times_of_day: NDArray[np.float64]) -> NDArray[np.float64]:
    """The last time ``<= t`` (hours, any day) among daily repeating ``times_of_day``."""
    return -next_time(-np.asarray(t, dtype=float), np.sort((HOURS - times_of_day) % HOURS))


@dataclass(frozen=True, slots=True)
class FlowTimeline:
    """Per arrival slot of one flow screened at one site (arrays of length 24 * SLOTS_PER_HOUR)."""

    flow: int
    site: int
    upstream: bool
    parcels: NDArray[np.float64]  # parcels per day arriving in the slot
    arrival: NDArray[np.float64]  # arrival time at the origin (slot middle), hours
    queue_time: NDArray[np.float64]  # when the parcel joins the screening queue
    slack: NDArray[np.float64]  # hours it may wait in the queue and still make the intended flight
    dwell_made: NDArray[np.float64]  # arrival -> departure of the intended flight
    dwell_missed: NDArray[np.float64]  # arrival -> departure of the next flight after it
    floor: NDArray[np.float64]  # when it reaches the terminal's re-handling floor (NaN: not re-handled there)
    truck: NDArray[np.int64]  # index of the origin's truck departure it rides (-1: none)
    slack_ranges: NDArray[np.float64]  # 2 x 2 x slots: [piece][low, high] of the slacks the slot's parcels have
    before: NDArray[np.float64]  # share of the slot's parcels in the first piece (1 unless it straddles a deadline)
    queue_span: NDArray[np.float64]  # 2 x slots: when the slot's first and last parcels join the queue

    def pieces(self) -> tuple[tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]], ...]:
        """The slot's parcels split by slack interval: (parcels, lowest slack, highest slack) per piece."""
        return ((self.parcels * self.before, self.slack_ranges[0, 0], self.slack_ranges[0, 1]),
                (self.parcels * (1.0 - self.before), self.slack_ranges[1, 0], self.slack_ranges[1, 1]))

    @property
    def queue_hour(self) -> NDArray[np.int64]:
        """Hour of the day (0-23) in which the parcel joins the queue."""
        return (np.floor(self.queue_time) % HOURS).astype(np.int64)

    def load_by_hour(self) -> NDArray[np.float64]:
        """Arrivals at the screening queue per hour of the day (parcels/hour)."""
        return np.bincount(self.queue_hour, weights=self.parcels, minlength=HOURS).astype(np.float64)

    def floor_by_hour(self) -> NDArray[np.float64]:
        """Arrivals at the terminal's re-handling floor per hour of the day (zeros when not re-handled)."""
        if not np.isfinite(self.floor).any():
            return np.zeros(HOURS)
        hour = (np.floor(self.floor) % HOURS).astype(np.int64)
        return np.bincount(hour, weights=self.parcels, minlength=HOURS).astype(np.float64)

    def by_truck(self, departures: int) -> NDArray[np.float64]:
        """Parcels per day on each of the origin's ``departures`` truck departures."""
        m = self.truck >= 0
        return np.bincount(self.truck[m], weights=self.parcels[m], minlength=departures).astype(np.float64)


@dataclass(frozen=True, slots=True)
class ScreeningProblem:
    """The screening data with every (flow, candidate site) timeline precomputed.

    ``sites`` and ``flows`` keep the data's order; ``timelines[(f, s)]`` exists for each candidate pair. With a
    re-handling process, the timelines of parcels screened at the terminal include the floor's queue for the
    placement ``dock_for`` (site index per flow): :meth:`with_dock` recomputes them for another placement.
    """

    data: ScreeningData
    timelines: dict[tuple[int, int], FlowTimeline]
    terminal: int
    dock_for: tuple[int, ...] | None = None

    @property
    def types(self) -> tuple[Equipment, ...]:
        """The lane types (equipment) that sites may install."""
        return self.data.lane_types()

    @property
    def n_sites(self) -> int:
        return len(self.data.sites)

    @property
    def n_flows(self) -> int:
        return len(self.data.flows)

    def allowed_types(self, s: int) -> list[int]:
        """Indices of the lane types site ``s`` may install."""
        ids = self.data.sites[s].equipment
        return [e for e, t in enumerate(self.types) if not ids or t.id in ids]

    def default_equipment(self) -> NDArray[np.int64]:
        """Each site's first allowed lane type: what a plan that names no equipment runs."""
        return np.array([self.allowed_types(s)[0] for s in range(self.n_sites)], dtype=np.int64)

    def background(self) -> NDArray[np.float64]:
        """General cargo on the terminal's lanes per hour (parcel-equivalents per hour)."""
        return np.asarray(self.data.background(), dtype=float)

    def candidates(self, f: int) -> list[int]:
        """Indices of the sites where flow ``f`` may be screened."""
        return [s for (ff, s) in self.timelines if ff == f]

    def site_index(self, site_id: str) -> int:
        return [s.id for s in self.data.sites].index(site_id)

    def flow_index(self, flow_id: str) -> int:
        return [f.id for f in self.data.flows].index(flow_id)

    def load(self, assignment: NDArray[np.int64]) -> NDArray[np.float64]:
        """Parcel arrivals per site and hour (sites x 24) when flow ``f`` is screened at ``assignment[f]``
        (without the terminal's background load)."""
        lam = np.zeros((self.n_sites, HOURS))
        for f, s in enumerate(assignment):
            lam[s] += self.timelines[(f, int(s))].load_by_hour()
        return lam

    def floor_load(self, assignment: NDArray[np.int64]) -> NDArray[np.float64]:
        """Parcels reaching the terminal's re-handling floor per hour of the day."""
        return sum((self.timelines[(f, int(s))].floor_by_hour() for f, s in enumerate(assignment)),
                   np.zeros(HOURS))

    def crews(self, assignment: NDArray[np.int64]) -> NDArray[np.int64]:
        """Re-handling crews per hour for a placement (zeros without a re-handling process)."""
        if self.data.rehandling is None:
            return np.zeros(HOURS, dtype=np.int64)
        return dock_crews(self.data, self.floor_load(assignment))

    def trucks(self, assignment: NDArray[np.int64]) -> dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]]:
        """Regular and sealed trucks per departure of each upstream site (empty without a truck model)."""
        d = self.data
        if d.trucks is None:
            return {}
        out = {}
        for o, site in enumerate(d.sites):
            if o == self.terminal:
                continue
            k = len(site.truck_departures)
            regular, sealed = np.zeros(k), np.zeros(k)
            for f, s in enumerate(assignment):
                if d.flows[f].origin != site.id:
                    continue
                tl = self.timelines[(f, int(s))]
                if tl.upstream:
                    sealed += tl.by_truck(k)
                else:
                    regular += tl.by_truck(k)
            if regular.any() or sealed.any():
                cap = d.trucks.capacity_parcels
                out[site.id] = (np.ceil(regular / cap - 1e-9).astype(np.int64),
                                np.ceil(sealed / cap - 1e-9).astype(np.int64))
        return out

    def with_dock(self, assignment: NDArray[np.int64] | None) -> ScreeningProblem:
        """The problem with the re-handling floor's queue of the placement ``assignment`` in the timelines of
        the parcels screened at the terminal (itself without a re-handling process)."""
        if self.data.rehandling is None or assignment is None:
            return self
        key = tuple(int(s) for s in assignment)
        if key == self.dock_for:
            return self
        times, weights = [], []
        for f, s in enumerate(key):
            tl = self.timelines[(f, s)]
            if not tl.upstream:
                times.append(tl.floor)
                weights.append(tl.parcels)
        if times:
            wait = dock_wait_fn(self.data, np.concatenate(times), np.concatenate(weights), self.crews(assignment))
        else:
            wait = None
        timelines = {(f, s): (tl if tl.upstream else _timeline(self.data, f, s, self.terminal, wait))
                     for (f, s), tl in self.timelines.items()}
        return ScreeningProblem(self.data, timelines, self.terminal, key)


def departure_after(t: NDArray[np.float64], cutoffs: NDArray[np.float64], lead: NDArray[np.float64]
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The first cut-off at or after ``t`` among the flow's flights (``flight_times``), and that flight's
    departure, which follows its cut-off by the flight's own cut-off lead."""
    cutoff = next_time(t, cutoffs)
    idx = np.searchsorted(cutoffs, cutoff % HOURS - 1e-9)
    return cutoff, cutoff + lead[np.minimum(idx, len(lead) - 1)]


def flight_times(data: ScreeningData, flow: ScreeningFlow) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Sorted cut-off times of day of the flow's flights and the matching departure offsets."""
    cut, dep = [], []
    for fid in flow.flights:
        fl = data.flight(fid)
        c = (fl.departure_hour - fl.cutoff_hours) % HOURS
        cut.append(c)
        dep.append(fl.cutoff_hours)
    order = np.argsort(cut)
    return np.asarray(cut)[order], np.asarray(dep)[order]


def _unscreened_arrival(data: ScreeningData, f: int, terminal: int, arrival: NDArray[np.float64]
                        ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """When each slot's parcels of flow ``f``, left unscreened, reach the terminal's re-handling floor, and the
    index of the truck departure (in the origin's list) that carries them (-1: delivered to the terminal).

    With a re-handling process a truck is unloaded over ``unload_hours`` in boarding order; without one, the old
    model applies: the load is broken down over ``2 * terminal_rehandling_hours`` (and that is the whole delay).
    """
    flow = data.flows[f]
    origin = data.site(flow.origin)
    spread = data.rehandling.unload_hours if data.rehandling else 2.0 * data.terminal_rehandling_hours
    if origin.id == data.sites[terminal].id:
        extra = 0.0 if data.rehandling else data.terminal_rehandling_hours
        return arrival + extra, np.full(arrival.size, -1, dtype=np.int64)
    deps = np.asarray(origin.truck_departures)
    truck = next_time(arrival, deps)
    return (truck + origin.truck_transit_hours + spread * boarding_position(arrival, truck, deps),
            departure_index(truck, deps))


def boarding_position(arrival: NDArray[np.float64], truck: NDArray[np.float64], deps: NDArray[np.float64]
                      ) -> NDArray[np.float64]:
    """Where in its truck's load (0 first, 1 last) a parcel arriving at ``arrival`` for the departure ``truck``
    boarded: the parcels that boarded first come off first."""
    headway = truck - last_time(truck - 1e-6, deps)
    return np.clip(1.0 - (truck - arrival) / headway, 0.0, 1.0)


def departure_index(truck: NDArray[np.float64], deps: NDArray[np.float64]) -> NDArray[np.int64]:
    """Index in ``deps`` (hours of the day) of each departure time ``truck`` (any day)."""
    return np.searchsorted(deps, truck % HOURS - 1e-9).astype(np.int64) % len(deps)


def _path(data: ScreeningData, f: int, s: int, terminal: int,
          dock_wait: Callable[[NDArray[np.float64]], NDArray[np.float64]] | None, arrival: NDArray[np.float64]
          ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64],
                     NDArray[np.int64]]:
    """For parcels of flow ``f`` screened at ``s`` arriving at ``arrival``: when they join the screening queue,
    the intended cut-off, the deadline by which they must leave the queue to make it (their last truck, or the
    cut-off less the build-up), when they reach the re-handling floor (NaN: not there) and their truck."""
    flow = data.flows[f]
    origin = data.site(flow.origin)
    cutoffs, _ = flight_times(data, flow)
    if data.sites[s].id == origin.id and s != terminal:
        deps = np.asarray(origin.truck_departures)
        truck = next_time(arrival, deps)
        # Zero-wait path: the next truck, transit, handling of a screened load -> the intended cut-off.
        ahead = origin.truck_transit_hours + data.screened_handling_hours
        cutoff = next_time(truck + ahead, cutoffs)
        return (arrival, cutoff, last_time(cutoff - ahead, deps), np.full(arrival.size, np.nan),
                departure_index(truck, deps))
    floor, truck_index = _unscreened_arrival(data, f, terminal, arrival)
    queue_time = floor + (dock_wait(floor) if dock_wait is not None and data.rehandling else 0.0)
    buildup = data.rehandling.buildup_hours if data.rehandling else 0.0
    cutoff = next_time(queue_time + buildup, cutoffs)
    if not data.rehandling:
        floor = np.full(arrival.size, np.nan)
    return queue_time, cutoff, cutoff - buildup, floor, truck_index


def _timeline(data: ScreeningData, f: int, s: int, terminal: int,
              dock_wait: Callable[[NDArray[np.float64]], NDArray[np.float64]] | None) -> FlowTimeline:
    flow = data.flows[f]
    origin = data.site(flow.origin)
    n = HOURS * SLOTS_PER_HOUR
    k = np.arange(n)
    arrival = (k + 0.5) / SLOTS_PER_HOUR
    parcels = np.repeat(np.asarray(flow.profile) * flow.parcels_per_day / SLOTS_PER_HOUR, SLOTS_PER_HOUR)
    cutoffs, lead = flight_times(data, flow)
    upstream = data.sites[s].id == origin.id and s != terminal
    queue_time, cutoff, deadline, floor, truck_index = _path(data, f, s, terminal, dock_wait, arrival)
    slack = deadline - queue_time
    # The slot's parcels arrive evenly across it, so their slacks fill an interval: from the slot's two edges.
    # Where the edges have different intended flights the slot straddles a deadline: the share before it has
    # slacks down to 0, the rest slacks to the next deadline.
    eps = 1e-7
    q_lo, cut_lo, dl_lo, _, _ = _path(data, f, s, terminal, dock_wait, k / SLOTS_PER_HOUR + eps)
    q_hi, cut_hi, dl_hi, _, _ = _path(data, f, s, terminal, dock_wait, (k + 1) / SLOTS_PER_HOUR - eps)
    s_lo, s_hi = dl_lo - q_lo, dl_hi - q_hi
    drop = q_hi - q_lo  # how far the slack falls across the slot towards one deadline
    same = np.abs(cut_lo - cut_hi) < 1e-9
    with np.errstate(invalid="ignore", divide="ignore"):
        before = np.where(same, 1.0, np.clip(np.where(drop > 0, s_lo / drop, 0.5), 0.0, 1.0))
    ranges = np.empty((2, 2, n))
    ranges[0, 0] = np.where(same, np.minimum(s_lo, s_hi), 0.0)
    ranges[0, 1] = np.where(same, np.maximum(s_lo, s_hi), s_lo)
    ranges[1, 0] = s_hi
    ranges[1, 1] = s_hi + (1.0 - before) * np.maximum(drop, 0.0)
    _, departure = departure_after(cutoff, cutoffs, lead)
    _, next_departure = departure_after(cutoff + 1e-6, cutoffs, lead)
    return FlowTimeline(f, s, upstream, parcels, arrival, queue_time, np.maximum(slack, 0.0),
                        departure - arrival, next_departure - arrival, floor, truck_index,
                        np.maximum(ranges, 0.0), before, np.stack([q_lo, q_hi]))


def dock_crews(data: ScreeningData, floor_load: NDArray[np.float64]) -> NDArray[np.int64]:
    """Re-handling crews per hour: the fewest whose utilization stays at most ``max_utilization`` when
    ``floor_load[h]`` parcels reach the floor in hour ``h``."""
    r = data.rehandling
    assert r is not None
    return np.ceil(floor_load / (r.max_utilization * r.rate_per_crew_hour) - 1e-9).astype(np.int64)


@dataclass(frozen=True, slots=True)
class FluidQueue:
    """A deterministic first-come-first-served fluid queue over three days in 1-minute steps: ``queue[i]`` the
    backlog at the end of minute ``i``, ``cum[i]`` the capacity served by the start of minute ``i``. Reading the
    middle day gives a day that starts with yesterday's backlog."""

    queue: NDArray[np.float64]
    cum: NDArray[np.float64]

    STEPS = 3 * HOURS * 60

    @classmethod
    def run(cls, arrivals: NDArray[np.float64], capacity: NDArray[np.float64]) -> FluidQueue:
        """The queue of ``arrivals[i]`` parcels joining and ``capacity[i]`` parcels of service in minute ``i``."""
        queue = np.zeros(cls.STEPS)
        q = 0.0
        for i in range(cls.STEPS):
            q = max(q + arrivals[i] - capacity[i], 0.0)
            queue[i] = q
        return cls(queue, np.concatenate([[0.0], np.cumsum(capacity)]))

    def target(self, m: NDArray[np.float64]) -> NDArray[np.float64]:
        """The cumulative capacity at which an arrival at minute ``m`` is served: the capacity by ``m`` plus the
        backlog ahead of it."""
        return np.interp(m, np.arange(self.STEPS + 1), self.cum) + self.queue[np.minimum(
            m.astype(np.int64), self.STEPS - 1)]

    def wait_hours(self, m: NDArray[np.float64]) -> NDArray[np.float64]:
        """The wait (hours) of an arrival at minute ``m``: until the capacity after it has served the backlog."""
        done = np.interp(self.target(m), self.cum, np.arange(self.STEPS + 1.0))
        return np.maximum(done - m, 0.0) / 60.0

    @staticmethod
    def middle_day_minute(t: NDArray[np.float64]) -> NDArray[np.float64]:
        """The minute of the middle day at time of day ``t`` (hours, any day)."""
        return (np.mod(np.asarray(t, dtype=float), HOURS) + HOURS) * 60.0

    def day_wait_hours(self, t: NDArray[np.float64]) -> NDArray[np.float64]:
        """The wait (hours) of an arrival at time of day ``t`` (hours, any day) read on the middle day: ``inf``
        where the capacity after it never serves the backlog ahead of it, and everywhere when the backlog grows
        from day to day (the capacity cannot keep up)."""
        m = self.middle_day_minute(t)
        end = self.cum[-1]
        wait = np.where(self.target(m) > end - 1e-9 * max(end, 1.0), np.inf, self.wait_hours(m))
        if self.queue[-1] > self.queue[2 * HOURS * 60 - 1] + 1e-6:
            wait[:] = np.inf
        return wait

    @classmethod
    def of_day(cls, times: NDArray[np.float64], weights: NDArray[np.float64], per_minute: NDArray[np.float64],
               capacity_per_hour: NDArray[np.float64], until: NDArray[np.float64] | None = None) -> FluidQueue:
        """The queue of ``weights`` parcels joining at ``times`` (hours of the day, any day) and ``per_minute[i]``
        more in minute ``i`` of the day, served at ``capacity_per_hour[h]`` in hour ``h``, on three equal days.

        With ``until``, each weight joins evenly from ``times`` to ``until`` instead of at once."""
        steps = cls.STEPS
        times = np.asarray(times, dtype=float)
        weights = np.asarray(weights, dtype=float)
        if until is not None:
            # Ten points per interval: a 5-minute slot's parcels join at half-minute steps.
            frac = (np.arange(10) + 0.5) / 10
            times = (times[:, None] + (np.asarray(until, dtype=float) - times)[:, None] * frac).ravel()
            weights = np.repeat(weights / 10, 10)
        tod = np.mod(times, HOURS)
        arr = np.tile(np.asarray(per_minute, dtype=float), 3)
        for day in range(3):
            np.add.at(arr, np.minimum((tod * 60 + day * HOURS * 60).astype(np.int64), steps - 1), weights)
        return cls.run(arr, np.tile(np.repeat(np.asarray(capacity_per_hour, dtype=float) / 60.0, 60), 3))


def dock_wait_fn(data: ScreeningData, floor_times: NDArray[np.float64], weights: NDArray[np.float64],
                 crews: NDArray[np.int64]) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
    """The fluid first-come-first-served wait on the re-handling floor, as a function of the time of arrival.

    ``floor_times`` (hours of a day, any day) carry ``weights`` parcels; they repeat daily. The queue
    (:class:`FluidQueue`) has ``crews[h] * rate_per_crew_hour`` parcels an hour of capacity and its middle day
    is read: a deterministic fluid queue (arrivals at their expected rates), which captures the backlog behind
    a truckload; the random part of the wait is left to the simulation.
    """
    r = data.rehandling
    assert r is not None
    fluid = FluidQueue.of_day(floor_times, weights, np.zeros(HOURS * 60), crews.astype(float) * r.rate_per_crew_hour)

    def wait(t: NDArray[np.float64]) -> NDArray[np.float64]:
        return fluid.wait_hours(fluid.middle_day_minute(t))

    return wait


def problem_from(data: ScreeningData | Scenario, dock_for: NDArray[np.int64] | None = None) -> ScreeningProblem:
    """Build the screening problem of a scenario (its ``[screening]`` section) or of screening data.

    With a re-handling process, the floor's queue in the timelines is that of the placement ``dock_for``
    (default: every flow screened at the terminal, the heaviest floor); see :meth:`ScreeningProblem.with_dock`.

    Raises
    ------
    ScenarioError
        When the scenario has no screening section.
    """
    if isinstance(data, Scenario):
        data = resolve_measures(data)  # measure 8 off keeps every flow at the terminal
        if data.screening is None:
            raise ScenarioError(data.path, "screening", "the scenario has no [screening] section",
                                "add one (see docs/scenario.md) or use the built-in scenario")
        data = data.screening
    ids = [s.id for s in data.sites]
    terminal = ids.index(data.terminal)
    timelines = {}
    for f, flow in enumerate(data.flows):
        for cand in flow.candidates:
            s = ids.index(cand)
            timelines[(f, s)] = _timeline(data, f, s, terminal, None)
    assert all(math.isfinite(float(t.slack.max())) for t in timelines.values())
    problem = ScreeningProblem(data, timelines, terminal)
    if dock_for is None:
        dock_for = np.array([terminal if terminal in problem.candidates(f) else problem.candidates(f)[0]
                             for f in range(problem.n_flows)], dtype=np.int64)
    return problem.with_dock(dock_for)


def scale_volumes(data: ScreeningData, factor: float) -> ScreeningData:
    """The same screening data with every flow's parcels per day multiplied by ``factor`` (volume growth)."""
    if factor <= 0:
        raise ValueError("the volume factor must be > 0")
    flows = tuple(dataclasses.replace(f, parcels_per_day=f.parcels_per_day * factor) for f in data.flows)
    return dataclasses.replace(data, flows=flows)
