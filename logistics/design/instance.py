"""The network-design instance, a plan, and the independent evaluator of a plan.

One :class:`DesignInstance` type serves the Guangzhou scenario (built by :mod:`logistics.design.scenario` from the
chain model) and OR-Library capacitated facility location files (:mod:`logistics.design.orlib`):

* **sites** can be opened at a fixed cost per year and have a capacity; a site of kind ``origin`` is always open.
  Sites sharing a ``group`` are alternative sizes of one location: at most one of them opens;
* **demands** (a product in a market, or a CFLP customer) have a quantity per year;
* **options** are the ways to serve a demand (a channel route; a CFLP facility), each with its annual cost if the
  whole demand took it, split by chain stage, whether it meets the market's delivery promise, and the capacity it
  uses at each site it passes;
* **pooling terms**: the safety stock of one product at one overseas warehouse, ``coef * sqrt(sum var_o x_o)``
  over the options ``o`` stocked there (Daskin, Coullard and Shen 2002), where ``x_o`` is the option's share of
  its demand and ``var_o`` is ``(z sigma_o)^2``, the squared safety stock the option would need alone. A share
  ``x`` of an order stream assigned order by order is a thinned stream whose variance is ``x`` times the whole
  stream's, hence the linear pooled variance.

:func:`evaluate` recomputes the objective of any plan from these data alone and raises on infeasibility; the tests
use it as the oracle of the MIP.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from logistics.errors import OwlError

__all__ = ["DesignInstance", "Evaluation", "InfeasiblePlanError", "Plan", "evaluate"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
_TOL = 1e-6


class InfeasiblePlanError(OwlError):
    """A plan breaks a constraint of its instance; the message says which."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class DesignInstance:
    """Immutable network-design data (see the module docstring). Options and usages are flat arrays."""

    name: str
    site_ids: tuple[str, ...]
    site_kind: tuple[str, ...]  # "warehouse", "hub", "origin" or "facility" (CFLP)
    site_fixed: FloatArray
    site_capacity: FloatArray  # inf when unlimited
    site_group: tuple[str, ...]
    demand_ids: tuple[str, ...]
    demand_qty: FloatArray
    demand_market: tuple[str, ...]
    opt_demand: IntArray
    opt_cost: FloatArray  # annual cost when the whole demand takes the option
    opt_meets: NDArray[np.bool_]
    opt_label: tuple[str, ...]
    use_opt: IntArray  # capacity usage triples: option, site, amount at a full share
    use_site: IntArray
    use_amount: FloatArray
    stage_names: tuple[str, ...] = ()
    opt_stage_cost: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # options x stages
    pool_site: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # per term
    pool_coef: FloatArray = field(default_factory=lambda: np.zeros(0))  # per term, cost per unit of sqrt(V)
    pool_label: tuple[str, ...] = ()
    pm_term: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # members: term, option, var
    pm_opt: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pm_var: FloatArray = field(default_factory=lambda: np.zeros(0))
    service_target: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    service_penalty: float | None = None  # cost per unit of demand short of the target; None: hard constraint
    forced_open: frozenset[str] = frozenset()
    forced_closed: frozenset[str] = frozenset()
    min_open: int = 0  # counts sites of kind warehouse or facility
    max_open: int | None = None
    budget: float | None = None  # cap on the fixed costs of the open sites
    single_sourcing: bool = False
    site_lat: FloatArray = field(default_factory=lambda: np.zeros(0))
    site_lon: FloatArray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_sites(self) -> int:
        return len(self.site_ids)

    @property
    def n_options(self) -> int:
        return len(self.opt_demand)

    @property
    def openable(self) -> NDArray[np.bool_]:
        """Sites with an open/close decision (origins are always open)."""
        return np.array([k != "origin" for k in self.site_kind])

    @property
    def counted(self) -> NDArray[np.bool_]:
        """Sites counted by ``min_open`` / ``max_open`` (warehouses, CFLP facilities)."""
        return np.array([k in ("warehouse", "facility") for k in self.site_kind])

    @property
    def is_plain_cflp(self) -> bool:
        """One site per option, no pooling, no side constraints: the textbook capacitated facility location."""
        return (len(self.use_opt) == self.n_options and np.array_equal(np.sort(self.use_opt), np.arange(self.n_options))
                and len(self.pool_site) == 0 and not self.service_target and self.max_open is None
                and self.min_open == 0 and self.budget is None and not self.forced_open and not self.forced_closed
                and not self.single_sourcing and len(set(self.site_group)) == self.n_sites
                and bool(np.all(self.openable)))

    def site_index(self, site: str) -> int:
        try:
            return self.site_ids.index(site)
        except ValueError:
            raise KeyError(site) from None


@dataclass(frozen=True, slots=True)
class Plan:
    """Which sites are open and what share of each demand each option carries."""

    open_sites: frozenset[str]
    shares: FloatArray  # per option


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A plan's cost and service, recomputed from the instance data alone."""

    objective: float
    fixed: float
    variable: float
    pooling: float
    shortfall_penalty: float
    by_stage: Mapping[str, float]
    service: Mapping[str, float]  # market -> share of its demand on options that meet the promise
    site_load: Mapping[str, float]  # site -> capacity used


