"""A sweep's results folder: Parquet parts written atomically, one per finished batch, and a lock.

``DIR/parts/part-<hash of its keys>.parquet`` holds the rows of one batch; a part appears whole or not at all (written
under a temporary name, then renamed), so killing a sweep loses only the batches that were running. A rerun reads
the keys already in the parts and runs only the others. ``DIR/.lock`` stops two sweeps writing into one folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
from pathlib import Path
from typing import Any

import pandas as pd

from logistics.errors import OutputError
from logistics.io import atomic_write_bytes

__all__ = ["ResultStore"]


class ResultStore:
    """The results folder of a sweep (created when missing)."""

    def __init__(self, folder: str | Path, option: str = "--out") -> None:
        self.folder = Path(folder)
        self.option = option
        self.parts = self.folder / "parts"
        self._lock: int | None = None
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError.from_os(self.folder, option, exc) from None

    def __enter__(self) -> ResultStore:
        try:
            self._lock = os.open(self.folder / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)  # type: ignore[arg-type]
            self._lock = None
            raise OutputError(str(self.folder), self.option, "another owl sweep is writing into it") from None
        except OSError as exc:
            raise OutputError.from_os(self.folder, self.option, exc) from None
        # A part whose writing a killed sweep left half done; under the lock no other sweep is writing one.
        for tmp in self.parts.glob(".part-*.parquet.*.tmp*"):
            tmp.unlink(missing_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            os.close(self._lock)
            self._lock = None

    def files(self) -> list[Path]:
        return sorted(self.parts.glob("part-*.parquet"))

    def read(self) -> pd.DataFrame:
        """Every row written so far (an empty frame when none)."""
        frames = [pd.read_parquet(p) for p in self.files()]
        frames = [f for f in frames if not f.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"key": pd.Series(dtype=str)})

    def done(self) -> set[str]:
        """The keys of the variants already written."""
        return {str(k) for p in self.files() for k in pd.read_parquet(p, columns=["key"])["key"]}

    def write(self, rows: list[dict[str, Any]]) -> Path:
        """Write one batch's rows as a new part, atomically."""
        frame = pd.DataFrame(rows)
        for c in frame.columns:
            if c.startswith("in:") and frame[c].map(type).nunique() > 1:
                numbers = frame[c].map(lambda v: isinstance(v, int | float) and not isinstance(v, bool)).all()
                # Whole and decimal numbers mixed stay numbers; anything else mixed is kept as text.
                frame[c] = frame[c].astype(float) if numbers else frame[c].astype(str)
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        name = hashlib.sha256("\n".join(sorted(str(r["key"]) for r in rows)).encode()).hexdigest()[:20]
        target = self.parts / f"part-{name}.parquet"
        try:
            return atomic_write_bytes(target, buf.getvalue())
        except OSError as exc:
            raise OutputError.from_os(target, self.option, exc) from None
