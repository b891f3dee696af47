"""Sweep engine speed (issue #17) on the built-in scenario, with results written to a Parquet folder.

Targets on the 2-core reference machine, asserted: 1,000 chain-only variants in at most 30 s on 2 workers; 200
chain + design variants in at most 5 minutes; scheduling and I/O overhead at most 20 ms a variant (the wall time
times the workers, less the time the variants themselves took, over the variants); a speed-up of at least 1.7 from
1 to 2 workers (a ratio of two runs in this process, so the machine's speed cancels out).

Run: ``pytest benchmarks/test_bench_sweep.py --benchmark-json=bench-sweep.json``
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from logistics.sweep import parse_spec, sweep


def _spec(samples: int, run: str, seed: int = 1) -> str:
    return f"""\
scenario = "builtin"
sampling = "lhs"
samples = {samples}
seed = {seed}
run = {run}
design_time_limit = 20

[[parameter]]
name = "air rate to LAX"
path = "lanes[airp-CAN-LAX].per_kg"
mode = "scale"
distribution = {{ kind = "triangular", low = 0.8, mode = 1.0, high = 1.6 }}

[[parameter]]
name = "ocean rates"
path = "lanes[*].per_container"
mode = "scale"
distribution = {{ kind = "lognormal", median = 1.0, sigma = 0.35 }}

[[parameter]]
name = "demand"
path = "markets[*].demand_per_year.*"
mode = "scale"
distribution = {{ kind = "uniform", low = 0.7, high = 1.1 }}

[[parameter]]
name = "cost of capital"
path = "finance.cost_of_capital"
distribution = {{ kind = "uniform", low = 0.05, high = 0.12 }}

[[parameter]]
name = "date"
path = "date"
values = ["2025-04-01", "2025-09-01", "2026-03-01"]
"""


def test_thousand_chain_variants_in_30_s(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = parse_spec(_spec(1000, '["chain"]'), "bench.toml")
    res = benchmark.pedantic(sweep, args=(spec, tmp_path), kwargs={"workers": 2}, rounds=1, iterations=1)
    work = float(res.frame["runtime_s"].sum())
    overhead = (res.seconds * 2 - work) / len(res.frame)
    benchmark.extra_info.update(seconds=res.seconds, variant_seconds_mean=work / len(res.frame),
                                overhead_ms_per_variant=overhead * 1000)
    assert res.ran == 1000
    assert (res.frame["status"] == "ok").all()
    assert res.seconds <= 30.0
    assert overhead <= 0.020


def test_two_hundred_chain_and_design_variants_in_5_minutes(benchmark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = parse_spec(_spec(200, '["chain", "design"]'), "bench.toml")
    res = benchmark.pedantic(sweep, args=(spec, tmp_path), kwargs={"workers": 2}, rounds=1, iterations=1)
    benchmark.extra_info.update(seconds=res.seconds, ok=int((res.frame["status"] == "ok").sum()))
    assert res.ran == 200
    assert res.seconds <= 300.0


@pytest.mark.parametrize("n", [600])
def test_speed_up_from_one_to_two_workers(benchmark, tmp_path: Path, n: int) -> None:  # type: ignore[no-untyped-def]
    spec = parse_spec(_spec(n, '["chain"]', seed=2), "bench.toml")
    t0 = time.perf_counter()
    sweep(spec, tmp_path / "one", workers=1)
    one = time.perf_counter() - t0
    two = benchmark.pedantic(lambda: sweep(spec, tmp_path / "two", workers=2), rounds=1, iterations=1).seconds
    benchmark.extra_info.update(one_worker_s=one, two_workers_s=two, speed_up=one / two)
    assert one / two >= 1.7
