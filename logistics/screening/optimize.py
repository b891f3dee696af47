"""Placement, equipment and shift staffing of screening (measure 8) as a MIP through OR-Tools MathOpt (HiGHS by
default).

Formulation
-----------
Data: flows ``f`` with candidate sites ``s in S(f)``; lane types (equipment) ``e in E(s)`` with rate ``mu_e``,
staff ``k_e``, pay ``q_e`` per lane-hour and capital ``K_e`` per installed lane and day; hours ``h = 0..23``;
lane counts ``c = 0..C_s``; shift starts ``j`` of length ``L`` whose lanes are open in the hours ``A(j)`` (the
break left out) and whose staff are on duty in ``D(j)``; ``L[f,s,h]`` arrivals of flow ``f`` at the screening
queue of site ``s`` in hour ``h`` and ``B_h`` the terminal's general-cargo background (parcels/hour);
``R[f,h]`` its arrivals on the terminal's re-handling floor and ``T[f,o,d]`` its parcels on truck departure ``d``
of origin ``o``; ``g[s,e,h,c](lam)`` the hour's expected cost of missed flights: ``sum_slots (lam - B) w m P``,
with ``P`` the miss probability (SIPP, Allen-Cunneen, resolution of alarms) averaged over each arrival slot's slacks and
``m`` what a miss costs there (the value of the extra dwell to the next flight, the late penalty where the
promise is broken, the miss penalty), replaced by its lower convex envelope, segments ``(a_i, b_i)``.

Variables: ``x[f,s]`` binary (flow screened at site); ``o[s]`` binary (site used); ``t[s,e]`` binary (type
installed); ``n[s,e,h,c]`` binary (``c`` lanes open); ``l[s,e,h,c] >= 0`` (load carried with ``c`` lanes);
``z[s,e,h,c] >= 0`` (miss cost); ``y[s,e,j]`` integer (lanes staffed by shifts starting at ``j``); ``v[s,e,j]``
binary (the shift runs, for the minimum crew ``m``); ``u[s,e]`` integer (lanes installed); ``r[h]`` integer
(re-handling crews); ``p[o,d]``, ``q[o,d]`` integer (regular and sealed trucks).

Minimize ``sum F_s o[s] + sum L q_e y + sum K_e u + sum z + sum_f,s V D[f,s] x[f,s] + sum c_r r + sum c_p p +
c_q q`` (set-up, pay for whole shifts, capital, misses, the value ``V`` of the dwell ``D`` when every parcel
makes its intended flight, re-handling crews, trucks) subject to

1. ``sum_s x[f,s] = 1`` (every flow screened exactly once before the airside);
2. ``sum_e t[s,e] = o[s]``, ``o[terminal] = 1`` (one lane type per used site);
3. ``sum_c n[s,e,h,c] = t[s,e]`` (one lane count per site, type and hour);
4. ``sum_c c n[s,e,h,c] = sum_{j: h in A(j)} y[s,e,j]`` (lanes open in blocks: the shifts);
5. ``sum_e,c l[s,e,h,c] = sum_f L[f,s,h] x[f,s] + B_h [s = terminal]`` (the load is carried);
6. ``l[s,e,h,c] <= rho c mu_e n[s,e,h,c]`` (utilization below ``rho < 1``);
7. ``z[s,e,h,c] >= a_i l[s,e,h,c] + b_i n[s,e,h,c]`` (perspective of ``g``: no big-M);
8. ``m v[s,e,j] <= y[s,e,j] <= C_s v[s,e,j]`` (minimum crew), ``u[s,e] >= sum_{j: h in A(j)} y[s,e,j]``;
9. ``sum_{s,e,j: h in D(j)} k_e y[s,e,j] <= P`` (the screener pool counts staff on duty, breaks included);
10. ``rho_r mu_r r[h] >= sum_f R[f,h] x[f,terminal]``, ``r[h] <= r_max`` (the floor's crews);
11. ``cap p[o,d] >= sum_f T[f,o,d] x[f,terminal]``, ``cap q[o,d] >= sum_f T[f,o,d] x[f,o]`` (trucks);
12. ``x[f,s]`` fixed when the caller fixes the placement (the "before" and "measure 8" configurations).

Without a re-handling process or a truck model (older scenarios), (10) and (11) give way to the per-parcel
constants. The envelope underestimates ``g`` between its breakpoints, so the MIP objective is a lower estimate
of the plan's analytic cost; :func:`optimize` reports both and re-evaluates the plan with :func:`evaluate_plan`.

The timelines of parcels screened at the terminal include the floor's queue, which depends on the placement:
the model is solved with the queue of a reference placement and, when the chosen placement differs, solved again
with the queue of the new one, until the placement repeats (a fixed point; at most three rounds).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from ortools.math_opt.python import mathopt

from logistics import mip
from logistics.screening import queueing
from logistics.screening.evaluate import (
    PlanReport,
    ScreeningInfeasibleError,
    check_capacity,
    evaluate_plan,
    lanes_of,
    miss_cost,
)
from logistics.screening.model import HOURS, ScreeningProblem
from logistics.solving import Limits, SolveSummary, Status

__all__ = ["SOLVERS", "ScreeningPlan", "optimize"]

# CP-SAT is left out: it does not take the model's continuous queue-cost envelope.
SOLVERS = {name: mip.SOLVERS[name] for name in ("highs", "scip")}
_GRID = 6  # points of each cost curve: 5 envelope segments
_EXTRA_LANES = 1  # lanes beyond what the hour's largest load needs that get a variable of their own
_ROUNDS = 3  # fixed-point rounds of the placement and the re-handling floor's queue


@dataclass(frozen=True, slots=True)
class ScreeningPlan:
    """Result of :func:`optimize`: solver status and bounds, the placement, equipment, shifts and lanes, and
    their evaluation."""

    status: str
    objective: float  # MIP objective (envelope of the miss costs)
    bound: float
    gap: float
    runtime_s: float
    assignment: NDArray[np.int64]  # site index per flow
    lanes: NDArray[np.int64]  # sites x 24
    report: PlanReport
    equipment: NDArray[np.int64]  # lane type index per site
    shifts: NDArray[np.int64]  # sites x shift starts: lanes started

    @property
    def summary(self) -> SolveSummary:
        """Status, MIP objective, bound, gap and runtime in the vocabulary every solver shares. A plan exists
        whenever there is a result, so any termination short of a proven gap reads as ``time_limit``: the best
        plan found and its bound when the solve stopped."""
        status = Status.OPTIMAL if self.status == Status.OPTIMAL else Status.TIME_LIMIT
        return SolveSummary(status, self.objective, self.bound, self.gap, self.runtime_s)


def _envelope(x: NDArray[np.float64], y: NDArray[np.float64]) -> list[tuple[float, float]]:
    """Slopes and intercepts of the lower convex envelope of the points (monotone chain)."""
    hull: list[tuple[float, float]] = []
    for p in zip(x.tolist(), y.tolist(), strict=True):
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) <= 0:
                hull.pop()
            else:
                break
        hull.append(p)
    if len(hull) == 1:
        return [(0.0, hull[0][1])]
    segs = []
    for (x1, y1), (x2, y2) in itertools.pairwise(hull):
        a = (y2 - y1) / (x2 - x1)
        segs.append((a, y1 - a * x1))
    return segs


@dataclass(frozen=True, slots=True)
class _Counts:
    """Which lane counts each site, type and hour may run, and where a load can arrive."""

    counts: dict[tuple[int, int, int], list[int]]  # (s, e, h) -> lane counts, 0 first where allowed
    loaded: set[tuple[int, int]]  # (s, h) with possible load


def _maxload(problem: ScreeningProblem) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The largest load of each site-hour (every candidate flow there) and the load no placement avoids."""
    maxload = np.zeros((problem.n_sites, HOURS))
    forced = np.zeros((problem.n_sites, HOURS))
    for (f, s), tl in problem.timelines.items():
        maxload[s] += tl.load_by_hour()
        if len(problem.candidates(f)) == 1:
            forced[s] += tl.load_by_hour()
    bg = problem.background()
    maxload[problem.terminal] += bg
    forced[problem.terminal] += bg
    return maxload, forced


