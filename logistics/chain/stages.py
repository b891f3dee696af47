"""Measure 16's stages as pure functions of flow parameters.

Every function takes numbers or numpy arrays of equal (broadcastable) shape and returns the same: one code path
serves a single flow and a million. Costs are per unit of product in the scenario currency; times are in days
with a mean and a standard deviation, combined across stages as independent (variances add).

Notation follows the usual inventory texts (Silver, Pyke and Thomas, *Inventory and Production Management in
Supply Chains*, 4th ed., 2017, ch. 6-7): ``d`` mean daily demand, ``sigma_d`` its standard deviation, ``L`` lead
time, ``R`` review period, ``z`` the safety factor of the cycle service level.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Num",
    "cash_days",
    "chargeable_kg",
    "consolidation",
    "container_drayage",
    "container_freight",
    "customer_lead_time",
    "export_clearance",
    "import_clearance",
    "import_fees",
    "inventory",
    "last_mile",
    "late_share",
    "line_haul",
    "line_haul_time",
    "overseas_warehouse",
    "rebate_days",
    "rebate_per_unit",
    "replenishment_lead_time",
    "returns_cost",
    "shipping_time",
    "storage_cost_per_m3",
    "uniform_wait",
]

Num: TypeAlias = float | NDArray[np.float64]


def chargeable_kg(weight_kg: ArrayLike, volume_m3: ArrayLike, kg_per_m3: ArrayLike) -> Num:
    """Chargeable weight: the larger of the actual weight and the volumetric weight.

    Air carriers bill ``volume x 167 kg/m3`` (a 6,000 cm3/kg divisor) when that exceeds the actual weight; a
    factor of 0 means the lane bills actual weight only.
    """
    return np.maximum(weight_kg, np.multiply(volume_m3, kg_per_m3))


def uniform_wait(departures_per_week: ArrayLike) -> tuple[Num, Num]:
    """Mean and standard deviation of the wait for the next departure, for goods ready at a uniform time.

    With a departure every ``h = 7 / f`` days the wait is uniform on ``[0, h]``: mean ``h/2``, std ``h/sqrt(12)``.
    """
    h = np.divide(7.0, departures_per_week)
    return h / 2.0, h / np.sqrt(12.0)


def consolidation(weight_kg: ArrayLike, volume_m3: ArrayLike, road_km: ArrayLike, per_kg_km: ArrayLike,
                  truck_kg_per_m3: ArrayLike, handling_per_kg: ArrayLike, drive_days: ArrayLike,
                  handling_days: ArrayLike) -> tuple[Num, Num, Num]:
    """Domestic consolidation (or any truck leg): truck the unit to a hub and handle it there.

    Cost is the unit's share of the truck (by weight, or by volume at the truck's density ``truck_kg_per_m3``)
    times the distance at ``per_kg_km``, plus handling per kg. Time is driving plus handling, with a 25%
    coefficient of variation on the drive (assumption: urban congestion).

    Returns
    -------
    cost, mean_days, std_days
    """
    share_kg = chargeable_kg(weight_kg, volume_m3, truck_kg_per_m3)
    cost = np.multiply(np.multiply(share_kg, road_km), per_kg_km) + np.multiply(weight_kg, handling_per_kg)
    return cost, np.add(drive_days, handling_days), 0.25 * np.asarray(drive_days)


def rebate_per_unit(purchase_value: ArrayLike, cn_vat_rate: ArrayLike, rebate_rate: ArrayLike,
                    eligible: ArrayLike) -> Num:
    """Export VAT rebate: the rebate rate applied to the purchase value net of VAT, when eligible.

    ``purchase_value`` includes VAT at ``cn_vat_rate``, so the VAT embedded is ``P v / (1 + v)``; the rebate
    ``P r / (1 + v)`` never exceeds it because ``r <= v`` (checked when the scenario is loaded).
    """
    net = np.divide(purchase_value, np.add(1.0, cn_vat_rate))
    return np.multiply(np.multiply(net, np.minimum(rebate_rate, cn_vat_rate)), eligible)


def export_clearance(weight_kg: ArrayLike, fee_per_kg: ArrayLike, clearance_days: ArrayLike) -> tuple[Num, Num]:
    """Export declaration cost and time (customs mode fee plus gateway fee per kg)."""
    return np.multiply(weight_kg, fee_per_kg), np.asarray(clearance_days, dtype=float) + 0.0


def line_haul(weight_kg: ArrayLike, volume_m3: ArrayLike, items_per_parcel: ArrayLike, km: ArrayLike,
              per_kg: ArrayLike, per_m3: ArrayLike, per_item: ArrayLike, per_container: ArrayLike,
              per_kg_km: ArrayLike, container_m3: ArrayLike, container_kg: ArrayLike, container_fill: ArrayLike,
              volumetric_kg_per_m3: ArrayLike, transit_mean_days: ArrayLike, transit_std_days: ArrayLike,
              departures_per_week: ArrayLike) -> tuple[Num, Num, Num]:
    """International line haul per unit for any mode, from the lane's tariff.

    ``cost = per_kg * chargeable + per_m3 * volume + per_item / items_per_parcel
    + per_container * max(volume / (container_m3 * fill), weight / container_kg) + per_kg_km * chargeable * km``.
    A tariff sets only the terms its mode uses (air: per kg with a volumetric factor; LCL: per m3; FCL and rail:
    per container; postal: per item and per kg). Time adds the wait for the next departure to the transit.

    Returns
    -------
    cost, mean_days, std_days
    """
    w = np.asarray(weight_kg, dtype=float)
    v = np.asarray(volume_m3, dtype=float)
    charge = chargeable_kg(w, v, volumetric_kg_per_m3)
    with np.errstate(divide="ignore", invalid="ignore"):
        box_share = np.maximum(v / np.multiply(container_m3, container_fill), w / np.asarray(container_kg))
    box_share = np.where(np.asarray(per_container) > 0, box_share, 0.0)
    cost = (np.multiply(per_kg, charge) + np.multiply(per_m3, v) + np.divide(per_item, items_per_parcel)
            + np.multiply(per_container, box_share) + np.multiply(np.multiply(per_kg_km, charge), km))
    mean, std = line_haul_time(transit_mean_days, transit_std_days, departures_per_week)
    return cost, mean, std


def line_haul_time(transit_mean_days: ArrayLike, transit_std_days: ArrayLike,
                   departures_per_week: ArrayLike) -> tuple[Num, Num]:
    """Days from goods ready at the gateway to arrival: the wait for the next departure plus the transit."""
    wait_mean, wait_std = uniform_wait(departures_per_week)
    return np.add(transit_mean_days, wait_mean), np.sqrt(np.square(transit_std_days) + np.square(wait_std))


def shipping_time(origin_days: ArrayLike, road_days: ArrayLike, export_days: ArrayLike, road_std: ArrayLike,
                  line_haul_mean: ArrayLike, line_haul_std: ArrayLike, clearance_mean: ArrayLike,
                  clearance_std: ArrayLike) -> tuple[Num, Num, Num]:
    """From the supplier's goods ready to import clearance done: origin handling, the road to the gateway and
    its handling, export clearance, the line haul and import clearance (variances of road, line haul and
    clearance add).

    Returns
    -------
    to_departure, ship_mean, ship_var
        Days to departure, days to clearance done and its variance.
    """
    to_departure = np.add(np.add(origin_days, road_days), export_days)
    ship_mean = to_departure + np.add(line_haul_mean, clearance_mean)
    ship_var = np.square(road_std) + np.square(line_haul_std) + np.square(clearance_std)
    return to_departure, ship_mean, ship_var


def container_drayage(per_container: ArrayLike, boxes: ArrayLike, batch_units: ArrayLike, truck_cost: ArrayLike,
                      lcl_share: ArrayLike) -> Num:
    """Drayage from the entry per unit: full boxes at ``per_container`` each (terminal handling and the box's
    truck), the LCL part of the batch by the shared truck; all by truck where the entry has no box price or the
    batch fills none."""
    by_box = (np.asarray(per_container) > 0) & (np.asarray(boxes) > 0)
    return np.where(by_box, np.multiply(per_container, boxes) / np.asarray(batch_units)
                    + np.multiply(truck_cost, lcl_share), truck_cost)


def container_freight(batch_units: ArrayLike, weight_kg: ArrayLike, volume_m3: ArrayLike,
                      per_container: ArrayLike, container_m3: ArrayLike, container_kg: ArrayLike,
                      container_fill: ArrayLike, lcl_per_m3: ArrayLike) -> tuple[Num, Num, Num]:
    """Container freight per unit when a replenishment batch ships in whole boxes.

    A batch of ``b`` units needs ``B = max(b v / (m3 * fill), b w / kg)`` boxes. Full boxes are paid whole;
    what does not fill the last box ships LCL (or groupage) at ``lcl_per_m3`` when that is cheaper than one more
    box, and in one more box otherwise (or always, when the lane has no LCL rate):
    ``cost(b) = floor(B) * box + min(box, lcl_per_m3 * remainder_m3)``. Rows without a container price cost 0.

    Returns
    -------
    cost_per_unit, boxes, lcl_share
        ``boxes`` is the number of boxes paid per batch (whole), ``lcl_share`` the share of the batch's units
        that ship LCL.
    """
    b = np.asarray(batch_units, dtype=float)
    box = np.asarray(per_container, dtype=float)
    cap_m3 = np.multiply(container_m3, container_fill)
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.maximum(b * np.asarray(volume_m3) / cap_m3, b * np.asarray(weight_kg) / np.asarray(container_kg))
    need = np.where(box > 0, need, 0.0)
    whole = np.floor(need + 1e-9)
    rest = np.maximum(need - whole, 0.0)
    lcl = np.where(np.asarray(lcl_per_m3) > 0, np.multiply(lcl_per_m3, rest * cap_m3), np.inf)
    ship_lcl = (rest > 1e-9) & (lcl < box)
    extra = np.where(rest > 1e-9, np.where(ship_lcl, lcl, box), 0.0)
    boxes = whole + ((rest > 1e-9) & ~ship_lcl)
    cost = np.where(box > 0, (whole * box + extra) / np.maximum(b, 1e-12), 0.0)
    lcl_share = np.where(ship_lcl, rest / np.maximum(need, 1e-12), 0.0)
    return cost, boxes, lcl_share


def import_clearance(customs_value: ArrayLike, intrinsic_value: ArrayLike, units_per_consignment: ArrayLike,
                     duty_rate: ArrayLike, additional_duty_rate: ArrayLike, duty_threshold: ArrayLike,
                     flat_duty_per_line: ArrayLike, vat_rate: ArrayLike, vat_threshold: ArrayLike,
                     fee_per_consignment: ArrayLike, postal_regime: ArrayLike = 0.0,
                     postal_duty_per_unit: ArrayLike = 0.0) -> tuple[Num, Num, Num]:
    """Destination duty, import VAT and clearance fee per unit.

    A consignment of ``n`` units whose intrinsic value (goods only, no transport) ``n * intrinsic_value``
    exceeds the de-minimis ``duty_threshold`` pays ad valorem duty ``(duty_rate + additional) * customs_value``
    per unit; at or below it, the flat duty per item line (one tariff subheading per consignment: the EU's
    EUR 3 from 1 Jul 2026). Where a postal regime applies (``postal_regime`` 1), the postal duty replaces all of
    that. Import VAT ``vat_rate * (customs_value + duty)`` is due at the border above ``vat_threshold``; below it
    VAT is collected at the point of sale (IOSS, UK, Malaysia LVG, Australia). Thresholds are in the scenario
    currency.

    Returns
    -------
    duty, import_vat, fee
        per unit. Import VAT is reported separately because the customer bears it; it only ties up cash.
    """
    n = np.asarray(units_per_consignment, dtype=float)
    value = np.multiply(intrinsic_value, n)
    over = value > np.asarray(duty_threshold)
    ad_valorem = np.multiply(np.add(duty_rate, additional_duty_rate), customs_value)
    duty = np.where(over, ad_valorem, np.divide(flat_duty_per_line, n))
    duty = np.where(np.asarray(postal_regime) > 0, postal_duty_per_unit, duty)
    vat = np.where(value > np.asarray(vat_threshold), np.multiply(vat_rate, np.add(customs_value, duty)), 0.0)
    return duty, vat, np.divide(fee_per_consignment, n)


def import_fees(consignment_value: ArrayLike, entry_code: ArrayLike, fee_entry: NDArray[np.float64],
                fee_rate: NDArray[np.float64], fee_min: NDArray[np.float64], fee_max: NDArray[np.float64],
                fee_fixed: NDArray[np.float64]) -> Num:
    """The destination's fees per consignment: ``sum_k clip(rate_k * value, min_k, max_k) + fixed_k`` over the
    fees (last axis) whose entry type is the consignment's (``entry_code``: formal 0, informal 1, postal 2)."""
    v = np.asarray(consignment_value, dtype=float)[..., None]
    applies = np.equal(fee_entry, np.asarray(entry_code, dtype=float)[..., None])
    each = np.clip(fee_rate * v, fee_min, fee_max) + fee_fixed
    out = np.where(applies, each, 0.0).sum(axis=-1)
    return out if out.ndim else float(out)


