"""What a sweep says: each output's distribution, which inputs move it most, and which change the decision.

- **Distribution**: mean, standard deviation, 5th, 50th and 95th percentiles over the variants that ran.
- **Tornado**: per input, the output's mean over the variants with the input in its top quarter less that in its
  bottom quarter (for a list of values: the highest mean over a value less the lowest), and the Spearman rank
  correlation; inputs are ranked by the size of that swing.
- **Sobol indices** (Saltelli's estimator in SALib) when the spec sampled by Sobol and every variant ran: first
  order and total, with their 95% intervals.
- **The decision**: the open sites (design) and each product-market's winning channel (chain). Per input, whether
  the most common decision differs between its bottom and top quarter (or between its values), counting only a
  group where that decision holds at least 60% of the variants.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from logistics.sweep.spec import SweepSpec

__all__ = ["summarize"]

_DECISIONS = ("design_open", "chain_channels", "screening_placement")
_CLEAR = 0.6  # share of a group its most common decision must hold to count


def _numeric_outputs(frame: pd.DataFrame) -> list[str]:
    skip = {"key", "variant", "base", "runtime_s", "design_gap"}
    return [c for c in frame.columns if not c.startswith("in:") and c not in skip
            and pd.api.types.is_numeric_dtype(frame[c])]


def _groups(x: pd.Series) -> tuple[pd.Series, pd.Series] | list[tuple[Any, pd.Series]]:
    """The bottom and top quarter masks of a numeric input, or one mask per value of a discrete one."""
    num = pd.to_numeric(x, errors="coerce")
    if num.notna().all() and num.nunique() > 4:
        lo, hi = num.quantile(0.25), num.quantile(0.75)
        return num <= lo, num >= hi
    return [(v, x == v) for v in sorted(x.unique(), key=str)]


def _swing(y: pd.Series, x: pd.Series) -> float:
    g = _groups(x)
    if isinstance(g, tuple):
        return float(y[g[1]].mean() - y[g[0]].mean())
    means = [y[m].mean() for _, m in g]
    return float(max(means) - min(means)) if len(means) > 1 else 0.0


def summarize(spec: SweepSpec, frame: pd.DataFrame, target: str | None = None) -> dict[str, Any]:
    """The summary of a sweep's rows (see the module's docstring), JSON-ready.

    ``target`` is the output the sensitivities rank by (default: the design's annual cost when the design ran,
    else the chain's, else the screening cost a day).
    """
    ok = frame[frame["status"] == "ok"] if "status" in frame else frame.iloc[0:0]
    out: dict[str, Any] = {"variants": len(frame), "ok": len(ok),
                           "status": {str(k): int(v) for k, v in frame["status"].value_counts().items()}
                           if "status" in frame else {}}
    dist = {}
    for c in _numeric_outputs(ok):
        v = ok[c].dropna().to_numpy(dtype=float)
        if v.size:
            dist[c] = {"mean": float(v.mean()), "std": float(v.std(ddof=1)) if v.size > 1 else 0.0,
                       "p5": float(np.quantile(v, 0.05)), "p50": float(np.quantile(v, 0.5)),
                       "p95": float(np.quantile(v, 0.95))}
    out["distribution"] = dist
    if target is None:
        target = next((c for c in ("design_annual_cost", "chain_annual_cost", "screening_cost_per_day") if c in ok),
                      "chain_annual_cost")
    out["target"] = target
    inputs = [p.name for p in spec.parameters]
    tornado: list[dict[str, Any]] = []
    if target in ok and len(ok) > 1:
        y = ok[target].astype(float)
        for name in inputs:
            x = ok[f"in:{name}"]
            num = pd.to_numeric(x, errors="coerce")
            rho = float(y.rank().corr(num.rank())) if num.notna().all() and num.nunique() > 1 else None
            tornado.append({"input": name, "swing": _swing(y, x),
                            "spearman": None if rho is None or np.isnan(rho) else rho})
        tornado.sort(key=lambda r: -abs(r["swing"]) if np.isfinite(r["swing"]) else 0.0)
    out["tornado"] = tornado
    out["sobol"] = None
    if spec.sampling == "sobol" and len(ok) == len(frame) and target in ok:
        from SALib.analyze import sobol

        problem = {"num_vars": len(inputs), "names": inputs, "bounds": [[0.0, 1.0]] * len(inputs)}
        res = sobol.analyze(problem, ok.sort_values("variant")[target].to_numpy(dtype=float),
                            calc_second_order=False, seed=spec.seed)
        out["sobol"] = {n: {"S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]),
                            "ST": float(res["ST"][i]), "ST_conf": float(res["ST_conf"][i])}
                        for i, n in enumerate(inputs)}
    decisions = {}
    for d in _DECISIONS:
        if d not in ok or ok[d].isna().all():
            continue
        s = ok[d].astype(str)
        counts = s.value_counts()
        changers = []
        for name in inputs:
            g = _groups(ok[f"in:{name}"])
            parts = [g[0], g[1]] if isinstance(g, tuple) else [m for _, m in g]
            # A group speaks only when one decision holds most of it (60%): a near tie is noise, not a change.
            modes = set()
            for m in parts:
                if m.any():
                    top = s[m].value_counts()
                    if top.iloc[0] >= _CLEAR * m.sum():
                        modes.add(top.index[0])
            if len(modes) > 1:
                changers.append(name)
        decisions[d] = {"distinct": len(counts), "most_common": str(counts.index[0]),
                        "most_common_share": float(counts.iloc[0] / len(s)), "changed_by": changers}
    out["decisions"] = decisions
    return _finite(out)


def _finite(v: Any) -> Any:
    """The summary with every NaN or infinite number as None (strict JSON: an empty group has no mean)."""
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_finite(x) for x in v]
    if isinstance(v, float) and not np.isfinite(v):
        return None
    return v
