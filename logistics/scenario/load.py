"""Read and validate scenario files (TOML plus optional CSV tables).

Everything a user can get wrong is checked here, at the boundary, and reported as a
:class:`~logistics.errors.ScenarioError` naming the file, the field and the fix. Past this module the data is
trusted: the models do not re-validate.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import math
import tomllib
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from logistics.errors import MAX_PROBLEMS, ScenarioError, ScenarioErrors
from logistics.scenario.design_data import DesignData, Hub
from logistics.scenario.model import (
    BulkPartner,
    CustomsMode,
    DemandResponse,
    DestinationRule,
    Entry,
    EntryType,
    ExportRule,
    Finance,
    Gateway,
    ImportFee,
    LaneSpec,
    LastMileTable,
    Market,
    Measure,
    MeasureEffect,
    Origin,
    PostalDuty,
    Product,
    RebateTrigger,
    RoadRate,
    Scenario,
    SellingFees,
    StorageTier,
    TariffMeasure,
    Warehouse,
    frozen_map,
)
from logistics.scenario.routing_data import Fleet, LastMileSpec, PickupSpec, RoutingData
from logistics.scenario.screening import (
    SITE_KINDS,
    Equipment,
    Flight,
    Rehandling,
    ScreeningData,
    ScreeningFlow,
    ScreeningSite,
    Shifts,
    Trucks,
)

__all__ = ["BUILTIN_SCENARIOS", "NEW_FIELDS_DOC", "builtin", "builtin_text", "defaulted_fields", "load_scenario",
           "parse_scenario"]

#: Fields added with the rules of December 2026 (issue 14), with what their default means. A file written before
#: them loads unchanged; :func:`defaulted_fields` says which of them it leaves at the default.
NEW_FIELDS_DOC: dict[str, str] = {
    "scenario.rules_verified": "no verification date: no warning for later dates",
    "finance.owh_customs_value": "9810 customs value computed (net cost plus computed_value_markup)",
    "finance.computed_value_markup": "0: the 9810 customs value is the net purchase cost (plus CIF freight)",
    "finance.parcel_returns": "returned parcels are written off",
    "finance.review_period_choices": "one review period, review_period_days, for every freight flow",
    "finance.insurance_rate": "no cargo insurance",
    "finance.income_tax_rate": "no income tax on deemed profit",
    "products[].skus": "each family is one SKU",
    "products[].peak_factor": "no seasonal peak",
    "products[].restock_share": "no returned unit is restocked",
    "products[].unsold_share": "all overseas-warehouse stock is sold",
    "origins[].market_procurement_pilot": "no 1039 market-procurement channel",
    "markets[].cross_border_last_mile": "parcels from a warehouse abroad priced as domestic",
    "lanes[].lcl_per_m3": "container lanes ship whole boxes only",
    "entries[].per_container": "drayage by shared truck, not per container",
    "warehouses[].return_handling_per_unit": "returns handled at no cost",
    "export_rules[].repaid_on_return": "rebates are never repaid",
    "export_rules[].deemed_profit_rate": "no deemed-profit income tax",
    "export_rules[].no_invoice": "invoice-less goods exempt without refund",
    "destination_rules[].vat_postponed": "import VAT ties up cash until reclaimed",
    "destination_rules[].formal_entry_threshold": "0: every bulk consignment is a formal entry",
    "products[].return_rate": "no returns",
    "markets[].selling": "no marketplace, payment or FX fees",
    "markets[].demand_response": "no sales lost to late delivery",
    "tariff_measures": "no additional duties beyond duty_rate and additional_duty_rate",
    "postal_duties": "postal items pay the ordinary duties",
    "import_fees": "no per-consignment fees beyond the entries' broker fees",
}

BUILTIN_SCENARIOS = ("guangzhou",)

GATEWAY_KINDS = ("airport", "mail_exchange", "seaport", "rail_terminal", "bonded_zone")
ENTRY_KINDS = ("airport", "seaport", "rail_terminal")
MODES = ("road", "ocean_fcl", "ocean_lcl", "air", "rail", "postal")
SERVICES = ("parcel", "freight")
_SECTIONS = (
    "scenario", "sources", "finance", "products", "origins", "markets", "tables", "gateways", "entries", "lanes",
    "warehouses", "last_mile", "road", "export_rules", "destination_rules", "tariff_measures", "postal_duties",
    "import_fees", "screening", "routing", "design", "measures",
)
ENTRY_TYPES = tuple(e.value for e in EntryType)


def defaulted_fields(path: str | Path) -> list[str]:
    """The fields of :data:`NEW_FIELDS_DOC` that the scenario file at ``path`` does not set, each with the meaning
    of its default (a file written before them loads with these defaults; nothing needs converting)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for key, meaning in NEW_FIELDS_DOC.items():
        section, _, name = key.partition(".")
        if not name:
            present = bool(data.get(section))
        elif section.endswith("[]"):
            present = any(name in item for item in data.get(section[:-2], []))
        else:
            present = name in data.get(section, {})
        if not present:
            out.append(f"{key}: {meaning}")
    return out


def builtin_text(name: str = "guangzhou") -> str:
    """The TOML text of a built-in scenario (what ``owl scenario export`` writes)."""
    if name not in BUILTIN_SCENARIOS:
        raise ScenarioError(
            f"<built-in {name}>", "scenario", f"no built-in scenario named {name!r}",
            f"use one of {', '.join(BUILTIN_SCENARIOS)} or pass a TOML file",
        )
    return (resources.files("logistics.scenario") / "data" / f"{name}.toml").read_text(encoding="utf-8")


def builtin(name: str = "guangzhou") -> Scenario:
    """Load a built-in scenario by name.

    Examples
    --------
    >>> from logistics.scenario import builtin
    >>> s = builtin()
    >>> s.name
    'guangzhou'
    """
    return parse_scenario(builtin_text(name), f"<built-in {name}>", base_dir=None)


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Load and validate a scenario from a TOML file, or the built-in ``guangzhou`` one when ``path`` is None.

    Parameters
    ----------
    path
        A TOML scenario file (see docs/scenario.md). Relative table paths inside it are resolved against its
        folder.

    Raises
    ------
    ScenarioError
        When the file is missing, malformed or inconsistent; the message names the file, the field and the fix.
    """
    if path is None:
        return builtin()
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(str(p), "(file)", "no such file", "check the path, or run `owl scenario export FILE` "
                            "to write the built-in scenario as a starting point")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(p), "(file)", f"cannot be read ({exc})", "save it as UTF-8 text") from None
    return parse_scenario(text, str(p), base_dir=p.parent)


def parse_scenario(text: str, file: str = "<string>", base_dir: Path | None = None) -> Scenario:
    """Parse and validate scenario TOML ``text``; ``file`` is the name used in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(file, "(syntax)", f"not valid TOML ({exc})",
                            "correct the TOML syntax at that line") from None
    b = _Builder(file, base_dir)
    b.text_key = hashlib.sha256(f"{base_dir}\0{text}".encode()).hexdigest()
    return b.build(data)