def returns_cost(return_rate: ArrayLike, refund: ArrayLike, reverse_cost: ArrayLike, recovered_share: ArrayLike,
                 recovered_value: ArrayLike, rebate: ArrayLike, repaid_share: ArrayLike) -> Num:
    """Cost of customer returns per unit ordered: ``r * (refund + reverse - recovered_share * recovered_value
    + repaid_share * rebate)``.

    A share ``r`` of units is returned and its price ``refund`` paid back; each costs its reverse logistics;
    ``recovered_share`` of them is resold (restocked at an overseas warehouse, or re-imported), recovering
    ``recovered_value``; for ``repaid_share`` the export rebate is repaid. Counting the refund here keeps the
    margin ``retail - landed`` in every channel, so channels compare like for like with the B2B partner, who
    takes the returns within its share.
    """
    return np.multiply(return_rate, np.asarray(refund) + np.asarray(reverse_cost)
                       - np.multiply(recovered_share, recovered_value) + np.multiply(repaid_share, rebate))


def late_share(mean_days: ArrayLike, std_days: ArrayLike, promise_days: ArrayLike) -> Num:
    """Share of orders delivered after the promise, under the normal approximation of the lead time."""
    m = np.asarray(mean_days, dtype=float)
    s = np.maximum(np.asarray(std_days, dtype=float), 1e-9)
    zscore = (np.asarray(promise_days, dtype=float) - m) / (s * np.sqrt(2.0))
    out = 0.5 * _erfc(zscore)
    return out if np.ndim(out) else float(out)


