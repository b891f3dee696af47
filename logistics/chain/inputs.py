"""The stage parameters of every flow row, gathered from the scenario as named per-row arrays.

:func:`gather` builds small tables first, one row per product, market, channel rule, warehouse or channel route,
each column a named array, and then picks every flow row's values out of them by fancy indexing. Nothing is
looked up by a column number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from statistics import NormalDist
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

import networks
from logistics.chain.flows import CHANNEL_CODES, Flows
from logistics.errors import ScenarioError
from logistics.scenario import ChannelRoute, CustomsMode, EntryType, RebateTrigger, Scenario, resolve_measures

__all__ = ["ChainInputs", "gather"]

_TRIGGER = {RebateTrigger.DEPARTURE: 0, RebateTrigger.ZONE_ENTRY: 1, RebateTrigger.SALE: 2}
_PAD_DAY = 1e9  # start day of padding storage tiers: never reached by any dwell
_B2B = CHANNEL_CODES[CustomsMode.B2B_DIRECT]
_MP = CHANNEL_CODES[CustomsMode.MARKET_PROCUREMENT]
#: Entry types as codes inside the arrays (formal 0, informal 1, postal 2).
_ENTRY_CODE = {EntryType.FORMAL: 0, EntryType.INFORMAL: 1, EntryType.POSTAL: 2}

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ChainInputs:
    """Per-row parameters of every stage (arrays of equal length, or floats for one row)."""

    channel: Any
    flow_class: Any  # product x route: rows of one class share every input but their units per year
    parcel: Any
    weight_kg: Any
    volume_m3: Any
    purchase_value: Any
    retail_price: Any
    cn_vat_rate: Any
    rebate_rate: Any
    rebate_eligible: Any
    units_per_order: Any
    units_per_year: Any
    skus: Any
    return_rate: Any
    restock_share: Any
    unsold_share: Any
    deemed_profit_rate: Any
    repaid_on_return: Any
    deemed_sale: Any
    # consolidation (seller to gateway; for 1210 seller to bonded zone) and 1210 transfer
    fm_km: Any
    fm_days: Any
    road_per_kg_km: Any
    road_kg_per_m3: Any
    gw_handling_per_kg: Any
    gw_handling_days: Any
    bz_handling_per_kg: Any
    bz_handling_days: Any
    tr_km: Any
    tr_days: Any
    export_fee_per_kg: Any
    export_days: Any
    declaration_lag_days: Any
    rebate_trigger: Any
    # line haul
    lh_km: Any
    lh_per_kg: Any
    lh_per_m3: Any
    lh_per_item: Any
    lh_per_container: Any
    lh_per_kg_km: Any
    lh_container_m3: Any
    lh_container_kg: Any
    lh_container_fill: Any
    lh_volumetric: Any
    lh_mean_days: Any
    lh_std_days: Any
    lh_departures: Any
    lh_lcl_per_m3: Any
    postal: Any
    # import (the rules of the import country: the entry's region, or the market's for postal items)
    duty_rate: Any
    additional_duty_rate: Any
    measure_formal: Any
    measure_informal: Any
    measure_postal: Any
    postal_regime: Any
    postal_ad_valorem: Any
    postal_per_item: Any
    postal_specific: Any
    formal_threshold: Any
    vat_postponed: Any
    vat_adds_freight: Any
    fee_entry: Any
    fee_rate: Any
    fee_min: Any
    fee_max: Any
    fee_fixed: Any
    duty_threshold: Any
    flat_duty_per_line: Any
    vat_rate: Any
    vat_threshold: Any
    cif: Any
    fee_per_entry: Any
    fee_per_parcel: Any
    clear_mean_days: Any
    clear_std_days: Any
    # drayage and warehouse
    dr_km: Any
    dr_days: Any
    dr_per_kg_km: Any
    dr_kg_per_m3: Any
    dr_per_container: Any
    wh_receiving_per_m3: Any
    wh_tier_from: Any
    wh_tier_rate: Any
    wh_pick_per_order: Any
    wh_pick_per_extra: Any
    wh_days: Any
    wh_return_handling: Any
    # last mile and partner
    lm_on: Any
    lm_km: Any
    lm_band_kg: Any
    lm_band_price: Any
    lm_per_kg_over: Any
    lm_per_1000km: Any
    lm_base_days: Any
    lm_std_days: Any
    lm_km_per_day: Any
    partner_fee_share: Any
    partner_payment_days: Any
    partner_days: Any
    partner_imports: Any
    referral_share: Any
    payment_share: Any
    fx_share: Any
    lost_when_late: Any
    # market and finance
    promise_days: Any
    demand_cv: Any
    payout_days: Any
    cost_of_capital: Any
    z: Any
    review_days: Any
    supply_days: Any
    origin_days: Any
    processing_days: Any
    vat_reclaim_days: Any
    review_choices: Any
    insurance_rate: Any
    income_tax_rate: Any
    owh_deductive: Any
    computed_markup: Any
    deductive_deduction: Any
    parcel_reimport: Any

    def __len__(self) -> int:
        return int(np.shape(self.weight_kg)[0])

    def row(self, i: int) -> ChainInputs:
        """Row ``i`` as plain Python numbers (tables stay 1-D arrays)."""
        vals = {}
        for f in fields(self):
            a = getattr(self, f.name)
            vals[f.name] = a[i] if np.ndim(a) == 2 else a[i].item()
        return ChainInputs(**vals)

    def take(self, idx: IntArray | slice) -> ChainInputs:
        """Rows ``idx`` (resampling allowed, or a slice) as a new set of arrays."""
        return ChainInputs(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})

    def replace(self, **changes: Any) -> ChainInputs:
        """A copy with some parameters replaced (what-if and property tests)."""
        return dataclasses.replace(self, **changes)


_T = TypeVar("_T", bound="_Table")


class _Table:
    """A small table as one named float array per column (the dataclass fields of a subclass, in order)."""

    @classmethod
    def of(cls: type[_T], records: Sequence[Sequence[float]]) -> _T:
        """The table whose rows are ``records``, one value per field in field order."""
        data = np.array(records, dtype=float).reshape(len(records), cls.width())
        return cls(*(np.ascontiguousarray(data[:, k]) for k in range(data.shape[1])))

    @classmethod
    def width(cls) -> int:
        """The number of columns."""
        return len(fields(cls))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class _RouteTable(_Table):
    """Per channel route: the parts of its legs, gateway, entry and warehouse that the stages read."""

    channel: FloatArray
    parcel: FloatArray
    fm_km: FloatArray
    fm_days: FloatArray
    road_per_kg_km: FloatArray
    road_kg_per_m3: FloatArray
    gw_handling_per_kg: FloatArray
    gw_handling_days: FloatArray
    bz_handling_per_kg: FloatArray
    bz_handling_days: FloatArray
    tr_km: FloatArray
    tr_days: FloatArray
    gw_export_fee_per_kg: FloatArray
    export_days: FloatArray
    lh_km: FloatArray
    lh_per_kg: FloatArray
    lh_per_m3: FloatArray
    lh_per_item: FloatArray
    lh_per_container: FloatArray
    lh_per_kg_km: FloatArray
    lh_container_m3: FloatArray
    lh_container_kg: FloatArray
    lh_container_fill: FloatArray
    lh_volumetric: FloatArray
    lh_mean_days: FloatArray
    lh_std_days: FloatArray
    lh_departures: FloatArray
    lh_lcl_per_m3: FloatArray
    postal: FloatArray
    fee_per_entry: FloatArray
    fee_per_parcel: FloatArray
    clear_mean_days: FloatArray
    clear_std_days: FloatArray
    dr_km: FloatArray
    dr_days: FloatArray
    dr_per_kg_km: FloatArray
    dr_kg_per_m3: FloatArray
    dr_per_container: FloatArray
    lm_km: FloatArray
    lm_on: FloatArray


@dataclass(frozen=True, slots=True)
class _MarketTable(_Table):
    """Per market: the promise, demand, the B2B partner and the selling fees."""

    promise_days: FloatArray
    demand_cv: FloatArray
    payout_days: FloatArray
    partner_fee_share: FloatArray
    partner_payment_days: FloatArray
    partner_days: FloatArray
    partner_imports: FloatArray
    payment_share: FloatArray
    fx_share: FloatArray
    lost_when_late: FloatArray


@dataclass(frozen=True, slots=True)
class _RegionTable(_Table):
    """Per customs region: the destination rule and postal regime in force, money in the scenario currency."""

    duty_threshold: FloatArray
    flat_duty_per_line: FloatArray
    additional_duty_rate: FloatArray
    vat_rate: FloatArray
    vat_threshold: FloatArray
    cif: FloatArray
    vat_postponed: FloatArray
    formal_threshold: FloatArray
    vat_adds_freight: FloatArray
    postal_regime: FloatArray
    postal_ad_valorem: FloatArray
    postal_per_item: FloatArray


@dataclass(frozen=True, slots=True)
class _RuleTable(_Table):
    """Per channel code: the export rule in force."""

    rebate_basis: FloatArray
    rebate_trigger: FloatArray
    declaration_lag_days: FloatArray
    fee_per_kg: FloatArray
    deemed_profit_rate: FloatArray
    repaid_on_return: FloatArray
    deemed_sale: FloatArray


@dataclass(frozen=True, slots=True)
class _WarehouseTable(_Table):
    """Per warehouse, plus a last zero-cost row for routes without one."""

    receiving_per_m3: FloatArray
    pick_per_order: FloatArray
    pick_per_extra: FloatArray
    handling_days: FloatArray
    return_handling: FloatArray


@dataclass(frozen=True, slots=True)
class _LastMileTable(_Table):
    """Per last-mile table: the terms beyond its weight bands."""

    per_kg_over: FloatArray
    per_1000km: FloatArray
    base_days: FloatArray
    std_days: FloatArray
    km_per_day: FloatArray


def _pad(rows: list[list[float]], fill_last: bool, pad_value: float) -> FloatArray:
    width = max(len(r) for r in rows)
    out = np.empty((len(rows), width))
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
        out[i, len(r):] = r[-1] if fill_last else pad_value
    return out


def _market_table(s: Scenario) -> _MarketTable:
    return _MarketTable.of([
        (m.promise_days, m.demand_cv, m.payout_days, m.b2b.fee_share, m.b2b.payment_days, m.b2b.fulfilment_days,
         1.0 if m.b2b.importer_of_record == "partner" else 0.0, m.selling.payment_share, m.selling.fx_share,
         m.demand_response.lost_share_when_late)
        for m in s.markets])


def _region_table(s: Scenario, regions: Sequence[str], used: set[str], date: dt.date) -> _RegionTable:
    conv = s.finance.to_scenario_currency
    records: list[tuple[float, ...]] = []
    for region in regions:
        if region not in used:
            records.append((0.0,) * _RegionTable.width())  # rows only read the rules of their own regions
            continue
        try:
            dr = s.destination_rule(region, date)
        except KeyError:
            raise ScenarioError(s.path, "destination_rules", f"no rule for region {region!r} in force on {date}",
                                "pick a date the rules cover, or add a rule for that period") from None
        pd_ = s.postal_duty(region, date)
        records.append((conv(dr.duty_threshold, dr.currency), conv(dr.flat_duty_per_line, dr.currency),
                        dr.additional_duty_rate, dr.vat_rate, conv(dr.vat_threshold, dr.currency),
                        1.0 if dr.valuation == "CIF" else 0.0, 1.0 if dr.vat_postponed else 0.0,
                        conv(dr.formal_entry_threshold, dr.currency), 1.0 if dr.vat_adds_freight else 0.0,
                        1.0 if pd_ else 0.0, pd_.ad_valorem_rate if pd_ else 0.0,
                        conv(pd_.per_item, pd_.currency) if pd_ else 0.0))
    return _RegionTable.of(records)


def _rule_table(s: Scenario, date: dt.date) -> _RuleTable:
    records: list[tuple[float, ...]] = [(0.0,) * _RuleTable.width()] * len(CHANNEL_CODES)
    pilots = any(o.market_procurement_pilot for o in s.origins)
    for mode, code in CHANNEL_CODES.items():
        try:
            er = s.export_rule(mode, date)
        except KeyError:
            if mode == CustomsMode.MARKET_PROCUREMENT and not pilots:
                continue  # no route uses 1039 without a pilot market
            raise ScenarioError(s.path, "export_rules", f"no rule for customs mode {mode.value} in force on {date}",
                                "pick a date the rules cover, or add a rule for that period") from None
        # Every basis but "none" refunds only goods bought with purchase VAT invoices (resolved per product).
        rebate_basis = 0.0 if er.rebate == "none" else 1.0
        records[code] = (rebate_basis, _TRIGGER[er.trigger], er.declaration_lag_days, er.fee_per_kg,
                         er.deemed_profit_rate, 1.0 if er.repaid_on_return else 0.0,
                         1.0 if er.no_invoice == "deemed_sale" else 0.0)
    return _RuleTable.of(records)


def _route_region(s: Scenario, route: ChannelRoute, entry_region: dict[str, str],
                  market_region: dict[str, str]) -> str:
    """The customs region whose rules apply: the entry's (the import country), or the market's for post."""
    return entry_region[route.entry] if route.entry else market_region[route.market]


def _route_table(s: Scenario, f: Flows) -> tuple[_RouteTable, IntArray, IntArray, IntArray]:
    """The route table, and per route its market, warehouse (``len(warehouses)``: none) and region index."""
    routes = f.routes
    m_index = {m.id: i for i, m in enumerate(s.markets)}
    gw = {g.id: g for g in s.gateways}
    ent = {e.id: e for e in s.entries}
    wh_index = {w.id: i for i, w in enumerate(s.warehouses)}
    regions = _regions(s)
    reg_index = {r: i for i, r in enumerate(regions)}
    entry_region = {e.id: e.region for e in s.entries}
    market_region = {m.id: m.region for m in s.markets}
    lane_spec = {ln.id: ln for ln in s.lanes}
    records: list[tuple[float, ...]] = []
    r_market = np.zeros(len(routes), dtype=np.int64)
    r_wh = np.full(len(routes), len(s.warehouses), dtype=np.int64)
    r_region = np.zeros(len(routes), dtype=np.int64)
    for k, route in enumerate(routes):
        legs = list(route.legs)
        first = legs[0]
        g0 = gw[first.destination]
        if route.bonded:
            transfer = legs[1]
            gate = gw[transfer.destination]
            tr_km, tr_days = transfer.distance_km, transfer.transit_mean_days
            bz = gw[route.bonded]
            bz_h, bz_d = bz.handling_per_kg, bz.handling_days
        else:
            gate = g0
            tr_km = tr_days = bz_h = bz_d = 0.0
        lh = route.line_haul
        t = lh.tariff
        spec = lane_spec.get(lh.id)
        e = ent.get(route.entry) if route.entry else None
        dray = legs[-2] if route.warehouse else None
        # Every route with an entry ends with a delivery leg priced by the market's last-mile table.
        last = legs[-1] if route.entry else None
        r_market[k] = m_index[route.market]
        r_region[k] = reg_index[_route_region(s, route, entry_region, market_region)]
        if route.warehouse:
            r_wh[k] = wh_index[route.warehouse]
        records.append((
            CHANNEL_CODES[route.channel], 1.0 if route.service == "parcel" else 0.0,
            first.distance_km, first.transit_mean_days, first.tariff.per_kg_km, first.tariff.volumetric_kg_per_m3,
            gate.handling_per_kg, gate.handling_days, bz_h, bz_d, tr_km, tr_days,
            gate.export_clearance_fee_per_kg, gate.export_clearance_days,
            lh.distance_km, t.per_kg, t.per_m3, t.per_item, t.per_container, t.per_kg_km, t.container_m3,
            t.container_kg, t.container_fill, t.volumetric_kg_per_m3, lh.transit_mean_days, lh.transit_std_days,
            lh.departures_per_week, spec.lcl_per_m3 if spec else 0.0,
            1.0 if lh.mode == networks.Mode.POSTAL else 0.0,
            e.fee_per_entry if e else 0.0, e.fee_per_parcel if e else 0.0,
            e.clearance_mean_days if e else 0.0, e.clearance_std_days if e else 0.0,
            dray.distance_km if dray else 0.0, dray.transit_mean_days if dray else 0.0,
            dray.tariff.per_kg_km if dray else 0.0, dray.tariff.volumetric_kg_per_m3 if dray else 0.0,
            e.per_container if (e and dray) else 0.0,
            last.distance_km if last else 0.0, 1.0 if last else 0.0,
        ))
    return _RouteTable.of(records), r_market, r_wh, r_region


def _regions(s: Scenario) -> list[str]:
    return sorted({m.region for m in s.markets} | {e.region for e in s.entries})


def _fee_table(s: Scenario, f: Flows, date: dt.date, r_region: IntArray) -> tuple[FloatArray, ...]:
    """Per route, the import fees of its region that could apply (padded to one width): entry type code,
    rate, minimum, maximum and fixed part per consignment, in the scenario currency."""
    regions = _regions(s)
    conv = s.finance.to_scenario_currency
    by_region = {r: s.import_fees_on(r, date) for r in {regions[int(i)] for i in np.unique(r_region)}}
    rows: list[list[tuple[float, float, float, float, float]]] = []
    for k, route in enumerate(f.routes):
        mode = route.line_haul.mode.value
        fees = [fee for fee in by_region.get(regions[int(r_region[k])], ()) if not fee.modes or mode in fee.modes]
        rows.append([(float(_ENTRY_CODE[EntryType(fee.entry)]), fee.rate, conv(fee.minimum, fee.currency),
                      conv(fee.maximum, fee.currency), conv(fee.per_consignment, fee.currency)) for fee in fees])
    width = max([len(r) for r in rows] + [1])
    out = np.zeros((5, len(rows), width))
    out[0] = -1.0  # padding matches no entry type
    for k, r in enumerate(rows):
        for j, vals in enumerate(r):
            out[:, k, j] = vals
    return tuple(out[i] for i in range(5))


def _measures(s: Scenario, date: dt.date, r_region: IntArray) -> FloatArray:
    """Per region, product and entry type (formal, informal, postal): the sum of tariff measures in force."""
    regions = _regions(s)
    out = np.zeros((len(regions), len(s.products), 3))
    for ri in {int(i) for i in np.unique(r_region)}:
        for m in s.tariff_measures_on(regions[ri], date):
            for pi, p in enumerate(s.products):
                for e in m.entries:
                    out[ri, pi, _ENTRY_CODE[EntryType(e)]] += m.rate_of(p.id)
    return out


def gather(s: Scenario, f: Flows, *, date: dt.date | None = None) -> ChainInputs:
    """Collect the stage parameters of every row of ``f`` from the scenario (vectorized).

    ``date`` selects the customs and tax rules in force (default: the scenario date).

    Raises
    ------
    ScenarioError
        When no rule is in force on ``date`` for a market's region or a channel's customs mode.
    """
    s = resolve_measures(s)  # the world without the measures switched off
    date = date or s.date
    fin = s.finance
    lm_index = {t.id: i for i, t in enumerate(s.last_mile)}

    # -- per product (and product x market) ------------------------------------------------------------------
    prod = s.products
    pw = np.array([p.unit_weight_kg for p in prod])
    pv = np.array([p.unit_volume_m3 for p in prod])
    ppur = np.array([p.purchase_value for p in prod])
    pret = np.array([p.retail_price for p in prod])
    pvat = np.array([p.cn_vat_rate for p in prod])
    prr = np.array([p.rebate_rate for p in prod])
    pinv = np.array([1.0 if p.has_vat_invoices else 0.0 for p in prod])
    pupo = np.array([p.units_per_order for p in prod])
    pskus = np.array([float(p.skus) for p in prod])
    prestock = np.array([p.restock_share for p in prod])
    regions = _regions(s)
    duty = np.zeros((len(prod), len(s.markets), len(regions)))
    returns = np.zeros((len(prod), len(s.markets)))
    referral = np.zeros((len(prod), len(s.markets)))
    for i, p in enumerate(prod):
        for j, m in enumerate(s.markets):
            for r, region in enumerate(regions):
                duty[i, j, r] = p.duty_rate.get(m.id, p.duty_rate.get(region, p.duty_rate.get(m.region, 0.0)))
            returns[i, j] = p.rate_for(p.return_rate, m)
            referral[i, j] = m.selling.referral(p.id)

    # -- per market, region, channel rule, warehouse, last-mile table and route --------------------------------
    mk = _market_table(s)
    rules = _rule_table(s, date)
    rt, r_market, r_wh, r_region = _route_table(s, f)
    used_regions = {regions[int(r_region[int(k)])] for k in np.unique(f.route)}
    rg = _region_table(s, regions, used_regions, date)
    fee_entry, fee_rate, fee_min, fee_max, fee_fixed = _fee_table(s, f, date, r_region)
    measures = _measures(s, date, r_region)
    lm_tables = s.last_mile
    band_kg = _pad([list(t.max_kg) for t in lm_tables], fill_last=True, pad_value=0.0)
    band_price = _pad([[fin.to_scenario_currency(x, t.currency) for x in t.price] for t in lm_tables],
                      fill_last=True, pad_value=0.0)
    lmt = _LastMileTable.of([(fin.to_scenario_currency(t.per_kg_over, t.currency), t.per_1000km, t.base_days,
                           t.std_days, t.km_per_day) for t in lm_tables])
    # A parcel from a warehouse in another country than the market's is priced by the cross-border table.
    market_country = {m.id: m.country for m in s.markets}
    wh_country = {w.id: w.country for w in s.warehouses}
    r_table = np.array([
        lm_index[s.market(r.market).cross_border_last_mile]
        if r.warehouse and wh_country[r.warehouse] != market_country[r.market]
        and s.market(r.market).cross_border_last_mile else lm_index[s.market(r.market).last_mile]
        for r in f.routes] or [0], dtype=np.int64)
    whs = s.warehouses
    tier_from = _pad([[t.from_day for t in w.storage_tiers] for w in whs] + [[0.0]], False, _PAD_DAY)
    tier_rate = _pad([[t.rate_per_m3_day for t in w.storage_tiers] for w in whs] + [[0.0]], False, 0.0)
    wh = _WarehouseTable.of([(w.receiving_per_m3, w.pick_pack_per_order, w.pick_pack_per_extra_item, w.handling_days,
                              w.return_handling_per_unit) for w in whs] + [(0.0, 0.0, 0.0, 0.0, 0.0)])

    # -- gather rows ------------------------------------------------------------------------------------------
    row_p = f.product
    ri = f.route
    mj = r_market[ri]
    rr = r_region[ri]
    ch = rt.channel[ri].astype(np.int64)
    w_i = r_wh[ri]
    t_i = r_table[ri]
    is_b2b = (ch == _B2B) | (ch == _MP)
    eligible = rules.rebate_basis[ch] * pinv[row_p]
    deemed = np.where(pinv[row_p] > 0, 0.0, rules.deemed_profit_rate[ch])
    n = len(row_p)

    def full(size: int, value: float) -> FloatArray:
        # One value for every row: a read-only broadcast view, not n copies.
        return np.broadcast_to(np.float64(value), (size,))

    choices = np.asarray(fin.review_period_choices or (fin.review_period_days,), dtype=float)
    lane_postal = rt.postal[ri]
    return ChainInputs(
        channel=ch, flow_class=row_p * max(len(f.routes), 1) + ri, parcel=rt.parcel[ri], weight_kg=pw[row_p],
        volume_m3=pv[row_p], purchase_value=ppur[row_p],
        retail_price=pret[row_p], cn_vat_rate=pvat[row_p], rebate_rate=prr[row_p], rebate_eligible=eligible,
        units_per_order=pupo[row_p], units_per_year=np.asarray(f.units_per_year, dtype=float),
        skus=pskus[row_p],
        return_rate=np.where(is_b2b, 0.0, returns[row_p, mj]),  # the B2B partner handles its own returns
        restock_share=prestock[row_p], unsold_share=np.array([p.unsold_share for p in prod])[row_p],
        deemed_profit_rate=deemed, repaid_on_return=rules.repaid_on_return[ch],
        deemed_sale=np.where(pinv[row_p] > 0, 0.0, rules.deemed_sale[ch]),
        fm_km=rt.fm_km[ri], fm_days=rt.fm_days[ri], road_per_kg_km=rt.road_per_kg_km[ri],
        road_kg_per_m3=rt.road_kg_per_m3[ri], gw_handling_per_kg=rt.gw_handling_per_kg[ri],
        gw_handling_days=rt.gw_handling_days[ri], bz_handling_per_kg=rt.bz_handling_per_kg[ri],
        bz_handling_days=rt.bz_handling_days[ri], tr_km=rt.tr_km[ri], tr_days=rt.tr_days[ri],
        export_fee_per_kg=rt.gw_export_fee_per_kg[ri] + rules.fee_per_kg[ch], export_days=rt.export_days[ri],
        declaration_lag_days=rules.declaration_lag_days[ch], rebate_trigger=rules.rebate_trigger[ch],
        lh_km=rt.lh_km[ri], lh_per_kg=rt.lh_per_kg[ri], lh_per_m3=rt.lh_per_m3[ri], lh_per_item=rt.lh_per_item[ri],
        lh_per_container=rt.lh_per_container[ri], lh_per_kg_km=rt.lh_per_kg_km[ri],
        lh_container_m3=rt.lh_container_m3[ri], lh_container_kg=rt.lh_container_kg[ri],
        lh_container_fill=rt.lh_container_fill[ri], lh_volumetric=rt.lh_volumetric[ri],
        lh_mean_days=rt.lh_mean_days[ri], lh_std_days=rt.lh_std_days[ri], lh_departures=rt.lh_departures[ri],
        lh_lcl_per_m3=rt.lh_lcl_per_m3[ri], postal=lane_postal,
        duty_rate=duty[row_p, mj, rr], additional_duty_rate=rg.additional_duty_rate[rr],
        measure_formal=measures[rr, row_p, 0], measure_informal=measures[rr, row_p, 1],
        measure_postal=measures[rr, row_p, 2], postal_regime=rg.postal_regime[rr] * lane_postal,
        postal_ad_valorem=rg.postal_ad_valorem[rr], postal_per_item=rg.postal_per_item[rr],
        postal_specific=_postal_specific(s, f)[ri],
        formal_threshold=rg.formal_threshold[rr], vat_postponed=rg.vat_postponed[rr],
        vat_adds_freight=rg.vat_adds_freight[rr],
        fee_entry=fee_entry[ri], fee_rate=fee_rate[ri], fee_min=fee_min[ri], fee_max=fee_max[ri],
        fee_fixed=fee_fixed[ri],
        duty_threshold=rg.duty_threshold[rr], flat_duty_per_line=rg.flat_duty_per_line[rr],
        vat_rate=rg.vat_rate[rr], vat_threshold=rg.vat_threshold[rr], cif=rg.cif[rr],
        fee_per_entry=rt.fee_per_entry[ri], fee_per_parcel=rt.fee_per_parcel[ri],
        clear_mean_days=rt.clear_mean_days[ri], clear_std_days=rt.clear_std_days[ri],
        dr_km=rt.dr_km[ri], dr_days=rt.dr_days[ri], dr_per_kg_km=rt.dr_per_kg_km[ri],
        dr_kg_per_m3=rt.dr_kg_per_m3[ri], dr_per_container=rt.dr_per_container[ri],
        wh_receiving_per_m3=wh.receiving_per_m3[w_i], wh_tier_from=tier_from[w_i], wh_tier_rate=tier_rate[w_i],
        wh_pick_per_order=wh.pick_per_order[w_i], wh_pick_per_extra=wh.pick_per_extra[w_i],
        wh_days=wh.handling_days[w_i], wh_return_handling=wh.return_handling[w_i],
        lm_on=rt.lm_on[ri], lm_km=rt.lm_km[ri], lm_band_kg=band_kg[t_i], lm_band_price=band_price[t_i],
        lm_per_kg_over=lmt.per_kg_over[t_i], lm_per_1000km=lmt.per_1000km[t_i], lm_base_days=lmt.base_days[t_i],
        lm_std_days=lmt.std_days[t_i], lm_km_per_day=lmt.km_per_day[t_i],
        partner_fee_share=np.where(is_b2b, mk.partner_fee_share[mj], 0.0),
        partner_payment_days=mk.partner_payment_days[mj], partner_days=mk.partner_days[mj],
        partner_imports=np.where(is_b2b, mk.partner_imports[mj], 0.0),
        referral_share=np.where(is_b2b, 0.0, referral[row_p, mj]), payment_share=mk.payment_share[mj],
        fx_share=mk.fx_share[mj], lost_when_late=mk.lost_when_late[mj],
        promise_days=mk.promise_days[mj], demand_cv=mk.demand_cv[mj], payout_days=mk.payout_days[mj],
        cost_of_capital=full(n, fin.cost_of_capital), z=full(n, NormalDist().inv_cdf(fin.service_level)),
        review_days=full(n, fin.review_period_days), supply_days=full(n, fin.domestic_supply_days),
        origin_days=full(n, fin.origin_handling_days), processing_days=full(n, fin.rebate_processing_days),
        vat_reclaim_days=full(n, fin.vat_reclaim_days),
        review_choices=np.broadcast_to(choices, (n, len(choices))),
        insurance_rate=full(n, fin.insurance_rate), income_tax_rate=full(n, fin.income_tax_rate),
        owh_deductive=full(n, 1.0 if fin.owh_customs_value == "deductive" else 0.0),
        computed_markup=full(n, fin.computed_value_markup),
        deductive_deduction=full(n, fin.deductive_value_deduction),
        parcel_reimport=full(n, 1.0 if fin.parcel_returns == "reimport" else 0.0),
    )


def _postal_specific(s: Scenario, f: Flows) -> FloatArray:
    """Per route, 1 where the postal lane's carrier elected the specific (per-item) postal duty."""
    spec = {ln.id: ln.postal_duty_method for ln in s.lanes}
    return np.array([1.0 if spec.get(r.line_haul.id) == "specific" else 0.0 for r in f.routes] or [0.0])
