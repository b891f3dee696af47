"""The rows the chain model evaluates: (product, channel route) alternatives with their demand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from logistics.errors import ScenarioError
from logistics.scenario import ChannelRoute, CustomsMode, Scenario, channel_routes, resolve_measures

__all__ = ["CHANNEL_CODES", "Flows", "flows"]

#: Integer codes of the channels inside the arrays.
CHANNEL_CODES: dict[CustomsMode, int] = {
    CustomsMode.DIRECT_MAIL: 0,
    CustomsMode.B2B_DIRECT: 1,
    CustomsMode.OVERSEAS_WAREHOUSE: 2,
    CustomsMode.BONDED: 3,
    CustomsMode.MARKET_PROCUREMENT: 4,
}

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Flows:
    """Rows to evaluate: product index and channel-route index into ``routes``; the units per year of each row.

    Rows are alternatives: each carries the whole product-market demand, so that their costs compare.
    """

    product: IntArray
    route: IntArray
    units_per_year: FloatArray
    routes: tuple[ChannelRoute, ...]

    def __len__(self) -> int:
        return int(self.product.shape[0])

    def take(self, idx: IntArray | slice) -> Flows:
        """A subset (or resampling) of the rows."""
        return Flows(self.product[idx], self.route[idx], self.units_per_year[idx], self.routes)


def flows(s: Scenario, *, product: str | None = None, market: str | None = None,
          channel: CustomsMode | None = None) -> Flows:
    """Every (product, channel route) alternative of the scenario with positive demand, optionally filtered.

    Raises
    ------
    ScenarioError
        When a filter names a product or market the scenario does not have.
    """
    s = resolve_measures(s)  # the world without the measures switched off
    pids = [p.id for p in s.products]
    mids = [m.id for m in s.markets]
    if product is not None and product not in pids:
        raise ScenarioError(s.path, "--product", f"unknown product {product!r}", f"use one of {', '.join(pids)}")
    if market is not None and market not in mids:
        raise ScenarioError(s.path, "--market", f"unknown market {market!r}", f"use one of {', '.join(mids)}")
    routes = channel_routes(s)
    rows_p, rows_r, rows_u = [], [], []
    supply = {o.id: o.supply_per_year for o in s.origins}
    demand = {m.id: m.demand_per_year for m in s.markets}
    for pi, p in enumerate(s.products):
        if product is not None and p.id != product:
            continue
        for ri, r in enumerate(routes):
            if market is not None and r.market != market:
                continue
            if channel is not None and r.channel != channel:
                continue
            units = demand[r.market].get(p.id, 0.0)
            if units > 0 and supply[r.origin].get(p.id, 0.0) > 0:
                rows_p.append(pi)
                rows_r.append(ri)
                rows_u.append(units)
    return Flows(np.asarray(rows_p, dtype=np.int64), np.asarray(rows_r, dtype=np.int64),
                 np.asarray(rows_u, dtype=float), routes)
