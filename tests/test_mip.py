"""The MathOpt glue on a model small enough to solve by hand.

max 5a + 4b + 3c subject to 2a + 3b + c <= 5, a, b, c binary, written as min -(5a + 4b + 3c). The feasible
sets and values: {a, b} 9 (weight 5), {a, c} 8 (3), {b, c} 7 (4), {a} 5, ... so the optimum is -9 (a = b = 1).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from ortools.math_opt.python import mathopt

from logistics import mip


def _knapsack() -> mathopt.Model:
    m = mathopt.Model(name="knapsack")
    a, b, c = (m.add_binary_variable(name=n) for n in "abc")
    m.add_linear_constraint(2 * a + 3 * b + c <= 5)
    m.minimize(-(5 * a + 4 * b + 3 * c))
    return m


@pytest.mark.parametrize("solver", ["highs", "scip", "cpsat"])
def test_each_solver_finds_the_hand_optimum(solver: str) -> None:
    res = mip.run(_knapsack(), solver, mip.parameters(solver, 10, 0.0))
    assert mip.found_solution(res)
    assert res.objective_value() == pytest.approx(-9.0)


def test_a_cutoff_nothing_beats_reads_as_proved() -> None:
    # -9 is optimal: with the cutoff at -9 - 1e-6 no solution beats it.
    res = mip.run(_knapsack(), "highs", mip.parameters("highs", 10, 0.0, cutoff=-9.0 - 1e-6))
    assert not mip.found_solution(res)
    assert mip.cutoff_proved(res)
    loose = mip.run(_knapsack(), "highs", mip.parameters("highs", 10, 0.0, cutoff=-8.5))
    assert mip.found_solution(loose)
    assert not mip.cutoff_proved(loose)


def test_infeasible_model() -> None:
    m = _knapsack()
    x = m.add_binary_variable(name="x")
    m.add_linear_constraint(x >= 2)
    assert mip.proved_infeasible(mip.run(m, "highs", mip.parameters("highs", 10, 0.0)))


def test_unknown_solver_and_gap() -> None:
    with pytest.raises(ValueError, match="unknown solver 'gurobi'"):
        mip.solver_type("gurobi")
    assert mip.relative_gap(100.0, 99.0) == pytest.approx(0.01)
    assert mip.relative_gap(100.0, 101.0) == 0.0
    assert mip.relative_gap(100.0, -math.inf) == math.inf


def test_native_writes_to_stdout_are_silenced_during_a_solve(tmp_path: Path) -> None:
    # Real descriptors, in a child process: a C printf and a raw write to fd 1 inside the block are dropped,
    # Python's print before and after reaches stdout in order, and stderr is untouched.
    script = tmp_path / "noise.py"
    script.write_text(
        "import ctypes, os, sys\n"
        "from logistics.mip import native_stdout_silenced\n"
        "print('before', flush=False)\n"
        "with native_stdout_silenced():\n"
        "    ctypes.CDLL(None).printf(b'from C\\n')\n"
        "    os.write(1, b'raw\\n')\n"
        "    with native_stdout_silenced():\n"
        "        os.write(1, b'nested\\n')\n"
        "    os.write(2, b'to stderr\\n')\n"
        "print('after')\n")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, timeout=120)
    assert r.stdout == "before\nafter\n"
    assert r.stderr == "to stderr\n"


def test_owl_design_n_best_json_is_one_document_on_real_stdout() -> None:
    # The stray HiGHS line (HighsMipSolverData::transformNewIntegerFeasibleSolution) came with --n-best 20.
    r = subprocess.run([sys.executable, "-c", "from logistics.cli.app import main; main()", "design", "--n-best",
                        "20", "--time-limit", "20", "--json"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout, parse_constant=lambda c: pytest.fail(f"non-JSON token {c}"))
    assert len(doc["runner_ups"]) >= 1
