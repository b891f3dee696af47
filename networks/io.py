"""Atomic file output: write to a temporary file in the target folder, then rename over the target.

This is owl's one write path. It lives in ``networks``, the lowest layer, because ``networks`` writes files too
(GeoPackage and GeoJSON networks, the sea-distance cache) and may not import ``logistics``; ``logistics.io``
re-exports it for everything above.

A reader never sees a half-written file, and an interrupted run leaves the previous file (or none) in place.
Temporary files are named ``.<target name>.<random>.tmp[.<suffix>]`` next to their target, so that
:func:`remove_stale_temps` can clear what a killed process left behind without touching anything else.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["StagedOutputs", "atomic_write_bytes", "atomic_write_json", "atomic_write_text", "remove_stale_temps"]


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with StagedOutputs() as staged:
        staged.write_bytes(path, data)
    return Path(path)


def _temp_name(target: Path, keep_suffix: bool) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp" + (target.suffix if keep_suffix else ""),
                               dir=target.parent)
    os.close(fd)
    return Path(tmp)


def remove_stale_temps(folder: str | Path, names: tuple[str, ...] | list[str]) -> list[Path]:
    """Delete temporary files of the outputs ``names`` left in ``folder`` by an interrupted run; returns them."""
    gone = []
    for name in names:
        for p in Path(folder).glob(f".{name}.*.tmp*"):
            if p.is_file():
                p.unlink(missing_ok=True)
                gone.append(p)
    return gone


class StagedOutputs:
    """Several output files written to temporary names first and renamed into place together at the end.

    Use as a context manager: on a clean exit every staged file replaces its target, in the order staged (so
    put the file that marks a run complete, such as a summary, last); on an exception every temporary file is
    deleted and the previous outputs stay as they were. Either way no half-written file is ever visible under
    an output's name.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def path(self, target: str | Path, *, keep_suffix: bool = True) -> Path:
        """A fresh temporary path (no file there yet) for a writer that wants a file name, e.g. GDAL."""
        t = Path(target)
        t.parent.mkdir(parents=True, exist_ok=True)
        tmp = _temp_name(t, keep_suffix)
        tmp.unlink()  # the writer creates it; some (GeoPackage) refuse an existing empty file
        self._staged.append((tmp, t))
        return tmp

    def write_bytes(self, target: str | Path, data: bytes) -> None:
        """Stage ``data`` for ``target``."""
        tmp = self.path(target, keep_suffix=False)
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    def write_text(self, target: str | Path, text: str) -> None:
        """Stage UTF-8 ``text`` for ``target``."""
        self.write_bytes(target, text.encode("utf-8"))

    def write_json(self, target: str | Path, obj: Any) -> None:
        """Stage ``obj`` as indented JSON for ``target``."""
        self.write_text(target, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")

    def commit(self) -> list[Path]:
        """Rename every staged file over its target; returns the targets."""
        done = []
        for tmp, target in self._staged:
            os.replace(tmp, target)
            done.append(target)
        self._staged.clear()
        return done

    def discard(self) -> None:
        """Delete every staged temporary file."""
        for tmp, _ in self._staged:
            tmp.unlink(missing_ok=True)
        self._staged.clear()

    def __enter__(self) -> StagedOutputs:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self.commit()
            finally:
                self.discard()
        else:
            self.discard()


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, obj: Any) -> Path:
    """Write ``obj`` as indented JSON to ``path`` atomically."""
    return atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
