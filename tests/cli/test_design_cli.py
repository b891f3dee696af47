"""``owl design``: the default scenario, OR-Library files, scenario comparison, bad input and infeasibility."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from logistics.design import read_capopt
from logistics.scenario import builtin_text
from tests.harness import invoke

CFLP = Path(__file__).parents[2] / "benchmarks" / "data" / "cflp"


def test_design_json_default_scenario(tmp_path: Path) -> None:
    geo = tmp_path / "design.geojson"
    r = invoke(*["design", "--json", "--n-best", "1", "--geojson", str(geo)])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["status"] == "optimal"
    assert doc["gap"] <= 1e-3
    assert doc["open"]
    assert all(isinstance(s, str) for s in doc["open"])
    assert sum(doc["cost_by_stage"].values()) == pytest.approx(doc["objective"], rel=1e-6)
    assert len(doc["runner_ups"]) == 1
    feats = json.loads(geo.read_text())["features"]
    opened = {f["properties"]["id"] for f in feats if f["geometry"]["type"] == "Point" and f["properties"]["open"]}
    assert opened == set(doc["open"])
    assert any(f["geometry"]["type"] == "LineString" for f in feats)


def test_design_force_and_limit_options() -> None:
    r = invoke(*["design", "--json", "--n-best", "0", "--force-open", "WH-DE", "--force-closed", "WH-LA",
                            "--max-warehouses", "3"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    wh = [s for s in doc["open"] if s.startswith("WH-")]
    assert "WH-DE" in wh
    assert "WH-LA" not in wh
    assert len(wh) <= 3


def test_orlib_json_contract() -> None:
    r = invoke(*["design", "orlib", str(CFLP / "cap41.txt"), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert {"objective", "status", "open", "gap", "runtime_s"} <= set(doc)
    assert doc["objective"] == pytest.approx(read_capopt(CFLP / "capopt.txt")["cap41"], rel=1e-6)
    assert doc["status"] == "optimal"


def test_compare_two_scenarios(tmp_path: Path) -> None:
    """B caps the warehouses at 2: B costs at least A, and the difference is printed."""
    a = tmp_path / "a.toml"
    b = tmp_path / "b.toml"
    text = builtin_text()
    a.write_text(text)
    b.write_text(text.replace("[design]\n", "[design]\nmax_warehouses = 2\n", 1))
    r = invoke(*["design", "compare", str(a), str(b), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["cost_b"] >= doc["cost_a"] * (1 - 1e-3)
    assert len([s for s in doc["open_b"] if s.startswith("WH-")]) <= 2
    r = invoke(*["design", "compare", str(a), str(b)])
    assert r.exit_code == 0
    assert "B - A" in r.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (["design", "--force-open", "WH-XX"], "--force-open"),
    (["design", "--time-limit", "0"], "--time-limit"),
    (["design", "--service-target", "1.5"], "--service-target"),
    (["design", "orlib", str(CFLP / "capa.txt")], "capacity"),
    (["design", "orlib", "/nonexistent/cap.txt"], "cannot read"),
])
def test_bad_input_exits_2_with_a_clear_line(args: list[str], needle: str) -> None:
    r = invoke(*args)
    assert r.exit_code == 2, r.output
    assert needle in r.stderr
    assert "Traceback" not in r.output


def test_infeasible_design_exits_1_and_names_the_reason() -> None:
    r = invoke(*["design", "--min-warehouses", "3", "--max-warehouses", "2"])
    assert r.exit_code == 1
    assert "warehouse count" in r.stderr


def test_price_promise_reports_what_the_service_target_costs() -> None:
    """The design without its service target can only be cheaper; the reported cost is the difference, and
    with no target (0) the promise costs nothing."""
    doc = invoke("design", "--json", "--n-best", "0", "--price-promise").json()
    promise = doc["promise"]
    assert promise["service_target"] == 0.6
    assert promise["objective_without_target"] <= doc["objective"] * (1 + 1e-4)
    assert promise["cost_per_year"] == pytest.approx(doc["objective"] - promise["objective_without_target"], rel=1e-9)
    free = invoke("design", "--json", "--n-best", "0", "--price-promise", "--service-target", "0").json()
    assert abs(free["promise"]["cost_per_year"]) <= 1e-4 * free["objective"]
