"""What the ``owl`` commands do on the built-in Guangzhou scenario, run through the real CLI (typer's CliRunner).

Expected numbers are derived from the scenario's own data and the model's formulas (logistics/chain/stages.py),
not copied from a previous run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import logistics
from logistics.chain import evaluate
from logistics.scenario import CustomsMode, builtin, builtin_text, channel_routes, load_scenario
from tests.harness import Owl, invoke

CHANNELS = {"1039", "1210", "9610", "9710", "9810"}  # 1039 only for the Huadu pilot market's handbags




@pytest.fixture(scope="module")
def scenario() -> Any:
    return builtin()


@pytest.fixture(scope="module")
def chain_json() -> dict[str, Any]:
    """``owl chain --json`` on the built-in scenario (run once for the module)."""
    # exit 0, no traceback, nothing on stderr
    doc: dict[str, Any] = invoke("chain", "--json", "--date", "2026-12-02").json()
    return doc


def by_channel(doc: dict[str, Any], product: str, market: str) -> dict[str, dict[str, Any]]:
    """The rows of one product and market, keyed by channel (one row per channel)."""
    rows = [r for r in doc["rows"] if r["product"] == product and r["market"] == market]
    out = {r["channel"]: r for r in rows}
    assert len(out) == len(rows), "more than one row per channel"
    return out


def assert_same_row(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Two JSON rows agree: labels and flags exactly, numbers to 1e-12."""
    assert a.keys() == b.keys()
    for k, v in a.items():
        if isinstance(v, float):
            assert v == pytest.approx(b[k], rel=1e-12, abs=1e-12), k
        else:
            assert v == b[k], k


# -- version ------------------------------------------------------------------------------------------------------
def test_version(owl: Owl) -> None:
    r = owl("--version").ok()
    assert r.stdout == f"owl {logistics.__version__}\n"
    assert r.stderr == ""


def test_no_arguments_prints_help(owl: Owl) -> None:
    r = owl()
    assert "chain" in r.stdout + r.stderr
    assert "scenario" in r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr


# -- owl chain ----------------------------------------------------------------------------------------------------
_ROW = re.compile(r"^\s*(\S+)\s+(\S+)\s+(\*?)(\d{4})\s+\d{4}\b")


def test_chain_table(owl: Owl, scenario: Any, chain_json: dict[str, Any]) -> None:
    r = owl("chain", "--date", "2026-12-02").ok()
    assert r.stderr == ""
    rows = [m.groups() for m in map(_ROW.match, r.stdout.splitlines()) if m]
    pairs = {(p, m) for p, m, _, _ in rows}
    assert pairs == {(p.id, m.id) for p in scenario.products for m in scenario.markets}
    for p in scenario.products:
        assert p.id in r.stdout
    for m in scenario.markets:
        assert m.id in r.stdout
    assert {ch for *_, ch in rows} == CHANNELS
    # Exactly one winner, marked *, per product and market, and it is the JSON's winner.
    starred = [(p, m, ch) for p, m, star, ch in rows if star == "*"]
    assert Counter((p, m) for p, m, _ in starred) == Counter(pairs)
    json_winners = {(x["product"], x["market"], x["channel"]) for x in chain_json["rows"] if x["winner"]}
    assert set(starred) == json_winners
    assert f"winners: {sum(x['meets_promise'] for x in chain_json['rows'] if x['winner'])} of {len(pairs)} " \
        "product-markets" in r.stdout


def test_chain_json_rows(chain_json: dict[str, Any], scenario: Any) -> None:
    doc = chain_json
    assert doc["scenario"] == "guangzhou"
    assert doc["currency"] == scenario.finance.currency
    assert doc["date"] == scenario.date.isoformat()
    rows = doc["rows"]
    # One row per product x market x channel that has a route, and every such combination.
    frame = evaluate(scenario).to_frame()
    present = set(zip(frame["product"], frame["market"], frame["channel"], strict=True))
    keys = [(x["product"], x["market"], x["channel"]) for x in rows]
    assert len(keys) == len(set(keys))
    assert set(keys) == present
    assert {(p, m) for p, m, _ in keys} == {(p.id, m.id) for p in scenario.products for m in scenario.markets}
    # Exactly one winner per product-market.
    winners = Counter((x["product"], x["market"]) for x in rows if x["winner"])
    assert set(winners.values()) == {1}
    assert len(winners) == len(scenario.products) * len(scenario.markets)
    # landed cost = goods - rebate + every other stage.
    stages = doc["stages"]
    assert stages[:2] == ["goods", "rebate"]
    for x in rows:
        total = x["goods"] - x["rebate"] + sum(x[s] for s in stages[2:])
        assert abs(x["landed_cost"] - total) <= 1e-9, x


