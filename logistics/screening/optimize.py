"""Placement and staffing of screening (measure 8) as a MIP through OR-Tools MathOpt (HiGHS by default).

Formulation
-----------
Data: flows ``f`` with candidate sites ``s in S(f)``; hours ``h = 0..23``; lane counts ``c = 0..C_s``;
``L[f,s,h]`` arrivals of flow ``f`` at the screening queue of site ``s`` in hour ``h`` (parcels/hour) from the
timeline of :mod:`logistics.screening.model`; lane rate ``mu``, utilization cap ``rho``, staff per lane ``k``,
screener pool ``P``; costs ``F_s`` (site set-up per day), ``q`` (per lane-hour), ``t_f,s`` (secure transport or
terminal re-handling of the flow's parcels per day). ``g[s,h,c](lam)`` is the hour's expected cost of waiting
(value of time x ``lam Wq``) plus missed flights (penalty x ``lam P(Wq > slack)``), under SIPP and
Allen-Cunneen, for a representative slack distribution of the site-hour (all candidate parcels queueing there);
``g`` is replaced by its lower convex envelope, segments ``(a_j, b_j)``.

Variables: ``x[f,s]`` binary (flow screened at site); ``o[s]`` binary (site used); ``n[s,h,c]`` binary (``c``
lanes open); ``l[s,h,c] >= 0`` (arrival rate carried with ``c`` lanes); ``z[s,h,c] >= 0`` (queue cost).

Minimize ``sum_s F_s o[s] + sum q c n[s,h,c] + sum z[s,h,c] + sum t_f,s x[f,s]`` subject to

1. ``sum_s x[f,s] = 1`` for every flow (screened exactly once before the airside);
2. ``sum_c n[s,h,c] = 1`` for every site and hour (one lane count);
3. ``sum_c l[s,h,c] = sum_f L[f,s,h] x[f,s]`` (the hour's load is carried by the chosen lane count);
4. ``l[s,h,c] <= rho c mu n[s,h,c]`` (utilization below ``rho < 1``);
5. ``z[s,h,c] >= a_j l[s,h,c] + b_j n[s,h,c]`` for every envelope segment ``j`` (perspective of ``g``: no big-M);
6. ``sum_s sum_c k c n[s,h,c] <= P`` for every hour (the terminal's screener pool);
7. ``x[f,s] <= o[s]`` and ``n[s,h,c] <= o[s]`` for ``c >= 1`` (only used sites screen);
8. ``x[f,s]`` fixed when the caller fixes the placement (the "before" and "measure 8" configurations);
11. for an upstream site with at most 8 candidate flows, constraints 2-5 and 7 are replaced by columns (exact
    while the screener pool does not bind; where it binds, each such site chooses between its cheapest and its
    fewest-lanes plan, a restriction of the model): one
    binary ``w[s,k]`` per subset ``k`` of its flows (and per lane plan: the cheapest lanes of each hour, and the
    fewest, for hours in which the pool binds), ``sum_k w[s,k] = 1``, ``x[f,s] = sum_{k contains f} w[s,k]``,
    with the column's exact cost (lanes, envelope queue cost, set-up) in the objective and its staff in (6).

Why the columns: with one-hot lane counts the LP pays a fraction of a lane in quiet hours and rounds lanes
down everywhere; at the small upstream sites that integrality gap (7-10% of the day's cost) made HiGHS branch
for 15-40 s on 6-10 sites. Enumerating the sites' few flow subsets gives the convex hull of each site's cost,
and the same instances prove optimal within 0.1% in 1-3 s. The terminal, with every flow as a candidate,
keeps constraints 2-5.

Before the MIP, a local search (moving one flow at a time, lanes chosen per site-hour under the same envelope
costs) finds a plan that is passed to the solver as an objective cut-off, so that branches that cannot beat it
are pruned. The envelope underestimates ``g`` between its breakpoints, so the MIP objective is a lower estimate
of the plan's analytic cost; :func:`optimize` reports both and re-evaluates the plan with :func:`evaluate_plan`.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from ortools.math_opt.python import mathopt

from logistics import mip
from logistics.screening import queueing
from logistics.screening.evaluate import PlanReport, ScreeningInfeasibleError, check_capacity, evaluate_plan
from logistics.screening.model import HOURS, ScreeningProblem
from logistics.solving import Limits, SolveSummary, Status

__all__ = ["SOLVERS", "ScreeningPlan", "optimize"]

# CP-SAT is left out: it does not take the model's continuous queue-cost envelope.
SOLVERS = {name: mip.SOLVERS[name] for name in ("highs", "scip")}
_GRID = 9  # points of each cost curve: 8 envelope segments
_EXTRA_LANES = 3  # lanes beyond the minimum for the largest possible load worth considering
_MAX_ENUMERATED_FLOWS = 8  # upstream sites with at most this many candidate flows get exact columns (2^8)


@dataclass(frozen=True, slots=True)
class ScreeningPlan:
    """Result of :func:`optimize`: solver status and bounds, the placement and lanes, and their evaluation."""

    status: str
    objective: float  # MIP objective (envelope of the queue costs)
    bound: float
    gap: float
    runtime_s: float
    assignment: NDArray[np.int64]  # site index per flow
    lanes: NDArray[np.int64]  # sites x 24
    report: PlanReport

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
    segs = []
    for (x1, y1), (x2, y2) in itertools.pairwise(hull):
        a = (y2 - y1) / (x2 - x1)
        segs.append((a, y1 - a * x1))
    return segs


def _curves(problem: ScreeningProblem) -> dict[tuple[int, int, int], list[tuple[float, float]]]:
    """Envelope segments of the queue cost ``g[s,h,c]`` for every site, hour and useful lane count."""
    d = problem.data
    mu, cs2 = problem.mu, problem.cs2
    slack: dict[tuple[int, int], list[tuple[NDArray[np.float64], NDArray[np.float64]]]] = {}
    maxload = np.zeros((problem.n_sites, HOURS))
    for (_, s), tl in problem.timelines.items():
        maxload[s] += tl.load_by_hour()
        for h in range(HOURS):
            m = tl.queue_hour == h
            if m.any():
                slack.setdefault((s, h), []).append((tl.slack[m], tl.parcels[m]))
    # Load that reaches a site-hour whatever the placement: flows with this site as their only candidate.
    forced = np.zeros((problem.n_sites, HOURS))
    for f in range(problem.n_flows):
        cands = problem.candidates(f)
        if len(cands) == 1:
            forced[cands[0]] += problem.timelines[(f, cands[0])].load_by_hour()
    curves = {}
    cap = d.max_utilization * mu
    for (s, h), parts in slack.items():
        sl = np.concatenate([p[0] for p in parts])
        w = np.concatenate([p[1] for p in parts])
        w = w / w.sum()
        cmin = max(1, math.ceil(maxload[s, h] / cap - 1e-9))
        clow = max(1, math.ceil(forced[s, h] / cap - 1e-9))
        for c in range(clow, min(d.sites[s].max_lanes, cmin + _EXTRA_LANES) + 1):
            lam = np.linspace(0.0, cap * c, _GRID)
            wq = queueing.mgc_wait(lam, mu, c, cs2=cs2)
            tail = queueing.wait_tail(lam[:, None], mu, c, sl[None, :] - 1.0 / mu, cs2=cs2) @ w
            g = lam * (d.value_of_time_per_parcel_hour * wq + d.miss_penalty_per_parcel * tail)
            curves[(s, h, c)] = _envelope(lam, g)
    return curves


@dataclass
class _ScreeningModel:
    """The MIP's variables by index, with the objective's terms in the order they are added."""

    model: mathopt.Model
    x: dict[tuple[int, int], mathopt.Variable]  # flow f screened at site s
    o: dict[int, mathopt.Variable]  # site s used
    w: dict[tuple[int, int], mathopt.Variable] = field(default_factory=dict)  # site s takes column k
    n: dict[tuple[int, int, int], mathopt.Variable] = field(default_factory=dict)  # site-hour runs c lanes
    lam: dict[tuple[int, int, int], mathopt.Variable] = field(default_factory=dict)  # its load with c lanes
    z: dict[tuple[int, int, int], mathopt.Variable] = field(default_factory=dict)  # its queue cost with c lanes
    parts: list[mathopt.LinearExpression] = field(default_factory=list)


def _lane_counts(problem: ScreeningProblem,
                 curves: dict[tuple[int, int, int], list[tuple[float, float]]]) -> dict[tuple[int, int], list[int]]:
    """The lane counts each site-hour may run (0 where the hour may stay closed)."""
    lanes_at: dict[tuple[int, int], list[int]] = {}
    for (s, h, c) in curves:
        lanes_at.setdefault((s, h), []).append(c)
    for (s, h), cs in lanes_at.items():
        if min(cs) == 1 or not _forced_positive(problem, s, h):
            cs.insert(0, 0)
    return lanes_at


def _column_rows(m: _ScreeningModel, problem: ScreeningProblem, columns: dict[int, list[_Column]]) -> None:
    """Constraint (11) for the sites whose plans are enumerated as columns."""
    model, x, o = m.model, m.x, m.o
    m.w.update({(s, k): model.add_binary_variable(name=f"w[{s},{k}]") for s, cols in columns.items()
                for k in range(len(cols))})
    for s, cols in columns.items():
        # (11) an enumerated site takes exactly one column: a subset of its flows with its exact lane plan
        model.add_linear_constraint(mathopt.fast_sum(m.w[s, k] for k in range(len(cols))) == 1)
        for f in {f for (f, ss) in problem.timelines if ss == s}:
            model.add_linear_constraint(x[f, s] == mathopt.fast_sum(
                m.w[s, k] for k, col in enumerate(cols) if f in col.flows))
        for k, col in enumerate(cols):
            m.parts.append(col.cost * m.w[s, k])
            if col.flows:
                model.add_linear_constraint(m.w[s, k] <= o[s])


def _lane_rows(m: _ScreeningModel, problem: ScreeningProblem,
               curves: dict[tuple[int, int, int], list[tuple[float, float]]],
               lanes_at: dict[tuple[int, int], list[int]], columns: dict[int, list[_Column]]) -> None:
    """Constraints (2)-(5) and (7) for the site-hours staffed lane count by lane count."""
    model, d = m.model, problem.data
    n, lam, z = m.n, m.lam, m.z
    for (s, h), cs in lanes_at.items():
        if s in columns:
            continue
        for c in cs:
            n[s, h, c] = model.add_binary_variable(name=f"n[{s},{h},{c}]")
            if c == 0:
                continue
            lam[s, h, c] = model.add_variable(lb=0.0, name=f"l[{s},{h},{c}]")
            z[s, h, c] = model.add_variable(lb=0.0, name=f"z[{s},{h},{c}]")
            m.parts += [d.cost_per_lane_hour * c * n[s, h, c], z[s, h, c]]
            # (4) utilization below rho
            model.add_linear_constraint(lam[s, h, c] <= d.max_utilization * c * problem.mu * n[s, h, c])
            # (5) perspective cuts of the queue cost
            for a, b in curves[(s, h, c)]:
                model.add_linear_constraint(z[s, h, c] >= a * lam[s, h, c] + b * n[s, h, c])
            # (7) only used sites open lanes
            model.add_linear_constraint(n[s, h, c] <= m.o[s])
        # (2) one lane count per site-hour
        model.add_linear_constraint(mathopt.fast_sum(n[s, h, c] for c in cs) == 1)
        # (3) the load is carried by the chosen lane count
        load = mathopt.fast_sum(problem.timelines[(f, ss)].load_by_hour()[h] * m.x[f, ss]
                                for (f, ss) in problem.timelines if ss == s)
        model.add_linear_constraint(mathopt.fast_sum(lam[s, h, c] for c in cs if c > 0) == load)


def _flow_rows(m: _ScreeningModel, problem: ScreeningProblem, fixed: NDArray[np.int64] | None) -> None:
    """Constraints (1), (7) and (8) per flow, and its per-parcel handling cost."""
    model, x, d = m.model, m.x, problem.data
    for f in range(problem.n_flows):
        # (1) every flow screened exactly once
        model.add_linear_constraint(mathopt.fast_sum(x[f, s] for s in problem.candidates(f)) == 1)
        for s in problem.candidates(f):
            # (7) a flow is screened only at a used site
            model.add_linear_constraint(x[f, s] <= m.o[s])
            tl = problem.timelines[(f, s)]
            per_parcel = (d.secure_transport_cost_per_parcel if tl.upstream
                          else d.terminal_rehandling_cost_per_parcel)
            m.parts.append(per_parcel * float(tl.parcels.sum()) * x[f, s])
            if fixed is not None:
                # (8) placement fixed by the caller
                x[f, s].lower_bound = x[f, s].upper_bound = 1.0 if int(fixed[f]) == s else 0.0


def _pool_rows(m: _ScreeningModel, problem: ScreeningProblem, columns: dict[int, list[_Column]]) -> None:
    """Constraint (6), the screener pool hour by hour, and the set-up cost of every used upstream site."""
    d = problem.data
    for h in range(HOURS):
        # (6) the screener pool
        m.model.add_linear_constraint(
            mathopt.fast_sum(d.staff_per_lane * c * m.n[s, hh, c] for (s, hh, c) in m.n if hh == h and c > 0)
            + mathopt.fast_sum(d.staff_per_lane * int(col.lanes[h]) * m.w[s, k] for s, cols in columns.items()
                               for k, col in enumerate(cols) if col.lanes[h]) <= d.screener_pool)
    for s, site in enumerate(d.sites):
        if s != problem.terminal and s not in columns:  # enumerated columns include their set-up cost
            m.parts.append(site.setup_cost_per_day * m.o[s])


def _plan_of(m: _ScreeningModel, problem: ScreeningProblem, columns: dict[int, list[_Column]],
             result: mathopt.SolveResult) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The placement (site per flow) and lanes (sites x hours) of the MIP's solution."""
    assignment = np.zeros(problem.n_flows, dtype=np.int64)
    for (f, s), var in m.x.items():
        if result.variable_values(var) > 0.5:
            assignment[f] = s
    lanes = np.zeros((problem.n_sites, HOURS), dtype=np.int64)
    for (s, h, c), var in m.n.items():
        if c > 0 and result.variable_values(var) > 0.5:
            lanes[s, h] = c
    for (s, k), var in m.w.items():
        if result.variable_values(var) > 0.5:
            lanes[s] = columns[s][k].lanes
    return assignment, lanes


