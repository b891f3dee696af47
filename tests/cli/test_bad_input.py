"""Bad input through the real ``owl`` CLI: exit code 2 and one line on stderr naming the file, the field and
the fix; never a traceback, never half a JSON document on stdout.

Every bad scenario is the built-in scenario text with one precise edit (each edit is asserted to have happened,
so a case cannot pass on an unchanged file). The unedited text is checked to be valid by a control test.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from logistics.errors import ScenarioError
from logistics.scenario import builtin_text, load_scenario
from tests.harness import Owl, Run

BUILTIN = "<built-in guangzhou>"




@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """The built-in scenario text (what `owl scenario export` writes) in ``tmp_path/scenario.toml``."""
    path = tmp_path / "scenario.toml"
    path.write_text(builtin_text(), encoding="utf-8")
    return path


# A market in a new customs region, with its own destination rule and last-mile table, that no lane or
# warehouse reaches. Handbags get a duty rate for it so that the only problem left is reachability.
_UNREACHABLE_MARKET = """
[[markets]]
id = "br"
name = "Brazil (Sao Paulo)"
country = "BR"
region = "BR"
lat = -23.55
lon = -46.63
promise_days = 10
demand_per_year = { handbags = 1000 }
demand_cv = 0.6
last_mile = "br-parcel"
payout_days = 14
b2b = { fee_share = 0.30, payment_days = 60, fulfilment_days = 2, source = "assumption: test" }
source = "assumption: a market no lane reaches"

[[last_mile]]
id = "br-parcel"
currency = "USD"
max_kg = [2.0, 5.0]
price = [5.0, 8.0]
per_kg_over = 1.0
per_1000km = 0.0
base_days = 2.0
std_days = 1.0
km_per_day = 500
source = "assumption: test"

