"""``solve(problem, *, time_limit, seed, backend)``: one façade over PyVRP and OR-Tools routing."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from logistics.routing.backends import BackendRun, OnBest, run_ortools, run_pyvrp
from logistics.routing.evaluate import Route, RouteCheck, check_solution, unreachable_clients
from logistics.routing.problem import BadProblemError, RoutingProblem
from logistics.solving import Limits, SolveSummary, Status

__all__ = ["BACKENDS", "Progress", "RoutingResult", "backend_support", "choose_backend", "solve"]

BACKENDS = ("auto", "pyvrp", "ortools")
_RACE_MIN_CLIENTS = 50  # below this, one search finds the optimum quickly and a second process only costs
_RUNNERS: dict[str, Callable[..., BackendRun]] = {"pyvrp": run_pyvrp, "ortools": run_ortools}

# Mean gap to the best-known solutions measured by benchmarks/routing_quality.py (docs/benchmarks.md), one
# process each at the protocol's time limits: the order in which ``auto`` prefers the backends able to solve a
# problem. Re-measure and update these when a backend changes.
MEASURED_GAP_PCT: dict[str, dict[str, float]] = {
    "pyvrp": {"cvrp": 0.745, "vrptw": 0.189},
    "ortools": {"cvrp": 4.568, "vrptw": 2.286},
}

Progress = Callable[[float, float], None]
"""``progress(seconds, best_cost)``: the best feasible cost so far in instance units (``inf`` before the first)."""


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
    infeasible_clients: tuple[tuple[str, str], ...] = ()  # (client, why) when no feasible solution was found

    @property
    def feasible(self) -> bool:
        return self.check.feasible

    @property
    def status(self) -> str:
        """``feasible`` or ``infeasible``."""
        return "feasible" if self.feasible else "infeasible"

    @property
    def summary(self) -> SolveSummary:
        """Status (``feasible`` or ``infeasible``), cost as the objective, no bound (a heuristic), runtime."""
        return SolveSummary(Status(self.status), self.cost, None, None, self.runtime_s)

    @property
    def cost(self) -> float:
        return self.check.cost / self.problem.scale if self.feasible else float("inf")

    def to_json(self) -> dict[str, object]:
        p = self.problem
        return {
            "instance": p.name, "status": self.status, "cost": round(self.cost, 6) if self.feasible else None,
            "feasible": self.feasible,
            "backend": self.backend, "runtime_s": round(self.runtime_s, 3), "seed": self.seed,
            "distance": round(self.check.distance / p.distance_unit, 6),
            "duration": round(self.check.duration / p.time_unit, 6),
            "routes": [{"vehicle_type": r.vehicle_type, "clients": [p.client_name(c) for c in r.clients],
                        "arrival": [round(t / p.time_unit, 6) for t in arr],
                        "load_after": [list(x) for x in ld]}
                       for r, arr, ld in zip(self.routes, self.check.arrivals, self.check.loads, strict=True)],
            "unserved": [p.client_name(c) for c in self.check.unserved_optional],
            "violations": list(self.check.violations),
            "infeasible_clients": [{"client": c, "why": w} for c, w in self.infeasible_clients],
            "trace": [[round(t, 3), round(c, 6)] for t, c in self.trace],
        }


def _family(problem: RoutingProblem) -> str:
    nd = problem.n_depots
    windows = bool(np.any(problem.tw_early[nd:] > problem.tw_early[:nd].min())
                   or np.any(problem.tw_late[nd:] < problem.tw_late[:nd].max()))
    return "vrptw" if windows else "cvrp"


def backend_support(problem: RoutingProblem) -> dict[str, str]:
    """Each backend that cannot solve ``problem``, with the reason; backends not listed can."""
    missing: dict[str, str] = {}
    if problem.delivery.any() and problem.pickup.any():
        missing["ortools"] = "the OR-Tools model here carries deliveries or pickups, not both in one problem"
    return missing


def choose_backend(problem: RoutingProblem, cores: int = 1) -> tuple[tuple[str, int], ...]:
    """What ``auto`` runs: ``(backend, seed offset)`` jobs, one per core used.

    The backends able to solve the problem are ranked by their measured gap on its family (CVRP or VRPTW,
    :data:`MEASURED_GAP_PCT`). The best one runs; on a second core, problems of 50 clients or more get a second
    independent search — by the same backend with another seed when its measured gap is below the runner-up's,
    which holds on both families today, so both cores run PyVRP.
    """
    family = _family(problem)
    able = [b for b in ("pyvrp", "ortools") if b not in backend_support(problem)]
    ranked = sorted(able, key=lambda b: MEASURED_GAP_PCT[b][family])
    jobs = [(ranked[0], 0)]
    if cores >= 2 and problem.n_clients >= _RACE_MIN_CLIENTS:
        jobs.append((ranked[0], 7919))
    return tuple(jobs)


def _child(backend: str, problem: RoutingProblem, time_limit: float, seed: int, best: object, k: int,
           conn: object) -> None:
    def on_best(_t: float, cost: float) -> None:
        best[k] = cost  # type: ignore[index]

    try:
        run = _RUNNERS[backend](problem, time_limit, seed, on_best)
        conn.send(("ok", run))  # type: ignore[attr-defined]
    except BaseException as exc:  # reported to the parent, which re-raises
        conn.send(("error", exc))  # type: ignore[attr-defined]


def _race(problem: RoutingProblem, time_limit: float, seed: int, jobs: tuple[tuple[str, int], ...],
          progress: Progress | None) -> BackendRun:
    """The jobs in parallel processes, the best solution kept; the trace is the best cost over time across
    them. The parent polls a shared array of the children's best costs for the progress display."""
    ctx = multiprocessing.get_context("fork")
    best = ctx.Array("d", [float("inf")] * len(jobs), lock=False)
    pipes, procs = [], []
    t0 = time.perf_counter()
    for k, (backend, offset) in enumerate(jobs):
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(backend, problem, time_limit, seed + offset, best, k, send),
                           daemon=True)
        proc.start()
        send.close()
        pipes.append(recv)
        procs.append(proc)
    runs: list[BackendRun] = []
    try:
        for recv in pipes:
            while not recv.poll(0.1):
                if progress is not None:
                    progress(time.perf_counter() - t0, min(best) / problem.scale)
            kind, payload = recv.recv()
            if kind == "error":
                raise payload
            runs.append(payload)
    finally:
        for proc in procs:
            proc.join(timeout=1.0)
            if proc.is_alive():
                proc.kill()
    scored = [(check_solution(problem, r.routes), r) for r in runs]
    winner = min(scored, key=lambda t: (not t[0].feasible, t[0].cost))[1]
    events = sorted(pt for r in runs for pt in r.trace)
    trace, low = [], float("inf")
    for t, c in events:
        if c < low:
            low = c
            trace.append((t, c))
    return BackendRun(winner.routes, trace, time.perf_counter() - t0)


