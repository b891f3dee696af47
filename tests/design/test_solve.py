"""Network design: the OR-Library CFLP optima, hand-calculated instances, the evaluator as oracle, the scenario."""

from __future__ import annotations

import math
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pytest

from logistics.design import (
    DesignInfeasibleError,
    DesignInstance,
    InfeasiblePlanError,
    Plan,
    design_instance,
    evaluate,
    read_capopt,
    read_orlib_cflp,
    solve_design,
)
from logistics.errors import ScenarioError
from logistics.scenario import DesignData, load_scenario

CFLP = Path(__file__).parents[2] / "benchmarks" / "data" / "cflp"
OPT = read_capopt(CFLP / "capopt.txt")
SMALL = sorted(k for k in OPT if "@" not in k)


def _tiny(**kw: object) -> DesignInstance:
    """Two facilities, two customers (demand 10 and 20), costs per whole demand:

    ============  =====  =====
    cost          c1     c2
    ============  =====  =====
    f1 (fix 100)  10     40
    f2 (fix 30)   30     20
    ============  =====  =====

    Capacity 25 each. f1 alone cannot carry 30 units, nor can f2. Both open: 130 fixed; c1 from f1 (10), c2 from
    f2 (20) uses 20 <= 25: total 160. That is optimal: any plan needs both facilities (30 > 25).
    """
    base = dict(
        name="tiny", site_ids=("f1", "f2"), site_kind=("facility", "facility"), site_fixed=np.array([100.0, 30.0]),
        site_capacity=np.array([25.0, 25.0]), site_group=("f1", "f2"), demand_ids=("c1", "c2"),
        demand_qty=np.array([10.0, 20.0]), demand_market=("", ""), opt_demand=np.array([0, 0, 1, 1]),
        opt_cost=np.array([10.0, 30.0, 40.0, 20.0]), opt_meets=np.ones(4, dtype=bool),
        opt_label=("c1<-f1", "c1<-f2", "c2<-f1", "c2<-f2"), use_opt=np.arange(4), use_site=np.array([0, 1, 0, 1]),
        use_amount=np.array([10.0, 10.0, 20.0, 20.0]))
    base.update(kw)
    return DesignInstance(**base)  # type: ignore[arg-type]


def test_tiny_instance_by_hand() -> None:
    r = solve_design(_tiny(), gap=0.0)
    assert r.status == "optimal"
    assert r.objective == pytest.approx(160.0)
    assert set(r.open_sites) == {"f1", "f2"}
    assert r.plan.shares == pytest.approx([1, 0, 0, 1])
    assert evaluate(_tiny(), r.plan).objective == pytest.approx(r.objective)


def test_bigger_capacity_lets_one_facility_serve_all() -> None:
    """Capacity 30: f2 alone costs 30 + 30 + 20 = 80, below any plan with f1 (fixed 100)."""
    r = solve_design(_tiny(site_capacity=np.array([30.0, 30.0])), gap=0.0)
    assert r.open_sites == ("f2",)
    assert r.objective == pytest.approx(80.0)


def test_sizes_of_one_site_exclude_each_other() -> None:
    """f1 and f2 as two sizes of one site may not both open; with capacity 25 each no plan is left."""
    with pytest.raises(DesignInfeasibleError):
        solve_design(_tiny(site_group=("s", "s")), gap=0.0)


def test_evaluator_rejects_broken_plans() -> None:
    inst = _tiny()
    with pytest.raises(InfeasiblePlanError, match="closed site f2"):
        evaluate(inst, Plan(frozenset({"f1"}), np.array([1.0, 0.0, 0.0, 1.0])))
    with pytest.raises(InfeasiblePlanError, match="over its capacity"):
        evaluate(inst, Plan(frozenset({"f1", "f2"}), np.array([1.0, 0.0, 1.0, 0.0])))
    with pytest.raises(InfeasiblePlanError, match="served"):
        evaluate(inst, Plan(frozenset({"f1", "f2"}), np.array([0.5, 0.0, 0.0, 1.0])))


