"""The MathOpt glue that network design and screening share: solver choice, parameters (with the HiGHS cutoff
workaround), and reading how a solve ended.

MathOpt's solvers print nothing unless ``enable_output`` is set, which owl never does. HiGHS still writes a stray
line from C now and then (``HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();``, a known
HiGHS issue), straight to file descriptor 1: :func:`run` points that descriptor at a sink while it solves, so that
``--json`` output on stdout stays one JSON document.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import math
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ortools.math_opt.python import mathopt
from ortools.math_opt.solvers import highs_pb2

__all__ = ["SOLVERS", "MipProgress", "cutoff_proved", "found_solution", "native_stdout_silenced", "parameters",
           "parse_progress", "proved_infeasible", "relative_gap", "run", "solver_type"]

#: MIP solvers by their CLI name.
SOLVERS = {"highs": mathopt.SolverType.HIGHS, "scip": mathopt.SolverType.GSCIP, "cpsat": mathopt.SolverType.CP_SAT}

_Reason = mathopt.TerminationReason


def solver_type(name: str, allowed: tuple[str, ...] = tuple(SOLVERS)) -> mathopt.SolverType:
    """The MathOpt solver named ``name``.

    Raises
    ------
    ValueError
        For a name not in ``allowed``.
    """
    if name not in allowed:
        raise ValueError(f"unknown solver {name!r}; use one of {', '.join(allowed)}")
    return SOLVERS[name]


def parameters(solver: str, seconds: float, gap: float, *, cutoff: float | None = None,
               absolute_gap: float | None = None, threads: int | None = None,
               min_seconds: float = 0.05) -> mathopt.SolveParameters:
    """Solve parameters: at least ``min_seconds``, the relative ``gap``, and a cutoff when a plan is known.

    HiGHS does not take MathOpt's ``cutoff_limit``; its own ``objective_bound`` option does the same thing. When
    nothing beats the cutoff HiGHS then reports the model infeasible, and the other solvers report no solution
    with ``Limit.CUTOFF``: :func:`cutoff_proved` reads both as "the known plan is optimal".
    """
    params = mathopt.SolveParameters(time_limit=dt.timedelta(seconds=max(seconds, min_seconds)),
                                     relative_gap_tolerance=gap, absolute_gap_tolerance=absolute_gap,
                                     threads=threads)
    if cutoff is not None:
        if solver == "highs":
            params.highs = highs_pb2.HighsOptionsProto(double_options={"objective_bound": cutoff})
        else:
            params.cutoff_limit = cutoff
    return params


_SILENCE = threading.Lock()
_silenced = {"depth": 0, "saved": -1}


def _flush_c_stdio() -> None:
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(None).fflush(None)  # what native code printf'd but has not yet written


@contextlib.contextmanager
def native_stdout_silenced() -> Iterator[None]:
    """While inside, whatever native code writes to file descriptor 1 goes to a discarded file.

    Python's own ``sys.stdout`` is flushed first and is written as usual afterwards. Nested and concurrent uses
    (solves in threads) share one redirection, undone when the last of them leaves.
    """
    with _SILENCE:
        if _silenced["depth"] == 0:
            with contextlib.suppress(ValueError, OSError):
                sys.stdout.flush()
            _flush_c_stdio()
            try:
                saved = os.dup(1)
            except OSError:  # no descriptor 1 (a daemon): nothing to protect
                saved = -1
            if saved >= 0:
                with tempfile.TemporaryFile() as sink:
                    os.dup2(sink.fileno(), 1)
            _silenced["saved"] = saved
        _silenced["depth"] += 1
    try:
        yield
    finally:
        with _SILENCE:
            _silenced["depth"] -= 1
            if _silenced["depth"] == 0 and _silenced["saved"] >= 0:
                _flush_c_stdio()
                os.dup2(_silenced["saved"], 1)
                os.close(_silenced["saved"])
                _silenced["saved"] = -1


def run(model: mathopt.Model, solver: str, params: mathopt.SolveParameters,
        log: Callable[[Sequence[str]], None] | None = None) -> mathopt.SolveResult:
    """Solve ``model`` with the named solver; ``log`` receives the solver's log lines (nothing is printed, not
    even what the solver's native code writes to stdout)."""
    kind = solver_type(solver)
    with native_stdout_silenced():
        return mathopt.solve(model, kind, params=params, msg_cb=log)


@dataclass(frozen=True, slots=True)
class MipProgress:
    """One row of a branch-and-bound log: the incumbent (None before the first), the bound and the time."""

    incumbent: float | None
    bound: float
    seconds: float


def parse_progress(line: str) -> MipProgress | None:
    """The incumbent and bound of a HiGHS branch-and-bound log row, None for any other line.

    HiGHS writes rows like ``S  0  0  0  0.00%  2753.3  11779.7  84.11%  627  32  0  380  0.1s`` (source, nodes
    in process and in queue, leaves, explored share, best bound, best solution, gap, cuts, rows in the LP,
    conflicts, LP iterations, time).
    """
    tokens = line.split()
    if tokens and len(tokens[0]) == 1 and tokens[0].isalpha():
        tokens = tokens[1:]
    if len(tokens) != 12 or not tokens[3].endswith("%") or not tokens[11].endswith("s"):
        return None
    try:
        bound = float(tokens[4])
        incumbent = None if tokens[5] in ("inf", "-inf") else float(tokens[5])
        seconds = float(tokens[11][:-1])
    except ValueError:
        return None
    return MipProgress(incumbent, bound, seconds)


def found_solution(result: mathopt.SolveResult) -> bool:
    """The solve ended with a feasible solution (optimal or not)."""
    return result.termination.reason in (_Reason.OPTIMAL, _Reason.FEASIBLE)


def proved_infeasible(result: mathopt.SolveResult) -> bool:
    """The solver proved that no solution exists (under a cutoff: none better than the cutoff)."""
    return result.termination.reason in (_Reason.INFEASIBLE, _Reason.INFEASIBLE_OR_UNBOUNDED)


def cutoff_proved(result: mathopt.SolveResult) -> bool:
    """Nothing beats the cutoff: HiGHS's INFEASIBLE, or no solution with ``Limit.CUTOFF`` for the others.

    Older MathOpt releases have no ``Limit.CUTOFF``; there only the HiGHS form is recognised.
    """
    reason = result.termination.reason
    if reason == _Reason.INFEASIBLE:
        return True
    cutoff_limit = getattr(mathopt.Limit, "CUTOFF", None)
    return (reason == _Reason.NO_SOLUTION_FOUND and cutoff_limit is not None
            and result.termination.limit == cutoff_limit)


def relative_gap(objective: float, bound: float, floor: float = 1e-12) -> float:
    """``max(objective - bound, 0) / max(|objective|, floor)``; infinite when the bound is not finite."""
    if not math.isfinite(bound):
        return math.inf
    return max(objective - bound, 0.0) / max(abs(objective), floor)
