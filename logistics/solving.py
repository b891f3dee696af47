"""The vocabulary the three solvers share: status names, limits, and the shape of a result's summary.

Routing (:func:`logistics.routing.solve`), network design (:func:`logistics.design.solve_design`) and screening
(:func:`logistics.screening.optimize`) each return their own rich result; each also answers ``.summary`` with a
:class:`SolveSummary` (status, objective, bound, gap, runtime), rendered to JSON by one function.
"""

from __future__ import annotations

import enum
import math
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["Limits", "SolveSummary", "Status", "check_time_limit", "stamped"]


class Status(enum.StrEnum):
    """How a solve ended (the same names in every solver's results and JSON)."""

    OPTIMAL = "optimal"  # proven within the requested gap
    TIME_LIMIT = "time_limit"  # the limit was reached: the best solution found and its bound
    FEASIBLE = "feasible"  # a solution with no optimality proof (routing's heuristics)
    INFEASIBLE = "infeasible"  # no feasible solution exists, or none was found


def stamped(started: float, text: str) -> str:
    """A progress line: the seconds since ``started`` (a ``time.perf_counter()`` reading), then ``text``."""
    return f"[{time.perf_counter() - started:7.1f} s] {text}"


def check_time_limit(seconds: float, name: str = "time_limit") -> float:
    """``seconds`` if it is a positive, finite number of seconds.

    Raises
    ------
    ValueError
        Naming ``name`` otherwise (the CLI turns this into its option's message).
    """
    if not (isinstance(seconds, int | float) and seconds > 0 and math.isfinite(seconds)):
        raise ValueError(f"{name} must be a finite number of seconds > 0, got {seconds!r}")
    return float(seconds)


@dataclass(frozen=True, slots=True)
class Limits:
    """What a solve may spend: wall-clock seconds, the relative gap at which to stop, the seed, threads.

    Raises
    ------
    ValueError
        For a time limit that is not positive and finite, a negative gap or seed, or threads < 1.
    """

    time_limit: float = 60.0
    gap: float = 1e-4
    seed: int = 0
    threads: int | None = None  # None: the solver's default

    def __post_init__(self) -> None:
        check_time_limit(self.time_limit)
        if not (self.gap >= 0 and math.isfinite(self.gap)):
            raise ValueError(f"gap must be a finite number >= 0, got {self.gap!r}")
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed!r}")
        if self.threads is not None and self.threads < 1:
            raise ValueError(f"threads must be >= 1, got {self.threads!r}")


@dataclass(frozen=True, slots=True)
class SolveSummary:
    """The part of every solver result that reads the same everywhere.

    ``objective`` is the cost of the solution returned (``inf`` when there is none); ``bound`` a proven lower
    bound and ``gap`` the relative gap between them, or None for a heuristic that proves no bound.
    """

    status: Status
    objective: float
    bound: float | None
    gap: float | None
    runtime_s: float

    def to_json(self) -> dict[str, Any]:
        """Strict JSON (no NaN or infinity: a missing objective is null)."""
        return {"status": self.status.value,
                "objective": round(self.objective, 6) if math.isfinite(self.objective) else None,
                "bound": None if self.bound is None else round(self.bound, 6),
                "gap": self.gap, "runtime_s": round(self.runtime_s, 3)}
