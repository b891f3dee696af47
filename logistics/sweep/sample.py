"""The variants of a sweep: a full grid, a Latin hypercube, a Sobol sequence (SALib) or plain Monte Carlo.

Every sampling draws points of the unit cube first (one column per parameter) and maps each column through its
parameter's inverse distribution function, so that the samplings differ only in where the points fall. A
Latin hypercube or Monte Carlo sample is given its rank correlations by the Iman-Conover method (Iman and
Conover 1982, Commun. Stat. Simul. Comput. 11(3)), which reorders each column and so keeps its marginal, Latin
strata included. Randomness comes from one :class:`numpy.random.Generator` seeded by the spec.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

if TYPE_CHECKING:  # spec checks its specs with these functions, so it imports this module
    from logistics.sweep.spec import Correlation, Parameter, SweepSpec

__all__ = ["correlation_target", "inverse_cdf", "unit_sample", "variant_count", "variants"]


def _choices(p: Parameter) -> tuple[Any, ...]:
    """The finite set of values a parameter takes on a full grid."""
    if p.grid:
        return p.grid
    q = (np.arange(p.levels) + 0.5) / p.levels if p.levels > 1 else np.array([0.5])
    return tuple(float(x) for x in inverse_cdf(p, q))


def variant_count(spec: SweepSpec) -> int:
    """How many variants the spec makes."""
    if spec.sampling == "grid":
        return math.prod(len(_choices(p)) for p in spec.parameters)
    if spec.sampling == "sobol":
        return spec.samples * (len(spec.parameters) + 2)
    return spec.samples


def inverse_cdf(p: Parameter, u: NDArray[np.float64]) -> NDArray[Any]:
    """The parameter's values at probabilities ``u`` (in (0, 1)): a list's values are equally likely."""
    u = np.clip(np.asarray(u, dtype=float), 1e-12, 1 - 1e-12)
    d = p.distribution
    if d is None:
        idx = np.minimum((u * len(p.grid)).astype(np.int64), len(p.grid) - 1)
        return np.array(p.grid, dtype=object)[idx]
    if d.kind == "uniform":
        return d.low + (d.high - d.low) * u
    if d.kind == "triangular":
        c = (d.mode - d.low) / (d.high - d.low)
        left = d.low + np.sqrt(u * (d.high - d.low) * (d.mode - d.low))
        right = d.high - np.sqrt((1 - u) * (d.high - d.low) * (d.high - d.mode))
        return np.where(u < c, left, right)
    if d.kind == "lognormal":
        return d.median * np.exp(d.sigma * ndtri(u))
    w = np.asarray(d.weights, dtype=float)
    cw = np.cumsum(w) / w.sum()
    return np.asarray(d.values, dtype=float)[np.minimum(np.searchsorted(cw, u, side="right"), len(w) - 1)]


def _iman_conover(x: NDArray[np.float64], target: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.float64]:
    """Reorder each column of ``x`` so that its rank correlations approach ``target`` (Iman-Conover)."""
    n, k = x.shape
    scores = ndtri((np.arange(1, n + 1)) / (n + 1))
    m = np.column_stack([rng.permutation(scores) for _ in range(k)])
    # Remove the sample's own correlation before imposing the target's (the "corrected" variant).
    e = np.corrcoef(m, rowvar=False)
    try:
        q = np.linalg.cholesky(e)
        p = np.linalg.cholesky(target)
    except np.linalg.LinAlgError:
        raise ValueError("the correlations given are not a valid correlation matrix (not positive definite); "
                         "lower them") from None
    t = m @ np.linalg.inv(q).T @ p.T
    out = np.empty_like(x)
    for j in range(k):
        ranks = np.argsort(np.argsort(t[:, j], kind="stable"), kind="stable")
        out[:, j] = np.sort(x[:, j])[ranks]
    return out


def unit_sample(spec: SweepSpec) -> NDArray[np.float64]:
    """Points in the unit cube, one row per variant (not for full grids)."""
    k = len(spec.parameters)
    rng = np.random.default_rng(spec.seed)
    if spec.sampling == "sobol":
        from SALib.sample import sobol

        problem = {"num_vars": k, "names": [p.name for p in spec.parameters], "bounds": [[0.0, 1.0]] * k}
        return np.asarray(sobol.sample(problem, spec.samples, calc_second_order=False, scramble=True,
                                       seed=spec.seed), dtype=float)
    n = spec.samples
    if spec.sampling == "lhs":
        u = (np.column_stack([rng.permutation(n) for _ in range(k)]) + rng.random((n, k))) / n
    else:
        u = rng.random((n, k))
    if spec.correlations:
        u = _iman_conover(u, correlation_target([p.name for p in spec.parameters], spec.correlations), rng)
    return u


def correlation_target(names: list[str], correlations: Sequence[Correlation]) -> NDArray[np.float64]:
    """The Pearson correlation matrix of normal scores that gives the rank correlations asked for."""
    target = np.eye(len(names))
    for c in correlations:
        i, j = names.index(c.a), names.index(c.b)
        # A rank correlation rho of normal scores is Pearson 2 sin(pi rho / 6).
        target[i, j] = target[j, i] = 2 * math.sin(math.pi * c.rho / 6)
    return target


def variants(spec: SweepSpec) -> list[dict[str, Any]]:
    """The inputs of every variant: parameter name -> value, in the spec's order."""
    names = [p.name for p in spec.parameters]
    if spec.sampling == "grid":
        return [dict(zip(names, combo, strict=True))
                for combo in itertools.product(*(_choices(p) for p in spec.parameters))]
    u = unit_sample(spec)
    cols = [inverse_cdf(p, u[:, j]) for j, p in enumerate(spec.parameters)]
    out = []
    for i in range(u.shape[0]):
        row = {}
        for p, col in zip(spec.parameters, cols, strict=True):
            v = col[i]
            row[p.name] = float(v) if isinstance(v, np.floating) else v.item() if isinstance(v, np.generic) else v
        out.append(row)
    return out