def _counts(problem: ScreeningProblem) -> _Counts:
    """Lane counts worth a variable: only in hours with load, from the least the unavoidable load needs to a few
    beyond what the hour's largest load needs. The top count stands for itself and every count above it (more
    lanes than that change the miss cost by little, so its curve is kept: an overestimate the evaluation
    corrects)."""
    d = problem.data
    maxload, forced = _maxload(problem)
    counts: dict[tuple[int, int, int], list[int]] = {}
    for s, site in enumerate(d.sites):
        if not maxload[s].any():
            continue
        for e in problem.allowed_types(s):
            cap = d.max_utilization * problem.types[e].rate_per_hour
            for h in range(HOURS):
                if maxload[s, h] <= 0:
                    continue
                top = min(site.max_lanes, math.ceil(float(maxload[s, h]) / cap - 1e-9) + _EXTRA_LANES)
                low = math.ceil(forced[s, h] / cap - 1e-9)
                counts[(s, e, h)] = [0, *list(range(max(1, low), top + 1))] if low == 0 else list(
                    range(low, top + 1))
    return _Counts(counts, {(s, h) for s in range(problem.n_sites) for h in range(HOURS) if maxload[s, h] > 0})


def _curves(problem: ScreeningProblem, counts: _Counts) -> dict[tuple[int, int, int, int], list[tuple[float, float]]]:
    """Envelope segments of the miss cost ``g[s,e,h,c]`` for every site, type, hour with load and lane count."""
    d = problem.data
    Arr = NDArray[np.float64]
    parts: dict[tuple[int, int], list[tuple[Arr, Arr, Arr, Arr]]] = {}  # slack low, high, parcels, miss cost
    for (f, s), tl in problem.timelines.items():
        mc = miss_cost(problem, f, s)
        for h in np.unique(tl.queue_hour[tl.parcels > 0]):
            m = tl.queue_hour == h
            for weight, lo, hi in tl.pieces():
                parts.setdefault((s, int(h)), []).append((lo[m], hi[m], weight[m], mc[m]))
    bg = problem.background()
    curves = {}
    for (s, e, h), cs in counts.counts.items():
        if (s, h) not in parts:
            continue
        kind = problem.types[e]
        mu = kind.rate_per_hour
        lo = np.concatenate([p[0] for p in parts[(s, h)]])
        hi = np.concatenate([p[1] for p in parts[(s, h)]])
        w = np.concatenate([p[2] for p in parts[(s, h)]])
        mc = np.concatenate([p[3] for p in parts[(s, h)]])
        keep = w > 0
        lo, hi, w, mc = lo[keep], hi[keep], w[keep], mc[keep]
        wm = w * mc / w.sum()
        b0 = float(bg[h]) if s == problem.terminal else 0.0
        for c in cs:
            if c == 0:
                continue
            cap = d.max_utilization * c * mu
            lam = np.linspace(min(b0, cap), cap, _GRID)
            tail = queueing.miss_probability_between(
                lam[:, None], mu, c, lo[None, :] - 1.0 / mu, hi[None, :] - 1.0 / mu, cs2=kind.service_cv**2,
                alarm_share=kind.alarm_share, resolution_hours=kind.resolution_minutes / 60.0) @ wm
            curves[(s, e, h, c)] = _envelope(lam, np.maximum(lam - b0, 0.0) * tail)
    return curves


