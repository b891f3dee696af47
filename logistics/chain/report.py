"""The typed result of a chain evaluation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from logistics.chain.flows import Flows
    from logistics.scenario import Scenario

__all__ = ["METRICS", "STAGES", "ChainReport"]

#: Cost stages per unit, in chain order; ``rebate`` is subtracted, the others added, to give ``landed_cost``.
STAGES = ("goods", "rebate", "consolidation", "export_clearance", "line_haul", "insurance", "import_duty",
          "import_fees", "warehouse", "last_mile", "partner_fee", "selling_fees", "returns", "income_tax", "export_vat",
          "carrying")

#: Every per-row numeric result with its unit.
METRICS: Mapping[str, str] = MappingProxyType({
    **{k: "currency/unit" for k in STAGES}, "landed_cost": "currency/unit",
    "margin": "currency/unit", "customs_value": "currency/unit", "import_vat": "currency/unit",
    "customer_days_mean": "days", "customer_days_p95": "days", "late_share": "share",
    "lost_sales_share": "share", "margin_with_response": "currency/unit", "replenishment_days": "days",
    "replenishment_std_days": "days",
    "review_days": "days", "boxes_per_batch": "containers", "lcl_share": "share", "pipeline_units": "units",
    "cycle_units": "units", "safety_units": "units", "rebate_days": "days", "cash_days": "days",
    "working_capital": "currency", "meets_promise": "bool",
})


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Per-row results of :func:`logistics.chain.evaluate`.

    Attributes
    ----------
    scenario, currency, date
        What was evaluated and with which rules.
    product, market, channel, route, origin, mode, warehouse_id
        Row labels (arrays of str; ``warehouse_id`` is ``""`` where the route has no overseas warehouse).
    units_per_year, promise_days
        Demand and delivery promise of the row's product and market.
    values
        Every metric of :data:`METRICS` as an array (cost per unit in the scenario currency).
    """

    scenario: str
    currency: str
    date: dt.date
    product: np.ndarray
    market: np.ndarray
    channel: np.ndarray
    route: np.ndarray
    origin: np.ndarray
    mode: np.ndarray
    warehouse_id: np.ndarray
    units_per_year: np.ndarray
    promise_days: np.ndarray
    values: Mapping[str, np.ndarray]

    @classmethod
    def from_arrays(cls, s: Scenario, f: Flows, values: dict[str, Any], date: dt.date) -> ChainReport:
        """Label the arrays of :func:`~logistics.chain.evaluate.compute` with the scenario's ids."""
        routes = f.routes
        prod = np.array([p.id for p in s.products] or [""], dtype=object)
        lab = {
            "market": np.array([r.market for r in routes] or [""], dtype=object),
            "channel": np.array([r.channel.value for r in routes] or [""], dtype=object),
            "route": np.array([r.label for r in routes] or [""], dtype=object),
            "origin": np.array([r.origin for r in routes] or [""], dtype=object),
            "mode": np.array([r.line_haul.mode.value for r in routes] or [""], dtype=object),
            "warehouse_id": np.array([r.warehouse or "" for r in routes] or [""], dtype=object),
        }
        promise = {m.id: m.promise_days for m in s.markets}
        route_promise = np.array([promise[r.market] for r in routes] or [0.0], dtype=float)
        markets = lab["market"][f.route]
        vals = {k: np.atleast_1d(np.asarray(v)) for k, v in values.items()}
        return cls(
            scenario=s.name, currency=s.finance.currency, date=date, product=prod[f.product], market=markets,
            channel=lab["channel"][f.route], route=lab["route"][f.route], origin=lab["origin"][f.route],
            mode=lab["mode"][f.route], warehouse_id=lab["warehouse_id"][f.route],
            units_per_year=np.asarray(f.units_per_year, dtype=float),
            promise_days=route_promise[f.route],
            values=MappingProxyType(vals),
        )

    def __len__(self) -> int:
        return int(self.product.shape[0])

    def __getitem__(self, metric: str) -> np.ndarray:
        return self.values[metric]

    @property
    def annual_cost(self) -> np.ndarray:
        """Landed cost per year of each row if it carried the whole product-market demand."""
        return self.values["landed_cost"] * self.units_per_year

    def to_frame(self) -> pd.DataFrame:
        """All rows as a DataFrame (labels, then every metric)."""
        df = pd.DataFrame({
            "product": self.product, "market": self.market, "channel": self.channel, "route": self.route,
            "origin": self.origin, "mode": self.mode, "warehouse_id": self.warehouse_id,
            "units_per_year": self.units_per_year, "promise_days": self.promise_days,
        })
        for k in METRICS:
            df[k] = self.values[k]
        df["annual_cost"] = self.annual_cost
        return df

    def best_per_channel(self) -> pd.DataFrame:
        """For each product, market and channel, the route with the lowest landed cost.

        Per product and market:

        - ``winner`` marks the cheapest channel whose p95 customer lead time meets the market's promise (or, when
          no channel does, the fastest one, with ``meets_promise`` False);
        - ``runner_up`` names the next channel by the same rule and ``runner_up_gap`` its extra landed cost per
          unit over the winner (NaN when there is no other channel);
        - ``promise_cost`` is the winner's landed cost over the cheapest channel's, promise or not: what the
          promise costs per unit;
        - ``best_with_response`` marks the channel of the highest margin once late deliveries lose sales
          (``margin_with_response``): the promise as a choice rather than a filter.
        """
        df = self.to_frame()
        extra = {"winner": bool, "runner_up": object, "runner_up_gap": float, "promise_cost": float,
                 "best_with_response": bool}
        if df.empty:
            return df.assign(**{k: pd.Series(dtype=v) for k, v in extra.items()})
        df = df.sort_values(["product", "market", "channel", "landed_cost", "route"], kind="stable")
        best = df.groupby(["product", "market", "channel"], sort=False).head(1).reset_index(drop=True)
        best["winner"] = False
        best["runner_up"] = ""
        best["runner_up_gap"] = np.nan
        best["promise_cost"] = 0.0
        best["best_with_response"] = False
        for _, g in best.groupby(["product", "market"], sort=False):
            ok = g[g["meets_promise"]].sort_values("landed_cost", kind="stable")
            late = g[~g["meets_promise"]].sort_values("customer_days_p95", kind="stable")
            order = list(ok.index) + list(late.index)
            pick = order[0]
            best.loc[pick, "winner"] = True
            if len(order) > 1:
                best.loc[g.index, "runner_up"] = best.loc[order[1], "channel"]
                best.loc[g.index, "runner_up_gap"] = best.loc[order[1], "landed_cost"] - best.loc[pick, "landed_cost"]
            best.loc[g.index, "promise_cost"] = best.loc[pick, "landed_cost"] - g["landed_cost"].min()
            best.loc[g["margin_with_response"].idxmax(), "best_with_response"] = True
        return best

    def winner_index(self) -> np.ndarray:
        """Row numbers of the winners, one per product and market in order of first appearance: the same rows as
        :meth:`winners` (the cheapest route per channel, then the cheapest channel that meets the promise, else
        the fastest), without building frames, for callers that evaluate thousands of variants."""
        n = len(self)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        lc = np.asarray(self.values["landed_cost"], dtype=float)
        p95 = np.asarray(self.values["customer_days_p95"], dtype=float)
        ok = np.asarray(self.values["meets_promise"], dtype=bool)
        route = self.route.astype(str)
        channel = self.channel.astype(str)
        pm = np.char.add(np.char.add(self.product.astype(str), "\x1f"), self.market.astype(str))
        order = np.lexsort((route, lc, channel, pm))
        key = np.char.add(np.char.add(pm[order], "\x1f"), channel[order])
        first = np.ones(n, dtype=bool)
        first[1:] = key[1:] != key[:-1]
        reps = order[first]  # the cheapest route of each product, market and channel, in channel order
        out = []
        rep_pm = pm[reps]
        starts = np.flatnonzero(np.r_[True, rep_pm[1:] != rep_pm[:-1]])
        for a, b in zip(starts, np.r_[starts[1:], reps.size], strict=True):
            g = reps[a:b]
            good = g[ok[g]]
            if good.size:
                out.append(good[np.argsort(lc[good], kind="stable")[0]])
            else:
                out.append(g[np.argsort(p95[g], kind="stable")[0]])
        firsts = {k: i for i, k in reversed(list(enumerate(pm)))}
        out.sort(key=lambda r: firsts[pm[r]])
        return np.asarray(out, dtype=np.int64)

    def winners(self) -> pd.DataFrame:
        """One row per product and market: the winning channel and route (see :meth:`best_per_channel`)."""
        b = self.best_per_channel()
        return b[b["winner"]].reset_index(drop=True)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary: best route per channel for each product and market, and the winners."""
        b = self.best_per_channel()
        cols = ["product", "market", "channel", "route", "origin", "mode", "warehouse_id", "units_per_year",
                "promise_days", *METRICS, "annual_cost", "winner", "runner_up", "runner_up_gap", "promise_cost",
                "best_with_response"]
        rows = []
        for rec in b[cols].to_dict(orient="records"):
            rows.append({k: (bool(v) if isinstance(v, np.bool_ | bool) else
                             None if isinstance(v, float) and not np.isfinite(v) else
                             float(v) if isinstance(v, np.floating | float) else v) for k, v in rec.items()})
        return {
            "scenario": self.scenario, "currency": self.currency, "date": self.date.isoformat(),
            "rules_date": self.date.isoformat(), "stages": list(STAGES), "rows": rows,
        }
