"""Measure 8 screening: queueing formulas, timelines, the placement MIP and the simulation."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics import builtin
from logistics.scenario import Flight, ScreeningData, ScreeningFlow, ScreeningSite
from logistics.screening import ScreeningInfeasibleError, evaluate_plan, optimize, problem_from, queueing
from logistics.screening.compare import compare, placement
from logistics.screening.evaluate import lanes_of
from logistics.screening.model import next_time
from logistics.screening.simulate import simulate


def _erlang_c_direct(c: int, a: float) -> float:
    """Textbook Erlang C from its defining sums (an implementation independent of the recursion)."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_erlang_c_hand_values() -> None:
    """c = 3, a = 2: (8/6 * 3/1) / (1 + 2 + 2 + 4) = 4/9.  c = 2, a = 1: (1/2 * 2) / (1 + 1 + 1) = 1/3.
    M/M/1 at rho = 0.5, mu = 1: C = 0.5, Wq = 0.5 / (1 - 0.5) = 1 hour."""
    assert float(queueing.erlang_c(3, 2.0)) == pytest.approx(4 / 9)
    assert float(queueing.erlang_c(2, 1.0)) == pytest.approx(1 / 3)
    assert float(queueing.mmc_wait(0.5, 1.0, 1)) == pytest.approx(1.0)
    assert float(queueing.mmc_wait(1.0, 1.0, 2)) == pytest.approx(1 / 3)


def test_md1_is_exact_pollaczek_khinchine() -> None:
    """M/D/1, rho = 0.8, mu = 10/h: Wq = rho / (2 mu (1 - rho)) = 0.8 / (2 * 10 * 0.2) = 0.2 h."""
    assert float(queueing.mgc_wait(8.0, 10.0, 1, cs2=0.0)) == pytest.approx(0.2)


@settings(max_examples=200, deadline=None)
@given(c=st.integers(1, 60), rho=st.floats(0.01, 0.99))
def test_erlang_c_matches_direct_formula(c: int, rho: float) -> None:
    a = rho * c
    assert float(queueing.erlang_c(c, a)) == pytest.approx(_erlang_c_direct(c, a), rel=1e-9)


def test_vectorized_equals_scalar_and_unstable_is_inf() -> None:
    rng = np.random.default_rng(3)
    c = rng.integers(1, 40, 500)
    mu = rng.uniform(50, 500, 500)
    lam = rng.uniform(0.0, 1.2, 500) * c * mu
    w = queueing.mmc_wait(lam, mu, c)
    for i in range(0, 500, 37):
        assert w[i] == pytest.approx(float(queueing.mmc_wait(lam[i], mu[i], c[i])))
    unstable = lam >= c * mu
    assert np.all(np.isinf(w[unstable]))
    assert np.all(np.isfinite(w[~unstable]))
    assert np.all(queueing.wait_tail(lam, mu, c, 0.0)[~unstable] == pytest.approx(
        queueing.erlang_c(c, lam / mu)[~unstable]))


def test_next_time_wraps_days() -> None:
    """Trucks at 1:00 and 13:00: from 0:30 the next is 1:00; from 13:30 it is 25:00 (1:00 next day)."""
    deps = np.array([1.0, 13.0])
    assert list(next_time(np.array([0.5, 1.0, 13.5, 24.5]), deps)) == [1.0, 1.0, 25.0, 25.0]


def test_upstream_timeline_by_hand() -> None:
    """mail-lax arrives at the mail exchange (trucks every 2 h, 1 h to the terminal, 0.5 h handling).

    A parcel arriving at 10:02:30 (slot middle) takes the 12:00 truck, is at the terminal 13:00 and ready 13:30;
    the LAX flights leave 01:30 and 13:00 with a 4 h cut-off (21:30 and 09:00), so it makes the 21:30 cut-off
    (departure 01:30 next day, 25.5 h): the last truck that makes it leaves at 20:00; slack = 20 - 10.0417.
    """
    p = problem_from(builtin())
    f = p.flow_index("mail-lax")
    tl = p.timelines[(f, p.site_index("GZMX-S"))]
    k = 10 * 12  # slot 10:00-10:05
    assert tl.upstream
    assert tl.arrival[k] == pytest.approx(10 + 2.5 / 60)
    assert tl.slack[k] == pytest.approx(20 - (10 + 2.5 / 60))
    assert tl.dwell_made[k] == pytest.approx(25.5 - (10 + 2.5 / 60))
    # Missing the 21:30 cut-off means the 09:00 one: departure 13:00 next day.
    assert tl.dwell_missed[k] == pytest.approx(37.0 - (10 + 2.5 / 60))
    # The slot's parcels arrive from 10:00 to 10:05, so their slacks fill [20 - 10 - 5/60, 20 - 10].
    assert tl.before[k] == 1.0
    assert tl.slack_ranges[0, :, k] == pytest.approx([10 - 5 / 60, 10.0])
    # The last slot before the 20:00 truck ends at its deadline: slacks from 0 to 5 minutes.
    last = 20 * 12 - 1
    assert tl.slack_ranges[0, :, last] == pytest.approx([0.0, 5 / 60], abs=1e-6)


