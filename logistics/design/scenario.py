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
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from logistics.chain import STAGES, compute, flows, gather
from logistics.design.instance import DesignInstance
from logistics.errors import ScenarioError
from logistics.scenario import ChannelRoute, CustomsMode, DesignData, Scenario
from networks import Mode

__all__ = ["ChosenFlow", "DesignOption", "ScenarioDesign", "design_instance", "scenario_design"]


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
    options: tuple[DesignOption, ...]

    def __post_init__(self) -> None:
        inst = self.instance
        if len(self.options) != inst.n_options:
            raise ValueError(f"{inst.name}: {len(self.options)} options for {inst.n_options} instance options")
        for k, o in enumerate(self.options):
            demand = inst.demand_ids[int(inst.opt_demand[k])]
            if o.index != k or o.label != inst.opt_label[k] or demand != f"{o.product}@{o.market}":
                raise ValueError(f"{inst.name}: option {k} is {o.label!r} (index {o.index}) but the instance has "
                                 f"{inst.opt_label[k]!r} for demand {demand!r}")

    def option(self, k: int) -> DesignOption:
        """The chain route, product and market of option ``k``."""
        return self.options[k]


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
    cfg = settings or s.design or DesignData()
    pool = cfg.pooling if pooling is None else pooling
    f = flows(s)
    x = gather(s, f, date=date)
    res = compute(x)
    routes = f.routes
    units = np.asarray(f.units_per_year, dtype=float)
    route = [routes[int(r)] for r in f.route]
    prods = [s.products[int(p)] for p in f.product]

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

    # Demands and options.
    demand_index: dict[tuple[str, str], int] = {}
    demand_ids: list[str] = []
    demand_qty: list[float] = []
    demand_market: list[str] = []
    opt_demand = np.empty(len(f), dtype=np.int64)
    for k, (p, r) in enumerate(zip(prods, route, strict=True)):
        key = (p.id, r.market)
        if key not in demand_index:
            demand_index[key] = len(demand_ids)
            demand_ids.append(f"{p.id}@{r.market}")
            demand_qty.append(float(units[k]))
            demand_market.append(r.market)
        opt_demand[k] = int(demand_index[key])

    stage_cols = [np.asarray(res[name], dtype=float) * (-1.0 if name == "rebate" else 1.0) for name in STAGES]
    per_unit = np.column_stack(stage_cols)
    landed = np.asarray(res["landed_cost"], dtype=float)
    # Whatever the chain model adds outside the named stages (drayage, say) goes to line haul, so the stages
    # always add up to the landed cost.
    per_unit[:, STAGES.index("line_haul")] += landed - per_unit.sum(axis=1)
    is_owh = np.array([r.channel == CustomsMode.OVERSEAS_WAREHOUSE for r in route])
    safety = np.asarray(res["safety_units"], dtype=float)
    value = np.array([p.purchase_value for p in prods]) - np.asarray(res["rebate"], dtype=float)
    coc = s.finance.cost_of_capital
    pool_keys: dict[tuple[str, str], int] = {}
    pm_term, pm_opt, pm_var = [], [], []
    pool_coef: list[float] = []
    pool_site: list[int] = []
    if pool:
        # Annual carrying cost of the safety stock is coc x value x SS: out of the flow, into its pooling term.
        own = np.where(is_owh, coc * value * safety, 0.0)
        per_unit[:, STAGES.index("carrying")] -= own / np.maximum(units, 1e-12)
        for k in (int(i) for i in np.nonzero(is_owh)[0]):
            key = (prods[k].id, route[k].warehouse or "")
            if key not in pool_keys:
                pool_keys[key] = len(pool_coef)
                pool_coef.append(coc * float(value[k]))
                pool_site.append(index[key[1]])
            pm_term.append(pool_keys[key])
            pm_opt.append(int(k))
            pm_var.append(float(safety[k]) ** 2)
    opt_stage = per_unit * units[:, None]

    use_opt, use_site, use_amount = [], [], []
    hubs = {h.gateway for h in cfg.hubs}
    for k, (p, r) in enumerate(zip(prods, route, strict=True)):
        use_opt.append(k)
        use_site.append(origin_site[(r.origin, p.id)])
        use_amount.append(float(units[k]))
        # Warehouses and hubs must handle the peak season's rate: their yearly capacities are sized for it, so a
        # flow uses peak_factor times its yearly mean (supply at the origin is yearly, not seasonal).
        if r.warehouse:
            use_opt.append(k)
            use_site.append(index[r.warehouse])
            use_amount.append(float(units[k]) * p.peak_factor)
        for g in {r.gateway, r.bonded} & hubs:
            use_opt.append(k)
            use_site.append(index[str(g)])
            use_amount.append(float(units[k]) * p.unit_weight_kg * p.peak_factor)

    markets = sorted(set(demand_market))
    options = tuple(DesignOption.of(k, p.id, r) for k, (p, r) in enumerate(zip(prods, route, strict=True)))
    inst = DesignInstance(
        name=s.name, site_ids=tuple(site_ids), site_kind=tuple(kind), site_fixed=np.array(fixed),
        site_capacity=np.array(cap), site_group=tuple(site_ids), demand_ids=tuple(demand_ids),
        demand_qty=np.array(demand_qty), demand_market=tuple(demand_market), opt_demand=opt_demand,
        opt_cost=opt_stage.sum(axis=1), opt_meets=np.asarray(res["meets_promise"], dtype=bool),
        opt_label=tuple(o.label for o in options),
        use_opt=np.array(use_opt, dtype=np.int64), use_site=np.array(use_site, dtype=np.int64),
        use_amount=np.array(use_amount), stage_names=tuple(STAGES), opt_stage_cost=opt_stage,
        pool_site=np.array(pool_site, dtype=np.int64), pool_coef=np.array(pool_coef),
        pool_label=tuple(f"{p}@{w}" for p, w in pool_keys),
        pm_term=np.array(pm_term, dtype=np.int64), pm_opt=np.array(pm_opt, dtype=np.int64), pm_var=np.array(pm_var),
        service_target=MappingProxyType({m: cfg.service_target for m in markets} if cfg.service_target > 0 else {}),
        service_penalty=cfg.service_penalty, forced_open=frozenset(forced_open),
        forced_closed=frozenset(forced_closed), min_open=cfg.min_warehouses, max_open=cfg.max_warehouses,
        budget=cfg.budget, single_sourcing=cfg.single_sourcing, site_lat=np.array(lat), site_lon=np.array(lon),
    )
    return ScenarioDesign(inst, options)

