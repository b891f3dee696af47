"""The Scenario: immutable, validated input data of every owl model.

All money is in the scenario currency (``Finance.currency``, USD in the built-in scenario) unless a field name says
otherwise; rules written in another currency (EUR 150, GBP 135, ...) carry their currency and are converted with
``Finance.fx`` when they are applied. Units are in the field names: ``_kg``, ``_m3``, ``_days``, ``_km``,
``_per_year``.

Instances are built by :func:`logistics.scenario.load.load_scenario` (which validates) and never change afterwards;
variants are made with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import enum
import math
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
    "DemandResponse",
    "DestinationRule",
    "Entry",
    "EntryType",
    "ExportRule",
    "Finance",
    "Gateway",
    "ImportFee",
    "LaneSpec",
    "LastMileTable",
    "Market",
    "Measure",
    "MeasureEffect",
    "Origin",
    "PostalDuty",
    "Product",
    "RebateTrigger",
    "RoadRate",
    "Scenario",
    "SellingFees",
    "StorageTier",
    "TariffMeasure",
    "Warehouse",
    "frozen_map",
]


def frozen_map(d: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """Return a read-only mapping so that a frozen dataclass really is immutable."""
    return MappingProxyType(dict(d or {}))


def _reduce_mapping(m: MappingProxyType[str, Any]) -> tuple[Any, tuple[dict[str, Any]]]:
    return frozen_map, (dict(m),)


# A scenario crosses process boundaries whole (sweep variants on process pools and Dask workers), and the
# read-only mappings inside it are not picklable by default: pickle them as the dict they wrap.
copyreg.pickle(MappingProxyType, _reduce_mapping)


class CustomsMode(enum.StrEnum):
    """China's export customs supervision modes relevant to e-commerce (GACC announcements in the data file)."""

    DIRECT_MAIL = "9610"
    B2B_DIRECT = "9710"
    OVERSEAS_WAREHOUSE = "9810"
    BONDED = "1210"
    MARKET_PROCUREMENT = "1039"
    GENERAL_TRADE = "0110"


class EntryType(enum.StrEnum):
    """How a consignment is entered at the destination: what the lane carries decides it."""

    FORMAL = "formal"  # bulk freight above the region's formal-entry threshold
    INFORMAL = "informal"  # bulk freight or courier parcels at or below it
    POSTAL = "postal"  # items in the postal network (UPU mail)


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
    skus: int = 1  # SKUs in the family: safety stock is held per SKU
    peak_factor: float = 1.0  # peak-season demand over the mean: warehouses and hubs are sized for it
    return_rate: Mapping[str, float] = field(default_factory=frozen_map)  # by market id or region, or "default"
    restock_share: float = 0.0  # share of returns to an overseas warehouse that go back to stock
    unsold_share: float = 0.0  # share of overseas-warehouse stock never sold (written off at the settlement)
    source: str = ""

    def rate_for(self, table: Mapping[str, float], market: Market) -> float:
        """A per-market value of ``table``: by market id, else by region, else its ``default`` key, else 0."""
        return float(table.get(market.id, table.get(market.region, table.get("default", 0.0))))


@dataclass(frozen=True, slots=True)
class Origin:
    """A seller cluster in Guangzhou: where goods are picked up, and how much it can supply per year."""

    id: str
    name: str
    lat: float
    lon: float
    supply_per_year: Mapping[str, float]  # units by product id
    market_procurement_pilot: bool = False  # a 1039 market-procurement pilot market: offers the 1039 channel
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
    importer_of_record: str = "seller"  # "seller" (DDP: the seller advances duty and import VAT) or "partner"
    source: str = ""


