"""An independent evaluator of routing solutions: capacity in every dimension, time windows, coverage, shift
length and cost, computed from the problem data alone (no solver involved)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from logistics.routing.problem import RoutingProblem

__all__ = ["Route", "RouteCheck", "check_solution", "unreachable_clients"]


@dataclass(frozen=True, slots=True)
class Route:
    """A vehicle of type ``vehicle_type`` visiting ``clients`` (0-based client indices) in order."""

    vehicle_type: int
    clients: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RouteCheck:
    """What the evaluator found: cost in scaled units, totals and every violation in words."""

    cost: int
    distance: int
    duration: int
    unserved_optional: tuple[int, ...]
    violations: tuple[str, ...]
    arrivals: tuple[tuple[int, ...], ...]  # per route, arrival time at each client
    loads: tuple[tuple[tuple[int, ...], ...], ...]  # per route, load on board after each client
    at_fault: tuple[int, ...] = ()  # clients named by a violation: late, overloaded at, unvisited or repeated

    @property
    def feasible(self) -> bool:
        return not self.violations


def check_solution(problem: RoutingProblem, routes: list[Route]) -> RouteCheck:
    """Evaluate ``routes`` against ``problem``; violations are listed, not raised."""
    p = problem
    nd = p.n_depots
    violations: list[str] = []
    fault: set[int] = set()
    seen = np.zeros(p.n_clients, dtype=np.int64)
    used = np.zeros(len(p.vehicle_types), dtype=np.int64)
    total_cost = total_dist = total_dur = 0
    arrivals_all: list[tuple[int, ...]] = []
    loads_all: list[tuple[tuple[int, ...], ...]] = []
    for k, r in enumerate(routes):
        vt = p.vehicle_types[r.vehicle_type]
        used[r.vehicle_type] += 1
        if not r.clients:
            arrivals_all.append(())
            loads_all.append(())
            continue
        locs = [vt.start_depot, *[c + nd for c in r.clients], vt.end_depot]
        for c in r.clients:
            seen[c] += 1
        dist = int(sum(p.distance[a, b] for a, b in itertools.pairwise(locs)))
        # Load: all deliveries on board at the start; each stop drops its delivery and takes its pickup.
        load = p.delivery[list(r.clients)].sum(axis=0)
        cap = np.array(vt.capacity)
        loads = []
        if np.any(load > cap):
            violations.append(f"route {k}: starts with {load.tolist()} on board, capacity {cap.tolist()}")
        for c in r.clients:
            load = load - p.delivery[c] + p.pickup[c]
            loads.append(tuple(int(x) for x in load))
            if np.any(load > cap):
                fault.add(c)
                violations.append(f"route {k}: load {load.tolist()} after client {p.client_name(c)} exceeds "
                                  f"capacity {cap.tolist()}")
        t = int(max(p.tw_early[vt.start_depot], 0))
        start = t
        arrivals = []
        waited = 0  # waiting so far
        # Savelsbergh's forward time slack: how late the vehicle may leave without harm (never after the depot
        # closes).
        slack = int(p.tw_late[vt.start_depot]) - start
        for a, b in itertools.pairwise(locs):
            t += int(p.service[a]) if a != locs[0] else 0
            t += int(p.duration[a, b])
            arrivals.append(t)
            if t > p.tw_late[b]:
                who = "the depot" if b < nd else f"client {p.client_name(b - nd)}"
                if b >= nd:
                    fault.add(b - nd)
                violations.append(f"route {k}: arrives at {who} at {t}, after its window closes at {p.tw_late[b]}")
            slack = min(slack, int(p.tw_late[b]) - t + waited)
            wait = max(int(p.tw_early[b]) - t, 0)
            waited += wait
            t += wait
        # Leaving later by min(slack, total wait) removes that much waiting and breaks no window
        # (Savelsbergh 1992, forward time slack); the duration is the shortest over departure times.
        dur = t - start - max(min(slack, waited), 0)
        if dur > vt.shift_duration:
            violations.append(f"route {k}: lasts {dur}, longer than the shift {vt.shift_duration}")
        total_dist += dist
        total_dur += dur
        total_cost += vt.fixed_cost + dist * vt.unit_distance_cost + dur * vt.unit_duration_cost
        arrivals_all.append(tuple(arrivals[:-1]))
        loads_all.append(tuple(loads))
    for k, vt in enumerate(p.vehicle_types):
        if used[k] > vt.count:
            violations.append(f"vehicle type {k}: {used[k]} routes but only {vt.count} vehicles")
    twice = np.nonzero(seen > 1)[0]
    fault.update(int(c) for c in twice)
    if twice.size:
        violations.append(f"client {p.client_name(int(twice[0]))} is visited {int(seen[twice[0]])} times")
    missing = np.nonzero((seen == 0) & p.required)[0]
    fault.update(int(c) for c in missing)
    if missing.size:
        violations.append(f"{missing.size} required clients are not visited, e.g. {p.client_name(int(missing[0]))}")
    unserved = tuple(int(c) for c in np.nonzero((seen == 0) & ~p.required)[0])
    total_cost += int(p.prize[list(unserved)].sum()) if unserved else 0
    return RouteCheck(total_cost, total_dist, total_dur, unserved, tuple(violations), tuple(arrivals_all),
                      tuple(loads_all), tuple(sorted(fault)))


def unreachable_clients(problem: RoutingProblem) -> tuple[tuple[int, str], ...]:
    """Required clients that no vehicle type can serve even on a route of their own, with the reason.

    A client on its own route is the easiest case for every constraint (capacity, its window, the depot's
    closing, the shift), so a client that fails it makes every solution infeasible, whatever the search does.
    Checked for all clients at once from the matrices.
    """
    p = problem
    nd = p.n_depots
    clients = np.arange(p.n_clients)
    loc = clients + nd
    ok = np.zeros(p.n_clients, dtype=bool)
    why = np.full(p.n_clients, "", dtype=object)
    amount = np.maximum(p.delivery, p.pickup)
    u = p.time_unit
    for k, vt in enumerate(p.vehicle_types):
        s, e = vt.start_depot, vt.end_depot
        fits = np.all(amount <= np.asarray(vt.capacity), axis=1)
        arrive = np.maximum(p.tw_early[s] + p.duration[s, loc], p.tw_early[loc])
        in_window = p.tw_early[s] + p.duration[s, loc] <= p.tw_late[loc]
        back = arrive + p.service[loc] + p.duration[loc, e]
        home = back <= p.tw_late[e]
        # Shortest possible route span: leave the depot just in time to start service at the window's opening.
        shift = p.duration[s, loc] + p.service[loc] + p.duration[loc, e] <= vt.shift_duration
        good = fits & in_window & home & shift & (vt.count > 0)
        ok |= good
        label = vt.name or f"vehicle type {k}"
        for c in np.nonzero(~ok & (why == ""))[0]:
            why[c] = (f"too heavy for {label}" if not fits[c] else
                      f"its window closes at {p.tw_late[nd + c] / u:g}, before {label} can arrive "
                      f"({(p.tw_early[s] + p.duration[s, nd + c]) / u:g})" if not in_window[c] else
                      f"{label} cannot be back before the depot closes ({back[c] / u:g} > {p.tw_late[e] / u:g})"
                      if not home[c] else f"the round trip is longer than the shift of {label}")
    bad = np.nonzero(~ok & p.required)[0]
    return tuple((int(c), str(why[c])) for c in bad)
