"""Measure 8: where air security screening of e-commerce exports happens, with how many lanes and staff.

- :mod:`~logistics.screening.queueing`: Erlang B/C, M/M/c and Allen-Cunneen M/G/c waits, tails, SIPP.
- :mod:`~logistics.screening.model`: the timeline of each flow screened at each candidate site.
- :mod:`~logistics.screening.evaluate`: analytic cost, waits, misses and dwell of a plan.
- :mod:`~logistics.screening.optimize`: the placement and staffing MIP (OR-Tools MathOpt, HiGHS).
- :mod:`~logistics.screening.simulate`: a SimPy simulation of a day, with replications in parallel.
- :mod:`~logistics.screening.compare`: before (terminal) / measure 8 (mail exchange) / optimized.
"""

from logistics.screening.compare import CONFIGURATIONS, Comparison, compare, placement
from logistics.screening.evaluate import PlanReport, ScreeningInfeasibleError, evaluate_plan
from logistics.screening.model import ScreeningProblem, problem_from, scale_volumes
from logistics.screening.optimize import ScreeningPlan, optimize
from logistics.screening.simulate import DayResult, SimulationResult, simulate, simulate_day

__all__ = ["CONFIGURATIONS", "Comparison", "DayResult", "PlanReport", "ScreeningInfeasibleError", "ScreeningPlan",
           "ScreeningProblem", "SimulationResult", "compare", "evaluate_plan", "optimize", "placement",
           "problem_from", "scale_volumes", "simulate", "simulate_day"]
