"""Scenario sweeps and Monte Carlo runs: thousands of variants of a scenario, on local processes or Dask.

A spec (:func:`load_spec`, docs/sweeps.md) names the base scenario, the parameters by path into it
(:mod:`logistics.scenario.paths`, re-exported here as ``apply`` and ``get``), their grids, lists or distributions
and how to sample them (:mod:`logistics.sweep.sample`). :func:`sweep` runs every variant on any
``concurrent.futures`` executor and keeps the rows in a resumable Parquet folder; :func:`summarize` gives the
distributions, the sensitivities and the inputs that change the decision; :func:`measure_worth` compares the
scenario's policy measures on common draws.
"""

from logistics.scenario import PathError, parse_path
from logistics.scenario import apply_path as apply
from logistics.scenario import get_path as get
from logistics.sweep.engine import SweepResult, sweep
from logistics.sweep.measures import UNCERTAINTY, MeasureWorth, measure_worth
from logistics.sweep.run import OUTPUTS, Task, run_batch
from logistics.sweep.sample import variant_count, variants
from logistics.sweep.spec import EXAMPLE, Correlation, Distribution, Parameter, SweepSpec, load_spec, parse_spec
from logistics.sweep.store import ResultStore
from logistics.sweep.summary import summarize

__all__ = ["EXAMPLE", "OUTPUTS", "UNCERTAINTY", "Correlation", "Distribution", "MeasureWorth", "Parameter",
           "PathError", "ResultStore", "SweepResult", "SweepSpec", "Task", "apply", "get", "load_spec",
           "measure_worth", "parse_path", "parse_spec", "run_batch", "summarize", "sweep", "variant_count",
           "variants"]
