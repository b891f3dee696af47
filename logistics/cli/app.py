"""The ``owl`` Typer application."""

from __future__ import annotations

from typing import Annotated

import typer

from logistics import __version__
from logistics.cli import chain, design, measures, plan, route, scenario, screen, sweep
from logistics.cli._common import set_width

app = typer.Typer(
    name="owl",
    help="Model and optimize the cross-border e-commerce export chain out of Guangzhou.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("plan")(plan.plan_cmd)
app.command("map")(plan.map_cmd)
app.command("chain")(chain.chain)
app.command("sweep")(sweep.sweep_cmd)
app.command("measures")(measures.measures_cmd)
app.add_typer(scenario.app, name="scenario")
app.add_typer(screen.app, name="screen")
app.add_typer(route.app, name="route")
app.add_typer(design.app, name="design")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"owl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.", callback=_version,
                                          is_eager=True)] = False,
) -> None:
    """owl: cost, lead time and cash of every export channel; network design, routing and screening."""
    set_width()


def main() -> None:
    """Console-script entry point."""
    app()
