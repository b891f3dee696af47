"""The Scenario: immutable, validated input data of every owl model.

All money is in the scenario currency (``Finance.currency``, USD in the built-in scenario) unless a field name says
otherwise; rules written in another currency (EUR 150, GBP 135, ...) carry their currency and are converted with
``Finance.fx`` when they are applied. Units are in the field names: ``_kg``, ``_m3``, ``_days``, ``_km``,
``_per_year``.

Instances are built by :func:`logistics.scenario.load.load_scenario` (which validates) and never change afterwards;
variants are made with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from logistics.scenario.design_data import DesignData
from logistics.scenario.routing_data import RoutingData
from logistics.scenario.screening import ScreeningData

__all__ = [
    "BulkPartner",
    "CustomsMode",
    "DestinationRule",
    "Entry",
    "ExportRule",
    "Finance",
    "Gateway",
    "LaneSpec",
    "LastMileTable",
    "Market",
    "Origin",
    "Product",
    "RebateTrigger",
    "RoadRate",
    "Scenario",
    "StorageTier",
    "Warehouse",
    "frozen_map",
]


def frozen_map(d: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """Return a read-only mapping so that a frozen dataclass really is immutable."""
    return MappingProxyType(dict(d or {}))


class CustomsMode(enum.StrEnum):
    """China's export customs supervision modes relevant to e-commerce (GACC announcements in the data file)."""

    DIRECT_MAIL = "9610"
    B2B_DIRECT = "9710"
    OVERSEAS_WAREHOUSE = "9810"
    BONDED = "1210"
    GENERAL_TRADE = "0110"


class RebateTrigger(enum.StrEnum):
    """The event after which the export VAT rebate can be filed."""

    DEPARTURE = "departure"  # export declaration cleared and goods departed
    ZONE_ENTRY = "zone_entry"  # goods entered a special customs supervision zone (1210)
    SALE = "sale"  # goods sold from the overseas warehouse (9810 before SAT 2025 No. 3)


@dataclass(frozen=True, slots=True)
class Product:
    """A product family.

    ``purchase_value`` is what the seller pays its supplier per unit, China VAT included; ``retail_price`` is the
    price the end customer pays, destination VAT excluded (VAT is borne by the customer in every channel; owl
    tracks import VAT only as a cash advance).
    """

    id: str
    name: str
    unit_weight_kg: float
    unit_volume_m3: float
    purchase_value: float
    retail_price: float
    hs_chapter: int
    cn_vat_rate: float
    rebate_rate: float
    duty_rate: Mapping[str, float]  # by market id
    units_per_order: float = 1.0
    has_vat_invoices: bool = True
    source: str = ""


@dataclass(frozen=True, slots=True)
class Origin:
    """A seller cluster in Guangzhou: where goods are picked up, and how much it can supply per year."""

    id: str
    name: str
    lat: float
    lon: float
    supply_per_year: Mapping[str, float]  # units by product id
    source: str = ""


@dataclass(frozen=True, slots=True)
class BulkPartner:
    """Terms of the B2B buyer (9710) in a market: who takes the goods at import and sells them on.

    ``fee_share`` is the share of the retail price the partner keeps for fulfilling; ``payment_days`` the days after
    delivery to the partner until the seller is paid.
    """

    fee_share: float
    payment_days: float
    fulfilment_days: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class Market:
    """A destination market: where customers are, what they buy and how fast they expect it."""

    id: str
    name: str
    country: str
    region: str  # customs region id of DestinationRule.region
    lat: float
    lon: float
    promise_days: float
    demand_per_year: Mapping[str, float]  # units by product id
    demand_cv: float  # coefficient of variation of daily demand
    last_mile: str  # id of a LastMileTable
    b2b: BulkPartner
    payout_days: float  # marketplace payout lag after delivery
    source: str = ""


