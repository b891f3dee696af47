"""Measure 8: where air security screening of e-commerce exports happens, with how many lanes and staff.

- :mod:`~logistics.screening.queueing`: Erlang B/C, M/M/c and Allen-Cunneen M/G/c waits, tails, SIPP.
- :mod:`~logistics.screening.model`: the timeline of each flow screened at each candidate site.
- :mod:`~logistics.screening.evaluate`: analytic cost, waits, misses and dwell of a plan.
- :mod:`~logistics.screening.optimize`: the placement and staffing MIP (OR-Tools MathOpt, HiGHS).
- :mod:`~logistics.screening.simulate`: a SimPy simulation of a day, with replications in parallel.
- :mod:`~logistics.screening.compare`: before (terminal) / measure 8 (mail exchange) / optimized.
- :mod:`~logistics.screening.worth`: the comparison with simulated intervals, break-even values, a volume sweep.
- :mod:`~logistics.screening.check`: the analytic model against the simulation on four days.
- :mod:`~logistics.screening.volumes`: screening volumes from a network design's postal and bonded flows.
"""

from logistics.screening.check import DAYS, STATISTICS, DayCheck, check
from logistics.screening.compare import CONFIGURATIONS, Comparison, compare, placement
from logistics.screening.evaluate import PlanReport, ScreeningInfeasibleError, evaluate_plan
from logistics.screening.model import ScreeningProblem, problem_from, scale_volumes
from logistics.screening.optimize import ScreeningPlan, optimize
from logistics.screening.simulate import DayResult, SimulationResult, simulate, simulate_day
from logistics.screening.volumes import from_design
from logistics.screening.worth import (
    PARAMETERS,
    BreakEven,
    Replicated,
    SweepRow,
    breakeven,
    current_value,
    replicate,
    sweep,
)

__all__ = ["CONFIGURATIONS", "DAYS", "PARAMETERS", "STATISTICS", "BreakEven", "Comparison", "DayCheck", "DayResult",
           "PlanReport", "Replicated", "ScreeningInfeasibleError", "ScreeningPlan", "ScreeningProblem",
           "SimulationResult", "SweepRow", "breakeven", "check", "compare", "current_value", "evaluate_plan",
           "from_design", "optimize", "placement", "problem_from", "replicate", "scale_volumes", "simulate",
           "simulate_day", "sweep"]