def _status(rel_gap: float, gap: float, reason: mathopt.TerminationReason) -> str:
    """``optimal`` within the gap; ``time_limit`` when the solve stopped with a plan; else the reason's name."""
    if rel_gap <= gap + 1e-12:
        return "optimal"
    if reason in (mathopt.TerminationReason.FEASIBLE, mathopt.TerminationReason.NO_SOLUTION_FOUND):
        return "time_limit"
    return str(reason.name.lower())


def optimize(problem: ScreeningProblem, *, fixed: NDArray[np.int64] | None = None, time_limit: float = 10.0,
             gap: float = 1e-3, solver: str = "highs", limits: Limits | None = None) -> ScreeningPlan:
    """Choose where each flow is screened (unless ``fixed``) and the lanes per site and hour.

    Parameters
    ----------
    problem
        From :func:`~logistics.screening.model.problem_from`.
    fixed
        Site index per flow to keep (constraint 8); None lets the optimizer choose.
    time_limit
        Seconds; the best plan found and its bound are returned when it is reached.
    gap
        Relative MIP gap at which to stop (default 0.1%).
    solver
        ``highs`` (default) or ``scip``.
    limits
        When given, its ``time_limit`` and ``gap`` replace the two arguments of those names.

    Raises
    ------
    ScreeningInfeasibleError
        When the load of a site-hour cannot be screened with its allowed lanes, or the pool is too small.
    """
    limits = limits or Limits(time_limit=time_limit, gap=gap)
    time_limit, gap = limits.time_limit, limits.gap
    mip.solver_type(solver, tuple(SOLVERS))  # an unknown name is a ValueError before any work
    t0 = time.perf_counter()
    if fixed is not None:
        check_capacity(problem, problem.load(np.asarray(fixed)))
    curves = _curves(problem)
    model = mathopt.Model(name="owl-screening")
    m = _ScreeningModel(model, {(f, s): model.add_binary_variable(name=f"x[{f},{s}]") for (f, s) in problem.timelines},
                        {s: model.add_binary_variable(name=f"o[{s}]") for s in range(problem.n_sites)})
    lanes_at = _lane_counts(problem, curves)
    columns = _site_columns(problem, curves, lanes_at)
    _column_rows(m, problem, columns)
    _lane_rows(m, problem, curves, lanes_at, columns)
    _flow_rows(m, problem, fixed)
    _pool_rows(m, problem, columns)
    model.minimize(mathopt.fast_sum(m.parts))
    incumbent = None
    if fixed is None:
        incumbent = _local_search(problem, curves, lanes_at, problem_start(problem))
    elapsed = time.perf_counter() - t0
    # The heuristic's plan is feasible for the MIP: nodes that cannot beat it are pruned at once.
    cutoff = incumbent[0] * (1 + 1e-9) + 1e-6 if incumbent is not None else None
    result = mip.run(model, solver, mip.parameters(solver, time_limit - elapsed, gap, cutoff=cutoff, min_seconds=0.1))
    reason = result.termination.reason
    bound = result.termination.objective_bounds.dual_bound
    if result.has_primal_feasible_solution() and (incumbent is None or result.objective_value() < incumbent[0]):
        obj = result.objective_value()
        assignment, lanes = _plan_of(m, problem, columns, result)
    elif incumbent is not None:
        # HiGHS reports INFEASIBLE when nothing beats the objective bound (the incumbent's cost): the incumbent,
        # a feasible plan of this model, is then optimal.
        obj, assignment, lanes = incumbent
        if mip.cutoff_proved(result):
            bound = max(bound, obj) if math.isfinite(bound) else obj  # nothing beats the incumbent: optimal
    elif mip.proved_infeasible(result):
        _explain_infeasible(problem)
        raise AssertionError("unreachable")
    else:
        raise ScreeningInfeasibleError(f"no screening plan found within {time_limit:g} s "
                                       f"({reason.name.lower()}). Fix: allow more time with --time-limit")
    bound = min(bound, obj)
    rel_gap = mip.relative_gap(obj, bound, floor=1e-9)  # bound <= obj here, so the gap is never negative
    return ScreeningPlan(status=_status(rel_gap, gap, reason), objective=obj, bound=bound, gap=rel_gap,
                         runtime_s=time.perf_counter() - t0, assignment=assignment, lanes=lanes,
                         report=evaluate_plan(problem, assignment, lanes))


