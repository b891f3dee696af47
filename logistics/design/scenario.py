"""A :class:`DesignInstance` from a Scenario, priced by the chain model.

Demands are the (product, market) pairs with demand; options are the chain model's flows (a product on a channel
route from one seller cluster), each priced at ``units x landed cost per unit`` a year. Sites:

* each overseas warehouse (fixed cost, throughput capacity in units a year) — 9810 routes pass one;
* each ``[[design.hubs]]`` gateway (fixed cost, capacity in kg a year) — routes leaving from it or passing its
  bonded zone use it; other gateways are always available;
* each (seller cluster, product) with its supply a year as capacity, always open.

With pooling on (the default), a 9810 option's safety stock is taken out of its per-unit cost and priced by the
pooling term of its product at its warehouse, ``cost_of_capital x (purchase value - rebate) x z sqrt(sum x_o
sigma_o^2)``, where ``z sigma_o`` is the safety stock the chain model gives the option alone. Everything else the
chain model computes per flow (including storage fees for the dwell a flow's own safety stock causes) stays per
flow. With pooling off, every option keeps its own safety stock as the chain model prices it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import overload

import numpy as np
from numpy.typing import NDArray

from logistics.chain import STAGES, Flows, compute, flows, gather
from logistics.design.instance import DesignInstance
from logistics.errors import ScenarioError
from logistics.scenario import ChannelRoute, CustomsMode, DesignData, Scenario, resolve_measures
from networks import Mode

__all__ = ["ChosenFlow", "DesignOption", "LazyOptions", "ScenarioDesign", "design_instance", "scenario_design"]


@dataclass(frozen=True, slots=True)
class DesignOption:
    """One option of a scenario's design: a product taking one chain route to one market.

    The fields name the route's parts so that no caller has to parse the label or look the route up by position.

    Attributes
    ----------
    index
        The option's index in the :class:`DesignInstance` (``opt_*`` arrays, ``Plan.shares``).
    product, market
        The product id and market id of the demand it serves.
    channel, mode
        The customs channel (9610, 9710, 9810, 1210) and the line-haul mode (``ocean_fcl``, ``post``...).
    origin, gateway, bonded, entry, warehouse
        Seller cluster, China-side gateway where goods leave, the bonded zone (1210 only), the destination entry
        and the overseas warehouse (9810 only); ``None`` where the route has none.
    route
        The chain model's route itself (its legs and line-haul lane).
    label
        The option's label in the instance (``opt_label``): ``"<product> <origin>><market> <route label>"``.
    """

    index: int
    product: str
    market: str
    channel: CustomsMode
    mode: Mode
    origin: str
    gateway: str
    bonded: str | None
    entry: str | None
    warehouse: str | None
    route: ChannelRoute
    label: str

    @property
    def stops(self) -> tuple[str, ...]:
        """The places a map draws the option through: origin, gateway, the warehouse if any, market."""
        return (self.origin, self.gateway, *((self.warehouse,) if self.warehouse else ()), self.market)

    @classmethod
    def of(cls, index: int, product: str, route: ChannelRoute) -> DesignOption:
        """The option of ``product`` on ``route`` at position ``index`` of its instance."""
        return cls(index=index, product=product, market=route.market, channel=route.channel,
                   mode=route.line_haul.mode, origin=route.origin, gateway=route.gateway,
                   bonded=route.bonded, entry=route.entry, warehouse=route.warehouse, route=route,
                   label=f"{product} {route.origin}>{route.market} {route.label}")


@dataclass(frozen=True, slots=True)
class ChosenFlow:
    """An option a design plan uses: its route, the share of its demand it carries and the units a year."""

    option: DesignOption
    share: float
    units_per_year: float

    @property
    def product(self) -> str:
        return self.option.product

    @property
    def channel(self) -> str:
        return str(self.option.channel)

    @property
    def mode(self) -> str:
        return str(self.option.mode)

    @property
    def gateway(self) -> str:
        return self.option.gateway


class LazyOptions(Sequence[DesignOption]):
    """The options of a scenario design, made when first asked for (there are millions at real sizes) and then
    kept, so the same index always gives the same object."""

    def __init__(self, product_ids: tuple[str, ...], routes: tuple[ChannelRoute, ...], product: NDArray[np.int64],
                 route: NDArray[np.int64], labels: tuple[str, ...]) -> None:
        self._pids, self._routes, self._p, self._r, self._labels = product_ids, routes, product, route, labels
        self._made: dict[int, DesignOption] = {}

    def __len__(self) -> int:
        return len(self._p)

    @overload
    def __getitem__(self, k: int) -> DesignOption: ...

    @overload
    def __getitem__(self, k: slice) -> tuple[DesignOption, ...]: ...

    def __getitem__(self, k: int | slice) -> DesignOption | tuple[DesignOption, ...]:
        if isinstance(k, slice):
            return tuple(self[i] for i in range(*k.indices(len(self))))
        if not -len(self) <= k < len(self):
            raise IndexError(f"option {k} of {len(self)}")
        k = k % len(self)
        hit = self._made.get(k)
        if hit is None:
            route = self._routes[int(self._r[k])]
            hit = DesignOption.of(k, self._pids[int(self._p[k])], route)
            self._made[k] = hit
        return hit


@dataclass(frozen=True, slots=True)
class ScenarioDesign:
    """A design instance built from a scenario, with the chain route, product and market of every option.

    Pass it to :func:`~logistics.design.solve_design`; the result then answers :meth:`DesignResult.option` and
    :meth:`DesignResult.chosen_flows` with these typed options.

    Raises
    ------
    ValueError
        When the options do not match the instance one to one (count, index, label, demand).
    """

    instance: DesignInstance
    options: Sequence[DesignOption]

    def __post_init__(self) -> None:
        inst = self.instance
        if len(self.options) != inst.n_options:
            raise ValueError(f"{inst.name}: {len(self.options)} options for {inst.n_options} instance options")
        if isinstance(self.options, LazyOptions):
            return  # made from the instance's own arrays
        for k, o in enumerate(self.options):
            demand = inst.demand_ids[int(inst.opt_demand[k])]
            if o.index != k or o.label != inst.opt_label[k] or demand != f"{o.product}@{o.market}":
                raise ValueError(f"{inst.name}: option {k} is {o.label!r} (index {o.index}) but the instance has "
                                 f"{inst.opt_label[k]!r} for demand {demand!r}")

    def option(self, k: int) -> DesignOption:
        """The chain route, product and market of option ``k``."""
        return self.options[k]


_CHUNK = 250_000  # flows priced at a time: the chain model's inputs and results take about 1.4 kB per flow


def _priced(s: Scenario, f: Flows, date: dt.date | None) -> dict[str, NDArray[np.float64]]:
    """The chain model's results the design reads, for every flow, priced a chunk at a time so that memory
    stays bounded at millions of flows (each flow is priced from its own inputs, so chunks do not interact)."""
    need = (*STAGES, "landed_cost", "meets_promise", "safety_units")
    out = {k: np.empty(len(f)) for k in need}
    for start in range(0, len(f), _CHUNK):
        part = slice(start, min(start + _CHUNK, len(f)))
        res = compute(gather(s, f.take(part), date=date))
        for k in need:
            out[k][part] = np.asarray(res[k], dtype=float)
        del res
    return out


def design_instance(s: Scenario, *, date: dt.date | None = None, pooling: bool | None = None,
                    settings: DesignData | None = None, forced_open: frozenset[str] = frozenset(),
                    forced_closed: frozenset[str] = frozenset()) -> DesignInstance:
    """The :class:`DesignInstance` of :func:`scenario_design` alone (for callers that need no routes)."""
    return scenario_design(s, date=date, pooling=pooling, settings=settings, forced_open=forced_open,
                           forced_closed=forced_closed).instance


def scenario_design(s: Scenario, *, date: dt.date | None = None, pooling: bool | None = None,
                    settings: DesignData | None = None, forced_open: frozenset[str] = frozenset(),
                    forced_closed: frozenset[str] = frozenset()) -> ScenarioDesign:
    """Build the design of ``s`` (its ``[design]`` settings unless ``settings`` is given) with its options' routes.

    Raises
    ------
    ScenarioError
        When a forced site is unknown, or the chain model cannot price the scenario on ``date``.

    Examples
    --------
    >>> from logistics import builtin
    >>> d = scenario_design(builtin())
    >>> o = d.option(0)
    >>> (o.product, o.market) == tuple(d.instance.demand_ids[d.instance.opt_demand[0]].split("@"))
    True
    """
    s = resolve_measures(s)  # the world without the measures switched off
    cfg = settings or s.design or DesignData()
    pool = cfg.pooling if pooling is None else pooling
    f = flows(s)
    res = _priced(s, f, date)
    routes = f.routes
    units = np.asarray(f.units_per_year, dtype=float)
    r_of = np.asarray(f.route, dtype=np.int64)
    p_of = np.asarray(f.product, dtype=np.int64)
    n = len(f)

    # Sites: warehouses, decision hubs, (origin, product) supplies.
    site_ids: list[str] = []
    kind: list[str] = []
    fixed: list[float] = []
    cap: list[float] = []
    lat: list[float] = []
    lon: list[float] = []
    gw = {g.id: g for g in s.gateways}
    for w in s.warehouses:
        site_ids.append(w.id)
        kind.append("warehouse")
        fixed.append(w.fixed_cost_per_year)
        cap.append(w.throughput_units_per_year)
        lat.append(w.lat)
        lon.append(w.lon)
    for h in cfg.hubs:
        site_ids.append(h.gateway)
        kind.append("hub")
        fixed.append(h.fixed_cost_per_year)
        cap.append(h.capacity_kg_per_year)
        lat.append(gw[h.gateway].lat)
        lon.append(gw[h.gateway].lon)
    origin_site: dict[tuple[str, str], int] = {}
    for o in s.origins:
        for pid, supply in o.supply_per_year.items():
            if supply > 0:
                origin_site[(o.id, pid)] = len(site_ids)
                site_ids.append(f"{o.id}/{pid}")
                kind.append("origin")
                fixed.append(0.0)
                cap.append(supply)
                lat.append(o.lat)
                lon.append(o.lon)
    index = {sid: i for i, sid in enumerate(site_ids)}
    for label, names in (("--force-open", forced_open), ("--force-closed", forced_closed)):
        bad = sorted(n for n in names if n not in index or kind[index[n]] == "origin")
        if bad:
            choices = ", ".join(sid for sid, k in zip(site_ids, kind, strict=True) if k != "origin")
            raise ScenarioError(s.path, label, f"unknown site {bad[0]!r}", f"use one of {choices}")

    # Per route (far fewer than options): its market, warehouse site, hub sites and label; per option by index.
    hubs = {h.gateway for h in cfg.hubs}
    market_ids = [m.id for m in s.markets]
    m_index = {m: i for i, m in enumerate(market_ids)}
    route_market = np.array([m_index[r.market] for r in routes], dtype=np.int64)
    route_wh = np.array([index[r.warehouse] if r.warehouse else -1 for r in routes], dtype=np.int64)
    route_hubs = [sorted(index[str(g)] for g in {r.gateway, r.bonded} & hubs) for r in routes]
    route_owh = np.array([r.channel == CustomsMode.OVERSEAS_WAREHOUSE for r in routes], dtype=bool)
    route_text = [f"{r.origin}>{r.market} {r.label}" for r in routes]
    product_ids = [p.id for p in s.products]
    weight = np.array([p.unit_weight_kg for p in s.products])
    peak = np.array([p.peak_factor for p in s.products])
    purchase = np.array([p.purchase_value for p in s.products])

    # Demands, in the order they first appear among the flows.
    key = p_of * len(market_ids) + route_market[r_of]
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    opt_demand = rank[inverse].astype(np.int64)
    d_first = first[order]
    demand_ids = [f"{product_ids[p_of[k]]}@{market_ids[route_market[r_of[k]]]}" for k in d_first.tolist()]
    demand_qty = units[d_first]
    demand_market = [market_ids[route_market[r_of[k]]] for k in d_first.tolist()]

    stage_cols = [np.asarray(res[name], dtype=float) * (-1.0 if name == "rebate" else 1.0) for name in STAGES]
    per_unit = np.column_stack(stage_cols)
    del stage_cols
    landed = np.asarray(res["landed_cost"], dtype=float)
    # Whatever the chain model adds outside the named stages (drayage, say) goes to line haul, so the stages
    # always add up to the landed cost.
    per_unit[:, STAGES.index("line_haul")] += landed - per_unit.sum(axis=1)
    is_owh = route_owh[r_of]
    safety = np.asarray(res["safety_units"], dtype=float)
    value = purchase[p_of] - np.asarray(res["rebate"], dtype=float)
    coc = s.finance.cost_of_capital
    pool_keys: dict[tuple[str, str], int] = {}
    pm_opt = np.zeros(0, dtype=np.int64)
    pm_term = np.zeros(0, dtype=np.int64)
    pm_var = np.zeros(0)
    pool_coef: list[float] = []
    pool_site: list[int] = []
    if pool:
        # Annual carrying cost of the safety stock is coc x value x SS: out of the flow, into its pooling term.
        own = np.where(is_owh, coc * value * safety, 0.0)
        per_unit[:, STAGES.index("carrying")] -= own / np.maximum(units, 1e-12)
        pm_opt = np.nonzero(is_owh)[0].astype(np.int64)
        tkey = p_of[pm_opt] * len(site_ids) + route_wh[r_of[pm_opt]]
        t_uniq, t_first, t_inv = np.unique(tkey, return_index=True, return_inverse=True)
        t_order = np.argsort(t_first, kind="stable")
        t_rank = np.empty(len(t_uniq), dtype=np.int64)
        t_rank[t_order] = np.arange(len(t_uniq))
        pm_term = t_rank[t_inv].astype(np.int64)
        for k in pm_opt[t_first[t_order]].tolist():
            ws = int(route_wh[r_of[k]])
            pool_keys[(product_ids[p_of[k]], site_ids[ws])] = len(pool_coef)
            pool_coef.append(coc * float(value[k]))
            pool_site.append(ws)
        pm_var = safety[pm_opt] ** 2
    opt_stage = per_unit * units[:, None]
    del per_unit

    # Capacity use: the origin's supply (yearly units), the warehouse and hubs at the peak season's rate (their
    # yearly capacities are sized for it, so a flow uses peak_factor times its yearly mean).
    route_origin = [r.origin for r in routes]
    n_p = len(product_ids)
    pairs, pair_inv = np.unique(r_of * n_p + p_of, return_inverse=True)
    pair_site = np.array([origin_site[(route_origin[q // n_p], product_ids[q % n_p])] for q in pairs.tolist()],
                         dtype=np.int64)
    o_site = pair_site[pair_inv]
    all_opts = np.arange(n, dtype=np.int64)
    w_opts = np.nonzero(route_wh[r_of] >= 0)[0]
    use_parts_o = [all_opts, w_opts]
    use_parts_s = [o_site, route_wh[r_of[w_opts]]]
    use_parts_a = [units, units[w_opts] * peak[p_of[w_opts]]]
    n_hubs = np.array([len(h) for h in route_hubs], dtype=np.int64)
    for j in range(int(n_hubs.max(initial=0))):
        on = np.nonzero(n_hubs[r_of] > j)[0]
        hub_j = np.array([h[j] if len(h) > j else -1 for h in route_hubs], dtype=np.int64)
        use_parts_o.append(on)
        use_parts_s.append(hub_j[r_of[on]])
        use_parts_a.append(units[on] * weight[p_of[on]] * peak[p_of[on]])
    use_opt = np.concatenate(use_parts_o)
    order_u = np.argsort(use_opt, kind="stable")  # by option, as the instance's readers expect
    use_opt = use_opt[order_u]
    use_site = np.concatenate(use_parts_s)[order_u]
    use_amount = np.concatenate(use_parts_a)[order_u]

    markets = sorted(set(demand_market))
    labels = tuple(f"{product_ids[p]} {route_text[r]}" for p, r in zip(p_of.tolist(), r_of.tolist(), strict=True))
    options = LazyOptions(tuple(s.products[i].id for i in range(len(s.products))), routes, p_of, r_of, labels)
    inst = DesignInstance(
        name=s.name, site_ids=tuple(site_ids), site_kind=tuple(kind), site_fixed=np.array(fixed),
        site_capacity=np.array(cap), site_group=tuple(site_ids), demand_ids=tuple(demand_ids),
        demand_qty=np.array(demand_qty), demand_market=tuple(demand_market), opt_demand=opt_demand,
        opt_cost=opt_stage.sum(axis=1), opt_meets=np.asarray(res["meets_promise"], dtype=bool),
        opt_label=labels, use_opt=use_opt, use_site=use_site,
        use_amount=use_amount, stage_names=tuple(STAGES), opt_stage_cost=opt_stage,
        pool_site=np.array(pool_site, dtype=np.int64), pool_coef=np.array(pool_coef),
        pool_label=tuple(f"{p}@{w}" for p, w in pool_keys),
        pm_term=pm_term, pm_opt=pm_opt, pm_var=pm_var,
        service_target=MappingProxyType({m: cfg.service_target for m in markets} if cfg.service_target > 0 else {}),
        service_penalty=cfg.service_penalty, forced_open=frozenset(forced_open),
        forced_closed=frozenset(forced_closed), min_open=cfg.min_warehouses, max_open=cfg.max_warehouses,
        budget=cfg.budget, single_sourcing=cfg.single_sourcing, site_lat=np.array(lat), site_lon=np.array(lon),
    )
    return ScenarioDesign(inst, options)

