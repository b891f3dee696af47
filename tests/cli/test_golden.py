"""The JSON documents of ``owl chain``, ``owl design`` and ``owl screen compare`` on the built-in scenario are the
ones recorded before the structure refactoring (issue 13), apart from runtime fields.

The recorded files are in ``tests/cli/data/golden``. A change that moves any number or label in them must be a
deliberate change of the model: re-record the file in the same commit and say why in its message.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.harness import Owl

GOLDEN = Path(__file__).parent / "data" / "golden"
_RUNTIME = {"runtime_s", "reduce_seconds"}


def _diff(want: Any, got: Any, where: str = "$") -> list[str]:
    """Every place where ``got`` differs from ``want``: keys, lengths, strings exactly, numbers to 1e-9."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = [f"{where}: keys {sorted(set(want) ^ set(got))}"] if set(want) != set(got) else []
        for k in want.keys() & got.keys():
            if k not in _RUNTIME:
                out += _diff(want[k], got[k], f"{where}.{k}")
        return out
    if isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            return [f"{where}: {len(got)} items, recorded {len(want)}"]
        return [d for i, (a, b) in enumerate(zip(want, got, strict=True)) for d in _diff(a, b, f"{where}[{i}]")]
    if isinstance(want, int | float) and isinstance(got, int | float) and not isinstance(want, bool):
        return [] if math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-9) else [f"{where}: {got!r}, recorded {want!r}"]
    return [] if want == got else [f"{where}: {got!r}, recorded {want!r}"]


@pytest.mark.parametrize(("name", "args"), [("chain", ("chain", "--json")), ("design", ("design", "--json")),
                                            ("screen", ("screen", "compare", "--json", "--time-limit", "120",
                                                        "--gap", "0.005"))])
def test_json_document_unchanged(owl: Owl, name: str, args: tuple[str, ...]) -> None:
    want = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    got = owl(*args).json()
    differences = _diff(want, got)
    assert not differences, "\n".join(differences[:20])


def test_diff_finds_a_changed_number_and_label() -> None:
    doc = {"rows": [{"route": "9810 ocean_fcl", "cost": 1.0, "runtime_s": 3.0}]}
    assert _diff(doc, {"rows": [{"route": "9810 ocean_fcl", "cost": 1.0, "runtime_s": 9.0}]}) == []
    assert _diff(doc, {"rows": [{"route": "9810 rail", "cost": 1.0, "runtime_s": 3.0}]})
    assert _diff(doc, {"rows": [{"route": "9810 ocean_fcl", "cost": 1.001, "runtime_s": 3.0}]})
    assert _diff(doc, {"rows": []})