def _hour_cost(cost_per_lane_hour: float, segments: list[tuple[float, float]], c: int, lam: float) -> float:
    """The MIP's cost of one site-hour with ``c`` lanes carrying ``lam`` parcels/hour: lanes plus the envelope of
    the queue cost (the value ``z`` takes in constraint 5)."""
    return cost_per_lane_hour * c + max(a * lam + b for a, b in segments)


@dataclass(frozen=True, slots=True)
class _Column:
    """A lane plan of one site for one subset of its candidate flows (constraint 11)."""

    flows: frozenset[int]
    lanes: NDArray[np.int64]
    cost: float  # lanes + envelope queue cost + set-up


def _site_columns(problem: ScreeningProblem, curves: dict[tuple[int, int, int], list[tuple[float, float]]],
                  lanes_at: dict[tuple[int, int], list[int]]) -> dict[int, list[_Column]]:
    """Every subset of the candidate flows of each small upstream site, with its cheapest lanes per hour and,
    where it differs, its fewest lanes (for hours in which the screener pool binds)."""
    d = problem.data
    cap = d.max_utilization * problem.mu
    out: dict[int, list[_Column]] = {}
    for s in range(problem.n_sites):
        flows = sorted(f for (f, ss) in problem.timelines if ss == s)
        if s == problem.terminal or not flows or len(flows) > _MAX_ENUMERATED_FLOWS:
            continue
        loads = {f: problem.timelines[(f, s)].load_by_hour() for f in flows}
        cols: list[_Column] = []
        for mask in range(1 << len(flows)):
            subset = frozenset(f for i, f in enumerate(flows) if mask >> i & 1)
            load = sum((loads[f] for f in subset), np.zeros(HOURS))
            best = np.zeros(HOURS, dtype=np.int64)
            fewest = np.zeros(HOURS, dtype=np.int64)
            cost_best = cost_fewest = d.sites[s].setup_cost_per_day if subset else 0.0
            ok = True
            for h in range(HOURS):
                lam = float(load[h])
                if lam <= 1e-9:
                    continue
                options = [(_hour_cost(d.cost_per_lane_hour, curves[(s, h, c)], c, lam), c)
                           for c in lanes_at.get((s, h), []) if c > 0 and lam <= cap * c + 1e-9]
                if not options:
                    ok = False
                    break
                cb, best[h] = min(options)
                cf, fewest[h] = min(options, key=lambda t: t[1])
                cost_best += cb
                cost_fewest += cf
            if not ok:
                continue
            cols.append(_Column(subset, best, cost_best))
            if np.any(fewest != best):
                cols.append(_Column(subset, fewest, cost_fewest))
        out[s] = cols
    return out


