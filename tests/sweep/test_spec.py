"""Sweep specs, paths into a scenario and the samplings, checked by hand."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from scipy import stats

from logistics import builtin
from logistics.chain import evaluate
from logistics.errors import ScenarioError
from logistics.sweep import EXAMPLE, PathError, apply, get, parse_spec, variant_count, variants
from logistics.sweep.sample import inverse_cdf

HEAD = 'scenario = "builtin"\n'


def test_set_and_scale_by_path() -> None:
    s = builtin()
    assert get(apply(s, "finance.cost_of_capital", 0.11), "finance.cost_of_capital") == [0.11]
    before = get(s, "markets[uk].demand_per_year.*")
    after = get(apply(s, "markets[uk].demand_per_year.*", 1.5, "scale"), "markets[uk].demand_per_year.*")
    assert after == pytest.approx([1.5 * v for v in before])
    # Only the market named changes; every lane's rate scales with [*].
    assert get(apply(s, "markets[uk].demand_per_year.*", 1.5, "scale"), "markets[de].demand_per_year.*") == get(
        s, "markets[de].demand_per_year.*")
    lanes = apply(s, "lanes[*].per_kg", 2.0, "scale")
    assert get(lanes, "lanes[*].per_kg") == pytest.approx([2 * v for v in get(s, "lanes[*].per_kg")])
    assert apply(s, "date", "2025-04-01").date == dt.date(2025, 4, 1)
    assert apply(s, "finance.parcel_returns", "reimport").finance.parcel_returns == "reimport"
    assert s.finance.cost_of_capital == 0.08  # the base is never changed


@pytest.mark.parametrize(("path", "value", "message"), [
    ("finance.cost_of_capitl", 0.1, "did you mean 'cost_of_capital'"),
    ("lanes[post-ukk].per_kg", 1.0, "did you mean 'post-uk'"),
    ("markets[uk].demand_per_year.handbag", 1.0, "did you mean 'handbags'"),
    ("finance.cost_of_capital", "high", "needs a finite number"),
    ("finance.cost_of_capital", math.nan, "needs a finite number"),
    ("date", "tomorrow", "ISO date"),
    ("products[apparel].skus", 2.5, "whole number"),
    ("lanes[post-uk]", 1.0, "name a field of the record"),
])
def test_bad_paths_and_values_say_what_to_fix(path: str, value: object, message: str) -> None:
    with pytest.raises(PathError, match=message):
        apply(builtin(), path, value)


def test_sweep_changes_what_the_chain_computes() -> None:
    """Doubling every market's demand doubles the units the chain serves."""
    s = builtin()
    r0, r1 = evaluate(s), evaluate(apply(s, "markets[*].demand_per_year.*", 2.0, "scale"))
    assert r1.units_per_year.sum() == pytest.approx(2 * r0.units_per_year.sum())


def test_fast_winners_are_the_report_winners() -> None:
    s = builtin()
    for v in (s, apply(s, "lanes[*].per_kg", 3.0, "scale"), apply(s, "markets[*].promise_days", 0.3, "scale")):
        r = evaluate(v)
        w = r.winners()
        idx = r.winner_index()
        assert sorted(zip(r.product[idx], r.market[idx], r.channel[idx], r.route[idx], strict=True)) == sorted(
            zip(w["product"], w["market"], w["channel"], w["route"], strict=True))


def test_example_spec_parses_with_twenty_variants() -> None:
    spec = parse_spec(EXAMPLE, "example.toml")
    assert variant_count(spec) == 20 == len(variants(spec))
    assert spec.run == ("chain", "design")


