"""Shared CLI plumbing: consoles, error handling, option types and JSON output."""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from logistics.errors import OwlError
from logistics.scenario import Scenario, load_scenario

__all__ = ["ScenarioOpt", "check_time_limit", "err", "fail", "guard", "out", "parse_date", "print_json",
           "scenario_from"]

# Piped output is not cut to 80 columns: planners paste these tables into reports.
out = Console(width=None if sys.stdout.isatty() else 180)
err = Console(stderr=True)

ScenarioOpt = Annotated[
    Path | None,
    typer.Option("--scenario", "-s", help="Scenario TOML file (default: the built-in Guangzhou scenario).",
                 dir_okay=False, show_default=False),
]


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
    if not (time_limit > 0 and math.isfinite(time_limit)):
        raise fail(f"{option}: {time_limit:g} must be a finite number of seconds > 0. Fix: pass for example "
                   f"{option} 10")


def scenario_from(path: Path | None) -> Scenario:
    """Load the scenario named on the command line (the built-in one when None)."""
    return load_scenario(path)


def parse_date(value: str | None, option: str = "--date") -> dt.date | None:
    """Parse an ISO date option, with a clear error."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not a date. Fix: write an ISO date such as 2026-07-01") from None


def print_json(obj: Any) -> None:
    """Print one JSON document on stdout (nothing else goes there with --json)."""
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")