def problem_start(problem: ScreeningProblem) -> NDArray[np.int64]:
    """A starting placement: every flow screened where it arrives when it may be (measure 8 generalized)."""
    return np.array([min(problem.candidates(f), key=lambda s: (not problem.timelines[(f, s)].upstream, s))
                     for f in range(problem.n_flows)], dtype=np.int64)


def _lane_cost(problem: ScreeningProblem, curves: dict[tuple[int, int, int], list[tuple[float, float]]],
               lanes_at: dict[tuple[int, int], list[int]], assignment: NDArray[np.int64]
               ) -> tuple[float, NDArray[np.int64]]:
    """The MIP's objective for a fixed placement: the best lane count per site-hour under the envelope costs
    (``inf`` when a load does not fit or the staff pool is exceeded)."""
    d = problem.data
    load = problem.load(assignment)
    cap = d.max_utilization * problem.mu
    lanes = np.zeros((problem.n_sites, HOURS), dtype=np.int64)
    total = 0.0
    for (s, h), cs in lanes_at.items():
        lam = load[s, h]
        best, best_c = math.inf, -1
        for c in cs:
            if c == 0:
                cost = 0.0 if lam <= 1e-9 else math.inf
            elif lam <= cap * c + 1e-9:
                cost = _hour_cost(d.cost_per_lane_hour, curves[(s, h, c)], c, lam)
            else:
                continue
            if cost < best:
                best, best_c = cost, c
        if best_c < 0:
            return math.inf, lanes
        lanes[s, h] = best_c
        total += best
    if np.any(lanes.sum(axis=0) * d.staff_per_lane > d.screener_pool):
        return math.inf, lanes
    used = set(int(s) for s in assignment) | {int(s) for s in np.nonzero(lanes.sum(axis=1))[0]}
    total += sum(d.sites[s].setup_cost_per_day for s in used if s != problem.terminal)
    for f, s in enumerate(assignment):
        tl = problem.timelines[(f, int(s))]
        total += float(tl.parcels.sum()) * (d.secure_transport_cost_per_parcel if tl.upstream
                                            else d.terminal_rehandling_cost_per_parcel)
    return total, lanes


