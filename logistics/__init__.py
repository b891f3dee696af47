"""owl: model and optimize the cross-border e-commerce export chain out of Guangzhou.

>>> from logistics import builtin, evaluate
>>> report = evaluate(builtin(), product="apparel", market="uk")
>>> report.winners()[["product", "market", "channel"]].shape
(1, 3)
"""

import logging

from logistics.chain import ChainReport, evaluate, flows
from logistics.errors import InfeasibleError, OwlError, ScenarioError
from logistics.scenario import Scenario, builtin, load_scenario

__version__ = "0.1.0"
__all__ = ["ChainReport", "InfeasibleError", "OwlError", "Scenario", "ScenarioError", "__version__", "builtin",
           "evaluate", "flows", "load_scenario"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
