"""Design at scale: the exact reductions, the plan that is never lost, runner-ups in their own time, the routes
built from their patterns, and the progress lines."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest

from logistics.design import DesignInfeasibleError, DesignInstance, Plan, evaluate, scenario_design, solve_design
from logistics.design import solve as design_solve
from logistics.design.reduce import reduce_instance
from logistics.scenario import DesignData, builtin, synth_scenario
from logistics.scenario import routes as scenario_routes
from tests.harness import Owl


def _two_routes(**kw: object) -> DesignInstance:
    """One demand of 10 units, one warehouse W (fixed 5, capacity 100) and an always-open origin O (supply 1000).

    ======  =====  ====  =========  ============
    option  cost   meets  variance  sites
    ======  =====  ====  =========  ============
    0       100    no    4          O, W
    1       120    no    9          O, W       dearer, no faster, more variable: dominated by 0
    2       130    yes   16         O, W       keeps the promise: kept
    3       125    no    1          O, W       dearer, but less variable: kept (it pools less)
    4       90     no    0          O          no warehouse: another signature, kept
    ======  =====  ====  =========  ============

    The origin's 1000 units hold whatever the demand takes (10 at most), so its capacity cannot bind and it drops
    out of the usages; the warehouse's 100 hold too, so its capacity row goes (its link rows stay).
    """
    base: dict[str, object] = dict(
        name="two-routes", site_ids=("W", "O"), site_kind=("warehouse", "origin"), site_fixed=np.array([5.0, 0.0]),
        site_capacity=np.array([100.0, 1000.0]), site_group=("W", "O"), demand_ids=("p@m",),
        demand_qty=np.array([10.0]), demand_market=("m",), opt_demand=np.zeros(5, dtype=np.int64),
        opt_cost=np.array([100.0, 120.0, 130.0, 125.0, 90.0]),
        opt_meets=np.array([False, False, True, False, False]),
        opt_label=tuple(f"o{k}" for k in range(5)),
        use_opt=np.array([0, 0, 1, 1, 2, 2, 3, 3, 4]), use_site=np.array([0, 1, 0, 1, 0, 1, 0, 1, 1]),
        use_amount=np.full(9, 10.0),
        pool_site=np.array([0]), pool_coef=np.array([2.0]), pool_label=("p@W",),
        pm_term=np.zeros(4, dtype=np.int64), pm_opt=np.array([0, 1, 2, 3]), pm_var=np.array([4.0, 9.0, 16.0, 1.0]))
    base.update(kw)
    return DesignInstance(**base)  # type: ignore[arg-type]


def test_dominated_options_and_slack_capacities_are_dropped_by_hand() -> None:
    red = reduce_instance(_two_routes())
    assert red.kept.tolist() == [0, 2, 3, 4]
    assert red.stats["capacities_dropped"] == 2
    r = red.instance
    assert np.isinf(r.site_capacity).all()
    assert 1 not in r.use_site.tolist()  # the origin's usages are gone
    assert r.use_site.tolist() == [0, 0, 0]  # the three warehouse options keep their link to W
    # Cheapest: option 4 (90) needs nothing open. The reduced and full instances agree on every lifted plan.
    got = solve_design(r, gap=1e-9)
    full = solve_design(_two_routes(), gap=1e-9, reduce=False)
    assert got.objective == pytest.approx(90.0) == pytest.approx(full.objective)
    for k in range(r.n_options):
        shares = np.zeros(r.n_options)
        shares[k] = 1.0
        plan = Plan(frozenset({"W"}), shares)
        assert evaluate(r, plan).objective == pytest.approx(evaluate(red.original, red.lift(plan)).objective)


def test_a_capacity_that_can_bind_is_kept() -> None:
    red = reduce_instance(_two_routes(site_capacity=np.array([5.0, 8.0])))
    assert red.stats["capacities_dropped"] == 0
    assert red.instance.site_capacity.tolist() == [5.0, 8.0]


@pytest.fixture(scope="module")
def synth_design():  # type: ignore[no-untyped-def]
    return scenario_design(synth_scenario(8, 16, 12, 5, seed=4))


def test_the_reduction_keeps_the_optimum_of_a_generated_scenario(synth_design) -> None:  # type: ignore[no-untyped-def]
    """Both solves are proved within 1e-6: their optima agree within that, and each plan is judged on the full
    instance."""
    a = solve_design(synth_design, gap=1e-6, time_limit=120)
    b = solve_design(synth_design, gap=1e-6, time_limit=120, reduce=False)
    assert a.status == b.status == "optimal"
    assert a.presolve["reduce_options_kept"] < a.presolve["reduce_options"]
    assert a.objective == pytest.approx(b.objective, rel=2e-6)
    assert a.bound <= b.objective * (1 + 1e-9)
    assert b.bound <= a.objective * (1 + 1e-9)
    assert evaluate(synth_design.instance, a.plan).objective == pytest.approx(a.objective, rel=1e-12)
    assert a.plan.shares.shape == (synth_design.instance.n_options,)


def test_the_best_plan_is_never_dearer_than_a_runner_up(synth_design) -> None:  # type: ignore[no-untyped-def]
    """Stopped at a loose gap, the first search may miss a plan a runner-up search then finds: the cheapest
    found is reported as the best, and every runner-up opens another set of warehouses."""
    r = solve_design(synth_design, gap=0.01, time_limit=120, n_best=3)
    assert r.runner_ups
    assert all(u.objective >= r.objective for u in r.runner_ups)
    sets = [frozenset(r.open_sites) - {h.gateway for h in DesignData().hubs}] + [
        frozenset(u.open_sites) for u in r.runner_ups]
    warehouses = {w.id for w in synth_scenario(8, 16, 12, 5, seed=4).warehouses}
    assert len({s & warehouses for s in sets}) == len(sets)


def test_more_runner_ups_than_there_are_plans_gives_fewer_and_no_failure() -> None:
    """Two warehouse candidates allow four sets of open warehouses: the best plan and at most three others."""
    s = builtin()
    keep = [w.id for w in s.warehouses][:2]
    inst = scenario_design(s, forced_closed=frozenset(w.id for w in s.warehouses if w.id not in keep))
    r = solve_design(inst, gap=1e-4, n_best=8, time_limit=120)
    assert 1 <= len(r.runner_ups) <= 3
    assert len({frozenset(u.open_sites) for u in r.runner_ups}) == len(r.runner_ups)


def test_a_target_no_route_meets_is_diagnosed_without_a_solve() -> None:
    """Every market's promise of one hour: nothing meets it, and the pre-check names the markets at once."""
    s = builtin()
    s = dataclasses.replace(s, markets=tuple(dataclasses.replace(m, promise_days=1 / 24) for m in s.markets))
    with pytest.raises(DesignInfeasibleError) as info:
        solve_design(scenario_design(s), time_limit=60)
    assert len(info.value.diagnosis) == len(s.markets)
    assert all(d.startswith("market ") and "at best 0.0000" in d for d in info.value.diagnosis)


