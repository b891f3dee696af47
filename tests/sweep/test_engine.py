"""The sweep engine with real parts: process pools, a Dask LocalCluster, a Dask scheduler and worker started as
processes, the resumable Parquet folder and its lock, and the summary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from logistics.errors import OutputError, ScenarioError
from logistics.sweep import ResultStore, parse_spec, summarize, sweep
from tests.harness import Owl

SPEC = """\
scenario = "builtin"
sampling = "lhs"
samples = 12
seed = 11
run = ["chain", "design"]
design_time_limit = 20

[[parameter]]
name = "air"
path = "lanes[airp-CAN-LAX].per_kg"
mode = "scale"
distribution = { kind = "triangular", low = 0.8, mode = 1.0, high = 1.6 }

[[parameter]]
name = "demand"
path = "markets[*].demand_per_year.*"
mode = "scale"
distribution = { kind = "uniform", low = 0.7, high = 1.15 }

[[parameter]]
name = "date"
path = "date"
values = ["2025-04-01", "2026-03-01"]
"""


def _outputs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["runtime_s"]).sort_values("variant").reset_index(drop=True)


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    spec = parse_spec(SPEC, "t.toml")
    res = sweep(spec, tmp_path_factory.mktemp("local"), workers=2)
    assert res.ran == 12
    assert (res.frame["status"] == "ok").all()
    return _outputs(res.frame)


def test_same_spec_and_seed_give_the_same_rows_on_any_executor(local: pd.DataFrame, tmp_path: Path) -> None:
    spec = parse_spec(SPEC, "t.toml")
    with ThreadPoolExecutor(1) as ex:
        again = sweep(spec, tmp_path, executor=ex, batch=5)
    pd.testing.assert_frame_equal(_outputs(again.frame), local)


def test_dask_local_cluster_gives_the_local_rows(local: pd.DataFrame, tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        res = sweep(parse_spec(SPEC, "t.toml"), tmp_path, executor=client.get_executor())
    pd.testing.assert_frame_equal(_outputs(res.frame), local)


def test_owl_sweep_on_a_dask_scheduler_and_worker_started_as_processes(owl: Owl, local: pd.DataFrame,
                                                                       tmp_path: Path) -> None:
    """`dask scheduler` and `dask worker` as separate processes on 127.0.0.1, the sweep through --scheduler."""
    dask = shutil.which("dask", path=os.path.dirname(sys.executable))
    assert dask, "the dask command comes with the distributed package"
    info = tmp_path / "scheduler.json"
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(info)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                                       "--no-dashboard", "--host", "127.0.0.1"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout="30s") as c:
            c.wait_for_workers(1, timeout=60)
        spec = tmp_path / "spec.toml"
        spec.write_text(SPEC, encoding="utf-8")
        run = owl("sweep", str(spec), "--out", str(tmp_path / "out"), "--scheduler", address, "--json")
        assert run.exit_code == 0, run
        doc = run.json()
        assert doc["ran"] == 12
        assert doc["ok"] == 12
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
    frame = ResultStore(tmp_path / "out").read()
    frame["variant"] = frame["key"].map({k: i for i, k in enumerate(local["key"])})
    pd.testing.assert_frame_equal(_outputs(frame)[local.columns], local)


def test_a_rerun_skips_what_is_done_and_a_lost_batch_is_rerun(tmp_path: Path) -> None:
    spec = parse_spec(SPEC.replace('run = ["chain", "design"]', 'run = ["chain"]'), "t.toml")
    first = sweep(spec, tmp_path, workers=2, batch=4)
    parts = sorted((tmp_path / "parts").glob("part-*.parquet"))
    assert len(parts) == 3
    assert first.ran == 12
    again = sweep(spec, tmp_path, workers=2, batch=4)
    assert again.ran == 0
    assert again.skipped == 12
    parts[1].unlink()  # as if the sweep had been killed while that batch ran
    third = sweep(spec, tmp_path, workers=2, batch=4)
    assert third.ran == 4
    assert third.skipped == 8
    pd.testing.assert_frame_equal(_outputs(third.frame), _outputs(first.frame))
    assert not list((tmp_path / "parts").glob(".*"))  # no temporary file left behind


def test_a_second_sweep_into_a_locked_folder_is_refused(tmp_path: Path) -> None:
    spec = parse_spec(SPEC.replace('run = ["chain", "design"]', 'run = ["chain"]'), "t.toml")
    with ResultStore(tmp_path), pytest.raises(OutputError, match="another owl sweep"):
        sweep(spec, tmp_path, workers=1)


def test_an_infeasible_variant_keeps_its_row_and_reason(tmp_path: Path) -> None:
    """Half the sellers' supply cannot meet the demand: that variant's design is infeasible, and the sweep
    records it with the design's diagnosis and goes on."""
    text = ('sampling = "grid"\nrun = ["chain", "design"]\n[[parameter]]\nname = "supply"\n'
            'path = "origins[*].supply_per_year.*"\nmode = "scale"\nvalues = [0.5, 1.0]\n')
    res = sweep(parse_spec(text, "t.toml"), tmp_path, workers=2)
    by = dict(zip(res.frame["in:supply"], zip(res.frame["status"], res.frame["reason"], strict=True), strict=True))
    assert by[1.0] == ("ok", "")
    assert by[0.5][0] == "infeasible"
    assert "capacity of" in by[0.5][1]


