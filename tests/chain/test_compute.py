"""Properties of the chain model over every flow of the built-in scenario (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics import builtin, evaluate
from logistics.chain import STAGES, compute, flows, gather

FREIGHT = ("consolidation", "export_clearance", "line_haul", "warehouse", "last_mile")


@pytest.fixture(scope="module")
def all_inputs():  # type: ignore[no-untyped-def]
    s = builtin()
    return gather(s, flows(s))


@pytest.fixture(scope="module")
def inputs(all_inputs):  # type: ignore[no-untyped-def]
    """Every flow under one fixed review period: the monotonicity properties hold for a fixed policy."""
    return all_inputs.replace(review_choices=all_inputs.review_choices[:, 1:2])


def test_chosen_review_period_is_about_the_cheapest_fixed_one(all_inputs) -> None:  # type: ignore[no-untyped-def]
    """The period is chosen on freight + holding + storage (the terms it moves most); the landed cost also has
    second-order terms of the period (duty and insurance on a CIF freight share, the entry fee's effect on the
    9710 price), so the choice is within 0.5% of the cheapest fixed period on every row, and most rows gain."""
    best = compute(all_inputs)["landed_cost"]
    fixed = np.array([compute(all_inputs.replace(review_choices=all_inputs.review_choices[:, k:k + 1]))[
        "landed_cost"] for k in range(all_inputs.review_choices.shape[1])])
    assert np.all(best <= fixed.min(axis=0) * (1 + 5e-3))
    default = fixed[list(all_inputs.review_choices[0]).index(14.0)]
    freight = all_inputs.parcel == 0.0
    assert (best[freight] < default[freight] - 1e-9).mean() > 0.5


def _over_thresholds(x, out) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Which rows' consignments exceed the duty and VAT thresholds (the de-minimis regime of the row): the duty
    threshold is tested on the intrinsic value (goods only), the VAT threshold on the customs value."""
    n = np.where(x.parcel == 1.0, x.units_per_order, np.maximum(x.units_per_year / 365 * x.review_days, 1.0))
    customs = out["customs_value"] * n
    return np.stack([customs > x.duty_threshold, customs > x.vat_threshold])


def _drayage(x, out) -> np.ndarray:  # type: ignore[no-untyped-def]
    share = np.maximum(x.weight_kg, x.volume_m3 * x.dr_kg_per_m3)
    return share * x.dr_km * x.dr_per_kg_km


