"""The network-design MIP through OR-Tools MathOpt (HiGHS by default; SCIP and CP-SAT selectable).

Formulation
-----------
Data: sites ``s`` with fixed cost ``f_s`` and capacity ``u_s`` (openable unless an origin); demands ``d`` of
``q_d`` units a year in market ``m(d)``; options ``o`` serving demand ``d(o)`` at annual cost ``c_o`` (whole
demand), using ``a_os`` of site ``s``'s capacity; pooling terms ``t`` (one product at one warehouse ``s(t)``)
with cost ``kappa_t sqrt(V_t)`` where ``V_t = sum_o v_o x_o``; service targets ``alpha_m``.

Variables: ``y_s`` in {0, 1} open; ``x_o`` in [0, 1] share of its demand (binary under single sourcing);
per term, a piecewise-linear interpolation of ``sqrt`` on breakpoints ``0 = b_0 < ... < b_K``: segment
binaries ``w_tk`` and offsets ``delta_tk >= 0``; shortfall ``sigma_m >= 0`` (soft service only).

    min  sum_s f_s y_s + sum_o c_o x_o + sum_t kappa_t sum_k (sqrt(b_k-1) w_tk + r_tk delta_tk) + P sum_m sigma_m

    (1) sum_{o: d(o)=d} x_o = 1                                   every demand d
    (2) sum_o a_os x_o <= u_s y_s                                 every capacitated site s (y_s = 1 for origins)
    (3) x_o <= y_s                                                every option o and openable site s it uses
    (4) sum_{d in m} q_d sum_{o meets promise} x_o + sigma_m >= alpha_m Q_m    every market m with a target
    (5) sum_{s in g} y_s <= 1                                     every group g of alternative sizes
    (6) y_s = 1 (forced open), y_s = 0 (forced closed)
    (7) N_min <= sum_{s counted} y_s <= N_max
    (8) sum_s f_s y_s <= B
    (9) sum_o v_o x_o = sum_k (b_k-1 w_tk + delta_tk),  delta_tk <= (b_k - b_k-1) w_tk,  sum_k w_tk <= y_s(t)
    (10) sum_s u_s y_s >= sum_d q_d,  sum_s y_s >= ceil(sum_d q_d / max_s u_s)    (plain CFLP, valid cuts)

``r_tk = (sqrt(b_k) - sqrt(b_k-1)) / (b_k - b_k-1)``: on each segment the secant, which lies below the concave
``sqrt``, so the MIP under-estimates the pooled cost and its dual bound is a valid lower bound of the true
optimum. The reported objective is always the plan's exact cost (:func:`~logistics.design.instance.evaluate`),
and the reported gap is between the two: it includes the interpolation error, never hides it. After each solve
the incumbent's pooled variances become new breakpoints (adaptive refinement), which makes the interpolation
exact at that plan; the loop stops when the gap is within the target. Without pooling terms one solve suffices.

Plain CFLP instances (one site per option, no side constraints, equal capacities) of 20,000 options or more first
go through a Lagrangian presolve (:mod:`logistics.design.lagrange`) that proves most facilities closed or open.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from ortools.math_opt.python import mathopt

from logistics import mip
from logistics.design.instance import DesignInstance, Evaluation, InfeasiblePlanError, Plan, evaluate
from logistics.design.lagrange import LagrangianFixing, lagrangian_fixing
from logistics.design.reduce import most_per_demand, reduce_instance
from logistics.design.scenario import ChosenFlow, DesignOption, ScenarioDesign
from logistics.errors import InfeasibleError
from logistics.solving import Limits, SolveSummary, Status, stamped

__all__ = ["SOLVERS", "DesignInfeasibleError", "DesignResult", "RunnerUp", "solve_design"]

SOLVERS = mip.SOLVERS
_PRESOLVE_MIN_OPTIONS = 20_000
_RESCUE_MIN_OPTIONS = 20_000  # below it the MIP's own heuristics find a plan in a second
# Above it a second model would double the memory of the largest step (about 3 kB per option in all).
_RESCUE_MAX_OPTIONS = 1_000_000
_RUNNER_UP_SHARE = 0.15  # of the time left, per runner-up
_TOL = 1e-6

Progress = Callable[[str], None]


class DesignInfeasibleError(InfeasibleError):
    """No plan meets the constraints; ``diagnosis`` lists what cannot be met and which capacities bind."""

    def __init__(self, message: str, diagnosis: tuple[str, ...]) -> None:
        super().__init__(message)
        self.diagnosis = diagnosis


@dataclass(frozen=True, slots=True)
class RunnerUp:
    """The best plan with a different set of open warehouses than the plans before it."""

    open_sites: tuple[str, ...]
    objective: float
    bound: float


@dataclass(frozen=True, slots=True)
class DesignResult:
    """Outcome of :func:`solve_design`. ``objective`` is the exact cost of ``plan``; ``bound`` a proven lower
    bound on every plan's cost."""

    instance: DesignInstance
    status: str  # "optimal" (within the gap), "time_limit" (best plan and bound when the limit was reached)
    termination: str
    plan: Plan
    evaluation: Evaluation
    bound: float
    runtime_s: float
    solver: str
    iterations: int
    binding: tuple[str, ...]
    runner_ups: tuple[RunnerUp, ...] = ()
    presolve: dict[str, float] = field(default_factory=dict)
    options: Sequence[DesignOption] = ()  # the chain route of every option, when built from a scenario

    @property
    def objective(self) -> float:
        return self.evaluation.objective

    @property
    def gap(self) -> float:
        """Relative gap between the plan's exact cost and the bound."""
        return mip.relative_gap(self.objective, self.bound)

    @property
    def open_sites(self) -> tuple[str, ...]:
        inst = self.instance
        return tuple(s for s, k in zip(inst.site_ids, inst.site_kind, strict=True)
                     if s in self.plan.open_sites and k != "origin")

    def flows(self, min_share: float = 1e-6) -> list[dict[str, object]]:
        """Every option carrying a share of its demand: demand, option label, share and units a year."""
        inst = self.instance
        x = self.plan.shares
        return [{"demand": inst.demand_ids[inst.opt_demand[o]], "option": inst.opt_label[o],
                 "share": float(x[o]), "units": float(x[o] * inst.demand_qty[inst.opt_demand[o]])}
                for o in np.nonzero(x > min_share)[0]]

    @property
    def summary(self) -> SolveSummary:
        """Status, objective, bound, gap and runtime in the vocabulary every solver shares."""
        return SolveSummary(Status(self.status), self.objective, self.bound, self.gap, self.runtime_s)

    def option(self, k: int) -> DesignOption:
        """Which product, market and chain route option ``k`` is.

        Raises
        ------
        LookupError
            When the instance was not built from a scenario (an OR-Library file has no routes).
        """
        if not self.options:
            raise LookupError(f"{self.instance.name}: the design was not built from a scenario, so its options "
                              "have no chain routes; solve a ScenarioDesign (logistics.design.scenario_design)")
        return self.options[k]

    def chosen_flows(self, min_share: float = 1e-9) -> tuple[ChosenFlow, ...]:
        """The options the plan uses (share above ``min_share``), each with its route, share and units a year.

        Raises
        ------
        LookupError
            When the instance was not built from a scenario (see :meth:`option`).
        """
        inst = self.instance
        x = self.plan.shares
        return tuple(ChosenFlow(self.option(int(k)), float(x[k]), float(x[k] * inst.demand_qty[inst.opt_demand[k]]))
                     for k in np.nonzero(x > min_share)[0])

    def to_json(self) -> dict[str, object]:
        ev = self.evaluation
        head = self.summary.to_json()
        return {
            "instance": self.instance.name, "status": head["status"], "termination": self.termination,
            "objective": head["objective"], "bound": head["bound"], "gap": head["gap"],
            "runtime_s": head["runtime_s"], "solver": self.solver, "iterations": self.iterations,
            "open": list(self.open_sites),
            "cost_by_stage": {k: round(v, 2) for k, v in ev.by_stage.items()},
            "service": {k: round(v, 6) for k, v in ev.service.items()},
            "binding": list(self.binding),
            "runner_ups": [{"open": list(r.open_sites), "objective": round(r.objective, 6),
                            "bound": round(r.bound, 6)} for r in self.runner_ups],
            "presolve": self.presolve,
            "flows": self.flows(),
        }


