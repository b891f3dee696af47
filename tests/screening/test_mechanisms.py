"""Measure 8 from mechanisms (issue 16): alarms, the re-handling floor's queue, sealed trucks, shifts, the model
against the simulation, break-even values and volumes from the design; each against a hand calculation."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pytest

from logistics import builtin
from logistics.errors import ScenarioError
from logistics.scenario import builtin_text, parse_scenario
from logistics.screening import (
    breakeven,
    check,
    compare,
    evaluate_plan,
    from_design,
    optimize,
    placement,
    problem_from,
    queueing,
    replicate,
    scale_volumes,
)
from logistics.screening.check import DayCheck, day_variant
from logistics.screening.evaluate import lanes_of
from logistics.screening.model import dock_wait_fn
from logistics.screening.worth import saving_at


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return builtin().screening


@pytest.fixture(scope="module")
def three(data):  # type: ignore[no-untyped-def]
    """The terminal, the mail exchange and the Baiyun consolidation centre with their flows."""
    keep = {"CAN-T", "GZMX-S", "BY-CC"}
    return dataclasses.replace(data, sites=tuple(s for s in data.sites if s.id in keep),
                               flows=tuple(f for f in data.flows if f.origin in keep))


def test_miss_probability_by_hand() -> None:
    """M/M/1 with lam 5, mu 10 (C = rho = 0.5, W | W > 0 ~ Exp(5)), slack 0.2 h, half the parcels alarmed with an
    Exp resolution of mean 0.1 h (b = 10):

    P(W > s) = 0.5 e^-1; P(W + R > s) = 0.5 e^-2 + 0.5 (5 e^-2 - 10 e^-1) / (5 - 10);
    P(miss) = 0.5 P(W > s) + 0.5 P(W + R > s).
    """
    pw = 0.5 * math.exp(-1.0)
    pwr = 0.5 * math.exp(-2.0) + 0.5 * (5 * math.exp(-2.0) - 10 * math.exp(-1.0)) / (5 - 10)
    got = float(queueing.miss_probability(5.0, 10.0, 1, 0.2, cs2=1.0, alarm_share=0.5, resolution_hours=0.1))
    assert got == pytest.approx(0.5 * pw + 0.5 * pwr, rel=1e-9)
    # Alarms only add delay.
    assert got > float(queueing.miss_probability(5.0, 10.0, 1, 0.2, cs2=1.0))


def test_floor_fifo_wait_behind_a_truckload(data) -> None:  # type: ignore[no-untyped-def]
    """1,600 parcels reach the floor at 01:00 with 2 crews of 800 an hour: the last waits about an hour, the floor
    is clear by 02:00, and the queue repeats daily."""
    crews = np.full(24, 2, dtype=np.int64)
    wait = dock_wait_fn(dataclasses.replace(data, rehandling=dataclasses.replace(data.rehandling,
                                                                                 rate_per_crew_hour=800.0)),
                        np.array([1.0]), np.array([1600.0]), crews)
    w = wait(np.array([1.0 + 1 / 120, 3.0, 25.0 + 1 / 120]))
    assert w[0] == pytest.approx(1.0, abs=1 / 30)
    assert w[1] == pytest.approx(0.0, abs=1e-9)
    assert w[2] == pytest.approx(w[0])


def test_one_truck_a_day_carries_its_batch_in_whole_trucks(data) -> None:  # type: ignore[no-untyped-def]
    """7,000 parcels a day on one 12:00 truck of 3,000: ceil(7000 / 3000) = 3 trips, regular at 45 USD when the
    parcels are screened at the terminal (135 USD) and sealed at 75 USD when screened at the mail exchange (225)."""
    sites = tuple(dataclasses.replace(s, truck_departures=(12.0,)) if s.id == "GZMX-S" else s
                  for s in data.sites if s.id in ("CAN-T", "GZMX-S"))
    flows = tuple(dataclasses.replace(f, parcels_per_day=7000.0) for f in data.flows if f.id == "mail-lax")
    p = problem_from(dataclasses.replace(data, sites=sites, flows=flows))
    for config, trips, cost in (("before", (3, 0), 135.0), ("measure8", (0, 3), 225.0)):
        a = placement(p, config)
        regular, sealed = p.trucks(a)["GZMX-S"]
        assert (int(regular.sum()), int(sealed.sum())) == trips
        plan = optimize(p, fixed=a)
        assert plan.report.cost["transport"] == pytest.approx(cost)


def test_shift_blocks_open_lanes_with_the_break(data) -> None:  # type: ignore[no-untyped-def]
    """Built-in shifts: 8 h from every even hour, a 1 h break after 4 h. Two lanes starting at 22:00 are open at
    22, 23, 00, 01, closed at 02 (the break) and open at 03, 04, 05; staff are paid for all 8 hours."""
    p = problem_from(data)
    sh = data.shifts
    shifts = np.zeros((p.n_sites, len(sh.starts)), dtype=np.int64)
    shifts[p.terminal, sh.starts.index(22)] = 2
    lanes = lanes_of(p, shifts)
    want = np.zeros(24, dtype=np.int64)
    want[[22, 23, 0, 1, 3, 4, 5]] = 2
    np.testing.assert_array_equal(lanes[p.terminal], want)
    a = placement(p, "before")
    e = p.default_equipment()
    r = evaluate_plan(p, a, lanes, equipment=e, shifts=shifts)
    kind = p.types[e[p.terminal]]
    assert r.cost["lanes"] == pytest.approx(2 * 8 * kind.cost_per_lane_hour)
    assert r.staff_by_hour[2] == 2 * kind.staff_per_lane  # on duty through the break


def test_old_constants_are_refused_beside_their_mechanism() -> None:
    text = builtin_text().replace("screened_handling_hours = 0.5\n",
                                  "screened_handling_hours = 0.5\nlane_rate_per_hour = 1000\n", 1)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "edited.toml")
    assert "lane_rate_per_hour" in info.value.field
    assert "equipment" in str(info.value)


def test_day_variants(data) -> None:  # type: ignore[no-untyped-def]
    cancelled = day_variant(data, "cancelled")
    gone = {f.id for f in data.flights} - {f.id for f in cancelled.flights}
    assert gone == {"CAN-LAX-b", "CAN-FRA-b"}  # the 13:00 and 12:30 departures
    assert all(not set(f.flights) & gone for f in cancelled.flows)
    peak = day_variant(data, "peak")
    assert sum(f.parcels_per_day for f in peak.flows) == pytest.approx(1.5 * sum(f.parcels_per_day
                                                                                for f in data.flows))
    with pytest.raises(ValueError, match="unknown day"):
        day_variant(data, "monday")


def test_agreement_verdict_uses_the_interval() -> None:
    d = DayCheck("x", 100_000.0, {"missed": 330.0, "dwell_mean_hours": 10.0, "dwell_p95_hours": 20.0},
                 {"missed": (300.0, 50.0), "dwell_mean_hours": (10.01, 0.005), "dwell_p95_hours": (20.5, 0.1)})
    assert d.agrees("missed")  # 30 apart, the half-width is 50
    assert not d.agrees("dwell_mean_hours")  # 0.01 apart, the half-width 0.005
    assert d.agrees("dwell_mean_hours", widen=2.0)
    assert not d.agrees("dwell_p95_hours")
    assert not d.all_agree


@pytest.mark.slow  # 40 s: run by .ci/run's slow step and `pytest -m slow tests`
def test_model_and_simulation_agree_on_four_days(three) -> None:  # type: ignore[no-untyped-def]
    """Issue 16 part 1 on a tenth of the three-site day (so that the test runs in seconds): the analytic misses,
    mean and p95 dwell lie in the simulation's 95% interval (to the stated resolutions) on every day."""
    res = check(scale_volumes(three, 0.1), replications=6, seed=1, workers=2, time_limit=30, config="measure8")
    by = {r.day: r for r in res}
    assert set(by) == {"base", "peak", "cancelled", "lane_down"}
    # Twelve comparisons: with bare 95% intervals even an exact model fails one of them about half the time, so
    # the test widens each interval by 1.5 (about 99.5% for 6 replications, some 94% for all twelve together).
    for r in res:
        for k in r.analytic:
            assert r.agrees(k, widen=1.5), (r.day, k, r.analytic[k], r.simulated[k])
    # A lost bank makes its parcels wait for the next flight; a lane down costs misses, not dwell on average.
    assert by["cancelled"].analytic["dwell_mean_hours"] > by["base"].analytic["dwell_mean_hours"] + 0.5
    assert by["lane_down"].analytic["missed"] >= by["base"].analytic["missed"]


