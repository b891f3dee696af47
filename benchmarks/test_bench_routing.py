"""Routing: building problems fast, and a quick quality gate (issue #3).

Target: building a 1,000-client problem with its distance and duration matrices under 1 s (reported). The
quality gate runs the protocol of ``benchmarks/routing_quality.py`` on three small instances at short limits
and fails when PyVRP (``auto``) is more than 0.6% above the best-known value.
"""

from __future__ import annotations

import dataclasses

from routing_quality import QUICK, instances

from logistics import builtin
from logistics.routing import lastmile_problem, read_instance, solve


def test_build_1000_clients(benchmark) -> None:  # type: ignore[no-untyped-def]
    s = builtin()
    routing = s.routing
    assert routing is not None
    lm = dataclasses.replace(routing.lastmile, max_orders=1000, local_share=1.0)
    s = dataclasses.replace(s, routing=dataclasses.replace(routing, lastmile=lm))
    p = benchmark(lastmile_problem, s, warehouse="WH-LA", seed=1)
    assert p.n_clients == 1000


def test_quick_quality_gate() -> None:
    for family, name, path, bks, _ in instances({"quick"}):
        limit = 2.0 if family == "VRPTW" else 3.0
        r = solve(read_instance(path), time_limit=limit, seed=1, backend="auto")
        assert r.feasible, name
        assert (r.cost - bks) / bks <= 0.006, (name, r.cost, bks)
    assert len(QUICK) == 3
