"""Benchmark fixtures: fixed seeds, synthetic inputs built once per session."""

from __future__ import annotations

import numpy as np
import pytest

from logistics import builtin
from logistics.chain import ChainInputs, Flows, flows, gather

N_ROWS = 1_000_000


def synthetic_flows(n: int, seed: int = 20200904) -> tuple[Flows, np.ndarray, np.ndarray]:
    """``n`` flow rows resampled from the built-in scenario, with per-row weight and distance factors."""
    s = builtin()
    base = flows(s)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(base), size=n)
    return base.take(idx), rng.lognormal(0.0, 0.5, size=n), rng.lognormal(0.0, 0.3, size=n)


@pytest.fixture(scope="session")
def million_inputs() -> ChainInputs:
    f, weight_factor, km_factor = synthetic_flows(N_ROWS)
    x = gather(builtin(), f)
    return x.replace(weight_kg=x.weight_kg * weight_factor, fm_km=x.fm_km * km_factor, lm_km=x.lm_km * km_factor,
                     dr_km=x.dr_km * km_factor)