def test_pooling_by_hand() -> None:
    """One warehouse w (fixed 0) against direct options, two markets. Stocking both at w pools their safety stock:
    coef 2, variances 9 and 16: 2 sqrt(9 + 16) = 10, where separately it would be 2 (3 + 4) = 14.

    Options (cost for the whole demand): a@w 5, a direct 12, b@w 5, b direct 9.
    Both at w: 5 + 5 + 10 = 20. a at w alone: 5 + 6 + 9 = 20. b at w alone: 12 + 5 + 8 = 25. None: 21.
    a at w and b direct ties with both at w at 20; any split x of b between w and direct costs
    5 + 5x + 9(1-x) + 2 sqrt(9 + 16x), which is concave in x, so the optimum is at an end: 20.
    """
    inst = DesignInstance(
        name="pool", site_ids=("w",), site_kind=("warehouse",), site_fixed=np.array([0.0]),
        site_capacity=np.array([math.inf]), site_group=("w",), demand_ids=("a", "b"), demand_qty=np.array([1.0, 1.0]),
        demand_market=("m1", "m2"), opt_demand=np.array([0, 0, 1, 1]), opt_cost=np.array([5.0, 12.0, 5.0, 9.0]),
        opt_meets=np.ones(4, dtype=bool), opt_label=("a@w", "a direct", "b@w", "b direct"),
        use_opt=np.array([0, 2]), use_site=np.array([0, 0]), use_amount=np.array([1.0, 1.0]),
        pool_site=np.array([0]), pool_coef=np.array([2.0]), pool_label=("p@w",), pm_term=np.array([0, 0]),
        pm_opt=np.array([0, 2]), pm_var=np.array([9.0, 16.0]))
    r = solve_design(inst, gap=1e-6)
    assert r.objective == pytest.approx(20.0, abs=1e-6)
    assert r.bound <= 20.0 + 1e-6
    both = Plan(frozenset({"w"}), np.array([1.0, 0.0, 1.0, 0.0]))
    assert evaluate(inst, both).pooling == pytest.approx(10.0)


@pytest.mark.parametrize("name", SMALL)
def test_orlib_small_instances_reach_the_published_optimum(name: str) -> None:
    inst = read_orlib_cflp(CFLP / f"{name}.txt")
    r = solve_design(inst, gap=1e-9, time_limit=60)
    assert r.status == "optimal"
    assert r.objective == pytest.approx(OPT[name], rel=1e-6)
    assert evaluate(inst, r.plan).objective == pytest.approx(r.objective, rel=1e-9)
    assert r.gap <= 1e-6


def test_capopt_reader_has_every_variant() -> None:
    assert OPT["capa@8000"] == pytest.approx(19240822.449)
    assert OPT["capc@7250"] == pytest.approx(11505767.394)
    assert len(OPT) == 37 + 12


def test_bad_orlib_files(tmp_path: Path) -> None:
    short = tmp_path / "short.txt"
    short.write_text("2 1\n10 5\n10 5\n4 1\n")
    with pytest.raises(ScenarioError, match="need 9 values"):
        read_orlib_cflp(short)
    with pytest.raises(ScenarioError, match="capacity"):
        read_orlib_cflp(CFLP / "capa.txt")
    neg = tmp_path / "neg.txt"
    neg.write_text("1 1\n10 5\n-4 1\n")
    with pytest.raises(ScenarioError, match="demand"):
        read_orlib_cflp(neg)


@pytest.fixture(scope="module")
def gz() -> tuple[object, object]:
    s = load_scenario(None)
    inst = design_instance(s)
    return inst, solve_design(inst, gap=1e-3, n_best=1, time_limit=60)


def test_scenario_design_is_optimal_and_matches_the_evaluator(gz: tuple[DesignInstance, object]) -> None:
    inst, r = gz
    assert r.status == "optimal"  # type: ignore[attr-defined]
    assert r.gap <= 1e-3  # type: ignore[attr-defined]
    ev = evaluate(inst, r.plan)  # type: ignore[attr-defined]
    assert ev.objective == pytest.approx(r.objective, rel=1e-9)  # type: ignore[attr-defined]
    assert sum(ev.by_stage.values()) == pytest.approx(ev.objective, rel=1e-9)
    for m in inst.service_target:
        assert ev.service[m] >= inst.service_target[m] - 1e-6


