"""The chain's stages run over every row of :class:`~logistics.chain.inputs.ChainInputs` at once.

``compute`` accepts a single row too (``inputs.row(i)``, plain floats): the same code evaluates one flow or a
million, which is what the batch-equals-rows property test and the benchmark's loop baseline rely on.
"""

from __future__ import annotations

from dataclasses import fields
from statistics import NormalDist
from typing import Any

import numpy as np

from logistics.chain import stages
from logistics.chain.flows import CHANNEL_CODES
from logistics.chain.inputs import ChainInputs
from logistics.scenario import CustomsMode

__all__ = ["BLOCK_ROWS", "compute"]

_B2B = CHANNEL_CODES[CustomsMode.B2B_DIRECT]
_OWH = CHANNEL_CODES[CustomsMode.OVERSEAS_WAREHOUSE]
_BONDED = CHANNEL_CODES[CustomsMode.BONDED]
_MP = CHANNEL_CODES[CustomsMode.MARKET_PROCUREMENT]
_DAYS_PER_YEAR = 365.0
#: Rows per block in :func:`compute` (8,192 was fastest of 2k-1M on the 2-core reference machine).
BLOCK_ROWS = 8192
_Z95 = NormalDist().inv_cdf(0.95)  # p95 of a lead time under the normal approximation


def compute(x: ChainInputs, *, block_rows: int = BLOCK_ROWS) -> dict[str, Any]:
    """Run every stage over the rows of ``x`` (arrays or one row of floats).

    Large batches are processed ``block_rows`` rows at a time: the temporaries of a block stay in the CPU cache
    and are recycled by the allocator, which measured about twice as fast as whole-array passes at 1M rows.

    Freight rows take, of the review periods in ``x.review_choices``, the one with the lowest freight + holding
    + storage (:func:`_review_period`): the batch decides full boxes against LCL, the entry fees per batch, cycle and
    safety stock, and storage. Parcel rows keep ``review_period_days``.

    Returns
    -------
    dict
        Per-row results keyed by name: the stage costs of :data:`~logistics.chain.report.STAGES`, ``landed_cost``,
        ``rebate``, lead times, inventory, working capital and the rest (see :class:`ChainReport`).
    """
    if np.ndim(x.weight_kg) == 0 or len(x) <= block_rows:
        return _choose_review(x)
    choices = np.asarray(x.review_choices, dtype=float)
    if choices.shape[-1] > 1:
        # The choice is a few cheap terms per candidate: one whole-array pass costs less than per-block calls.
        review = _review_period(x, choices)
        x = x.replace(review_days=review, review_choices=review[:, None])
    n = len(x)
    names = [f.name for f in fields(x)]
    out: dict[str, Any] = {}
    for start in range(0, n, block_rows):
        part = ChainInputs(**{k: getattr(x, k)[start:start + block_rows] for k in names})
        res = _choose_review(part)
        if not out:
            out = {k: np.empty(n, dtype=np.asarray(v).dtype) for k, v in res.items()}
        for k, v in res.items():
            out[k][start:start + len(part)] = v
    return out


def _choose_review(x: ChainInputs) -> dict[str, Any]:
    choices = np.asarray(x.review_choices, dtype=float)
    if choices.shape[-1] == 1:
        return _compute_block(x.replace(review_days=choices[..., 0]))
    if np.ndim(x.weight_kg) == 0:  # one row: the same policy as a batch of one
        one = ChainInputs(**{f.name: np.asarray(getattr(x, f.name))[None, ...] for f in fields(x)})
        return {k: v[0].item() if np.ndim(v) == 1 else v[0] for k, v in _choose_review(one).items()}
    return _compute_block(x.replace(review_days=_review_period(x, choices)))