def test_the_fallback_plan_is_feasible_and_no_cheaper_than_the_optimum(synth_design) -> None:  # type: ignore[no-untyped-def]
    inst = reduce_instance(synth_design.instance).instance
    got = design_solve._rescue(inst, "highs", deadline=time.perf_counter() + 120)
    assert got is not None
    plan = got[0]
    cost = evaluate(inst, plan).objective  # raises if the plan broke a constraint
    assert got[1].objective == pytest.approx(cost, rel=1e-12)
    best = solve_design(inst, gap=1e-6, time_limit=120)
    assert cost >= best.bound * (1 - 1e-9)
    used = np.zeros(inst.n_sites)
    np.add.at(used, inst.use_site, plan.shares[inst.use_opt])
    assert all(used[inst.site_index(s)] > 0 for s in plan.open_sites if s in inst.site_ids)


@pytest.mark.parametrize("seed", [1, 2])
def test_routes_from_patterns_equal_the_walk_over_every_path(seed: int) -> None:
    for s in (builtin(), synth_scenario(6, 14, 10, 5, seed=seed)):
        built = scenario_routes.channel_routes(s)
        net = scenario_routes.build_network(s)
        walked = tuple(r for o in s.origins for m in s.markets
                       for r in scenario_routes._classify(net, o.id, m.id, o.market_procurement_pilot))
        assert built == walked


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_generated_market_can_keep_its_promise(seed: int) -> None:
    inst = scenario_design(synth_scenario(10, 40, 20, 6, seed=seed)).instance
    assert design_solve._precheck(inst) == ()


def test_progress_names_every_phase_and_quiet_silences_it(owl: Owl) -> None:
    run = owl("design", "--n-best", "1")
    lines = run.stderr.splitlines()
    for phase in ("load:", "build:", "reduce:", "mip: solve 1: plan", "runner-up 1:"):
        assert any(phase in line for line in lines), phase
    assert all(line.startswith("[") and " s] " in line for line in lines if "warning" not in line)
    assert "gap" in run.stderr
    assert "bound" in run.stderr
    assert owl("design", "--n-best", "1", "--quiet").stderr.strip() == ""


def test_price_promise_within_the_limit_reports_both_designs(owl: Owl) -> None:
    doc = owl("design", "--json", "--price-promise", "--n-best", "0", "--time-limit", "60").json()
    assert doc["promise"]["cost_per_year"] >= 0
