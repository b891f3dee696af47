"""The textbook formulations of capacitated facility location, solved by plain HiGHS with default settings:
what a user would write without owl, measured side by side with :func:`logistics.design.solve_design`.

strong:  min sum f_i y_i + sum c_ij x_ij,  sum_i x_ij = 1,  sum_j d_j x_ij <= u_i y_i,  x_ij <= y_i
weak:    the same without ``x_ij <= y_i`` (the capacity rows alone link x to y; the LP bound is much weaker)
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
from ortools.math_opt.python import mathopt

from logistics.design import DesignInstance


def solve_textbook(inst: DesignInstance, *, strong: bool, time_limit: float = 600.0) -> tuple[float, float, bool]:
    """(objective, seconds including model building, proven optimal) for a plain CFLP instance."""
    t0 = time.perf_counter()
    m, n = inst.n_sites, len(inst.demand_ids)
    cost = np.zeros((m, n))
    cost[inst.use_site, inst.opt_demand] = inst.opt_cost
    d = inst.demand_qty
    model = mathopt.Model(name="cflp")
    y = [model.add_binary_variable(name=f"y{i}") for i in range(m)]
    x = [[model.add_variable(lb=0.0, ub=1.0, name=f"x{i}_{j}") for j in range(n)] for i in range(m)]
    for j in range(n):
        model.add_linear_constraint(mathopt.fast_sum(x[i][j] for i in range(m)) == 1.0)
    for i in range(m):
        model.add_linear_constraint(mathopt.fast_sum(float(d[j]) * x[i][j] for j in range(n))
                                    <= float(inst.site_capacity[i]) * y[i])
        if strong:
            for j in range(n):
                model.add_linear_constraint(x[i][j] <= y[i])
    model.minimize(mathopt.fast_sum(float(inst.site_fixed[i]) * y[i] for i in range(m))
                   + mathopt.fast_sum(float(cost[i, j]) * x[i][j] for i in range(m) for j in range(n)))
    params = mathopt.SolveParameters(time_limit=dt.timedelta(seconds=time_limit), relative_gap_tolerance=1e-9,
                                     absolute_gap_tolerance=1e-6)
    res = mathopt.solve(model, mathopt.SolverType.HIGHS, params=params)
    proven = res.termination.reason == mathopt.TerminationReason.OPTIMAL
    obj = res.objective_value() if res.has_primal_feasible_solution() else float("inf")
    return obj, time.perf_counter() - t0, proven
