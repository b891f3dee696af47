"""Network-design settings of a scenario: the promise target, candidate consolidation hubs and the limits."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DesignData", "Hub"]


@dataclass(frozen=True, slots=True)
class Hub:
    """A Guangzhou gateway that is a design decision: it opens at ``fixed_cost_per_year`` and handles at most
    ``capacity_kg_per_year``. Gateways not listed are always available at no fixed cost."""

    gateway: str
    fixed_cost_per_year: float
    capacity_kg_per_year: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class DesignData:
    """``service_target``: the share of each market's demand that must arrive within its promise (p95 lead time
    within ``promise_days``). ``service_penalty``: when set, the target is soft and each unit short costs this
    much. ``max_warehouses``/``min_warehouses``/``budget`` bound the open overseas warehouses and fixed costs."""

    service_target: float = 0.0
    service_penalty: float | None = None
    hubs: tuple[Hub, ...] = ()
    min_warehouses: int = 0
    max_warehouses: int | None = None
    budget: float | None = None
    single_sourcing: bool = False
    pooling: bool = True
    source: str = ""