def test_a_slot_ending_at_its_deadline_misses_on_the_screening_time_by_hand() -> None:
    """No queue and no alarms: of parcels spread evenly over slacks [0, 5 min] on a 1,800/h CT lane (2 s of
    screening), those with less than 2 s to spare miss, 2 / 300 of them. A point at the slot's middle (2.5 min)
    sees none."""
    got = float(queueing.miss_probability_between(0.0, 1800.0, 1, 0.0 - 1 / 1800, 5 / 60 - 1 / 1800))
    assert got == pytest.approx(2 / 300)
    assert float(queueing.miss_probability(0.0, 1800.0, 1, 2.5 / 60 - 1 / 1800)) == 0.0


@given(lam=st.floats(0.0, 1700.0), c=st.integers(1, 4), lo=st.floats(-0.05, 0.3), width=st.floats(1e-4, 0.3),
       alarm=st.floats(0.0, 0.5), minutes=st.floats(0.5, 20.0))
@settings(max_examples=40, deadline=None)
def test_averaged_miss_probability_is_the_mean_over_the_interval(lam, c, lo, width, alarm, minutes) -> None:
    # type: (float, int, float, float, float, float) -> None
    """The closed form against a fine midpoint rule over the interval (1 below a slack of 0; the rule is off by up
    to one step in n at that jump)."""
    hi = lo + width
    n = 20_000
    s = lo + (np.arange(n) + 0.5) / n * width
    point = queueing.miss_probability(lam, 600.0, c, np.maximum(s, 0.0), cs2=0.3, alarm_share=alarm,
                                      resolution_hours=minutes / 60)
    want = float(np.mean(np.where(s < 0, 1.0, point)))
    got = float(queueing.miss_probability_between(lam, 600.0, c, lo, hi, cs2=0.3, alarm_share=alarm,
                                                  resolution_hours=minutes / 60))
    assert got == pytest.approx(want, rel=1e-3, abs=1.0 / n)


def test_averaged_miss_probability_where_the_two_rates_meet() -> None:
    """theta = b: one M/M/1 lane (mu = 2, lam = 1, so theta = 1) and a mean resolution of 1 h, every parcel alarmed:
    P(W + R > s) = (1 - C) e^{-s} + C (1 + s) e^{-s} with C = 0.5; over [0, 1] the average is
    0.5 (1 - e^{-1}) + 0.5 (2 - 3 e^{-1}) = 1.5 - 2 e^{-1}."""
    got = float(queueing.miss_probability_between(1.0, 2.0, 1, 0.0, 1.0, cs2=1.0, alarm_share=1.0,
                                                  resolution_hours=1.0))
    assert got == pytest.approx(1.5 - 2 * math.exp(-1))


@pytest.fixture(scope="module")
def problem():  # type: ignore[no-untyped-def]
    return problem_from(builtin())


@pytest.fixture(scope="module")
def three_sites(problem):  # type: ignore[no-untyped-def]
    """The built-in day cut to the terminal, the mail exchange and the Baiyun consolidation centre (and their
    flows): a placement with real choices that the MIP proves optimal in seconds."""
    d = problem.data
    keep = {"CAN-T", "GZMX-S", "BY-CC"}
    return problem_from(dataclasses.replace(d, sites=tuple(s for s in d.sites if s.id in keep),
                                            flows=tuple(f for f in d.flows if f.origin in keep)))


def test_plans_screen_every_flow_once_within_limits(three_sites) -> None:  # type: ignore[no-untyped-def]
    problem = three_sites
    d = problem.data
    result = compare(problem, time_limit=60)
    for name, plan in result.plans.items():
        r = plan.report
        assert set(r.assignment) == {f.id for f in d.flows}, name
        for f, s in enumerate(plan.assignment):
            assert s in problem.candidates(f)
        assert np.all(r.utilization[r.load > 0] <= d.max_utilization + 1e-9), name
        assert np.all(r.staff_by_hour <= d.screener_pool), name
        assert np.all(plan.lanes <= np.array([[s.max_lanes] for s in d.sites])), name
        assert plan.bound <= plan.objective + 1e-6
        # The lanes are those of the shifts, and the independent evaluator reproduces the report.
        np.testing.assert_array_equal(plan.lanes, lanes_of(problem, plan.shifts))
        again = evaluate_plan(problem, plan.assignment, plan.lanes, equipment=plan.equipment, shifts=plan.shifts)
        assert again.total_cost == pytest.approx(r.total_cost)
        # The MIP prices the same plan but for the miss cost, which it estimates per site-hour from the slacks of
        # every candidate flow and without the backlog behind a truckload: it differs by less than that cost.
        assert abs(plan.objective - r.total_cost) <= 1.0 + r.cost["missed_flights"], name
    before, m8, opt = (result.plans[k] for k in ("before", "measure8", "optimized"))
    assert all(s == problem.terminal for s in before.assignment)
    gz = problem.site_index("GZMX-S")
    for f, flow in enumerate(problem.data.flows):
        assert m8.assignment[f] == (gz if flow.origin == "GZMX-S" else problem.terminal)
    # Fixed placements are restrictions of the optimized problem.
    assert opt.objective <= min(before.objective, m8.objective) * (1 + 1e-3) + 1e-6
    for plan in result.plans.values():
        assert plan.status == "optimal"
        assert plan.gap <= 1e-3
    # Measure 8 relieves the terminal and its re-handling floor.
    assert m8.report.terminal_lane_hours < before.report.terminal_lane_hours
    assert m8.report.crews_by_hour.sum() < before.report.crews_by_hour.sum()
    assert m8.report.screened_upstream == pytest.approx(sum(f.parcels_per_day for f in problem.data.flows
                                                            if f.origin == "GZMX-S"))


