"""Measure 8 screening data of a scenario: candidate sites, flights, air-export flows and screening resources.

Times are hours of the day (0-24, flights repeat daily); rates are parcels per hour; money is in the scenario
currency. Read from the optional ``[screening]`` section of a scenario file (docs/scenario.md).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SITE_KINDS", "Flight", "ScreeningData", "ScreeningFlow", "ScreeningSite"]

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