# --------------------------------------------------------------------------------------------------------------
# The model


def _max_variance(inst: DesignInstance) -> NDArray[np.float64]:
    """Per pooling term, the largest pooled variance a plan can reach: every demand on its most variable option
    of the term."""
    return most_per_demand(inst, inst.pm_term, inst.pm_opt, inst.pm_var, len(inst.pool_site))


def _breakpoints(inst: DesignInstance) -> list[list[float]]:
    """Initial breakpoints per pooling term: 0 and the largest reachable variance, one secant (refined around
    incumbents later). A one-segment term needs no binaries: its secant is a cost per unit of variance."""
    return [[0.0, float(v)] if v > 0 else [0.0] for v in _max_variance(inst)]


@dataclass
class _Slacks:
    """The elastic model's violation variables (diagnosis) and the penalty terms that price them."""

    capacity: dict[int, mathopt.Variable] = field(default_factory=dict)  # site -> capacity over its limit
    count: mathopt.Variable | None = None  # (7) warehouses short of or beyond the count limits
    budget: mathopt.Variable | None = None  # (8) fixed cost over the budget
    penalty: list[mathopt.LinearExpression] = field(default_factory=list)


@dataclass
class _Model:
    model: mathopt.Model
    y: dict[int, mathopt.Variable]
    xid: NDArray[np.int64]  # per option its variable's id, -1 when it cannot carry flow
    shortfall: dict[str, mathopt.Variable]
    slacks: _Slacks = field(default_factory=_Slacks)


