"""``owl scenario``: show, validate and export scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from logistics.cli._common import (
    JsonOpt,
    ScenarioOpt,
    err,
    fail,
    guard,
    out,
    print_json,
    scenario_from,
)
from logistics.errors import MAX_PROBLEMS, ScenarioError, ScenarioErrors
from logistics.io import atomic_write_text
from logistics.scenario import (
    builtin_text,
    channel_routes,
    defaulted_fields,
    load_scenario,
    synth_scenario,
    write_scenario,
)

__all__ = ["app"]

app = typer.Typer(help="Show, validate and export scenarios.", no_args_is_help=True)


@app.command()
def show(
    scenario: ScenarioOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Summarise a scenario: products, markets, gateways, lanes, warehouses and the rules in force."""
    with guard():
        s = scenario_from(scenario)
        routes = channel_routes(s)
        summary = {
            "name": s.name, "description": s.description, "date": s.date.isoformat(), "file": s.path,
            "currency": s.finance.currency,
            "products": [p.id for p in s.products], "origins": [o.id for o in s.origins],
            "markets": [m.id for m in s.markets], "gateways": [g.id for g in s.gateways],
            "entries": [e.id for e in s.entries], "lanes": len(s.lanes), "warehouses": [w.id for w in s.warehouses],
            "channel_routes": len(routes),
            "rules_in_force": {m.region: s.destination_rule(m.region, s.date).source for m in s.markets},
            "measures": {m.id: {"title": m.title, "in_force": m.in_force} for m in s.measures},
        }
        if as_json:
            print_json(summary)
            return
        out.print(f"[bold]{s.name}[/] ({s.path}) - rules of {s.date}, money in {s.finance.currency}")
        out.print(s.description, highlight=False)
        t = Table("market", "region", "promise d", "demand/yr", "rules in force", header_style="bold")
        for m in s.markets:
            r = s.destination_rule(m.region, s.date)
            t.add_row(m.id, m.region, f"{m.promise_days:g}", f"{sum(m.demand_per_year.values()):,.0f}",
                      f"duty-free to {r.duty_threshold:g} {r.currency}, +{r.additional_duty_rate:.0%} extra, "
                      f"flat {r.flat_duty_per_line:g}/line, VAT {r.vat_rate:.0%} ({r.source})")
        out.print(t)
        out.print(f"products: {', '.join(p.id for p in s.products)}")
        out.print(f"seller clusters: {', '.join(o.id for o in s.origins)}")
        out.print(f"gateways: {', '.join(g.id for g in s.gateways)}; entries: {', '.join(e.id for e in s.entries)}")
        out.print(f"{len(s.lanes)} line-haul lanes, {len(s.warehouses)} warehouse candidates, "
                  f"{len(routes)} channel routes")
        if s.measures:
            state = ", ".join(f"{m.id} {'on' if m.in_force else 'off'}" for m in s.measures)
            out.print(escape(f"measures (owl measures compares them): {state}"), highlight=False)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="Scenario TOML file to check.", dir_okay=False)],
    as_json: JsonOpt = False,
) -> None:
    """Check a scenario file: exit 0 and say so when it is valid; exit 2 with every problem found (up to 50),
    each with its field (records by id) and the fix, otherwise."""
    try:
        s = load_scenario(file)
    except ScenarioError as exc:
        problems = exc.problems if isinstance(exc, ScenarioErrors) else [exc]
        if as_json:
            print_json({"file": str(file), "valid": False, "problems": [
                {"file": p.file, "field": p.field, "problem": p.problem, "fix": p.fix} for p in problems]})
        elif len(problems) == 1:
            raise fail(str(problems[0]), 2) from None
        else:
            capped = f" (the first {MAX_PROBLEMS})" if len(problems) >= MAX_PROBLEMS else ""
            err.print("[bold red]error:[/] " + escape(f"{file}: {len(problems)} problems{capped}:"), highlight=False,
                      soft_wrap=True)
            for p in problems:
                err.print(escape(f"  {p.field}: {p.problem}. Fix: {p.fix}"), highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    with guard():
        notes = defaulted_fields(file)
        if as_json:
            print_json({"file": str(file), "valid": True, "products": len(s.products), "markets": len(s.markets),
                        "channel_routes": len(channel_routes(s)), "defaulted_fields": notes, "problems": []})
            return
        out.print(f"{file}: valid ({len(s.products)} products, {len(s.markets)} markets, "
                  f"{len(channel_routes(s))} channel routes)", highlight=False)
        if notes:
            # Files written before these fields existed load as they are: say which defaults they get.
            out.print("fields left at their defaults (docs/scenario.md, 'Older scenario files'):", highlight=False)
            for note in notes:
                out.print(f"  {escape(note)}", highlight=False)


@app.command("synth")
def synth(
    out_file: Annotated[Path, typer.Argument(metavar="OUT.toml", help="Where to write the scenario.",
                                             dir_okay=False)],
    products: Annotated[int, typer.Option("--products", help="Product families.")] = 5,
    markets: Annotated[int, typer.Option("--markets", help="Markets (real cities).")] = 8,
    warehouses: Annotated[int, typer.Option("--warehouses", help="Overseas warehouse candidates.")] = 8,
    clusters: Annotated[int, typer.Option("--clusters", help="Seller clusters around Guangzhou.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same scenario).")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT.toml if it exists.")] = False,
) -> None:
    """Write a generated scenario of the given size: real cities, the built-in regions' rules and tariffs."""
    with guard():
        if out_file.exists() and not force:
            raise fail(f"{out_file}: already exists. Fix: pass --force to overwrite it, or choose another name")
        s = synth_scenario(products, markets, warehouses, clusters, seed=seed)
        write_scenario(s, out_file)
        demand = sum(1 for m in s.markets for v in m.demand_per_year.values() if v > 0)
        out.print(f"wrote {out_file}: {len(s.products)} products, {len(s.markets)} markets, {len(s.warehouses)} "
                  f"warehouse candidates, {len(s.origins)} clusters, {demand} demand rows", highlight=False)


@app.command("export")
def export(
    out_file: Annotated[Path, typer.Argument(metavar="OUT.toml", help="Where to write the scenario.",
                                             dir_okay=False)],
    scenario: ScenarioOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT.toml if it exists.")] = False,
) -> None:
    """Write a scenario to a TOML file to edit (the built-in one keeps its comments and sources)."""
    with guard():
        if out_file.exists() and not force:
            raise fail(f"{out_file}: already exists. Fix: pass --force to overwrite it, or choose another name")
        if scenario is None:
            atomic_write_text(out_file, builtin_text())
        else:
            write_scenario(scenario_from(scenario), out_file)
        out.print(f"wrote {out_file}", highlight=False)
