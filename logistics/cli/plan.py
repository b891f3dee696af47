"""``owl plan`` (the whole chain, designed, routed and screened, into one output folder) and ``owl map``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from logistics.cli._common import (
    QuietOpt,
    ScenarioOpt,
    check_time_limit,
    err,
    fail,
    guard,
    out,
    print_json,
)
from logistics.errors import OutputError
from logistics.io import atomic_write_bytes, atomic_write_text
from logistics.scenario import load_scenario

__all__ = ["map_cmd", "plan_cmd"]


def plan_cmd(
    scenario: ScenarioOpt = None,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder (created; files in it are replaced).",
                                          file_okay=False)] = Path("owl-plan"),
    time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds per routing solve.")] = 10.0,
    design_time_limit: Annotated[float, typer.Option("--design-time-limit",
                                                     help="Seconds for the network design.")] = 60.0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the sampled day and the routing search.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON summary on stdout.")] = False,
    quiet: QuietOpt = False,
) -> None:
    """Evaluate the chain, design the network, route a sample day, compare screening, and write the report,
    maps, GeoPackage, GeoJSON and a JSON summary into one folder."""
    from logistics.plan import run_plan

    with guard():
        check_time_limit(time_limit)
        check_time_limit(design_time_limit, "--design-time-limit")
        if out_dir.exists() and not out_dir.is_dir():
            raise fail(f"--out: {out_dir} is a file. Fix: name a folder")
        s = load_scenario(scenario)
        show = quiet or as_json
        with err.status("owl plan", spinner="dots") if not show else _Null() as status:
            def step(name: str) -> None:
                if not show:
                    err.print(f"[dim]-[/dim] {name}", highlight=False)
                    status.update(name)  # type: ignore[union-attr]

            run = run_plan(s, out_dir, time_limit=time_limit, design_time_limit=design_time_limit, seed=seed,
                           step=step)
        summary = run.summary
        bad = summary["routing_infeasible"]
        if as_json:
            print_json(summary)
        else:
            _print_summary(summary, s.name, s.finance.currency, out_dir)
        if bad:
            # The outputs are written (the report shows the infeasible days), but a script must not take this
            # run for a complete plan.
            raise fail(f"routing found no feasible day for {', '.join(bad)}: see the report's routing table. Fix: "
                       "give the scenario's [routing] fleet more vehicles or longer shifts, or raise --time-limit",
                       1)


def _print_summary(summary: dict[str, Any], name: str, currency: str, out_dir: Path) -> None:
    d = summary["design"]
    out.print(f"owl plan - {name}: cost {d['objective']:,.0f} {currency} a year ({d['status']}, gap "
              f"{d['gap']:.3%}); open {', '.join(d['open'])}", highlight=False)
    for job in summary["routing"]:
        out.print(f"  {job['job']}: {job['clients']} stops, {job['vehicles']} vehicles, cost {job['cost']}",
                  highlight=False)
    out.print("steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in summary["steps"].items())
              + f"; total {summary['runtime_s']:.1f} s", highlight=False)
    out.print(f"wrote {out_dir / 'report.html'} and {len(summary['outputs']) - 1} more files", highlight=False)


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def map_cmd(
    scenario: ScenarioOpt = None,
    plan: Annotated[Path | None, typer.Option("--plan", help="A plan folder (its plan.gpkg) or a .gpkg file.")]
    = None,
    output: Annotated[Path, typer.Option("--out", help="Map file: .html (folium) or .png.", dir_okay=False)]
    = Path("owl-map.html"),
) -> None:
    """Draw a map of a scenario's network, or of a saved plan (its GeoPackage)."""
    from logistics.report import folium_map, plan_layers, png_map, read_layers

    with guard():
        if output.suffix.lower() not in (".html", ".png"):
            raise fail(f"--out: {output} must end in .html or .png. Fix: e.g. --out map.html")
        if plan is not None:
            gpkg = plan / "plan.gpkg" if plan.is_dir() else plan
            if not gpkg.is_file():
                raise fail(f"--plan: {gpkg} does not exist. Fix: run 'owl plan --out DIR' first, or name a .gpkg")
            layers = read_layers(gpkg)
            title = gpkg.parent.name
        else:
            s = load_scenario(scenario)
            layers = plan_layers(s)
            title = s.name
        try:
            if output.suffix.lower() == ".png":
                atomic_write_bytes(output, png_map(layers, title=title))
            else:
                atomic_write_text(output, folium_map(layers))
        except OSError as exc:
            raise OutputError.from_os(output, "--out", exc) from None
        err.print(f"wrote {output}", highlight=False)
