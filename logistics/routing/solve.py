"""``solve(problem, *, time_limit, seed, backend)``: one façade over PyVRP and OR-Tools routing."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from logistics.routing.backends import BackendRun, run_ortools, run_pyvrp
from logistics.routing.evaluate import Route, RouteCheck, check_solution
from logistics.routing.problem import RoutingProblem

__all__ = ["BACKENDS", "RoutingResult", "choose_backend", "solve"]

BACKENDS = ("auto", "pyvrp", "ortools")
_RACE_MIN_CLIENTS = 50  # below this, one search finds the optimum quickly and a second process only costs


@dataclass(frozen=True, slots=True)
class RoutingResult:
    """Routes found, their independent evaluation, and how the search went.

    ``cost`` is in the instance's own units (``check.cost / problem.scale``); it is ``inf`` when infeasible.
    """

    problem: RoutingProblem
    routes: tuple[Route, ...]
    check: RouteCheck
    backend: str
    runtime_s: float
    seed: int
    trace: tuple[tuple[float, float], ...]  # (seconds, best cost in instance units)

    @property
    def feasible(self) -> bool:
        return self.check.feasible

    @property
    def cost(self) -> float:
        return self.check.cost / self.problem.scale if self.feasible else float("inf")

    def to_json(self) -> dict[str, object]:
        p = self.problem
        return {
            "instance": p.name, "cost": round(self.cost, 6) if self.feasible else None, "feasible": self.feasible,
            "backend": self.backend, "runtime_s": round(self.runtime_s, 3), "seed": self.seed,
            "distance": round(self.check.distance / p.distance_unit, 6),
            "duration": round(self.check.duration / p.time_unit, 6),
            "routes": [{"vehicle_type": r.vehicle_type, "clients": [p.client_name(c) for c in r.clients],
                        "arrival": [round(t / p.time_unit, 6) for t in arr],
                        "load_after": [list(x) for x in ld]}
                       for r, arr, ld in zip(self.routes, self.check.arrivals, self.check.loads, strict=True)],
            "unserved": [p.client_name(c) for c in self.check.unserved_optional],
            "violations": list(self.check.violations),
            "trace": [[round(t, 3), round(c, 6)] for t, c in self.trace],
        }


def choose_backend(problem: RoutingProblem) -> str:
    """``pyvrp`` for every variant it covers (all that :class:`RoutingProblem` expresses); OR-Tools only as
    the explicit choice, since it trails PyVRP by several percent on the benchmark sets."""
    del problem
    return "pyvrp"


def _pyvrp_job(args: tuple[RoutingProblem, float, int]) -> BackendRun:
    problem, time_limit, seed = args
    return run_pyvrp(problem, time_limit, seed)


def _race(problem: RoutingProblem, time_limit: float, seed: int, workers: int) -> BackendRun:
    """PyVRP on ``workers`` cores at once with independent seeds; the best run wins. Its trace is the best
    cost over time across the runs."""
    ctx = multiprocessing.get_context("fork")
    seeds = [seed + 7919 * k for k in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        runs = list(pool.map(_pyvrp_job, [(problem, time_limit, sd) for sd in seeds]))
    scored = [(check_solution(problem, r.routes), r) for r in runs]
    best = min(scored, key=lambda t: (not t[0].feasible, t[0].cost))[1]
    events = sorted(pt for r in runs for pt in r.trace)
    trace, low = [], float("inf")
    for t, c in events:
        if c < low:
            low = c
            trace.append((t, c))
    return BackendRun(best.routes, trace, max(r.runtime_s for r in runs))


def solve(problem: RoutingProblem, *, time_limit: float, seed: int = 0, backend: str = "auto") -> RoutingResult:
    """Solve ``problem`` within ``time_limit`` seconds.

    Raises
    ------
    ValueError
        For a time limit <= 0 or an unknown backend.
    """
    if not time_limit > 0:
        raise ValueError(f"time_limit must be > 0 seconds, got {time_limit}")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    name = choose_backend(problem) if backend == "auto" else backend
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if backend == "auto" and cores >= 2 and problem.n_clients >= _RACE_MIN_CLIENTS:
        # Both cores: independent PyVRP searches, the better one kept.
        run = _race(problem, time_limit, seed, min(cores, 2))
        name = "pyvrp x2"
    elif name == "pyvrp":
        run = run_pyvrp(problem, time_limit, seed)
    else:
        run = run_ortools(problem, time_limit, seed)
    check = check_solution(problem, run.routes)
    trace = tuple((t, c / problem.scale) for t, c in run.trace)
    return RoutingResult(problem, tuple(run.routes), check, name, run.runtime_s, seed, trace)