def test_chain_filters(owl: Owl, chain_json: dict[str, Any]) -> None:
    doc = owl("chain", "--json", "--date", "2026-12-02", "--product", "handbags", "--market", "de").json()
    rows = doc["rows"]
    assert {(x["product"], x["market"]) for x in rows} == {("handbags", "de")}
    assert {x["channel"] for x in rows} == CHANNELS
    assert sum(x["winner"] for x in rows) == 1
    full = by_channel(chain_json, "handbags", "de")
    for x in rows:
        assert_same_row(x, full[x["channel"]])


def test_chain_filter_table(owl: Owl) -> None:
    r = owl("chain", "--date", "2026-12-02", "--product", "handbags", "--market", "de").ok()
    pairs = {(p, m) for p, m, _, _ in (x.groups() for x in map(_ROW.match, r.stdout.splitlines()) if x)}
    assert pairs == {("handbags", "de")}


def _chain(owl: Owl, date: str, *args: str) -> dict[str, Any]:
    doc = owl("chain", "--json", "--date", date, *args).json()
    assert doc["date"] == date
    return doc


def test_us_de_minimis_ends(owl: Owl, scenario: Any) -> None:
    """USD 800 de-minimis until 2 May 2025: a single handbag by 9610 parcel pays no US duty in 2024; on
    2026-12-02, with no postal regime left after Section 122 lapsed, it pays the ordinary duty (HS 4202 MFN +
    Section 301) on its declared value, the retail price."""
    bag = next(p for p in scenario.products if p.id == "handbags")
    assert bag.units_per_order == 1.0  # a single-item parcel
    before = by_channel(_chain(owl, "2024-06-01", "-p", "handbags", "-m", "us-west"), "handbags", "us-west")
    after = by_channel(_chain(owl, "2026-12-02", "-p", "handbags", "-m", "us-west"), "handbags", "us-west")
    assert before["9610"]["import_duty"] == 0.0
    day = dt.date(2026, 12, 2)
    rule = scenario.destination_rule("US", day)
    assert rule.duty_threshold == 0
    assert scenario.postal_duty("US", day) is None
    extra = sum(m.rate_of("handbags") for m in scenario.tariff_measures_on("US", day) if "postal" in m.entries)
    assert extra == 0.25  # Section 301 list 3
    expected = (bag.duty_rate["US"] + rule.additional_duty_rate + extra) * bag.retail_price  # (9% + 25%) x 60
    assert after["9610"]["import_duty"] == pytest.approx(expected, rel=1e-12)
    assert after["9610"]["import_duty"] > 0


def test_eu_flat_duty_from_july_2026(owl: Owl, scenario: Any) -> None:
    """EUR 3 per item line on low-value parcels from 1 Jul 2026: a 9610 handbag parcel to de pays 3 EUR (in USD)
    on 2026-07-01 and nothing the day before."""
    day_before = by_channel(_chain(owl, "2026-06-30", "-p", "handbags", "-m", "de"), "handbags", "de")
    first_day = by_channel(_chain(owl, "2026-07-01", "-p", "handbags", "-m", "de"), "handbags", "de")
    assert day_before["9610"]["import_duty"] == 0.0
    flat_usd = 3.0 / scenario.finance.fx["EUR"]
    assert first_day["9610"]["import_duty"] == pytest.approx(flat_usd, rel=1e-12)


