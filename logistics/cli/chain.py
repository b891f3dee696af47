"""``owl chain``: compare the export channels for every product and market."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.table import Table

from logistics.chain import evaluate
from logistics.cli._common import (
    DateOpt,
    JsonOpt,
    ScenarioOpt,
    err,
    guard,
    out,
    parse_date,
    print_json,
    rules_warnings,
    scenario_from,
)

__all__ = ["chain"]


def chain(
    scenario: ScenarioOpt = None,
    product: Annotated[str | None, typer.Option("--product", "-p", help="Only this product id.")] = None,
    market: Annotated[str | None, typer.Option("--market", "-m", help="Only this market id.")] = None,
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Cost per unit and per year, lead time, capital and the winning channel for each product and market.

    Each channel (9610 direct mail, 9710 B2B, 9810 overseas warehouse, 1210 bonded, 1039 market procurement from
    a pilot market) shows its cheapest route. The winner (marked *) is the cheapest channel whose 95th-percentile
    delivery time meets the market's promise; "next" is the runner-up and its extra cost. Rules are those in force
    on --date (default: today); a date after the scenario's rules_verified warns. Money is in the scenario
    currency per unit unless marked per year (k = thousands).
    """
    with guard():
        s = scenario_from(scenario)
        when = parse_date(date)
        report = evaluate(s, date=when, product=product, market=market)
        warnings = rules_warnings(s, when)
        if as_json:
            print_json({**report.to_json(), "rules_verified": str(s.rules_verified or ""), "warnings": warnings})
            return
        best = report.best_per_channel()
        if best.empty:
            err.print("no flows match the filters (is there demand for that product in that market?)")
            raise typer.Exit(1)
        table = Table(title=f"owl chain - scenario {s.name}, rules of {report.date}, {s.finance.currency} per unit",
                      title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
        for col, just in [("product", "left"), ("market", "left"), ("ch", "left"), ("route", "left"),
                          ("landed", "right"), ("freight", "right"), ("duty", "right"), ("partner", "right"),
                          ("other", "right"), ("rebate", "right"),
                          ("margin", "right"), ("per year", "right"), ("p95 d", "right"), ("promise", "right"),
                          ("capital", "right"), ("next", "left")]:
            table.add_column(col, justify="left" if just == "left" else "right", no_wrap=True,
                             min_width=12 if col == "next" else None)
        prev = None
        for r in best.itertuples(index=False):
            key = (r.product, r.market)
            if prev is not None and key != prev:
                table.add_section()
            prev = key
            freight = r.consolidation + r.export_clearance + r.line_haul + r.warehouse + r.last_mile
            other = r.insurance + r.import_fees + r.selling_fees + r.returns + r.income_tax + r.carrying
            nxt = f"{r.runner_up} {r.runner_up_gap:+.2f}" if r.winner and r.runner_up else ""
            style = "bold green" if r.winner else ("dim" if not r.meets_promise else "")
            table.add_row(
                r.product, r.market, ("*" if r.winner else " ") + r.channel, r.route,
                f"{r.landed_cost:.2f}", f"{freight:.2f}", f"{r.import_duty:.2f}", f"{r.partner_fee:.2f}",
                f"{other:.2f}", f"{r.rebate:.2f}",
                f"{r.margin:.2f}", f"{r.annual_cost / 1e3:,.0f}k", f"{r.customer_days_p95:.1f}",
                f"{r.promise_days:.0f}", f"{r.working_capital / 1e3:,.0f}k", nxt, style=style,
            )
        out.print(table)
        winners = report.winners()
        total = float((winners["landed_cost"] * winners["units_per_year"]).sum())
        met = int(winners["meets_promise"].sum())
        promise = float((winners["promise_cost"] * winners["units_per_year"]).sum())
        changed = len(best[best["winner"] & ~best["best_with_response"]])
        out.print(f"winners: {met} of {len(winners)} product-markets meet their promise; landed cost of the "
                  f"winning channels {total / 1e6:,.2f} M {s.finance.currency} a year.\n"
                  "landed = goods - rebate + freight + duty + partner + other; freight = consolidation + export + "
                  "line haul + warehouse + last mile; partner = 9710/1039 buyer's share of retail; other = insurance + "
                  "import fees + selling fees + returns + income tax + carrying cost of capital; capital = working "
                  "capital tied up on average; next = the runner-up channel and its extra cost per unit.\n"
                  f"promise: meeting it costs {promise / 1e6:,.2f} M {s.finance.currency} a year over the cheapest "
                  f"channels; with lost sales for late orders, {changed} of {len(winners)} product-markets would "
                  "pick another channel.", highlight=False)