@dataclass
class _Model:
    """The MIP's variables by index, with the objective's terms in the order they are added."""

    model: mathopt.Model
    x: dict[tuple[int, int], mathopt.Variable]
    o: dict[int, mathopt.Variable]
    t: dict[tuple[int, int], mathopt.Variable] = field(default_factory=dict)
    n: dict[tuple[int, int, int, int], mathopt.Variable] = field(default_factory=dict)
    y: dict[tuple[int, int, int], mathopt.Variable] = field(default_factory=dict)
    parts: list[mathopt.LinearExpression] = field(default_factory=list)


def _build(problem: ScreeningProblem, fixed: NDArray[np.int64] | None) -> _Model:
    d = problem.data
    sh = d.shifts
    model = mathopt.Model(name="owl-screening")
    m = _Model(model, {(f, s): model.add_binary_variable(name=f"x[{f},{s}]") for (f, s) in problem.timelines},
               {s: model.add_binary_variable(name=f"o[{s}]") for s in range(problem.n_sites)})
    counts = _counts(problem)
    curves = _curves(problem, counts)
    bg = problem.background()
    x, o = m.x, m.o
    o[problem.terminal].lower_bound = 1.0
    active = {h: [j for j, start in enumerate(sh.starts) if h in sh.active(start)] for h in range(HOURS)}
    lam_by_sh: dict[tuple[int, int], list[mathopt.Variable]] = {}
    sites_types = sorted({(s, e) for (s, e, _) in counts.counts})
    for s, site in enumerate(d.sites):
        types = [e for (ss, e) in sites_types if ss == s]
        if not types:
            o[s].upper_bound = 0.0
            continue
        if s != problem.terminal:
            m.parts.append(site.setup_cost_per_day * o[s])
        for e in types:
            m.t[s, e] = model.add_binary_variable(name=f"t[{s},{e}]")
        # (2) one lane type per used site
        model.add_linear_constraint(mathopt.fast_sum(m.t[s, e] for e in types) == o[s])
        for e in types:
            kind = problem.types[e]
            u = model.add_integer_variable(lb=0, ub=site.max_lanes, name=f"u[{s},{e}]")
            m.parts.append(kind.capital_cost_per_lane_day * u)
            model.add_linear_constraint(u <= site.max_lanes * m.t[s, e])
            for j in range(len(sh.starts)):
                m.y[s, e, j] = y = model.add_integer_variable(lb=0, ub=site.max_lanes, name=f"y[{s},{e},{j}]")
                m.parts.append(sh.length_hours * kind.cost_per_lane_hour * y)
                if sh.min_lanes > 1:
                    # (8) a shift that runs staffs at least the minimum crew
                    v = model.add_binary_variable(name=f"v[{s},{e},{j}]")
                    model.add_linear_constraint(y >= sh.min_lanes * v)
                    model.add_linear_constraint(y <= site.max_lanes * v)
            for h in range(HOURS):
                open_lanes = mathopt.fast_sum(m.y[s, e, j] for j in active[h])
                model.add_linear_constraint(u >= open_lanes)  # (8) installed lanes
                if (s, e, h) not in counts.counts:
                    continue  # no load this hour: the shifts alone set its lanes
                cs = counts.counts[(s, e, h)]
                for c in cs:
                    m.n[s, e, h, c] = model.add_binary_variable(name=f"n[{s},{e},{h},{c}]")
                # (3) one lane count, (4) opened by the shifts; the top count takes the lanes above it
                model.add_linear_constraint(mathopt.fast_sum(m.n[s, e, h, c] for c in cs) == m.t[s, e])
                top = cs[-1]
                above: mathopt.LinearExpression | float = 0.0
                if top < site.max_lanes:
                    above = model.add_variable(lb=0.0, ub=site.max_lanes - top, name=f"a[{s},{e},{h}]")
                    model.add_linear_constraint(above <= (site.max_lanes - top) * m.n[s, e, h, top])
                model.add_linear_constraint(
                    mathopt.fast_sum(c * m.n[s, e, h, c] for c in cs) + above == open_lanes)
                for c in cs:
                    if c == 0:
                        continue
                    lam = model.add_variable(lb=0.0, name=f"l[{s},{e},{h},{c}]")
                    z = model.add_variable(lb=0.0, name=f"z[{s},{e},{h},{c}]")
                    lam_by_sh.setdefault((s, h), []).append(lam)
                    m.parts.append(z)
                    # (6) utilization below rho
                    model.add_linear_constraint(lam <= d.max_utilization * c * kind.rate_per_hour * m.n[s, e, h, c])
                    # (7) perspective cuts of the miss cost
                    for a, b in curves.get((s, e, h, c), [(0.0, 0.0)]):
                        model.add_linear_constraint(z >= a * lam + b * m.n[s, e, h, c])
    for (f, s), tl in problem.timelines.items():
        # (5') a flow screened at a site needs, in each hour of its load, at least the lanes its load alone needs:
        # implied by (5) and (6) for integer n, it keeps the LP from paying a fraction of a lane for a small flow
        by_hour = tl.load_by_hour()
        for h in np.nonzero(by_hour > 0)[0].tolist():
            need = [m.n[s, e, h, c] for e in problem.allowed_types(s) if (s, e, h) in counts.counts
                    for c in counts.counts[(s, e, h)]
                    if c >= math.ceil(float(by_hour[h]) / (d.max_utilization * problem.types[e].rate_per_hour)
                                      - 1e-9)]
            model.add_linear_constraint(mathopt.fast_sum(need) >= x[f, s])
    for (s, h) in counts.loaded:
        # (5) the load is carried by the chosen lanes
        load = mathopt.fast_sum(problem.timelines[(f, ss)].load_by_hour()[h] * x[f, ss]
                                for (f, ss) in problem.timelines if ss == s)
        background = float(bg[h]) if s == problem.terminal else 0.0
        model.add_linear_constraint(mathopt.fast_sum(lam_by_sh.get((s, h), [])) == load + background)
    for h in range(HOURS):
        # (9) the screener pool: staff on duty, breaks included
        model.add_linear_constraint(mathopt.fast_sum(
            problem.types[e].staff_per_lane * y for (s, e, j), y in m.y.items()
            if h in sh.on_duty(sh.starts[j])) <= d.screener_pool)
    _flow_rows(m, problem, fixed)
    _dock_rows(m, problem)
    _truck_rows(m, problem)
    model.minimize(mathopt.fast_sum(m.parts))
    return m