def test_9810_rebate_on_departure_from_27_january_2025(owl: Owl, scenario: Any) -> None:
    """SAT 2025 No. 3: 9810 goods are refundable on departure from 2025-01-27 instead of after the overseas sale,
    so the rebate comes sooner, for every product and market; the amount does not change."""
    assert scenario.export_rule(CustomsMode.OVERSEAS_WAREHOUSE, dt.date(2025, 1, 26)).trigger.value == "sale"
    assert scenario.export_rule(CustomsMode.OVERSEAS_WAREHOUSE, dt.date(2025, 1, 27)).trigger.value == "departure"
    old = {(x["product"], x["market"]): x for x in _chain(owl, "2025-01-26")["rows"] if x["channel"] == "9810"}
    new = {(x["product"], x["market"]): x for x in _chain(owl, "2025-01-27")["rows"] if x["channel"] == "9810"}
    assert old.keys() == new.keys()
    assert len(old) == len(scenario.products) * len(scenario.markets)
    for k in old:
        assert new[k]["rebate_days"] < old[k]["rebate_days"], k
        assert new[k]["rebate"] == pytest.approx(old[k]["rebate"], rel=1e-12)


# -- owl scenario show / export / validate -------------------------------------------------------------------------
def test_scenario_show(owl: Owl, scenario: Any) -> None:
    r = owl("scenario", "show").ok()
    assert r.stderr == ""
    assert "guangzhou" in r.stdout
    assert f"rules of {scenario.date}" in r.stdout
    for p in scenario.products:
        assert p.id in r.stdout
    for m in scenario.markets:
        assert m.id in r.stdout
    assert f"{len(channel_routes(scenario))} channel routes" in r.stdout


def test_scenario_show_json(owl: Owl, scenario: Any) -> None:
    doc = owl("scenario", "show", "--json").json()
    assert doc["name"] == "guangzhou"
    assert doc["file"] == "<built-in guangzhou>"
    assert doc["date"] == scenario.date.isoformat()
    assert doc["currency"] == "USD"
    assert doc["products"] == [p.id for p in scenario.products]
    assert doc["markets"] == [m.id for m in scenario.markets]
    assert doc["origins"] == [o.id for o in scenario.origins]
    assert doc["gateways"] == [g.id for g in scenario.gateways]
    assert doc["warehouses"] == [w.id for w in scenario.warehouses]
    assert doc["lanes"] == len(scenario.lanes)
    assert doc["channel_routes"] == len(channel_routes(scenario))
    assert doc["rules_in_force"]["DE"] == "eu-reg-2026-382"
    assert doc["rules_in_force"].keys() == {m.region for m in scenario.markets}


def test_export_validate_chain_round_trip(owl: Owl, tmp_path: Path, chain_json: dict[str, Any]) -> None:
    out = tmp_path / "OUT.toml"
    r = owl("scenario", "export", out).ok()
    assert f"wrote {out}" in r.stdout
    assert out.read_text(encoding="utf-8") == builtin_text()  # comments and sources kept
    r = owl("scenario", "validate", out).ok()
    assert "valid (5 products, 11 markets" in r.stdout
    assert str(out) in r.stdout
    assert owl("chain", "--scenario", out, "--json", "--date", "2026-12-02").json() == chain_json
    show = owl("scenario", "show", "--json", "--scenario", out).json()
    assert show["file"] == str(out)


def test_export_force_overwrites(owl: Owl, tmp_path: Path) -> None:
    out = tmp_path / "OUT.toml"
    out.write_text("# old\n", encoding="utf-8")
    owl("scenario", "export", out, "--force").ok()
    assert out.read_text(encoding="utf-8") == builtin_text()


def test_export_loaded_scenario_round_trips(owl: Owl, tmp_path: Path) -> None:
    a = tmp_path / "A.toml"
    b = tmp_path / "B.toml"
    owl("scenario", "export", a).ok()
    owl("scenario", "export", b, "--scenario", a).ok()
    text = b.read_text(encoding="utf-8")
    assert text.startswith("# owl scenario, written by `owl scenario export`")
    assert text != a.read_text(encoding="utf-8")
    sa, sb = load_scenario(a), load_scenario(b)
    assert sb.path == str(b)
    assert dataclasses.replace(sb, path=sa.path) == sa
    owl("scenario", "validate", b).ok()
    assert owl("chain", "--json", "--scenario", b).json() == owl("chain", "--json", "--scenario", a).json()


