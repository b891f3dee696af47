"""A scenario file written before the rules of December 2026 (issue 14) loads and runs without conversion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from logistics import evaluate, load_scenario
from logistics.scenario import NEW_FIELDS_DOC, defaulted_fields

OLD = Path(__file__).parents[1] / "data" / "guangzhou-2026-07.toml"


def test_an_old_file_loads_with_every_new_field_at_its_default() -> None:
    s = load_scenario(OLD)
    assert (len(s.products), len(s.markets)) == (5, 8)
    assert s.rules_verified is None
    assert s.tariff_measures == s.postal_duties == s.import_fees == ()
    assert s.finance.review_period_choices == ()
    assert s.finance.insurance_rate == 0.0
    assert all(p.skus == 1 and not p.return_rate for p in s.products)
    notes = defaulted_fields(OLD)
    assert len(notes) == len(NEW_FIELDS_DOC)
    assert any(n.startswith("postal_duties:") for n in notes)


def test_an_old_file_keeps_its_own_us_rules() -> None:
    """The old file's US rule from 10 Nov 2025 adds 20% (IEEPA) to the handbag's 34% (MFN + Section 301) with no
    postal regime: a 60 USD handbag by post pays (0.34 + 0.20) * 60 = 32.40 on 2026-07-01, the figure issue 14
    starts from. The built-in file of today charges 6.00 on 2026-03-01 instead (tests/chain/test_rules_2026.py)."""
    s = load_scenario(OLD)
    df = evaluate(s, product="handbags", market="us-west", date=dt.date(2026, 7, 1)).to_frame()
    post = df[df["route"] == "9610 postal GZMX>us-west"].iloc[0]
    assert post["import_duty"] == pytest.approx((0.34 + 0.20) * 60.0, rel=1e-12)
    # One fixed review period, no selling fees, insurance, returns or income tax.
    assert set(df["review_days"]) == {14.0}
    for stage in ("selling_fees", "insurance", "returns", "income_tax"):
        assert (df[stage] == 0.0).all(), stage


def test_the_builtin_file_sets_every_new_field(tmp_path: Path) -> None:
    from logistics.scenario import builtin_text

    path = tmp_path / "builtin.toml"
    path.write_text(builtin_text(), encoding="utf-8")
    assert defaulted_fields(path) == []
