"""The three screening configurations of measure 8, side by side.

- ``before``: every flow screened at the airport cargo terminal (the situation before measure 8);
- ``measure8``: flows arriving at the international mail exchange screened there, the rest at the terminal;
- ``optimized``: the best placement over all candidate sites.

Lanes are optimized for each placement, so the comparison is between placements, not staffing skills.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from logistics.screening.model import ScreeningProblem
from logistics.screening.optimize import ScreeningPlan, optimize

__all__ = ["CONFIGURATIONS", "Comparison", "compare", "placement"]

CONFIGURATIONS = ("before", "measure8", "optimized")


def placement(problem: ScreeningProblem, config: str) -> np.ndarray | None:
    """Site index per flow of a named configuration (None for ``optimized``: the optimizer chooses)."""
    d = problem.data
    if config == "before":
        return np.array([problem.terminal] * problem.n_flows, dtype=np.int64)
    if config == "measure8":
        out = []
        for f, flow in enumerate(d.flows):
            origin = problem.site_index(flow.origin)
            mail = d.sites[origin].kind == "mail_exchange" and origin in problem.candidates(f)
            out.append(origin if mail else problem.terminal)
        return np.array(out, dtype=np.int64)
    if config == "optimized":
        return None
    raise ValueError(f"unknown configuration {config!r}; use one of {', '.join(CONFIGURATIONS)}")


@dataclass(frozen=True, slots=True)
class Comparison:
    """The plan of each configuration, and what measure 8 relieves at the terminal."""

    plans: dict[str, ScreeningPlan]

    def to_json(self, problem: ScreeningProblem) -> dict[str, object]:
        ids = [s.id for s in problem.data.sites]
        out: dict[str, object] = {}
        for name, plan in self.plans.items():
            out[name] = {"status": plan.status, "mip_objective": round(plan.objective, 2),
                         "bound": round(plan.bound, 2), "gap": round(plan.gap, 6),
                         "runtime_s": round(plan.runtime_s, 3), **plan.report.to_json(ids)}
        if "before" in self.plans:
            base = self.plans["before"].report
            out["terminal_relief"] = {
                name: {"parcels_screened_upstream": round(p.report.screened_upstream, 1),
                       "terminal_lane_hours_saved": base.terminal_lane_hours - p.report.terminal_lane_hours,
                       "dwell_mean_hours_saved": round(base.dwell_mean_hours - p.report.dwell_mean_hours, 3)}
                for name, p in self.plans.items() if name != "before"}
        return out


def compare(problem: ScreeningProblem, *, time_limit: float = 10.0, gap: float = 1e-3,
            solver: str = "highs", configs: tuple[str, ...] = CONFIGURATIONS) -> Comparison:
    """Optimize lanes (and, for ``optimized``, placement) for each configuration."""
    plans: dict[str, ScreeningPlan] = {}
    for c in configs:
        fixed = placement(problem, c)
        if fixed is not None:
            plans[c] = optimize(problem, fixed=fixed, time_limit=time_limit, gap=gap, solver=solver)
    if "optimized" in configs:
        # The better fixed plan starts the search: its cost is a cut-off, its floor queue the first reference.
        start = min(plans.values(), key=lambda p: p.report.total_cost) if plans else None
        plans["optimized"] = optimize(problem, time_limit=time_limit, gap=gap, solver=solver, start=start)
    return Comparison({c: plans[c] for c in configs})
