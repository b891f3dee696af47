"""The plan's HTML report: one self-contained file (inline CSS, charts as embedded PNG, the SVG map), which opens
without a network connection."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["bar_chart_png", "render_report"]

_CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; margin: 0 auto;
       max-width: 1180px; padding: 24px; color: #222; background: #fff; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; }
.sub { color: #666; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; min-width: 160px; }
.card b { display: block; font-size: 20px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border-bottom: 1px solid #eee; padding: 4px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f6f6f6; }
#owl-map { width: 100%; height: 520px; border: 1px solid #ccc; background: #eaf2f8; cursor: grab; }
.map-controls label { margin-right: 14px; font-size: 13px; }
img { max-width: 100%; }
.note { color: #666; font-size: 12px; }
"""


def bar_chart_png(values: Mapping[str, float], *, title: str, xlabel: str) -> bytes:
    """A horizontal bar chart as PNG bytes."""
    import matplotlib.ticker
    from matplotlib.figure import Figure

    names = list(values)
    fig = Figure(figsize=(7, 0.32 * len(names) + 1.2), dpi=100)
    ax = fig.subplots()
    vals = [values[n] for n in names]
    ax.barh(names, vals, color=["#c0392b" if v < 0 else "#2e86c1" for v in vals])
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel, fontsize=9)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return html.escape(str(v))


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    if not rows:
        return '<p class="note">none</p>'
    cols = list(columns or rows[0].keys())
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(r.get(c, ''))}</td>" for c in cols) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_report(summary: Mapping[str, Any], *, map_svg: str, map_png: bytes, charts: Mapping[str, bytes]) -> str:
    """The report page from the plan's JSON summary, its maps and charts."""
    d = summary.get("design") or {}
    cur = summary.get("currency", "")
    cards = [("annual cost", f"{d.get('objective', 0):,.0f} {cur}"), ("design status", d.get("status", "-")),
             ("proven gap", f"{d.get('gap', 0):.3%}"), ("open warehouses", len(summary.get("open_warehouses", []))),
             ("run time", f"{summary.get('runtime_s', 0):.0f} s")]
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>owl plan - "
             f"{html.escape(str(summary.get('scenario', '')))}</title><style>{_CSS}</style></head><body>",
             f"<h1>owl plan: {html.escape(str(summary.get('scenario', '')))}</h1>",
             f"<p class=\"sub\">{html.escape(str(summary.get('description', '')))} — rules of "
             f"{html.escape(str(summary.get('date', '')))}, seed {summary.get('seed')}</p>",
             '<div class="cards">' + "".join(f'<div class="card">{html.escape(k)}<b>{html.escape(str(v))}</b></div>'
                                             for k, v in cards) + "</div>",
             "<h2>Map</h2>", map_svg,
             '<p class="note">Lanes are drawn with a width that grows with the units a year they carry; open '
             "sites are filled, closed candidates hollow. Scroll to zoom, drag to pan.</p>",
             "<h2>Network design</h2>",
             f"<p>Open: {html.escape(', '.join(d.get('open', [])) or 'none')}. Bound {d.get('bound', 0):,.0f}; "
             f"{html.escape(str(d.get('termination', '')))} after {d.get('runtime_s', 0):.1f} s "
             f"({html.escape(str(d.get('solver', '')))}).</p>"]
    if "cost_by_stage" in charts:
        parts.append(_img(charts["cost_by_stage"], "cost by stage"))
    parts.append(_table([{"stage": k, f"{cur} a year": v} for k, v in d.get("cost_by_stage", {}).items()]))
    parts.append("<h3>Share of each market's demand within its promise</h3>")
    parts.append(_table([{"market": k, "share": v} for k, v in d.get("service", {}).items()]))
    if d.get("binding"):
        parts.append("<h3>Binding constraints</h3><ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in d["binding"])
                     + "</ul>")
    parts.append("<h3>Runner-up plans</h3>")
    parts.append(_table([{"open": ", ".join(r["open"]), "cost": r["objective"],
                          "extra cost": r["objective"] - d.get("objective", 0)} for r in d.get("runner_ups", [])]))
    parts.append("<h3>Units a year by channel</h3>")
    parts.append(_table([{"channel": k, "units a year": v} for k, v in summary.get("units_by_channel", {}).items()]))
    chain = summary.get("chain") or {}
    parts.append("<h2>Chain: the cheapest channel meeting the promise, by product and market</h2>")
    parts.append(_table(chain.get("winners", [])))
    parts.append("<h2>Vehicle routes (a sample day)</h2>")
    parts.append(_table(summary.get("routing", []), ["job", "clients", "vehicles", "cost", "km", "feasible",
                                                     "backend", "runtime_s"]))
    scr = summary.get("screening")
    if scr:
        parts.append("<h2>Measure 8: where air security screening happens</h2>")
        vol = scr.get("volumes")
        if isinstance(vol, dict):
            parts.append("<p>Parcels a day screened, from the design's 9610 and 1210 air and postal flows (design "
                         f"share {vol['design_share']:g} of the city's volume): "
                         + html.escape(", ".join(f"{k.replace('_', ' ')} {v:,.0f} parcels/day (scenario "
                                                 f"{vol['parcels_per_day_in_scenario'].get(k, 0):,.0f})"
                                                 for k, v in vol["parcels_per_day_from_design"].items())) + "</p>")
        elif vol:
            parts.append(f'<p class="note">Volumes: {html.escape(str(vol))}.</p>')
        parts.append(_table([{k: (", ".join(f"{a}: {b}" for a, b in v.items()) if isinstance(v, dict) else v)
                              for k, v in row.items()} for row in scr.get("configurations", [])]))
    parts.append("<h2>Run</h2>")
    if "steps" in charts:
        parts.append(_img(charts["steps"], "seconds per step"))
    parts.append(_table([{"step": k, "seconds": v} for k, v in summary.get("steps", {}).items()]))
    parts.append("<h2>Static map</h2>" + _img(map_png, "static map"))
    parts.append('<p class="note">Country outlines: Natural Earth (public domain). Generated by owl '
                 f"{html.escape(str(summary.get('owl_version', '')))}.</p></body></html>")
    return "\n".join(parts)