def _local_search(problem: ScreeningProblem, curves: dict[tuple[int, int, int], list[tuple[float, float]]],
                  lanes_at: dict[tuple[int, int], list[int]], start: NDArray[np.int64]
                  ) -> tuple[float, NDArray[np.int64], NDArray[np.int64]] | None:
    """Best-improvement moves of one flow to another candidate site, from ``start`` and from the all-terminal
    placement; returns the best (cost, placement, lanes) found, or None if no start fits."""
    best: tuple[float, NDArray[np.int64], NDArray[np.int64]] | None = None
    terminal_start = np.array([problem.terminal if problem.terminal in problem.candidates(f) else start[f]
                               for f in range(problem.n_flows)], dtype=np.int64)
    for first in (start, terminal_start):
        cur = first.copy()
        cost, lanes = _lane_cost(problem, curves, lanes_at, cur)
        improved = True
        while improved:
            improved = False
            move = None
            for f in range(problem.n_flows):
                for s in problem.candidates(f):
                    if s == cur[f]:
                        continue
                    trial = cur.copy()
                    trial[f] = s
                    c, ln = _lane_cost(problem, curves, lanes_at, trial)
                    if c < cost - 1e-9 and (move is None or c < move[0]):
                        move = (c, trial, ln)
            if move is not None:
                cost, cur, lanes = move
                improved = True
        if math.isfinite(cost) and (best is None or cost < best[0]):
            best = (cost, cur, lanes)
    return best


def _forced_positive(problem: ScreeningProblem, s: int, h: int) -> bool:
    """Whether some flow that can only be screened at ``s`` queues there in hour ``h``."""
    for f in range(problem.n_flows):
        cands = problem.candidates(f)
        if cands == [s] and problem.timelines[(f, s)].load_by_hour()[h] > 0:
            return True
    return False


def _explain_infeasible(problem: ScreeningProblem) -> None:
    """Name the binding resource: per hour, the least lanes any placement needs against the pool."""
    d = problem.data
    cap = d.max_utilization * problem.mu
    need = np.zeros(HOURS)
    for f in range(problem.n_flows):
        best = min(problem.candidates(f), key=lambda s: problem.timelines[(f, s)].parcels.sum())
        need += problem.timelines[(f, best)].load_by_hour() / cap
    h = int(np.argmax(need * d.staff_per_lane - d.screener_pool))
    raise ScreeningInfeasibleError(
        f"hour {h:02d}:00: about {need[h] * d.staff_per_lane:,.0f} screeners are needed but the pool has "
        f"{d.screener_pool}, or a site's max_lanes is too low for the flows that can only be screened there. "
        "Fix: raise screener_pool or max_lanes, or add candidate sites")
