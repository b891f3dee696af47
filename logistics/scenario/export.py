"""Write a Scenario back to TOML (the same schema :mod:`logistics.scenario.load` reads)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from logistics.io import atomic_write_text
from logistics.scenario.model import DemandResponse, Scenario, SellingFees
from logistics.scenario.screening import Shifts

__all__ = ["dump_scenario", "write_scenario"]

_SECTIONS = ("products", "origins", "markets", "gateways", "entries", "lanes", "warehouses", "last_mile", "road",
             "export_rules", "destination_rules", "tariff_measures", "postal_duties", "import_fees")


def _plain(v: Any) -> Any:
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, dt.date):
        return v
    if isinstance(v, Mapping):
        return {k: _plain(x) for k, x in v.items()}
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {f.name: _plain(getattr(v, f.name)) for f in dataclasses.fields(v)
                if getattr(v, f.name) is not None}
    if isinstance(v, tuple | list):
        return [_plain(x) for x in v]
    if isinstance(v, float) and math.isinf(v):
        return "inf"
    return v


def dump_scenario(s: Scenario) -> str:
    """The scenario as TOML text; ``parse_scenario(dump_scenario(s))`` equals ``s`` (but for ``path``)."""
    doc: dict[str, Any] = {
        "scenario": {"name": s.name, "description": s.description, "date": s.date,
                     "origin_country": s.origin_country,
                     **({"rules_verified": s.rules_verified} if s.rules_verified else {}),
                     **({"measures_resolved": True} if s.measures_resolved else {})},
        "sources": dict(s.sources),
        "finance": _plain(s.finance),
    }
    for name in _SECTIONS:
        items = [_plain(x) for x in getattr(s, name)]
        if name == "markets":
            # Optional sub-tables at their defaults are left out: their empty source would not load back.
            for m, it in zip(s.markets, items, strict=True):
                if m.selling == SellingFees():
                    it.pop("selling")
                if m.demand_response == DemandResponse():
                    it.pop("demand_response")
        if items or name not in ("tariff_measures", "postal_duties", "import_fees"):
            doc[name] = items
    if s.screening is not None:
        doc["screening"] = _plain(s.screening)
        if s.screening.shifts == Shifts():
            doc["screening"].pop("shifts")  # the hourly default; its empty source would not load back
        # The older constants that a mechanism replaces are refused beside it.
        replaced = {"equipment": ("lane_rate_per_hour", "service_cv", "staff_per_lane", "cost_per_lane_hour"),
                    "rehandling": ("terminal_rehandling_hours", "terminal_rehandling_cost_per_parcel"),
                    "trucks": ("secure_transport_cost_per_parcel",)}
        for table, keys in replaced.items():
            if getattr(s.screening, table):
                for key in keys:
                    doc["screening"].pop(key)
    if s.routing is not None:
        doc["routing"] = _plain(s.routing)
    if s.design is not None:
        doc["design"] = _plain(s.design)
    if s.measures:
        doc["measures"] = [{**_plain(m), "effects": [{k: v for k, v in _plain(e).items() if v is not None}
                                                     for e in m.effects]} for m in s.measures]
    return "# owl scenario, written by `owl scenario export` (fields: docs/scenario.md)\n" + tomli_w.dumps(doc)


def write_scenario(s: Scenario, path: str | Path) -> Path:
    """Write ``s`` as TOML to ``path`` atomically."""
    return atomic_write_text(path, dump_scenario(s))