def _erfc(x: NDArray[np.float64]) -> NDArray[np.float64]:
    # numpy has no erfc; scipy is not a core dependency. Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7).
    ax = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * ax)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    y = poly * np.exp(-ax * ax)
    return np.where(x >= 0, y, 2.0 - y)


def storage_cost_per_m3(dwell_start: ArrayLike, dwell_end: ArrayLike, tier_from: NDArray[np.float64],
                        tier_rate: NDArray[np.float64]) -> Num:
    """Expected storage charge per m3 for a unit whose dwell is uniform on ``[dwell_start, dwell_end]`` days.

    The charge of a dwell ``t`` is ``F(t) = sum_k rate_k * max(0, min(t, from_{k+1}) - from_k)`` (tiered, free
    days are a zero-rate tier). A replenishment batch drains linearly, so the dwell of a random unit is uniform
    and the expected charge is ``(G(b) - G(a)) / (b - a)`` with ``G`` the antiderivative of ``F``; for ``b = a``
    it is ``F(a)``. ``tier_from`` and ``tier_rate`` have the tiers on the last axis (padded with rate 0 and a
    large ``from``), broadcast against the dwell arrays.
    """
    a = np.asarray(dwell_start, dtype=float)[..., None]
    b = np.asarray(dwell_end, dtype=float)[..., None]
    lo = np.asarray(tier_from, dtype=float)
    hi = np.concatenate([lo[..., 1:], np.full((*lo.shape[:-1], 1), np.inf)], axis=-1)
    width = hi - lo

    def antiderivative(t: NDArray[np.float64]) -> NDArray[np.float64]:
        # Integral over [0, t] of the per-tier charge rate * clip(s - lo, 0, width) ds.
        inside = np.clip(t - lo, 0.0, width)
        beyond = np.maximum(t - hi, 0.0)
        finite_w = np.where(np.isfinite(width), width, 0.0)
        return np.asarray(tier_rate * (inside**2 / 2.0 + beyond * finite_w))

    def charge(t: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(tier_rate * np.clip(t - lo, 0.0, width))

    span = b - a
    safe = np.where(span > 1e-12, span, 1.0)
    spread = ((antiderivative(b) - antiderivative(a)) / safe).sum(axis=-1)
    point = charge(a).sum(axis=-1)
    out = np.where(span[..., 0] > 1e-12, spread, point)
    return out if out.ndim else float(out)


def overseas_warehouse(volume_m3: ArrayLike, units_per_order: ArrayLike, receiving_per_m3: ArrayLike,
                       storage_per_m3: ArrayLike, pick_pack_per_order: ArrayLike,
                       pick_pack_per_extra_item: ArrayLike, handling_days: ArrayLike) -> tuple[Num, Num]:
    """Receiving, storage and pick-and-pack per unit at an overseas warehouse.

    ``storage_per_m3`` is the expected tiered charge for the unit's dwell (:func:`storage_cost_per_m3`).

    Returns
    -------
    cost, handling_days
    """
    u = np.asarray(units_per_order, dtype=float)
    pick = (np.asarray(pick_pack_per_order) + np.multiply(pick_pack_per_extra_item, u - 1.0)) / u
    cost = np.multiply(volume_m3, np.add(receiving_per_m3, storage_per_m3)) + pick
    return cost, np.asarray(handling_days, dtype=float) + 0.0


def last_mile(parcel_kg: ArrayLike, km: ArrayLike, band_max_kg: NDArray[np.float64],
              band_price: NDArray[np.float64], per_kg_over: ArrayLike, per_1000km: ArrayLike,
              base_days: ArrayLike, std_days: ArrayLike, km_per_day: ArrayLike,
              items_per_parcel: ArrayLike) -> tuple[Num, Num, Num]:
    """Parcel delivery in the destination country, per unit.

    The parcel pays the price of the first band whose ``max_kg`` covers it (bands on the last axis), plus
    ``per_kg_over`` per kg beyond the last band, times ``1 + per_1000km * km / 1000`` for zone distance; the
    cost is shared by the items in the parcel. Tables of different lengths are padded by repeating their last
    band and price.

    Returns
    -------
    cost, mean_days, std_days
    """
    w = np.asarray(parcel_kg, dtype=float)
    bands = np.asarray(band_max_kg, dtype=float)
    prices = np.asarray(band_price, dtype=float)
    idx = (bands < w[..., None]).sum(axis=-1)  # first band with max_kg >= w
    n_bands = bands.shape[-1]
    clipped = np.minimum(idx, n_bands - 1)
    price = np.take_along_axis(prices, clipped[..., None], axis=-1)[..., 0] if prices.ndim > 1 else prices[clipped]
    over = np.maximum(w - bands[..., -1], 0.0)
    base = (price + np.multiply(per_kg_over, over)) * (1.0 + np.multiply(per_1000km, np.divide(km, 1000.0)))
    cost = np.divide(base, items_per_parcel)
    mean = np.add(base_days, np.divide(km, km_per_day))
    std = np.asarray(std_days, dtype=float) + 0.0
    if cost.ndim == 0:
        return float(cost), float(mean), float(std)
    return cost, mean, std


def inventory(daily_demand: ArrayLike, demand_cv: ArrayLike, lead_mean_days: ArrayLike, lead_std_days: ArrayLike,
              review_days: ArrayLike, z: ArrayLike, skus: ArrayLike = 1.0) -> tuple[Num, Num, Num]:
    """Pipeline, cycle and safety stock (units) of a periodic-review order-up-to policy.

    ``pipeline = d L``; ``cycle = d R / 2``; for one item ``safety = z sqrt((R + L) sigma_d^2 + d^2 sigma_L^2)``
    with ``sigma_d = cv * d`` (Silver, Pyke and Thomas 2017, eq. 7.4 with lead-time variability, section 6.10).

    A family of ``n`` SKUs with independent demands of ``d / n`` each, whose family-level variability is ``cv``,
    holds the sum of the SKUs' safety stocks: ``n z sqrt((R + L) sigma_d^2 / n + (d / n)^2 sigma_L^2)
    = z sqrt(n (R + L) sigma_d^2 + d^2 sigma_L^2)``, more than the family as one item by up to ``sqrt(n)``.

    A seasonal peak does not change the year's average: with variability as a coefficient of variation every
    term scales with the demand rate, so a policy reset per season averages to the value at the mean rate (the
    peak matters for capacity, which the design sizes for it).
    """
    d = np.asarray(daily_demand, dtype=float)
    sd = np.multiply(demand_cv, d)
    exposure = np.add(review_days, lead_mean_days)
    safety = np.multiply(z, np.sqrt(np.multiply(skus, exposure) * sd**2 + d**2 * np.square(lead_std_days)))
    return d * np.asarray(lead_mean_days), d * np.asarray(review_days) / 2.0, safety


def replenishment_lead_time(is_owh: ArrayLike, is_bonded: ArrayLike, supply_days: ArrayLike, ship_mean: ArrayLike,
                            ship_var: ArrayLike, drayage_days: ArrayLike, drayage_std: ArrayLike,
                            warehouse_days: ArrayLike, road_days: ArrayLike,
                            zone_handling_days: ArrayLike) -> tuple[Num, Num]:
    """Lead time to the stock point of a channel, mean and standard deviation, in days.

    - 9810: supplier to warehouse shelf, ``L = supply + ship + drayage + warehouse handling`` with the variances
      of supply (a 20% coefficient of variation, assumption), shipping and drayage added;
    - 1210: supplier to the bonded zone, ``L = supply + road + zone handling``;
    - 9610 and 9710 stock at the seller: ``L = supply``.

    ``ship_mean`` and ``ship_var`` run from the supplier's goods ready to import clearance done.

    Returns
    -------
    mean_days, std_days
    """
    supply = np.asarray(supply_days)
    supply_std = 0.2 * supply
    owh = np.add(np.add(np.add(supply, ship_mean), drayage_days), warehouse_days)
    owh_var = np.square(supply_std) + ship_var + np.square(drayage_std)
    bonded = np.add(np.add(supply, road_days), zone_handling_days)
    mean = np.where(is_owh, owh, np.where(is_bonded, bonded, supply_days))
    std = np.where(is_owh, np.sqrt(owh_var), supply_std)
    return mean, std


def customer_lead_time(stocked: ArrayLike, stock_first_days: ArrayLike, parcel_mean: ArrayLike,
                       parcel_var: ArrayLike, last_mile_mean: ArrayLike, last_mile_std: ArrayLike,
                       z95: float) -> tuple[Num, Num, Num]:
    """Order-to-delivery time for the customer, in days: mean, standard deviation and p95.

    Stocked channels (9810 from the warehouse, 9710 from the partner's stock) take ``stock_first_days`` to pick
    plus the last mile; parcels (9610, 1210) travel the whole chain after the order, ``parcel_mean`` with
    ``parcel_var``. The p95 is ``mean + z95 * std`` (normal approximation).
    """
    mean = np.where(stocked, np.add(stock_first_days, last_mile_mean), parcel_mean)
    std = np.sqrt(np.where(stocked, np.square(last_mile_std), parcel_var))
    return mean, std, mean + z95 * std


def cash_days(stock_days: ArrayLike, in_transit_days: ArrayLike, paid_after_days: ArrayLike) -> Num:
    """Days the goods' value is tied up: from paying the supplier, through stock and transit, to being paid."""
    return np.add(np.add(stock_days, in_transit_days), paid_after_days)


def rebate_days(trigger: ArrayLike, zone_entry_day: ArrayLike, sale_day: ArrayLike, departure_day: ArrayLike,
                declaration_lag_days: ArrayLike, processing_days: ArrayLike) -> Num:
    """Days from paying the supplier to receiving the export VAT rebate.

    The rebate is claimed at the channel's trigger (``trigger`` 0: departure, 1: entry into the bonded zone,
    2: sale from the overseas warehouse), declared ``declaration_lag_days`` later and paid ``processing_days``
    after that.
    """
    trigger_day = np.where(np.equal(trigger, 1), zone_entry_day,
                           np.where(np.equal(trigger, 2), sale_day, departure_day))
    return trigger_day + np.asarray(declaration_lag_days) + processing_days