def pooled_cost(inst: DesignInstance, shares: FloatArray) -> FloatArray:
    """Cost of each pooling term for the given option shares: ``coef * sqrt(sum var_o x_o)``."""
    v = np.zeros(len(inst.pool_site))
    np.add.at(v, inst.pm_term, inst.pm_var * shares[inst.pm_opt])
    return inst.pool_coef * np.sqrt(np.maximum(v, 0.0))


def evaluate(inst: DesignInstance, plan: Plan, *, tol: float = _TOL) -> Evaluation:
    """Recompute the objective of ``plan`` and check every constraint of ``inst``.

    Raises
    ------
    InfeasiblePlanError
        Naming the first constraint the plan breaks (demand not met, a closed site used, a capacity exceeded,
        a hard service target missed, forced sites, counts, budget, single sourcing).
    """
    x = np.asarray(plan.shares, dtype=float)
    if x.shape != (inst.n_options,) or np.any(x < -tol):
        raise InfeasiblePlanError(f"{inst.name}: shares must be {inst.n_options} non-negative numbers")
    unknown = plan.open_sites - set(inst.site_ids)
    if unknown:
        raise InfeasiblePlanError(f"{inst.name}: unknown sites {sorted(unknown)}")
    y = np.array([s in plan.open_sites or k == "origin" for s, k in zip(inst.site_ids, inst.site_kind, strict=True)])
    served = np.zeros(len(inst.demand_ids))
    np.add.at(served, inst.opt_demand, x)
    bad = np.nonzero(np.abs(served - 1) > tol)[0]
    if bad.size:
        raise InfeasiblePlanError(f"{inst.name}: demand {inst.demand_ids[bad[0]]} is served {served[bad[0]]:.6f} "
                                  "times, not once")
    load = np.zeros(inst.n_sites)
    np.add.at(load, inst.use_site, inst.use_amount * x[inst.use_opt])
    used_closed = np.nonzero((load > tol) & ~y)[0]
    if used_closed.size:
        raise InfeasiblePlanError(f"{inst.name}: closed site {inst.site_ids[used_closed[0]]} carries flow")
    over = np.nonzero(load > inst.site_capacity * (1 + tol) + tol)[0]
    if over.size:
        s = over[0]
        raise InfeasiblePlanError(f"{inst.name}: site {inst.site_ids[s]} carries {load[s]:,.2f}, over its capacity "
                                  f"{inst.site_capacity[s]:,.2f}")
    for group in set(inst.site_group):
        members = [i for i, g in enumerate(inst.site_group) if g == group]
        if int(y[members].sum()) > 1 and len(members) > 1:
            raise InfeasiblePlanError(f"{inst.name}: more than one size open at {group}")
    if inst.forced_open - plan.open_sites:
        shut = sorted(inst.forced_open - plan.open_sites)
        raise InfeasiblePlanError(f"{inst.name}: forced-open sites closed: {shut}")
    if inst.forced_closed & plan.open_sites:
        shut = sorted(inst.forced_closed & plan.open_sites)
        raise InfeasiblePlanError(f"{inst.name}: forced-closed sites open: {shut}")
    n_open = int((y & inst.counted).sum())
    if n_open < inst.min_open or (inst.max_open is not None and n_open > inst.max_open):
        raise InfeasiblePlanError(f"{inst.name}: {n_open} warehouses open, allowed {inst.min_open}.."
                                  f"{inst.max_open if inst.max_open is not None else 'any'}")
    fixed = float(inst.site_fixed[y & inst.openable].sum())
    if inst.budget is not None and fixed > inst.budget * (1 + tol) + tol:
        raise InfeasiblePlanError(f"{inst.name}: fixed costs {fixed:,.2f} exceed the budget {inst.budget:,.2f}")
    if inst.single_sourcing:
        split = np.nonzero((x > tol) & (x < 1 - tol))[0]
        if split.size:
            raise InfeasiblePlanError(f"{inst.name}: demand {inst.demand_ids[inst.opt_demand[split[0]]]} is split "
                                      "under single sourcing")
    service: dict[str, float] = {}
    penalty = 0.0
    markets = np.array(inst.demand_market)
    met = np.zeros(len(inst.demand_ids))
    np.add.at(met, inst.opt_demand, x * inst.opt_meets)
    for m in sorted(set(inst.demand_market)):
        if not m:
            continue
        rows = markets == m
        total = float(inst.demand_qty[rows].sum())
        share = float((met[rows] * inst.demand_qty[rows]).sum() / total) if total > 0 else 1.0
        service[m] = share
        target = inst.service_target.get(m)
        if target is not None and share < target - tol:
            if inst.service_penalty is None:
                raise InfeasiblePlanError(f"{inst.name}: market {m} gets {share:.4f} of its demand within the "
                                          f"promise, below the target {target:.4f}")
            penalty += inst.service_penalty * (target - share) * total
    variable = float(inst.opt_cost @ x)
    pooling = float(pooled_cost(inst, x).sum())
    by_stage: dict[str, float] = {}
    if inst.stage_names:
        for k, name in enumerate(inst.stage_names):
            by_stage[name] = float(inst.opt_stage_cost[:, k] @ x)
    if len(inst.pool_site):
        by_stage["safety stock (pooled)"] = pooling
    by_stage["fixed"] = fixed
    site_load = {inst.site_ids[s]: float(load[s]) for s in range(inst.n_sites) if load[s] > tol}
    return Evaluation(fixed + variable + pooling + penalty, fixed, variable, pooling, penalty,
                      MappingProxyType(by_stage), MappingProxyType(service), MappingProxyType(site_load))