def _review_period(x: ChainInputs, choices: Any) -> Any:
    """Per row, the review period of ``choices`` with the lowest freight + holding + storage per unit.

    Freight is the batch's whole boxes or LCL and their container drayage, plus the entry fees per batch; holding
    the carrying cost of cycle and safety stock; storage the tiered charge of the dwell. Parcel rows keep the
    scenario's ``review_period_days``: their consignment is an order, whatever the period.
    """
    out = np.asarray(x.review_days, dtype=float) + np.zeros(len(x))
    rows = np.nonzero(np.asarray(x.parcel) == 0.0)[0]
    if rows.size == 0:
        return out

    def f(a: Any) -> Any:  # the freight rows of a per-row array
        return np.asarray(a)[rows]

    r_all = np.asarray(choices, dtype=float)[rows]
    d = f(x.units_per_year) / _DAYS_PER_YEAR
    dd = np.maximum(d, 1e-12)
    channel = f(x.channel)
    is_owh = np.equal(channel, _OWH)
    w, v = f(x.weight_kg), f(x.volume_m3)
    c_truck, t_dr, s_dr = stages.consolidation(w, v, f(x.dr_km), f(x.dr_per_kg_km), f(x.dr_kg_per_m3), 0.0,
                                               f(x.dr_days), 0.0)
    purchase, vat = f(x.purchase_value), f(x.cn_vat_rate)
    net = purchase / (1.0 + vat)
    value = purchase - stages.rebate_per_unit(purchase, vat, f(x.rebate_rate), f(x.rebate_eligible))
    # The lead time to the stock point (as in _compute_block; it does not depend on the period).
    fm_days = f(x.fm_days)
    _, _, s_cons = stages.consolidation(w, v, f(x.fm_km), f(x.road_per_kg_km), f(x.road_kg_per_m3), 0.0, fm_days,
                                        0.0)
    t_lh, s_lh = stages.line_haul_time(f(x.lh_mean_days), f(x.lh_std_days), f(x.lh_departures))
    _, ship_mean, ship_var = stages.shipping_time(f(x.origin_days), fm_days + f(x.gw_handling_days),
                                                  f(x.export_days), s_cons, t_lh, s_lh, f(x.clear_mean_days),
                                                  f(x.clear_std_days))
    rep_mean, rep_std = stages.replenishment_lead_time(is_owh, np.equal(channel, _BONDED), f(x.supply_days),
                                                       ship_mean, ship_var, t_dr, s_dr, f(x.wh_days), fm_days,
                                                       f(x.bz_handling_days))
    # Each term only on the rows it can touch: boxed lanes, regions with fees, warehouse stock.
    per_container = f(x.lh_per_container)
    box = np.nonzero(per_container > 0)[0]
    fee_entry = np.asarray(f(x.fee_entry))
    feed = np.nonzero((fee_entry >= 0).any(axis=-1))[0]
    owh = np.nonzero(is_owh)[0]
    wt = (w[box], v[box], per_container[box], f(x.lh_container_m3)[box], f(x.lh_container_kg)[box],
          f(x.lh_container_fill)[box], f(x.lh_lcl_per_m3)[box])
    per_box, truck_box = f(x.dr_per_container)[box], np.asarray(c_truck)[box]
    fee_cols = (fee_entry[feed], *(f(a)[feed] for a in (x.fee_rate, x.fee_min, x.fee_max, x.fee_fixed)))
    # Storage costs nothing while the dwell stays in a free first tier (none when the first tier is charged).
    tiers_from, tiers_rate = f(x.wh_tier_from)[owh], f(x.wh_tier_rate)[owh]
    free_until = np.where(tiers_rate[:, 0] > 0, 0.0, tiers_from[:, 1] if tiers_from.shape[-1] > 1 else np.inf)
    holding_rate = f(x.cost_of_capital) * value / dd / _DAYS_PER_YEAR
    # The customs value per unit, as _compute_block sets it but for the freight in it (second order here).
    retail = f(x.retail_price)
    formal_rate = f(x.duty_rate) + f(x.additional_duty_rate) + f(x.measure_formal)
    b2b = np.equal(channel, _B2B) | np.equal(channel, _MP)
    deductive = retail * (1.0 - f(x.deductive_deduction)) / (1.0 + formal_rate)
    value_guess = np.where(b2b, retail * (1.0 - f(x.partner_fee_share)) / (1.0 + formal_rate),
                           np.where(f(x.owh_deductive) > 0, deductive, net * (1.0 + f(x.computed_markup))))
    fixed_fee, threshold = f(x.fee_per_entry), f(x.formal_threshold)[feed]
    no_box = np.where(per_container > 0, 0.0, c_truck)
    demand_cv, z, skus = f(x.demand_cv), f(x.z), f(x.skus)
    # Holding and storage per unit do not depend on the demand rate (cycle and safety stock are in days of
    # demand), so they are priced once per flow class, on one row of each, unless a caller has made the rows of
    # a class differ.
    klass = np.asarray(f(x.flow_class), dtype=np.int64)
    _, first, inverse = np.unique(klass, return_index=True, return_inverse=True)
    rep_mean, rep_std = np.asarray(rep_mean, dtype=float), np.asarray(rep_std, dtype=float)
    same = all(np.array_equal(a[first][inverse], a) for a in (rep_mean, rep_std, demand_cv, value, skus, z,
                                                               holding_rate * dd, v))
    pick = first if same else np.arange(len(rows))
    spread = inverse if same else np.arange(len(rows))
    owh_c = np.nonzero(is_owh[pick])[0]
    best_r = r_all[:, 0].copy()
    best_cost = np.full(len(rows), np.inf)
    for k in range(r_all.shape[1]):
        r = r_all[:, k]
        rc = r[pick]
        # Days of stock: cycle R/2 plus safety stock over the daily demand (the same for any units per year).
        _, cycle, safety = stages.inventory(1.0, demand_cv[pick], rep_mean[pick], rep_std[pick], rc, z[pick],
                                            skus[pick])
        per_class = (holding_rate * dd)[pick] * (cycle + safety)
        if owh_c.size:
            dwell = np.asarray(safety)[owh_c]
            paid = np.nonzero(dwell + rc[owh_c] > free_until[np.searchsorted(owh, pick[owh_c])])[0]
            if paid.size:
                at = owh_c[paid]
                oi = np.searchsorted(owh, pick[at])
                per_class[at] += v[pick[at]] * stages.storage_cost_per_m3(dwell[paid], dwell[paid] + rc[at],
                                                                          tiers_from[oi], tiers_rate[oi])
        batch = np.maximum(d * r, 1.0)
        cost = fixed_fee / batch + no_box + per_class[spread]
        if box.size:
            c_box, boxes, lcl_share = stages.container_freight(batch[box], *wt)
            cost[box] += c_box + stages.container_drayage(per_box, boxes, batch[box], truck_box, lcl_share)
        if feed.size:
            cons_value = value_guess[feed] * batch[feed]  # decides formal entry and the ad valorem fees
            code = np.where(cons_value > threshold, 0.0, 1.0)
            cost[feed] += stages.import_fees(cons_value, code, *fee_cols) / batch[feed]
        better = cost < best_cost - 1e-12
        best_r = np.where(better, r, best_r)
        best_cost = np.where(better, cost, best_cost)
    out[rows] = best_r
    return out


