"""The one CLI test harness: :func:`invoke` runs the real Typer app in-process and returns a :class:`Run`; the
``owl`` fixture (tests/conftest.py) hands it to tests."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from logistics.cli.app import app

__all__ = ["Owl", "Run", "invoke"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Run:
    """One ``owl`` invocation: exit code, stdout and stderr apart (ANSI codes removed, should FORCE_COLOR be
    set) and the exception CliRunner caught (SystemExit for a clean exit)."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def __str__(self) -> str:
        return f"owl {' '.join(self.args)} -> {self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"

    @property
    def output(self) -> str:
        """stdout and stderr together (for assertion messages and searches across both)."""
        return self.stdout + self.stderr

    def ok(self) -> Run:
        """Assert a clean success (exit 0, no traceback anywhere) and return self."""
        assert self.exit_code == 0, str(self)
        assert "Traceback" not in self.stdout + self.stderr
        return self

    def json(self) -> Any:
        """Assert success with nothing on stderr and parse stdout as one JSON document."""
        self.ok()
        assert self.stderr == "", str(self)
        return json.loads(self.stdout)


Owl = Callable[..., Run]


def invoke(*args: str | Path) -> Run:
    """Run ``owl ARGS`` in-process through typer's CliRunner (stdout and stderr kept apart)."""
    argv = tuple(str(a) for a in args)
    r = CliRunner().invoke(app, list(argv))
    return Run(argv, r.exit_code, _ANSI.sub("", r.stdout), _ANSI.sub("", r.stderr), r.exception)

