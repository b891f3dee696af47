"""Shared CLI plumbing: consoles, error handling, option types and JSON output."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from logistics.errors import OwlError
from logistics.scenario import Scenario, load_scenario
from logistics.solving import check_time_limit as _check_seconds

__all__ = [
    "DateOpt",
    "GapOpt",
    "JsonOpt",
    "MipSolver",
    "MipSolverOpt",
    "QuietOpt",
    "ScenarioOpt",
    "ScreeningSolver",
    "ScreeningSolverOpt",
    "SeedOpt",
    "TimeLimitOpt",
    "WideOpt",
    "check_time_limit",
    "err",
    "fail",
    "fit_columns",
    "guard",
    "out",
    "parse_date",
    "print_json",
    "print_table",
    "rules_warnings",
    "scenario_from",
    "set_width",
]

# Piped output is not cut to 80 columns: planners paste these tables into reports. COLUMNS, when set, wins
# (read again by each command, see set_width).
_WIDTH = None if sys.stdout.isatty() else 200
out = Console(width=_WIDTH)
err = Console(stderr=True)

WideOpt = Annotated[bool, typer.Option("--wide", help="Every column, however wide the terminal.")]


def set_width() -> None:
    """Take the terminal width from COLUMNS when it is set (``COLUMNS=100 owl chain``)."""
    raw = os.environ.get("COLUMNS", "")
    out.width = int(raw) if raw.isdigit() and int(raw) >= 40 else _WIDTH  # type: ignore[assignment]


def print_table(table: Any, wide: bool = False) -> None:
    """Print a table; with ``wide`` at its own width, however narrow the terminal (the lines run on)."""
    if not wide:
        out.print(table)
        return
    keep, out.width = out.width, 400
    try:
        out.print(table)
    finally:
        out.width = keep


def fit_columns(columns: Sequence[tuple[str, int]], rows: Sequence[Sequence[str]], width: int,
                wide: bool = False) -> list[int]:
    """Which columns of a table to show in ``width`` characters: every column with ``wide``; else the columns of
    priority 0, then each further priority level whole while the table still fits. A cell is never cut.

    ``columns`` are (header, priority); the widths are the longest header or cell line plus three characters of
    padding each (rich's SIMPLE_HEAD box) and one of edge.
    """
    need = [max([len(h), *(len(str(r[i])) for r in rows)]) + 3 for i, (h, _) in enumerate(columns)]
    if wide:
        return list(range(len(columns)))
    keep = {i for i, (_, p) in enumerate(columns) if p == 0}
    used = sum(need[i] for i in keep) + 1
    for level in sorted({p for _, p in columns if p > 0}):
        more = [i for i, (_, p) in enumerate(columns) if p == level]
        if used + sum(need[i] for i in more) <= width:
            keep.update(more)
            used += sum(need[i] for i in more)
    return sorted(keep)

ScenarioOpt = Annotated[
    Path | None,
    typer.Option("--scenario", "-s", help="Scenario TOML file (default: the built-in Guangzhou scenario).",
                 dir_okay=False, show_default=False),
]

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", help="No progress on stderr.")]
GapOpt = Annotated[float, typer.Option("--gap", help="Relative optimality gap at which to stop (0.001 = 0.1%).")]
DateOpt = Annotated[str | None, typer.Option("--date", help="Rules in force on this date (YYYY-MM-DD; default today).")]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Random seed (sampling and search), 0 or more.")]


class MipSolver(StrEnum):
    """The MIP solvers MathOpt runs for design and screening."""

    highs = "highs"
    scip = "scip"
    cpsat = "cpsat"


class ScreeningSolver(StrEnum):
    """The MIP solvers the screening model runs on (CP-SAT does not take its continuous queue envelope)."""

    highs = "highs"
    scip = "scip"


MipSolverOpt = Annotated[MipSolver, typer.Option("--solver", help="MIP solver.")]
ScreeningSolverOpt = Annotated[ScreeningSolver, typer.Option("--solver", help="MIP solver.")]


TimeLimitOpt = Annotated[float, typer.Option("--time-limit", help="Wall-clock seconds the solving may take (finite, "
                                              "> 0); the best solution found by then is reported.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` to stderr and return the Exit to raise."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def guard() -> Iterator[None]:
    """Turn owl's own errors into a one-line message and their exit code (2 bad input, 1 infeasible)."""
    try:
        yield
    except OwlError as exc:
        raise fail(str(exc), exc.exit_code) from None
    except KeyboardInterrupt:
        raise fail("interrupted", 130) from None


def check_time_limit(time_limit: float, option: str = "--time-limit") -> None:
    """Refuse a solver time limit that is not a positive, finite number of seconds (exit 2)."""
    try:
        _check_seconds(time_limit, option)
    except ValueError:
        raise fail(f"{option}: {time_limit:g} must be a finite number of seconds > 0. Fix: pass for example "
                   f"{option} 10") from None


def scenario_from(path: Path | None) -> Scenario:
    """Load the scenario named on the command line (the built-in one when None)."""
    return load_scenario(path)


def today() -> dt.date:
    """The date ``--date`` defaults to (one place, so that tests can pin it)."""
    return dt.date.today()


def parse_date(value: str | None, option: str = "--date") -> dt.date:
    """Parse an ISO date option, with a clear error; no value means today."""
    if value is None:
        return today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not a date. Fix: write an ISO date such as 2026-07-01") from None


def rules_warnings(s: Scenario, date: dt.date) -> list[str]:
    """Warnings about the rules used on ``date``, printed on stderr (and returned for the JSON output)."""
    warnings = []
    if s.rules_verified is not None and date > s.rules_verified:
        warnings.append(f"the scenario's customs and tax rules were last verified on {s.rules_verified}; rules in "
                        f"force on {date} may have changed since. Check the sources in {s.path} (docs/scenario.md "
                        "lists them) and update rules_verified")
    for w in warnings:
        err.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)
    return warnings


def print_json(obj: Any) -> None:
    """Print one JSON document on stdout (nothing else goes there with --json)."""
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")
