"""Scenario sweeps and Monte Carlo runs: thousands of variants of a scenario, on local processes or Dask.

A spec (:func:`load_spec`, docs/sweeps.md) names the base scenario, the parameters by path into it
(:mod:`logistics.sweep.paths`), their grids, lists or distributions and how to sample them
(:mod:`logistics.sweep.sample`). :func:`sweep` runs every variant on any ``concurrent.futures`` executor and keeps
the rows in a resumable Parquet folder; :func:`summarize` gives the distributions, the sensitivities and the
inputs that change the decision.
"""

from logistics.sweep.engine import SweepResult, sweep
from logistics.sweep.paths import PathError, apply, get, parse_path
from logistics.sweep.run import OUTPUTS, Task, run_batch
from logistics.sweep.sample import variant_count, variants
from logistics.sweep.spec import EXAMPLE, Correlation, Distribution, Parameter, SweepSpec, load_spec, parse_spec
from logistics.sweep.store import ResultStore
from logistics.sweep.summary import summarize

__all__ = ["EXAMPLE", "OUTPUTS", "Correlation", "Distribution", "Parameter", "PathError", "ResultStore",
           "SweepResult", "SweepSpec", "Task", "apply", "get", "load_spec", "parse_path", "parse_spec", "run_batch",
           "summarize", "sweep", "variant_count", "variants"]