@dataclass(frozen=True, slots=True)
class Gateway:
    """A Guangzhou-side node where goods leave China or enter a bonded zone."""

    id: str
    name: str
    kind: str  # networks.PlaceKind value: airport, mail_exchange, seaport, rail_terminal, bonded_zone
    lat: float
    lon: float
    handling_per_kg: float
    handling_days: float
    export_clearance_days: float
    export_clearance_fee_per_kg: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """A destination-side node where goods enter a market's customs territory (port, airport, rail terminal)."""

    id: str
    name: str
    kind: str
    region: str
    lat: float
    lon: float
    clearance_mean_days: float
    clearance_std_days: float
    fee_per_entry: float  # customs brokerage per bulk entry
    fee_per_parcel: float  # clearance fee per parcel
    source: str = ""


@dataclass(frozen=True, slots=True)
class LaneSpec:
    """A line-haul lane as written in the scenario. ``service`` is ``parcel`` (priced per parcel, goods travel
    as B2C parcels) or ``freight`` (bulk shipments, priced per kg, m3 or container)."""

    id: str
    origin: str
    destination: str
    mode: str
    service: str
    distance_km: float
    transit_mean_days: float
    transit_std_days: float
    departures_per_week: float
    capacity_kg_per_week: float
    per_kg: float = 0.0
    per_m3: float = 0.0
    per_item: float = 0.0
    per_container: float = 0.0
    container_m3: float = 0.0
    container_kg: float = 0.0
    container_fill: float = 0.85
    volumetric_kg_per_m3: float = 0.0
    source: str = ""


@dataclass(frozen=True, slots=True)
class StorageTier:
    """Storage charged at ``rate_per_m3_day`` for every day of dwell from ``from_day`` on."""

    from_day: float
    rate_per_m3_day: float


