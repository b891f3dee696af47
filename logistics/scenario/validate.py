"""Cross-section consistency checks of a parsed scenario (references, dates, coverage, reachability)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

from logistics.scenario.model import CustomsMode, Scenario

__all__ = ["check_consistency", "named_by_id"]

Fail = Callable[[str, str, str], Any]


def _overlaps(rules: Sequence[Any], key: str, section: str, fail: Fail) -> None:
    """Two rule versions for the same key may not be in force on the same day."""
    by: dict[str, list[tuple[int, Any]]] = {}
    for i, r in enumerate(rules):
        by.setdefault(getattr(r, key) if key != "mode" else r.mode.value, []).append((i, r))
    for k, items in by.items():
        items.sort(key=lambda t: t[1].effective_from)
        for (_, a), (j, b) in itertools.pairwise(items):
            if a.effective_to is None or b.effective_from < a.effective_to:
                fail(f"{section}[{j}].effective_from",
                     f"{key} {k}: this rule starts {b.effective_from} while the rule from {a.effective_from} is "
                     f"still in force (until {a.effective_to or 'open end'})",
                     "make the periods of one " + key + " follow each other: set the earlier rule's effective_to "
                     "to the later rule's effective_from")


def check_consistency(s: Scenario, fail: Fail) -> None:
    """Check references between sections and that every market can be served; call ``fail`` on each problem
    (it may raise, or keep the problem and return). The checks run in a fixed order, so one bad input always names
    the same field; reachability is checked only when the references are sound."""
    seen = [0]

    def counted(field: str, problem: str, fix: str) -> None:
        seen[0] += 1
        fail(field, problem, fix)

    for check in (_unique_place_ids, _product_references, _market_references, _duty_rates, _currencies,
                  _entries_and_lanes, _warehouse_references, _road_rates, _rule_periods, _rule_references):
        check(s, counted)
    if not seen[0]:
        _reachability(s, counted)


_POSITION = re.compile(r"^(?P<section>[a-z_]+(?:\.[a-z_]+)?)\[(?P<i>\d+)\](?P<rest>.*)$")


def named_by_id(s: Scenario, field: str) -> str:
    """``field`` with a record's position (``lanes[24].origin``) replaced by its id (``lanes[sea-NSA-LAX].origin``)
    where the record has one; positions stay for records without ids and for duplicate ids."""
    m = _POSITION.match(field)
    if m is None:
        return field
    obj: Any = s
    for part in m["section"].split("."):
        obj = getattr(obj, part, None)
    if not isinstance(obj, tuple) or int(m["i"]) >= len(obj):
        return field
    rec = obj[int(m["i"])]
    rid = getattr(rec, "id", None) or getattr(rec, "gateway", None)
    if not isinstance(rid, str) or sum(getattr(r, "id", None) == rid for r in obj) > 1 or m["rest"] == ".id":
        return field
    return f"{m['section']}[{rid}]{m['rest']}"


def _unique_place_ids(s: Scenario, fail: Fail) -> None:
    """Origins, gateways, entries, warehouses and markets share one network, so one id space."""
    seen: dict[str, str] = {}
    for section in ("origins", "gateways", "entries", "warehouses", "markets"):
        for i, item in enumerate(getattr(s, section)):
            if item.id in seen:
                fail(f"{section}[{i}].id", f"id {item.id!r} is also used in [[{seen[item.id]}]]",
                     "places share one network: give every origin, gateway, entry, warehouse and market its own id")
            seen[item.id] = section


def _product_references(s: Scenario, fail: Fail) -> None:
    """Every origin supplies known products."""
    products = {p.id for p in s.products}
    for i, o in enumerate(s.origins):
        for p in o.supply_per_year:
            if p not in products:
                fail(f"origins[{i}].supply_per_year.{p}", f"unknown product {p!r}",
                     "use a product id defined in [[products]]")


def _market_references(s: Scenario, fail: Fail) -> None:
    """Every market demands known products, names a last-mile table and has a destination rule in force."""
    products = {p.id for p in s.products}
    tables = {t.id for t in s.last_mile}
    for i, m in enumerate(s.markets):
        for p in m.demand_per_year:
            if p not in products:
                fail(f"markets[{i}].demand_per_year.{p}", f"unknown product {p!r}",
                     "use a product id defined in [[products]]")
        if m.last_mile not in tables:
            fail(f"markets[{i}].last_mile", f"unknown last-mile table {m.last_mile!r}",
                 "use an id defined in [[last_mile]]")
        if m.cross_border_last_mile and m.cross_border_last_mile not in tables:
            fail(f"markets[{i}].cross_border_last_mile", f"unknown last-mile table {m.cross_border_last_mile!r}",
                 "use an id defined in [[last_mile]], or remove the field to price every parcel as domestic")
        try:
            s.destination_rule(m.region, s.date)
        except KeyError:
            fail(f"markets[{i}].region", f"no [[destination_rules]] for region {m.region!r} in force on {s.date}",
                 "add a destination rule for that region covering the scenario date, or fix the region")


def _duty_rates(s: Scenario, fail: Fail) -> None:
    """Duty rates are keyed by market or region, and every demanded product has one in its market."""
    markets = {m.id for m in s.markets}
    regions = {m.region for m in s.markets}
    for i, prod in enumerate(s.products):
        for k in prod.duty_rate:
            if k not in markets and k not in regions:
                fail(f"products[{i}].duty_rate.{k}", f"{k!r} is neither a market nor a region",
                     "key duty rates by market id or customs region")
        for m in s.markets:
            if m.demand_per_year.get(prod.id, 0) > 0 and m.id not in prod.duty_rate \
                    and m.region not in prod.duty_rate:
                fail(f"products[{i}].duty_rate", f"no duty rate for market {m.id!r}",
                     f"add `{m.region} = rate` (or `{m.id} = rate`) to duty_rate")


def _currencies(s: Scenario, fail: Fail) -> None:
    """Every price in a foreign currency has an exchange rate."""
    currencies = set(s.finance.fx) | {s.finance.currency}
    for i, t in enumerate(s.last_mile):
        if t.currency not in currencies:
            fail(f"last_mile[{i}].currency", f"no exchange rate for {t.currency}", f"add {t.currency} to [finance.fx]")
    for section in ("destination_rules", "postal_duties", "import_fees"):
        for i, r in enumerate(getattr(s, section)):
            if r.currency not in currencies:
                fail(f"{section}[{i}].currency", f"no exchange rate for {r.currency}",
                     f"add {r.currency} to [finance.fx]")


def _entries_and_lanes(s: Scenario, fail: Fail) -> None:
    """Entries have a destination rule; line-haul lanes run from a gateway to an entry (postal: to a market)."""
    markets = {m.id for m in s.markets}
    gateways = {g.id for g in s.gateways}
    entries = {e.id for e in s.entries}
    for i, e in enumerate(s.entries):
        if e.region not in {r.region for r in s.destination_rules}:
            fail(f"entries[{i}].region", f"no destination rule for region {e.region!r}",
                 "add [[destination_rules]] for it or fix the region")
    for i, lane in enumerate(s.lanes):
        if lane.origin not in gateways:
            fail(f"lanes[{i}].origin", f"unknown gateway {lane.origin!r}",
                 "line-haul lanes start at a gateway id of [[gateways]]")
        if lane.mode == "postal":
            if lane.destination not in markets:
                fail(f"lanes[{i}].destination", f"a postal lane must end at a market, not {lane.destination!r}",
                     "set destination to a market id (postal delivery includes the last mile)")
        elif lane.destination not in entries:
            fail(f"lanes[{i}].destination", f"unknown entry {lane.destination!r}",
                 "line-haul lanes end at an entry id of [[entries]] (postal lanes at a market)")


def _warehouse_references(s: Scenario, fail: Fail) -> None:
    """Warehouses serve known markets and are supplied from known entries."""
    markets = {m.id for m in s.markets}
    entries = {e.id for e in s.entries}
    for i, w in enumerate(s.warehouses):
        for j, market_id in enumerate(w.serves):
            if market_id not in markets:
                fail(f"warehouses[{i}].serves[{j}]", f"unknown market {market_id!r}", "use a market id of [[markets]]")
        for j, entry_id in enumerate(w.supplied_from):
            if entry_id not in entries:
                fail(f"warehouses[{i}].supplied_from[{j}]", f"unknown entry {entry_id!r}",
                     "use an entry id of [[entries]]")


def _road_rates(s: Scenario, fail: Fail) -> None:
    """One trucking rate per country, and a default one."""
    countries: set[str] = set()
    for i, rate in enumerate(s.road):
        if rate.country in countries:
            fail(f"road[{i}].country", f"a second trucking rate for {rate.country!r}",
                 "keep one [[road]] entry per country")
        countries.add(rate.country)
    if "default" not in countries:
        fail("road", "no default trucking rate", "add a [[road]] entry with country = \"default\"")


def _rule_periods(s: Scenario, fail: Fail) -> None:
    """Rule versions do not overlap, and every customs mode has an export rule in force on the scenario date."""
    _overlaps(s.export_rules, "mode", "export_rules", fail)
    _overlaps(s.destination_rules, "region", "destination_rules", fail)
    _overlaps(s.postal_duties, "region", "postal_duties", fail)
    modes = [CustomsMode.DIRECT_MAIL, CustomsMode.B2B_DIRECT, CustomsMode.OVERSEAS_WAREHOUSE, CustomsMode.BONDED]
    if any(o.market_procurement_pilot for o in s.origins):
        modes.append(CustomsMode.MARKET_PROCUREMENT)
    for mode in modes:
        try:
            s.export_rule(mode, s.date)
        except KeyError:
            fail("export_rules", f"no rule for customs mode {mode.value} in force on {s.date}",
                 f"add an [[export_rules]] entry with mode = \"{mode.value}\" covering the scenario date")


def _rule_references(s: Scenario, fail: Fail) -> None:
    """Tariff measures, postal duties and import fees name known regions; per-product and per-market tables name
    known products, markets or regions (or ``default``)."""
    regions = {m.region for m in s.markets} | {e.region for e in s.entries}
    products = {p.id for p in s.products}
    for section in ("tariff_measures", "postal_duties", "import_fees"):
        for i, r in enumerate(getattr(s, section)):
            if r.region not in regions:
                fail(f"{section}[{i}].region", f"unknown region {r.region!r}",
                     f"use a region of a market or entry: {', '.join(sorted(regions))}")
    for i, m in enumerate(s.tariff_measures):
        for k in m.rate:
            if k != "default" and k not in products:
                fail(f"tariff_measures[{i}].rate.{k}", f"{k!r} is not a product",
                     "key rates by product id, or use `default` for every product")
    places = {m.id for m in s.markets} | {m.region for m in s.markets}
    for i, p in enumerate(s.products):
        for k in p.return_rate:
            if k != "default" and k not in places:
                fail(f"products[{i}].return_rate.{k}", f"{k!r} is neither a market nor a region",
                     "key return rates by market id or region, or use `default`")
    for i, mk in enumerate(s.markets):
        for k in mk.selling.referral_share:
            if k != "default" and k not in products:
                fail(f"markets[{i}].selling.referral_share.{k}", f"{k!r} is not a product",
                     "key referral shares by product id, or use `default`")


def _reachability(s: Scenario, fail: Fail) -> None:
    """Every demanded product has a supplier, and a channel route from one of its suppliers to the market."""
    from logistics.scenario.routes import channel_routes

    reachable = {(r.origin, r.market) for r in channel_routes(s)}
    makers: dict[str, list[str]] = {}
    for o in s.origins:
        for p, units in o.supply_per_year.items():
            if units > 0:
                makers.setdefault(p, []).append(o.id)
    for i, m in enumerate(s.markets):
        for p, units in m.demand_per_year.items():
            if units <= 0:
                continue
            origins = makers.get(p, [])
            if not origins:
                fail(f"markets[{i}].demand_per_year.{p}", f"no origin supplies product {p!r}",
                     f"add {p} to some origin's supply_per_year, or drop the demand")
            if not any((o, m.id) in reachable for o in origins):
                fail(f"markets[{i}]", f"market {m.id!r} has no path from any origin of {p!r}",
                     "add a lane that reaches it (a postal lane to the market, or a line-haul lane to an entry in "
                     f"region {m.region!r}), or a warehouse that serves it")
