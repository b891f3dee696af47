"""Network design at scale (issue #15): generated scenarios from the built-in one's size to a large commercial
model's, each solved in its own process (so its peak memory is its own), timed phase by phase.

    python benchmarks/design_scale.py                     # the curve, written into docs/benchmarks-design.md
    python benchmarks/design_scale.py --sizes 28x65x100x10 --time-limit 60 --gap 0.01
    python benchmarks/design_scale.py --one 28x65x100x10 --time-limit 60 --gap 0.01   # one size, JSON on stdout

A size is ``products x markets x warehouse candidates x seller clusters``; the generator's seed is fixed
(``--seed``, 1). Phases: generating the scenario and writing it (not counted), loading it (route building and
validation), building the design (the chain model prices every option), and the solve (reduction, greedy plan,
MIP, the fallback on the second core). The time limit counts from the start of loading, as ``owl design``'s does.
Run it alone: the timings are wall-clock seconds on whatever else shares the two cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks-design.md"
BEGIN = "<!-- design-scale:begin -->"
END = "<!-- design-scale:end -->"
CURVE = ("5x8x8x5", "10x20x20x8", "28x50x60x10", "28x65x100x10", "50x100x150x10", "100x200x300x10")


def parse_size(text: str) -> tuple[int, int, int, int]:
    """``PxMxWxC`` as four integers."""
    parts = [int(p) for p in text.lower().split("x")]
    if len(parts) != 4:
        raise argparse.ArgumentTypeError(f"size {text!r}: write products x markets x warehouses x clusters")
    return parts[0], parts[1], parts[2], parts[3]


def _peak_kb() -> int:
    """This process's peak resident memory in kB: ``VmHWM`` (reset by exec, unlike ``ru_maxrss``, which keeps
    the forking parent's peak), else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def run_one(size: str, seed: int, time_limit: float, gap: float, reduce: bool = True) -> dict[str, object]:
    """Generate, load, build and solve one size in this process; the figures as a dict."""
    from logistics.design import scenario_design, solve_design
    from logistics.scenario import load_scenario, synth_scenario, write_scenario

    p, m, w, c = parse_size(size)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synth.toml"
        t = time.perf_counter()
        write_scenario(synth_scenario(p, m, w, c, seed=seed), path)
        synth_s = time.perf_counter() - t
        started = time.perf_counter()
        s = load_scenario(path)
        load_s = time.perf_counter() - started
    t = time.perf_counter()
    design = scenario_design(s)
    build_s = time.perf_counter() - t
    inst = design.instance
    t = time.perf_counter()
    lines: list[str] = []
    try:
        r = solve_design(design, time_limit=time_limit, gap=gap, started=started, progress=lines.append,
                         reduce=reduce)
        result: dict[str, object] = {"status": r.status, "objective": r.objective, "bound": r.bound, "gap": r.gap,
                                     "open": len(r.open_sites),
                                     "options_kept": r.presolve.get("reduce_options_kept", inst.n_options)}
    except Exception as exc:  # a failed size is a figure of the curve, not the end of it
        result = {"status": f"failed: {exc}"}
    solve_s = time.perf_counter() - t
    peak_kb = _peak_kb()
    return {"size": size, "seed": seed, "reduce": reduce, "demand_rows": len(inst.demand_ids),
            "options": inst.n_options,
            "synth_s": round(synth_s, 2), "load_s": round(load_s, 2), "build_s": round(build_s, 2),
            "solve_s": round(solve_s, 2), "total_s": round(time.perf_counter() - started, 2),
            "time_limit": time_limit, "gap_target": gap, "peak_rss_gb": round(peak_kb / 1e6, 2),
            "greedy": next((ln.split("plan ")[-1] for ln in lines if "greedy:" in ln), None), **result}


def run_isolated(size: str, seed: int, time_limit: float, gap: float) -> dict[str, object]:
    """:func:`run_one` in a child process, so that its peak memory is its own."""
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--one", size, "--seed", str(seed),
                          "--time-limit", str(time_limit), "--gap", str(gap)],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    if out.returncode != 0:
        return {"size": size, "status": f"failed (exit {out.returncode}): {out.stderr.strip()[-300:]}"}
    doc: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return doc


def table(rows: list[dict[str, object]]) -> str:
    head = ("| size (P×M×W×C) | demand rows | options | kept | load s | build s | solve s | total s | status | gap "
            "| peak RSS GB |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n")
    body = []
    for r in rows:
        gap = r.get("gap")
        count = {k: (f"{int(float(str(r[k]))):,}" if r.get(k) is not None else "")
                 for k in ("demand_rows", "options", "options_kept")}
        body.append(f"| {r['size']} | {count['demand_rows']} | {count['options']} | "
                    f"{count['options_kept']} | {r.get('load_s', '')} | {r.get('build_s', '')} | "
                    f"{r.get('solve_s', '')} | {r.get('total_s', '')} | {r['status']} | "
                    f"{'' if gap is None else f'{float(str(gap)):.3%}'} | {r.get('peak_rss_gb', '')} |")
    return head + "\n".join(body) + "\n"


def write_doc(rows: list[dict[str, object]], time_limit: float, gap: float, seed: int) -> None:
    from logistics.io import atomic_write_text

    section = (f"{BEGIN}\n_Generated by `python benchmarks/design_scale.py` (seed {seed}, `--time-limit "
               f"{time_limit:g}`, `--gap {gap:g}`, each size in its own process on the 2-core machine)._\n\n"
               + table(rows) + END)
    text = DOC.read_text(encoding="utf-8")
    if BEGIN in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## Design at scale (issue #15)\n\n" + section + "\n"
    atomic_write_text(DOC, text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=list(CURVE))
    ap.add_argument("--one", help="Run one size in this process and print its JSON line.")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--gap", type=float, default=0.01)
    ap.add_argument("--no-doc", action="store_true", help="Print the table; leave the docs alone.")
    ap.add_argument("--no-reduce", action="store_true", help="Solve the full instance (to measure the reduction).")
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.seed, args.time_limit, args.gap, not args.no_reduce)))
        return
    rows = []
    for size in args.sizes:
        row = run_isolated(size, args.seed, args.time_limit, args.gap)
        print(json.dumps(row), flush=True)
        rows.append(row)
    print(table(rows))
    if not args.no_doc:
        write_doc(rows, args.time_limit, args.gap, args.seed)


if __name__ == "__main__":
    main()