def test_summary_by_hand() -> None:
    """A made-up frame: y = 10 a + 3 [b = x], with b = x on odd rows. a's swing is the mean of y over its top
    quarter less that over its bottom quarter; b's the mean over b = x less that over b = y (3, plus the odd rows'
    slightly larger a); the decision follows b."""
    spec = parse_spec(HEAD_AB, "t.toml")
    a = [i / 99 for i in range(100)]
    b = ["x" if i % 2 else "y" for i in range(100)]
    frame = pd.DataFrame({"key": [str(i) for i in range(100)], "variant": range(100), "status": "ok",
                          "in:a": a, "in:b": b, "chain_annual_cost": [10 * x + (3 if y == "x" else 0)
                                                                     for x, y in zip(a, b, strict=True)],
                          "chain_channels": [f"p/m:{'9610' if y == 'x' else '9810'}" for y in b]})
    s = summarize(spec, frame)
    swing = {r["input"]: r["swing"] for r in s["tornado"]}
    # a = i / 99: the top quarter is i >= 74.25 (25 values, 13 of them odd), the bottom i <= 24.75 (25, 12 odd).
    top, bottom = range(75, 100), range(0, 25)
    want = (10 * sum(top) / 99 + 3 * 13) / 25 - (10 * sum(bottom) / 99 + 3 * 12) / 25
    assert swing["a"] == pytest.approx(want)
    assert swing["b"] == pytest.approx(3.0 + 10 * (sum(range(1, 100, 2)) - sum(range(0, 100, 2))) / 99 / 50)
    assert [r["input"] for r in s["tornado"]] == ["a", "b"]
    assert s["decisions"]["chain_channels"]["changed_by"] == ["b"]
    # 100 values: the median is halfway between the 50th and 51st smallest.
    y = sorted(frame["chain_annual_cost"])
    assert s["distribution"]["chain_annual_cost"]["p50"] == pytest.approx((y[49] + y[50]) / 2)


