"""Measure 8 screening data of a scenario: candidate sites, flights, air-export flows and screening resources.

Times are hours of the day (0-24, flights repeat daily); rates are parcels per hour; money is in the scenario
currency. Read from the optional ``[screening]`` section of a scenario file (docs/scenario.md).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SITE_KINDS", "Equipment", "Flight", "Rehandling", "ScreeningData", "ScreeningFlow", "ScreeningSite",
           "Shifts", "Trucks"]

SITE_KINDS = ("terminal", "mail_exchange", "consolidation", "off_airport")


@dataclass(frozen=True, slots=True)
class ScreeningSite:
    """A place where air-export parcels can be security-screened.

    Parcels leave a non-terminal site by truck at ``truck_departures`` (hours of the day) and reach the terminal
    ``truck_transit_hours`` later. ``setup_cost_per_day`` is paid when the site screens anything.
    """

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    max_lanes: int
    setup_cost_per_day: float
    truck_departures: tuple[float, ...]
    truck_transit_hours: float
    source: str = ""
    equipment: tuple[str, ...] = ()  # equipment types the site may install (empty: every type)


@dataclass(frozen=True, slots=True)
class Equipment:
    """A type of screening lane.

    A lane screens ``rate_per_hour`` parcels an hour (coefficient of variation ``service_cv``). A share
    ``alarm_share`` of the parcels alarm and are set aside for resolution, which takes ``resolution_minutes`` on
    average (exponential) without holding the lane. A staffed lane needs ``staff_per_lane`` screeners and costs
    ``cost_per_lane_hour`` for every paid hour; each installed lane costs ``capital_cost_per_lane_day``
    (the machine's price spread over its service life).
    """

    id: str
    name: str
    rate_per_hour: float
    service_cv: float
    alarm_share: float
    resolution_minutes: float
    staff_per_lane: int
    cost_per_lane_hour: float
    capital_cost_per_lane_day: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class Shifts:
    """How screening staff work: shifts of ``length_hours`` starting at any of ``starts`` (hours of the day).

    Each shift has a break of ``break_hours`` beginning ``break_after_hours`` after its start, during which its
    lanes are closed; staff are paid for the whole shift. A shift that opens lanes at a site opens at least
    ``min_lanes`` of them (the minimum crew).
    """

    length_hours: int = 1
    starts: tuple[int, ...] = tuple(range(24))
    break_after_hours: int = 0
    break_hours: int = 0
    min_lanes: int = 1
    source: str = ""

    def active(self, start: int) -> list[int]:
        """Hours of the day (0-23) in which a shift starting at ``start`` keeps its lanes open."""
        on = self.on_duty(start)
        return on[:self.break_after_hours] + on[self.break_after_hours + self.break_hours:] if self.break_hours else on

    def on_duty(self, start: int) -> list[int]:
        """Hours of the day in which a shift starting at ``start`` is paid and counts against the pool."""
        return [(start + i) % 24 for i in range(self.length_hours)]


@dataclass(frozen=True, slots=True)
class Rehandling:
    """The terminal's re-handling of loads that arrive unscreened: break-down, then screening, then build-up.

    Crews break loads down at ``rate_per_crew_hour`` parcels an hour each, first come first served, as the trucks
    arrive; the number of crews per hour is a decision, at ``cost_per_crew_hour``, with their utilization at most
    ``max_utilization``. A truck is unloaded onto the floor over ``unload_hours``; build-up after screening takes
    ``buildup_hours``.
    """

    rate_per_crew_hour: float
    cost_per_crew_hour: float
    max_utilization: float
    buildup_hours: float
    max_crews: int
    unload_hours: float = 1.0
    source: str = ""


@dataclass(frozen=True, slots=True)
class Trucks:
    """Trucks from an upstream site to the terminal, at the site's departures.

    Each carries up to ``capacity_parcels``. Unscreened loads go in a regular truck (``cost_per_trip``); screened
    ones in a sealed truck (``sealed_cost_per_trip``: seals, escort and tracking so that the load stays secure).
    As many trucks leave at a departure as its load needs.
    """

    capacity_parcels: float
    cost_per_trip: float
    sealed_cost_per_trip: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class Flight:
    """A daily departure from the terminal; cargo must be accepted ``cutoff_hours`` before ``departure_hour``."""

    id: str
    departure_hour: float
    cutoff_hours: float
    destination: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class ScreeningFlow:
    """Air-export parcels arriving at ``origin`` over the day, bound for any of ``flights`` (the first it makes).

    ``profile`` holds 24 hourly shares of ``parcels_per_day`` (they sum to 1); ``candidates`` are the sites
    where the flow may be screened (its origin and the terminal by default).
    """

    id: str
    origin: str
    parcels_per_day: float
    profile: tuple[float, ...]
    flights: tuple[str, ...]
    candidates: tuple[str, ...]
    source: str = ""
    promise_slack_hours: float | None = None  # delay its delivery promise absorbs; None: a miss is never late


@dataclass(frozen=True, slots=True)
class ScreeningData:
    """Screening resources and policy parameters, with the sites, flights and flows."""

    terminal: str
    lane_rate_per_hour: float
    service_cv: float
    staff_per_lane: int
    cost_per_lane_hour: float
    max_utilization: float
    screener_pool: int
    value_of_time_per_parcel_hour: float
    miss_penalty_per_parcel: float
    terminal_rehandling_hours: float
    terminal_rehandling_cost_per_parcel: float
    screened_handling_hours: float
    secure_transport_cost_per_parcel: float
    sites: tuple[ScreeningSite, ...]
    flights: tuple[Flight, ...]
    flows: tuple[ScreeningFlow, ...]
    source: str = ""
    equipment: tuple[Equipment, ...] = ()  # empty: one lane type from the fields above
    shifts: Shifts = Shifts()
    rehandling: Rehandling | None = None  # None: the per-parcel re-handling constants above
    trucks: Trucks | None = None  # None: the per-parcel secure transport constant above
    background_per_hour: tuple[float, ...] = ()  # general cargo on the terminal's lanes, parcel-equivalents/hour
    late_penalty_per_parcel: float = 0.0  # paid for a parcel that a missed flight makes late for its promise
    design_share: float | None = None  # the design's demand as a share of these flows' volume (owl plan scales)

    def lane_types(self) -> tuple[Equipment, ...]:
        """The equipment types, or the one lane type the older fields describe."""
        if self.equipment:
            return self.equipment
        return (Equipment("lane", "screening lane", self.lane_rate_per_hour, self.service_cv, 0.0, 0.0,
                          self.staff_per_lane, self.cost_per_lane_hour, 0.0, self.source),)

    def background(self) -> tuple[float, ...]:
        """Background load per hour at the terminal (24 values, zeros when none is given)."""
        return self.background_per_hour or (0.0,) * 24

    def site(self, id: str) -> ScreeningSite:
        """The site with this id (``KeyError`` if none)."""
        for s in self.sites:
            if s.id == id:
                return s
        raise KeyError(f"unknown screening site {id!r}")

    def flight(self, id: str) -> Flight:
        """The flight with this id (``KeyError`` if none)."""
        for f in self.flights:
            if f.id == id:
                return f
        raise KeyError(f"unknown flight {id!r}")
