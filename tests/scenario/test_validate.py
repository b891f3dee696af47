"""logistics.scenario.validate: the cross-section checks, run through parse_scenario / load_scenario on the
built-in scenario text with one precise edit per case. Every edit must change the text (the string it replaces
occurs exactly once), and the ScenarioError's field must name the offending place."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from logistics.errors import ScenarioError, ScenarioErrors
from logistics.scenario import Scenario, builtin, builtin_text, load_scenario, parse_scenario
from logistics.scenario.validate import check_consistency
from tests.harness import Owl

TEXT = builtin_text()


def _edit(*pairs: tuple[str, str], text: str = TEXT) -> str:
    """Apply each (old, new) replacement to ``text``; ``old`` must occur exactly once and the text must change."""
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        edited = text.replace(old, new)
        assert edited != text
        text = edited
    return text


def _error(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "edited.toml")
    assert info.value.file == "edited.toml"
    return info.value


# -- the unedited text ----------------------------------------------------------------------------------------------


def test_the_unedited_builtin_text_passes(tmp_path: Path) -> None:
    s = parse_scenario(TEXT, "<string>")
    assert isinstance(s, Scenario)
    assert (len(s.markets), len(s.warehouses), len(s.lanes)) == (11, 11, 57)
    path = tmp_path / "gz.toml"
    path.write_text(TEXT, encoding="utf-8")
    assert load_scenario(path).name == "guangzhou"


def test_check_consistency_finds_nothing_in_the_builtin_scenario() -> None:
    problems: list[tuple[str, str, str]] = []
    check_consistency(builtin(), lambda field, problem, fix: problems.append((field, problem, fix)))
    assert problems == []


class _Stop(Exception):
    pass


def test_check_consistency_reports_through_the_callback() -> None:
    """Called directly on an edited Scenario, with a callback that records and raises (the contract: ``fail``
    raises; the later checks build the network and rely on the references being sound)."""
    s = builtin()
    wh = dataclasses.replace(s.warehouses[2], serves=("uk", "gb"))  # WH-UK
    bad = dataclasses.replace(s, warehouses=(*s.warehouses[:2], wh, *s.warehouses[3:]))
    problems: list[tuple[str, str, str]] = []

    def fail(field: str, problem: str, fix: str) -> None:
        problems.append((field, problem, fix))
        raise _Stop

    with pytest.raises(_Stop):
        check_consistency(bad, fail)
    assert problems == [("warehouses[2].serves[1]", "unknown market 'gb'", "use a market id of [[markets]]")]


# -- dangling references --------------------------------------------------------------------------------------------

DANGLING = [
    pytest.param(('supplied_from = ["USLAX", "LAX"]', 'supplied_from = ["USLAX", "LAXX"]'),
                 "warehouses[WH-LA].supplied_from[1]", "unknown entry 'LAXX'", id="warehouse-supplied-from"),
    pytest.param(('serves = ["uk"]', 'serves = ["gb"]'), "warehouses[WH-UK].serves[0]", "unknown market 'gb'",
                 id="warehouse-serves"),
    pytest.param(('last_mile = "gb-parcel"', 'last_mile = "uk-parcel"'), "markets[uk].last_mile",
                 "unknown last-mile table 'uk-parcel'", id="market-last-mile"),
    pytest.param(('id = "airp-HKG-LAX"\norigin = "HKG"', 'id = "airp-HKG-LAX"\norigin = "HKX"'),
                 "lanes[airp-HKG-LAX].origin",
                 "unknown gateway 'HKX'", id="lane-origin"),
    pytest.param(('destination = "DEDUI"', 'destination = "DEDUX"'), "lanes[rail-GZRT-DEDUI].destination",
                 "unknown entry 'DEDUX'", id="lane-destination"),
    pytest.param(('destination = "ae"\nmode = "postal"', 'destination = "DXB"\nmode = "postal"'),
                 "lanes[post-ae].destination", "a postal lane must end at a market, not 'DXB'",
                 id="postal-lane-to-entry"),
    pytest.param(("supply_per_year = { denim = 1000000 }", "supply_per_year = { jeans = 1000000 }"),
                 "origins[zengcheng].supply_per_year.jeans", "unknown product 'jeans'", id="origin-product"),
    pytest.param(("SA = 0.15 }\nunits_per_order = 1.5", "ZZ = 0.15 }\nunits_per_order = 1.5"),
                 "products[apparel].duty_rate.ZZ", "'ZZ' is neither a market nor a region", id="duty-rate-key"),
    pytest.param(('currency = "AED"\nduty_threshold', 'currency = "XTS"\nduty_threshold'),
                 "destination_rules[15].currency", "no exchange rate for XTS", id="rule-currency"),
    pytest.param(('region = "AE"\nlat = 25.2528', 'region = "ZZ"\nlat = 25.2528'), "entries[DXB].region",
                 "no destination rule for region 'ZZ'", id="entry-region"),
    pytest.param(('region = "AE"\nlat = 25.20', 'region = "ZZ"\nlat = 25.20'), "markets[ae].region",
                 "no [[destination_rules]] for region 'ZZ' in force on 2026-12-02", id="market-region"),
]


@pytest.mark.parametrize(("edit", "field", "problem"), DANGLING)
def test_a_dangling_reference_names_its_field(edit: tuple[str, str], field: str, problem: str) -> None:
    """Indexes count from 0 in file order: WH-LA is warehouses[0], WH-UK [2]; uk is markets[2], ae [7];
    airp-HKG-LAX is lanes[10] (8 postal lanes, then CAN-LAX, CAN-JFK), rail-GZRT-DEDUI lanes[40], post-ae
    lanes[7]; zengcheng is origins[3]; DXB is entries[16]; the AE rule is destination_rules[15]."""
    e = _error(_edit(edit))
    assert (e.field, e.problem) == (field, problem)


# -- duplicate ids --------------------------------------------------------------------------------------------------


def test_an_id_shared_by_two_sections_is_reported_on_the_later_one() -> None:
    """Places share one network: a warehouse called LAX clashes with the entry LAX (entries come first)."""
    e = _error(_edit(('id = "WH-LA"', 'id = "LAX"')))
    assert (e.field, e.problem) == ("warehouses[0].id", "id 'LAX' is also used in [[entries]]")


def test_a_market_named_like_a_gateway() -> None:
    e = _error(_edit(('id = "jp"\n', 'id = "CAN"\n')))
    assert (e.field, e.problem) == ("markets[5].id", "id 'CAN' is also used in [[gateways]]")


def test_a_duplicate_id_inside_one_section() -> None:
    """Within a section the loader itself reports it, before the cross-section checks run."""
    e = _error(_edit(('id = "handbags"', 'id = "apparel"')))
    assert (e.field, e.problem) == ("products[1].id", "duplicate id 'apparel'")


def test_a_second_trucking_rate_for_a_country() -> None:
    e = _error(_edit(('country = "US"\ncost_per_km = 1.41', 'country = "CN"\ncost_per_km = 1.41')))
    assert (e.field, e.problem) == ("road[1].country", "a second trucking rate for 'CN'")


def test_no_default_trucking_rate() -> None:
    e = _error(_edit(('country = "default"', 'country = "XX"')))
    assert (e.field, e.problem) == ("road", "no default trucking rate")


# -- rule periods ---------------------------------------------------------------------------------------------------


def test_overlapping_export_rules() -> None:
    """The first 9810 rule (export_rules[3], 2020-07-01 to 2025-01-27) is made to run to 2025-03-01: the second
    (export_rules[4], from 2025-01-27) now starts while it is in force."""
    e = _error(_edit(("effective_to = 2025-01-27", "effective_to = 2025-03-01")))
    assert e.field == "export_rules[4].effective_from"
    assert e.problem == ("mode 9810: this rule starts 2025-01-27 while the rule from 2020-07-01 is still in force "
                         "(until 2025-03-01)")


def test_overlapping_destination_rules_by_one_day() -> None:
    """US de-minimis until 2025-05-02 and the next US rule from 2025-05-02 touch; ending the first a day later
    overlaps them."""
    e = _error(_edit(("effective_from = 2016-03-10\neffective_to = 2025-05-02",
                      "effective_from = 2016-03-10\neffective_to = 2025-05-03")))
    assert e.field == "destination_rules[1].effective_from"
    assert "region US" in e.problem
    assert "(until 2025-05-03)" in e.problem


def test_an_open_ended_rule_followed_by_another() -> None:
    """Dropping the end of the first DE rule (destination_rules[4]) leaves it in force when DE rule [5] starts."""
    e = _error(_edit(('region = "DE"\neffective_from = 2021-07-01\neffective_to = 2026-07-01\n',
                      'region = "DE"\neffective_from = 2021-07-01\n')))
    assert e.field == "destination_rules[5].effective_from"
    assert e.problem.endswith("still in force (until open end)")


def test_no_export_rule_in_force_on_the_scenario_date() -> None:
    e = _error(_edit(('mode = "9610"\neffective_from = 2020-01-01', 'mode = "9610"\neffective_from = 2027-02-10')))
    assert (e.field, e.problem) == ("export_rules", "no rule for customs mode 9610 in force on 2026-12-02")


def test_no_destination_rule_in_force_on_the_scenario_date() -> None:
    """The only JP rule now starts after the scenario date; jp is markets[5]."""
    e = _error(_edit(('region = "JP"\neffective_from = 2019-10-01', 'region = "JP"\neffective_from = 2027-10-01')))
    assert (e.field, e.problem) == ("markets[jp].region", "no [[destination_rules]] for region 'JP' in force on "
                                                         "2026-12-02")


# -- reachability ---------------------------------------------------------------------------------------------------

# A ninth market in a new region SA, with its own destination rule, demanding cosmetics: no lane, entry or
# warehouse reaches it. (Any market in an existing region is reached by that region's entries.)
SA_MARKET = """[[markets]]
id = "zz"
name = "Nowhere (no lanes)"
country = "ZZ"
region = "ZZ"
lat = 24.71
lon = 46.68
promise_days = 10
demand_per_year = { cosmetics = 1000 }
demand_cv = 0.5
last_mile = "ae-parcel"
payout_days = 14
b2b = { fee_share = 0.30, payment_days = 60, fulfilment_days = 2, source = "assumption: test" }
source = "assumption: test market"

