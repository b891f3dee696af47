"""Measure 16's chain: cost, lead time and cash timing of every stage, for each export channel.

The stages are pure functions (:mod:`logistics.chain.stages`); :func:`evaluate` runs them over every flow of a
scenario at once with numpy and returns a :class:`ChainReport`.
"""

from logistics.chain.evaluate import CHANNEL_CODES, ChainInputs, Flows, compute, evaluate, flows, gather
from logistics.chain.report import METRICS, STAGES, ChainReport

__all__ = ["CHANNEL_CODES", "METRICS", "STAGES", "ChainInputs", "ChainReport", "Flows", "compute", "evaluate",
           "flows", "gather"]
