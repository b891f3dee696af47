"""Exceptions raised by owl.

Every error a user can cause carries enough context to fix it: the file, the field and what to do. The CLI turns
these into a one-line message and exit code 2 (bad input) or 1 (infeasible or failed solve), never a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["MAX_PROBLEMS", "InfeasibleError", "OutputError", "OwlError", "ScenarioError", "ScenarioErrors"]


class OwlError(Exception):
    """Base class of every error owl raises on purpose."""

    exit_code: int = 2


class ScenarioError(OwlError, ValueError):
    """A scenario file or table is malformed, inconsistent or incomplete.

    Parameters
    ----------
    file
        The file the bad value came from (``"<built-in guangzhou>"`` for packaged data).
    field
        Dotted path of the offending field, e.g. ``products[2].unit_weight_kg``.
    problem
        What is wrong, in plain words.
    fix
        What the user should do about it.
    """

    def __init__(self, file: str, field: str, problem: str, fix: str) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(f"{file}: {field}: {problem}. Fix: {fix}")


#: A scenario file with more problems is reported up to here: the rest usually follow from the first ones.
MAX_PROBLEMS = 50


class ScenarioErrors(ScenarioError):
    """Every problem a scenario file has (up to a cap), the first of them as the error's own fields.

    ``problems`` lists them all, in the order the loader met them.
    """

    def __init__(self, problems: list[ScenarioError]) -> None:
        first = problems[0]
        more = len(problems) - 1
        fix = first.fix if not more else (f"{first.fix} ({more} more problem{'s' if more > 1 else ''}: "
                                          f"owl scenario validate {first.file} lists them all)")
        super().__init__(first.file, first.field, first.problem, fix)
        self.problems = list(problems)


class InfeasibleError(OwlError):
    """A request has no feasible answer (for example no route meets any channel pattern)."""

    exit_code = 1


class OutputError(OwlError):
    """An output file or folder cannot be written (no permission, disk full, a file where a folder should be).

    Parameters
    ----------
    path
        The file or folder that could not be written.
    option
        The command-line option or argument that named it (``--out``).
    problem
        What went wrong (the operating system's message).
    """

    def __init__(self, path: str, option: str, problem: str) -> None:
        self.path = path
        self.option = option
        super().__init__(f"{option}: cannot write {path}: {problem}. Fix: choose a folder you can write to, "
                         "with free space")

    @classmethod
    def from_os(cls, path: str | Path, option: str, exc: BaseException) -> OutputError:
        """The error for an ``OSError`` (or a GDAL write error) met while writing ``path``."""
        return cls(str(path), option, getattr(exc, "strerror", None) or str(exc))
