"""Tests for :mod:`networks.distance`."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from networks import EARTH_RADIUS_KM, airport, distance_matrix_km, haversine_km, road_km

__all__: list[str] = []

lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)


def test_haversine_can_lhr_matches_hand_calculation() -> None:
    """Guangzhou Baiyun (CAN) to London Heathrow (LHR).

    Coordinates from airportsdata: CAN 23.3924 N 113.299 E, LHR 51.4706 N
    0.46194 W. By hand:

    * Δφ = 28.0782°, Δλ = -113.76094°
    * sin²(Δφ/2) = sin²(14.0391°) = 0.058847
    * cos φ1 cos φ2 = 0.917809 x 0.622909 = 0.571717
    * sin²(Δλ/2) = sin²(-56.88047°) = 0.701461
    * h = 0.058847 + 0.571717 x 0.701461 = 0.459884
    * d = 2 R asin(√h) = 2 x 6371.0088 x asin(0.678147) = 2 x 6371.0088 x 0.745239
      ≈ 9,495.8 km

    Published great-circle figures for CAN-LHR are about 9,500 km.
    """
    can, lhr = airport("CAN"), airport("LHR")
    d = haversine_km(can.lat, can.lon, lhr.lat, lhr.lon)
    assert isinstance(d, float)
    assert d == pytest.approx(9495.85, abs=0.05)
    assert 9_450 < d < 9_600


def test_haversine_special_values_and_broadcasting() -> None:
    assert haversine_km(10.0, 20.0, 10.0, 20.0) == 0.0
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert haversine_km(90.0, 0.0, -90.0, 0.0) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    # One degree of latitude is R * pi / 180.
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180)
    d = haversine_km(np.zeros((3, 1)), 0.0, 0.0, np.array([0.0, 1.0, 2.0, 3.0]))
    assert isinstance(d, np.ndarray)
    assert d.shape == (3, 4)
    np.testing.assert_allclose(d[0], np.arange(4) * EARTH_RADIUS_KM * math.pi / 180)


def test_matrix_is_symmetric_with_zero_diagonal() -> None:
    rng = np.random.default_rng(20240601)
    lat = rng.uniform(-90, 90, 300)
    lon = rng.uniform(-180, 180, 300)
    d = distance_matrix_km(lat, lon)
    assert d.shape == (300, 300)
    assert np.array_equal(d, d.T)
    assert np.all(np.diag(d) == 0.0)
    assert np.all(d >= 0)
    assert d.max() <= math.pi * EARTH_RADIUS_KM + 1e-6


def test_matrix_rectangular_and_empty() -> None:
    d = distance_matrix_km([0.0, 10.0], [0.0, 10.0], [0.0, 20.0, 30.0], [0.0, 20.0, 30.0])
    assert d.shape == (2, 3)
    assert d[0, 0] == 0.0
    assert distance_matrix_km([], []).shape == (0, 0)
    with pytest.raises(ValueError, match="both lat2 and lon2"):
        distance_matrix_km([0.0], [0.0], lat2=[1.0])
    with pytest.raises(ValueError, match="differ in length"):
        distance_matrix_km([0.0, 1.0], [0.0])


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=8).flatmap(
        lambda n: st.tuples(
            hnp.arrays(float, n, elements=lats), hnp.arrays(float, n, elements=lons)
        )
    ),
    st.integers(min_value=1, max_value=8).flatmap(
        lambda m: st.tuples(
            hnp.arrays(float, m, elements=lats), hnp.arrays(float, m, elements=lons)
        )
    ),
)
def test_matrix_equals_pairwise_haversine(
    rows: tuple[np.ndarray, np.ndarray], cols: tuple[np.ndarray, np.ndarray]
) -> None:
    d = distance_matrix_km(rows[0], rows[1], cols[0], cols[1])
    for i in range(rows[0].size):
        for j in range(cols[0].size):
            expected = haversine_km(rows[0][i], rows[1][i], cols[0][j], cols[1][j])
            # asin is ill-conditioned near antipodes, hence the absolute slack.
            assert d[i, j] == pytest.approx(expected, rel=1e-9, abs=1e-6)


def test_triangle_inequality_sample() -> None:
    rng = np.random.default_rng(7)
    lat = rng.uniform(-90, 90, 60)
    lon = rng.uniform(-180, 180, 60)
    d = distance_matrix_km(lat, lon)
    # d[i, k] <= d[i, j] + d[j, k] for every triple.
    lhs = d[:, None, :]
    rhs = d[:, :, None] + d[None, :, :]
    assert np.all(lhs <= rhs + 1e-6)


def test_matrix_5000_points_is_fast() -> None:
    rng = np.random.default_rng(5000)
    lat = rng.uniform(-90, 90, 5000)
    lon = rng.uniform(-180, 180, 5000)
    start = time.perf_counter()
    d = distance_matrix_km(lat, lon)
    elapsed = time.perf_counter() - start
    assert d.shape == (5000, 5000)
    # Typically 0.3-0.4 s on a 2-core machine; the bound leaves room for noisy CI.
    assert elapsed < 2.5


def test_road_km() -> None:
    assert road_km(100.0) == pytest.approx(130.0)
    assert road_km(100.0, detour_factor=1.2) == pytest.approx(120.0)
    np.testing.assert_allclose(road_km(np.array([0.0, 10.0]), 1.4), [0.0, 14.0])
    with pytest.raises(ValueError, match="detour_factor"):
        road_km(10.0, detour_factor=0.9)
    with pytest.raises(ValueError, match="non-negative"):
        road_km(-1.0)
