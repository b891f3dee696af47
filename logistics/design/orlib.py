"""OR-Library capacitated facility location files (Beasley 1988), read into a :class:`DesignInstance`.

Layout: ``m n``; m lines ``capacity fixed_cost``; then per customer its demand followed by m numbers, the cost of
serving **all** of its demand from each facility. Demand may be split. ``capa``, ``capb`` and ``capc`` carry the
word ``capacity`` instead of a number: pass ``capacity`` to choose one of the published variants.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from logistics.design.instance import DesignInstance
from logistics.errors import ScenarioError

__all__ = ["read_capopt", "read_orlib_cflp"]


def _bad(path: Path, fld: str, problem: str, fix: str) -> ScenarioError:
    return ScenarioError(str(path), fld, problem, fix)


def read_orlib_cflp(path: str | Path, *, capacity: float | None = None) -> DesignInstance:
    """Read an OR-Library ``cap*`` file.

    Raises
    ------
    ScenarioError
        For a missing file, a wrong number of values, negative numbers, or a ``capacity`` placeholder without
        ``capacity``.
    """
    path = Path(path)
    try:
        tokens = path.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, "file", f"cannot read it ({exc.__class__.__name__})", "check the path") from None
    try:
        m, n = int(tokens[0]), int(tokens[1])
    except (IndexError, ValueError):
        raise _bad(path, "header", "the first line must be 'facilities customers'", "fix the header") from None
    if m < 1 or n < 1:
        raise _bad(path, "header", f"needs at least one facility and one customer, got {m} x {n}", "fix the header")
    need = 2 + 2 * m + n * (1 + m)
    if len(tokens) != need:
        raise _bad(path, "values", f"{m} facilities and {n} customers need {need} values, the file has "
                   f"{len(tokens)}", "check the file is complete and the header is right")
    caps = tokens[2:2 + 2 * m:2]
    if any(c == "capacity" for c in caps):
        if capacity is None:
            raise _bad(path, "capacity", "the file has the 'capacity' placeholder (capa/capb/capc)",
                       "pass a capacity, e.g. --capacity 8000 (see capopt.txt for the published variants)")
        caps = [str(capacity) if c == "capacity" else c for c in caps]
    try:
        u = np.array([float(c) for c in caps])
        f = np.array([float(t) for t in tokens[3:2 + 2 * m:2]])
        body = np.array([float(t) for t in tokens[2 + 2 * m:]]).reshape(n, 1 + m)
    except ValueError as exc:
        raise _bad(path, "values", f"not a number: {exc}", "fix the value") from None
    d, c = body[:, 0], body[:, 1:]
    for label, arr in (("capacity", u), ("fixed cost", f), ("demand", d), ("cost", c)):
        if np.any(arr < 0) or not np.all(np.isfinite(arr)):
            raise _bad(path, label, "has a negative or non-finite value", "fix the value")
    if d.sum() > u.sum():
        raise _bad(path, "capacity", f"total demand {d.sum():g} exceeds total capacity {u.sum():g}",
                   "raise the capacities")
    sites = tuple(f"f{i + 1}" for i in range(m))
    opt_demand = np.repeat(np.arange(n), m)
    opt_site = np.tile(np.arange(m), n)
    return DesignInstance(
        name=path.stem + (f"@{capacity:g}" if capacity is not None and "capacity" in tokens[2:2 + 2 * m:2] else ""),
        site_ids=sites, site_kind=("facility",) * m, site_fixed=f, site_capacity=u, site_group=sites,
        demand_ids=tuple(f"c{j + 1}" for j in range(n)), demand_qty=d, demand_market=("",) * n,
        opt_demand=opt_demand, opt_cost=c.reshape(-1), opt_meets=np.ones(n * m, dtype=bool),
        opt_label=tuple(f"c{j + 1}<-f{i + 1}" for j, i in zip(opt_demand, opt_site, strict=True)),
        use_opt=np.arange(n * m), use_site=opt_site, use_amount=d[opt_demand],
        site_lat=np.full(m, np.nan), site_lon=np.full(m, np.nan),
    )


def read_capopt(path: str | Path) -> dict[str, float]:
    """The optimal values of OR-Library's ``capopt.txt``: ``{"cap41": ..., "capa@8000": ...}``."""
    out: dict[str, float] = {}
    last = ""
    for line in Path(path).read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split()
        if not parts:
            continue
        if parts[0].startswith("cap"):
            last = parts[0]
            parts = parts[1:]
        if not parts:
            continue
        try:
            value = float(parts[0])
        except ValueError:
            continue
        if "(capacity" in line:
            out[f"{last}@{float(line.split('capacity')[1].strip(' )')):g}"] = value
        else:
            out[last] = value
    return out
