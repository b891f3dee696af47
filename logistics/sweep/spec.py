"""The sweep spec: a TOML file naming a base scenario, the parameters to vary and what each variant runs.

The format is documented in docs/sweeps.md; :data:`EXAMPLE` is the one ``owl sweep --example`` prints. Every
problem is reported as a :class:`~logistics.errors.ScenarioError` naming the spec file, the field and the fix.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from logistics.errors import ScenarioError
from logistics.scenario import PathError, Scenario, builtin, closest, load_scenario
from logistics.scenario import apply_path as apply
from logistics.scenario import get_path as get
from logistics.sweep.sample import correlation_target, variant_count

__all__ = ["EXAMPLE", "KINDS", "RUNS", "SAMPLINGS", "Correlation", "Distribution", "Parameter", "SweepSpec",
           "load_spec", "parse_spec"]

SAMPLINGS = ("grid", "lhs", "sobol", "mc")
RUNS = ("chain", "design", "screening")
KINDS = ("uniform", "triangular", "lognormal", "empirical")
MAX_VARIANTS = 1_000_000  # a spec that asks for more is refused before anything runs


@dataclass(frozen=True, slots=True)
class Distribution:
    """A continuous or empirical distribution of one parameter.

    ``uniform``: ``low``, ``high``; ``triangular``: ``low``, ``mode``, ``high``; ``lognormal``: ``median`` and
    ``sigma`` (of the logarithm); ``empirical``: ``values`` with optional ``weights``.
    """

    kind: str
    low: float = math.nan
    high: float = math.nan
    mode: float = math.nan
    median: float = math.nan
    sigma: float = math.nan
    values: tuple[float, ...] = ()
    weights: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Parameter:
    """One input varied by the sweep: where it goes in the scenario and which values it takes.

    Exactly one of ``grid`` (numbers), ``values`` (any values the field takes: numbers, dates, text, switches) and
    ``distribution`` is given. ``levels`` is how many quantiles of a distribution a full grid takes.
    """

    name: str
    path: str
    mode: str = "set"
    grid: tuple[Any, ...] = ()
    distribution: Distribution | None = None
    levels: int = 3


@dataclass(frozen=True, slots=True)
class Correlation:
    """A rank correlation ``rho`` between two parameters (Iman-Conover; Latin hypercube and Monte Carlo only)."""

    a: str
    b: str
    rho: float


@dataclass(frozen=True, slots=True)
class SweepSpec:
    """A parsed sweep spec. ``scenario`` is the loaded base scenario and ``scenario_ref`` what the spec named."""

    file: str
    scenario: Scenario
    scenario_ref: str
    parameters: tuple[Parameter, ...]
    sampling: str = "lhs"
    samples: int = 16
    seed: int = 0
    run: tuple[str, ...] = ("chain",)
    design_time_limit: float = 10.0
    screening_time_limit: float = 10.0
    correlations: tuple[Correlation, ...] = ()


def _num(file: str, where: str, raw: Any, *, positive: bool = False, minimum: float | None = None) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(float(raw)):
        raise ScenarioError(file, where, f"{raw!r} is not a finite number", "write a number such as 0.5")
    if positive and raw <= 0:
        raise ScenarioError(file, where, f"{raw!r} must be > 0", "write a positive number")
    if minimum is not None and raw < minimum:
        raise ScenarioError(file, where, f"{raw!r} is below {minimum:g}", f"write a number of at least {minimum:g}")
    return float(raw)


def _unknown(file: str, where: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for k in table:
        if k not in allowed:
            near = closest(k, allowed)
            hint = f"did you mean {near!r}?" if near else f"use one of {', '.join(allowed)}"
            raise ScenarioError(file, f"{where}{k}", "unknown key", hint)


def _distribution(file: str, where: str, raw: Any) -> Distribution:
    if not isinstance(raw, Mapping):
        raise ScenarioError(file, where, "is not a table", 'write for example { kind = "uniform", low = 0.8, '
                            "high = 1.2 }")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ScenarioError(file, f"{where}.kind", f"{kind!r} is not a distribution", f"use one of {', '.join(KINDS)}")
    need = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"), "lognormal": ("median", "sigma"),
            "empirical": ("values",)}[kind]
    _unknown(file, f"{where}.", raw, ("kind", *need, "weights") if kind == "empirical" else ("kind", *need))
    for k in need:
        if k not in raw:
            raise ScenarioError(file, f"{where}.{k}", f"a {kind} distribution needs {', '.join(need)}",
                                f"add {k} = ...")
    if kind == "empirical":
        vals = raw["values"]
        if not isinstance(vals, list) or not vals:
            raise ScenarioError(file, f"{where}.values", "needs a non-empty list of numbers", "write values = [1, 2]")
        values = tuple(_num(file, f"{where}.values[{i}]", v) for i, v in enumerate(vals))
        w = raw.get("weights", [1.0] * len(values))
        if not isinstance(w, list) or len(w) != len(values):
            raise ScenarioError(file, f"{where}.weights", "needs one weight per value", "give as many as values")
        weights = tuple(_num(file, f"{where}.weights[{i}]", x, minimum=0.0) for i, x in enumerate(w))
        if sum(weights) <= 0:
            raise ScenarioError(file, f"{where}.weights", "the weights add up to 0", "give at least one weight > 0")
        return Distribution(kind, values=values, weights=weights)
    got = {k: _num(file, f"{where}.{k}", raw[k]) for k in need}
    if kind == "lognormal":
        if got["median"] <= 0 or got["sigma"] <= 0:
            raise ScenarioError(file, where, "median and sigma of a lognormal must be > 0", "use positive numbers")
    elif kind == "uniform" and not got["low"] < got["high"]:
        raise ScenarioError(file, where, "low must be below high", "swap or widen them")
    elif kind == "triangular" and not (got["low"] <= got["mode"] <= got["high"] and got["low"] < got["high"]):
        raise ScenarioError(file, where, "needs low <= mode <= high and low < high", "reorder the three numbers")
    nan = math.nan
    return Distribution(kind, low=got.get("low", nan), high=got.get("high", nan), mode=got.get("mode", nan),
                        median=got.get("median", nan), sigma=got.get("sigma", nan))


def _value(raw: Any) -> Any:
    return raw.isoformat() if isinstance(raw, dt.date) else raw


def parse_spec(text: str, file: str = "<string>", base_dir: Path | None = None) -> SweepSpec:
    """Parse and check a sweep spec (TOML text); the base scenario is loaded and every path is tried on it.

    Raises
    ------
    ScenarioError
        Naming the spec file, the field and the fix.
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(file, "(file)", f"is not valid TOML: {exc}",
                            "fix the syntax at the position given") from None
    except RecursionError:
        raise ScenarioError(file, "(file)", "is nested too deeply", "flatten the tables") from None
    top = ("scenario", "sampling", "samples", "seed", "run", "design_time_limit", "screening_time_limit",
           "parameter", "correlation", "description")
    _unknown(file, "", doc, top)
    ref = doc.get("scenario", "builtin")
    if not isinstance(ref, str):
        raise ScenarioError(file, "scenario", "is not text", 'write scenario = "builtin" or a path to a TOML file')
    if ref == "builtin":
        scenario = builtin()
    else:
        scen_path = Path(ref)
        if not scen_path.is_absolute() and base_dir is not None:
            scen_path = base_dir / scen_path
        if not scen_path.is_file():
            raise ScenarioError(file, "scenario", f"{ref!r} is not a file",
                                'name the scenario TOML relative to the spec, or write "builtin"')
        scenario = load_scenario(scen_path)
    sampling = doc.get("sampling", "lhs")
    if sampling not in SAMPLINGS:
        raise ScenarioError(file, "sampling", f"{sampling!r} is not a sampling",
                            f"use one of {', '.join(SAMPLINGS)}")
    samples = doc.get("samples", 16)
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ScenarioError(file, "samples", f"{samples!r} is not a whole number >= 1",
                            "write for example samples = 16")
    if sampling == "sobol" and samples & (samples - 1):
        raise ScenarioError(file, "samples", f"Sobol sampling needs a power of 2, not {samples}",
                            f"use {1 << max(samples - 1, 1).bit_length()}")
    seed = doc.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ScenarioError(file, "seed", f"{seed!r} is not a whole number in [0, 2^32)", "write for example seed = 0")
    run = doc.get("run", ["chain"])
    if isinstance(run, str):
        run = [run]
    if not isinstance(run, list) or not run or any(r not in RUNS for r in run):
        raise ScenarioError(file, "run", f"{run!r} is not a list of {', '.join(RUNS)}", 'write run = ["chain"]')
    if "screening" in run and scenario.screening is None:
        raise ScenarioError(file, "run", "the scenario has no [screening] section to run", 'drop "screening"')
    limits = {}
    for k in ("design_time_limit", "screening_time_limit"):
        limits[k] = _num(file, k, doc.get(k, 10.0), positive=True)
        if limits[k] > 86_400:
            raise ScenarioError(file, k, f"{limits[k]:g} s is more than a day", "use at most 86400 seconds")
    raw_params = doc.get("parameter", [])
    if not isinstance(raw_params, list) or not raw_params:
        raise ScenarioError(file, "parameter", "the spec varies nothing", "add at least one [[parameter]] table")
    params: list[Parameter] = []
    for i, rp in enumerate(raw_params):
        where = f"parameter[{i}]"
        if not isinstance(rp, Mapping):
            raise ScenarioError(file, where, "is not a table", "write [[parameter]] tables")
        _unknown(file, f"{where}.", rp, ("name", "path", "mode", "grid", "values", "distribution", "levels"))
        path = rp.get("path")
        if not isinstance(path, str) or not path:
            raise ScenarioError(file, f"{where}.path", "is missing", 'write path = "finance.cost_of_capital"')
        name = rp.get("name", path)
        if not isinstance(name, str) or not name.strip():
            raise ScenarioError(file, f"{where}.name", f"{name!r} is not text", 'write name = "air rate"')
        where = f"parameter[{name}]"
        mode = rp.get("mode", "set")
        if mode not in ("set", "scale"):
            raise ScenarioError(file, f"{where}.mode", f"{mode!r} is neither set nor scale", 'write mode = "scale"')
        given = [k for k in ("grid", "values", "distribution") if k in rp]
        if len(given) != 1:
            raise ScenarioError(file, where, f"gives {' and '.join(given) or 'none'} of grid, values, distribution",
                                "give exactly one")
        levels = rp.get("levels", 3)
        if isinstance(levels, bool) or not isinstance(levels, int) or not 1 <= levels <= 101:
            raise ScenarioError(file, f"{where}.levels", f"{levels!r} is not a whole number in [1, 101]",
                                "write for example levels = 3")
        dist = None
        grid: tuple[Any, ...] = ()
        if "distribution" in rp:
            dist = _distribution(file, f"{where}.distribution", rp["distribution"])
        else:
            key = given[0]
            raw = rp[key]
            if not isinstance(raw, list) or not raw:
                raise ScenarioError(file, f"{where}.{key}", "needs a non-empty list", f"write {key} = [0.8, 1.0, 1.2]")
            if key == "grid":
                grid = tuple(_num(file, f"{where}.grid[{j}]", v) for j, v in enumerate(raw))
            else:
                grid = tuple(_value(v) for v in raw)
        p = Parameter(name, path, mode, grid, dist, levels)
        # Every value the parameter can take must fit the field: try the ends on the base scenario now.
        probes = list(grid) if grid else [x for x in (dist.low, dist.high, dist.median, *dist.values)  # type: ignore[union-attr]
                                          if isinstance(x, float) and math.isfinite(x)]
        for v in probes:
            try:
                apply(scenario, path, v, mode)
            except PathError as exc:
                raise ScenarioError(file, f"{where}.path", str(exc), "name a field as docs/sweeps.md shows") from None
        if dist is not None and dist.kind != "empirical" and mode == "set" and any(
                isinstance(v, int) and not isinstance(v, bool) for v in get(scenario, path)):
            raise ScenarioError(file, f"{where}.distribution", f"{path} holds whole numbers and a {dist.kind} "
                                "distribution draws fractions", "give the whole numbers as values = [...], or use "
                                "an empirical distribution of whole numbers")
        params.append(p)
    names = [p.name for p in params]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ScenarioError(file, "parameter", f"names {', '.join(sorted(dup))} more than once",
                            "give each parameter its own name")
    corrs: list[Correlation] = []
    raw_corrs = doc.get("correlation", [])
    if not isinstance(raw_corrs, list):
        raise ScenarioError(file, "correlation", "is not a list of tables", "write [[correlation]] tables")
    for i, rc in enumerate(raw_corrs):
        where = f"correlation[{i}]"
        if not isinstance(rc, Mapping):
            raise ScenarioError(file, where, "is not a table", "write [[correlation]] tables")
        _unknown(file, f"{where}.", rc, ("parameters", "rho"))
        pair = rc.get("parameters")
        if not isinstance(pair, list) or len(pair) != 2 or any(x not in names for x in pair) or pair[0] == pair[1]:
            raise ScenarioError(file, f"{where}.parameters", f"{pair!r} is not two different parameter names",
                                f"name two of {', '.join(names)}")
        rho = _num(file, f"{where}.rho", rc.get("rho"))
        if not -1 < rho < 1:
            raise ScenarioError(file, f"{where}.rho", f"{rho:g} is not in (-1, 1)", "use a correlation such as 0.5")
        if sampling not in ("lhs", "mc"):
            raise ScenarioError(file, where, f"correlations need lhs or mc sampling, not {sampling}",
                                "drop the correlation or sample by lhs")
        if any({c.a, c.b} == set(pair) for c in corrs):
            raise ScenarioError(file, f"{where}.parameters", f"{pair[0]} and {pair[1]} are correlated twice",
                                "keep one [[correlation]] for the pair")
        corrs.append(Correlation(pair[0], pair[1], rho))
    if corrs:
        if samples <= len(params) + 1:
            raise ScenarioError(file, "samples", f"{samples} samples cannot carry correlations between "
                                f"{len(params)} parameters", f"use at least {len(params) + 2} samples")
        try:
            np.linalg.cholesky(correlation_target([p.name for p in params], corrs))
        except np.linalg.LinAlgError:
            raise ScenarioError(file, "correlation", "the correlations cannot all hold together (their matrix is "
                                "not positive definite)", "lower some of them") from None
    spec = SweepSpec(file, scenario, ref, tuple(params), sampling, samples, seed, tuple(run),
                     limits["design_time_limit"], limits["screening_time_limit"], tuple(corrs))
    n = variant_count(spec)
    if n > MAX_VARIANTS:
        raise ScenarioError(file, "sampling", f"the spec makes {n:,} variants, more than {MAX_VARIANTS:,}",
                            "use fewer grid points or samples")
    return spec