def test_scenario_runner_up_opens_other_warehouses(gz: tuple[DesignInstance, object]) -> None:
    _inst, r = gz
    (second,) = r.runner_ups  # type: ignore[attr-defined]
    assert set(second.open_sites) != set(r.open_sites)  # type: ignore[attr-defined]
    assert second.objective >= r.objective - 1e-6  # type: ignore[attr-defined]


def test_forced_sites_and_counts_are_respected() -> None:
    s = load_scenario(None)
    cfg = DesignData(service_target=0.6, max_warehouses=2)
    inst = design_instance(s, settings=cfg, forced_open=frozenset({"WH-DE"}), forced_closed=frozenset({"WH-LA"}))
    r = solve_design(inst, gap=1e-3, time_limit=60)
    wh = [x for x in r.open_sites if x.startswith("WH-")]
    assert "WH-DE" in wh
    assert "WH-LA" not in wh
    assert len(wh) <= 2


def test_no_pooling_never_costs_less_than_pooling() -> None:
    """Pooling only lowers the safety stock (sqrt of a sum <= sum of sqrts), so the optimum with pooling is at
    most the optimum without."""
    s = load_scenario(None)
    with_pool = solve_design(design_instance(s, pooling=True), gap=1e-4, time_limit=60)
    without = solve_design(design_instance(s, pooling=False), gap=1e-4, time_limit=60)
    assert with_pool.objective <= without.objective * (1 + 1e-4)


def test_an_unreachable_promise_is_diagnosed_by_market() -> None:
    """A one-day promise in us-west that no route meets: the 60% target cannot be met and us-west is named (and
    only it); a warehouse count no plan can have is named too."""
    import dataclasses

    s = load_scenario(None)
    markets = tuple(dataclasses.replace(m, promise_days=1.0) if m.id == "us-west" else m for m in s.markets)
    inst = design_instance(dataclasses.replace(s, markets=markets))
    with pytest.raises(DesignInfeasibleError) as info:
        solve_design(inst, gap=1e-3, time_limit=60)
    named = [d for d in info.value.diagnosis if d.startswith("market ")]
    assert len(named) == 1
    assert named[0].startswith("market us-west")
    counts = design_instance(s, settings=DesignData(min_warehouses=3, max_warehouses=2))
    with pytest.raises(DesignInfeasibleError, match="warehouse count"):
        solve_design(counts, gap=1e-3, time_limit=60)


def test_soft_target_pays_a_penalty_instead() -> None:
    s = load_scenario(None)
    closed = frozenset(w.id for w in s.warehouses)
    inst = design_instance(s, settings=DesignData(service_target=1.0, service_penalty=5.0), forced_closed=closed)
    r = solve_design(inst, gap=1e-3, time_limit=60)
    assert r.evaluation.shortfall_penalty > 0
    assert evaluate(inst, r.plan).objective == pytest.approx(r.objective, rel=1e-9)


def test_service_target_mapping_is_read_only(gz: tuple[DesignInstance, object]) -> None:
    inst, _ = gz
    assert isinstance(inst.service_target, MappingProxyType)


def test_time_limit_returns_the_best_plan_and_a_valid_bound() -> None:
    """capa at capacity 8000 takes far longer than 4 s to prove: the solve returns within the limit (plus model
    building and a second), says whether it proved optimality, and its bound never exceeds the published optimum."""
    import time

    inst = read_orlib_cflp(CFLP / "capa.txt", capacity=8000)
    t0 = time.perf_counter()
    r = solve_design(inst, gap=1e-9, time_limit=4.0)
    took = time.perf_counter() - t0
    assert took <= 4.0 * 1.1 + 3.0
    assert r.status in ("time_limit", "optimal")
    assert r.bound <= OPT["capa@8000"] * (1 + 1e-9)
    assert r.objective >= OPT["capa@8000"] * (1 - 1e-9)
    assert evaluate(inst, r.plan).objective == pytest.approx(r.objective, rel=1e-9)
