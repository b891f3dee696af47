"""Chain model speed: 1,000,000 synthetic flow rows, vectorized, against a per-row Python loop.

Targets (issue #2): under 2 s for 1M rows on the 2-core reference machine, and at least 30x faster per row than
a straightforward loop calling the same stage functions on one row at a time, measured in the same run. The
ratio is asserted; the absolute time is reported (machines are noisy).

Run: ``pytest benchmarks/test_bench_chain.py --benchmark-json=bench-chain.json``
"""

from __future__ import annotations

import time

import numpy as np
from conftest import N_ROWS, synthetic_flows

from logistics import builtin, evaluate
from logistics.chain import ChainInputs, compute

LOOP_ROWS = 5_000
MIN_SPEEDUP = 30.0


def _loop(x: ChainInputs, n: int) -> list[dict[str, float]]:
    return [compute(x.row(i)) for i in range(n)]


def test_compute_1m_rows(benchmark, million_inputs: ChainInputs) -> None:  # type: ignore[no-untyped-def]
    out = benchmark.pedantic(compute, args=(million_inputs,), rounds=3, iterations=1, warmup_rounds=1)
    assert out["landed_cost"].shape == (N_ROWS,)
    assert np.isfinite(out["landed_cost"]).all()
    benchmark.extra_info["rows"] = N_ROWS


def test_evaluate_1m_rows_end_to_end(benchmark) -> None:  # type: ignore[no-untyped-def]
    """evaluate(): gathering parameters from the scenario, all stages and the labelled report."""
    s = builtin()
    f, _, _ = synthetic_flows(N_ROWS)
    report = benchmark.pedantic(evaluate, args=(s, f), rounds=3, iterations=1, warmup_rounds=1)
    assert len(report) == N_ROWS
    benchmark.extra_info["rows"] = N_ROWS


def test_vectorized_speedup_over_row_loop(benchmark, million_inputs: ChainInputs) -> None:  # type: ignore[no-untyped-def]
    """Per-row time of the batch vs the loop, both measured here; the loop runs on a 5,000-row sample."""
    sample = million_inputs.take(np.arange(LOOP_ROWS))
    t0 = time.perf_counter()
    _loop(sample, LOOP_ROWS)
    loop_per_row = (time.perf_counter() - t0) / LOOP_ROWS
    benchmark.pedantic(compute, args=(million_inputs,), rounds=3, iterations=1)
    batch_per_row = benchmark.stats.stats.min / N_ROWS
    speedup = loop_per_row / batch_per_row
    benchmark.extra_info.update(loop_us_per_row=loop_per_row * 1e6, batch_us_per_row=batch_per_row * 1e6,
                                speedup=speedup, loop_seconds_for_1m_rows=loop_per_row * N_ROWS)
    print(f"\nloop {loop_per_row * 1e6:.1f} us/row (~{loop_per_row * N_ROWS:.0f} s for 1M rows); "
          f"batch {batch_per_row * 1e9:.0f} ns/row; speedup {speedup:,.0f}x")
    assert speedup >= MIN_SPEEDUP
