"""Routing data of a scenario: the pickup fleet and sellers' habits, the last-mile vans and orders."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Fleet", "LastMileSpec", "PickupSpec", "RoutingData"]


@dataclass(frozen=True, slots=True)
class Fleet:
    """A vehicle type: ``count`` vehicles carrying ``capacity_kg`` and ``capacity_m3``."""

    id: str
    count: int
    capacity_kg: float
    capacity_m3: float
    fixed_cost: float
    cost_per_km: float
    cost_per_hour: float
    shift_hours: float


@dataclass(frozen=True, slots=True)
class PickupSpec:
    """Domestic pickups: how many sellers a cluster has on a day, what they hand over and when."""

    sellers_per_cluster: int
    spread_km: float  # standard deviation of sellers around the cluster centre
    kg_mean: float
    kg_cv: float
    density_kg_per_m3: float
    window_open_hour: float
    window_close_hour: float
    window_hours: float  # each seller's pickup window length
    service_minutes: float
    day_start_hour: float
    day_end_hour: float
    speed_kmh: float
    fleet: tuple[Fleet, ...]


@dataclass(frozen=True, slots=True)
class LastMileSpec:
    """Last-mile delivery around an overseas warehouse: local orders of one day and the vans."""

    radius_km: float
    local_share: float  # share of the served markets' daily orders delivered by own vans around the warehouse
    max_orders: int
    window_hours: float
    service_minutes: float
    day_start_hour: float
    day_end_hour: float
    speed_kmh: float
    fleet: tuple[Fleet, ...]


@dataclass(frozen=True, slots=True)
class RoutingData:
    """The ``[routing]`` section; money in the scenario currency."""

    detour_factor: float
    pickup: PickupSpec
    lastmile: LastMileSpec
    source: str = ""