@pytest.mark.slow  # 150 s: run by .ci/run's slow step and `pytest -m slow tests`
def test_model_and_simulation_agree_on_the_built_in_days() -> None:
    """Issue 16 part 1 at full size: the optimized plan of the built-in day (134,000 parcels) and its three
    variants. With 10 replications every analytic value lay in the bare 95% interval when this was recorded;
    the test widens each by 1.5 so that a change of the stream's draws alone cannot fail it."""
    res = check(builtin().screening, replications=10, seed=0, workers=2, time_limit=60)
    assert [r.day for r in res] == ["base", "peak", "cancelled", "lane_down"]
    for r in res:
        for k in r.analytic:
            assert r.agrees(k, widen=1.5), (r.day, k, r.analytic[k], r.simulated[k])
    # A lane down for 4 h at the terminal makes hundreds of parcels miss: the model sees it, not only the
    # simulation.
    by = {r.day: r for r in res}
    assert by["lane_down"].analytic["missed"] > 5 * by["base"].analytic["missed"]


def test_break_even_crew_cost_by_hand(three) -> None:  # type: ignore[no-untyped-def]
    """The crews follow the placement, not their price, so the saving of measure 8 is linear in the crew cost c:
    saving(c) = saving(c0) + (H_before - H_measure8) (c - c0), H the crew-hours a day; break-even at
    c0 - saving(c0) / (H_before - H_measure8)."""
    c0 = three.rehandling.cost_per_crew_hour
    p = problem_from(three)
    hours = [int(p.crews(placement(p, c)).sum()) for c in ("before", "measure8")]
    dh = hours[0] - hours[1]
    assert dh > 0
    s0 = saving_at(three, "rehandling_crew_cost", c0)
    want = c0 - s0 / dh
    assert 0 < want < c0
    got = breakeven(three, "rehandling_crew_cost", 0.0, 2 * c0, points=3)
    assert got.value is not None
    # Lane plans are optimal to a 0.1% gap, so the line is known to that much of a day's cost.
    total = optimize(p, fixed=placement(p, "before")).report.total_cost
    assert got.value == pytest.approx(want, abs=2e-3 * total / dh + got.tolerance)
    assert "pays above" in got.verdict