@dataclass(frozen=True, slots=True)
class SellingFees:
    """What a seller pays to sell to consumers in a market (9610, 9810, 1210): shares of the retail price.

    ``referral_share`` is the marketplace's commission (by product id, or ``default``); ``payment_share`` the
    payment processing and ``fx_share`` the currency conversion to the seller's home currency. B2B sales (9710,
    1039) pay only ``payment_share`` and ``fx_share`` on what the partner pays.
    """

    referral_share: Mapping[str, float] = field(default_factory=frozen_map)
    payment_share: float = 0.0
    fx_share: float = 0.0
    source: str = ""

    def referral(self, product: str) -> float:
        """The referral share of ``product`` (its own entry, else ``default``, else 0)."""
        return float(self.referral_share.get(product, self.referral_share.get("default", 0.0)))


@dataclass(frozen=True, slots=True)
class DemandResponse:
    """How customers of a market respond to slow delivery: ``lost_share_when_late`` of the orders that would
    arrive after the promise are lost (cancelled, or not placed because the listing shows a later date)."""

    lost_share_when_late: float = 0.0
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
    selling: SellingFees = field(default_factory=SellingFees)
    demand_response: DemandResponse = field(default_factory=DemandResponse)
    cross_border_last_mile: str = ""  # LastMileTable for parcels from a warehouse in another country ("": same)
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
    per_container: float = 0.0  # terminal handling and drayage per full container (replaces the shared truck)
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
    lcl_per_m3: float = 0.0  # a container lane's LCL or groupage rate for what does not fill a box (0: none)
    postal_duty_method: str = "ad_valorem"  # a postal lane's election under a PostalDuty: ad_valorem or specific
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
    return_handling_per_unit: float = 0.0  # receiving, inspecting and restocking a customer return
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
    rebate: str  # "full", "invoice" (both: refunded only with purchase VAT invoices) or "none"
    trigger: RebateTrigger
    declaration_lag_days: float
    fee_per_kg: float
    deemed_profit_rate: float = 0.0  # income tax base as a share of revenue for exporters without invoices
    repaid_on_return: bool = False  # the rebate is repaid for goods returned, unsold or destroyed
    no_invoice: str = "exempt"  # goods without purchase VAT invoices: "exempt" (nothing refunded) or "deemed_sale"
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
    vat_postponed: bool = False  # import VAT of bulk entries is accounted on the VAT return: no cash tied
    formal_entry_threshold: float = 0.0  # bulk consignments valued above it are formal entries
    vat_adds_freight: bool = False  # import VAT on the value at the border although duty is on FOB (Australia)
    source: str = ""


@dataclass(frozen=True, slots=True)
class TariffMeasure:
    """An ad valorem duty added to the product's MFN rate for goods of ``origin`` entering ``region`` over
    ``[effective_from, effective_to)``: Section 301, IEEPA or Section 122 duties, a safeguard.

    ``rate`` is by product id (or ``default``); ``entries`` lists the entry types it applies to. Like MFN duty it
    is owed only above the region's de-minimis ``duty_threshold``.
    """

    id: str
    region: str
    origin: str
    rate: Mapping[str, float]
    effective_from: dt.date
    effective_to: dt.date | None
    entries: tuple[str, ...] = ("formal", "informal", "postal")
    source: str = ""

    def rate_of(self, product: str) -> float:
        """The measure's rate for ``product``."""
        return float(self.rate.get(product, self.rate.get("default", 0.0)))


@dataclass(frozen=True, slots=True)
class PostalDuty:
    """A duty on postal items from ``origin`` that takes the place of all other duties, over an effective period.

    The carrier elects, per lane, either ``ad_valorem_rate`` of the item's value or ``per_item`` (in
    ``currency``) per postal item (parcel).
    """

    region: str
    origin: str
    effective_from: dt.date
    effective_to: dt.date | None
    currency: str
    ad_valorem_rate: float
    per_item: float
    source: str = ""


