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
from types import MappingProxyType

import numpy as np

from logistics.chain.evaluate import compute, flows, gather
from logistics.chain.report import STAGES
from logistics.design.instance import DesignInstance
from logistics.scenario import Scenario
from logistics.scenario.design_data import DesignData
from logistics.scenario.model import CustomsMode

__all__ = ["design_instance"]


def design_instance(s: Scenario, *, date: dt.date | None = None, pooling: bool | None = None,
                    settings: DesignData | None = None, forced_open: frozenset[str] = frozenset(),
                    forced_closed: frozenset[str] = frozenset()) -> DesignInstance:
    """Build the design instance of ``s`` (its ``[design]`` settings unless ``settings`` is given).

    Raises
    ------
    ScenarioError
        When a forced site is unknown, or the chain model cannot price the scenario on ``date``.
    """
    from logistics.errors import ScenarioError

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
        if r.warehouse:
            use_opt.append(k)
            use_site.append(index[r.warehouse])
            use_amount.append(float(units[k]))
        for g in {r.gateway, r.bonded} & hubs:
            use_opt.append(k)
            use_site.append(index[str(g)])
            use_amount.append(float(units[k]) * p.unit_weight_kg)

    markets = sorted(set(demand_market))
    inst = DesignInstance(
        name=s.name, site_ids=tuple(site_ids), site_kind=tuple(kind), site_fixed=np.array(fixed),
        site_capacity=np.array(cap), site_group=tuple(site_ids), demand_ids=tuple(demand_ids),
        demand_qty=np.array(demand_qty), demand_market=tuple(demand_market), opt_demand=opt_demand,
        opt_cost=opt_stage.sum(axis=1), opt_meets=np.asarray(res["meets_promise"], dtype=bool),
        opt_label=tuple(f"{p.id} {r.origin}>{r.market} {r.label}" for p, r in zip(prods, route, strict=True)),
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
    return inst

