"""``owl chain``: compare the export channels for every product and market."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from logistics.chain import evaluate
from logistics.cli._common import (
    DateOpt,
    JsonOpt,
    ScenarioOpt,
    WideOpt,
    err,
    fit_columns,
    guard,
    out,
    parse_date,
    print_json,
    print_table,
    rules_warnings,
    scenario_from,
)

__all__ = ["chain"]


def chain(
    scenario: ScenarioOpt = None,
    product: Annotated[str | None, typer.Option("--product", "-p", help="Only this product id.")] = None,
    market: Annotated[str | None, typer.Option("--market", "-m", help="Only this market id.")] = None,
    date: DateOpt = None,
    wide: WideOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Cost per unit and per year, lead time, capital and the winning channel for each product and market.

    Each channel (9610 direct mail, 9710 B2B, 9810 overseas warehouse, 1210 bonded, 1039 market procurement from
    a pilot market) shows its cheapest route. The winner (marked *) is the cheapest channel whose 95th-percentile
    delivery time meets the market's promise; "next" is the runner-up and its extra cost. Rules are those in force
    on --date (default: today); a date after the scenario's rules_verified warns. Money is in the scenario
    currency per unit unless marked per year (k = thousands). A narrow terminal shows product, market, channel,
    landed cost, p95 and promise first and adds the others as they fit; --wide shows every column.
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
        cols = [("product", 0), ("market", 0), ("ch", 0), ("route", 4), ("landed", 0), ("freight", 3),
                ("duty", 3), ("partner", 5), ("other", 5), ("rebate", 5), ("margin", 4), ("per year", 1),
                ("p95 d", 0), ("promise", 0), ("capital", 4), ("next", 2)]
        rows: list[tuple[list[str], str, bool]] = []
        prev = None
        for r in best.itertuples(index=False):
            key = (r.product, r.market)
            freight = r.consolidation + r.export_clearance + r.line_haul + r.warehouse + r.last_mile
            other = r.insurance + r.import_fees + r.selling_fees + r.returns + r.income_tax + r.carrying
            nxt = f"{r.runner_up} {r.runner_up_gap:+.2f}" if r.winner and r.runner_up else ""
            style = "bold green" if r.winner else ("dim" if not r.meets_promise else "")
            rows.append(([
                r.product, r.market, ("*" if r.winner else " ") + r.channel, r.route,
                f"{r.landed_cost:.2f}", f"{freight:.2f}", f"{r.import_duty:.2f}", f"{r.partner_fee:.2f}",
                f"{other:.2f}", f"{r.rebate:.2f}",
                f"{r.margin:.2f}", f"{r.annual_cost / 1e3:,.0f}k", f"{r.customer_days_p95:.1f}",
                f"{r.promise_days:.0f}", f"{r.working_capital / 1e3:,.0f}k", nxt], style,
                prev is not None and key != prev))
            prev = key
        shown = fit_columns(cols, [c for c, _, _ in rows], out.width, wide)
        table = Table(title=f"owl chain - scenario {s.name}, rules of {report.date}, {s.finance.currency} per unit",
                      title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
        for i in shown:
            col = cols[i][0]
            table.add_column(col, justify="left" if col in ("product", "market", "ch", "route", "next") else "right",
                             no_wrap=True)
        for cells, style, new_block in rows:
            if new_block:
                table.add_section()
            table.add_row(*(escape(cells[i]) for i in shown), style=style)
        print_table(table, wide)
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