def _flow_rows(m: _Model, problem: ScreeningProblem, fixed: NDArray[np.int64] | None) -> None:
    """Constraints (1) and (12) per flow, its dwell's value and, in older scenarios, per-parcel costs."""
    model, x, d = m.model, m.x, problem.data
    for f in range(problem.n_flows):
        # (1) every flow screened exactly once
        model.add_linear_constraint(mathopt.fast_sum(x[f, s] for s in problem.candidates(f)) == 1)
        for s in problem.candidates(f):
            model.add_linear_constraint(x[f, s] <= m.o[s])
            tl = problem.timelines[(f, s)]
            coef = d.value_of_time_per_parcel_hour * float(np.sum(tl.parcels * tl.dwell_made))
            n = float(tl.parcels.sum())
            if tl.upstream and d.trucks is None:
                coef += d.secure_transport_cost_per_parcel * n
            if not tl.upstream and d.rehandling is None:
                coef += d.terminal_rehandling_cost_per_parcel * n
            m.parts.append(coef * x[f, s])
            if fixed is not None:
                # (12) placement fixed by the caller
                x[f, s].lower_bound = x[f, s].upper_bound = 1.0 if int(fixed[f]) == s else 0.0


def _dock_rows(m: _Model, problem: ScreeningProblem) -> None:
    """Constraint (10): crews on the terminal's re-handling floor, hour by hour."""
    r = problem.data.rehandling
    if r is None:
        return
    floor = {(f, s): tl.floor_by_hour() for (f, s), tl in problem.timelines.items() if not tl.upstream}
    for h in range(HOURS):
        crews = m.model.add_integer_variable(lb=0, ub=r.max_crews, name=f"r[{h}]")
        m.parts.append(r.cost_per_crew_hour * crews)
        cap = r.max_utilization * r.rate_per_crew_hour
        m.model.add_linear_constraint(cap * crews >= mathopt.fast_sum(
            float(load[h]) * m.x[f, s] for (f, s), load in floor.items() if load[h] > 0))
        for (f, s), load in floor.items():
            if load[h] > 0:
                # (10') the crews one flow's load alone needs: implied for integer r, it tightens the LP
                m.model.add_linear_constraint(crews >= math.ceil(float(load[h]) / cap - 1e-9) * m.x[f, s])


