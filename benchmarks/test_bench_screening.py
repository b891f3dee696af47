"""Measure 8 screening speed (issue #5).

Targets on the 2-core reference machine: Erlang C for 10,000 (lambda, mu, c) triples under 50 ms; the placement
optimizer for 10 sites x 24 hours under 10 s; one simulated day of 200,000 parcels under 60 s per replication.
Times are reported by pytest-benchmark, not asserted (machines are noisy); the quality checks are asserted.

Run: ``pytest benchmarks/test_bench_screening.py --benchmark-json=bench-screening.json``
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from logistics import builtin
from logistics.scenario import ScreeningData
from logistics.screening import optimize, placement, problem_from, queueing, simulate_day


def ten_site_data() -> ScreeningData:
    """The built-in screening data grown to 10 candidate sites: as many more cargo stations as that takes, each
    taking over half of an existing upstream flow (with its own truck timetable)."""
    d = builtin().screening
    assert d is not None
    sites, flows = list(d.sites), list(d.flows)
    upstream = [f for f in d.flows if f.origin != d.terminal][:10 - len(sites)]
    for k, flow in enumerate(upstream):
        origin = d.site(flow.origin)
        new = dataclasses.replace(origin, id=f"NEW-{k}", name=f"new station {k}", kind="off_airport",
                                  truck_departures=tuple(sorted((t + 1.0) % 24 for t in origin.truck_departures)))
        sites.append(new)
        half = flow.parcels_per_day / 2
        flows[flows.index(flow)] = dataclasses.replace(flow, parcels_per_day=half)
        flows.append(dataclasses.replace(flow, id=f"{flow.id}-new{k}", origin=new.id, parcels_per_day=half,
                                         candidates=(new.id, d.terminal)))
    return dataclasses.replace(d, sites=tuple(sites), flows=tuple(flows))


def test_erlang_c_10k_triples(benchmark) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(42)
    c = rng.integers(1, 50, 10_000)
    mu = rng.uniform(100, 2500, 10_000)
    lam = rng.uniform(0.05, 0.98, 10_000) * c * mu
    wait = benchmark(queueing.mgc_wait, lam, mu, c, 0.09)
    assert np.isfinite(wait).all()


def test_placement_10_sites_24_hours(benchmark) -> None:  # type: ignore[no-untyped-def]
    problem = problem_from(ten_site_data())
    assert problem.n_sites == 10
    plan = benchmark.pedantic(optimize, args=(problem,), kwargs={"time_limit": 60.0}, rounds=3, iterations=1)
    benchmark.extra_info.update(status=plan.status, gap=plan.gap, objective=plan.objective, flows=problem.n_flows)
    assert plan.status == "optimal"  # within the default 0.1% gap
    fixed = [optimize(problem, fixed=placement(problem, c)).objective for c in ("before", "measure8")]
    assert plan.objective <= min(fixed) * (1 + 1e-3) + 1e-6


@pytest.mark.parametrize("parcels", [200_000])
def test_simulated_day(benchmark, parcels: int) -> None:  # type: ignore[no-untyped-def]
    d = builtin().screening
    assert d is not None
    scale = parcels / sum(f.parcels_per_day for f in d.flows)
    flows = tuple(dataclasses.replace(f, parcels_per_day=f.parcels_per_day * scale) for f in d.flows)
    # Resources grow with the volume, so that the plan stays feasible.
    sites = tuple(dataclasses.replace(s, max_lanes=round(s.max_lanes * scale) + 1) for s in d.sites)
    grown = dataclasses.replace(d, flows=flows, sites=sites, screener_pool=round(d.screener_pool * scale))
    problem = problem_from(grown)
    plan = optimize(problem, fixed=placement(problem, "measure8"))
    day = benchmark.pedantic(simulate_day, args=(problem, plan.assignment, plan.lanes, 1), rounds=1, iterations=1)
    benchmark.extra_info.update(parcels=day.parcels, share_intended_flight=day.share_intended_flight)
    assert abs(day.parcels - parcels) < 5 * parcels**0.5
    assert day.share_intended_flight > 0.99