def _through(inst: DesignInstance, sites: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """The options that use any of ``sites`` (a mask over the sites)."""
    hit = np.zeros(inst.n_options, dtype=bool)
    hit[inst.use_opt[sites[inst.use_site]]] = True
    return hit


def _forced_closed(inst: DesignInstance) -> NDArray[np.bool_]:
    """The sites ``--force-closed`` keeps closed, as a mask."""
    return np.array([s in inst.forced_closed for s in inst.site_ids], dtype=bool)


def _site_use(inst: DesignInstance, shares: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per site, the sum of the shares of the options using it (positive exactly where a plan needs it open)."""
    used = np.zeros(inst.n_sites)
    np.add.at(used, inst.use_site, shares[inst.use_opt])
    return used


def _cheapest(inst: DesignInstance, cost: NDArray[np.float64]) -> NDArray[np.float64]:
    """Per demand, its cheapest option's ``cost`` (inf when it has none)."""
    out = np.full(len(inst.demand_ids), np.inf)
    np.minimum.at(out, inst.opt_demand, cost)
    return out


def _site_variables(model: mathopt.Model, inst: DesignInstance, fixed_open: NDArray[np.bool_],
                    fixed_closed: NDArray[np.bool_]) -> dict[int, mathopt.Variable]:
    """``y_s`` for every openable site, with the fixings of (6) and the presolve as bounds."""
    openable = inst.openable
    y: dict[int, mathopt.Variable] = {}
    for s in range(inst.n_sites):
        if openable[s]:
            lo = 1.0 if fixed_open[s] or inst.site_ids[s] in inst.forced_open else 0.0  # (6)
            hi = 0.0 if fixed_closed[s] or inst.site_ids[s] in inst.forced_closed else 1.0  # (6)
            y[s] = model.add_binary_variable(name=f"y[{inst.site_ids[s]}]")
            if lo > 0 or hi < 1:
                y[s].lower_bound, y[s].upper_bound = lo, hi
    return y


def _option_ids(model: mathopt.Model, inst: DesignInstance, y: dict[int, mathopt.Variable]) -> NDArray[np.int64]:
    """The ids ``x_o`` will have, reserved after the ``y`` (-1 for options through a site fixed closed, which
    cannot carry flow). The variables themselves are written into the exported model by :func:`_with_rows`:
    millions of them through MathOpt's Python API would take a minute and gigabytes."""
    dead = _through(inst, np.array([s in y and y[s].upper_bound == 0 for s in range(inst.n_sites)]))
    first = model.get_next_variable_id()
    xid = np.full(inst.n_options, -1, dtype=np.int64)
    live = np.nonzero(~dead)[0]
    xid[live] = first + np.arange(len(live))
    model.ensure_next_variable_id_at_least(first + len(live))
    return xid


def _bulk_rows(model: mathopt.Model, inst: DesignInstance, xid: NDArray[np.int64], y: dict[int, mathopt.Variable],
               elastic: bool, slacks: _Slacks) -> _Rows:
    """Rows (1)-(3), one per demand, site and option, as arrays (see :class:`_Rows`).

    MathOpt's Python API takes about 30 us per row, so these tens of thousands of rows are assembled with numpy
    and added to the exported model in one step (:func:`_with_rows`), an order of magnitude faster.
    """
    live = np.nonzero(xid >= 0)[0]
    bulk = _Rows()
    bulk.add_block(np.ones(len(inst.demand_ids)), np.ones(len(inst.demand_ids)),  # (1)
                   [f"demand[{d}]" for d in inst.demand_ids], inst.opt_demand[live], xid[live], np.ones(len(live)))
    use_live = xid[inst.use_opt] >= 0
    u_opt, u_site, u_amt = inst.use_opt[use_live], inst.use_site[use_live], inst.use_amount[use_live]
    yid = np.full(inst.n_sites, -1, dtype=np.int64)
    for t, v in y.items():
        yid[t] = v.id
    # Per site, its capacity row (2) and then its link rows (3), the order HiGHS's search was tuned on here.
    has_use = np.bincount(u_site, minlength=inst.n_sites) > 0
    has_cap = has_use & np.isfinite(inst.site_capacity)
    linked = yid[u_site] >= 0
    by_site = np.argsort(u_site[linked], kind="stable")
    l_opt, l_site = u_opt[linked][by_site], u_site[linked][by_site]
    n_links = np.bincount(l_site, minlength=inst.n_sites)
    start = np.concatenate([[0], np.cumsum(has_cap + n_links)[:-1]])
    cap_row = np.where(has_cap, start, -1)
    first_link = start + has_cap
    l_row = first_link[l_site] + (np.arange(len(l_site)) - np.concatenate([[0], np.cumsum(n_links)])[l_site])
    n_rows = int(has_cap.sum() + len(l_opt))
    lb, ub = np.full(n_rows, -np.inf), np.zeros(n_rows)
    names = [""] * n_rows  # the link rows stay unnamed: millions of names would cost more than the rows
    e_row: list[int] = []
    e_col: list[int] = []
    e_val: list[float] = []
    for t in np.nonzero(has_cap)[0].tolist():  # (2): sum_o a_o x_o - u_s y_s (- over_s) <= 0, or <= u_s w/o y_s
        cap, r = float(inst.site_capacity[t]), int(cap_row[t])
        names[r] = f"capacity[{inst.site_ids[t]}]"
        if t in y:
            e_row.append(r)
            e_col.append(y[t].id)
            e_val.append(-cap)
        else:
            ub[r] = cap
        if elastic:
            over = model.add_variable(lb=0.0, name=f"over[{inst.site_ids[t]}]")
            slacks.capacity[t] = over
            slacks.penalty.append(over / max(cap, 1.0))
            e_row.append(r)
            e_col.append(over.id)
            e_val.append(-1.0)
    on_cap = cap_row[u_site] >= 0
    bulk.add_block(lb, ub, names,  # (2) and (3): x_o - y_s <= 0
                   np.concatenate([cap_row[u_site[on_cap]], np.array(e_row, dtype=np.int64), l_row, l_row]),
                   np.concatenate([xid[u_opt[on_cap]], np.array(e_col, dtype=np.int64), xid[l_opt], yid[l_site]]),
                   np.concatenate([u_amt[on_cap].astype(float), np.array(e_val), np.ones(len(l_opt)),
                                   -np.ones(len(l_opt))]))
    return bulk


def _service_rows(model: mathopt.Model, inst: DesignInstance, xid: NDArray[np.int64], elastic: bool,
                  slacks: _Slacks, bulk: _Rows) -> dict[str, mathopt.Variable]:
    """Rows (4), one per market with a target, added to ``bulk``; returns the shortfall variables (soft targets,
    diagnosis)."""
    shortfall: dict[str, mathopt.Variable] = {}
    markets = np.array(inst.demand_market)
    meets = np.nonzero(inst.opt_meets & (xid >= 0))[0]
    rows_r: list[NDArray[np.int64]] = []
    rows_c: list[NDArray[np.int64]] = []
    rows_v: list[NDArray[np.float64]] = []
    lbs, names = [], []
    for r, (m, alpha) in enumerate(inst.service_target.items()):  # (4)
        rows = markets == m
        total = float(inst.demand_qty[rows].sum())
        on = meets[rows[inst.opt_demand[meets]]]
        cols, vals = xid[on], inst.demand_qty[inst.opt_demand[on]].astype(float)
        if inst.service_penalty is not None or elastic:
            shortfall[m] = model.add_variable(lb=0.0, name=f"short[{m}]")
            cols, vals = np.r_[cols, shortfall[m].id], np.r_[vals, 1.0]
            if elastic:
                slacks.penalty.append(shortfall[m] / max(total, 1.0))
        rows_r.append(np.full(len(cols), r, dtype=np.int64))
        rows_c.append(cols.astype(np.int64))
        rows_v.append(vals)
        lbs.append(alpha * total)
        names.append(f"service[{m}]")
    if lbs:
        bulk.add_block(np.array(lbs), np.full(len(lbs), np.inf), names, np.concatenate(rows_r),
                       np.concatenate(rows_c), np.concatenate(rows_v))
    return shortfall


def _site_rows(model: mathopt.Model, inst: DesignInstance, y: dict[int, mathopt.Variable], elastic: bool,
               slacks: _Slacks) -> mathopt.LinearExpression:
    """Rows (5), (7) and (8); returns the fixed-cost expression ``sum_s f_s y_s``."""
    groups: dict[str, list[int]] = {}
    for s, g in enumerate(inst.site_group):
        if s in y:
            groups.setdefault(g, []).append(s)
    for g, group in groups.items():  # (5)
        if len(group) > 1:
            model.add_linear_constraint(mathopt.fast_sum(y[s] for s in group) <= 1, name=f"size[{g}]")
    n_open = mathopt.fast_sum(y[s] for s in y if inst.counted[s])
    if inst.min_open > 0 or inst.max_open is not None:  # (7)
        slack: mathopt.Variable | float = 0.0
        if elastic:
            slacks.count = model.add_variable(lb=0.0, name="count_slack")
            slacks.penalty.append(slacks.count)  # type: ignore[arg-type]
            slack = slacks.count
        if inst.min_open > 0:
            model.add_linear_constraint(n_open + slack >= inst.min_open, name="min_open")
        if inst.max_open is not None:
            model.add_linear_constraint(n_open - slack <= inst.max_open, name="max_open")
    fixed_cost = mathopt.fast_sum(float(inst.site_fixed[s]) * y[s] for s in y)
    if inst.budget is not None:  # (8)
        if elastic:
            slacks.budget = model.add_variable(lb=0.0, name="budget_over")
            slacks.penalty.append(slacks.budget / max(inst.budget, 1.0))
            model.add_linear_constraint(fixed_cost <= inst.budget + slacks.budget, name="budget")
        else:
            model.add_linear_constraint(fixed_cost <= inst.budget, name="budget")
    return fixed_cost


def _pooling_rows(model: mathopt.Model, inst: DesignInstance, bps: list[list[float]],
                  xid: NDArray[np.int64], y: dict[int, mathopt.Variable], bulk: _Rows,
                  ) -> tuple[list[mathopt.LinearExpression], NDArray[np.float64]]:
    """Rows (9): the piecewise-linear pooled safety stock of every pooling term of two or more segments (the
    balance rows into ``bulk``); returns its cost terms, and the cost per option of the one-segment terms (the
    secant slope times the variance)."""
    pool_cost: list[mathopt.LinearExpression] = []
    linear = np.zeros(inst.n_options)
    one = np.array([len(b) == 2 for b in bps], dtype=bool)
    if len(inst.pm_term) and len(bps):
        top = np.array([b[-1] if len(b) >= 2 else 1.0 for b in bps])
        slope = inst.pool_coef / np.sqrt(np.maximum(top, 1e-300))
        on = one[inst.pm_term]
        np.add.at(linear, inst.pm_opt[on], (slope[inst.pm_term] * inst.pm_var)[on])
    pooled: list[list[tuple[int, float]]] = [[] for _ in inst.pool_site]
    for t, o, v in zip(inst.pm_term, inst.pm_opt, inst.pm_var, strict=True):
        if xid[o] >= 0 and not (len(bps) and one[t]):
            pooled[t].append((int(o), float(v)))
    for t, b in enumerate(bps):  # (9)
        if len(b) < 3 or not pooled[t]:
            continue
        s = int(inst.pool_site[t])
        # Variances reach 1e10 and more (units squared): the rows are written in units of the largest breakpoint,
        # sqrt(V) = sqrt(scale) * sqrt(V / scale), which keeps the solver's tolerances meaningful.
        scale = max(b[-1], 1e-300)
        u = [bk / scale for bk in b]
        ws, deltas, parts_c = [], [], []
        for k in range(1, len(u)):
            w = model.add_binary_variable(name=f"w[{t},{k}]")
            delta = model.add_variable(lb=0.0, ub=u[k] - u[k - 1], name=f"delta[{t},{k}]")
            model.add_linear_constraint(delta <= (u[k] - u[k - 1]) * w)
            slope = (math.sqrt(u[k]) - math.sqrt(u[k - 1])) / (u[k] - u[k - 1])
            ws.append(w)
            deltas.append(delta)
            parts_c.append(math.sqrt(u[k - 1]) * w + slope * delta)
        # sum_o (v_o / scale) x_o - sum_k (u_k-1 w_k + delta_k) = 0
        cols = [int(xid[o]) for o, _ in pooled[t]] + [v.id for k in range(len(ws)) for v in (ws[k], deltas[k])]
        vals = [v / scale for _, v in pooled[t]] + [c for k in range(len(ws)) for c in (-u[k], -1.0)]
        bulk.add_block(np.zeros(1), np.zeros(1), [f"pool[{inst.pool_label[t]}]"],
                       np.zeros(len(cols), dtype=np.int64), np.array(cols, dtype=np.int64), np.array(vals))
        model.add_linear_constraint(mathopt.fast_sum(ws) <= y.get(s, 1.0))
        pool_cost.append(float(inst.pool_coef[t]) * math.sqrt(scale) * mathopt.fast_sum(parts_c))
    return pool_cost, linear


def _cover_and_nogood_rows(model: mathopt.Model, inst: DesignInstance, y: dict[int, mathopt.Variable],
                           nogoods: list[frozenset[int]]) -> None:
    """Rows (10) for plain CFLP, and one no-good row per earlier plan (runner-ups: other open warehouses)."""
    counted = [s for s in y if inst.counted[s]]
    if inst.is_plain_cflp:  # (10)
        total_q = float(inst.demand_qty.sum())
        model.add_linear_constraint(mathopt.fast_sum(float(inst.site_capacity[s]) * y[s] for s in y) >= total_q,
                                    name="cover")
        model.add_linear_constraint(mathopt.fast_sum(y[s] for s in counted)
                                    >= math.ceil(total_q / float(inst.site_capacity.max()) - 1e-9),
                                    name="count_cover")
    _nogood_rows(model, inst, y, nogoods, 0)


def _nogood_rows(model: mathopt.Model, inst: DesignInstance, y: dict[int, mathopt.Variable],
                 nogoods: list[frozenset[int]], first: int) -> None:
    """One row per earlier plan's open warehouses, numbered from ``first``: the next plan opens another set."""
    counted = [s for s in y if inst.counted[s]]
    for k, ng in enumerate(nogoods, start=first):
        model.add_linear_constraint(mathopt.fast_sum((1 - y[s]) if s in ng else y[s] for s in counted) >= 1,
                                    name=f"different[{k}]")


@dataclass
class _Reuse:
    """The first MIP of a search, kept for the runner-up searches: each adds its no-good rows to it instead of
    building the model again (the same rows otherwise)."""

    model: _Model | None = None
    n_nogoods: int = 0


def _build(inst: DesignInstance, bps: list[list[float]], fixed_open: NDArray[np.bool_],
           fixed_closed: NDArray[np.bool_], nogoods: list[frozenset[int]], elastic: bool = False) -> _Model:
    """The MIP of the module docstring (``elastic``: its diagnosis model, which minimizes the scaled slacks of
    the capacities, targets, counts and budget instead of the cost)."""
    model = mathopt.Model(name=f"owl-design-{inst.name}")
    y = _site_variables(model, inst, fixed_open, fixed_closed)
    xid = _option_ids(model, inst, y)
    live = np.nonzero(xid >= 0)[0]
    slacks = _Slacks()
    bulk = _bulk_rows(model, inst, xid, y, elastic, slacks)
    shortfall = _service_rows(model, inst, xid, elastic, slacks, bulk)
    fixed_cost = _site_rows(model, inst, y, elastic, slacks)
    pool_cost, pool_linear = _pooling_rows(model, inst, bps, xid, y, bulk)
    _cover_and_nogood_rows(model, inst, y, nogoods)
    if elastic:
        model.minimize(mathopt.fast_sum(slacks.penalty))
        x_cost = np.zeros(len(live))
    else:
        soft = mathopt.fast_sum(float(inst.service_penalty or 0.0) * sf for sf in shortfall.values())
        model.minimize(fixed_cost + mathopt.fast_sum(pool_cost) + soft)
        # The variable costs (and the one-segment pooling terms) join the objective with rows (1)-(3).
        x_cost = (inst.opt_cost + pool_linear)[live].astype(float)
    built = _with_rows(model, bulk, xid[live], x_cost, inst.single_sourcing)
    get = built.get_variable

    def again(v: mathopt.Variable | None) -> mathopt.Variable | None:
        return None if v is None else get(v.id)

    kept = _Slacks({t: get(v.id) for t, v in slacks.capacity.items()}, again(slacks.count), again(slacks.budget))
    return _Model(built, {t: get(v.id) for t, v in y.items()}, xid, {mk: get(v.id) for mk, v in shortfall.items()},
                  kept)


class _Rows:
    """Linear rows ``lb <= sum_j a_j v_j <= ub`` gathered as arrays (variable ids and coefficients)."""

    def __init__(self) -> None:
        self.lb: list[NDArray[np.float64]] = []
        self.ub: list[NDArray[np.float64]] = []
        self.names: list[str] = []
        self.row: list[NDArray[np.int64]] = []
        self.col: list[NDArray[np.int64]] = []
        self.val: list[NDArray[np.float64]] = []
        self.n = 0

    def add_block(self, lb: NDArray[np.float64], ub: NDArray[np.float64], names: list[str],
                  row: NDArray[np.int64], col: NDArray[np.int64], val: NDArray[np.float64]) -> None:
        """Rows ``0..len(lb)-1`` of a block; ``row`` indexes them, ``col`` holds MathOpt variable ids."""
        self.lb.append(np.asarray(lb, dtype=float))
        self.ub.append(np.asarray(ub, dtype=float))
        self.names += names
        self.row.append(np.asarray(row, dtype=np.int64) + self.n)
        self.col.append(np.asarray(col, dtype=np.int64))
        self.val.append(np.asarray(val, dtype=float))
        self.n += len(lb)


def _with_rows(model: mathopt.Model, rows: _Rows, x_ids: NDArray[np.int64], x_cost: NDArray[np.float64],
               integer: bool) -> mathopt.Model:
    """``model`` with the option variables ``x_ids`` (in [0, 1], costing ``x_cost``) and ``rows`` put before its
    own rows, rebuilt from its exported proto (the variable ids stay the same, the row ids do not)."""
    proto = model.export_model()
    var = proto.variables
    old_ids = np.array(var.ids, dtype=np.int64)
    ids = np.concatenate([old_ids, x_ids])
    order = np.argsort(ids, kind="stable")  # the proto lists variables by id; the x ids sit after the y ids
    lbs = np.concatenate([np.array(var.lower_bounds, dtype=float), np.zeros(len(x_ids))])[order]
    ubs = np.concatenate([np.array(var.upper_bounds, dtype=float), np.ones(len(x_ids))])[order]
    ints = np.concatenate([np.array(var.integers, dtype=bool), np.full(len(x_ids), integer)])[order]
    old_names = list(var.names) or [""] * len(old_ids)
    names = np.concatenate([np.array(old_names, dtype=object), np.full(len(x_ids), "", dtype=object)])[order]
    proto.ClearField("variables")
    var = proto.variables
    var.ids.extend(ids[order])
    var.lower_bounds.extend(lbs)
    var.upper_bounds.extend(ubs)
    var.integers.extend(ints)
    var.names.extend(names)
    lc = proto.linear_constraints
    n_old = len(lc.ids)
    old_row = {i: k for k, i in enumerate(lc.ids)}
    old_names = list(lc.names) or [""] * n_old
    row_lbs = np.concatenate([*rows.lb, np.array(lc.lower_bounds, dtype=float)])
    row_ubs = np.concatenate([*rows.ub, np.array(lc.upper_bounds, dtype=float)])
    mat = proto.linear_constraint_matrix
    r = np.concatenate([*rows.row, rows.n + np.array([old_row[i] for i in mat.row_ids], dtype=np.int64)])
    c = np.concatenate([*rows.col, np.array(mat.column_ids, dtype=np.int64)])
    v = np.concatenate([*rows.val, np.array(mat.coefficients, dtype=float)])
    proto.ClearField("linear_constraints")
    proto.ClearField("linear_constraint_matrix")
    lc = proto.linear_constraints
    lc.ids.extend(range(rows.n + n_old))
    lc.lower_bounds.extend(row_lbs)
    lc.upper_bounds.extend(row_ubs)
    lc.names.extend(rows.names + old_names)
    # The proto wants the matrix in row-major order with one entry per (row, column): merge repeats, drop zeros.
    width = int(c.max(initial=0)) + 1
    key, inverse = np.unique(r * width + c, return_inverse=True)
    merged = np.zeros(len(key))
    np.add.at(merged, inverse, v)
    keep = merged != 0.0
    mat = proto.linear_constraint_matrix
    mat.row_ids.extend(key[keep] // width)
    mat.column_ids.extend(key[keep] % width)
    mat.coefficients.extend(merged[keep])
    if len(x_ids):
        lin = proto.objective.linear_coefficients
        all_ids = np.concatenate([np.array(lin.ids, dtype=np.int64), x_ids])
        all_vals = np.concatenate([np.array(lin.values, dtype=float), x_cost])
        o_key, o_inv = np.unique(all_ids, return_inverse=True)
        o_sum = np.zeros(len(o_key))
        np.add.at(o_sum, o_inv, all_vals)
        nz = o_sum != 0.0
        del lin.ids[:]
        del lin.values[:]
        lin.ids.extend(o_key[nz])
        lin.values.extend(o_sum[nz])
    return mathopt.Model.from_model_proto(proto)


# --------------------------------------------------------------------------------------------------------------
# Solving


def _params(solver: str, seconds: float, gap: float, cutoff: float | None = None) -> mathopt.SolveParameters:
    # A known plan's cost prunes every node that cannot beat it (HiGHS only: with SCIP and CP-SAT a cutoff that
    # nothing beats ends in "no solution", which the refinement loop would have to tell apart from a time-out).
    return mip.parameters(solver, seconds, gap, cutoff=cutoff if solver == "highs" else None, absolute_gap=1e-6,
                          threads=None if solver == "highs" else 1)


def _extract(inst: DesignInstance, m: _Model, result: mathopt.SolveResult) -> Plan:
    values = result.variable_values()
    by_id = np.zeros(m.model.get_next_variable_id())
    by_id[np.fromiter((v.id for v in values), dtype=np.int64, count=len(values))] = np.fromiter(
        values.values(), dtype=float, count=len(values))
    x = np.where(m.xid >= 0, np.clip(by_id[np.maximum(m.xid, 0)], 0.0, 1.0), 0.0)
    if inst.single_sourcing:
        x = np.round(x)
    # Renormalize the tiny tolerance noise of the solver so the evaluator sees each demand served exactly once.
    served = np.zeros(len(inst.demand_ids))
    np.add.at(served, inst.opt_demand, x)
    x = x / served[inst.opt_demand]
    used = _site_use(inst, x)
    open_sites = frozenset(inst.site_ids[s] for s, v in m.y.items() if values[v] > 0.5 or used[s] > _TOL)
    return Plan(open_sites, x)


def _transport_plan(inst: DesignInstance, open_mask: NDArray[np.bool_], solver: str,
                    seconds: float) -> tuple[Plan, float] | None:
    """Best assignment for a fixed set of open facilities (an LP); None when infeasible."""
    fixed_open = open_mask.copy()
    fixed_closed = ~open_mask & inst.openable
    m = _build(inst, _breakpoints(inst), fixed_open, fixed_closed, [])
    res = mip.run(m.model, "highs", _params(solver, seconds, 1e-9))
    if not mip.found_solution(res):
        return None
    plan = _extract(inst, m, res)
    return plan, evaluate(inst, plan).objective


def _restricted_plan(inst: DesignInstance, lag: LagrangianFixing, solver: str,
                     until: float) -> tuple[Plan, float] | None:
    """A good plan to fix against: the MIP restricted to the 2k + 4 facilities the Lagrangian values most
    (k = fewest facilities covering the demand), within ``until``; the knapsack's own set if that fails."""
    keep = np.zeros(inst.n_sites, dtype=bool)
    keep[np.argsort(lag.values, kind="stable")[: 2 * lag.k + 4]] = True
    keep |= lag.open_guess
    m = _build(inst, [], np.zeros(inst.n_sites, dtype=bool), ~keep, [])
    res = mip.run(m.model, "highs", _params("highs", until - time.perf_counter(), 1e-4))
    if mip.found_solution(res):
        plan = _extract(inst, m, res)
        return plan, evaluate(inst, plan).objective
    return _transport_plan(inst, lag.open_guess, solver, until - time.perf_counter())


def _presolve(inst: DesignInstance, solver: str, deadline: float) -> tuple[NDArray[np.bool_], NDArray[np.bool_],
                                                                            Plan | None, dict[str, float]]:
    """Lagrangian fixing for large plain CFLP instances; (fixed open, fixed closed, incumbent, stats)."""
    n_sites = inst.n_sites
    none = np.zeros(n_sites, dtype=bool)
    if not inst.is_plain_cflp or inst.n_options < _PRESOLVE_MIN_OPTIONS or not np.allclose(
            inst.site_capacity, inst.site_capacity[0]):
        return none, none.copy(), None, {}
    n_dem = len(inst.demand_ids)
    cost = np.zeros((n_sites, n_dem))
    cost[inst.use_site, inst.opt_demand] = inst.opt_cost
    t0 = time.perf_counter()
    # A fifth of the time for the first pass and half for the second keeps time for the MIP itself.
    budget = deadline - t0
    first = lagrangian_fixing(inst.site_capacity, inst.site_fixed, inst.demand_qty, cost, None, max_iter=300,
                              deadline=t0 + 0.2 * budget)
    priced = _restricted_plan(inst, first, solver, t0 + 0.45 * budget)
    if priced is None:
        return none, none.copy(), None, {}
    plan, upper = priced
    second = lagrangian_fixing(inst.site_capacity, inst.site_fixed, inst.demand_qty, cost, upper,
                               start=first.multipliers, deadline=t0 + 0.6 * budget)
    # The knapsack's facilities at the better multipliers usually price lower; a lower plan cost fixes more.
    again = _transport_plan(inst, second.open_guess, solver, deadline - time.perf_counter())
    if again is not None and again[1] < upper - 1e-9 * abs(upper):
        plan, upper = again
        second = lagrangian_fixing(inst.site_capacity, inst.site_fixed, inst.demand_qty, cost, upper,
                                   start=second.multipliers, max_iter=100, deadline=t0 + 0.7 * budget)
    stats = {"lagrangian_bound": second.bound, "heuristic_cost": upper,
             "fixed_closed": float(second.closed.sum()), "fixed_open": float(second.opened.sum()),
             "iterations": float(first.iterations + second.iterations),
             "seconds": time.perf_counter() - t0}
    return second.opened, second.closed, plan, stats


def _binding(inst: DesignInstance, ev: Evaluation, plan: Plan) -> tuple[str, ...]:
    out = []
    for s, load in ev.site_load.items():
        cap = inst.site_capacity[inst.site_index(s)]
        if math.isfinite(cap) and load >= cap * (1 - 1e-4):
            out.append(f"capacity of {s} ({load:,.0f} of {cap:,.0f})")
    for m, alpha in inst.service_target.items():
        share = ev.service.get(m, 1.0)
        if share <= alpha + 1e-6:
            out.append(f"service target of {m} ({share:.4f} of demand within the promise, target {alpha:.4f})")
    n_open = sum(1 for s in plan.open_sites if inst.counted[inst.site_index(s)])
    if inst.max_open is not None and n_open >= inst.max_open:
        out.append(f"at most {inst.max_open} warehouses")
    if inst.min_open and n_open <= inst.min_open:
        out.append(f"at least {inst.min_open} warehouses")
    if inst.budget is not None and ev.fixed >= inst.budget * (1 - 1e-4):
        out.append(f"budget ({ev.fixed:,.0f} of {inst.budget:,.0f})")
    return tuple(out)


def _precheck(inst: DesignInstance) -> tuple[str, ...]:
    """What makes the instance infeasible whatever opens, found without a solve: a demand whose every option
    passes a site forced closed, or a hard promise target that even every promise-keeping option cannot meet."""
    dead = _through(inst, _forced_closed(inst))
    alive = np.bincount(inst.opt_demand[~dead], minlength=len(inst.demand_ids))
    out = [f"demand {inst.demand_ids[d]} has no option through a site that may open"
           for d in np.nonzero(alive == 0)[0][:5]]
    if inst.service_penalty is None and inst.service_target:
        can = np.zeros(len(inst.demand_ids), dtype=bool)
        can[inst.opt_demand[~dead & inst.opt_meets]] = True
        markets = np.array(inst.demand_market)
        for m, alpha in inst.service_target.items():
            rows = markets == m
            total = float(inst.demand_qty[rows].sum())
            reach = float(inst.demand_qty[rows & can].sum()) / total if total > 0 else 1.0
            if reach < alpha - 1e-9:
                out.append(f"market {m} cannot meet its promise target: at best {reach:.4f} of its demand within the "
                           f"promise, target {alpha:.4f}")
    return tuple(out)


def _diagnose(inst: DesignInstance, solver: str, deadline: float) -> tuple[str, ...]:
    """Slack-based diagnosis within ``deadline``: minimize the scaled violations of the soft-able constraints and
    report the ones that stay positive (markets short of their promise target, capacities exceeded, counts,
    budget)."""
    seconds = deadline - time.perf_counter()
    none = np.zeros(inst.n_sites, dtype=bool)
    if seconds < 0.5 or _build_seconds(inst, none) > seconds:
        return ("the diagnosis of the constraints at fault needs more time than the limit left: raise --time-limit",)
    m = _build(inst, _breakpoints(inst), none, none.copy(), [], elastic=True)
    res = mip.run(m.model, solver, _params(solver, deadline - time.perf_counter(), 1e-6))
    if not mip.found_solution(res):
        if mip.proved_infeasible(res):
            return ("even with every capacity, target, count and budget relaxed there is no plan: some demand has "
                    "no option through a site that may open",)
        return ("the diagnosis of the constraints at fault needs more time than the limit left: raise --time-limit",)
    vals = res.variable_values()
    out = []
    markets = np.array(inst.demand_market)
    for mk, var in m.shortfall.items():
        if vals[var] > 1e-6:
            total = float(inst.demand_qty[markets == mk].sum())
            reach = inst.service_target[mk] - vals[var] / total
            out.append(f"market {mk} cannot meet its promise target: at best {reach:.4f} of its demand within the "
                       f"promise, target {inst.service_target[mk]:.4f}")
    for site, over in m.slacks.capacity.items():
        if vals[over] > 1e-6:
            out.append(f"capacity of {inst.site_ids[site]} binds: {vals[over]:,.0f} more would be needed")
    if m.slacks.count is not None and vals[m.slacks.count] > 1e-6:
        out.append(f"the warehouse count limits ({inst.min_open}..{inst.max_open}) cannot be met")
    if m.slacks.budget is not None and vals[m.slacks.budget] > 1e-6:
        out.append(f"the budget {inst.budget:,.0f} is {vals[m.slacks.budget]:,.0f} short")
    return tuple(out) or ("the combination of constraints admits no plan",)


def _build_seconds(inst: DesignInstance, fixed_closed: NDArray[np.bool_]) -> float:
    """An estimate of the time it takes to build the model: measured 1.3e-5 s per capacity use of a live option
    (its variable and rows included; 2.8 s for 102k options with 211k uses) on this project's 2-core machine."""
    live = ~fixed_closed[inst.use_site]
    return 1.5e-5 * int(live.sum()) + 0.1


class _Clock:
    """Elapsed time since the command started, and the progress lines that carry it."""

    def __init__(self, start: float, progress: Progress | None) -> None:
        self.start = start
        self.progress = progress
        self.phase = "mip"
        self._last = -math.inf
        self._incumbent: float | None = None

    def say(self, text: str) -> None:
        if self.progress is not None:
            self.progress(stamped(self.start, text))

    def solver_log(self, lines: Sequence[str]) -> None:
        """Report the solver's incumbent, bound and gap: at each new incumbent, else every 5 seconds."""
        if self.progress is None:
            return
        for line in lines:
            row = mip.parse_progress(line)
            if row is None:
                continue
            now = time.perf_counter()
            if row.incumbent == self._incumbent and now - self._last < 5.0:
                continue
            self._last, self._incumbent = now, row.incumbent
            inc = "none yet" if row.incumbent is None else f"{row.incumbent:,.2f}"
            bound = f"{row.bound:,.2f}" if math.isfinite(row.bound) else "none yet"
            gap = ("" if row.incumbent is None or not math.isfinite(row.bound)
                   else f", gap {mip.relative_gap(row.incumbent, row.bound):.3%}")
            self.say(f"{self.phase}: incumbent {inc}, bound {bound}{gap} (MIP objective)")


class _NoPlanInTime(Exception):
    """The solver stopped at its time limit without a plan (and none was known)."""

    def __init__(self, bound: float) -> None:
        super().__init__("no plan in the time given")
        self.bound = bound


def _solve_once(inst: DesignInstance, *, solver: str, gap: float, deadline: float, fixed_open: NDArray[np.bool_],
                fixed_closed: NDArray[np.bool_], nogoods: list[frozenset[int]],
                incumbent: tuple[Plan, Evaluation] | None, clock: _Clock,
                reuse: _Reuse | None = None) -> tuple[Plan, Evaluation, float, str, int] | None:
    """The refinement loop for one MIP (with its no-good cuts), from a known plan and its evaluation if any;
    None when infeasible.

    Raises
    ------
    _NoPlanInTime
        When the time ran out before any plan was found.
    """
    bps = _breakpoints(inst)
    best = incumbent
    bound = -math.inf
    it = 0
    while True:
        it += 1
        kept = reuse.model if reuse is not None and it == 1 else None
        if kept is None and _build_seconds(inst, fixed_closed) > deadline - time.perf_counter():
            if best is None:
                raise _NoPlanInTime(bound)
            # Building the model alone would overrun the limit: return the known plan and the bound so far.
            return best[0], best[1], bound, "time_limit", it - 1
        if kept is not None and reuse is not None:
            m = kept
            _nogood_rows(m.model, inst, m.y, nogoods[reuse.n_nogoods:], reuse.n_nogoods)
            reuse.n_nogoods = len(nogoods)
        else:
            m = _build(inst, bps, fixed_open, fixed_closed, nogoods)
            if reuse is not None and it == 1:
                reuse.model, reuse.n_nogoods = m, len(nogoods)
        # HiGHS overruns its limit by a little (its presolve is not interrupted), and reading and judging the
        # plan takes about 3 us an option: both come out of the solver's time, so the call ends in time.
        left = (deadline - time.perf_counter()) * 0.92 - 3e-6 * inst.n_options
        # A known plan's exact cost is a valid cutoff: the MIP under-estimates every plan's cost, so a plan that
        # truly beats it also beats it in the MIP.
        cutoff = best[1].objective * (1 + 1e-9) if best is not None else None
        how = "reused" if kept is not None else "built"
        refined = sum(len(b) > 2 for b in bps)
        clock.say(f"{clock.phase}: MIP {it} {how} ({int((m.xid >= 0).sum())} options, {refined} refined pooling "
                  f"terms), {left:.1f} s left")
        res = mip.run(m.model, solver, _params(solver, left, gap / 2, cutoff), log=clock.solver_log)
        term = res.termination.reason
        if mip.proved_infeasible(res):
            if best is None:
                return None
            return best[0], best[1], best[1].objective if cutoff is not None else bound, "optimal", it
        bound = max(bound, res.termination.objective_bounds.dual_bound)
        if not mip.found_solution(res):
            if best is None:
                raise _NoPlanInTime(bound)
            return best[0], best[1], bound, "time_limit", it
        plan = _extract(inst, m, res)
        ev = evaluate(inst, plan)
        if best is None or ev.objective < best[1].objective:
            best = (plan, ev)
        now_gap = mip.relative_gap(best[1].objective, bound)
        clock.say(f"{clock.phase}: solve {it}: plan {best[1].objective:,.2f} (exact), bound {bound:,.2f}, "
                  f"gap {now_gap:.4%}")
        if now_gap <= gap or not len(inst.pool_site):
            status = "optimal" if now_gap <= gap or term == mathopt.TerminationReason.OPTIMAL else "time_limit"
            return best[0], best[1], bound, status, it
        if time.perf_counter() >= deadline:
            return best[0], best[1], bound, "time_limit", it
        # Refine: the incumbent's pooled variances become breakpoints, so the next MIP prices it exactly.
        v = np.zeros(len(inst.pool_site))
        np.add.at(v, inst.pm_term, inst.pm_var * plan.shares[inst.pm_opt])
        added = False
        for t, vt in enumerate(v):
            if vt > 0 and min(abs(vt - b) for b in bps[t]) > 1e-9 * max(vt, 1.0):
                bps[t] = sorted([*bps[t], float(vt)])
                added = True
        if not added:
            return best[0], best[1], bound, "optimal" if term == mathopt.TerminationReason.OPTIMAL else "time_limit", it


def _rescue_eligible(inst: DesignInstance, solver: str) -> bool:
    """The fallback plan needs every site openable at once: no alternative sizes, counts or budget."""
    return (solver == "highs" and _RESCUE_MIN_OPTIONS <= inst.n_options <= _RESCUE_MAX_OPTIONS
            and inst.max_open is None
            and inst.budget is None and len(set(inst.site_group)) == inst.n_sites)


def _rescue(inst: DesignInstance, solver: str, deadline: float) -> tuple[Plan, Evaluation] | None:
    """A feasible plan and its evaluation without branching, run on the second core beside the MIP: open every
    site that may open, solve the assignment LP, then close the sites it leaves unused (free: the flows stay the
    same)."""
    may = inst.openable & ~_forced_closed(inst)
    if _build_seconds(inst, ~may & inst.openable) * 1.5 > deadline - time.perf_counter():
        return None  # no time to build and solve it
    got = _transport_plan(inst, may, solver, deadline - time.perf_counter())
    if got is None:
        return None
    plan = got[0]
    used = _site_use(inst, plan.shares)
    keep = frozenset(s for i, s in enumerate(inst.site_ids)
                     if s in plan.open_sites and (used[i] > _TOL or s in inst.forced_open))
    lean = Plan(keep, plan.shares)
    try:
        return lean, evaluate(inst, lean)
    except InfeasiblePlanError:
        return plan, evaluate(inst, plan)  # a minimum count keeps the unused ones open


def _greedy(inst: DesignInstance) -> tuple[Plan, Evaluation] | None:
    """A feasible plan and its evaluation in seconds, without a model, for the MIP to start from (its cutoff)
    and for the caller when the MIP has no time left: every site that may open is available, each market first
    gets the cheapest promise-keeping options for its target's share (the demands whose promise costs least
    extra first), then every demand fills what is left of it from its cheapest options, as far as the capacities
    they use allow. The sites used are opened. None when the capacities run out before every demand is served,
    or when sizes, counts or a budget restrict the open sites (the greedy does not model them)."""
    if inst.max_open is not None or inst.min_open or inst.budget is not None or inst.single_sourcing \
            or len(set(inst.site_group)) != inst.n_sites or np.any(np.diff(inst.use_opt) < 0):
        return None  # the walk below also needs the usages sorted by option, as the instances make them
    dead = _through(inst, _forced_closed(inst))
    n_dem = len(inst.demand_ids)
    cost = np.where(dead, np.inf, inst.opt_cost)
    best = _cheapest(inst, cost)
    best_meet = _cheapest(inst, np.where(inst.opt_meets, cost, np.inf))
    need_meet = np.zeros(n_dem)  # share of each demand to serve on promise-keeping options
    markets = np.array(inst.demand_market)
    for m, alpha in inst.service_target.items():
        rows = np.nonzero(markets == m)[0]
        want = alpha * float(inst.demand_qty[rows].sum())
        extra = (best_meet[rows] - best[rows]) / np.maximum(inst.demand_qty[rows], 1e-12)
        for d in rows[np.argsort(extra, kind="stable")].tolist():
            if want <= 1e-9 or not np.isfinite(best_meet[d]):
                continue
            take = min(1.0, want / max(float(inst.demand_qty[d]), 1e-12))
            need_meet[d] = take
            want -= take * float(inst.demand_qty[d])
    left_cap = inst.site_capacity.astype(float).copy()
    starts = np.searchsorted(inst.use_opt, np.arange(inst.n_options + 1))
    x = np.zeros(inst.n_options)
    order = np.lexsort((cost, inst.opt_demand))
    bounds = np.searchsorted(inst.opt_demand[order], np.arange(n_dem + 1))
    for d in np.argsort(-inst.demand_qty, kind="stable").tolist():
        opts = order[bounds[d]:bounds[d + 1]]
        for phase, share in ((True, need_meet[d]), (False, 1.0 - need_meet[d])):
            for o in opts.tolist():
                if share <= 1e-12:
                    break
                if dead[o] or (phase and not inst.opt_meets[o]):
                    continue
                sites = inst.use_site[starts[o]:starts[o + 1]]
                amounts = inst.use_amount[starts[o]:starts[o + 1]]
                room = min((left_cap[s] / a for s, a in zip(sites.tolist(), amounts.tolist(), strict=True)
                            if a > 0), default=np.inf)
                take = min(share, room)
                if take <= 1e-12:
                    continue
                x[o] += take
                share -= take
                left_cap[sites] -= take * amounts
            if share > 1e-9:
                return None
    used = _site_use(inst, x)
    openable = inst.openable
    opened = frozenset(s for i, s in enumerate(inst.site_ids) if openable[i] and (used[i] > 0 or s in inst.forced_open))
    plan = Plan(opened, x)
    try:
        return plan, evaluate(inst, plan)
    except InfeasiblePlanError:
        return None


def _split(deadline: float, n_best: int) -> float:
    """When the best plan's search ends: it gets the time but a share for each runner-up (at most half)."""
    left = deadline - time.perf_counter()
    return deadline - left * min(0.5, _RUNNER_UP_SHARE * n_best)


def solve_design(problem: DesignInstance | ScenarioDesign, *, time_limit: float = 60.0, gap: float = 1e-4,
                 solver: str = "highs", n_best: int = 0, progress: Progress | None = None,
                 limits: Limits | None = None, started: float | None = None, reduce: bool = True) -> DesignResult:
    """Solve the design MIP to within ``gap`` (relative) or until ``time_limit`` seconds.

    The options that can never be chosen are dropped first (:mod:`logistics.design.reduce`); every plan is
    judged on the full instance. Large instances get a fallback plan from the second core (all sites open, the
    assignment LP, the unused sites closed) while the MIP runs, so a plan is returned whenever either finds one.

    Parameters
    ----------
    problem
        The instance, or a :class:`ScenarioDesign` (the instance with the chain route of every option, which the
        result then carries: :meth:`DesignResult.option`, :meth:`DesignResult.chosen_flows`).
    time_limit
        Seconds for the whole call, counted from ``started``; the best plan and its bound are returned when it
        runs out.
    gap
        Relative gap at which a plan counts as optimal.
    solver
        ``highs`` (default), ``scip`` or ``cpsat``.
    n_best
        How many runner-up plans to find, each with a set of open warehouses different from all before. They
        share up to half of the time; one that is not found in its share is left out.
    progress
        Called with a line of text at each phase and solver incumbent (elapsed time, incumbent, bound, gap).
    limits
        When given, its ``time_limit`` and ``gap`` replace the two arguments of those names.
    started
        ``time.perf_counter()`` when the caller's clock started (loading and building the scenario count
        against the limit); now by default.
    reduce
        Drop the options that can never be chosen first (default); off, to measure what it saves.

    Raises
    ------
    DesignInfeasibleError
        When no plan meets the constraints; its ``diagnosis`` names the markets and capacities at fault.
    InfeasibleError
        When the time ran out before any plan was found.
    ValueError
        For a time limit <= 0, a gap < 0 or an unknown solver.
    """
    limits = limits or Limits(time_limit=time_limit, gap=gap)
    time_limit, gap = limits.time_limit, limits.gap
    mip.solver_type(solver)  # an unknown name is a ValueError before any work
    original, options = ((problem.instance, problem.options) if isinstance(problem, ScenarioDesign)
                         else (problem, ()))
    t0 = time.perf_counter() if started is None else started
    deadline = t0 + time_limit
    clock = _Clock(t0, progress)
    reduction = None if original.is_plain_cflp or not reduce else reduce_instance(original)
    inst = original if reduction is None else reduction.instance
    if reduction is not None:
        clock.say(f"reduce: {original.n_options:,} options, {inst.n_options:,} can be chosen; "
                  f"{reduction.stats['capacities_dropped']:.0f} capacities cannot bind")

    def lift(plan: Plan) -> Plan:
        return plan if reduction is None else reduction.lift(plan)

    obvious = _precheck(inst)
    if obvious:
        raise DesignInfeasibleError(f"{original.name}: no plan meets the constraints: " + "; ".join(obvious), obvious)
    fixed_open, fixed_closed, presolved, stats = _presolve(inst, solver, deadline)
    incumbent = None if presolved is None else (presolved, evaluate(inst, presolved))
    if stats:
        clock.say(f"Lagrangian presolve: bound {stats['lagrangian_bound']:,.2f}, plan {stats['heuristic_cost']:,.2f}, "
                  f"{stats['fixed_closed']:.0f} sites fixed closed and {stats['fixed_open']:.0f} open")
    if incumbent is None and inst.n_options >= _RESCUE_MIN_OPTIONS:
        incumbent = _greedy(inst)
        if incumbent is not None:
            clock.say(f"greedy: plan {incumbent[1].objective:,.2f}")
    main_end = _split(deadline, n_best)
    # The runner-ups search without fixings, so they can start from the first MIP only when there were none.
    reuse = _Reuse() if n_best and not (fixed_open.any() or fixed_closed.any()) else None
    pool = ThreadPoolExecutor(1) if _rescue_eligible(inst, solver) else None
    spare = pool.submit(_rescue, inst, solver, main_end) if pool is not None else None
    try:
        try:
            out = _solve_once(inst, solver=solver, gap=gap, deadline=main_end, fixed_open=fixed_open,
                              fixed_closed=fixed_closed, nogoods=[], incumbent=incumbent, clock=clock, reuse=reuse)
            no_plan_bound = None
        except _NoPlanInTime as exc:
            out, no_plan_bound = None, exc.bound
        fallback = spare.result() if spare is not None else None
        if fallback is not None:
            clock.say(f"fallback (every site open, the assignment LP, unused sites closed): plan "
                      f"{fallback[1].objective:,.2f}")
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    if out is None and no_plan_bound is None:
        clock.phase = "diagnosis"
        clock.say("diagnosis: the MIP has no plan; finding the constraints at fault")
        diagnosis = _diagnose(inst, solver, deadline)
        raise DesignInfeasibleError(f"{original.name}: no plan meets the constraints: " + "; ".join(diagnosis),
                                    diagnosis)
    if out is None:
        if fallback is None:
            raise InfeasibleError(f"{original.name}: the solver found no plan in the time given. Fix: raise "
                                  "--time-limit")
        out = (*fallback, no_plan_bound if no_plan_bound is not None else -math.inf, "time_limit", 0)
        clock.say(f"the MIP found no plan in its time: the fallback plan {fallback[1].objective:,.2f}")
    elif fallback is not None and fallback[1].objective < out[1].objective - 1e-9 * abs(out[1].objective):
        out = (*fallback, out[2], "optimal" if mip.relative_gap(fallback[1].objective, out[2]) <= gap
               else "time_limit", out[4])
    plan, _, bound, status, iters = out
    # Every demand on its cheapest option, nothing fixed or pooled: a bound that needs no solve.
    bound = max(bound, float(_cheapest(inst, inst.opt_cost).sum() + np.minimum(inst.site_fixed, 0.0).sum()))
    plan = lift(plan)
    ev = evaluate(original, plan)  # the judge: the full instance
    found = _runner_ups(inst, original, lift, plan, solver, gap, deadline, n_best, clock, reuse)
    if found and min(r[1].objective for r in found) < ev.objective:
        # A runner-up search can find a cheaper plan than a search stopped at its gap: the cheapest is the best
        # plan, and the best plan so far becomes a runner-up. The first search's bound holds for every plan.
        found.append((plan, ev, bound))
        found.sort(key=lambda r: r[1].objective)
        (plan, ev, _), found = found[0], found[1:]
        clock.say(f"a runner-up search found a cheaper plan: {ev.objective:,.2f}")
    runner_ups = [RunnerUp(_counted_open(original, p), e.objective, b) for p, e, b in found]
    if stats:
        bound = max(bound, stats["lagrangian_bound"])
    status = "optimal" if mip.relative_gap(ev.objective, bound) <= gap else status
    return DesignResult(original, status, status, plan, ev, min(bound, ev.objective), time.perf_counter() - t0,
                        solver, iters, _binding(original, ev, plan), tuple(runner_ups),
                        {**stats, **({f"reduce_{k}": v for k, v in reduction.stats.items()} if reduction else {})},
                        options)


def _counted_open(inst: DesignInstance, plan: Plan) -> tuple[str, ...]:
    """The plan's open sites that the warehouse counts and the runner-ups' no-good rows are about."""
    return tuple(s for s, c in zip(inst.site_ids, inst.counted, strict=True) if c and s in plan.open_sites)


def _runner_ups(inst: DesignInstance, original: DesignInstance, lift: Callable[[Plan], Plan], plan: Plan,
                solver: str, gap: float, deadline: float, n_best: int,
                clock: _Clock, reuse: _Reuse | None) -> list[tuple[Plan, Evaluation, float]]:
    """Up to ``n_best`` plans (judged on ``original``), each with open warehouses unlike the plans before, each
    in its share of the time left; one not found in its share is left out (the result then has fewer)."""
    out: list[tuple[Plan, Evaluation, float]] = []
    nogoods = [frozenset(inst.site_index(s) for s in _counted_open(inst, plan))]
    none = np.zeros(inst.n_sites, dtype=bool)
    for k in range(n_best):
        left = deadline - time.perf_counter()
        if left <= 0.05:
            break
        clock.phase = f"runner-up {k + 1}"
        # The fixings hold for plans cheaper than the best one only, so runner-ups are searched without them.
        try:
            nxt = _solve_once(inst, solver=solver, gap=gap, deadline=time.perf_counter() + left / (n_best - k),
                              fixed_open=none, fixed_closed=none.copy(), nogoods=nogoods, incumbent=None, clock=clock,
                              reuse=reuse)
        except _NoPlanInTime:
            clock.say(f"runner-up {k + 1}: none found in its share of the time")
            continue
        if nxt is None:
            break  # no other set of warehouses is feasible
        p2 = lift(nxt[0])
        out.append((p2, evaluate(original, p2), nxt[2]))
        nogoods.append(frozenset(inst.site_index(s) for s in _counted_open(inst, p2)))
    clock.phase = "mip"
    return out
