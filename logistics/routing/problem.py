"""The routing problem: depots, clients with multi-dimensional demand, time windows and vehicle types.

All numbers are integers in the problem's own units: a distance or duration of ``d`` instance units is stored as
``round(d * scale)`` (or truncated, following the instance's convention), and costs come out in the same scaled
units; :attr:`RoutingProblem.scale` converts them back. Location ``0 .. n_depots - 1`` are depots, the rest
clients.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from logistics.errors import OwlError

__all__ = ["BadProblemError", "RoutingProblem", "VehicleType"]

IntArray = NDArray[np.int64]


class BadProblemError(OwlError):
    """A routing problem (or instance file) is malformed; the message names the field and the fix."""


@dataclass(frozen=True, slots=True)
class VehicleType:
    """``count`` identical vehicles with a capacity per demand dimension."""

    count: int
    capacity: tuple[int, ...]
    fixed_cost: int = 0
    unit_distance_cost: int = 1
    unit_duration_cost: int = 0
    shift_duration: int = 2**62
    start_depot: int = 0
    end_depot: int = 0
    name: str = ""


@dataclass(frozen=True, slots=True)
class RoutingProblem:
    """Immutable, validated routing data (see the module docstring for units)."""

    name: str
    coords: NDArray[np.float64]
    n_depots: int
    delivery: IntArray  # clients x dims
    pickup: IntArray  # clients x dims
    service: IntArray  # per location
    tw_early: IntArray  # per location
    tw_late: IntArray  # per location
    required: NDArray[np.bool_]  # per client
    prize: IntArray  # per client, earned when an optional client is served
    vehicle_types: tuple[VehicleType, ...]
    distance: IntArray
    duration: IntArray
    scale: float = 1.0
    client_names: tuple[str, ...] = field(default=())
    distance_scale: float = 0.0  # stored distance units per reported unit (0: same as scale)
    time_scale: float = 0.0  # stored time units per reported unit (0: same as scale)

    @property
    def distance_unit(self) -> float:
        return self.distance_scale or self.scale

    @property
    def time_unit(self) -> float:
        return self.time_scale or self.scale

    def __post_init__(self) -> None:
        n = self.coords.shape[0]
        m = n - self.n_depots
        if self.n_depots < 1 or m < 1:
            raise BadProblemError(f"{self.name}: needs at least one depot and one client (has {self.n_depots} "
                                  f"depots, {max(m, 0)} clients). Fix: add the missing locations")
        dims = self.delivery.shape[1] if self.delivery.ndim == 2 else 0
        checks = [
            ("delivery", self.delivery.shape == (m, dims)), ("pickup", self.pickup.shape == (m, dims)),
            ("service", self.service.shape == (n,)), ("tw_early", self.tw_early.shape == (n,)),
            ("tw_late", self.tw_late.shape == (n,)), ("required", self.required.shape == (m,)),
            ("prize", self.prize.shape == (m,)), ("distance", self.distance.shape == (n, n)),
            ("duration", self.duration.shape == (n, n)),
        ]
        for name, ok in checks:
            if not ok:
                raise BadProblemError(f"{self.name}: {name} has the wrong shape for {n} locations and {m} clients. "
                                      "Fix: give one value per location (or client)")
        for name, arr in (("delivery", self.delivery), ("pickup", self.pickup), ("service", self.service),
                          ("distance", self.distance), ("duration", self.duration), ("prize", self.prize)):
            if np.any(arr < 0):
                raise BadProblemError(f"{self.name}: {name} has a negative value. Fix: use values >= 0")
        bad_tw = np.nonzero(self.tw_early > self.tw_late)[0]
        if bad_tw.size:
            raise BadProblemError(f"{self.name}: location {int(bad_tw[0])} has a time window that closes before it "
                                  "opens. Fix: make tw_early <= tw_late")
        if not self.vehicle_types:
            raise BadProblemError(f"{self.name}: no vehicle type. Fix: add at least one")
        for k, vt in enumerate(self.vehicle_types):
            if len(vt.capacity) != dims:
                raise BadProblemError(f"{self.name}: vehicle type {k} has {len(vt.capacity)} capacities for {dims} "
                                      "demand dimensions. Fix: give one capacity per dimension")
            if vt.count < 1 or not (0 <= vt.start_depot < self.n_depots and 0 <= vt.end_depot < self.n_depots):
                raise BadProblemError(f"{self.name}: vehicle type {k} needs count >= 1 and existing depots")
        cap = np.max(np.array([vt.capacity for vt in self.vehicle_types]), axis=0) if dims else np.zeros(0)
        too_big = np.nonzero(np.any((self.delivery > cap) | (self.pickup > cap), axis=1) & self.required)[0]
        if too_big.size:
            c = int(too_big[0])
            raise BadProblemError(f"{self.name}: client {self.client_name(c)} needs more than any vehicle carries "
                                  f"({self.delivery[c].tolist()} against {cap.tolist()}). Fix: split the client's "
                                  "demand or add a larger vehicle type")

    @property
    def n_clients(self) -> int:
        return int(self.coords.shape[0] - self.n_depots)

    @property
    def n_locations(self) -> int:
        return int(self.coords.shape[0])

    @property
    def dims(self) -> int:
        return int(self.delivery.shape[1])

    def client_name(self, c: int) -> str:
        """Name of client ``c`` (0-based among clients)."""
        return self.client_names[c] if self.client_names else str(c + self.n_depots)
