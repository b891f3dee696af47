"""Read VRPLIB (CVRP) and Solomon (VRPTW) instance files; write VRPLIB solutions.

Rounding follows the conventions the published best-known values use (benchmarks/MANIFEST.md): CVRPLIB's X, A
and E sets round every Euclidean arc to the nearest integer; the CMT set uses real distances (kept here to
1/1000); Solomon and Gehring-Homberger instances truncate distances and travel times to one decimal (stored in
tenths). Costs reported by owl are in the instance's own units.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import vrplib

from logistics.io import atomic_write_text
from logistics.routing.problem import BadProblemError, RoutingProblem, VehicleType

__all__ = ["read_instance", "read_solomon", "read_vrplib", "write_vrplib_solution"]


def _euclid(coords: np.ndarray) -> np.ndarray:
    diff = coords[:, None, :] - coords[None, :, :]
    return np.sqrt((diff**2).sum(axis=-1))


def _fail(path: Path, field: str, problem: str, fix: str) -> BadProblemError:
    return BadProblemError(f"{path}: {field}: {problem}. Fix: {fix}")


def read_vrplib(path: str | Path) -> RoutingProblem:
    """Read a CVRP instance in VRPLIB format (``NODE_COORD_SECTION``, ``DEMAND_SECTION``, ``DEPOT_SECTION``)."""
    p = Path(path)
    if not p.is_file():
        raise _fail(p, "(file)", "no such file", "check the path")
    try:
        inst = vrplib.read_instance(str(p))
    except Exception as exc:  # vrplib raises bare exceptions on malformed files
        raise _fail(p, "(format)", f"not a readable VRPLIB file ({type(exc).__name__}: {exc})",
                    "check the sections and the DIMENSION line") from None
    for key in ("node_coord", "demand", "capacity"):
        if key not in inst:
            section = {"node_coord": "NODE_COORD_SECTION", "demand": "DEMAND_SECTION", "capacity": "CAPACITY"}[key]
            raise _fail(p, section, "missing", f"add the {section} (VRPLIB CVRP format)")
    coords = np.asarray(inst["node_coord"], dtype=float)
    demand = np.asarray(inst["demand"])
    dim = int(inst.get("dimension", len(coords)))
    if len(coords) != dim or len(demand) != dim:
        raise _fail(p, "DIMENSION", f"says {dim} but the file has {len(coords)} coordinates and {len(demand)} "
                    "demands", "make DIMENSION equal the number of nodes")
    if np.any(demand < 0):
        node = int(np.nonzero(demand < 0)[0][0]) + 1
        raise _fail(p, "DEMAND_SECTION", f"node {node} has a negative demand", "use demands >= 0")
    depots = [int(d) for d in np.atleast_1d(inst.get("depot", [0]))]
    if depots != [0]:
        raise _fail(p, "DEPOT_SECTION", f"depot(s) {depots} (0-based); owl reads single-depot files whose depot is "
                    "node 1", "renumber the nodes so the depot is node 1")
    name = str(inst.get("name", p.stem))
    exact = name.upper().startswith("CMT")
    scale = 1000.0 if exact else 1.0
    d = _euclid(coords)
    dist = np.rint(d * scale).astype(np.int64) if exact else np.floor(d + 0.5).astype(np.int64)
    cap = int(inst["capacity"])
    n = dim - 1
    return RoutingProblem(
        name=name, coords=coords, n_depots=1, delivery=demand[1:].astype(np.int64).reshape(n, 1),
        pickup=np.zeros((n, 1), dtype=np.int64), service=np.zeros(dim, dtype=np.int64),
        tw_early=np.zeros(dim, dtype=np.int64), tw_late=np.full(dim, 2**40, dtype=np.int64),
        required=np.ones(n, dtype=bool), prize=np.zeros(n, dtype=np.int64),
        vehicle_types=(VehicleType(count=n, capacity=(cap,)),), distance=dist, duration=dist.copy(), scale=scale,
        client_names=tuple(str(i) for i in range(1, dim)),  # CVRPLIB .sol files number clients from 1
    )


def read_solomon(path: str | Path) -> RoutingProblem:
    """Read a Solomon (or Gehring-Homberger) VRPTW instance; distances and times in tenths, truncated."""
    p = Path(path)
    if not p.is_file():
        raise _fail(p, "(file)", "no such file", "check the path")
    try:
        inst = vrplib.read_instance(str(p), instance_format="solomon")
    except Exception as exc:
        raise _fail(p, "(format)", f"not a readable Solomon file ({type(exc).__name__}: {exc})",
                    "check the VEHICLE and CUSTOMER sections") from None
    coords = np.asarray(inst["node_coord"], dtype=float)
    demand = np.asarray(inst["demand"])
    if np.any(demand < 0):
        raise _fail(p, "CUSTOMER", f"customer {int(np.nonzero(demand < 0)[0][0])} has a negative demand",
                    "use demands >= 0")
    scale = 10.0
    d = np.floor(_euclid(coords) * scale + 1e-9).astype(np.int64)
    tw = np.asarray(inst["time_window"], dtype=float) * scale
    n = len(coords) - 1
    return RoutingProblem(
        name=str(inst.get("name", p.stem)), coords=coords, n_depots=1,
        delivery=demand[1:].astype(np.int64).reshape(n, 1), pickup=np.zeros((n, 1), dtype=np.int64),
        service=np.rint(np.asarray(inst["service_time"], dtype=float) * scale).astype(np.int64),
        tw_early=np.rint(tw[:, 0]).astype(np.int64), tw_late=np.rint(tw[:, 1]).astype(np.int64),
        required=np.ones(n, dtype=bool), prize=np.zeros(n, dtype=np.int64),
        vehicle_types=(VehicleType(count=int(inst["vehicles"]), capacity=(int(inst["capacity"]),),
                                   shift_duration=int(np.rint(tw[0, 1] - tw[0, 0]))),),
        distance=d, duration=d.copy(), scale=scale, client_names=tuple(str(i) for i in range(1, n + 1)),
    )


def read_instance(path: str | Path) -> RoutingProblem:
    """Read a VRPLIB ``.vrp`` file or a Solomon ``.txt`` file, by content."""
    p = Path(path)
    if not p.is_file():
        raise _fail(p, "(file)", "no such file", "check the path")
    head = p.read_text(encoding="utf-8", errors="replace")[:2000].upper()
    if "CUSTOMER" in head and "VEHICLE" in head:
        return read_solomon(p)
    return read_vrplib(p)


def write_vrplib_solution(path: str | Path, routes: list[list[str]], cost: float) -> Path:
    """Write routes (client names per route) and the cost in the CVRPLIB ``.sol`` format, atomically."""
    lines = [f"Route #{k}: {' '.join(r)}" for k, r in enumerate(routes, start=1)]
    lines.append(f"Cost {cost:g}")
    return atomic_write_text(path, "\n".join(lines) + "\n")