def test_user_edit_takes_effect(owl: Owl, tmp_path: Path) -> None:
    """Doubling the per-kg price of the us-west postal lane raises the 9610 postal landed cost of apparel by
    delta per_kg x chargeable weight (line haul = per_item / items_per_parcel + per_kg x chargeable kg, with
    chargeable = max(weight, volume x volumetric factor)); nothing else moves (US duty is on the FOB value)."""
    out = tmp_path / "OUT.toml"
    owl("scenario", "export", out).ok()
    s = load_scenario(out)
    lane = next(x for x in s.lanes if x.id == "post-us-west")
    apparel = next(p for p in s.products if p.id == "apparel")
    assert lane.mode == "postal"
    old_block = f'id = "post-us-west"\norigin = "GZMX"\ndestination = "us-west"\nmode = "postal"\nservice = ' \
        f'"parcel"\ntransit_mean_days = 12.0\ntransit_std_days = 3.0\ndepartures_per_week = 7\nper_item = 2.5\n' \
        f"per_kg = {lane.per_kg}\n"
    new_block = old_block.replace(f"per_kg = {lane.per_kg}\n", f"per_kg = {2 * lane.per_kg}\n")
    text = out.read_text(encoding="utf-8")
    assert text.count(old_block) == 1
    edited = tmp_path / "edited.toml"
    edited.write_text(text.replace(old_block, new_block), encoding="utf-8")
    assert next(x for x in load_scenario(edited).lanes if x.id == "post-us-west").per_kg == 2 * lane.per_kg

    chargeable = max(apparel.unit_weight_kg, apparel.unit_volume_m3 * lane.volumetric_kg_per_m3)
    # 11 USD/kg x 0.30 kg = 3.30 USD of line haul, and cargo insurance on it at the insurance rate
    freight = (2 * lane.per_kg - lane.per_kg) * chargeable
    expected = freight * (1 + s.finance.insurance_rate)
    args = ("chain", "--json", "--product", "apparel", "--market", "us-west")
    before = by_channel(owl(*args, "--scenario", out).json(), "apparel", "us-west")
    after = by_channel(owl(*args, "--scenario", edited).json(), "apparel", "us-west")
    route = "9610 postal GZMX>us-west"
    assert before["9610"]["route"] == after["9610"]["route"] == route
    assert after["9610"]["line_haul"] - before["9610"]["line_haul"] == pytest.approx(freight, abs=1e-9)
    assert after["9610"]["landed_cost"] - before["9610"]["landed_cost"] == pytest.approx(expected, abs=1e-9)
    for k in ("goods", "rebate", "consolidation", "export_clearance", "import_duty", "import_fees", "last_mile",
              "carrying"):
        assert after["9610"][k] == pytest.approx(before["9610"][k], rel=1e-12, abs=1e-12), k
    # Channels that do not use the postal lane are untouched.
    for ch in ("9710", "9810"):
        assert_same_row(after[ch], before[ch])


# -- owl screen ------------------------------------------------------------------------------------------------
def test_screen_compare_json(owl: Owl) -> None:
    doc = owl("screen", "compare", "--json").json()
    assert {"before", "measure8", "optimized", "terminal_relief"} <= set(doc)
    flows = {f.id: f for f in builtin().screening.flows}  # type: ignore[union-attr]
    assert set(doc["before"]["assignment"].values()) == {"CAN-T"}
    for fid, site in doc["measure8"]["assignment"].items():
        assert site == ("GZMX-S" if flows[fid].origin == "GZMX-S" else "CAN-T")
    relief = doc["terminal_relief"]["measure8"]
    assert relief["parcels_screened_upstream"] == sum(f.parcels_per_day for f in flows.values()
                                                      if f.origin == "GZMX-S")
    assert relief["terminal_lane_hours_saved"] > 0
    for name in ("before", "measure8", "optimized"):
        cost = doc[name]["cost_per_day"]
        assert cost["total"] == pytest.approx(sum(v for k, v in cost.items() if k != "total"), abs=0.05)
        assert 0 < doc[name]["share_intended_flight"] <= 1


def test_screen_optimize_table_and_bad_options(owl: Owl) -> None:
    r = owl("screen", "optimize", "--config", "measure8").ok()
    assert "lanes open by site and hour" in r.stdout
    assert "GZMX-S" in r.stdout
    for args in (("--time-limit", "0"), ("--gap", "1.5"), ("--volume-scale", "-1")):
        bad = owl("screen", "optimize", *args)
        assert bad.exit_code == 2, str(bad)
        assert args[0] in bad.stderr
        assert "Fix:" in bad.stderr
        assert "Traceback" not in bad.stderr