[[destination_rules]]
region = "BR"
effective_from = 2020-01-01
currency = "USD"
duty_threshold = 50
vat_rate = 0.17
vat_threshold = 0
valuation = "CIF"
source = "assumption: test"
"""

_TABLES = '\n[tables]\ndemand = "demand.csv"\n'


@dataclass(frozen=True)
class Case:
    """One bad scenario: edits of the built-in text, and what the error must name."""

    id: str
    field: str
    problem: str  # a phrase of the problem text, to show the right check fired
    edits: tuple[tuple[str, str], ...] = ()  # (old, new): old must occur exactly once
    append: str = ""
    csv: str | None = None  # content of demand.csv next to the TOML (the error then names the CSV)
    raw: bytes | None = None  # write these bytes instead of a TOML text
    missing: bool = False  # no file at all
    markup_bug: bool = False  # the message's fix text holds rich-markup-like [...] that must print verbatim


CASES = [
    Case("missing-file", "(file)", "no such file", missing=True),
    Case("not-utf8", "(file)", "cannot be read", raw=b"[scenario]\nname = \"\xff\xfe\"\n"),
    Case("toml-syntax", "(syntax)", "not valid TOML", edits=(('name = "guangzhou"\n', 'name = "guangzhou\n'),)),
    Case("unknown-section", "warehouse", "unknown section", append='\n[[warehouse]]\nid = "WH-X"\n'),
    Case("product-field-typo", "products[apparel].units_per_ordr", "unknown field",
         edits=(("units_per_order = 1.5\n", "units_per_ordr = 1.5\n"),)),
    Case("product-field-missing", "products[apparel].purchase_value", "missing",
         edits=(("purchase_value = 6.00\n", ""),)),
    Case("text-for-number", "products[apparel].unit_weight_kg", "expected a number",
         edits=(("unit_weight_kg = 0.30\n", 'unit_weight_kg = "0.30"\n'),)),
    Case("negative-weight", "products[apparel].unit_weight_kg", "not above 0",
         edits=(("unit_weight_kg = 0.30\n", "unit_weight_kg = -0.30\n"),)),
    Case("zero-volume", "products[apparel].unit_volume_m3", "not above 0",
         edits=(("unit_volume_m3 = 0.0020\n", "unit_volume_m3 = 0.0\n"),)),
    Case("rebate-above-vat", "products[cosmetics].rebate_rate", "exceeds the VAT rate",
         edits=(("rebate_rate = 0.13\nduty_rate = { US = 0.0,", "rebate_rate = 0.15\nduty_rate = { US = 0.0,"),)),
    Case("duplicate-product-id", "products[1].id", "duplicate id", edits=(('id = "handbags"', 'id = "apparel"'),)),
    Case("demand-unknown-product", "markets[us-west].demand_per_year.aparel", "unknown product 'aparel'",
         edits=(("demand_per_year = { apparel = 537000,", "demand_per_year = { aparel = 537000,"),),
         markup_bug=True),
    Case("csv-unknown-product", "line 3.product", "unknown product 'handbag'", append=_TABLES,
         csv="market,product,units_per_year\nus-west,apparel,1000\nde,handbag,500\n", markup_bug=True),
    Case("csv-missing-column", "column units_per_year", "missing", append=_TABLES,
         csv="market,product,units\nus-west,apparel,1000\n"),
    Case("csv-not-a-number", "line 2.units_per_year", "'lots' is not a non-negative number", append=_TABLES,
         csv="market,product,units_per_year\nus-west,apparel,lots\n"),
    Case("csv-short-row", "line 3.units_per_year", "None is not a non-negative number", append=_TABLES,
         csv="market,product,units_per_year\nus-west,apparel,10\nde,handbags\n"),
    Case("market-unreachable", "markets[br]", "has no path from any origin", append=_UNREACHABLE_MARKET,
         edits=(("duty_rate = { US = 0.09,", "duty_rate = { BR = 0.60, US = 0.09,"),)),
    Case("customs-mode-unknown", "export_rules[7].mode", "unknown value '9999'",
         edits=(('mode = "0110"', 'mode = "9999"'),)),
    Case("export-rules-overlap", "export_rules[4].effective_from", "mode 9810",
         edits=(("effective_to = 2025-01-27\n", ""),)),
    Case("destination-rules-overlap", "destination_rules[5].effective_from", "region DE",
         edits=(('region = "DE"\neffective_from = 2021-07-01\neffective_to = 2026-07-01\n',
                 'region = "DE"\neffective_from = 2021-07-01\neffective_to = 2026-09-01\n'),)),
    Case("lane-origin-not-gateway", "lanes[post-us-west].origin", "unknown gateway 'panyu'", markup_bug=True,
         edits=(('id = "post-us-west"\norigin = "GZMX"\n', 'id = "post-us-west"\norigin = "panyu"\n'),)),
    Case("lane-mode-unknown", "lanes[post-us-west].mode", "unknown value 'truck'",
         edits=(('id = "post-us-west"\norigin = "GZMX"\ndestination = "us-west"\nmode = "postal"\n',
                 'id = "post-us-west"\norigin = "GZMX"\ndestination = "us-west"\nmode = "truck"\n'),)),
    Case("last-mile-price-decreasing", "last_mile[us-ground].price", "heavier band is cheaper",
         edits=(("price = [4.90, 5.80,", "price = [5.80, 4.90,"),)),
    Case("service-level-above-1", "finance.service_level", "above 0.9999",
         edits=(("service_level = 0.95\n", "service_level = 1.5\n"),)),
    Case("scenario-date-bad", "scenario.date", "is not a date",
         edits=(("\ndate = 2026-12-02\n", '\ndate = "2026-13-45"\n'),)),
    Case("currency-without-fx", "last_mile[de-paket].currency", "no exchange rate for EUR", markup_bug=True,
         edits=(("EUR = 0.88\n", ""),)),
    Case("warehouse-serves-unknown-market", "warehouses[WH-LA].serves[1]", "unknown market 'us-centre'",
         markup_bug=True,
         edits=(('serves = ["us-west", "us-east"]', 'serves = ["us-west", "us-centre"]'),)),
    Case("road-country-twice", "road[1].country", "a second trucking rate for 'CN'",
         edits=(('country = "US"\ncost_per_km = 1.41', 'country = "CN"\ncost_per_km = 1.41'),)),
    Case("demand-table-empty-name", "tables.demand", "is empty", append='\n[tables]\ndemand = ""\n'),
    Case("source-without-key", "origins[panyu].source", "unknown source key",
         edits=(('supply_per_year = { apparel = 2000000 }\nsource = "assumption: district centre',
                 'supply_per_year = { apparel = 2000000 }\nsource = "assumed: district centre'),)),
    Case("screening-lane-rate-negative", "screening.equipment[xray].rate_per_hour", "not above 0",
         edits=(('id = "xray"\nname = "conventional dual-view X-ray lane"\nrate_per_hour = 1000\n',
                 'id = "xray"\nname = "conventional dual-view X-ray lane"\nrate_per_hour = -5\n'),)),
    Case("screening-flow-unknown-flight", "screening.flows[mail-lax].flights[1]", "unknown flight 'CAN-LAX-z'",
         edits=(('flights = ["CAN-LAX-a", "CAN-LAX-b"]\npromise_slack_hours = 12.0\nsource = "assumption: mail',
                 'flights = ["CAN-LAX-a", "CAN-LAX-z"]\npromise_slack_hours = 12.0\nsource = "assumption: mail'),)),
    Case("screening-profile-sum", "screening.flows[mail-lax].profile", "summing to",
         edits=(('id = "mail-lax"\norigin = "GZMX-S"\nparcels_per_day = 18000\nprofile = [0.0181,',
                 'id = "mail-lax"\norigin = "GZMX-S"\nparcels_per_day = 18000\nprofile = [0.5181,'),)),
]


def edit(text: str, old: str, new: str) -> str:
    """Replace the single occurrence of ``old``; fail the test if there is not exactly one."""
    assert text.count(old) == 1, f"edit target must occur exactly once, found {text.count(old)}: {old!r}"
    out = text.replace(old, new)
    assert out != text
    return out


def make(case: Case, tmp_path: Path) -> tuple[Path, str]:
    """Write the bad scenario of ``case``; return the TOML path and the file the error must name."""
    path = tmp_path / "bad.toml"
    if case.missing:
        return path, str(path)
    if case.raw is not None:
        path.write_bytes(case.raw)
        return path, str(path)
    text = builtin_text()
    for old, new in case.edits:
        text = edit(text, old, new)
    if case.append:
        text += case.append
    assert text != builtin_text()
    path.write_text(text, encoding="utf-8")
    if case.csv is not None:
        csv = tmp_path / "demand.csv"
        csv.write_text(case.csv, encoding="utf-8")
        return path, str(csv)
    return path, str(path)


def assert_bad_input(r: Run, file: str | None, field: str, problem: str = "") -> None:
    """Exit 2, a single stderr line ``error: FILE: FIELD: problem. Fix: ...``, nothing on stdout."""
    assert r.exit_code == 2, str(r)
    assert isinstance(r.exception, SystemExit), f"{r.exception!r}\n{r}"  # a clean exit, not a crash
    assert "Traceback" not in r.stdout + r.stderr, str(r)
    assert r.stdout == "", str(r)  # no JSON (or anything else) on stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, str(r)
    msg = lines[0]
    assert msg.startswith("error: "), str(r)
    where = f"{file}: {field}: " if file is not None else f"{field}: "
    assert where in msg, f"expected {where!r} in {msg!r}"
    assert problem in msg, f"expected {problem!r} in {msg!r}"
    assert "Fix:" in msg.split(where, 1)[1], str(r)


COMMANDS = {
    "chain": lambda f: ("chain", "--json", "--scenario", f),
    "chain-table": lambda f: ("chain", "--scenario", f),
    "show": lambda f: ("scenario", "show", "--json", "--scenario", f),
    "validate": lambda f: ("scenario", "validate", f),
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id) for c in CASES])
def test_bad_scenario_file(case: Case, command: str, owl: Owl, tmp_path: Path) -> None:
    path, file = make(case, tmp_path)
    before = path.read_bytes() if path.exists() else None
    r = owl(*COMMANDS[command](path))
    if command == "validate" and r.stderr.count("\n") > 1:
        # validate lists every problem: the header names the file, the first line the field.
        lines = r.stderr.strip().splitlines()
        assert r.exit_code == 2, str(r)
        assert lines[0].startswith(f"error: {file}: "), str(r)
        assert lines[0].endswith(" problems:"), str(r)
        assert lines[1].startswith(f"  {case.field}: "), str(r)
        assert case.problem in lines[1], str(r)
        assert "Traceback" not in r.output
    else:
        assert_bad_input(r, file, case.field, case.problem)
    assert (path.read_bytes() if path.exists() else None) == before  # input left alone


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c.id) for c in CASES],
)
def test_message_verbatim(case: Case, owl: Owl, tmp_path: Path) -> None:
    """The CLI prints the library's ScenarioError text unchanged (file, field, problem and the whole fix)."""
    path, _ = make(case, tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    r = owl("scenario", "validate", path)
    assert r.exit_code == 2, str(r)
    problems = getattr(info.value, "problems", [info.value])
    if len(problems) == 1:
        assert r.stderr.strip() == f"error: {info.value}"
    else:  # every problem, each as the library words it
        assert r.stderr.strip().splitlines() == [f"error: {path}: {len(problems)} problems:",
                                                 *(f"  {p.field}: {p.problem}. Fix: {p.fix}" for p in problems)]


def test_real_process_bad_toml(tmp_path: Path) -> None:
    """The installed console script, as a user runs it: exit 2, one line on the real stderr, no traceback."""
    exe = Path(sys.executable).with_name("owl")
    if not exe.exists():
        pytest.skip("console script `owl` not installed next to the interpreter")
    path, file = make(CASES[[c.id for c in CASES].index("toml-syntax")], tmp_path)
    p = subprocess.run([str(exe), "chain", "--json", "--scenario", str(path)], capture_output=True, text=True,
                       timeout=120, check=False)
    assert p.returncode == 2, p.stderr
    assert p.stdout == ""
    assert "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert f"{file}: (syntax): not valid TOML" in p.stderr
    assert "Fix:" in p.stderr


def test_control_unedited_export_is_valid(owl: Owl, exported: Path) -> None:
    """The bad files differ from a valid one by their edit only."""
    r = owl("scenario", "validate", exported)
    assert r.exit_code == 0, str(r)
    assert "valid" in r.stdout


def test_control_valid_demand_csv(owl: Owl, exported: Path) -> None:
    """A well-formed demand table loads, and replaces the markets' demand (so the CSV cases test the CSV)."""
    exported.write_text(exported.read_text(encoding="utf-8") + _TABLES, encoding="utf-8")
    (exported.parent / "demand.csv").write_text(
        "market,product,units_per_year\nus-west,apparel,1000\nde,handbags,500\n", encoding="utf-8")
    assert owl("scenario", "validate", exported).exit_code == 0
    s = load_scenario(exported)
    assert {m.id: dict(m.demand_per_year) for m in s.markets if m.demand_per_year} == {
        "us-west": {"apparel": 1000.0}, "de": {"handbags": 500.0}}


# -- bad command-line options -------------------------------------------------------------------------------------
OPTION_CASES = [
    # id, args (SCEN = the exported scenario file), file named (None: an option error has no file), field, problem
    ("date-not-a-date", ("chain", "--json", "--date", "not-a-date"), None, "--date", "'not-a-date' is not a date"),
    ("date-not-a-date-table", ("chain", "--date", "2026-02-30"), None, "--date", "is not a date"),
    ("product-unknown", ("chain", "--json", "--product", "nosuch"), BUILTIN, "--product", "unknown product"),
    ("product-unknown-file", ("chain", "--json", "--scenario", "SCEN", "--product", "nosuch"), "SCEN",
     "--product", "unknown product 'nosuch'"),
    ("market-unknown", ("chain", "--json", "--market", "mars"), BUILTIN, "--market", "unknown market 'mars'"),
    ("date-before-rules", ("chain", "--json", "--date", "2010-01-01"), BUILTIN, "export_rules",
     "in force on 2010-01-01"),
    ("date-before-rules-file", ("chain", "--scenario", "SCEN", "--date", "2010-01-01"), "SCEN",
     "export_rules", "in force on 2010-01-01"),
]


@pytest.mark.parametrize(("args", "file", "field", "problem"), [c[1:] for c in OPTION_CASES],
                         ids=[c[0] for c in OPTION_CASES])
def test_bad_option(args: tuple[str, ...], file: str | None, field: str, problem: str, owl: Owl,
                    exported: Path) -> None:
    def sub(a: str | None) -> str | None:
        return str(exported) if a == "SCEN" else a

    r = owl(*[sub(a) for a in args])
    assert_bad_input(r, sub(file), field, problem)


def test_date_rules_missing_only_for_some_channel(owl: Owl, exported: Path) -> None:
    """Destination rules all in force but no 9710 export rule on the date: exit 2 naming export_rules."""
    text = edit(exported.read_text(encoding="utf-8"), 'mode = "9710"\neffective_from = 2020-07-01\n',
                'mode = "9710"\neffective_from = 2026-01-01\n')
    exported.write_text(text, encoding="utf-8")
    assert owl("scenario", "validate", exported).exit_code == 0
    r = owl("chain", "--json", "--scenario", exported, "--date", "2025-06-01")
    assert_bad_input(r, str(exported), "export_rules", "no rule for customs mode 9710 in force on 2025-06-01")


def test_export_onto_existing_file_without_force(owl: Owl, tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    target.write_text("# my edits\n", encoding="utf-8")
    r = owl("scenario", "export", target)
    assert r.exit_code == 2, str(r)
    assert isinstance(r.exception, SystemExit)
    assert r.stdout == ""
    assert f"{target}: already exists" in r.stderr
    assert "Fix:" in r.stderr
    assert "--force" in r.stderr
    assert "Traceback" not in r.stderr
    assert target.read_text(encoding="utf-8") == "# my edits\n"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.toml"]  # no temporary file left behind


def test_export_loaded_scenario_onto_existing_file(owl: Owl, exported: Path, tmp_path: Path) -> None:
    target = tmp_path / "mine.toml"
    target.write_text("# my edits\n", encoding="utf-8")
    r = owl("scenario", "export", target, "--scenario", exported)
    assert r.exit_code == 2, str(r)
    assert target.read_text(encoding="utf-8") == "# my edits\n"


# -- a message that looks like rich markup must not crash the CLI -----------------------------------------------
def test_option_value_with_markup_closing_tag(owl: Owl) -> None:
    r = owl("chain", "--json", "--product", "[/x]")
    assert_bad_input(r, BUILTIN, "--product", "unknown product '[/x]'")


def test_file_value_with_markup_closing_tag(owl: Owl, exported: Path) -> None:
    text = edit(exported.read_text(encoding="utf-8"),
                'id = "post-us-west"\norigin = "GZMX"\ndestination = "us-west"\nmode = "postal"\n',
                'id = "post-us-west"\norigin = "GZMX"\ndestination = "us-west"\nmode = "[/postal]"\n')
    exported.write_text(text, encoding="utf-8")
    r = owl("scenario", "validate", exported)
    assert_bad_input(r, str(exported), "lanes[post-us-west].mode", "unknown value '[/postal]'")