def test_capacity_shortfall_names_site_and_hour(problem) -> None:  # type: ignore[no-untyped-def]
    d = problem.data
    sites = tuple(dataclasses.replace(s, max_lanes=3) if s.id == "CAN-T" else s for s in d.sites)
    small = problem_from(dataclasses.replace(d, sites=sites))
    with pytest.raises(ScreeningInfeasibleError, match=r"site CAN-T, hour \d\d:00"):
        optimize(small, fixed=placement(small, "before"))


def test_time_limit_must_be_positive(problem) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="time_limit"):
        optimize(problem, time_limit=0)


def test_short_limit_returns_the_start_plan_with_its_bound(three_sites) -> None:  # type: ignore[no-untyped-def]
    """When the free MIP stops before beating the fixed plan it started from, that plan comes back, honestly
    labelled; with no plan at all the error says so instead of claiming infeasibility."""
    problem = three_sites
    start = optimize(problem, fixed=placement(problem, "measure8"), time_limit=30)
    plan = optimize(problem, time_limit=0.05, start=start)
    assert plan.status in ("optimal", "time_limit")
    assert plan.bound <= plan.objective + 1e-6
    assert plan.report.total_cost <= start.report.total_cost + 1e-6
    again = evaluate_plan(problem, plan.assignment, plan.lanes, equipment=plan.equipment, shifts=plan.shifts)
    assert again.total_cost == pytest.approx(plan.report.total_cost)


def _mmc_data(lam: float, mu: float, c: int) -> ScreeningData:
    """One terminal, one flow arriving there at a constant rate, exponential service, no re-handling."""
    return ScreeningData(
        terminal="T", lane_rate_per_hour=mu, service_cv=1.0, staff_per_lane=1, cost_per_lane_hour=1.0,
        max_utilization=0.99, screener_pool=100, value_of_time_per_parcel_hour=1.0, miss_penalty_per_parcel=0.0,
        terminal_rehandling_hours=0.0, terminal_rehandling_cost_per_parcel=0.0, screened_handling_hours=0.0,
        secure_transport_cost_per_parcel=0.0,
        sites=(ScreeningSite("T", "terminal", "terminal", 0.0, 0.0, c, 0.0, (), 0.0),),
        flights=(Flight("F", 12.0, 1.0, "X"),),
        flows=(ScreeningFlow("f", "T", lam * 24, tuple([1 / 24] * 24), ("F",), ("T",)),),
    )


def test_simulation_agrees_with_erlang_c() -> None:
    """Stationary M/M/3 with a = 2.4 erlangs (rho = 0.8): the analytic Wq lies in the simulation's 95% CI.

    C(3, 2.4) = (2.4^3/6 * 3/0.6) / (1 + 2.4 + 2.88 + 2.304 * 5) = 11.52 / 17.8 = 0.647191;
    Wq = C / (3 * 60 - 144) = 0.647191 / 36 = 0.0179775 h.
    """
    lam, mu, c = 144.0, 60.0, 3
    analytic = float(queueing.mmc_wait(lam, mu, c))
    assert analytic == pytest.approx(11.52 / 17.8 / 36)
    p = problem_from(_mmc_data(lam, mu, c))
    lanes = np.full((1, 24), c)
    sim = simulate(p, np.array([0]), lanes, replications=8, seed=11, workers=1, warmup_hours=6)
    mean, half = sim._stat("wait_mean_hours")
    assert abs(mean - analytic) <= half
    assert half < 0.25 * analytic  # the interval is informative, not just wide


def test_simulation_is_reproducible_whatever_the_workers(problem) -> None:  # type: ignore[no-untyped-def]
    d = problem.data
    flows = tuple(dataclasses.replace(f, parcels_per_day=f.parcels_per_day / 20) for f in d.flows)
    small = problem_from(dataclasses.replace(d, flows=flows))
    plan = optimize(small, fixed=placement(small, "measure8"))
    e = plan.equipment
    one = simulate(small, plan.assignment, plan.lanes, replications=2, seed=5, workers=1, equipment=e)
    two = simulate(small, plan.assignment, plan.lanes, replications=2, seed=5, workers=2, equipment=e)
    other = simulate(small, plan.assignment, plan.lanes, replications=2, seed=6, workers=1, equipment=e)
    assert one.replications == two.replications
    assert one.replications != other.replications
    s = one.summary()
    assert 0.9 <= s["share_intended_flight"]["mean"] <= 1.0  # type: ignore[index]