def load_spec(path: str | Path) -> SweepSpec:
    """Read and check a sweep spec file (see :func:`parse_spec`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(p), "(file)", "does not exist", "check the path, or run owl sweep --example") from None
    except UnicodeDecodeError:
        raise ScenarioError(str(p), "(file)", "is not UTF-8 text", "save the spec as UTF-8") from None
    except OSError as exc:
        raise ScenarioError(str(p), "(file)", f"cannot be read: {exc.strerror}", "check the path") from None
    return parse_spec(text, str(p), p.parent)


EXAMPLE = """\
# An owl sweep spec (docs/sweeps.md): the built-in Guangzhou scenario, 20 variants by Latin hypercube.
# Run it with: owl sweep --example > example.toml && owl sweep example.toml --out sweep-out
description = "air and ocean rates, demand, the date of the rules and two rule switches"
scenario = "builtin"      # or a scenario TOML, relative to this file
sampling = "lhs"          # grid | lhs | sobol | mc
samples = 20              # lhs and mc: variants; sobol: base samples N (N x (parameters + 2) variants)
seed = 7
run = ["chain", "design"] # any of chain, design, screening
design_time_limit = 10    # seconds per variant

[[parameter]]
name = "air rate to LAX"
path = "lanes[airp-CAN-LAX].per_kg"
mode = "scale"            # multiply the scenario's rate
distribution = { kind = "triangular", low = 0.8, mode = 1.0, high = 1.6 }

[[parameter]]
name = "ocean rates"
path = "lanes[*].per_container"
mode = "scale"
distribution = { kind = "lognormal", median = 1.0, sigma = 0.35 }

[[parameter]]
name = "US demand"
path = "markets[us-west].demand_per_year.*"
mode = "scale"
distribution = { kind = "uniform", low = 0.7, high = 1.3 }

[[parameter]]
name = "date of the rules"
path = "date"
values = ["2025-04-01", "2025-09-01", "2026-03-01"]

[[parameter]]
name = "parcel returns re-imported"
path = "finance.parcel_returns"
values = ["write_off", "reimport"]

[[parameter]]
name = "cost of capital"
path = "finance.cost_of_capital"
distribution = { kind = "uniform", low = 0.05, high = 0.12 }

[[correlation]]
parameters = ["air rate to LAX", "ocean rates"]
rho = 0.6
"""
