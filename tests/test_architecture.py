"""The layering of docs/architecture.md, checked on the source: packages import each other only through their
façades, nothing imports upward, and the chain's modules have no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
# What each layer may import (besides itself and the shared modules solving, mip, io, errors).
ALLOWED: dict[str, set[str]] = {
    "networks": set(),
    "scenario": {"networks"},
    "chain": {"scenario", "networks"},
    "routing": {"scenario", "networks"},
    "screening": {"scenario", "networks"},
    "design": {"chain", "scenario", "networks"},
    "report": {"design", "routing", "chain", "scenario", "networks"},
    "sweep": {"design", "screening", "chain", "scenario", "networks"},
    "plan": {"report", "design", "routing", "screening", "chain", "scenario", "networks"},
    "cli": {"plan", "sweep", "report", "design", "routing", "screening", "chain", "scenario", "networks"},
    "__init__": {"chain", "scenario"},  # the top-level façade re-exports the everyday names
    "io": {"networks"},  # the write path is implemented in networks.io (see docs/architecture.md)
}
SHARED = {"solving", "mip", "io", "errors", "__init__"}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return out


def _package_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("").parts
    if rel[0] == "networks":
        return "networks"
    return rel[1]  # logistics/<package>/... or logistics/<module>.py


def _sources() -> list[Path]:
    return sorted([*(ROOT / "logistics").rglob("*.py"), *(ROOT / "networks").rglob("*.py")])


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_down_and_through_facades(path: Path) -> None:
    own = _package_of(path)
    bad = []
    for line, module in _imports(path):
        parts = module.split(".")
        if parts[0] == "networks":
            target, deep = "networks", len(parts) > 1 and own != "networks"
        elif parts[0] == "logistics" and len(parts) > 1:
            target, deep = parts[1], len(parts) > 2 and parts[1] != own
        else:
            continue
        if own == "networks" and parts[0] == "logistics":
            bad.append(f"line {line}: networks imports {module}")
        elif target != own and target not in SHARED and target not in ALLOWED.get(own, set()) | {own}:
            bad.append(f"line {line}: {own} imports {module} (upward or sideways)")
        elif deep and target not in SHARED and own != "io":
            bad.append(f"line {line}: {module} reaches into {target}'s submodules; import from its façade")
    assert not bad, "\n".join(bad)


def test_chain_modules_have_no_cycle() -> None:
    chain = ROOT / "logistics" / "chain"
    graph = {p.stem: {m.split(".")[2] for _, m in _imports(p) if m.startswith("logistics.chain.")}
             for p in chain.glob("*.py") if p.stem != "__init__"}
    seen: dict[str, int] = {}

    def visit(n: str, stack: tuple[str, ...]) -> None:
        assert n not in stack, f"import cycle: {' -> '.join((*stack, n))}"
        if seen.get(n):
            return
        for m in graph.get(n, ()):
            visit(m, (*stack, n))
        seen[n] = 1

    for n in graph:
        visit(n, ())