def _truck_rows(m: _Model, problem: ScreeningProblem) -> None:
    """Constraint (11): regular and sealed trucks per departure of each upstream site."""
    d = problem.data
    if d.trucks is None:
        return
    cap = d.trucks.capacity_parcels
    for o, site in enumerate(d.sites):
        if o == problem.terminal:
            continue
        k = len(site.truck_departures)
        regular: list[list[tuple[float, mathopt.Variable]]] = [[] for _ in range(k)]
        sealed: list[list[tuple[float, mathopt.Variable]]] = [[] for _ in range(k)]
        for (f, s), tl in problem.timelines.items():
            if d.flows[f].origin != site.id:
                continue
            for j, load in enumerate(tl.by_truck(k)):
                if load > 0:
                    (sealed if tl.upstream else regular)[j].append((float(load), m.x[f, s]))
        for j in range(k):
            for terms, price, name in ((regular[j], d.trucks.cost_per_trip, "p"),
                                       (sealed[j], d.trucks.sealed_cost_per_trip, "q")):
                if terms:
                    trucks = m.model.add_integer_variable(lb=0, name=f"{name}[{o},{j}]")
                    m.parts.append(price * trucks)
                    m.model.add_linear_constraint(cap * trucks >= mathopt.fast_sum(a * x for a, x in terms))
                    for a, x in terms:
                        # (11') the trucks one flow's batch alone needs (tightens the LP)
                        m.model.add_linear_constraint(trucks >= math.ceil(a / cap - 1e-9) * x)