# Texts whose measures all switched off were found valid: the check re-reads the whole scenario, and the same text
# is loaded again and again (the built-in one by every command).
_MEASURES_OK: set[str] = set()


class _Node:
    """A TOML table being read, with its path for error messages."""

    def __init__(self, b: _Builder, data: Any, path: str) -> None:
        self.b = b
        self.path = path
        if not isinstance(data, dict):
            b.fail(path, f"expected a table, found {type(data).__name__}", "write it as a TOML table")
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def at(self, key: str) -> str:
        """Dotted path of ``key`` inside this table (no leading dot at the root)."""
        return f"{self.path}.{key}" if self.path else key

    def _get(self, key: str, default: Any) -> Any:
        self.used.add(key)
        if key in self.data:
            return self.data[key]
        if default is _REQUIRED:
            where = f"[{self.path}]" if self.path else "the file"
            typo = _closest(key, [k for k in self.data if k not in self.used])
            if typo is not None:
                self.b.fail(self.at(key), f"missing; the table has {typo!r}", f"did you mean {key!r}? Rename it")
            self.b.fail(self.at(key), "missing", f"add `{key} = ...` to {where}")
        return default

    def text(self, key: str, default: Any = None, *, choices: Iterable[str] | None = None) -> Any:
        v = self._get(key, _REQUIRED if default is None else default)
        if not isinstance(v, str):
            self.b.fail(self.at(key), f"expected text, found {v!r}", "quote the value")
        if choices is not None and v not in choices:
            self.b.fail(self.at(key), f"unknown value {v!r}", f"use one of: {', '.join(choices)}")
        return v

    def num(self, key: str, default: float | None = None, *, lo: float | None = 0.0, hi: float | None = None,
            lo_open: bool = False, allow_inf: bool = False) -> float:
        v = self._get(key, _REQUIRED if default is None else default)
        return self.b.number(self.at(key), v, lo=lo, hi=hi, lo_open=lo_open, allow_inf=allow_inf)

    def whole(self, key: str, *, lo: int = 0, hi: int | None = None) -> int:
        v = self._get(key, _REQUIRED)
        if not isinstance(v, int) or isinstance(v, bool):
            self.b.fail(self.at(key), f"expected a whole number, found {v!r}", "write an integer")
        if v < lo or (hi is not None and v > hi):
            self.b.fail(self.at(key), f"{v} is out of range", f"use a value from {lo} to {hi}")
        return int(v)

    def flag(self, key: str, default: bool) -> bool:
        v = self._get(key, default)
        if not isinstance(v, bool):
            self.b.fail(self.at(key), f"expected true or false, found {v!r}", "write true or false")
        return v

    def date(self, key: str, default: Any = None, *, optional: bool = False) -> dt.date | None:
        v = self._get(key, None if optional else (_REQUIRED if default is None else default))
        if v is None:
            return None
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                pass
        self.b.fail(self.at(key), f"{v!r} is not a date", "write an ISO date such as 2026-07-01")
        raise AssertionError  # unreachable: fail raises

    def table(self, key: str, default: Any = None) -> _Node:
        v = self._get(key, _REQUIRED if default is None else default)
        return _Node(self.b, v, self.at(key))

    def nums(self, key: str, default: Any = None, **kw: Any) -> Mapping[str, float]:
        node = self.table(key, default)
        out = {}
        for k in node.data:
            out[k] = node.num(k, **kw)
        return frozen_map(out)

    def array(self, key: str, default: Any = None) -> list[Any]:
        v = self._get(key, _REQUIRED if default is None else default)
        if not isinstance(v, list):
            self.b.fail(self.at(key), f"expected an array, found {v!r}", "write it as [ ... ]")
        return v

    def strs(self, key: str, default: Any = None) -> tuple[str, ...]:
        arr = self.array(key, default)
        for i, x in enumerate(arr):
            if not isinstance(x, str):
                self.b.fail(f"{self.at(key)}[{i}]", f"expected text, found {x!r}", "quote the value")
        return tuple(arr)

    def source(self) -> str:
        s = self.text("source", "")
        if not s:
            self.b.fail(self.at("source"), "missing", "name the source and year (a key of [sources]), or "
                        "write `source = \"assumption: why\"`")
        if not s.startswith("assumption:") and s not in self.b.sources:
            self.b.fail(self.at("source"), f"unknown source key {s!r}",
                        "add it to [sources] with its citation, or start the text with `assumption:`")
        return s

    def done(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            near = _closest(extra[0], sorted(self.used))
            self.b.fail(self.at(extra[0]), "unknown field",
                        f"did you mean {near!r}? Rename it" if near else
                        f"remove it or check the spelling (see docs/scenario.md for the fields of {self.path})")


_REQUIRED = object()


def _closest(word: str, choices: list[str]) -> str | None:
    import difflib

    got = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    return got[0] if got else None


def _label(raw: Any, i: int) -> str:
    """A record's name in messages: its id (a hub's gateway) when it has one, else its position."""
    if isinstance(raw, dict):
        for k in ("id", "gateway"):
            if isinstance(raw.get(k), str) and raw[k] and not any(c in raw[k] for c in "[]."):
                return raw[k]
    return str(i)


class _Builder:
    def __init__(self, file: str, base_dir: Path | None) -> None:
        self.file = file
        self.base_dir = base_dir
        self.sources: dict[str, str] = {}
        self.problems: list[ScenarioError] = []
        self.text_key = ""

    def fail(self, field: str, problem: str, fix: str) -> None:
        raise ScenarioError(self.file, field, problem, fix)

    def note(self, exc: ScenarioError) -> None:
        """Keep a problem and go on reading (every problem is reported at once, up to MAX_PROBLEMS)."""
        self.problems.append(exc)
        if len(self.problems) >= MAX_PROBLEMS:
            raise ScenarioErrors(self.problems)

    def section(self, read: Callable[[], Any], default: Any = None) -> Any:
        """``read()``, or ``default`` with its problem kept."""
        try:
            return read()
        except ScenarioErrors:
            raise
        except ScenarioError as exc:
            self.note(exc)
            return default

    def stop_if_problems(self) -> None:
        if self.problems:
            raise ScenarioErrors(self.problems)

    def number(self, path: str, v: Any, *, lo: float | None, hi: float | None, lo_open: bool = False,
               allow_inf: bool = False) -> float:
        if isinstance(v, str) and v.lower() in ("inf", "infinity") and allow_inf:
            return math.inf
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.fail(path, f"expected a number, found {v!r}", "write a number without quotes")
        x = float(v)
        if math.isnan(x) or (math.isinf(x) and not allow_inf):
            self.fail(path, f"{v!r} is not a finite number", "write a finite number")
        if lo is not None and (x < lo or (lo_open and x == lo)):
            self.fail(path, f"{x:g} is {'not above' if lo_open else 'below'} {lo:g}",
                      f"use a value {'>' if lo_open else '>='} {lo:g}")
        if hi is not None and x > hi:
            self.fail(path, f"{x:g} is above {hi:g}", f"use a value <= {hi:g}")
        return x

    def items(self, root: _Node, key: str, reader: Callable[[_Node], Any], *, required: bool = True) -> tuple:
        arr = root.array(key, None if required else [])
        key = root.at(key)
        if required and not arr:
            self.fail(key, "is empty", f"add at least one [[{key}]] entry")
        out = []
        ids: set[str] = set()
        for i, raw in enumerate(arr):
            try:
                node = _Node(self, raw, f"{key}[{_label(raw, i)}]")  # refuses what is not a table
                obj = reader(node)
                node.done()
            except ScenarioErrors:
                raise
            except ScenarioError as exc:
                self.note(exc)  # the next record is read all the same
                continue
            oid = getattr(obj, "id", None)
            if oid is not None:
                if oid in ids:
                    self.note(ScenarioError(self.file, f"{key}[{i}].id", f"duplicate id {oid!r}",
                                            "give every entry a unique id"))
                ids.add(oid)
            out.append(obj)
        return tuple(out)

    # -- sections ---------------------------------------------------------------------------------------------
    def build(self, data: dict[str, Any]) -> Scenario:
        root = _Node(self, data, "")
        for key in data:
            if key not in _SECTIONS:
                self.fail(key, "unknown section", f"remove it or use one of: {', '.join(_SECTIONS)}")
        root.path = ""
        src = root.table("sources", {})
        for k in src.data:
            self.sources[k] = src.text(k)
        head = _Node(self, root._get("scenario", _REQUIRED), "scenario")
        name = head.text("name")
        description = head.text("description", "")
        date = head.date("date")
        origin_country = head.text("origin_country", "CN")
        rules_verified = head.date("rules_verified", optional=True)
        measures_resolved = head.flag("measures_resolved", False)
        head.done()
        assert date is not None

        kept = self.section
        finance = kept(lambda: self._finance(root.table("finance")))
        products = kept(lambda: self.items(root, "products", self._product), ())
        origins = kept(lambda: self.items(root, "origins", self._origin), ())
        markets = kept(lambda: self.items(root, "markets", self._market), ())
        gateways = kept(lambda: self.items(root, "gateways", self._gateway), ())
        entries = kept(lambda: self.items(root, "entries", self._entry), ())
        lanes = kept(lambda: self.items(root, "lanes", self._lane), ())
        warehouses = kept(lambda: self.items(root, "warehouses", self._warehouse, required=False), ())
        last_mile = kept(lambda: self.items(root, "last_mile", self._last_mile), ())
        road = kept(lambda: self.items(root, "road", self._road), ())
        export_rules = kept(lambda: self.items(root, "export_rules", self._export_rule), ())
        destination_rules = kept(lambda: self.items(root, "destination_rules", self._destination_rule), ())
        self.origin_country = origin_country
        tariff_measures = kept(lambda: self.items(root, "tariff_measures", self._tariff_measure, required=False), ())
        postal_duties = kept(lambda: self.items(root, "postal_duties", self._postal_duty, required=False), ())
        import_fees = kept(lambda: self.items(root, "import_fees", self._import_fee, required=False), ())
        self.stop_if_problems()  # the tables below are checked against these sections
        tables = root.table("tables", {})
        demand_csv = tables.text("demand", "") if "demand" in tables.data else ""
        warehouses_geojson = tables.text("warehouses", "") if "warehouses" in tables.data else ""
        tables.done()
        if "demand" in tables.data and not demand_csv:
            self.fail("tables.demand", "is empty", "name a CSV file (market,product,units_per_year) or remove the key")
        if "warehouses" in tables.data and not warehouses_geojson:
            self.fail("tables.warehouses", "is empty", "name a GeoJSON file of warehouse points or remove the key")
        if demand_csv:
            markets = self._demand_table(demand_csv, markets, {p.id for p in products})
        if warehouses_geojson:
            warehouses = warehouses + self._warehouse_table(warehouses_geojson, {w.id for w in warehouses})
        screening = kept(lambda: self._screening(root.table("screening"))) if "screening" in data else None
        routing = kept(lambda: self._routing(root.table("routing"))) if "routing" in data else None
        design = kept(lambda: self._design(root.table("design"), {g.id for g in gateways})) if "design" in data \
            else None
        measures = kept(lambda: self.items(root, "measures", self._measure, required=False), ())
        self.stop_if_problems()

        scenario = Scenario(
            name=name, description=description, date=date, origin_country=origin_country, finance=finance,
            products=products, origins=origins, markets=markets, gateways=gateways, entries=entries, lanes=lanes,
            warehouses=warehouses, last_mile=last_mile, road=road, export_rules=export_rules,
            destination_rules=destination_rules, tariff_measures=tariff_measures, postal_duties=postal_duties,
            import_fees=import_fees, rules_verified=rules_verified, sources=frozen_map(self.sources), path=self.file,
            screening=screening, routing=routing, design=design, measures=measures,
            measures_resolved=measures_resolved,
        )
        from logistics.scenario.validate import check_consistency, named_by_id

        def collect(field: str, problem: str, fix: str) -> None:
            self.note(ScenarioError(self.file, named_by_id(scenario, field), problem, fix))

        check_consistency(scenario, collect)
        self.stop_if_problems()
        if measures and not measures_resolved and self.text_key not in _MEASURES_OK:
            self._check_measures(scenario)
            if self.text_key:
                if len(_MEASURES_OK) > 256:
                    _MEASURES_OK.clear()
                _MEASURES_OK.add(self.text_key)
        return scenario

    def _measure(self, n: _Node) -> Measure:
        mid = n.text("id")
        effects = []
        for i, raw in enumerate(n.array("effects", [])):
            e = _Node(self, raw, f"{n.at('effects')}[{i}]")
            path = e.text("path")
            has_off, has_factor = "off" in e.data, "off_factor" in e.data
            if has_off == has_factor:
                self.fail(e.at("off"), "needs exactly one of off and off_factor",
                          "write `off = <the value without the measure>` or `off_factor = <multiplier>`")
            off = e._get("off", None) if has_off else None
            factor = e.num("off_factor", 1.0) if has_factor else None
            basis = e.text("basis", "")
            if not basis:
                self.fail(e.at("basis"), "missing", "name the source of the magnitude (a key of [sources]) or "
                          "write `basis = \"assumption: how the value was chosen\"`")
            if not basis.startswith("assumption:") and basis not in self.sources:
                self.fail(e.at("basis"), f"unknown source key {basis!r}",
                          "add it to [sources] with its citation, or start the text with `assumption:`")
            e.done()
            if isinstance(off, dt.datetime):
                off = off.date()
            effects.append(MeasureEffect(path, tuple(off) if isinstance(off, list) else off, factor, basis))
        return Measure(id=mid, title=n.text("title"), text=n.text("text"), summary=n.text("summary"),
                       in_force=n.flag("in_force", True), effects=tuple(effects), note=n.text("note", ""),
                       source=n.source())

    def _check_measures(self, s: Scenario) -> None:
        """Every effect's path and value fits the scenario, and the world without all of them passes every check
        the loader makes (so that switching a measure off can never give an invalid scenario)."""
        from logistics.scenario.export import dump_scenario
        from logistics.scenario.measures import resolve

        # resolve refuses an effect whose path or value does not fit, naming the measure and the effect.
        off = resolve(dataclasses.replace(s, measures=tuple(dataclasses.replace(m, in_force=False)
                                                            for m in s.measures)))
        try:
            parse_scenario(dump_scenario(off), self.file, self.base_dir)
        except ScenarioError as exc:
            self.fail(f"measures ({exc.field})", f"without the measures, {exc.problem}",
                      "give the measures' off values that the field allows")

    def _finance(self, n: _Node) -> Finance:
        f = Finance(
            currency=n.text("currency"),
            fx=n.nums("fx", lo_open=True),
            cost_of_capital=n.num("cost_of_capital", hi=1.0),
            service_level=n.num("service_level", lo=0.5, hi=0.9999),
            review_period_days=n.num("review_period_days", lo=0.0, lo_open=True),
            domestic_supply_days=n.num("domestic_supply_days"),
            rebate_processing_days=n.num("rebate_processing_days"),
            vat_reclaim_days=n.num("vat_reclaim_days"),
            origin_handling_days=n.num("origin_handling_days"),
            review_period_choices=tuple(sorted(
                self.number(f"{n.path}.review_period_choices[{i}]", v, lo=0.0, hi=365.0, lo_open=True)
                for i, v in enumerate(n.array("review_period_choices", [])))),
            insurance_rate=n.num("insurance_rate", 0.0, hi=0.2),
            income_tax_rate=n.num("income_tax_rate", 0.0, hi=1.0),
            owh_customs_value=n.text("owh_customs_value", "computed", choices=("computed", "deductive")),
            computed_value_markup=n.num("computed_value_markup", 0.0, hi=5.0),
            deductive_value_deduction=n.num("deductive_value_deduction", 0.0, hi=0.95),
            parcel_returns=n.text("parcel_returns", "write_off", choices=("write_off", "reimport")),
            source=n.source(),
        )
        n.done()
        return f

    def _product(self, n: _Node) -> Product:
        vat = n.num("cn_vat_rate", hi=1.0)
        p = Product(
            id=n.text("id"), name=n.text("name"),
            unit_weight_kg=n.num("unit_weight_kg", lo_open=True),
            unit_volume_m3=n.num("unit_volume_m3", lo_open=True),
            purchase_value=n.num("purchase_value", lo_open=True),
            retail_price=n.num("retail_price", lo_open=True),
            hs_chapter=n.whole("hs_chapter", lo=1, hi=97),
            cn_vat_rate=vat,
            rebate_rate=n.num("rebate_rate", hi=1.0),
            duty_rate=n.nums("duty_rate", hi=5.0),
            units_per_order=n.num("units_per_order", 1.0, lo=1.0),
            has_vat_invoices=n.flag("has_vat_invoices", True),
            skus=n.whole("skus", lo=1) if "skus" in n.data else 1,
            peak_factor=n.num("peak_factor", 1.0, lo=1.0, hi=10.0),
            return_rate=n.nums("return_rate", {}, hi=0.95),
            restock_share=n.num("restock_share", 0.0, hi=1.0),
            unsold_share=n.num("unsold_share", 0.0, hi=0.5),
            source=n.source(),
        )
        if p.rebate_rate > p.cn_vat_rate:
            self.fail(f"{n.path}.rebate_rate", f"{p.rebate_rate:g} exceeds the VAT rate {p.cn_vat_rate:g}",
                      "a rebate cannot refund more VAT than was paid: lower rebate_rate to at most cn_vat_rate")
        return p

    def _origin(self, n: _Node) -> Origin:
        return Origin(
            id=n.text("id"), name=n.text("name"), lat=n.num("lat", lo=-90, hi=90), lon=n.num("lon", lo=-180, hi=180),
            supply_per_year=n.nums("supply_per_year"),
            market_procurement_pilot=n.flag("market_procurement_pilot", False), source=n.source(),
        )

    def _market(self, n: _Node) -> Market:
        b = n.table("b2b")
        partner = BulkPartner(
            fee_share=b.num("fee_share", hi=1.0), payment_days=b.num("payment_days"),
            fulfilment_days=b.num("fulfilment_days"),
            importer_of_record=b.text("importer_of_record", "seller", choices=("seller", "partner")),
            source=b.source(),
        )
        b.done()
        selling = SellingFees()
        if "selling" in n.data:
            sf = n.table("selling")
            selling = SellingFees(referral_share=sf.nums("referral_share", {}, hi=0.9),
                                  payment_share=sf.num("payment_share", 0.0, hi=0.5),
                                  fx_share=sf.num("fx_share", 0.0, hi=0.5), source=sf.source())
            sf.done()
        response = DemandResponse()
        if "demand_response" in n.data:
            dr = n.table("demand_response")
            response = DemandResponse(lost_share_when_late=dr.num("lost_share_when_late", hi=1.0),
                                      source=dr.source())
            dr.done()
        return Market(
            id=n.text("id"), name=n.text("name"), country=n.text("country"), region=n.text("region"),
            lat=n.num("lat", lo=-90, hi=90), lon=n.num("lon", lo=-180, hi=180),
            promise_days=n.num("promise_days", lo_open=True),
            demand_per_year=n.nums("demand_per_year", {}),
            demand_cv=n.num("demand_cv", hi=10.0), last_mile=n.text("last_mile"), b2b=partner,
            payout_days=n.num("payout_days"), selling=selling, demand_response=response,
            cross_border_last_mile=n.text("cross_border_last_mile", "") if "cross_border_last_mile" in n.data
            else "", source=n.source(),
        )

    def _gateway(self, n: _Node) -> Gateway:
        return Gateway(
            id=n.text("id"), name=n.text("name"), kind=n.text("kind", choices=GATEWAY_KINDS),
            lat=n.num("lat", lo=-90, hi=90), lon=n.num("lon", lo=-180, hi=180),
            handling_per_kg=n.num("handling_per_kg"), handling_days=n.num("handling_days"),
            export_clearance_days=n.num("export_clearance_days"),
            export_clearance_fee_per_kg=n.num("export_clearance_fee_per_kg"), source=n.source(),
        )

    def _entry(self, n: _Node) -> Entry:
        entry = Entry(
            id=n.text("id"), name=n.text("name"), kind=n.text("kind", choices=ENTRY_KINDS), region=n.text("region"),
            lat=n.num("lat", lo=-90, hi=90), lon=n.num("lon", lo=-180, hi=180),
            clearance_mean_days=n.num("clearance_mean_days"), clearance_std_days=n.num("clearance_std_days"),
            fee_per_entry=n.num("fee_per_entry"), fee_per_parcel=n.num("fee_per_parcel"),
            per_container=n.num("per_container", 0.0), source=n.source(),
        )
        if entry.kind == "airport" and entry.per_container > 0:
            self.fail(f"{n.path}.per_container", "an airport takes no containers",
                      "remove per_container from airport entries (it prices full-container drayage from a port)")
        return entry

    def _lane(self, n: _Node) -> LaneSpec:
        lane = LaneSpec(
            id=n.text("id"), origin=n.text("origin"), destination=n.text("destination"),
            mode=n.text("mode", choices=MODES), service=n.text("service", choices=SERVICES),
            distance_km=n.num("distance_km", 0.0),
            transit_mean_days=n.num("transit_mean_days", lo_open=True),
            transit_std_days=n.num("transit_std_days", 0.0),
            departures_per_week=n.num("departures_per_week", lo_open=True),
            capacity_kg_per_week=n.num("capacity_kg_per_week", math.inf, lo_open=True, allow_inf=True),
            per_kg=n.num("per_kg", 0.0), per_m3=n.num("per_m3", 0.0), per_item=n.num("per_item", 0.0),
            per_container=n.num("per_container", 0.0), container_m3=n.num("container_m3", 0.0),
            container_kg=n.num("container_kg", 0.0), container_fill=n.num("container_fill", 0.85, lo_open=True,
                                                                            hi=1.0),
            volumetric_kg_per_m3=n.num("volumetric_kg_per_m3", 0.0), lcl_per_m3=n.num("lcl_per_m3", 0.0),
            postal_duty_method=n.text("postal_duty_method", "ad_valorem", choices=("ad_valorem", "specific")),
            source=n.source(),
        )
        if lane.postal_duty_method != "ad_valorem" and lane.mode != "postal":
            self.fail(f"{n.path}.postal_duty_method", "only a postal lane elects a postal duty",
                      "remove postal_duty_method, or set mode = \"postal\"")
        if lane.lcl_per_m3 > 0 and lane.per_container <= 0:
            self.fail(f"{n.path}.lcl_per_m3", "an LCL rate for a lane without a container price",
                      "set per_container (the full-box price), or write the LCL lane as its own lane with per_m3")
        if lane.per_container > 0 and (lane.container_m3 <= 0 or lane.container_kg <= 0):
            self.fail(f"{n.path}.container_m3", "a per-container price needs the container's size",
                      "set container_m3 and container_kg (a 40 ft container: 67.7 m3, 26,500 kg)")
        if lane.per_kg + lane.per_m3 + lane.per_item + lane.per_container == 0:
            self.fail(f"{n.path}.per_kg", "the lane has no price", "set per_kg, per_m3, per_item or per_container")
        return lane

    def _warehouse(self, n: _Node) -> Warehouse:
        tiers = []
        for i, raw in enumerate(n.array("storage_tiers")):
            t = _Node(self, raw, f"{n.path}.storage_tiers[{i}]")
            tiers.append(StorageTier(t.num("from_day"), t.num("rate_per_m3_day")))
            t.done()
        if not tiers or tiers[0].from_day != 0:
            self.fail(f"{n.path}.storage_tiers", "the first tier must start at day 0",
                      "add a tier {from_day = 0, rate_per_m3_day = ...} (0 for free days)")
        if any(b.from_day <= a.from_day for a, b in itertools.pairwise(tiers)):
            self.fail(f"{n.path}.storage_tiers", "tiers are not in increasing from_day order",
                      "sort the tiers by from_day, each starting later than the one before")
        return Warehouse(
            id=n.text("id"), name=n.text("name"), country=n.text("country"),
            lat=n.num("lat", lo=-90, hi=90), lon=n.num("lon", lo=-180, hi=180),
            serves=n.strs("serves"), supplied_from=n.strs("supplied_from"),
            fixed_cost_per_year=n.num("fixed_cost_per_year"), capacity_m3=n.num("capacity_m3", lo_open=True),
            throughput_units_per_year=n.num("throughput_units_per_year", lo_open=True),
            receiving_per_m3=n.num("receiving_per_m3"), storage_tiers=tuple(tiers),
            pick_pack_per_order=n.num("pick_pack_per_order"),
            pick_pack_per_extra_item=n.num("pick_pack_per_extra_item"), handling_days=n.num("handling_days"),
            return_handling_per_unit=n.num("return_handling_per_unit", 0.0), source=n.source(),
        )

    def _last_mile(self, n: _Node) -> LastMileTable:
        max_kg = [self.number(f"{n.path}.max_kg[{i}]", v, lo=0.0, hi=None, lo_open=True)
                  for i, v in enumerate(n.array("max_kg"))]
        price = [self.number(f"{n.path}.price[{i}]", v, lo=0.0, hi=None) for i, v in enumerate(n.array("price"))]
        if not max_kg or len(max_kg) != len(price):
            self.fail(f"{n.path}.price", f"{len(price)} prices for {len(max_kg)} weight bands",
                      "give one price per max_kg band")
        if any(b <= a for a, b in itertools.pairwise(max_kg)):
            self.fail(f"{n.path}.max_kg", "weight bands are not increasing", "list max_kg in increasing order")
        if any(b < a for a, b in itertools.pairwise(price)):
            self.fail(f"{n.path}.price", "a heavier band is cheaper than a lighter one",
                      "prices must not decrease with weight; check the band order")
        return LastMileTable(
            id=n.text("id"), currency=n.text("currency"), max_kg=tuple(max_kg), price=tuple(price),
            per_kg_over=n.num("per_kg_over"), per_1000km=n.num("per_1000km"), base_days=n.num("base_days"),
            std_days=n.num("std_days"), km_per_day=n.num("km_per_day", lo_open=True), source=n.source(),
        )

    def _road(self, n: _Node) -> RoadRate:
        return RoadRate(
            country=n.text("country"), cost_per_km=n.num("cost_per_km"), truck_kg=n.num("truck_kg", lo_open=True),
            truck_m3=n.num("truck_m3", lo_open=True), load_factor=n.num("load_factor", lo_open=True, hi=1.0),
            km_per_day=n.num("km_per_day", lo_open=True), detour_factor=n.num("detour_factor", lo=1.0, hi=3.0),
            source=n.source(),
        )

    def _export_rule(self, n: _Node) -> ExportRule:
        codes = [m.value for m in CustomsMode]
        mode = CustomsMode(n.text("mode", choices=codes))
        start, end = self._period(n)
        return ExportRule(
            mode=mode, effective_from=start, effective_to=end,
            rebate=n.text("rebate", choices=("full", "invoice", "none")),
            trigger=RebateTrigger(n.text("trigger", choices=[t.value for t in RebateTrigger])),
            declaration_lag_days=n.num("declaration_lag_days"), fee_per_kg=n.num("fee_per_kg", 0.0),
            deemed_profit_rate=n.num("deemed_profit_rate", 0.0, hi=1.0),
            repaid_on_return=n.flag("repaid_on_return", False),
            no_invoice=n.text("no_invoice", "exempt", choices=("exempt", "deemed_sale")), source=n.source(),
        )

    def _destination_rule(self, n: _Node) -> DestinationRule:
        start, end = self._period(n)
        return DestinationRule(
            region=n.text("region"), effective_from=start, effective_to=end, currency=n.text("currency"),
            duty_threshold=n.num("duty_threshold"), flat_duty_per_line=n.num("flat_duty_per_line", 0.0),
            additional_duty_rate=n.num("additional_duty_rate", 0.0, hi=5.0), vat_rate=n.num("vat_rate", hi=1.0),
            vat_threshold=n.num("vat_threshold"), valuation=n.text("valuation", choices=("FOB", "CIF")),
            vat_postponed=n.flag("vat_postponed", False),
            formal_entry_threshold=n.num("formal_entry_threshold", 0.0),
            vat_adds_freight=n.flag("vat_adds_freight", False), source=n.source(),
        )

    def _period(self, n: _Node) -> tuple[dt.date, dt.date | None]:
        """A rule's ``[effective_from, effective_to)``, refusing one that ends before it starts."""
        start = n.date("effective_from")
        end = n.date("effective_to", optional=True)
        assert start is not None
        if end is not None and end <= start:
            self.fail(f"{n.path}.effective_to", "ends before it starts", "set effective_to after effective_from")
        return start, end

    def _tariff_measure(self, n: _Node) -> TariffMeasure:
        start, end = self._period(n)
        raw = n.data.get("rate")
        rate = frozen_map({"default": n.num("rate", hi=5.0)}) if isinstance(raw, int | float) and not isinstance(
            raw, bool) else n.nums("rate", hi=5.0)
        entries = n.strs("entries", list(ENTRY_TYPES))
        for i, e in enumerate(entries):
            if e not in ENTRY_TYPES:
                self.fail(f"{n.path}.entries[{i}]", f"unknown entry type {e!r}", f"use {', '.join(ENTRY_TYPES)}")
        return TariffMeasure(id=n.text("id"), region=n.text("region"),
                             origin=n.text("origin", self.origin_country), rate=rate, effective_from=start,
                             effective_to=end, entries=entries, source=n.source())

    def _postal_duty(self, n: _Node) -> PostalDuty:
        start, end = self._period(n)
        return PostalDuty(region=n.text("region"), origin=n.text("origin", self.origin_country),
                          effective_from=start, effective_to=end, currency=n.text("currency"),
                          ad_valorem_rate=n.num("ad_valorem_rate", hi=5.0), per_item=n.num("per_item"),
                          source=n.source())

    def _import_fee(self, n: _Node) -> ImportFee:
        start, end = self._period(n)
        fee = ImportFee(id=n.text("id"), region=n.text("region"), entry=n.text("entry", choices=ENTRY_TYPES),
                        currency=n.text("currency"), effective_from=start, effective_to=end,
                        rate=n.num("rate", 0.0, hi=1.0), minimum=n.num("minimum", 0.0),
                        maximum=n.num("maximum", math.inf, allow_inf=True),
                        per_consignment=n.num("per_consignment", 0.0), modes=n.strs("modes", []),
                        source=n.source())
        for i, m in enumerate(fee.modes):
            if m not in MODES:
                self.fail(f"{n.path}.modes[{i}]", f"unknown mode {m!r}", f"use {', '.join(MODES)}")
        if fee.maximum < fee.minimum:
            self.fail(f"{n.path}.maximum", "below the minimum", "set maximum >= minimum")
        return fee

    def _warehouse_table(self, name: str, taken: set[str]) -> tuple[Warehouse, ...]:
        """Warehouse candidates from a GeoJSON FeatureCollection of Points (EPSG:4326 lon/lat); each feature's
        properties are the fields of ``[[warehouses]]`` without lat and lon."""
        if self.base_dir is None:
            self.fail("tables.warehouses", "tables need a scenario file on disk", "load the scenario from a file")
        assert self.base_dir is not None
        path = self.base_dir / name
        if not path.is_file():
            self.fail("tables.warehouses", f"no such file {str(path)!r}", "write the path relative to the TOML file")
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ScenarioError(str(path), "(syntax)", f"not valid JSON ({exc})", "save it as GeoJSON") from None
        feats = doc.get("features") if isinstance(doc, dict) else None
        if doc.get("type") != "FeatureCollection" or not isinstance(feats, list) or not feats:
            raise ScenarioError(str(path), "features", "not a FeatureCollection with features",
                                "write a GeoJSON FeatureCollection of Point features")
        sub = _Builder(str(path), self.base_dir)
        sub.sources = self.sources
        out = []
        for i, feat in enumerate(feats):
            geom = (feat or {}).get("geometry") or {}
            coords = geom.get("coordinates")
            if geom.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
                raise ScenarioError(str(path), f"features[{i}].geometry", "not a Point",
                                    "give every warehouse a Point geometry [lon, lat]")
            props = dict(feat.get("properties") or {})
            props.update(lon=coords[0], lat=coords[1])
            node = _Node(sub, props, f"features[{i}].properties")
            wh = sub._warehouse(node)
            node.done()
            if wh.id in taken:
                raise ScenarioError(str(path), f"features[{i}].properties.id", f"duplicate id {wh.id!r}",
                                    "give every warehouse a unique id")
            taken.add(wh.id)
            out.append(wh)
        return tuple(out)

    def _demand_table(self, name: str, markets: tuple[Market, ...], products: set[str]) -> tuple[Market, ...]:
        if self.base_dir is None:
            self.fail("tables.demand", "tables need a scenario file on disk", "load the scenario from a file")
        assert self.base_dir is not None
        path = self.base_dir / name
        if not path.is_file():
            self.fail("tables.demand", f"no such file {str(path)!r}", "write the path relative to the TOML file")
        demand: dict[str, dict[str, float]] = {m.id: {} for m in markets}
        # utf-8-sig: spreadsheet programs save "CSV UTF-8" with a byte-order mark.
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = csv.DictReader(fh)
            need = {"market", "product", "units_per_year"}
            missing = need - set(rows.fieldnames or [])
            if missing:
                raise ScenarioError(str(path), f"column {sorted(missing)[0]}", "missing",
                                    "the demand table needs the columns market,product,units_per_year")
            for i, row in enumerate(rows, start=2):
                where = f"line {i}"
                if row["market"] not in demand:
                    raise ScenarioError(str(path), f"{where}.market", f"unknown market {row['market']!r}",
                                        "use a market id defined in [[markets]]")
                if row["product"] not in products:
                    raise ScenarioError(str(path), f"{where}.product", f"unknown product {row['product']!r}",
                                        "use a product id defined in [[products]]")
                try:
                    units = float(row["units_per_year"])
                except (TypeError, ValueError):  # TypeError: a short row leaves the field None
                    units = math.nan
                if not math.isfinite(units) or units < 0:
                    raise ScenarioError(str(path), f"{where}.units_per_year",
                                        f"{row['units_per_year']!r} is not a non-negative number",
                                        "write the yearly demand in units, e.g. 12000")
                demand[row["market"]][row["product"]] = units
        return tuple(dataclasses.replace(m, demand_per_year=frozen_map(demand[m.id])) for m in markets)

    def _screening(self, n: _Node) -> ScreeningData:
        sites = self.items(n, "sites", self._screening_site)
        flights = self.items(n, "flights", self._flight)
        flows = self.items(n, "flows", self._screening_flow)
        equipment = self.items(n, "equipment", self._equipment, required=False)
        rehandling = self._rehandling(n.table("rehandling")) if "rehandling" in n.data else None
        trucks = self._trucks(n.table("trucks")) if "trucks" in n.data else None
        shifts = self._shifts(n.table("shifts")) if "shifts" in n.data else Shifts()
        background = [self.number(f"{n.at('background_per_hour')}[{i}]", v, lo=0.0, hi=None)
                      for i, v in enumerate(n.array("background_per_hour", []))]
        if background and len(background) != 24:
            self.fail(n.at("background_per_hour"), f"{len(background)} values",
                      "give 24 hourly loads (parcel-equivalents per hour), or leave it out")
        # The older per-parcel constants stand for the mechanisms when these are not described.
        data = ScreeningData(
            terminal=n.text("terminal"),
            lane_rate_per_hour=self._replaced(n, "lane_rate_per_hour", equipment or None, "equipment",
                                              lambda: n.num("lane_rate_per_hour", lo_open=True)),
            service_cv=self._replaced(n, "service_cv", equipment or None, "equipment",
                                      lambda: n.num("service_cv", hi=3.0)),
            staff_per_lane=int(self._replaced(n, "staff_per_lane", equipment or None, "equipment",
                                              lambda: n.whole("staff_per_lane", lo=1))),
            cost_per_lane_hour=self._replaced(n, "cost_per_lane_hour", equipment or None, "equipment"),
            max_utilization=n.num("max_utilization", lo_open=True, hi=0.999),
            screener_pool=n.whole("screener_pool", lo=1),
            value_of_time_per_parcel_hour=n.num("value_of_time_per_parcel_hour"),
            miss_penalty_per_parcel=n.num("miss_penalty_per_parcel"),
            terminal_rehandling_hours=self._replaced(n, "terminal_rehandling_hours", rehandling, "rehandling"),
            terminal_rehandling_cost_per_parcel=self._replaced(n, "terminal_rehandling_cost_per_parcel", rehandling,
                                                               "rehandling"),
            screened_handling_hours=n.num("screened_handling_hours"),
            secure_transport_cost_per_parcel=self._replaced(n, "secure_transport_cost_per_parcel", trucks, "trucks"),
            sites=sites, flights=flights, flows=flows, source=n.source(), equipment=equipment, shifts=shifts,
            rehandling=rehandling, trucks=trucks, background_per_hour=tuple(background),
            late_penalty_per_parcel=n.num("late_penalty_per_parcel", 0.0),
            design_share=n.num("design_share", lo_open=True, hi=1.0) if "design_share" in n.data else None,
        )
        kinds = {e.id for e in equipment}
        for site in sites:
            for j, e in enumerate(site.equipment):
                if e not in kinds:
                    self.fail(f"screening.sites[{site.id}].equipment[{j}]", f"unknown equipment {e!r}",
                              "use an id of [[screening.equipment]]" if kinds else
                              "describe the types in [[screening.equipment]] first, or leave `equipment` out")
        n.done()
        flows = tuple(f if f.candidates else dataclasses.replace(f, candidates=tuple(dict.fromkeys(
            (f.origin, data.terminal)))) for f in flows)
        data = dataclasses.replace(data, flows=flows)
        site_ids = {s.id: s for s in sites}
        flight_ids = {f.id for f in flights}
        term = site_ids.get(data.terminal)
        if term is None or term.kind != "terminal":
            self.fail("screening.terminal", f"{data.terminal!r} is not a site of kind terminal",
                      "name the airport cargo terminal's site id (a [[screening.sites]] with kind = \"terminal\")")
        for f in flows:
            where = f"screening.flows[{f.id}]"
            if f.origin not in site_ids:
                self.fail(f"{where}.origin", f"unknown site {f.origin!r}", "use a [[screening.sites]] id")
            for j, fl in enumerate(f.flights):
                if fl not in flight_ids:
                    self.fail(f"{where}.flights[{j}]", f"unknown flight {fl!r}", "use a [[screening.flights]] id")
            for j, c in enumerate(f.candidates):
                if c not in site_ids:
                    self.fail(f"{where}.candidates[{j}]", f"unknown site {c!r}", "use a [[screening.sites]] id")
                elif c != f.origin and c != data.terminal:
                    self.fail(f"{where}.candidates[{j}]", f"{c!r} is neither the flow's origin nor the terminal",
                              "a flow is screened where it arrives or at the terminal")
        return data

    def _screening_site(self, n: _Node) -> ScreeningSite:
        deps = []
        for i, v in enumerate(n.array("truck_departures", [])):
            deps.append(self.number(f"{n.path}.truck_departures[{i}]", v, lo=0.0, hi=23.9999))
        site = ScreeningSite(
            id=n.text("id"), name=n.text("name"), kind=n.text("kind", choices=SITE_KINDS),
            lat=n.num("lat", lo=-90, hi=90), lon=n.num("lon", lo=-180, hi=180), max_lanes=n.whole("max_lanes"),
            setup_cost_per_day=n.num("setup_cost_per_day"), truck_departures=tuple(sorted(deps)),
            truck_transit_hours=n.num("truck_transit_hours", 0.0), source=n.source(),
            equipment=n.strs("equipment", []),
        )
        if site.kind != "terminal" and not deps:
            self.fail(f"{n.path}.truck_departures", "no truck to the terminal",
                      "list the hours (0-24) at which trucks leave for the terminal, e.g. [0, 2, 4]")
        return site

    def _replaced(self, n: _Node, key: str, mechanism: object, table: str,
                  read: Callable[[], float] | None = None) -> float:
        """An older constant: required without the table of its mechanism, refused beside it (it would be read
        and ignored)."""
        if mechanism is None:
            return read() if read is not None else n.num(key)
        if key in n.data:
            self.fail(n.at(key), f"given beside [screening.{table}], which replaces it",
                      f"remove `{key}`: the {table} mechanism prices and times this step")
        return 0.0

    def _equipment(self, n: _Node) -> Equipment:
        return Equipment(
            id=n.text("id"), name=n.text("name"), rate_per_hour=n.num("rate_per_hour", lo_open=True),
            service_cv=n.num("service_cv", hi=3.0), alarm_share=n.num("alarm_share", hi=1.0),
            resolution_minutes=n.num("resolution_minutes", hi=24 * 60.0),
            staff_per_lane=n.whole("staff_per_lane", lo=1),
            cost_per_lane_hour=n.num("cost_per_lane_hour"),
            capital_cost_per_lane_day=n.num("capital_cost_per_lane_day"), source=n.source(),
        )

    def _shifts(self, n: _Node) -> Shifts:
        length = n.whole("length_hours", lo=1, hi=24)
        starts = []
        for i, v in enumerate(n.array("starts")):
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 23:
                self.fail(f"{n.at('starts')}[{i}]", f"{v!r} is not a whole hour 0-23", "write start hours as integers")
            starts.append(int(v))
        if not starts or len(set(starts)) != len(starts):
            self.fail(n.at("starts"), "empty or with repeats", "list each shift start hour once, e.g. [0, 8, 16]")
        brk = n.whole("break_hours", lo=0, hi=max(0, length - 1)) if "break_hours" in n.data else 0
        after = n.whole("break_after_hours", lo=0, hi=max(0, length - brk)) if "break_after_hours" in n.data else 0
        shifts = Shifts(length_hours=length, starts=tuple(sorted(starts)), break_after_hours=after,
                        break_hours=brk, min_lanes=n.whole("min_lanes", lo=1), source=n.source())
        n.done()
        covered = {h for k in shifts.starts for h in shifts.active(k)}
        if len(covered) < 24:
            h = min(set(range(24)) - covered)
            self.fail(n.at("starts"), f"no shift keeps lanes open at {h:02d}:00",
                      "add shift starts (or shorten the break) so that every hour can be staffed")
        return shifts

    def _rehandling(self, n: _Node) -> Rehandling:
        r = Rehandling(rate_per_crew_hour=n.num("rate_per_crew_hour", lo_open=True),
                       cost_per_crew_hour=n.num("cost_per_crew_hour"),
                       max_utilization=n.num("max_utilization", lo_open=True, hi=0.999),
                       buildup_hours=n.num("buildup_hours", hi=24.0), max_crews=n.whole("max_crews", lo=1),
                       unload_hours=n.num("unload_hours", 1.0, hi=24.0), source=n.source())
        n.done()
        return r

    def _trucks(self, n: _Node) -> Trucks:
        t = Trucks(capacity_parcels=n.num("capacity_parcels", lo_open=True), cost_per_trip=n.num("cost_per_trip"),
                   sealed_cost_per_trip=n.num("sealed_cost_per_trip"), source=n.source())
        n.done()
        return t

    def _flight(self, n: _Node) -> Flight:
        return Flight(
            id=n.text("id"), departure_hour=n.num("departure_hour", hi=23.9999),
            cutoff_hours=n.num("cutoff_hours", hi=23.0), destination=n.text("destination"), source=n.source(),
        )

    def _screening_flow(self, n: _Node) -> ScreeningFlow:
        profile = [self.number(f"{n.path}.profile[{i}]", v, lo=0.0, hi=1.0)
                   for i, v in enumerate(n.array("profile"))]
        if len(profile) != 24 or abs(sum(profile) - 1.0) > 1e-6:
            self.fail(f"{n.path}.profile", f"{len(profile)} shares summing to {sum(profile):.6g}",
                      "give 24 hourly shares of the day's parcels that sum to 1")
        origin = n.text("origin")
        flights = n.strs("flights")
        if not flights:
            self.fail(f"{n.path}.flights", "no flight", "list the flights this flow may take")
        cands = n.strs("candidates", [])
        return ScreeningFlow(
            id=n.text("id"), origin=origin, parcels_per_day=n.num("parcels_per_day"), profile=tuple(profile),
            flights=flights, candidates=cands, source=n.source(),
            promise_slack_hours=(n.num("promise_slack_hours", hi=24 * 60.0) if "promise_slack_hours" in n.data
                                 else None),
        )

    def _fleet(self, n: _Node) -> Fleet:
        return Fleet(
            id=n.text("id"), count=n.whole("count", lo=1), capacity_kg=n.num("capacity_kg", lo_open=True),
            capacity_m3=n.num("capacity_m3", lo_open=True), fixed_cost=n.num("fixed_cost"),
            cost_per_km=n.num("cost_per_km"), cost_per_hour=n.num("cost_per_hour"),
            shift_hours=n.num("shift_hours", lo_open=True, hi=24.0),
        )

    def _design(self, n: _Node, gateways: set[str]) -> DesignData:
        hubs = self.items(n, "hubs", self._hub, required=False)
        for i, h in enumerate(hubs):
            if h.gateway not in gateways:
                self.fail(f"design.hubs[{i}].gateway", f"unknown gateway {h.gateway!r}", "use a [[gateways]] id")
        data = DesignData(
            service_target=n.num("service_target", 0.0, hi=1.0),
            service_penalty=n.num("service_penalty") if "service_penalty" in n.data else None,
            hubs=hubs,
            min_warehouses=n.whole("min_warehouses") if "min_warehouses" in n.data else 0,
            max_warehouses=n.whole("max_warehouses") if "max_warehouses" in n.data else None,
            budget=n.num("budget") if "budget" in n.data else None,
            single_sourcing=n.flag("single_sourcing", False), pooling=n.flag("pooling", True),
            source=n.source(),
        )
        n.done()
        return data

    def _hub(self, n: _Node) -> Hub:
        hub = Hub(gateway=n.text("gateway"), fixed_cost_per_year=n.num("fixed_cost_per_year"),
                  capacity_kg_per_year=n.num("capacity_kg_per_year", lo_open=True), source=n.source())
        n.done()
        return hub

    def _routing(self, n: _Node) -> RoutingData:
        pk = n.table("pickup")
        pickup = PickupSpec(
            sellers_per_cluster=pk.whole("sellers_per_cluster", lo=1), spread_km=pk.num("spread_km"),
            kg_mean=pk.num("kg_mean", lo_open=True), kg_cv=pk.num("kg_cv", hi=3.0),
            density_kg_per_m3=pk.num("density_kg_per_m3", lo_open=True),
            window_open_hour=pk.num("window_open_hour", hi=24.0),
            window_close_hour=pk.num("window_close_hour", hi=24.0),
            window_hours=pk.num("window_hours", lo_open=True, hi=24.0), service_minutes=pk.num("service_minutes"),
            day_start_hour=pk.num("day_start_hour", hi=24.0), day_end_hour=pk.num("day_end_hour", hi=24.0),
            speed_kmh=pk.num("speed_kmh", lo_open=True), fleet=self.items(pk, "fleet", self._fleet),
        )
        pk.done()
        lm = n.table("lastmile")
        lastmile = LastMileSpec(
            radius_km=lm.num("radius_km", lo_open=True), local_share=lm.num("local_share", hi=1.0),
            max_orders=lm.whole("max_orders", lo=1), window_hours=lm.num("window_hours", lo_open=True, hi=24.0),
            service_minutes=lm.num("service_minutes"), day_start_hour=lm.num("day_start_hour", hi=24.0),
            day_end_hour=lm.num("day_end_hour", hi=24.0), speed_kmh=lm.num("speed_kmh", lo_open=True),
            fleet=self.items(lm, "fleet", self._fleet),
        )
        lm.done()
        for where, spec in (("routing.pickup", pickup), ("routing.lastmile", lastmile)):
            if spec.day_end_hour <= spec.day_start_hour:
                self.fail(f"{where}.day_end_hour", "the working day ends before it starts",
                          "set day_end_hour after day_start_hour")
        if pickup.window_close_hour <= pickup.window_open_hour:
            self.fail("routing.pickup.window_close_hour", "pickups close before they open",
                      "set window_close_hour after window_open_hour")
        data = RoutingData(detour_factor=n.num("detour_factor", lo=1.0, hi=3.0), pickup=pickup, lastmile=lastmile,
                           source=n.source())
        n.done()
        return data
