"""Exact reductions of a design instance before the MIP: capacities that can never bind, and options that can
never be chosen.

Both keep every optimal plan of the instance (and every plan the runner-up search may return) available:

* **Redundant capacities.** A site whose capacity holds even if every demand took the option using the most of
  it cannot bind. An always-open site (a seller cluster's supply) with such a capacity is dropped from the
  options' usages altogether; an openable one keeps its link rows but loses its capacity row.
* **Dominated options.** Two options of the same demand that use the same sites (hence the same amounts: the
  amount an option uses at a site follows from its demand alone) and stock in the same pooling term differ only
  in cost, promise and pooled variance. An option dearer than another, no better on the promise and with no less
  variance can be replaced by it in any plan without raising the cost (the pooled cost grows with the variance)
  or breaking a constraint, so it is dropped: typically the routes through other gateways and lanes to the same
  warehouse, which the chain model prices higher and slower.

:class:`Reduction` maps plans between the two instances; the original instance's evaluator stays the judge of
every plan's cost.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from logistics.design.instance import DesignInstance, Plan

__all__ = ["Reduction", "reduce_instance"]

IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Reduction:
    """A reduced instance and the original option each of its options is."""

    original: DesignInstance
    instance: DesignInstance
    kept: IntArray  # reduced option k is original option kept[k]
    stats: dict[str, float]

    def lift(self, plan: Plan) -> Plan:
        """The reduced instance's ``plan`` as a plan of the original instance."""
        shares = np.zeros(self.original.n_options)
        shares[self.kept] = plan.shares
        return Plan(plan.open_sites, shares)


def most_per_demand(inst: DesignInstance, group: IntArray, option: IntArray, value: NDArray[np.float64],
                    n_groups: int) -> NDArray[np.float64]:
    """Per group (a site, a pooling term), the sum over demands of the largest ``value`` among the demand's
    options in the group: what the group carries at most, since the shares of a demand add up to one."""
    n_dem = len(inst.demand_ids)
    key = group * n_dem + inst.opt_demand[option]
    out = np.zeros(n_groups)
    if not len(key):
        return out
    order = np.argsort(key, kind="stable")
    k_sorted = key[order]
    starts = np.nonzero(np.r_[True, k_sorted[1:] != k_sorted[:-1]])[0]
    np.add.at(out, k_sorted[starts] // n_dem, np.maximum.reduceat(value[order], starts))
    return out


def _redundant_sites(inst: DesignInstance) -> NDArray[np.bool_]:
    """Sites whose capacity holds when every demand takes its option using the most of the site."""
    peak = most_per_demand(inst, inst.use_site, inst.use_opt, inst.use_amount, inst.n_sites)
    cap = inst.site_capacity
    return ~np.isfinite(cap) | (peak <= cap * (1 - 1e-9))


def reduce_instance(inst: DesignInstance) -> Reduction:
    """Drop the redundant capacities and the dominated options of ``inst`` (see the module docstring)."""
    t0 = time.perf_counter()
    redundant = _redundant_sites(inst)
    openable = inst.openable
    drop_use = redundant[inst.use_site] & ~openable[inst.use_site]
    u_opt, u_site, u_amt = inst.use_opt[~drop_use], inst.use_site[~drop_use], inst.use_amount[~drop_use]
    capacity = np.where(redundant, np.inf, inst.site_capacity)

    # Each option's signature: its demand, the sites it uses (sorted, padded with -1) and its pooling term.
    n = inst.n_options
    per_opt = np.bincount(u_opt, minlength=n)
    width = int(per_opt.max(initial=0))
    sites = np.full((n, max(width, 1)), -1, dtype=np.int64)
    order = np.lexsort((u_site, u_opt))
    so, ss = u_opt[order], u_site[order]
    first = np.concatenate([[0], np.cumsum(per_opt)[:-1]])
    sites[so, np.arange(len(so)) - first[so]] = ss
    term = np.full(n, -1, dtype=np.int64)
    var = np.zeros(n)
    term[inst.pm_opt] = inst.pm_term  # an option stocks in at most one pooling term (its warehouse)
    var[inst.pm_opt] = inst.pm_var
    meets = inst.opt_meets.astype(np.int64)
    keys = [var, -meets, inst.opt_cost, term, *(sites[:, j] for j in range(sites.shape[1] - 1, -1, -1)),
            inst.opt_demand]
    idx = np.lexsort(keys)  # by signature, then cost, promise first, variance
    sig = np.column_stack([inst.opt_demand[idx], sites[idx], term[idx]])
    new_group = np.r_[True, np.any(sig[1:] != sig[:-1], axis=1)]
    keep = np.zeros(n, dtype=bool)
    best_any = best_meet = np.inf
    for pos, o in enumerate(idx.tolist()):
        if new_group[pos]:
            best_any = best_meet = np.inf
        v = var[o]
        # Dominated when an earlier (no dearer) option of the group is as good on the promise and no more variable.
        if (best_meet if meets[o] else best_any) <= v:
            continue
        keep[o] = True
        best_any = min(best_any, v)
        if meets[o]:
            best_meet = min(best_meet, v)
    kept = np.nonzero(keep)[0]
    new_index = np.full(n, -1, dtype=np.int64)
    new_index[kept] = np.arange(len(kept))
    live_use = keep[u_opt]
    live_pm = keep[inst.pm_opt]
    reduced = dataclasses.replace(
        inst, site_capacity=capacity, opt_demand=inst.opt_demand[kept], opt_cost=inst.opt_cost[kept],
        opt_meets=inst.opt_meets[kept], opt_label=tuple(inst.opt_label[k] for k in kept.tolist()),
        use_opt=new_index[u_opt[live_use]], use_site=u_site[live_use], use_amount=u_amt[live_use],
        opt_stage_cost=inst.opt_stage_cost[kept] if inst.opt_stage_cost.shape[0] == n else inst.opt_stage_cost,
        pm_term=inst.pm_term[live_pm], pm_opt=new_index[inst.pm_opt[live_pm]], pm_var=inst.pm_var[live_pm])
    stats = {"options": float(n), "options_kept": float(len(kept)),
             "capacities_dropped": float((redundant & np.isfinite(inst.site_capacity)).sum()),
             "seconds": time.perf_counter() - t0}
    return Reduction(inst, reduced, kept, stats)
