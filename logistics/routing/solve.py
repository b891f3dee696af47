"""``solve(problem, *, time_limit, seed, backend)``: one façade over PyVRP and OR-Tools routing."""

from __future__ import annotations

from dataclasses import dataclass

from logistics.routing.backends import BackendRun, run_ortools, run_pyvrp
from logistics.routing.evaluate import Route, RouteCheck, check_solution
from logistics.routing.problem import RoutingProblem

__all__ = ["BACKENDS", "RoutingResult", "choose_backend", "solve"]

BACKENDS = ("auto", "pyvrp", "ortools")


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
    run: BackendRun = run_pyvrp(problem, time_limit, seed) if name == "pyvrp" else run_ortools(problem, time_limit,
                                                                                                 seed)
    check = check_solution(problem, run.routes)
    trace = tuple((t, c / problem.scale) for t, c in run.trace)
    return RoutingResult(problem, tuple(run.routes), check, name, run.runtime_s, seed, trace)
