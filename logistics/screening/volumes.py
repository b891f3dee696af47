"""Screening volumes from a network design: the parcels a day that the design's 9610 and 1210 air and postal
flows put through each Guangzhou gateway, spread over the screening flows of that gateway.

A design ships units a year on each chosen option; an option's parcels a day are its units over the product's
``units_per_order`` (a parcel is an order) over 365. Options by ``postal`` or ``air`` line haul under the 9610
(direct mail) and 1210 (bonded) channels are the e-commerce parcels screened before flight. Their gateway decides
where they enter the screening model: a gateway of kind ``mail_exchange`` feeds the screening flows whose origin is
a site of kind ``mail_exchange``; an ``airport`` gateway feeds every other screening flow (the terminal's own
arrivals and those consolidated at upstream sites). Within a gateway's flows the design's parcels keep the
scenario's split, hourly profiles and flights.

The design usually models a sample of the city (its scenario says which); ``[screening] design_share`` is that
share, and the design's parcels are divided by it. Without it the volumes cannot be tied to the design, and
:func:`from_design` says so instead of guessing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from logistics.scenario import CustomsMode, Scenario, ScreeningData, resolve_measures

__all__ = ["DesignVolumes", "Shipment", "from_design"]


class Shipment(Protocol):
    """What :func:`from_design` reads of a design's chosen flow (``logistics.design.ChosenFlow`` has it; the
    screening layer does not import the design layer)."""

    @property
    def product(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def gateway(self) -> str: ...
    @property
    def units_per_year(self) -> float: ...

_CHANNELS = (CustomsMode.DIRECT_MAIL, CustomsMode.BONDED)
_MODES = ("postal", "air")


@dataclass(frozen=True, slots=True)
class DesignVolumes:
    """The screening data with the design's volumes, and where they came from."""

    data: ScreeningData
    parcels_by_gateway: dict[str, float]  # design parcels a day (at city scale) per gateway kind
    scenario_parcels_by_gateway: dict[str, float]  # the scenario's screening flows' parcels a day, same keys
    design_share: float

    def to_json(self) -> dict[str, object]:
        return {"design_share": self.design_share,
                "parcels_per_day_from_design": {k: round(v, 1) for k, v in self.parcels_by_gateway.items()},
                "parcels_per_day_in_scenario": {k: round(v, 1) for k, v in self.scenario_parcels_by_gateway.items()},
                "flows": {f.id: round(f.parcels_per_day, 1) for f in self.data.flows}}


def _key(kind: str) -> str:
    return "mail_exchange" if kind == "mail_exchange" else "airport"


def from_design(s: Scenario, chosen: Iterable[Shipment]) -> DesignVolumes:
    """The scenario's screening data with each gateway's flows scaled to the design's parcels.

    Raises
    ------
    ValueError
        When the scenario has no screening block or no ``design_share``, or when the design sends parcels through
        a gateway kind that has no screening flow to carry them.
    """
    s = resolve_measures(s)  # the world without the measures switched off
    d = s.screening
    if d is None:
        raise ValueError("the scenario has no [screening] section")
    if d.design_share is None:
        raise ValueError("[screening] design_share is not set, so the design's volumes cannot be scaled to the "
                         "screening flows; set it to the design's share of the screened volume (e.g. 0.01)")
    kinds = {g.id: g.kind for g in s.gateways}
    per_order = {p.id: p.units_per_order for p in s.products}
    design: dict[str, float] = {}
    for c in chosen:
        if c.channel not in _CHANNELS or c.mode not in _MODES:
            continue
        k = _key(kinds.get(c.gateway, "airport"))
        design[k] = design.get(k, 0.0) + c.units_per_year / per_order[c.product] / 365.0 / d.design_share
    site_kind = {site.id: site.kind for site in d.sites}
    base: dict[str, float] = {}
    for f in d.flows:
        k = _key(site_kind[f.origin])
        base[k] = base.get(k, 0.0) + f.parcels_per_day
    for k, v in design.items():
        if v > 0 and base.get(k, 0.0) <= 0:
            raise ValueError(f"the design ships {v:,.0f} parcels a day through {k} gateways but [screening] has "
                             f"no flow from a {k.replace('_', ' ')} site to carry them; add one")
    flows = []
    for f in d.flows:
        k = _key(site_kind[f.origin])
        factor = design.get(k, 0.0) / base[k]
        flows.append(dataclasses.replace(f, parcels_per_day=f.parcels_per_day * factor))
    kept = tuple(f for f in flows if f.parcels_per_day > 0)
    if not kept:
        raise ValueError("the design ships no 9610 or 1210 parcels by air or post, so there is nothing to screen")
    return DesignVolumes(dataclasses.replace(d, flows=kept), {k: design.get(k, 0.0) for k in base}, base,
                         d.design_share)
