"""Speed of today's chain evaluation and design model build against an earlier revision, in one process.

    python benchmarks/compare_with_rev.py 66203b5

loads that revision's ``logistics/chain/evaluate.py`` and ``logistics/design/solve.py`` (through ``git show``)
beside today's code and prints, for 1M synthetic chain rows and for three design instances, the best of five
timings of each and their ratio (below 1: today's code is faster). It also checks that both give the same
results: the chain bit for bit, the design MIP as the same exported model. Ratios in one process are robust
to a busy machine; the absolute seconds are not.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from conftest import synthetic_flows

from logistics import builtin
from logistics.chain import compute, evaluate, gather
from logistics.design import design_instance, read_orlib_cflp
from logistics.design import solve as design_solve

ROOT = Path(__file__).parents[1]


def _load(rev: str, path: str, name: str, folder: Path) -> ModuleType:
    text = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout
    file = folder / f"{name}.py"
    file.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} of {rev}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def _best(fn: Callable[[], Any], n: int = 5) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(rev: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        old_chain = _load(rev, "logistics/chain/evaluate.py", "old_chain_evaluate", Path(tmp))
        old_design = _load(rev, "logistics/design/solve.py", "old_design_solve", Path(tmp))
    s = builtin()
    f, weight, km = synthetic_flows(1_000_000)
    old_f = old_chain.Flows(f.product, f.route, f.units_per_year, f.routes)
    t_old, t_new = _best(lambda: old_chain.evaluate(s, old_f)), _best(lambda: evaluate(s, f))
    print(f"chain evaluate (gather, compute, report), 1M rows: {rev} {t_old:.3f} s, today {t_new:.3f} s, "
          f"ratio {t_new / t_old:.3f}")
    t_old, t_new = _best(lambda: old_chain.gather(s, old_f)), _best(lambda: gather(s, f))
    print(f"chain gather, 1M rows: {rev} {t_old:.3f} s, today {t_new:.3f} s, ratio {t_new / t_old:.3f}")
    xo, xn = old_chain.gather(s, old_f), gather(s, f)
    xo = xo.replace(weight_kg=xo.weight_kg * weight, fm_km=xo.fm_km * km, lm_km=xo.lm_km * km, dr_km=xo.dr_km * km)
    xn = xn.replace(weight_kg=xn.weight_kg * weight, fm_km=xn.fm_km * km, lm_km=xn.lm_km * km, dr_km=xn.dr_km * km)
    t_old, t_new = _best(lambda: old_chain.compute(xo)), _best(lambda: compute(xn))
    ro, rn = old_chain.compute(xo), compute(xn)
    same = ro.keys() == rn.keys() and all(np.array_equal(ro[k], rn[k]) for k in ro)
    print(f"chain compute, 1M rows: {rev} {t_old:.3f} s, today {t_new:.3f} s, ratio {t_new / t_old:.3f}; "
          f"bit-identical: {same}")
    cflp = ROOT / "benchmarks" / "data" / "cflp"
    cases = {"built-in scenario": design_instance(s), "cap134": read_orlib_cflp(cflp / "cap134.txt"),
             "capb@5000": read_orlib_cflp(cflp / "capb.txt", capacity=5000.0)}
    for name, inst in cases.items():
        bps = design_solve._breakpoints(inst)
        none = np.zeros(inst.n_sites, dtype=bool)

        def build(module: ModuleType, elastic: bool = False) -> Any:
            return module._build(inst, bps, none, none.copy(), [], elastic=elastic)  # noqa: B023

        t_old, t_new = _best(lambda: build(old_design)), _best(lambda: build(design_solve))
        same = build(old_design).model.export_model() == build(design_solve).model.export_model()
        print(f"design build, {name} ({inst.n_options:,} options): {rev} {t_old:.4f} s, today {t_new:.4f} s, "
              f"ratio {t_new / t_old:.3f}; same model: {same}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "HEAD")