@dataclass(frozen=True, slots=True)
class Warehouse:
    """An overseas warehouse candidate (9810)."""

    id: str
    name: str
    country: str
    lat: float
    lon: float
    serves: tuple[str, ...]  # market ids
    supplied_from: tuple[str, ...]  # entry ids
    fixed_cost_per_year: float
    capacity_m3: float  # storage capacity
    throughput_units_per_year: float
    receiving_per_m3: float
    storage_tiers: tuple[StorageTier, ...]
    pick_pack_per_order: float
    pick_pack_per_extra_item: float
    handling_days: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class LastMileTable:
    """Parcel delivery prices in a market by weight band, with a distance surcharge.

    ``price[i]`` applies to parcels up to ``max_kg[i]``; heavier parcels than the last band pay the last band plus
    ``per_kg_over`` per kg above it. ``per_1000km`` is a fractional surcharge per 1,000 km from the dispatch point
    (zone pricing), and transit is ``base_days`` plus ``km / km_per_day``.
    """

    id: str
    currency: str
    max_kg: tuple[float, ...]
    price: tuple[float, ...]
    per_kg_over: float
    per_1000km: float
    base_days: float
    std_days: float
    km_per_day: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class RoadRate:
    """Trucking in one country, used for first mile, drayage and transfers: a truck costs ``cost_per_km`` and
    carries ``truck_kg`` or ``truck_m3``, loaded to ``load_factor`` on average."""

    country: str
    cost_per_km: float
    truck_kg: float
    truck_m3: float
    load_factor: float
    km_per_day: float
    detour_factor: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class ExportRule:
    """China's export rule for one customs mode over an effective period ``[effective_from, effective_to)``."""

    mode: CustomsMode
    effective_from: dt.date
    effective_to: dt.date | None
    rebate: str  # "full", "invoice" (full with VAT invoices, else exempt) or "none"
    trigger: RebateTrigger
    declaration_lag_days: float
    fee_per_kg: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class DestinationRule:
    """Import duty and VAT treatment of a customs region over ``[effective_from, effective_to)``.

    Consignments whose customs value is at most ``duty_threshold`` (in ``currency``) pay no ad valorem duty, but
    ``flat_duty_per_line`` per item line; above it they pay ``duty_rate`` of the product (by market) plus
    ``additional_duty_rate`` on China-origin goods. Import VAT at ``vat_rate`` is charged on customs value plus
    duty for consignments above ``vat_threshold`` (below it, VAT is collected at the point of sale).
    ``valuation`` is ``FOB`` or ``CIF``.
    """

    region: str
    effective_from: dt.date
    effective_to: dt.date | None
    currency: str
    duty_threshold: float
    flat_duty_per_line: float
    additional_duty_rate: float
    vat_rate: float
    vat_threshold: float
    valuation: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class Finance:
    """Money and time parameters shared by every stage."""

    currency: str
    fx: Mapping[str, float]  # units of currency per one scenario-currency unit
    cost_of_capital: float  # per year
    service_level: float  # cycle service level for safety stock
    review_period_days: float  # overseas replenishment interval
    domestic_supply_days: float  # supplier lead time to the seller in Guangzhou
    rebate_processing_days: float
    vat_reclaim_days: float
    origin_handling_days: float
    source: str = ""

    def to_scenario_currency(self, amount: float, currency: str) -> float:
        """Convert ``amount`` in ``currency`` to the scenario currency."""
        if currency == self.currency:
            return amount
        return amount / self.fx[currency]


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything the chain, design, routing and screening models read. Immutable once loaded.

    Use :func:`logistics.scenario.load_scenario` or :func:`logistics.scenario.builtin` to build one.
    """

    name: str
    description: str
    date: dt.date
    origin_country: str
    finance: Finance
    products: tuple[Product, ...]
    origins: tuple[Origin, ...]
    markets: tuple[Market, ...]
    gateways: tuple[Gateway, ...]
    entries: tuple[Entry, ...]
    lanes: tuple[LaneSpec, ...]
    warehouses: tuple[Warehouse, ...]
    last_mile: tuple[LastMileTable, ...]
    road: tuple[RoadRate, ...]
    export_rules: tuple[ExportRule, ...]
    destination_rules: tuple[DestinationRule, ...]
    sources: Mapping[str, str] = field(default_factory=frozen_map)
    path: str = "<built-in>"
    screening: ScreeningData | None = None
    routing: RoutingData | None = None
    design: DesignData | None = None

    def product(self, id: str) -> Product:
        """The product with this id (``KeyError`` if none)."""
        return _by_id(self.products, id, "product")

    def market(self, id: str) -> Market:
        """The market with this id (``KeyError`` if none)."""
        return _by_id(self.markets, id, "market")

    def warehouse(self, id: str) -> Warehouse:
        """The overseas warehouse candidate with this id (``KeyError`` if none)."""
        return _by_id(self.warehouses, id, "warehouse")

    def road_rate(self, country: str) -> RoadRate:
        """The trucking rate of ``country``, falling back to the ``default`` row."""
        for r in self.road:
            if r.country == country:
                return r
        return _by_id_attr(self.road, "default", "road rate", attr="country")

    def export_rule(self, mode: CustomsMode, date: dt.date) -> ExportRule:
        """China's export rule for ``mode`` in force on ``date``."""
        for r in self.export_rules:
            if r.mode == mode and _in_force(r.effective_from, r.effective_to, date):
                return r
        raise KeyError(f"no export rule for customs mode {mode.value} in force on {date}")

    def destination_rule(self, region: str, date: dt.date) -> DestinationRule:
        """The import rule of customs ``region`` in force on ``date``."""
        for r in self.destination_rules:
            if r.region == region and _in_force(r.effective_from, r.effective_to, date):
                return r
        raise KeyError(f"no destination rule for region {region} in force on {date}")


def _in_force(start: dt.date, end: dt.date | None, date: dt.date) -> bool:
    return start <= date and (end is None or date < end)


def _by_id(items, id, what):  # type: ignore[no-untyped-def]
    return _by_id_attr(items, id, what, attr="id")


def _by_id_attr(items, value, what, *, attr):  # type: ignore[no-untyped-def]
    for it in items:
        if getattr(it, attr) == value:
            return it
    raise KeyError(f"unknown {what} {value!r}")