def test_screen_overload_is_infeasible_with_the_hour_named(owl: Owl) -> None:
    r = owl("screen", "optimize", "--volume-scale", "6")  # the pool cannot staff the 17:00 peak
    assert r.exit_code == 1, str(r)
    assert re.search(r"hour \d\d:00", r.stderr)
    assert "Fix:" in r.stderr
    assert r.stdout == ""


def test_screen_simulate_json_is_reproducible(owl: Owl) -> None:
    args = ("screen", "simulate", "-n", "2", "--seed", "3", "--workers", "1", "--volume-scale", "0.1", "--json")
    a, b = owl(*args).json(), owl(*args).json()
    assert a == b
    assert a["simulation"]["replications"] == 2
    assert 0.95 <= a["simulation"]["share_intended_flight"]["mean"] <= 1.0


def test_screen_check_breakeven_and_sweep(owl: Owl) -> None:
    doc = owl("screen", "check", "--day", "lane_down", "--config", "measure8", "-n", "2", "--workers", "2",
              "--json").json()
    (day,) = doc["days"]
    assert day["day"] == "lane_down"
    assert set(day) >= {"missed", "dwell_mean_hours", "dwell_p95_hours", "agree"}
    assert day["missed"]["analytic"] > 0
    be = owl("screen", "breakeven", "--parameter", "value_of_time", "--points", "2", "--json").json()
    (row,) = be["break_even"]
    # Measure 8 saves crew-hours and dwell, so it pays at a value of time of 0 and at three times the scenario's.
    assert row["break_even"] is None
    assert all(p["saving_per_day"] > 0 for p in row["scan"])
    assert row["verdict"].startswith("measure 8 pays")
    sw = owl("screen", "sweep", "--factors", "0.5", "--time-limit", "5", "--json").json()
    (r,) = sw["sweep"]
    assert r["volume_factor"] == 0.5
    assert r["parcels_per_day"] == 67_000
    for args, opt in ((("check", "--day", "monday"), "--day"), (("sweep", "--factors", "a,b"), "--factors"),
                      (("breakeven", "--parameter", "rent"), "--parameter"),
                      (("sweep", "--factors", "0"), "--factors")):
        bad = owl("screen", *args)
        assert bad.exit_code == 2, str(bad)
        assert opt in bad.stderr
        assert "Traceback" not in bad.stderr


# -- owl route -------------------------------------------------------------------------------------------------
ROUTING = Path(__file__).parents[1] / "data" / "routing"


def test_route_solve_json_contract_and_sol(owl: Owl, tmp_path: Path) -> None:
    sol = tmp_path / "out.sol"
    doc = owl("route", "solve", ROUTING / "A-n32-k5.vrp", "--time-limit", "1", "--seed", "1", "--json",
              "--sol", sol).json()
    assert {"cost", "routes", "feasible", "backend", "runtime_s"} <= set(doc)
    assert doc["feasible"] is True
    assert doc["cost"] == 784
    assert sorted(c for r in doc["routes"] for c in r["clients"]) == sorted(str(i) for i in range(1, 32))
    assert sol.read_text().strip().endswith("Cost 784")


def test_route_solve_bad_input(owl: Owl, tmp_path: Path) -> None:
    r = owl("route", "solve", ROUTING / "A-n32-k5.vrp", "--time-limit", "0")
    assert r.exit_code == 2, str(r)
    assert "--time-limit" in r.stderr
    bad = tmp_path / "bad.vrp"
    bad.write_text((ROUTING / "A-n32-k5.vrp").read_text().replace("DIMENSION : 32", "DIMENSION : 33"))
    r = owl("route", "solve", bad, "--time-limit", "1")
    assert r.exit_code == 2, str(r)
    assert "DIMENSION" in r.stderr
    assert "Traceback" not in r.stderr


