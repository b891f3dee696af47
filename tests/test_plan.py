"""``owl plan`` end to end on the built-in scenario: every output written, readable, consistent and replaceable;
the HTML report self-contained and rendered by a real headless Chromium."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pytest

from logistics import builtin
from logistics.plan import OUTPUTS
from tests.harness import invoke


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plan")
    r = invoke(*["plan", "--out", str(out), "--time-limit", "1", "--json"])
    assert r.exit_code == 0, r.output
    (out / "stdout.json").write_text(r.stdout)
    return out


def test_every_output_is_written(plan_dir: Path) -> None:
    names = {p.name for p in plan_dir.iterdir()}
    assert set(OUTPUTS) <= names
    assert names - set(OUTPUTS) == {"stdout.json"}  # no temporary files left behind


def test_summary_records_steps_and_matches_stdout(plan_dir: Path) -> None:
    summary = json.loads((plan_dir / "summary.json").read_text())
    assert summary == json.loads((plan_dir / "stdout.json").read_text())
    assert set(summary["steps"]) >= {"chain", "design", "pickups", "last_mile", "screening", "outputs"}
    assert summary["runtime_s"] >= sum(summary["steps"].values()) - 0.5
    assert summary["design"]["status"] == "optimal"
    assert all(job["feasible"] for job in summary["routing"])
    assert summary["routing_infeasible"] == []
    assert summary["design_time_limit_s"] == 60.0
    # Screening volumes come from the design: its 9610/1210 air and postal parcels over the design share, spread
    # over each gateway's screening flows.
    vol = summary["screening"]["volumes"]
    assert vol["design_share"] == 0.01
    assert sum(vol["flows"].values()) == pytest.approx(sum(vol["parcels_per_day_from_design"].values()), abs=1.0)
    for row in summary["screening"]["configurations"]:
        assert row["parcels"] == pytest.approx(sum(vol["flows"].values()), abs=1.0)


def test_geopackage_reads_back_with_the_plan(plan_dir: Path) -> None:
    """Every product-market demand is served once, so the flows' units add up to the total demand; open
    warehouses in the sites layer are the design's; one route feature per vehicle route."""
    summary = json.loads((plan_dir / "summary.json").read_text())
    gpkg = plan_dir / "plan.gpkg"
    sites = gpd.read_file(gpkg, layer="sites")
    flows = gpd.read_file(gpkg, layer="flows")
    routes = gpd.read_file(gpkg, layer="routes")
    lanes = gpd.read_file(gpkg, layer="lanes")
    assert sites.crs.to_epsg() == 4326
    assert set(sites.geom_type) == {"Point"}
    assert set(flows.geom_type) == {"LineString"}
    assert set(routes.geom_type) == {"LineString"}
    total = sum(u for m in builtin().markets for u in m.demand_per_year.values())
    assert flows["units_per_year"].sum() == pytest.approx(total, rel=1e-6)
    wh = sites[sites["role"] == "warehouse"]
    assert set(wh[wh["open"].astype(bool)]["id"]) == set(summary["open_warehouses"])
    assert set(summary["open_warehouses"]) | set(summary["open_hubs"]) == set(summary["design"]["open"])
    assert len(routes) == sum(job["vehicles"] for job in summary["routing"])
    assert (lanes["units_per_year"] > 0).any()
    again = gpd.read_file(plan_dir / "flows.geojson")
    assert again["units_per_year"].sum() == pytest.approx(flows["units_per_year"].sum())
    for name, layer in (("sites", sites), ("lanes", lanes), ("flows", flows), ("routes", routes)):
        geo = gpd.read_file(plan_dir / f"{name}.geojson")
        assert len(geo) == len(layer), name
        assert geo.crs.to_epsg() == 4326
        assert list(geo.geom_type) == list(layer.geom_type), name
    assert set(gpd.read_file(plan_dir / "routes.geojson")["job"]) == {job["job"] for job in summary["routing"]}