def test_landed_cost_is_the_sum_of_stages(inputs) -> None:  # type: ignore[no-untyped-def]
    out = compute(inputs)
    total = sum(out[k] for k in STAGES if k != "rebate") - out["rebate"]
    np.testing.assert_allclose(out["landed_cost"], total, rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(low=st.floats(0.2, 3.0), factor=st.floats(1.0, 3.0))
def test_cost_non_decreasing_in_unit_weight(inputs, low: float, factor: float) -> None:  # type: ignore[no-untyped-def]
    """Heavier units never cost less to move; the landed cost never falls either, unless the heavier
    consignment crosses a de-minimis threshold (then the law, not the model, changes the duty)."""
    a = compute(inputs.replace(weight_kg=inputs.weight_kg * low))
    b = compute(inputs.replace(weight_kg=inputs.weight_kg * low * factor))
    freight_a = sum(a[k] for k in FREIGHT)
    freight_b = sum(b[k] for k in FREIGHT)
    assert np.all(freight_b >= freight_a - 1e-9)
    same_regime = np.all(_over_thresholds(inputs.replace(weight_kg=inputs.weight_kg * low), a)
                         == _over_thresholds(inputs.replace(weight_kg=inputs.weight_kg * low * factor), b), axis=0)
    assert same_regime.mean() > 0.5  # the property is checked on most rows, not vacuously
    assert np.all(b["landed_cost"][same_regime] >= a["landed_cost"][same_regime] - 1e-9)


@settings(max_examples=40, deadline=None)
@given(low=st.floats(0.2, 3.0), factor=st.floats(1.0, 3.0))
def test_cost_non_decreasing_in_distance(inputs, low: float, factor: float) -> None:  # type: ignore[no-untyped-def]
    """Longer road legs (first mile, transfer, drayage, last mile) and line hauls never cost less."""

    def scaled(k: float):  # type: ignore[no-untyped-def]
        return inputs.replace(fm_km=inputs.fm_km * k, tr_km=inputs.tr_km * k, dr_km=inputs.dr_km * k,
                              lm_km=inputs.lm_km * k, lh_km=inputs.lh_km * k)

    xa, xb = scaled(low), scaled(low * factor)
    a, b = compute(xa), compute(xb)
    assert np.all(sum(b[k] for k in FREIGHT) >= sum(a[k] for k in FREIGHT) - 1e-9)
    same = np.all(_over_thresholds(xa, a) == _over_thresholds(xb, b), axis=0)
    assert np.all(b["landed_cost"][same] >= a["landed_cost"][same] - 1e-9)


@settings(max_examples=30, deadline=None)
@given(extra=st.floats(0.0, 60.0))
def test_longer_transit_never_lowers_pipeline(inputs, extra: float) -> None:  # type: ignore[no-untyped-def]
    a = compute(inputs)
    b = compute(inputs.replace(lh_mean_days=inputs.lh_mean_days + extra))
    assert np.all(b["pipeline_units"] >= a["pipeline_units"] - 1e-9)
    assert np.all(b["working_capital"] >= a["working_capital"] - 1e-6)


def test_rebate_within_embedded_vat(inputs) -> None:  # type: ignore[no-untyped-def]
    out = compute(inputs)
    embedded = inputs.purchase_value * inputs.cn_vat_rate / (1 + inputs.cn_vat_rate)
    assert np.all(out["rebate"] <= embedded + 1e-12)
    assert np.all(out["rebate"] >= 0)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_rows_one_by_one_equal_the_batch(inputs, data) -> None:  # type: ignore[no-untyped-def]
    """compute() on one row of plain floats gives the same numbers as the vectorized batch."""
    batch = compute(inputs)
    i = data.draw(st.integers(0, len(inputs) - 1))
    one = compute(inputs.row(i))
    for key, col in batch.items():
        assert float(np.asarray(one[key])) == pytest.approx(float(col[i]), rel=1e-12, abs=1e-12), key


def test_evaluating_subsets_equals_the_whole() -> None:
    """evaluate() on each flow alone equals its row in the evaluation of all flows."""
    s = builtin()
    f = flows(s)
    whole = evaluate(s, f)
    rng = np.random.default_rng(7)
    for i in rng.choice(len(f), size=25, replace=False):
        part = evaluate(s, f.take(np.array([i])))
        for key in whole.values:
            assert part[key][0] == pytest.approx(whole[key][i], rel=1e-12, abs=1e-12), key


def test_blocked_compute_equals_single_pass(inputs) -> None:  # type: ignore[no-untyped-def]
    """Processing in blocks of 7 rows (a size that leaves a ragged last block) changes no number."""
    whole = compute(inputs, block_rows=len(inputs))
    blocked = compute(inputs, block_rows=7)
    for key, col in whole.items():
        np.testing.assert_array_equal(blocked[key], col, err_msg=key)


def test_review_choice_per_class_equals_per_row(all_inputs) -> None:  # type: ignore[no-untyped-def]
    """The review period is priced once per flow class (product x route) when its rows share every input but
    their units; rows made to differ within a class (a what-if on some of them) are priced one by one, and both
    give what pricing every row on its own gives."""
    x = all_inputs
    alone = x.replace(flow_class=np.arange(len(x)))
    np.testing.assert_array_equal(compute(x)["review_days"], compute(alone)["review_days"])
    # Lengthen the transit of every other row: classes now mix two lead times.
    days = np.where(np.arange(len(x)) % 2 == 0, x.lh_mean_days, x.lh_mean_days + 30.0)
    mixed = x.replace(lh_mean_days=days)
    np.testing.assert_array_equal(compute(mixed)["review_days"],
                                  compute(mixed.replace(flow_class=np.arange(len(x))))["review_days"])
