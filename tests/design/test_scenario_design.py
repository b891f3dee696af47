"""A design built from a scenario carries the chain route, product and market of every option (issue 13).

The checks rebuild each option's label from its typed route fields, independently of the builder, and compare
the route with the chain model's own list of routes; they run on the built-in scenario and on a larger one made
by copying the built-in markets (every copy gets its own id, so a flow attached to the wrong market shows).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from logistics.chain import flows
from logistics.design import ScenarioDesign, scenario_design, solve_design
from logistics.scenario import Scenario, builtin


def _larger(s: Scenario, copies: int) -> Scenario:
    """The built-in scenario with each market repeated ``copies`` times under new ids (same rules and lanes)."""
    markets = list(s.markets)
    for c in range(1, copies):
        markets += [dataclasses.replace(m, id=f"{m.id}-{c}", name=f"{m.name} {c}") for m in s.markets]
    return dataclasses.replace(s, markets=tuple(markets))


def _check_identity(s: Scenario, d: ScenarioDesign) -> None:
    inst = d.instance
    f = flows(s)
    assert len(d.options) == inst.n_options == len(f)
    for k, o in enumerate(d.options):
        assert o.index == k
        r = f.routes[int(f.route[k])]
        assert o.route == r
        assert o.product == s.products[int(f.product[k])].id
        assert (o.market, o.channel, o.origin, o.warehouse, o.entry, o.bonded) == \
            (r.market, r.channel, r.origin, r.warehouse, r.entry, r.bonded)
        assert o.gateway == r.line_haul.origin
        assert o.mode == r.line_haul.mode
        via = f" via {o.bonded}" if o.bonded else ""
        wh = f" wh:{o.warehouse}" if o.warehouse else ""
        label = (f"{o.product} {o.origin}>{o.market} {o.channel.value}{via} {o.mode.value} "
                 f"{r.line_haul.origin}>{r.line_haul.destination}{wh}")
        assert inst.opt_label[k] == o.label == label
        assert inst.demand_ids[int(inst.opt_demand[k])] == f"{o.product}@{o.market}"


def test_every_option_names_its_route_builtin() -> None:
    s = builtin()
    _check_identity(s, scenario_design(s))


def test_every_option_names_its_route_larger_scenario() -> None:
    s = _larger(builtin(), 3)
    d = scenario_design(s)
    assert d.instance.n_options > 2 * 555  # the built-in has 555 options
    assert {o.market for o in d.options} == {m.id for m in s.markets}
    _check_identity(s, d)


def test_mismatched_options_are_refused() -> None:
    d = scenario_design(builtin())
    swapped = (d.options[1], d.options[0], *d.options[2:])
    with pytest.raises(ValueError, match="option 0"):
        ScenarioDesign(d.instance, swapped)
    with pytest.raises(ValueError, match="options for"):
        ScenarioDesign(d.instance, d.options[:-1])


def test_result_answers_routes_and_chosen_flows() -> None:
    s = builtin()
    d = scenario_design(s)
    r = solve_design(d, gap=1e-3, time_limit=60)
    chosen = r.chosen_flows()
    assert chosen
    x = r.plan.shares
    assert [c.option.index for c in chosen] == [int(k) for k in np.nonzero(x > 1e-9)[0]]
    for c in chosen:
        k = c.option.index
        assert r.option(k) is d.options[k]
        q = r.instance.demand_qty[r.instance.opt_demand[k]]
        assert c.share == pytest.approx(x[k])
        assert c.units_per_year == pytest.approx(x[k] * q)
    # Every demand's chosen shares add up to one and its units to the market's demand.
    units: dict[tuple[str, str], float] = {}
    for c in chosen:
        key = (c.option.product, c.option.market)
        units[key] = units.get(key, 0.0) + c.units_per_year
    demand = {(p, m.id): q for m in s.markets for p, q in m.demand_per_year.items() if q > 0}
    assert units == pytest.approx(demand)


def test_a_plain_instance_has_no_routes() -> None:
    r = solve_design(scenario_design(builtin()).instance, gap=1e-3, time_limit=60)
    with pytest.raises(LookupError, match="not built from a scenario"):
        r.option(0)


def test_warehouses_are_sized_for_the_peak_season() -> None:
    """A 9810 option uses its warehouse at peak_factor times its yearly units (apparel 1.3, electronics 1.4):
    the yearly throughput capacity must carry the peak rate."""
    from logistics import builtin
    from logistics.design import scenario_design

    s = builtin()
    design = scenario_design(s)
    inst = design.instance
    peak = {p.id: p.peak_factor for p in s.products}
    warehouses = {w.id for w in s.warehouses}
    checked = 0
    for o, site, amount in zip(inst.use_opt, inst.use_site, inst.use_amount, strict=True):
        if inst.site_ids[site] in warehouses:
            option = design.options[int(o)]
            assert amount == pytest.approx(inst.demand_qty[inst.opt_demand[o]] * peak[option.product], rel=1e-12)
            checked += 1
    assert checked > 100