def test_route_km_is_the_routes_own_distance(plan_dir: Path) -> None:
    # The routing matrices are great-circle km times the scenario's detour factor, so each route's km is the
    # great-circle length of its line in plan.gpkg times that factor (up to the metre rounding of the matrix), and
    # a job's km in summary.json is the sum over its routes. (It was 1,000 times too small.)
    from networks import haversine_km

    summary = json.loads((plan_dir / "summary.json").read_text())
    routes = gpd.read_file(plan_dir / "plan.gpkg", layer="routes")
    s = builtin()
    assert s.routing is not None
    detour = s.routing.detour_factor
    for _, r in routes.iterrows():
        xy = list(r.geometry.coords)
        great_circle = sum(haversine_km(a[1], a[0], b[1], b[0]) for a, b in itertools.pairwise(xy))
        assert r["km"] == pytest.approx(great_circle * detour, rel=1e-3, abs=0.01)
    for job in summary["routing"]:
        own = routes.loc[routes["job"] == job["job"], "km"].sum()
        assert own > 1.0  # a day of pickups or deliveries covers more than a kilometre
        assert job["km"] == pytest.approx(own, abs=0.06)


def test_report_is_self_contained(plan_dir: Path) -> None:
    page = (plan_dir / "report.html").read_text()
    assert "<svg" in page
    assert "data:image/png;base64," in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_rerun_replaces_the_files(plan_dir: Path, tmp_path: Path) -> None:
    """A second run into a copy of the folder replaces every output and leaves nothing else."""
    copy = tmp_path / "again"
    shutil.copytree(plan_dir, copy)
    old = {n: (copy / n).stat().st_ino for n in OUTPUTS}
    # What a killed run leaves behind: temporary files of the outputs; the next run clears them.
    (copy / ".map.png.x1y2.tmp").write_bytes(b"half")
    (copy / ".plan.gpkg.x1y2.tmp.gpkg").write_bytes(b"half")
    r = invoke(*["plan", "--out", str(copy), "--time-limit", "1", "--quiet"])
    assert r.exit_code == 0, r.output
    assert all((copy / n).stat().st_ino != old[n] for n in OUTPUTS)  # renamed into place, not rewritten
    assert {p.name for p in copy.iterdir()} == {*OUTPUTS, "stdout.json"}


def test_map_command(plan_dir: Path, tmp_path: Path) -> None:
    png = tmp_path / "m.png"
    r = invoke(*["map", "--plan", str(plan_dir), "--out", str(png)])
    assert r.exit_code == 0, r.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = tmp_path / "m.html"
    r = invoke(*["map", "--out", str(page)])
    assert r.exit_code == 0
    assert "leaflet" in page.read_text().lower()
    for args, needle in ((["map", "--out", str(tmp_path / "m.txt")], "--out"),
                         (["map", "--plan", str(tmp_path / "none"), "--out", str(png)], "--plan")):
        r = invoke(*args)
        assert r.exit_code == 2
        assert needle in r.stderr


def test_map_command_names_what_is_wrong_with_a_geopackage(plan_dir: Path, tmp_path: Path) -> None:
    import pyogrio

    garbage = tmp_path / "garbage.gpkg"
    garbage.write_bytes(b"not a geopackage")
    no_sites = tmp_path / "no-sites.gpkg"
    lanes = gpd.read_file(plan_dir / "plan.gpkg", layer="lanes")
    pyogrio.write_dataframe(lanes, no_sites, layer="lanes", driver="GPKG")
    no_role = tmp_path / "no-role.gpkg"
    sites = gpd.read_file(plan_dir / "plan.gpkg", layer="sites").drop(columns=["role"])
    pyogrio.write_dataframe(sites, no_role, layer="sites", driver="GPKG")
    no_share = tmp_path / "no-share.gpkg"
    pyogrio.write_dataframe(gpd.read_file(plan_dir / "plan.gpkg", layer="sites"), no_share, layer="sites",
                            driver="GPKG")
    flows = gpd.read_file(plan_dir / "plan.gpkg", layer="flows").drop(columns=["share"])
    pyogrio.write_dataframe(flows, no_share, layer="flows", driver="GPKG")
    for path, needle in ((garbage, "not a readable GeoPackage"), (no_sites, "no 'sites' layer"),
                         (no_role, "sites.role"), (no_share, "flows.share")):
        r = invoke(*["map", "--plan", str(path), "--out", str(tmp_path / "m.html")])
        assert r.exit_code == 2, r.output
        assert str(path) in r.stderr
        assert needle in r.stderr
        assert "Traceback" not in r.output
    assert not (tmp_path / "m.html").exists()