def solve(problem: RoutingProblem, *, time_limit: float | None = None, seed: int = 0, backend: str = "auto",
          progress: Progress | None = None, limits: Limits | None = None) -> RoutingResult:
    """Solve ``problem`` within ``time_limit`` seconds.

    Parameters
    ----------
    problem
        The routing problem.
    time_limit
        Seconds for the whole call, set-up included; the search returns within about 10% of it.
    seed
        Seed of the search (PyVRP; with ``auto`` on two cores, the second search uses ``seed + 7919``).
    backend
        ``auto`` (see :func:`choose_backend`), ``pyvrp`` or ``ortools``.
    progress
        Called as ``progress(seconds, best_cost)`` while the search runs.
    limits
        When given, its ``time_limit`` and ``seed`` replace the two arguments of those names (no gap: the
        searches are heuristics that prove none).

    Returns
    -------
    RoutingResult
        Status ``infeasible`` names the clients at fault (``infeasible_clients``): those that no vehicle can
        serve even alone (then no search is run), or else those the best solution found still violates.

    Raises
    ------
    ValueError
        For a time limit <= 0 or an unknown backend.
    BadProblemError
        For a backend that cannot solve this problem (see :func:`backend_support`).
    """
    if limits is None:
        if time_limit is None:
            raise ValueError("pass time_limit (seconds) or limits")
        limits = Limits(time_limit=time_limit, seed=seed)
    time_limit, seed = limits.time_limit, limits.seed
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend in backend_support(problem):
        raise BadProblemError(f"{problem.name}: backend {backend} cannot solve it: "
                              f"{backend_support(problem)[backend]}. Fix: use backend auto or pyvrp")
    hopeless = unreachable_clients(problem)
    if hopeless:
        check = check_solution(problem, [])
        names = tuple((problem.client_name(c), why) for c, why in hopeless)
        return RoutingResult(problem, (), check, backend, 0.0, seed, (), names)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    jobs = choose_backend(problem, cores) if backend == "auto" else ((backend, 0),)
    if len(jobs) > 1:
        run = _race(problem, time_limit, seed, jobs, progress)
        name = " + ".join(b for b, _ in jobs) if len({b for b, _ in jobs}) > 1 else f"{jobs[0][0]} x{len(jobs)}"
    else:
        name = jobs[0][0]
        on_best: OnBest | None = None
        if progress is not None:
            report = progress

            def on_best(t: float, cost: float) -> None:
                report(t, cost / problem.scale)

        run = _RUNNERS[name](problem, time_limit, seed, on_best)
    check = check_solution(problem, run.routes)
    trace = tuple((t, c / problem.scale) for t, c in run.trace)
    fault = tuple((problem.client_name(c), "violated in the best solution found") for c in check.at_fault)
    return RoutingResult(problem, tuple(run.routes), check, name, run.runtime_s, seed, trace,
                         () if check.feasible else fault)