def _plan_of(m: _Model, problem: ScreeningProblem, result: mathopt.SolveResult
             ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The placement (site per flow), lane types (per site) and shifts (sites x starts) of a solution."""
    assignment = np.zeros(problem.n_flows, dtype=np.int64)
    for (f, s), var in m.x.items():
        if result.variable_values(var) > 0.5:
            assignment[f] = s
    equipment = problem.default_equipment()
    for (s, e), var in m.t.items():
        if result.variable_values(var) > 0.5:
            equipment[s] = e
    shifts = np.zeros((problem.n_sites, len(problem.data.shifts.starts)), dtype=np.int64)
    for (s, e, j), var in m.y.items():
        if e == equipment[s]:
            shifts[s, j] = round(result.variable_values(var))
    return assignment, equipment, shifts


def _status(rel_gap: float, gap: float, reason: mathopt.TerminationReason) -> str:
    """``optimal`` within the gap; ``time_limit`` when the solve stopped with a plan; else the reason's name."""
    if rel_gap <= gap + 1e-12:
        return "optimal"
    if reason in (mathopt.TerminationReason.FEASIBLE, mathopt.TerminationReason.NO_SOLUTION_FOUND):
        return "time_limit"
    return str(reason.name.lower())


def _solve(problem: ScreeningProblem, fixed: NDArray[np.int64] | None, seconds: float, gap: float, solver: str,
           t0: float, incumbent: ScreeningPlan | None = None) -> ScreeningPlan:
    m = _build(problem, fixed)
    # A plan of the same model (same floor queue) prunes every branch that cannot beat it.
    cutoff = incumbent.objective * (1 + 1e-9) + 1e-6 if incumbent is not None else None
    result = mip.run(m.model, solver, mip.parameters(solver, seconds, gap, cutoff=cutoff, min_seconds=0.1))
    reason = result.termination.reason
    better = result.has_primal_feasible_solution() and (
        incumbent is None or result.objective_value() < incumbent.objective)
    if not better:
        if incumbent is not None:
            bound = result.termination.objective_bounds.dual_bound
            if mip.cutoff_proved(result):
                bound = incumbent.objective
            bound = min(max(bound, incumbent.bound) if math.isfinite(bound) else incumbent.bound,
                        incumbent.objective)
            rel_gap = mip.relative_gap(incumbent.objective, bound, floor=1e-9)
            return dataclasses.replace(incumbent, status=_status(rel_gap, gap, reason), bound=bound, gap=rel_gap,
                                       runtime_s=time.perf_counter() - t0)
        if mip.proved_infeasible(result):
            _explain_infeasible(problem)
        raise ScreeningInfeasibleError(f"no screening plan found in the time given ({reason.name.lower()}). "
                                       "Fix: allow more time with --time-limit")
    obj = result.objective_value()
    bound = min(result.termination.objective_bounds.dual_bound, obj)
    assignment, equipment, shifts = _plan_of(m, problem, result)
    lanes = lanes_of(problem, shifts)
    rel_gap = mip.relative_gap(obj, bound, floor=1e-9)
    return ScreeningPlan(status=_status(rel_gap, gap, reason), objective=obj, bound=bound, gap=rel_gap,
                         runtime_s=time.perf_counter() - t0, assignment=assignment, lanes=lanes,
                         report=evaluate_plan(problem, assignment, lanes, equipment=equipment, shifts=shifts),
                         equipment=equipment, shifts=shifts)


def optimize(problem: ScreeningProblem, *, fixed: NDArray[np.int64] | None = None, time_limit: float = 10.0,
             gap: float = 1e-3, solver: str = "highs", limits: Limits | None = None,
             start: ScreeningPlan | None = None) -> ScreeningPlan:
    """Choose where each flow is screened (unless ``fixed``), each site's lane type and the shifts.

    Parameters
    ----------
    problem
        From :func:`~logistics.screening.model.problem_from`.
    fixed
        Site index per flow to keep (constraint 12); None lets the optimizer choose.
    time_limit
        Seconds for the whole call; the best plan found and its bound are returned when it is reached.
    gap
        Relative MIP gap at which to stop (default 0.1%).
    solver
        ``highs`` (default) or ``scip``.
    limits
        When given, its ``time_limit`` and ``gap`` replace the two arguments of those names.
    start
        A plan for a fixed placement (from this function): the free model is first solved with that placement's
        floor queue, with the plan's cost as a cut-off.

    Raises
    ------
    ScreeningInfeasibleError
        When the load of a site-hour cannot be screened with its allowed lanes, or the pool is too small.
    """
    limits = limits or Limits(time_limit=time_limit, gap=gap)
    time_limit, gap = limits.time_limit, limits.gap
    mip.solver_type(solver, tuple(SOLVERS))  # an unknown name is a ValueError before any work
    if not time_limit > 0:
        raise ValueError("the time limit must be > 0 seconds")
    t0 = time.perf_counter()
    if fixed is not None:
        fixed = np.asarray(fixed, dtype=np.int64)
        check_capacity(problem, problem.load(fixed))
        _check_floor(problem, fixed)
        return _solve(problem.with_dock(fixed), fixed, time_limit, gap, solver, t0)
    _check_pool(problem)
    if start is not None:
        problem = problem.with_dock(start.assignment)
    plan = _solve(problem, None, time_limit, gap, solver, t0, start)
    best = plan
    seen = {problem.dock_for}
    for _ in range(_ROUNDS - 1):
        key = tuple(int(s) for s in plan.assignment)
        left = time_limit - (time.perf_counter() - t0)
        if problem.data.rehandling is None or key in seen or left <= 0.2:
            break
        seen.add(key)
        plan = _solve(problem.with_dock(plan.assignment), None, left, gap, solver, t0)
        if plan.report.total_cost < best.report.total_cost:
            best = plan
    return best


def _check_floor(problem: ScreeningProblem, assignment: NDArray[np.int64]) -> None:
    """Raise :class:`ScreeningInfeasibleError` when the re-handling floor needs more crews than it may have."""
    r = problem.data.rehandling
    if r is None:
        return
    crews = problem.crews(assignment)
    over = np.nonzero(crews > r.max_crews)[0]
    if over.size:
        h = int(over[0])
        raise ScreeningInfeasibleError(
            f"re-handling floor, hour {h:02d}:00: {problem.floor_load(assignment)[h]:,.0f} parcels need "
            f"{int(crews[h])} crews at utilization {r.max_utilization:g} but max_crews is {r.max_crews}. Fix: raise "
            "max_crews or rate_per_crew_hour in [screening.rehandling], or screen some flows upstream")


def _check_pool(problem: ScreeningProblem) -> None:
    """Raise :class:`ScreeningInfeasibleError` when no placement can staff some hour: each flow at the candidate
    and lane type that need the fewest screeners for its load that hour, lanes fractional (a relaxation, so a
    shortfall here is a proof), against the pool."""
    d = problem.data
    per_parcel = {s: min(problem.types[e].staff_per_lane / (d.max_utilization * problem.types[e].rate_per_hour)
                         for e in problem.allowed_types(s)) for s in range(problem.n_sites)}
    need = np.asarray(problem.background(), dtype=float) * per_parcel[problem.terminal]
    for f in range(problem.n_flows):
        need = need + np.min([problem.timelines[(f, s)].load_by_hour() * per_parcel[s]
                              for s in problem.candidates(f)], axis=0)
    if np.any(need > d.screener_pool + 1e-9):
        h = int(np.argmax(need))
        raise ScreeningInfeasibleError(
            f"hour {h:02d}:00: at least {need[h]:,.1f} screeners are needed whatever the placement, but the pool "
            f"has {d.screener_pool}. Fix: raise screener_pool, add faster equipment, or lower the volume")


def _explain_infeasible(problem: ScreeningProblem) -> None:
    """Name the binding resource: per hour, the least lanes any placement needs against the pool."""
    d = problem.data
    need = np.zeros(HOURS)
    for f in range(problem.n_flows):
        best = min(problem.candidates(f), key=lambda s: problem.timelines[(f, s)].parcels.sum())
        kind = max((problem.types[e] for e in problem.allowed_types(best)), key=lambda k: k.rate_per_hour)
        need += problem.timelines[(f, best)].load_by_hour() / (d.max_utilization * kind.rate_per_hour) * (
            kind.staff_per_lane)
    h = int(np.argmax(need - d.screener_pool))
    raise ScreeningInfeasibleError(
        f"hour {h:02d}:00: about {need[h]:,.0f} screeners are needed but the pool has "
        f"{d.screener_pool}, or a site's max_lanes (or the re-handling floor's max_crews) is too low for the flows "
        "that can only be handled there. Fix: raise screener_pool, max_lanes or max_crews, or add candidate sites")