@pytest.mark.parametrize(("args", "needle"), [
    (["--time-limit", "0"], "--time-limit"),
    (["--design-time-limit", "inf"], "--design-time-limit"),
    (["--design-time-limit", "-1"], "--design-time-limit"),
    (["--seed", "-1"], "--seed"),
])
def test_plan_refuses_bad_options_before_solving(tmp_path: Path, args: list[str], needle: str) -> None:
    r = invoke(*["plan", "--out", str(tmp_path / "p"), *args])
    assert r.exit_code == 2, r.output
    assert needle in r.stderr
    assert not (tmp_path / "p").exists()


def test_plan_refuses_an_unwritable_folder_before_solving(tmp_path: Path) -> None:
    """A folder below a regular file can never be created (also as root): exit 2 naming --out, no traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = invoke(*["plan", "--out", str(blocker / "plan")])
    assert r.exit_code == 2, r.output
    assert "--out" in r.stderr
    assert str(blocker / "plan") in r.stderr
    assert "Traceback" not in r.output
    r = invoke(*["map", "--out", str(blocker / "m.html")])
    assert r.exit_code == 2, r.output
    assert "--out" in r.stderr


def test_same_layers_give_the_same_files(tmp_path: Path) -> None:
    """folium's random element ids and GeoPackage's write time would make every run's files differ."""
    from logistics.report import folium_map, plan_layers, write_geopackage

    layers = plan_layers(builtin())
    assert folium_map(layers) == folium_map(layers)
    a = write_geopackage(layers, tmp_path / "a.gpkg", last_change="2026-07-01T00:00:00.000Z").read_bytes()
    b = write_geopackage(layers, tmp_path / "b.gpkg", last_change="2026-07-01T00:00:00.000Z").read_bytes()
    assert a == b
    assert {p.name for p in tmp_path.iterdir()} == {"a.gpkg", "b.gpkg"}


def test_staged_outputs_replace_all_or_nothing(tmp_path: Path) -> None:
    from logistics.io import StagedOutputs

    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "b.txt").write_text("old b")
    def fail_half_way() -> None:
        with StagedOutputs() as staged:
            staged.write_text(tmp_path / "a.txt", "new a")
            staged.write_text(tmp_path / "b.txt", "new b")
            raise RuntimeError("failed before the end")

    with pytest.raises(RuntimeError):
        fail_half_way()
    assert (tmp_path / "a.txt").read_text() == "old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    with StagedOutputs() as staged:
        staged.write_text(tmp_path / "a.txt", "new a")
        staged.write_text(tmp_path / "b.txt", "new b")
        assert (tmp_path / "a.txt").read_text() == "old a"  # nothing visible until the end
    assert [(tmp_path / n).read_text() for n in ("a.txt", "b.txt")] == ["new a", "new b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_report_renders_in_headless_chromium(plan_dir: Path, tmp_path: Path) -> None:
    """Load the report in a real headless Chromium: a screenshot that is not blank, no console errors.

    Skipped where no Chromium is installed, unless OWL_REQUIRE_BROWSER=1 (set by .ci/run, which installs
    Debian's chromium package), in which case a missing browser fails the test.
    """
    exe = _chromium()
    if exe is None:
        if os.environ.get("OWL_REQUIRE_BROWSER") == "1":
            pytest.fail("OWL_REQUIRE_BROWSER=1 but no chromium on PATH; install Debian's chromium package")
        pytest.skip("no chromium installed")
    shot = tmp_path / "report.png"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr",
           "--v=0", "--window-size=1280,2400", "--virtual-time-budget=5000", f"--screenshot={shot}",
           (plan_dir / "report.html").as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert shot.exists(), proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert not console, console
    import matplotlib.image as mpimg

    pixels = mpimg.imread(shot)
    assert pixels.std() > 0.05  # a blank page is one colour