@pytest.mark.parametrize(("text", "field", "fix"), [
    ('[[parameter]]\npath = "finance.cost_of_capitl"\ngrid = [0.1]\n', "parameter[finance.cost_of_capitl].path",
     "cost_of_capital"),
    ('samplng = "lhs"\n[[parameter]]\npath = "date"\nvalues = ["2025-01-01"]\n', "samplng", "sampling"),
    ('[[parameter]]\npath = "date"\nvalues = ["2025-01-01"]\ngrid = [1]\n', "parameter[date]", "exactly one"),
    ('[[parameter]]\npath = "finance.cost_of_capital"\ndistribution = { kind = "uniform", low = 2, high = 1 }\n',
     "parameter[finance.cost_of_capital].distribution", "swap"),
    ('sampling = "sobol"\nsamples = 12\n[[parameter]]\npath = "date"\nvalues = ["2025-01-01"]\n', "samples", "16"),
    ('seed = 4294967296\n[[parameter]]\npath = "date"\nvalues = ["2025-01-01"]\n', "seed", "seed = 0"),
    ('[[parameter]]\npath = "finance.cost_of_capital"\ngrid = [nan]\n', "parameter[finance.cost_of_capital].grid[0]",
     "number"),
    ('', "parameter", "[[parameter]]"),
    ('[[parameter]]\nname = [1]\npath = "date"\nvalues = ["2025-01-01"]\n', "parameter[0].name", "name ="),
    ('correlation = 5\n[[parameter]]\npath = "date"\nvalues = ["2025-01-01"]\n', "correlation", "[[correlation]]"),
    ('[[parameter]]\npath = "products[*].skus"\ndistribution = { kind = "uniform", low = 1, high = 5 }\n',
     "parameter[products[*].skus].distribution", "values = [...]"),
    ('samples = 3\n' + "".join(f'[[parameter]]\nname = "{n}"\npath = "finance.cost_of_capital"\n'
                               'distribution = { kind = "uniform", low = 0.05, high = 0.1 }\n' for n in "abc")
     + '[[correlation]]\nparameters = ["a", "b"]\nrho = 0.5\n', "samples", "at least 5"),
    ('samples = 20\n' + "".join(f'[[parameter]]\nname = "{n}"\npath = "finance.cost_of_capital"\n'
                                'distribution = { kind = "uniform", low = 0.05, high = 0.1 }\n' for n in "abc")
     + '[[correlation]]\nparameters = ["a", "b"]\nrho = 0.95\n[[correlation]]\nparameters = ["b", "c"]\n'
     'rho = 0.95\n[[correlation]]\nparameters = ["a", "c"]\nrho = -0.95\n', "correlation", "lower"),
    ('sampling = "grid"\n[[parameter]]\nname = "a"\npath = "finance.cost_of_capital"\ngrid = [0.1]\n'
     '[[parameter]]\nname = "b"\npath = "finance.insurance_rate"\ngrid = [0.1]\n'
     '[[correlation]]\nparameters = ["a", "b"]\nrho = 0.5\n', "correlation[0]", "lhs"),
])
def test_bad_specs_name_the_field_and_the_fix(text: str, field: str, fix: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_spec(HEAD + text, "bad.toml")
    assert info.value.file == "bad.toml"
    assert info.value.field == field
    assert fix in str(info.value)


def _spec(body: str) -> object:
    return parse_spec(HEAD + body, "t.toml")


def test_full_grid_is_every_combination() -> None:
    spec = _spec('sampling = "grid"\n[[parameter]]\nname = "a"\npath = "finance.cost_of_capital"\n'
                 'grid = [0.05, 0.1]\n[[parameter]]\nname = "b"\npath = "date"\n'
                 'values = ["2025-01-01", "2025-06-01", "2026-01-01"]\n')
    v = variants(spec)  # type: ignore[arg-type]
    assert len(v) == 6
    assert {(r["a"], r["b"]) for r in v} == {(a, b) for a in (0.05, 0.1)
                                             for b in ("2025-01-01", "2025-06-01", "2026-01-01")}


def test_a_distribution_on_a_grid_takes_its_quantiles() -> None:
    """Uniform on [0, 0.12] at levels 3: the quantiles at 1/6, 1/2 and 5/6 are 0.02, 0.06 and 0.10."""
    spec = _spec('sampling = "grid"\n[[parameter]]\npath = "finance.cost_of_capital"\nlevels = 3\n'
                 'distribution = { kind = "uniform", low = 0.0, high = 0.12 }\n')
    assert [r["finance.cost_of_capital"] for r in variants(spec)] == pytest.approx([0.02, 0.06, 0.10])  # type: ignore[arg-type]


def test_inverse_distribution_functions_by_hand() -> None:
    """Triangular (0, 1, 4): F(1) = 1/4, so u = 1/4 maps to 1, and u = 1/2 (right of the mode) to
    4 - sqrt((1 - 1/2) * 4 * 3) = 4 - sqrt(6). Lognormal: u = 1/2 is the median, u = Phi(1) the median times
    e^sigma. Empirical (7, 14) with weights (3, 1): u below 3/4 gives 7."""
    spec = _spec('[[parameter]]\nname = "t"\npath = "finance.cost_of_capital"\n'
                 'distribution = { kind = "triangular", low = 0.0, mode = 1.0, high = 4.0 }\n'
                 '[[parameter]]\nname = "l"\npath = "finance.insurance_rate"\n'
                 'distribution = { kind = "lognormal", median = 0.01, sigma = 0.5 }\n'
                 '[[parameter]]\nname = "e"\npath = "finance.review_period_days"\n'
                 'distribution = { kind = "empirical", values = [7, 14], weights = [3, 1] }\n')
    t, lg, e = spec.parameters  # type: ignore[attr-defined]
    assert inverse_cdf(t, np.array([0.25, 0.5])) == pytest.approx([1.0, 4 - math.sqrt(6)])
    assert inverse_cdf(lg, np.array([0.5]))[0] == pytest.approx(0.01)
    assert inverse_cdf(lg, np.array([stats.norm.cdf(1.0)]))[0] == pytest.approx(0.01 * math.exp(0.5))
    assert list(inverse_cdf(e, np.array([0.1, 0.74, 0.76, 0.99]))) == [7, 7, 14, 14]


def test_latin_hypercube_has_one_point_per_stratum_and_keeps_it_under_correlation() -> None:
    spec = _spec('sampling = "lhs"\nsamples = 50\nseed = 5\n'
                 '[[parameter]]\nname = "a"\npath = "finance.cost_of_capital"\n'
                 'distribution = { kind = "uniform", low = 0.0, high = 1.0 }\n'
                 '[[parameter]]\nname = "b"\npath = "finance.insurance_rate"\n'
                 'distribution = { kind = "uniform", low = 0.0, high = 1.0 }\n'
                 '[[correlation]]\nparameters = ["a", "b"]\nrho = 0.7\n')
    v = variants(spec)  # type: ignore[arg-type]
    a = np.array([r["a"] for r in v])
    b = np.array([r["b"] for r in v])
    for col in (a, b):
        assert sorted(np.floor(col * 50).astype(int)) == list(range(50))
    assert stats.spearmanr(a, b).statistic == pytest.approx(0.7, abs=0.1)
    assert variants(spec) == v  # type: ignore[arg-type]  # same seed, same sample


def test_sobol_sample_size() -> None:
    spec = _spec('sampling = "sobol"\nsamples = 8\n[[parameter]]\nname = "a"\npath = "finance.cost_of_capital"\n'
                 'distribution = { kind = "uniform", low = 0.05, high = 0.1 }\n[[parameter]]\nname = "b"\n'
                 'path = "finance.insurance_rate"\ndistribution = { kind = "uniform", low = 0.0, high = 0.01 }\n')
    assert len(variants(spec)) == 8 * (2 + 2)  # type: ignore[arg-type]