def test_sobol_indices_of_a_known_function() -> None:
    """y = 4 a + b with a, b independent uniform on [0, 1]: Var = 16/12 + 1/12, so S1(a) = 16/17, S1(b) = 1/17
    and, additive, ST = S1."""
    text = HEAD_AB.replace('sampling = "mc"\nsamples = 100', 'sampling = "sobol"\nsamples = 1024').replace(
        'path = "finance.parcel_returns"\nvalues = ["write_off", "reimport"]',
        'path = "finance.insurance_rate"\ndistribution = { kind = "uniform", low = 0.0, high = 1.0 }')
    spec = parse_spec(text, "t.toml")
    from logistics.sweep import variants

    v = variants(spec)
    frame = pd.DataFrame({"key": [str(i) for i in range(len(v))], "variant": range(len(v)), "status": "ok",
                          "in:a": [r["a"] for r in v], "in:b": [r["b"] for r in v],
                          "chain_annual_cost": [4 * r["a"] + r["b"] for r in v]})
    sob = summarize(spec, frame)["sobol"]
    assert sob["a"]["S1"] == pytest.approx(16 / 17, abs=0.05)
    assert sob["b"]["S1"] == pytest.approx(1 / 17, abs=0.05)
    assert sob["a"]["ST"] == pytest.approx(16 / 17, abs=0.05)


def test_values_the_scenario_refuses_are_refused_before_anything_runs(tmp_path: Path) -> None:
    text = HEAD_AB.replace("low = 0.0, high = 1.0", "low = -0.5, high = 0.5")
    with pytest.raises(ScenarioError) as info:
        sweep(parse_spec(text, "t.toml"), tmp_path)
    assert info.value.field == "parameter[a]"
    assert "finance.cost_of_capital" in str(info.value)
    assert not list((tmp_path / "parts").glob("*.parquet"))


def test_a_half_written_part_is_cleared_and_the_batch_rerun(tmp_path: Path) -> None:
    spec = parse_spec(SPEC.replace('run = ["chain", "design"]', 'run = ["chain"]'), "t.toml")
    first = sweep(spec, tmp_path, workers=1, batch=6)
    part = sorted((tmp_path / "parts").glob("part-*.parquet"))[0]
    junk = tmp_path / "parts" / f".{part.name}.abc123.tmp.parquet"
    part.rename(junk)  # the batch was being written when the sweep was killed
    again = sweep(spec, tmp_path, workers=1, batch=6)
    assert again.ran == 6
    assert not junk.exists()
    pd.testing.assert_frame_equal(_outputs(again.frame), _outputs(first.frame))


HEAD_AB = """\
sampling = "mc"
samples = 100
[[parameter]]
name = "a"
path = "finance.cost_of_capital"
distribution = { kind = "uniform", low = 0.0, high = 1.0 }
[[parameter]]
name = "b"
path = "finance.parcel_returns"
values = ["write_off", "reimport"]
"""


def test_owl_sweep_example_runs_and_bad_specs_exit_2(owl: Owl, tmp_path: Path) -> None:
    ex = owl("sweep", "--example")
    assert ex.exit_code == 0
    assert "[[parameter]]" in ex.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('[[parameter]]\npath = "lanes[airp-CAN-LAXX].per_kg"\ngrid = [1]\n', encoding="utf-8")
    run = owl("sweep", str(bad), "--out", str(tmp_path / "o"))
    assert run.exit_code == 2, run
    assert "bad.toml" in run.stderr
    assert "airp-CAN-LAX" in run.stderr
    assert "Traceback" not in run.output
    assert owl("sweep", str(bad)).exit_code == 2  # no --out


def test_owl_sweep_dask_local_prints_strict_json(owl: Owl, tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC.replace("samples = 12", "samples = 4").replace('run = ["chain", "design"]',
                                                                       'run = ["chain"]'), encoding="utf-8")
    run = owl("sweep", str(spec), "--out", str(tmp_path / "out"), "--dask", "local", "-w", "2", "--json")
    assert run.exit_code == 0, run
    doc = json.loads(run.stdout, parse_constant=lambda c: pytest.fail(f"{c} is not strict JSON"))
    assert doc["ran"] == 4
    assert json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["ran"] == 4
    assert {r["input"] for r in doc["tornado"]} == {"air", "demand", "date"}
