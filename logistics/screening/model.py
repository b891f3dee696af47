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
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from logistics.errors import ScenarioError
from logistics.scenario import Scenario, ScreeningData, ScreeningFlow

__all__ = ["HOURS", "SLOTS_PER_HOUR", "FlowTimeline", "ScreeningProblem", "departure_after", "flight_times",
           "last_time", "next_time", "problem_from", "scale_volumes"]

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

    @property
    def queue_hour(self) -> NDArray[np.int64]:
        """Hour of the day (0-23) in which the parcel joins the queue."""
        return (np.floor(self.queue_time) % HOURS).astype(np.int64)

    def load_by_hour(self) -> NDArray[np.float64]:
        """Arrivals at the screening queue per hour of the day (parcels/hour)."""
        return np.bincount(self.queue_hour, weights=self.parcels, minlength=HOURS).astype(np.float64)


@dataclass(frozen=True, slots=True)
class ScreeningProblem:
    """The screening data with every (flow, candidate site) timeline precomputed.

    ``sites`` and ``flows`` keep the data's order; ``timelines[(f, s)]`` exists for each candidate pair.
    """

    data: ScreeningData
    timelines: dict[tuple[int, int], FlowTimeline]
    terminal: int

    @property
    def mu(self) -> float:
        """Service rate of one lane, parcels per hour."""
        return self.data.lane_rate_per_hour

    @property
    def cs2(self) -> float:
        """Squared coefficient of variation of the service time."""
        return self.data.service_cv**2

    @property
    def n_sites(self) -> int:
        return len(self.data.sites)

    @property
    def n_flows(self) -> int:
        return len(self.data.flows)

    def candidates(self, f: int) -> list[int]:
        """Indices of the sites where flow ``f`` may be screened."""
        return [s for (ff, s) in self.timelines if ff == f]

    def site_index(self, site_id: str) -> int:
        return [s.id for s in self.data.sites].index(site_id)

    def flow_index(self, flow_id: str) -> int:
        return [f.id for f in self.data.flows].index(flow_id)

    def load(self, assignment: NDArray[np.int64]) -> NDArray[np.float64]:
        """Arrivals per site and hour (sites x 24) when flow ``f`` is screened at ``assignment[f]``."""
        lam = np.zeros((self.n_sites, HOURS))
        for f, s in enumerate(assignment):
            lam[s] += self.timelines[(f, int(s))].load_by_hour()
        return lam


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


def _timeline(data: ScreeningData, f: int, s: int, terminal: int) -> FlowTimeline:
    flow = data.flows[f]
    origin = data.site(flow.origin)
    term = data.sites[terminal]
    n = HOURS * SLOTS_PER_HOUR
    k = np.arange(n)
    arrival = (k + 0.5) / SLOTS_PER_HOUR
    parcels = np.repeat(np.asarray(flow.profile) * flow.parcels_per_day / SLOTS_PER_HOUR, SLOTS_PER_HOUR)
    cutoffs, lead = flight_times(data, flow)
    upstream = data.sites[s].id == origin.id and s != terminal
    if upstream:
        deps = np.asarray(origin.truck_departures)
        queue_time = arrival
        # Zero-wait path: the next truck, transit, handling of a screened load -> the intended cut-off.
        ready0 = next_time(arrival, deps) + origin.truck_transit_hours + data.screened_handling_hours
        cutoff = next_time(ready0, cutoffs)
        latest_truck = last_time(cutoff - origin.truck_transit_hours - data.screened_handling_hours, deps)
        slack = latest_truck - arrival
    else:
        if origin.id == term.id:
            # Loads delivered straight to the terminal are broken down as they come.
            queue_time = arrival + data.terminal_rehandling_hours
        else:
            deps = np.asarray(origin.truck_departures)
            truck = next_time(arrival, deps)
            headway = truck - last_time(truck - 1e-6, deps)
            # A truckload is broken down over 2r hours (mean r): the parcels that boarded first come off first.
            position = np.clip((truck - arrival) / headway, 0.0, 1.0)
            queue_time = (truck + origin.truck_transit_hours
                          + 2.0 * data.terminal_rehandling_hours * (1.0 - position))
        cutoff = next_time(queue_time, cutoffs)
        slack = cutoff - queue_time
    _, departure = departure_after(cutoff, cutoffs, lead)
    _, next_departure = departure_after(cutoff + 1e-6, cutoffs, lead)
    return FlowTimeline(f, s, upstream, parcels, arrival, queue_time, np.maximum(slack, 0.0),
                        departure - arrival, next_departure - arrival)


def problem_from(data: ScreeningData | Scenario) -> ScreeningProblem:
    """Build the screening problem of a scenario (its ``[screening]`` section) or of screening data.

    Raises
    ------
    ScenarioError
        When the scenario has no screening section.
    """
    if isinstance(data, Scenario):
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
            timelines[(f, s)] = _timeline(data, f, s, terminal)
    assert all(math.isfinite(float(t.slack.max())) for t in timelines.values())
    return ScreeningProblem(data, timelines, terminal)


def scale_volumes(data: ScreeningData, factor: float) -> ScreeningData:
    """The same screening data with every flow's parcels per day multiplied by ``factor`` (volume growth)."""
    if factor <= 0:
        raise ValueError("the volume factor must be > 0")
    flows = tuple(dataclasses.replace(f, parcels_per_day=f.parcels_per_day * factor) for f in data.flows)
    return dataclasses.replace(data, flows=flows)