[[destination_rules]]
region = "ZZ"
effective_from = 2020-01-01
currency = "USD"
duty_threshold = 0
vat_rate = 0.15
vat_threshold = 0
valuation = "CIF"
source = "assumption: test rule"

"""
POST_SA = """[[lanes]]
id = "post-zz"
origin = "GZMX"
destination = "zz"
mode = "postal"
service = "parcel"
transit_mean_days = 10.0
transit_std_days = 3.0
departures_per_week = 5
per_item = 2.0
per_kg = 8.0
source = "assumption: test"

"""
SA_DUTY = ("duty_rate = { US = 0.0, DE", "duty_rate = { zz = 0.05, US = 0.0, DE")  # cosmetics' duty for zz


def test_an_unreachable_market_is_named() -> None:
    e = _error(_edit(SA_DUTY, ("\n[design]\n", "\n" + SA_MARKET + "[design]\n")))
    assert e.field == "markets[zz]"
    assert e.problem == "market 'zz' has no path from any origin of 'cosmetics'"
    assert "region 'ZZ'" in e.fix


def test_the_same_market_with_a_postal_lane_passes() -> None:
    """The control: one postal lane GZMX -> sa makes the market reachable and the scenario valid."""
    s = parse_scenario(_edit(SA_DUTY, ("\n[design]\n", "\n" + SA_MARKET + POST_SA + "[design]\n")))
    assert "zz" in [m.id for m in s.markets]


def test_a_market_without_a_duty_rate_for_its_demand() -> None:
    e = _error(_edit(("\n[design]\n", "\n" + SA_MARKET + "[design]\n")))
    assert (e.field, e.problem) == ("products[cosmetics].duty_rate", "no duty rate for market 'zz'")


def test_a_demand_no_origin_supplies() -> None:
    """Panyu is the only apparel cluster; without its supply us-west's (markets[0]) apparel has no origin."""
    e = _error(_edit(("supply_per_year = { apparel = 2000000 }", "supply_per_year = { cosmetics = 1 }")))
    assert (e.field, e.problem) == ("markets[us-west].demand_per_year.apparel", "no origin supplies product 'apparel'")