@pytest.mark.slow  # 16 s
def test_paired_saving_is_tighter_than_either_cost(three) -> None:  # type: ignore[no-untyped-def]
    """Common random numbers: both plans see the same arrivals, so the day-to-day noise cancels in the saving."""
    small = problem_from(scale_volumes(three, 0.1))
    comp = compare(small, time_limit=20, configs=("before", "measure8"))
    rep = replicate(small, comp, replications=4, seed=2, workers=2)
    m, h = rep.saving["measure8"]
    assert m == pytest.approx(rep.cost["before"][0] - rep.cost["measure8"][0])
    assert h < min(rep.cost["before"][1], rep.cost["measure8"][1])


@dataclass(frozen=True)
class _Ship:
    product: str
    channel: str
    mode: str
    gateway: str
    units_per_year: float


def test_volumes_from_the_design_by_hand() -> None:
    """A product with 1.5 units an order: 365 * 1.5 * 100 units a year are 100 parcels a day, 10,000 at the
    built-in design share of 0.01. Posted through the mail exchange they replace its 80,000 (mail-lax keeps its
    18/80 share: 2,250); 1210 by air through CAN feeds the airport's flows; 9710 is not screened as parcels."""
    s = builtin()
    prod = next(p for p in s.products if p.units_per_order == 1.5)
    units = 365 * 1.5 * 100
    v = from_design(s, [_Ship(prod.id, "9610", "postal", "GZMX", units), _Ship(prod.id, "1210", "air", "CAN", units),
                        _Ship(prod.id, "9710", "air", "CAN", 100 * units)])
    assert v.parcels_by_gateway == pytest.approx({"mail_exchange": 10_000.0, "airport": 10_000.0})
    flows = {f.id: f.parcels_per_day for f in v.data.flows}
    assert flows["mail-lax"] == pytest.approx(18_000 / 80_000 * 10_000)
    assert sum(flows.values()) == pytest.approx(20_000.0)
    with pytest.raises(ValueError, match="design_share"):
        from_design(dataclasses.replace(s, screening=dataclasses.replace(s.screening, design_share=None)), [])


def test_a_placement_that_cannot_carry_the_day_loses_outright(data) -> None:  # type: ignore[no-untyped-def]
    """At x2 the terminal's floor would need 45 crews at 17:00 (40 allowed) without measure 8, so measure 8 wins
    by feasibility: an infinite saving, which the break-even scan reports instead of crashing."""
    assert saving_at(data, "volume", 2.0) == math.inf