def test_route_pickups_and_lastmile(owl: Owl, tmp_path: Path) -> None:
    geo = tmp_path / "routes.geojson"
    doc = owl("route", "pickups", "--cluster", "huadu", "--time-limit", "1", "--seed", "2", "--json",
              "--geojson", geo).json()
    assert doc["feasible"] is True
    assert sum(len(r["clients"]) for r in doc["routes"]) == builtin().routing.pickup.sellers_per_cluster  # type: ignore[union-attr]
    gj = json.loads(geo.read_text())
    assert gj["type"] == "FeatureCollection"
    assert {f["geometry"]["type"] for f in gj["features"]} == {"LineString", "Point"}
    doc = owl("route", "lastmile", "--warehouse", "WH-DE", "--time-limit", "1", "--json").json()
    assert doc["feasible"] is True
    for args in (("--hub", "nowhere"), ("--cluster", "atlantis")):
        bad = owl("route", "pickups", *args, "--time-limit", "1")
        assert bad.exit_code == 2, str(bad)
        assert "Fix:" in bad.stderr
    bad = owl("route", "lastmile", "--warehouse", "WH-XX", "--time-limit", "1")
    assert bad.exit_code == 2, str(bad)


def test_warehouse_candidates_from_geojson(tmp_path: Path) -> None:
    """A GeoJSON table adds warehouse candidates; the chain then offers 9810 routes through the new site."""
    toml = tmp_path / "s.toml"
    toml.write_text(builtin_text() + '\n[tables]\nwarehouses = "wh.geojson"\n', encoding="utf-8")
    props = {"id": "WH-TX", "name": "Dallas", "country": "US", "serves": ["us-east", "us-west"],
             "supplied_from": ["USLAX"], "fixed_cost_per_year": 200000, "capacity_m3": 9000,
             "throughput_units_per_year": 900000, "receiving_per_m3": 6.0,
             "storage_tiers": [{"from_day": 0, "rate_per_m3_day": 0.0}, {"from_day": 30, "rate_per_m3_day": 0.4}],
             "pick_pack_per_order": 2.0, "pick_pack_per_extra_item": 0.4, "handling_days": 1.0,
             "source": "assumption: test site"}
    doc = {"type": "FeatureCollection",
           "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-96.8, 32.78]},
                         "properties": props}]}
    (tmp_path / "wh.geojson").write_text(json.dumps(doc), encoding="utf-8")
    s = load_scenario(toml)
    assert s.warehouse("WH-TX").lat == pytest.approx(32.78)
    assert any(r.warehouse == "WH-TX" for r in channel_routes(s))
    props["receiving_per_m3"] = -1
    (tmp_path / "wh.geojson").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(logistics.ScenarioError, match=r"wh.geojson: features\[0\].properties.receiving_per_m3"):
        load_scenario(toml)


@pytest.mark.parametrize("width", [80, 100, 120])
def test_owl_chain_fits_the_terminal(owl: Owl, monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    # product, market, channel with the winner mark, landed cost, p95 and promise always show, whole; the other
    # columns come as they fit, and --wide shows them all.
    monkeypatch.setenv("COLUMNS", str(width))
    r = owl("chain", "--product", "handbags", "--date", "2026-07-01").ok()
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "…" not in r.stdout
    header = next(line for line in lines if line.strip().startswith("product"))
    for col in ("product", "market", "ch", "landed", "p95 d", "promise"):
        assert col in header.split("  ") or f" {col} " in f" {header} ", (col, header)
    assert any(line.split()[2].startswith("*") for line in lines if line.strip().startswith("handbags"))
    wide = owl("chain", "--product", "handbags", "--date", "2026-07-01", "--wide").ok()
    assert "capital" in wide.stdout
    assert "rebate" in wide.stdout


@pytest.fixture(scope="module")
def compared():  # type: ignore[no-untyped-def]
    from logistics.scenario import builtin
    from logistics.screening import compare, problem_from

    return compare(problem_from(builtin()), time_limit=3.0).plans


@pytest.mark.parametrize("width", [80, 100, 120])
def test_owl_screen_compare_table_fits_the_terminal(compared, width: int) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    from logistics.cli.screen import _summary_table

    console = Console(width=width, record=True, color_system=None)
    console.print(_summary_table("compare", compared, "USD", width))
    text = console.export_text()
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    assert "…" not in text
    header = next(line for line in text.splitlines() if "configuration" in line)
    for col in ("configuration", "cost/day USD", "missed USD", "dwell mean h", "intended flight"):
        assert col in header, (col, header)
    assert {"before", "measure8", "optimized"} <= {line.split()[0] for line in text.splitlines() if line.strip()}
    wide = Console(width=400, record=True, color_system=None)
    wide.print(_summary_table("compare", compared, "USD", width, wide=True))
    assert "floor+trucks USD" in wide.export_text()