# -- through a file -------------------------------------------------------------------------------------------------


def test_load_scenario_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(_edit(('serves = ["uk"]', 'serves = ["gb"]')), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert (info.value.file, info.value.field) == (str(path), "warehouses[WH-UK].serves[0]")
    assert str(info.value).startswith(f"{path}: warehouses[WH-UK].serves[0]: unknown market 'gb'. Fix: ")


# -- every problem at once --------------------------------------------------------------------------------------------
def test_every_problem_is_reported_at_once_by_id(tmp_path: Path) -> None:
    text = _edit(('unit_weight_kg = 0.30\n', 'unit_weight_kg = -0.30\n'))  # apparel
    text = text.replace('id = "airp-HKG-LAX"\norigin = "HKG"', 'id = "airp-HKG-LAX"\norigin = "HKX"', 1)
    text = text.replace("units_per_order = 1.5\n", "units_per_ordr = 1.5\n", 1)
    path = tmp_path / "three.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(path)
    got = [(p.field, p.problem) for p in info.value.problems]
    # The field errors of one record stop at its first; the record's neighbours and the cross-checks wait for
    # the records to be sound, so the unknown gateway shows once the product is mended.
    assert got == [("products[apparel].unit_weight_kg", "-0.3 is not above 0")], got
    text = text.replace("unit_weight_kg = -0.30\n", "unit_weight_kg = 0.30\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info2:
        load_scenario(path)
    assert (info2.value.field, info2.value.problem) == ("products[apparel].units_per_ordr", "unknown field")
    assert "did you mean 'units_per_order'" in info2.value.fix


def test_problems_in_several_records_and_sections_come_together(tmp_path: Path) -> None:
    text = _edit(('unit_weight_kg = 0.30\n', 'unit_weight_kg = -0.30\n'))
    text = text.replace('id = "post-us-west"\norigin = "GZMX"\ndestination = "us-west"\nmode = "postal"\n',
                        'id = "post-us-west"\norigin = "GZMX"\ndestination = "us-west"\nmode = "truck"\n', 1)
    text = text.replace("handling_per_kg = 0.15\n", "handling_per_kg = -0.15\n", 1)  # CAN
    path = tmp_path / "many.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(path)
    fields = [p.field for p in info.value.problems]
    assert fields == ["products[apparel].unit_weight_kg", "gateways[CAN].handling_per_kg", "lanes[post-us-west].mode"]
    assert "2 more problems: owl scenario validate" in str(info.value)


def test_a_misspelt_required_field_is_named_as_a_typo(tmp_path: Path) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(_edit(("purchase_value = 6.00\n", "purchase_valeu = 6.00\n")), encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.field == "products[apparel].purchase_value"
    assert "'purchase_valeu'" in info.value.problem
    assert "did you mean 'purchase_value'" in info.value.fix


def test_owl_scenario_validate_lists_every_problem_and_prints_json(owl: Owl, tmp_path: Path) -> None:
    text = _edit(('unit_weight_kg = 0.30\n', 'unit_weight_kg = -0.30\n'))
    text = text.replace("handling_per_kg = 0.15\n", "handling_per_kg = -0.15\n", 1)
    path = tmp_path / "two.toml"
    path.write_text(text, encoding="utf-8")
    r = owl("scenario", "validate", str(path))
    assert r.exit_code == 2
    assert "2 problems" in r.stderr
    assert "products[apparel].unit_weight_kg" in r.stderr
    assert "gateways[CAN].handling_per_kg" in r.stderr
    assert "Traceback" not in r.output
    doc = json.loads(owl("scenario", "validate", str(path), "--json").stdout)
    assert doc["valid"] is False
    assert [p["field"] for p in doc["problems"]] == ["products[apparel].unit_weight_kg",
                                                      "gateways[CAN].handling_per_kg"]
    good = tmp_path / "good.toml"
    good.write_text(builtin_text(), encoding="utf-8")
    ok = owl("scenario", "validate", str(good), "--json").json()
    assert ok["valid"] is True
    assert ok["problems"] == []
