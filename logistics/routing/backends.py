"""The two solver backends behind :func:`logistics.routing.solve`: PyVRP and OR-Tools routing.

Each takes a :class:`RoutingProblem`, a time limit and a seed, and returns the routes found, the best cost
over time and the iterations. Neither prints anything; both honour the time limit (PyVRP through its
``MaxRuntime`` stopping criterion, OR-Tools through the search time limit with guided local search).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyvrp
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from pyvrp.exceptions import PenaltyBoundWarning

from logistics.routing.evaluate import Route
from logistics.routing.problem import RoutingProblem

__all__ = ["BackendRun", "OnBest", "run_ortools", "run_pyvrp", "to_pyvrp"]

OnBest = Callable[[float, float], None]
"""Called as ``on_best(seconds, cost)`` whenever the best feasible cost (scaled units) improves."""


@dataclass(frozen=True, slots=True)
class BackendRun:
    routes: list[Route]
    trace: list[tuple[float, float]]  # (seconds, best feasible cost in scaled units)
    runtime_s: float


def to_pyvrp(p: RoutingProblem) -> pyvrp.ProblemData:
    """The problem as PyVRP data (locations in the same order, matrices passed as they are)."""
    nd = p.n_depots
    locations = [pyvrp.Location(float(x), float(y)) for x, y in p.coords]
    depots = [pyvrp.Depot(i, tw_early=int(p.tw_early[i]), tw_late=int(p.tw_late[i])) for i in range(nd)]
    clients = [
        pyvrp.Client(nd + c, delivery=[int(v) for v in p.delivery[c]], pickup=[int(v) for v in p.pickup[c]],
                     service_duration=int(p.service[nd + c]), tw_early=int(p.tw_early[nd + c]),
                     tw_late=int(p.tw_late[nd + c]), prize=int(p.prize[c]), required=bool(p.required[c]),
                     name=p.client_name(c))
        for c in range(p.n_clients)
    ]
    vtypes = [
        pyvrp.VehicleType(num_available=vt.count, capacity=list(vt.capacity), start_depot=vt.start_depot,
                          end_depot=vt.end_depot, fixed_cost=vt.fixed_cost, shift_duration=vt.shift_duration,
                          unit_distance_cost=vt.unit_distance_cost, unit_duration_cost=vt.unit_duration_cost,
                          tw_early=int(p.tw_early[vt.start_depot]), tw_late=int(p.tw_late[vt.end_depot]))
        for vt in p.vehicle_types
    ]
    matrices = [np.asarray(p.distance, dtype=np.int64)], [np.asarray(p.duration, dtype=np.int64)]
    return pyvrp.ProblemData(locations, clients, depots, vtypes, *matrices)  # type: ignore[arg-type]


class _Deadline:
    """PyVRP stopping criterion: stop after ``limit`` seconds; on the way, record each new best feasible cost.

    PyVRP calls its stopping criterion once per iteration with the best solution's cost (a huge number while
    infeasible), which makes it the one hook that sees the search's progress as it happens.
    """

    def __init__(self, limit: float, t0: float, on_best: OnBest | None) -> None:
        self.limit = limit
        self.t0 = t0
        self.on_best = on_best
        self.best = float("inf")
        self.trace: list[tuple[float, float]] = []

    def __call__(self, best_cost: float) -> bool:
        now = time.perf_counter() - self.t0
        if best_cost < self.best and best_cost < 2**62:
            self.best = float(best_cost)
            self.trace.append((now, self.best))
            if self.on_best is not None:
                self.on_best(now, self.best)
        return now > self.limit


def run_pyvrp(p: RoutingProblem, time_limit: float, seed: int, on_best: OnBest | None = None) -> BackendRun:
    """PyVRP's iterated local search until ``time_limit`` seconds after the call (set-up included)."""
    t0 = time.perf_counter()
    data = to_pyvrp(p)
    stop = _Deadline(time_limit, t0, on_best)
    with warnings.catch_warnings():
        # Its penalty-bound warning says "maybe infeasible"; the evaluator reports that precisely instead.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        res = pyvrp.solve(data, stop=stop, seed=seed, collect_stats=False, display=False)
    runtime = time.perf_counter() - t0
    routes = [Route(int(r.vehicle_type()), tuple(int(a.idx) for a in r if a.is_client())) for r in res.best.routes()]
    return BackendRun(routes, stop.trace, runtime)