def _compute_block(x: ChainInputs) -> dict[str, Any]:
    w, v = x.weight_kg, x.volume_m3
    upo = x.units_per_order
    ch = x.channel
    parcel = x.parcel
    is_parcel = np.equal(parcel, 1.0)
    is_owh = np.equal(ch, _OWH)
    is_b2b = np.equal(ch, _B2B) | np.equal(ch, _MP)
    is_bonded = np.equal(ch, _BONDED)
    freight = np.subtract(1.0, parcel)
    d = np.divide(x.units_per_year, _DAYS_PER_YEAR)
    items_per_parcel = np.where(is_parcel, upo, 1.0)
    retail = np.asarray(x.retail_price, dtype=float)
    r_ret = np.asarray(x.return_rate, dtype=float)

    # 1. Consolidation: seller cluster to gateway (1210: to the bonded zone, then a transfer to the gateway).
    c_cons, _, s_cons = stages.consolidation(w, v, x.fm_km, x.road_per_kg_km, x.road_kg_per_m3,
                                             x.gw_handling_per_kg, x.fm_days, 0.0)
    c_tr, _, s_tr = stages.consolidation(w, v, x.tr_km, x.road_per_kg_km, x.road_kg_per_m3, x.bz_handling_per_kg,
                                         x.tr_days, 0.0)
    c_cons = c_cons + c_tr

    # 2. Export clearance and VAT rebate (only goods bought with purchase VAT invoices are refunded).
    c_exp, t_exp = stages.export_clearance(w, x.export_fee_per_kg, x.export_days)
    rebate = stages.rebate_per_unit(x.purchase_value, x.cn_vat_rate, x.rebate_rate, x.rebate_eligible)

    # 3. Line haul: the lane's tariff, plus whole boxes (or LCL for the rest) for a freight batch of d*R units;
    # then from the entry to the warehouse for 9810: full boxes by container drayage, LCL by shared truck.
    batch = np.maximum(np.multiply(d, x.review_days), 1.0)
    c_lh, t_lh, s_lh = stages.line_haul(
        w, v, items_per_parcel, x.lh_km, x.lh_per_kg, x.lh_per_m3, x.lh_per_item, 0.0,
        x.lh_per_kg_km, x.lh_container_m3, x.lh_container_kg, x.lh_container_fill, x.lh_volumetric,
        x.lh_mean_days, x.lh_std_days, x.lh_departures)
    c_box, boxes, lcl_share = stages.container_freight(batch, w, v, x.lh_per_container, x.lh_container_m3,
                                                       x.lh_container_kg, x.lh_container_fill, x.lh_lcl_per_m3)
    c_lh = c_lh + c_box
    c_truck, t_dr, s_dr = stages.consolidation(w, v, x.dr_km, x.dr_per_kg_km, x.dr_kg_per_m3, 0.0, x.dr_days, 0.0)
    c_dr = stages.container_drayage(x.dr_per_container, boxes, batch, c_truck, lcl_share)
    c_ins = np.multiply(x.insurance_rate, np.divide(x.purchase_value, np.add(1.0, x.cn_vat_rate)) + c_lh)

    # 4. Import clearance at the import country. Freight moves in batches of d*R units; parcels one order at a
    # time. Customs value by channel: parcels their declared value (the retail price, shipping included in it);
    # 9710 and 1039 the sale price to the partner; 9810 a computed or deductive value.
    n_cons = np.where(is_parcel, upo, batch)
    net_price = np.divide(x.purchase_value, np.add(1.0, x.cn_vat_rate))
    freight_in = c_cons + c_lh + c_ins
    cif = np.asarray(x.cif)
    postal = np.asarray(x.postal) > 0
    deductive_on = np.asarray(x.owh_deductive) > 0
    # Bulk freight is entered formally in practice; the entry type is settled below from the value, and the
    # measures of a formal entry give the rate the 9710 and deductive values are net of.
    rate = np.add(np.add(x.duty_rate, x.additional_duty_rate),
                  np.where(postal, x.measure_postal, np.where(is_parcel, x.measure_informal, x.measure_formal)))
    # The partner pays retail * (1 - share) less duty and post-import fees, and that price includes freight:
    # transaction value V = (retail * (1 - share) - fees - freight for FOB regions) / (1 + rate), the fees
    # taken from a first estimate of V (they are small against it).
    partner_gross = retail * np.subtract(1.0, x.partner_fee_share) - np.multiply(1.0 - cif, c_lh + c_ins)
    computed_goods = net_price * np.add(1.0, x.computed_markup)
    deductive = retail * np.subtract(1.0, x.deductive_deduction) / (1.0 + rate)
    owh_goods = np.where(deductive_on, deductive, computed_goods)
    owh_value = np.where(deductive_on, deductive, computed_goods + np.multiply(cif, freight_in))
    # The fees are priced on the value before they come off (they are a fraction of a percent of it).
    customs_value = np.where(is_parcel, retail, np.where(is_b2b, partner_gross / (1.0 + rate), owh_value))
    # Entry type: postal items; otherwise formal above the region's formal-entry threshold, informal below.
    cons_value = np.multiply(customs_value, n_cons)
    formal = ~postal & (cons_value > np.asarray(x.formal_threshold))
    entry_code = np.where(postal, 2.0, np.where(formal, 0.0, 1.0))
    fee_cons = np.where(is_parcel, x.fee_per_parcel, x.fee_per_entry) + stages.import_fees(
        cons_value, entry_code, x.fee_entry, x.fee_rate, x.fee_min, x.fee_max, x.fee_fixed)
    b2b_value = (partner_gross - fee_cons / n_cons) / (1.0 + rate)
    customs_value = np.where(is_b2b, b2b_value, customs_value)
    # The de-minimis threshold is tested on the goods alone: a parcel's declared price, the B2B price, the
    # warehouse goods' value without freight.
    intrinsic = np.where(is_parcel, retail, np.where(is_b2b, b2b_value, owh_goods))
    rate = np.add(np.add(x.duty_rate, x.additional_duty_rate),
                  np.where(postal, x.measure_postal, np.where(formal, x.measure_formal, x.measure_informal)))
    # A regime without a per-item option (per_item 0) is ad valorem whatever the carrier elected.
    specific = (np.asarray(x.postal_specific) > 0) & (np.asarray(x.postal_per_item) > 0)
    postal_duty = np.where(specific, np.divide(x.postal_per_item, upo),
                           np.multiply(x.postal_ad_valorem, retail))
    duty, import_vat, c_fee = stages.import_clearance(
        customs_value, intrinsic, n_cons, rate, 0.0, x.duty_threshold, x.flat_duty_per_line, x.vat_rate,
        x.vat_threshold, fee_cons, x.postal_regime, postal_duty)
    # Where import VAT is levied on the value at the border (Australia's GST on CIF + duty) but the duty on FOB,
    # the freight to the border is added to the VAT base.
    import_vat = import_vat + np.where(import_vat > 0, np.multiply(
        np.multiply(x.vat_rate, x.vat_adds_freight), np.multiply(1.0 - cif, c_lh + c_ins)), 0.0)
    # Parcels' VAT is paid by the customer at sale or delivery; a partner importing pays its own; postponed
    # accounting ties up no cash.
    import_vat = np.multiply(import_vat, freight * np.subtract(1.0, x.partner_imports)
                             * np.subtract(1.0, x.vat_postponed))

    # 5. Replenishment lead time to the stock point, and inventory there.
    to_departure, ship_mean, ship_var = stages.shipping_time(x.origin_days, x.fm_days + x.gw_handling_days, t_exp,
                                                             s_cons, t_lh, s_lh, x.clear_mean_days,
                                                             x.clear_std_days)
    var_to_departure = np.square(s_cons)
    rep_mean, rep_std = stages.replenishment_lead_time(is_owh, is_bonded, x.supply_days, ship_mean, ship_var, t_dr,
                                                       s_dr, x.wh_days, x.fm_days, x.bz_handling_days)
    _pipe_units, cycle_units, safety_units = stages.inventory(d, x.demand_cv, rep_mean, rep_std, x.review_days, x.z,
                                                              x.skus)
    stock_days = np.divide(cycle_units + safety_units, np.maximum(d, 1e-12))

    # 6. Overseas warehouse: a unit's dwell is uniform over the batch's drain time after the safety stock.
    dwell_a = np.divide(safety_units, np.maximum(d, 1e-12))
    dwell_b = dwell_a + np.asarray(x.review_days)
    if np.ndim(dwell_a) == 0:
        storage = stages.storage_cost_per_m3(dwell_a, dwell_b, x.wh_tier_from, x.wh_tier_rate)
    else:  # only warehouse rows store anything; skipping the others halves the work on large batches
        storage = np.zeros(np.shape(dwell_a))
        storage[is_owh] = stages.storage_cost_per_m3(dwell_a[is_owh], dwell_b[is_owh], x.wh_tier_from[is_owh],
                                                     x.wh_tier_rate[is_owh])
    c_wh, t_wh = stages.overseas_warehouse(v, upo, x.wh_receiving_per_m3, storage, x.wh_pick_per_order,
                                           x.wh_pick_per_extra, x.wh_days)
    c_wh = np.where(is_owh, c_wh, 0.0)

    # 7. Last mile (postal lanes include it; the B2B partner's fee covers its own delivery).
    c_lm, t_lm, s_lm = stages.last_mile(np.multiply(w, upo), x.lm_km, x.lm_band_kg, x.lm_band_price,
                                        x.lm_per_kg_over, x.lm_per_1000km, x.lm_base_days, x.lm_std_days,
                                        x.lm_km_per_day, upo)
    t_lm = np.multiply(t_lm, x.lm_on)
    s_lm = np.multiply(s_lm, x.lm_on)
    c_lm = np.multiply(c_lm, np.where(is_b2b, 0.0, x.lm_on))
    c_partner = np.multiply(x.partner_fee_share, retail)

    # 8. Selling: marketplace referral, payment and FX on kept sales; B2B sales pay payment and FX on the price
    # the partner pays (retail less its share, duty and post-import fees).
    b2b_price = retail * np.subtract(1.0, x.partner_fee_share) - duty - c_fee
    kept = np.subtract(1.0, r_ret)
    pay_fx = np.add(x.payment_share, x.fx_share)
    c_sell = np.where(is_b2b, np.multiply(pay_fx, b2b_price),
                      np.multiply(np.add(x.referral_share, pay_fx), retail) * kept)

    # 9. Returns: 9810 returns come back to the warehouse (a return parcel priced like the outbound one, plus
    # handling) and restock_share of them is resold; parcels are written off where they are, or re-imported
    # duty-free (the returned-goods rule) at the outbound freight, resold at home, and the rebate repaid.
    inbound_value = np.asarray(x.purchase_value) - rebate + c_cons + c_exp + c_lh + c_ins + c_dr + duty + c_fee
    reimport = np.asarray(x.parcel_reimport) > 0
    reverse = np.where(is_owh, c_lm + np.asarray(x.wh_return_handling),
                       np.where(reimport, c_lh + c_lm + c_fee, 0.0))
    recovered_share = np.where(is_owh | reimport, x.restock_share, 0.0)
    recovered_value = np.where(is_owh, inbound_value, net_price)
    repaid = np.where(is_owh, np.multiply(x.repaid_on_return, np.subtract(1.0, x.restock_share)),
                      np.where(reimport, 1.0, x.repaid_on_return))
    c_ret = np.where(is_b2b, 0.0, stages.returns_cost(r_ret, retail, reverse, recovered_share, recovered_value,
                                                      rebate, repaid))
    # Stock never sold at an overseas warehouse is written off, and its departure rebate repaid (SAT 2025 No. 3
    # settles by 30 April of the next year): per unit sold, the unsold share of the units shipped.
    unsold = np.where(is_owh, np.asarray(x.unsold_share), 0.0)
    c_ret = c_ret + unsold / np.maximum(1.0 - unsold, 1e-12) * (inbound_value + np.multiply(x.repaid_on_return,
                                                                                           rebate))

    # 10. Income tax on deemed profit (exporters without purchase invoices, SAT 2019 No. 36 and measure 4), and
    # for rules that tax invoice-less exports as domestic sales, the output VAT on the export value.
    revenue = np.where(is_b2b, b2b_price, retail * kept)
    export_value = np.where(is_b2b, b2b_value, np.where(is_owh, owh_goods, retail))
    c_tax = np.multiply(np.multiply(x.income_tax_rate, x.deemed_profit_rate), revenue)
    c_vat_out = np.multiply(x.deemed_sale, np.multiply(x.cn_vat_rate, export_value) / np.add(1.0, x.cn_vat_rate))

    # Customer lead time: from order to delivery.
    parcel_mean = np.where(is_bonded, x.bz_handling_days + x.tr_days + x.gw_handling_days + t_exp,
                           to_departure) + t_lh + x.clear_mean_days + t_lm
    parcel_var = np.where(is_bonded, np.square(s_tr), var_to_departure) + np.square(s_lh) \
        + np.square(x.clear_std_days) + np.square(s_lm)
    stock_first = np.where(is_b2b, x.partner_days, t_wh)
    cust_mean, cust_std, cust_p95 = stages.customer_lead_time(is_owh | is_b2b, stock_first, parcel_mean,
                                                              parcel_var, t_lm, s_lm, _Z95)

    # Cash: days the goods' value is tied from paying the supplier to being paid, and days until the rebate.
    in_transit = np.where(is_owh, ship_mean + t_dr + x.wh_days + t_lm,
                          np.where(is_b2b, ship_mean, cust_mean))
    paid_after = np.where(is_b2b, x.partner_payment_days, x.payout_days)
    days_tied = stages.cash_days(stock_days, in_transit, paid_after)
    departure_day = np.where(is_owh, to_departure, stock_days + to_departure)
    days_to_rebate = stages.rebate_days(x.rebate_trigger, x.fm_days + x.bz_handling_days,
                                        ship_mean + t_dr + x.wh_days + stock_days, departure_day,
                                        x.declaration_lag_days, x.processing_days)
    # Restocked returns tie their value again for the trip back and the handling.
    return_days = np.where(is_owh, t_lm + x.wh_days, np.where(reimport, t_lh + t_lm, 0.0))
    goods_capital = (np.subtract(x.purchase_value, rebate) * days_tied + rebate * days_to_rebate
                     + import_vat * x.vat_reclaim_days
                     + r_ret * recovered_share * inbound_value * return_days)  # value x days, per unit
    carrying = np.multiply(x.cost_of_capital, goods_capital) / _DAYS_PER_YEAR
    pipeline_units = np.multiply(d, in_transit)

    landed = (np.asarray(x.purchase_value) - rebate + c_cons + c_exp + c_lh + c_dr + c_ins + duty + c_fee + c_wh
              + c_lm + c_partner + c_sell + c_ret + c_tax + c_vat_out + carrying)
    margin = retail - landed
    late = stages.late_share(cust_mean, cust_std, x.promise_days)
    lost = np.multiply(x.lost_when_late, late)
    # Lost sales cost the margin they would have earned; a loss-making channel is not made better by lateness.
    return {
        "goods": x.purchase_value,
        "rebate": rebate,
        "consolidation": c_cons,
        "export_clearance": c_exp,
        "line_haul": c_lh + c_dr,
        "insurance": c_ins,
        "import_duty": duty,
        "import_fees": c_fee,
        "warehouse": c_wh,
        "last_mile": c_lm,
        "partner_fee": c_partner,
        "selling_fees": c_sell,
        "returns": c_ret,
        "income_tax": c_tax,
        "export_vat": c_vat_out,
        "carrying": carrying,
        "landed_cost": landed,
        "margin": margin,
        "customs_value": customs_value,
        "import_vat": import_vat,
        "customer_days_mean": cust_mean,
        "customer_days_p95": cust_p95,
        "late_share": late,
        "lost_sales_share": lost,
        "margin_with_response": margin - lost * np.maximum(margin, 0.0),
        "replenishment_days": rep_mean,
        "replenishment_std_days": rep_std,
        "review_days": np.asarray(x.review_days, dtype=float) + 0.0 * d,
        "boxes_per_batch": boxes,
        "lcl_share": lcl_share,
        "pipeline_units": pipeline_units,
        "cycle_units": cycle_units,
        "safety_units": safety_units,
        "rebate_days": days_to_rebate,
        "cash_days": days_tied,
        "working_capital": np.multiply(x.units_per_year, goods_capital) / _DAYS_PER_YEAR,
        "meets_promise": cust_p95 <= np.asarray(x.promise_days),
    }
