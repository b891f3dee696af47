"""Queueing formulas for X-ray screening lanes, vectorized over arrays of (lambda, mu, c).

- :func:`erlang_b`, :func:`erlang_c`: blocking and waiting probabilities of M/M/c, by the numerically stable
  Erlang B recursion ``B(0) = 1``, ``B(k) = a B(k-1) / (k + a B(k-1))`` and ``C = c B / (c - a (1 - B))``
  (Cooper, *Introduction to Queueing Theory*, 2nd ed., 1981, sec. 3.4-3.5), with offered load ``a = lambda / mu``.
- :func:`mmc_wait`: mean wait in queue ``Wq = C / (c mu - lambda)``.
- :func:`mgc_wait`: the Allen-Cunneen approximation for G/G/c, ``Wq ~ Wq(M/M/c) (ca^2 + cs^2) / 2``, which is exact
  for M/G/1 (Pollaczek-Khinchine) and serves near-deterministic CT screening (``cs`` about 0.2-0.4).
- :func:`wait_tail`: ``P(Wq > t) = C exp(-(c mu - lambda) t)`` for M/M/c, with the decay rate scaled by
  ``2 / (ca^2 + cs^2)`` for G/G/c so that the tail's mean matches Allen-Cunneen.
- :func:`sipp`: the stationary independent period-by-period (SIPP) approximation for time-varying arrivals: each
  hour is treated as a stationary queue with that hour's rate and lanes (Green, Kolesar and Soares 2001).

Rates are per hour, times in hours. Where ``lambda >= c mu`` the queue is unstable: waits are ``inf`` and
``C = 1``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["erlang_b", "erlang_c", "mgc_wait", "miss_probability", "miss_probability_between", "mmc_wait", "sipp",
           "utilization", "wait_tail"]

FloatArray = NDArray[np.float64]


def _broadcast(lam: ArrayLike, mu: ArrayLike, c: ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    lam_a, mu_a, c_a = np.broadcast_arrays(np.asarray(lam, dtype=float), np.asarray(mu, dtype=float),
                                           np.asarray(c, dtype=float))
    if np.any(c_a != np.floor(c_a)) or np.any(c_a < 0):
        raise ValueError("the number of servers c must be a whole number >= 0")
    if np.any(mu_a <= 0) or np.any(lam_a < 0):
        raise ValueError("service rates must be > 0 and arrival rates >= 0")
    return lam_a, mu_a, c_a


def erlang_b(c: ArrayLike, a: ArrayLike) -> FloatArray:
    """Erlang B blocking probability of ``c`` servers offered ``a`` erlangs (vectorized).

    Examples
    --------
    >>> round(float(erlang_b(2, 1.0)), 6)  # (1/2) / (1 + 1 + 1/2) = 0.2
    0.2
    """
    c_a, a_a = np.broadcast_arrays(np.asarray(c, dtype=float), np.asarray(a, dtype=float))
    b = np.ones(c_a.shape)
    cmax = int(c_a.max()) if c_a.size else 0
    for k in range(1, cmax + 1):
        step = a_a * b / (k + a_a * b)
        b = np.where(k <= c_a, step, b)
    return b


def erlang_c(c: ArrayLike, a: ArrayLike) -> FloatArray:
    """Erlang C: probability that an arrival waits, M/M/c with offered load ``a`` (1 where ``a >= c``).

    Examples
    --------
    >>> round(float(erlang_c(3, 2.0)), 6)  # (8/6 * 3) / (1 + 2 + 2 + 8/6 * 3) = 4/9
    0.444444
    """
    c_a, a_a = np.broadcast_arrays(np.asarray(c, dtype=float), np.asarray(a, dtype=float))
    b = erlang_b(c_a, a_a)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = c_a * b / (c_a - a_a * (1.0 - b))
    return np.where(a_a < c_a, out, 1.0)


def utilization(lam: ArrayLike, mu: ArrayLike, c: ArrayLike) -> FloatArray:
    """Server utilization ``lambda / (c mu)`` (``inf`` with no server and positive arrivals, 0 with neither)."""
    lam_a, mu_a, c_a = _broadcast(lam, mu, c)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = lam_a / (c_a * mu_a)
    return np.where(c_a > 0, rho, np.where(lam_a > 0, np.inf, 0.0))


def mmc_wait(lam: ArrayLike, mu: ArrayLike, c: ArrayLike) -> FloatArray:
    """Mean wait in queue of M/M/c, hours: ``C(c, a) / (c mu - lambda)``; 0 with no arrivals, inf if unstable."""
    lam_a, mu_a, c_a = _broadcast(lam, mu, c)
    a = lam_a / mu_a
    stable = lam_a < c_a * mu_a
    with np.errstate(divide="ignore", invalid="ignore"):
        w = erlang_c(c_a, a) / (c_a * mu_a - lam_a)
    return np.where(lam_a == 0, 0.0, np.where(stable, w, np.inf))


def mgc_wait(lam: ArrayLike, mu: ArrayLike, c: ArrayLike, cs2: ArrayLike = 1.0, ca2: ArrayLike = 1.0) -> FloatArray:
    """Allen-Cunneen mean wait of G/G/c: ``Wq(M/M/c) * (ca2 + cs2) / 2`` (squared coefficients of variation).

    Examples
    --------
    M/D/1 at utilization 0.5 and mu = 1: Pollaczek-Khinchine gives ``rho / (2 mu (1 - rho)) = 0.5``.

    >>> float(mgc_wait(0.5, 1.0, 1, cs2=0.0))
    0.5
    """
    return mmc_wait(lam, mu, c) * (np.asarray(ca2, dtype=float) + np.asarray(cs2, dtype=float)) / 2.0


def wait_tail(lam: ArrayLike, mu: ArrayLike, c: ArrayLike, t: ArrayLike, cs2: ArrayLike = 1.0,
              ca2: ArrayLike = 1.0) -> FloatArray:
    """Probability that the wait in queue exceeds ``t`` hours (``t >= 0``; 1 where the queue is unstable)."""
    lam_a, mu_a, c_a = _broadcast(lam, mu, c)
    scv = (np.asarray(ca2, dtype=float) + np.asarray(cs2, dtype=float)) / 2.0
    t_a = np.maximum(np.asarray(t, dtype=float), 0.0)
    stable = lam_a < c_a * mu_a
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        p = erlang_c(c_a, lam_a / mu_a) * np.exp(-(c_a * mu_a - lam_a) * t_a / np.maximum(scv, 1e-12))
    return np.where(lam_a == 0, 0.0, np.where(stable, p, 1.0))


def sipp(lam_by_hour: ArrayLike, mu: float, lanes_by_hour: ArrayLike, cs2: float = 1.0) -> FloatArray:
    """Mean wait per hour under the SIPP approximation (arrays over hours, or sites x hours)."""
    return mgc_wait(lam_by_hour, mu, lanes_by_hour, cs2=cs2)


def miss_probability(lam: ArrayLike, mu: ArrayLike, c: ArrayLike, slack: ArrayLike, cs2: ArrayLike = 1.0,
                     alarm_share: float = 0.0, resolution_hours: float = 0.0) -> FloatArray:
    """Probability that a parcel with ``slack`` hours to spare misses its flight: it waits ``W`` in the lanes'
    queue and, with probability ``alarm_share``, an exponential resolution time ``R`` (mean
    ``resolution_hours``) off the lane: ``(1 - a) P(W > s) + a P(W + R > s)``.

    ``W`` is 0 with probability ``1 - C`` and otherwise exponential with the rate of :func:`wait_tail`, so
    ``P(W + R > s) = (1 - C) e^{-b s} + C (theta e^{-b s} - b e^{-theta s}) / (theta - b)`` with ``b = 1 / R``
    (the hypoexponential tail; ``(1 + theta s) e^{-theta s}`` when ``theta = b``).

    Examples
    --------
    No queue (``lam = 0``) and every parcel alarmed: the miss probability is ``P(R > s) = e^{-s / R}``.

    >>> round(float(miss_probability(0.0, 10.0, 1, 1.0, alarm_share=1.0, resolution_hours=0.5)), 6)
    0.135335
    """
    base = wait_tail(lam, mu, c, slack, cs2=cs2)
    if alarm_share <= 0 or resolution_hours <= 0:
        return base
    lam_a, mu_a, c_a = _broadcast(lam, mu, c)
    s = np.maximum(np.asarray(slack, dtype=float), 0.0)
    scv = (1.0 + np.asarray(cs2, dtype=float)) / 2.0
    stable = lam_a < c_a * mu_a
    cw = np.where(lam_a == 0, 0.0, erlang_c(c_a, lam_a / mu_a))
    b = 1.0 / resolution_hours
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        theta = np.maximum((c_a * mu_a - lam_a) / np.maximum(scv, 1e-12), 1e-12)
        eb, et = np.exp(-b * s), np.exp(-theta * s)
        close = np.abs(theta - b) < 1e-9 * b
        hypo = np.where(close, (1.0 + b * s) * eb, (theta * eb - b * et) / np.where(close, 1.0, theta - b))
    both = (1.0 - cw) * eb + cw * hypo
    out = (1.0 - alarm_share) * base + alarm_share * both
    return np.where(stable | (lam_a == 0), np.clip(out, 0.0, 1.0), 1.0)


def miss_probability_between(lam: ArrayLike, mu: ArrayLike, c: ArrayLike, lo: ArrayLike, hi: ArrayLike,
                             cs2: ArrayLike = 1.0, alarm_share: float = 0.0, resolution_hours: float = 0.0
                             ) -> FloatArray:
    """The :func:`miss_probability` averaged over a slack spread evenly on ``[lo, hi]`` (hours; a slack below 0
    misses for certain): the share of an arrival slot's parcels that miss when their slacks fill an interval.

    For ``s >= 0`` the miss probability is ``A e^{-theta s} + B e^{-b s}`` (plus ``D b s e^{-b s}`` when
    ``theta = b``), so its average is exact: ``int_u^v e^{-k s} ds = (e^{-k u} - e^{-k v}) / k``. Parcels within
    the service time and wait of their deadline miss with a probability that a point at the slot's middle
    cannot see: for a slot ending at its deadline the average is about ``E[W + S] / (hi - lo)``.

    Examples
    --------
    No queue, every parcel alarmed with a mean resolution of 1 h, slacks spread over ``[0, 2]`` hours: the
    average of ``e^{-s}`` is ``(1 - e^{-2}) / 2``.

    >>> round(float(miss_probability_between(0.0, 10.0, 1, 0.0, 2.0, alarm_share=1.0, resolution_hours=1.0)), 6)
    0.432332
    """
    lam_a, mu_a, c_a = _broadcast(lam, mu, c)
    lo_a, hi_a = np.broadcast_arrays(np.asarray(lo, dtype=float), np.asarray(hi, dtype=float))
    lo_a, hi_a = np.minimum(lo_a, hi_a), np.maximum(lo_a, hi_a)
    width = hi_a - lo_a
    scv = (1.0 + np.asarray(cs2, dtype=float)) / 2.0
    stable = lam_a < c_a * mu_a
    cw = np.where(lam_a == 0, 0.0, erlang_c(c_a, lam_a / mu_a))
    a = alarm_share if resolution_hours > 0 else 0.0
    b = 1.0 / resolution_hours if resolution_hours > 0 else 1.0
    u = np.maximum(lo_a, 0.0)
    v = np.maximum(hi_a, 0.0)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        theta = np.maximum((c_a * mu_a - lam_a) / np.maximum(scv, 1e-12), 1e-12)

        def integral(k: FloatArray | float) -> FloatArray:
            return np.where(v > u, (np.exp(-k * u) - np.exp(-k * v)) / k, 0.0)

        close = np.abs(theta - b) < 1e-9 * b
        diff = np.where(close, 1.0, theta - b)
        coef_t = (1.0 - a) * cw - np.where(close, 0.0, a * cw * b / diff)
        coef_b = a * (1.0 - cw) + np.where(close, a * cw, a * cw * theta / diff)
        # (1 + b s) e^{-b s} when theta = b: the b s e^{-b s} part integrates to ((1 + b u) e^{-b u} - (1 + b v)
        # e^{-b v}) / b.
        lin = np.where(close & (v > u), a * cw * ((1.0 + b * u) * np.exp(-b * u) - (1.0 + b * v) * np.exp(-b * v))
                       / b, 0.0)
        total = (u - lo_a) + coef_t * integral(theta) + coef_b * integral(b) + lin
        avg = total / np.where(width > 0, width, 1.0)
    out = np.clip(avg, 0.0, 1.0)
    flat = width <= 1e-12
    if flat.any():
        # An interval of no width is its point (evaluated only where there is one: this runs on every slot).
        mid = (lo_a + hi_a) / 2.0
        point = miss_probability(lam_a, mu_a, c_a, np.maximum(mid, 0.0), cs2=cs2, alarm_share=alarm_share,
                                 resolution_hours=resolution_hours)
        out = np.where(flat, np.where(mid < 0.0, 1.0, point), out)
    return np.where(stable | (lam_a == 0), out, 1.0)
