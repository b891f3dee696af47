"""Stage functions: hand-checked values and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logistics.chain import stages


def test_chargeable_weight_uses_volumetric_when_larger() -> None:
    """0.5 kg in 0.006 m3 at 167 kg/m3 bills 1.002 kg; 2 kg in the same box bills 2 kg."""
    assert stages.chargeable_kg(0.5, 0.006, 167) == pytest.approx(1.002)
    assert stages.chargeable_kg(2.0, 0.006, 167) == pytest.approx(2.0)
    assert stages.chargeable_kg(0.5, 0.006, 0) == pytest.approx(0.5)


def test_uniform_wait_daily_and_weekly() -> None:
    """Daily departures: wait U(0, 1): mean 0.5, std 1/sqrt(12) = 0.288675; weekly: U(0, 7): 3.5 and 2.020726."""
    m, s = stages.uniform_wait(7.0)
    assert (m, s) == (pytest.approx(0.5), pytest.approx(1 / math.sqrt(12)))
    m, s = stages.uniform_wait(1.0)
    assert (m, s) == (pytest.approx(3.5), pytest.approx(7 / math.sqrt(12)))


def test_line_haul_fcl_share_by_volume_or_weight() -> None:
    """A 40 ft box (67.7 m3, 26,500 kg, 85% fill) at USD 3,000.

    light unit 0.3 kg, 0.002 m3: volume-bound, 3000 * 0.002 / (67.7 * 0.85) = 0.104266
    dense unit 20 kg, 0.002 m3:  weight-bound, 3000 * 20 / 26500            = 2.264151
    """
    args = dict(items_per_parcel=1.0, km=0.0, per_kg=0.0, per_m3=0.0, per_item=0.0, per_container=3000.0,
                per_kg_km=0.0, container_m3=67.7, container_kg=26500.0, container_fill=0.85,
                volumetric_kg_per_m3=0.0, transit_mean_days=18.0, transit_std_days=3.0, departures_per_week=4.0)
    light, mean, std = stages.line_haul(0.3, 0.002, **args)
    dense, _, _ = stages.line_haul(20.0, 0.002, **args)
    assert light == pytest.approx(3000 * 0.002 / (67.7 * 0.85))
    assert dense == pytest.approx(3000 * 20 / 26500)
    assert mean == pytest.approx(18 + 7 / 4 / 2)
    assert std == pytest.approx(math.sqrt(9 + (7 / 4) ** 2 / 12))


def test_import_clearance_threshold_is_inclusive() -> None:
    """De-minimis: a consignment worth exactly the threshold is duty-free; one cent more pays ad valorem.

    parcel of 2 units at 75 = 150 (threshold 150): flat duty 3 per line / 2 units = 1.5 a unit, no VAT at import
    parcel of 2 units at 75.005 = 150.01: duty 12% * 75.005 = 9.0006; VAT 19% * (75.005 + 9.0006) = 15.96106
    """
    duty, vat, fee = stages.import_clearance(75.0, 75.0, 2.0, 0.12, 0.0, 150.0, 3.0, 0.19, 150.0, 1.0)
    assert (duty, vat, fee) == (pytest.approx(1.5), pytest.approx(0.0), pytest.approx(0.5))
    duty, vat, _ = stages.import_clearance(75.005, 75.005, 2.0, 0.12, 0.0, 150.0, 3.0, 0.19, 150.0, 1.0)
    assert duty == pytest.approx(0.12 * 75.005)
    assert vat == pytest.approx(0.19 * (75.005 + 0.12 * 75.005))


def test_inventory_textbook_example() -> None:
    """d = 100/day, cv 0.5, L = 10 +- 2 days, R = 7, z = 1.645.

    pipeline 100 * 10 = 1000; cycle 100 * 7 / 2 = 350;
    safety 1.645 * sqrt((7 + 10) * 50**2 + 100**2 * 2**2) = 1.645 * sqrt(82500) = 472.4906
    """
    pipe, cycle, safety = stages.inventory(100.0, 0.5, 10.0, 2.0, 7.0, 1.645)
    assert pipe == pytest.approx(1000.0)
    assert cycle == pytest.approx(350.0)
    assert safety == pytest.approx(1.645 * math.sqrt(82500))


def test_last_mile_bands_and_overweight() -> None:
    """Bands 1 / 2 / 5 kg at 6 / 8 / 12, 1 per kg beyond 5 kg, 10% per 1,000 km, 2 items per parcel.

    1.0 kg at 0 km: first band, 6 / 2 = 3;   1.0001 kg: second band, 8 / 2 = 4
    7.5 kg at 500 km: (12 + 2.5) * 1.05 / 2 = 7.6125; days 1 + 500 / 250 = 3
    """
    bands = np.array([1.0, 2.0, 5.0])
    prices = np.array([6.0, 8.0, 12.0])
    kw = dict(band_max_kg=bands, band_price=prices, per_kg_over=1.0, per_1000km=0.1, base_days=1.0,
              std_days=0.5, km_per_day=250.0, items_per_parcel=2.0)
    assert stages.last_mile(1.0, 0.0, **kw)[0] == pytest.approx(3.0)
    assert stages.last_mile(1.0001, 0.0, **kw)[0] == pytest.approx(4.0)
    cost, days, std = stages.last_mile(7.5, 500.0, **kw)
    assert (cost, days, std) == (pytest.approx(7.6125), pytest.approx(3.0), pytest.approx(0.5))


def test_storage_hand_example() -> None:
    """Free 30 days, then 0.5 per m3-day to day 90, then 1.5. Dwell uniform on [20, 60] days.

    E[charge] = (1/40) * integral_30^60 0.5 (t - 30) dt = (1/40) * 0.5 * 450 = 5.625 per m3
    A dwell of exactly 100 days: 0.5 * 60 + 1.5 * 10 = 45.
    """
    tiers_from = np.array([0.0, 30.0, 90.0])
    tiers_rate = np.array([0.0, 0.5, 1.5])
    assert stages.storage_cost_per_m3(20.0, 60.0, tiers_from, tiers_rate) == pytest.approx(5.625)
    assert stages.storage_cost_per_m3(100.0, 100.0, tiers_from, tiers_rate) == pytest.approx(45.0)


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(0, 300), span=st.floats(0.01, 200),
    starts=st.lists(st.floats(1, 400), min_size=1, max_size=4, unique=True),
    rates=st.lists(st.floats(0, 10), min_size=5, max_size=5),
)
def test_storage_matches_numerical_integration(a: float, span: float, starts: list[float],
                                               rates: list[float]) -> None:
    """The closed form equals the mean of the tiered charge over a fine grid of dwell times."""
    tiers_from = np.array([0.0, *sorted(starts)])
    tiers_rate = np.array(rates[: len(tiers_from)])
    b = a + span

    def charge(t: np.ndarray) -> np.ndarray:
        hi = np.append(tiers_from[1:], np.inf)
        return (tiers_rate * np.clip(t[:, None] - tiers_from, 0, hi - tiers_from)).sum(axis=1)

    grid = np.linspace(a, b, 20001)
    numeric = np.trapezoid(charge(grid), grid) / span
    closed = stages.storage_cost_per_m3(a, b, tiers_from, tiers_rate)
    assert closed == pytest.approx(numeric, rel=1e-6, abs=1e-6)


@given(purchase=st.floats(0.01, 1e5), vat=st.floats(0, 0.5), rebate=st.floats(0, 1), eligible=st.sampled_from([0, 1]))
def test_rebate_never_exceeds_embedded_vat(purchase: float, vat: float, rebate: float, eligible: int) -> None:
    """Whatever the rates (even a rebate rate above the VAT rate), rebate <= P v / (1 + v)."""
    r = stages.rebate_per_unit(purchase, vat, rebate, eligible)
    assert 0.0 <= r <= purchase * vat / (1 + vat) + 1e-9
