"""Network design: which overseas warehouses and hubs to open and which channel and lane each flow takes.

A frozen :class:`DesignInstance` (from a Scenario through the chain model, or from an OR-Library CFLP file), the
MIP through OR-Tools MathOpt (:func:`solve_design`), an independent :func:`evaluate` of any plan.
"""

from logistics.design.instance import DesignInstance, Evaluation, InfeasiblePlanError, Plan, evaluate
from logistics.design.orlib import read_capopt, read_orlib_cflp
from logistics.design.scenario import ChosenFlow, DesignOption, ScenarioDesign, design_instance, scenario_design
from logistics.design.solve import SOLVERS, DesignInfeasibleError, DesignResult, RunnerUp, solve_design

__all__ = ["SOLVERS", "ChosenFlow", "DesignInfeasibleError", "DesignInstance", "DesignOption", "DesignResult",
           "Evaluation", "InfeasiblePlanError", "Plan", "RunnerUp", "ScenarioDesign", "design_instance", "evaluate",
           "read_capopt", "read_orlib_cflp", "scenario_design", "solve_design"]
