"""Policy measures as switches in the scenario: what switching one off does, exactly once, and what the loader
refuses."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from logistics.chain import evaluate
from logistics.errors import ScenarioError
from logistics.scenario import builtin, builtin_text, dump_scenario, parse_scenario, resolve_measures, with_measures
from logistics.scenario.paths import PathError, apply, get


def test_the_builtin_scenario_has_the_2020_measures_with_their_text() -> None:
    s = builtin()
    by = {m.id: m for m in s.measures}
    assert set(by) == {"m1", "m2", "m4", "m5", "m8", "m9", "m10", "m14", "m16"}
    # The wording is the measure's own (gz-measures-2020), not a paraphrase.
    assert "保税货物与非保税货物同仓存储" in by["m1"].text
    assert "不征税复运进境" in by["m2"].text
    assert "国家税务总局公告 2019 年第 36 号" in by["m4"].text
    assert "20 万美元" in by["m5"].text
    assert "由广州航空货站前置至中国邮政广州国际邮件互换局" in by["m8"].text
    assert "降低收费标准" in by["m9"].text
    assert "保税物流中心" in by["m10"].text
    assert "根据租赁面积给予补助" in by["m14"].text
    assert "省级公共海外仓" in by["m16"].text
    assert all(m.in_force for m in s.measures)
    # Every magnitude says where it comes from.
    assert all(e.basis for m in s.measures for e in m.effects)
    assert by["m5"].effects == ()
    assert by["m5"].note


def test_switching_a_measure_off_applies_its_effects_once() -> None:
    s = builtin()
    off = resolve_measures(with_measures(s, [m.id for m in s.measures if m.id != "m9"]))
    # m9 off: handling 20% higher at the mail exchange (0.10 -> 0.12 USD/kg) and the airport (0.15 -> 0.18).
    assert get(off, "gateways[GZMX].handling_per_kg") == [pytest.approx(0.12)]
    assert get(off, "gateways[CAN].handling_per_kg") == [pytest.approx(0.18)]
    assert get(off, "gateways[NSA].handling_per_kg") == [pytest.approx(0.03)]
    assert off.measures_resolved
    # A model that passes the scenario on to another resolves it again: nothing more happens.
    assert resolve_measures(off) is off
    assert get(resolve_measures(off), "gateways[GZMX].handling_per_kg") == [pytest.approx(0.12)]
    # All in force: nothing to apply, the scenario itself.
    assert resolve_measures(s) is s


def test_the_chain_prices_the_world_without_the_measure() -> None:
    s = builtin()
    switched = with_measures(s, [m.id for m in s.measures if m.id != "m9"])
    by_hand = apply(apply(dataclasses.replace(s, measures=()), "gateways[GZMX].handling_per_kg", 0.12),
                    "gateways[CAN].handling_per_kg", 0.18)
    a, b = evaluate(switched), evaluate(by_hand)
    np.testing.assert_allclose(a["landed_cost"], b["landed_cost"], rtol=1e-12)
    assert not np.allclose(a["landed_cost"], evaluate(s)["landed_cost"])


def test_deemed_profit_income_tax_off_by_hand() -> None:
    # Measure 4: income tax = income_tax_rate x deemed profit rate x revenue on invoice-less 9610 rows. Off, the
    # deemed rate goes from 4% to the assumed 30% of revenue, so the tax is 7.5 times as high on those rows.
    s = builtin()
    on = evaluate(s, product="apparel", market="de")
    off = evaluate(with_measures(s, [m.id for m in s.measures if m.id != "m4"]), product="apparel", market="de")
    direct = np.asarray(on.channel).astype(str) == "9610"
    assert direct.any()
    tax_on, tax_off = np.asarray(on["income_tax"])[direct], np.asarray(off["income_tax"])[direct]
    assert (tax_on > 0).all()
    np.testing.assert_allclose(tax_off, tax_on * 0.30 / 0.04, rtol=1e-9)


def test_measures_and_their_state_survive_a_round_trip() -> None:
    s = with_measures(builtin(), ["m8"])
    back = parse_scenario(dump_scenario(s))
    assert back.measures == s.measures
    resolved = resolve_measures(s)
    again = parse_scenario(dump_scenario(resolved))
    assert again.measures_resolved
    assert get(again, "gateways[GZMX].handling_per_kg") == [pytest.approx(0.12)]
    assert resolve_measures(again) is again  # read back, it is not resolved a second time


def _with_effect(effect: str) -> str:
    return builtin_text() + f"""
[[measures]]
id = "mx"
title = "test"
text = "test"
summary = "test"
source = "gz-measures-2020"
[[measures.effects]]
{effect}
"""


@pytest.mark.parametrize(("effect", "field", "words"), [
    ('path = "finance.cost_of_capital"\noff = 0.1\noff_factor = 2\nbasis = "assumption: x"', "effects[0].off",
     "exactly one of off and off_factor"),
    ('path = "finance.cost_of_capitel"\noff = 0.1\nbasis = "assumption: x"', "measures[mx].effects[0]",
     "did you mean 'cost_of_capital'"),
    ('path = "finance.cost_of_capital"\noff = 0.1', "effects[0].basis", "missing"),
    ('path = "finance.cost_of_capital"\noff = 0.1\nbasis = "a guess"', "effects[0].basis", "unknown source key"),
    ('path = "finance.cost_of_capital"\noff = "high"\nbasis = "assumption: x"', "measures[mx].effects[0]",
     "needs a finite number"),
    ('path = "finance.cost_of_capital"\noff = 3.0\nbasis = "assumption: x"', "finance.cost_of_capital",
     "without the measures"),
    ('path = "finance.cost_of_capital"\noff_factor = -1\nbasis = "assumption: x"', "off_factor", "below 0"),
])
def test_bad_measures_are_refused_with_the_field_named(effect: str, field: str, words: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(_with_effect(effect), "bad.toml")
    msg = str(exc.value)
    assert "bad.toml" in msg, msg
    assert field in msg, msg
    assert words in msg, msg


def test_switching_an_unknown_measure_is_refused() -> None:
    with pytest.raises(KeyError, match="m99"):
        with_measures(builtin(), ["m99"])


def test_value_selectors_and_lists_of_ids() -> None:
    s = builtin()
    rules = apply(s, "export_rules[mode=9610].deemed_profit_rate", 0.1)
    assert [r.deemed_profit_rate for r in rules.export_rules if r.mode.value == "9610"] == [0.1, 0.1]
    assert [r.deemed_profit_rate for r in rules.export_rules if r.mode.value != "9610"] == \
        [r.deemed_profit_rate for r in s.export_rules if r.mode.value != "9610"]
    sea = apply(s, "lanes[mode=ocean_fcl].per_container", 2.0, "scale")
    for a, b in zip(s.lanes, sea.lanes, strict=True):
        assert b.per_container == (a.per_container * 2 if a.mode == "ocean_fcl" else a.per_container)
    flows = apply(s, "screening.flows[*].candidates", ["CAN-T"])
    assert flows.screening is not None
    assert {f.candidates for f in flows.screening.flows} == {("CAN-T",)}
    with pytest.raises(PathError, match="did you mean 'ocean_fcl'"):
        apply(s, "lanes[mode=ocean_fc].per_kg", 1.0)
    with pytest.raises(PathError, match="no field 'mdoe'"):
        apply(s, "lanes[mdoe=air].per_kg", 1.0)
    with pytest.raises(PathError, match="records have no ids"):
        apply(s, "export_rules[9610].fee_per_kg", 1.0)
    with pytest.raises(PathError, match="list of text"):
        apply(s, "screening.flows[*].candidates", "CAN-T")
