"""``measure_worth`` and ``owl measures``: every configuration on common draws, differences against no measure."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from logistics.errors import ScenarioError
from logistics.scenario import builtin
from logistics.sweep import parse_spec, sweep
from logistics.sweep.measures import UNCERTAINTY, measure_worth
from tests.harness import Owl


@pytest.fixture(scope="module")
def worth():  # type: ignore[no-untyped-def]
    return measure_worth(builtin(), draws=3, seed=5, run=("chain", "design"), workers=2, design_time_limit=30)


def test_every_configuration_runs_on_the_same_draws(worth) -> None:  # type: ignore[no-untyped-def]
    s = builtin()
    ids = [m.id for m in s.measures]
    assert [r["config"] for r in worth.rows] == ["none", *ids, "all"]
    assert worth.failed == 0
    f = worth.frame
    names = [f"in:{p.name}" for p in UNCERTAINTY]
    draws = f[names].to_numpy(dtype=float).reshape(len(worth.rows), 3, len(names))
    # Common random numbers: each configuration sees the very same draws.
    assert (draws == draws[0]).all()
    assert len(np.unique(draws[0], axis=0)) == 3
    switches = f[[f"in:measure:{m}" for m in ids]].to_numpy(dtype=bool).reshape(len(worth.rows), 3, len(ids))
    assert not switches[0].any()
    assert switches[-1].all()
    for k in range(len(ids)):
        assert (switches[k + 1].sum(axis=1) == 1).all()
        assert switches[k + 1][:, k].all()


def test_public_overseas_warehouses_are_worth_half_the_open_ones_fixed_cost(worth) -> None:  # type: ignore
    # m16 off multiplies every overseas warehouse's fixed cost by 1.5. When the plan keeps the same warehouses
    # open, m16 on saves 0.5 x their fixed cost: WH-MY's 80,000 USD a year gives -40,000 (up to the 0.1% gap).
    s = builtin()
    row = next(r for r in worth.rows if r["config"] == "m16")
    none = worth.rows[0]
    assert row["open"] == none["open"] == ["WH-MY"]
    fixed = sum(w.fixed_cost_per_year for w in s.warehouses if w.id in row["open"])
    assert fixed == 80_000
    assert row["delta_annual_cost"][0] == pytest.approx(-0.5 * fixed, abs=1e-3 * none["annual_cost"])
    # m5 has no effect in any model: exactly zero, draw by draw.
    m5 = next(r for r in worth.rows if r["config"] == "m5")
    assert m5["delta_annual_cost"] == [0.0, 0.0]


def test_the_measures_run_is_a_resumable_sweep(tmp_path: Path) -> None:
    kw = {"draws": 2, "run": ("chain",), "workers": 1, "out": tmp_path / "m"}
    first = measure_worth(builtin(), **kw)
    again = measure_worth(builtin(), **kw)
    assert len(first.frame) == 2 * 11
    pd.testing.assert_frame_equal(first.frame.drop(columns="runtime_s"), again.frame.drop(columns="runtime_s"))
    assert first.rows == again.rows


def test_a_sweep_spec_can_switch_a_measure(tmp_path: Path) -> None:
    spec = parse_spec('scenario = "builtin"\nsampling = "grid"\nrun = ["chain", "design"]\n[[parameter]]\n'
                      'name = "m9"\npath = "measures[m9].in_force"\nvalues = [true, false]\n', "m.toml")
    rows = sweep(spec, workers=1).frame
    on, off = rows["design_annual_cost"]
    assert off > on  # higher handling fees without measure 9 on the design's direct-mail parcels


def test_a_scenario_without_measures_is_refused() -> None:
    bare = dataclasses.replace(builtin(), measures=())
    with pytest.raises(ScenarioError, match="no \\[\\[measures\\]\\]"):
        measure_worth(bare, draws=1, run=("chain",))


def test_owl_measures_json_and_table(owl: Owl, tmp_path: Path) -> None:
    doc = owl("measures", "-n", "2", "--run", "chain,design", "--quiet", "--json").json()
    assert next(c["config"] for c in doc["configurations"]) == "none"
    assert len(doc["configurations"]) == 11
    assert doc["units"]["annual_cost"] == "currency/year"
    json.dumps(doc, allow_nan=False)
    m9 = next(c for c in doc["configurations"] if c["config"] == "m9")
    assert m9["delta_annual_cost"][0] < 0
    table = owl("measures", "-n", "2", "--run", "chain", "--quiet", "--out", str(tmp_path / "o")).ok()
    assert "m16" in table.stdout
    assert "[[measures]]" in table.stdout
    assert json.loads((tmp_path / "o" / "measures.json").read_text())["draws"] == 2


def test_owl_measures_bad_options_exit_2(owl: Owl, tmp_path: Path) -> None:
    r = owl("measures", "--run", "chain,routing")
    assert r.exit_code == 2
    assert "--run" in r.stderr
    assert "Traceback" not in r.output
    r = owl("measures", "--design-time-limit", "0")
    assert r.exit_code == 2
    assert "--design-time-limit" in r.stderr
    bad = tmp_path / "u.toml"
    bad.write_text('scenario = "builtin"\n[[parameter]]\nname = "x"\npath = "finance.nope"\nvalues = [1]\n')
    r = owl("measures", "--uncertainty", str(bad), "--run", "chain")
    assert r.exit_code == 2
    assert "u.toml" in r.stderr
    assert "nope" in r.stderr
