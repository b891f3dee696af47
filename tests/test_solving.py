"""The solvers' shared vocabulary: limits are checked once, summaries render to strict JSON the same way, and
the three solver results answer ``.summary`` with the same names."""

from __future__ import annotations

import json
import math

import pytest

from logistics import builtin
from logistics.design import scenario_design, solve_design
from logistics.routing import lastmile_problem, solve
from logistics.solving import Limits, SolveSummary, Status, check_time_limit


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf, math.nan, 1e400])
def test_time_limit_must_be_positive_and_finite(bad: float) -> None:
    with pytest.raises(ValueError, match="time_limit must be a finite number of seconds > 0"):
        check_time_limit(bad)
    with pytest.raises(ValueError, match="time_limit"):
        Limits(time_limit=bad)


def test_limits_check_gap_seed_threads() -> None:
    assert Limits(time_limit=2.5, gap=0.0, seed=3, threads=1).time_limit == 2.5
    for kwargs, word in (({"gap": -1e-3}, "gap"), ({"seed": -1}, "seed"), ({"threads": 0}, "threads")):
        with pytest.raises(ValueError, match=word):
            Limits(**kwargs)  # type: ignore[arg-type]


def test_summary_json_is_strict() -> None:
    doc = SolveSummary(Status.INFEASIBLE, math.inf, None, None, 0.12345).to_json()
    assert doc == {"status": "infeasible", "objective": None, "bound": None, "gap": None, "runtime_s": 0.123}
    json.dumps(doc, allow_nan=False)  # raises on NaN or infinity


def test_design_and_routing_results_share_the_summary() -> None:
    s = builtin()
    design = solve_design(scenario_design(s), limits=Limits(time_limit=60, gap=1e-3))
    d = design.summary
    assert d.status is Status.OPTIMAL
    assert (d.objective, d.bound, d.gap) == (design.objective, design.bound, design.gap)
    doc = design.to_json()
    assert {k: doc[k] for k in ("status", "objective", "bound", "gap")} == \
        {k: v for k, v in d.to_json().items() if k != "runtime_s"}
    route = solve(lastmile_problem(s, warehouse="WH-DE", seed=0), limits=Limits(time_limit=1, seed=0))
    r = route.summary
    assert r.status is (Status.FEASIBLE if route.feasible else Status.INFEASIBLE)
    assert r.objective == route.cost
    assert r.bound is None  # a heuristic proves no bound


def test_routing_needs_a_time_limit() -> None:
    with pytest.raises(ValueError, match="time_limit"):
        solve(lastmile_problem(builtin(), warehouse="WH-DE", seed=0))


def test_screening_result_shares_the_summary() -> None:
    from logistics.screening import optimize, placement, problem_from

    p = problem_from(builtin())
    plan = optimize(p, fixed=placement(p, "measure8"), limits=Limits(time_limit=30, gap=1e-3))
    s = plan.summary
    assert s.status in (Status.OPTIMAL, Status.TIME_LIMIT)
    assert (s.objective, s.bound, s.gap) == (plan.objective, plan.bound, plan.gap)
    with pytest.raises(ValueError, match="time_limit"):
        optimize(problem_from(builtin()), time_limit=math.inf)
    with pytest.raises(ValueError, match="unknown solver 'cpsat'"):
        optimize(problem_from(builtin()), solver="cpsat")