def run_ortools(p: RoutingProblem, time_limit: float, seed: int, on_best: OnBest | None = None) -> BackendRun:
    """OR-Tools routing: path-cheapest-arc start, guided local search, all side constraints as dimensions.

    OR-Tools has no seed parameter for guided local search; ``seed`` is accepted for a uniform signature and
    results are deterministic for a given time budget only up to timing.
    """
    del seed
    t0 = time.perf_counter()  # model building counts against the limit too
    nd = p.n_depots
    # "As many vehicles as clients" (CVRPLIB's unlimited fleet) makes OR-Tools crawl; a fleet 30% above the
    # capacity bound plus three spare vehicles is never binding on the benchmark sets.
    amounts_total = np.maximum(p.delivery.sum(axis=0), p.pickup.sum(axis=0))
    need = int(np.ceil(np.max(amounts_total / np.max([vt.capacity for vt in p.vehicle_types], axis=0),
                              initial=0)))
    counts = [min(vt.count, int(need * 1.3) + 3) if vt.count >= p.n_clients else vt.count
              for vt in p.vehicle_types]
    vehicles = [(k, vt) for k, vt in enumerate(p.vehicle_types) for _ in range(counts[k])]
    starts = [vt.start_depot for _, vt in vehicles]
    ends = [vt.end_depot for _, vt in vehicles]
    manager = pywrapcp.RoutingIndexManager(p.n_locations, len(vehicles), starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    dist = p.distance
    dur = p.duration

    def node(i: int) -> int:
        return int(manager.IndexToNode(i))

    transit_cost = {}
    for k, vt in enumerate(p.vehicle_types):
        # Time is charged on the route's span (travel, service and waiting), as the evaluator does.
        cost_matrix = (dist * vt.unit_distance_cost).astype(np.int64)
        cb = routing.RegisterTransitMatrix(cost_matrix.tolist())
        transit_cost[k] = cb
    for v, (k, vt) in enumerate(vehicles):
        routing.SetArcCostEvaluatorOfVehicle(transit_cost[k], v)
        routing.SetFixedCostOfVehicle(int(vt.fixed_cost), v)
    if p.delivery.any() and p.pickup.any():
        raise ValueError("the OR-Tools backend handles deliveries or pickups, not both in one problem; "
                         "use backend='pyvrp'")
    amounts = p.pickup if p.pickup.any() else p.delivery
    for dim in range(p.dims):
        demand = np.concatenate([np.zeros(nd, dtype=np.int64), amounts[:, dim]]).tolist()
        cb = routing.RegisterUnaryTransitVector(demand)
        routing.AddDimensionWithVehicleCapacity(cb, 0, [int(vt.capacity[dim]) for _, vt in vehicles], True,
                                                f"load{dim}")
    service = p.service
    time_matrix = (dur + service[:, None]).astype(np.int64)
    time_cb = routing.RegisterTransitMatrix(time_matrix.tolist())
    horizon = int(max(p.tw_late.max(), 0))
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for loc in range(nd, p.n_locations):
        time_dim.CumulVar(manager.NodeToIndex(loc)).SetRange(int(p.tw_early[loc]), int(p.tw_late[loc]))
    for v, (_, vt) in enumerate(vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(int(p.tw_early[vt.start_depot]), int(p.tw_late[vt.start_depot]))
        time_dim.CumulVar(routing.End(v)).SetRange(int(p.tw_early[vt.end_depot]), int(p.tw_late[vt.end_depot]))
        if vt.shift_duration < 2**40:
            time_dim.SetSpanUpperBoundForVehicle(int(vt.shift_duration), v)
        if vt.unit_duration_cost:
            time_dim.SetSpanCostCoefficientForVehicle(int(vt.unit_duration_cost), v)
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
    for c in range(p.n_clients):
        if not p.required[c]:
            routing.AddDisjunction([manager.NodeToIndex(nd + c)], int(p.prize[c]))
    params = pywrapcp.DefaultRoutingSearchParameters()
    windows = bool(np.any(p.tw_early[nd:] > 0) or np.any(p.tw_late[nd:] < p.tw_late[:nd].max()))
    # Insertion builds a first solution under tight time windows, where path-cheapest-arc often finds none.
    params.first_solution_strategy = (routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
                                      if windows else routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC)
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(int((time_limit - (time.perf_counter() - t0)) * 1000), 1))
    trace: list[tuple[float, float]] = []

    def on_solution() -> None:
        now, cost = time.perf_counter() - t0, float(routing.CostVar().Value())
        if not trace or cost < trace[-1][1]:
            trace.append((now, cost))
            if on_best is not None:
                on_best(now, cost)

    routing.AddAtSolutionCallback(on_solution)
    sol = routing.SolveWithParameters(params)
    runtime = time.perf_counter() - t0
    routes: list[Route] = []
    if sol is not None:
        for v, (k, _) in enumerate(vehicles):
            i = routing.Start(v)
            stops = []
            i = sol.Value(routing.NextVar(i))
            while not routing.IsEnd(i):
                stops.append(node(i) - nd)
                i = sol.Value(routing.NextVar(i))
            if stops:
                routes.append(Route(k, tuple(stops)))
    return BackendRun(routes, trace, runtime)
