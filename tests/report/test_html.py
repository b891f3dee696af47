"""logistics.report.html: the self-contained report page and the PNG bar charts it embeds."""

from __future__ import annotations

import base64
import re
import struct
from typing import Any

import pytest

from logistics.report.html import bar_chart_png, render_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = '<svg id="owl-map" xmlns="http://www.w3.org/2000/svg"><circle cx="1" cy="2" r="3"/></svg>'
MAP_PNG = PNG_SIGNATURE + b"static map bytes"
CHART_PNG = PNG_SIGNATURE + b"cost chart bytes"


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which follows the 8-byte signature and its own 8-byte header."""
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def _summary() -> dict[str, Any]:
    return {
        "scenario": "gz <test>", "description": "Guangzhou & friends", "date": "2026-07-01", "seed": 7,
        "currency": "USD", "owl_version": "9.9.9", "runtime_s": 12.4,
        "open_warehouses": ["WH-LA", "WH-DE"],
        "design": {
            "status": "optimal", "objective": 1234567.89, "bound": 1234000.0, "gap": 0.00042, "runtime_s": 3.26,
            "termination": "optimal", "solver": "highs", "open": ["WH-LA", "WH-DE"],
            "cost_by_stage": {"line_haul": 98765.4, "duty": 12.5},
            "service": {"us-west": 0.9},
            "binding": ["capacity <WH-LA>"],
            "runner_ups": [{"open": ["WH-NJ"], "objective": 1300000.0}],
        },
        "units_by_channel": {"9610": 1500},
        "chain": {"winners": [{"product": "apparel", "market": "uk", "meets promise": True}]},
        "routing": [{"job": "pickups to GZMX", "clients": 200, "vehicles": 9, "cost": 2345.678, "km": 512.3,
                     "feasible": True, "backend": "pyvrp", "runtime_s": 2.0}],
        "screening": None,
        "steps": {"chain": 0.5},
    }


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(_summary(), map_svg=SVG, map_png=MAP_PNG, charts={"cost_by_stage": CHART_PNG})


def test_the_report_is_one_self_contained_page(page: str) -> None:
    assert page.startswith("<!DOCTYPE html><html lang=\"en\">")
    assert page.endswith("</body></html>")
    assert page.count("<html") == 1
    assert page.count("</html>") == 1
    assert "<style>" in page
    # Nothing is fetched: no stylesheet or script links, every image is a data: URL.
    assert "<link" not in page
    assert "<script src" not in page
    srcs = re.findall(r'src="([^"]*)"', page)
    assert len(srcs) == 2  # the cost chart and the static map (no "steps" chart was given)
    assert all(s.startswith("data:image/png;base64,") for s in srcs)


def test_the_images_embed_the_given_png_bytes(page: str) -> None:
    srcs = re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,([^"]*)"', page)
    assert [(alt, base64.b64decode(data)) for alt, data in srcs] == [("cost by stage", CHART_PNG),
                                                                       ("static map", MAP_PNG)]


def test_the_map_svg_is_inlined_verbatim(page: str) -> None:
    assert SVG in page


def test_the_cards_show_the_summary_numbers(page: str) -> None:
    """objective 1,234,567.89 -> "1,234,568 USD" (no decimals); gap 0.00042 -> "0.042%" (.3%); 2 open
    warehouses; run time 12.4 s -> "12 s"."""
    cards = dict(re.findall(r'<div class="card">([^<]*)<b>([^<]*)</b></div>', page))
    assert cards == {"annual cost": "1,234,568 USD", "design status": "optimal",
                     "proven gap": "0.042%", "open warehouses": "2", "run time": "12 s"}


def test_the_tables_format_the_summary_numbers(page: str) -> None:
    """Floats of 100 or more get thousands separators and no decimals, smaller ones two decimals; integers
    get separators; booleans read yes/no."""
    assert "<td>line_haul</td><td>98,765</td>" in page  # 98765.4
    assert "<td>duty</td><td>12.50</td>" in page  # 12.5
    assert "<td>us-west</td><td>0.90</td>" in page  # service share 0.9
    assert "<td>9610</td><td>1,500</td>" in page  # units, an int
    assert "<td>WH-NJ</td><td>1,300,000</td><td>65,432</td>" in page  # runner-up and 1,300,000 - 1,234,567.89
    assert "<td>pickups to GZMX</td><td>200</td><td>9</td><td>2,346</td><td>512</td><td>yes</td>" in page
    assert "<td>apparel</td><td>uk</td><td>yes</td>" in page
    assert "Bound 1,234,000;" in page
    assert "optimal after 3.3 s (highs)" in page  # 3.26 to one decimal
    assert "Open: WH-LA, WH-DE." in page


def test_text_from_the_summary_is_escaped(page: str) -> None:
    assert "<title>owl plan - gz &lt;test&gt;</title>" in page
    assert "<h1>owl plan: gz &lt;test&gt;</h1>" in page
    assert "Guangzhou &amp; friends — rules of 2026-07-01, seed 7" in page
    assert "<li>capacity &lt;WH-LA&gt;</li>" in page
    assert "gz <test>" not in page


def test_optional_sections_follow_the_summary(page: str) -> None:
    assert "Measure 8" not in page  # screening is None
    s = _summary()
    s["screening"] = {"volumes": {"design_share": 0.01, "parcels_per_day_from_design": {"mail_exchange": 9000.0},
                                  "parcels_per_day_in_scenario": {"mail_exchange": 8000.0}},
                      "configurations": [{"configuration": "before", "cost per day": 4321.0,
                                          "equipment": {"CAN-T": "ct"}}]}
    s["design"]["binding"] = []
    other = render_report(s, map_svg=SVG, map_png=MAP_PNG, charts={"steps": CHART_PNG})
    assert "<h2>Measure 8: where air security screening happens</h2>" in other
    assert "<td>before</td><td>4,321</td><td>CAN-T: ct</td>" in other
    assert "mail exchange 9,000 parcels/day (scenario 8,000)" in other
    assert "Binding constraints" not in other
    assert re.findall(r'<img alt="([^"]*)"', other) == ["seconds per step", "static map"]


def test_an_empty_summary_still_renders() -> None:
    out = render_report({}, map_svg="", map_png=MAP_PNG, charts={})
    assert out.startswith("<!DOCTYPE html>")
    assert out.endswith("</body></html>")
    assert "Open: none." in out
    assert out.count('<p class="note">none</p>') >= 5  # every table without rows


# -- bar_chart_png --------------------------------------------------------------------------------------------------


def test_bar_chart_png_is_a_png_of_the_documented_size() -> None:
    """7 in x (0.32 in a bar + 1.2 in) at 100 dpi: 2 bars -> 700 x 184 px, 5 bars -> 700 x 280 px."""
    two = bar_chart_png({"line_haul": 1500.0, "rebate": -20.0}, title="cost", xlabel="USD")
    assert two.startswith(PNG_SIGNATURE)
    assert _png_size(two) == (700, 184)
    five = bar_chart_png({k: float(i) for i, k in enumerate("abcde")}, title="t", xlabel="s")
    assert five.startswith(PNG_SIGNATURE)
    assert _png_size(five) == (700, 280)
    assert five.endswith(b"IEND\xaeB`\x82")  # the closing chunk with its fixed CRC


def test_bar_chart_png_is_deterministic_and_depends_on_the_values() -> None:
    a = bar_chart_png({"x": 1.0, "y": 2.0}, title="t", xlabel="s")
    assert bar_chart_png({"x": 1.0, "y": 2.0}, title="t", xlabel="s") == a
    assert bar_chart_png({"x": 2.0, "y": 1.0}, title="t", xlabel="s") != a