@dataclass(frozen=True, slots=True)
class ImportFee:
    """A fee per consignment charged by the destination on one entry type (and optionally only some lane modes):
    ``clip(rate * value, minimum, maximum) + per_consignment``, in ``currency``.
    The US merchandise processing fee (formal and informal) and harbour maintenance fee (sea only) are examples."""

    id: str
    region: str
    entry: str
    currency: str
    effective_from: dt.date
    effective_to: dt.date | None
    rate: float = 0.0
    minimum: float = 0.0
    maximum: float = math.inf
    per_consignment: float = 0.0
    modes: tuple[str, ...] = ()
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
    review_period_choices: tuple[float, ...] = ()  # candidate review periods; each freight row takes its cheapest
    insurance_rate: float = 0.0  # cargo insurance per unit of insured value (goods and freight)
    income_tax_rate: float = 0.0  # on deemed profit (export rules' deemed_profit_rate)
    owh_customs_value: str = "computed"  # 9810 customs value: "computed" (cost plus markup) or "deductive"
    computed_value_markup: float = 0.0  # profit and general expenses over net cost in a computed value
    deductive_value_deduction: float = 0.0  # share of the resale price deducted in a deductive value
    parcel_returns: str = "write_off"  # what happens to a returned parcel: "write_off" or "reimport"
    source: str = ""

    def to_scenario_currency(self, amount: float, currency: str) -> float:
        """Convert ``amount`` in ``currency`` to the scenario currency."""
        if currency == self.currency:
            return amount
        return amount / self.fx[currency]


@dataclass(frozen=True, slots=True)
class MeasureEffect:
    """What the world looks like without a measure at one path into the scenario (paths as in docs/sweeps.md).

    The scenario's own values are those with the measure in force; without it the value at ``path`` is ``off``,
    or the value in force times ``off_factor``. ``basis`` says where the magnitude comes from (a source, or an
    ``assumption:`` saying how it was chosen).
    """

    path: str
    off: Any = None
    off_factor: float | None = None
    basis: str = ""


@dataclass(frozen=True, slots=True)
class Measure:
    """A policy measure as a switch: ``in_force`` false gives the scenario its ``effects``' values without it.

    ``text`` is the measure's wording in its source, ``summary`` what owl models of it, and ``note`` what it does
    not model (or why it has no effect in this scenario).
    """

    id: str
    title: str
    text: str
    summary: str
    in_force: bool
    effects: tuple[MeasureEffect, ...] = ()
    note: str = ""
    source: str = ""


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
    tariff_measures: tuple[TariffMeasure, ...] = ()
    postal_duties: tuple[PostalDuty, ...] = ()
    import_fees: tuple[ImportFee, ...] = ()
    rules_verified: dt.date | None = None  # when the rules were last checked against their sources
    sources: Mapping[str, str] = field(default_factory=frozen_map)
    path: str = "<built-in>"
    screening: ScreeningData | None = None
    routing: RoutingData | None = None
    design: DesignData | None = None
    measures: tuple[Measure, ...] = ()
    # True once the effects of the measures not in force have been applied (logistics.scenario.measures.resolve):
    # models resolve on entry, and a scenario they pass on to another model is not resolved twice.
    measures_resolved: bool = False

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

    def tariff_measures_on(self, region: str, date: dt.date) -> tuple[TariffMeasure, ...]:
        """The tariff measures on goods of the scenario's origin country entering ``region`` on ``date``."""
        return tuple(m for m in self.tariff_measures if m.region == region and m.origin == self.origin_country
                     and _in_force(m.effective_from, m.effective_to, date))

    def postal_duty(self, region: str, date: dt.date) -> PostalDuty | None:
        """The postal-item duty regime of ``region`` for the origin country on ``date``, if any."""
        for r in self.postal_duties:
            if r.region == region and r.origin == self.origin_country and _in_force(r.effective_from,
                                                                                    r.effective_to, date):
                return r
        return None

    def import_fees_on(self, region: str, date: dt.date) -> tuple[ImportFee, ...]:
        """The per-consignment import fees of ``region`` on ``date``."""
        return tuple(f for f in self.import_fees if f.region == region
                     and _in_force(f.effective_from, f.effective_to, date))

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
