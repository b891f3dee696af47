"""Maps of a plan: a static PNG (geopandas and matplotlib on Natural Earth country outlines packaged with
``networks``), an interactive folium page, and a self-contained interactive SVG for the HTML report.

The folium page loads Leaflet and the background tiles from the internet when opened; the report's SVG map needs
nothing: country outlines, layers that can be switched on and off, tooltips, and zoom and pan by mouse.
"""

from __future__ import annotations

import html
import io
import itertools
from typing import Any

import geopandas as gpd
import numpy as np

from logistics.report.layers import PlanLayers
from networks import countries

__all__ = ["folium_map", "png_map", "svg_map"]

_ROLE_COLOR = {"origin": "#1b9e77", "gateway": "#d95f02", "entry": "#7570b3", "warehouse": "#e7298a",
               "market": "#444444"}
_MODE_COLOR = {"ocean_fcl": "#1f78b4", "ocean_lcl": "#a6cee3", "air": "#e31a1c", "rail": "#33a02c",
               "post": "#ff7f00", "road": "#999999", "truck": "#999999"}


_CUT = -30.0  # maps run from 30 W eastwards round the globe, so the Pacific lanes to the Americas are not cut


def _east(lon: float) -> float:
    return lon + 360.0 if lon < _CUT else lon


def _shift_lines(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Points and lines with every vertex west of the cut moved 360 degrees east."""
    from shapely import transform

    def move(xy: np.ndarray) -> np.ndarray:
        out = xy.copy()
        out[:, 0] = np.where(out[:, 0] < _CUT, out[:, 0] + 360.0, out[:, 0])
        return out

    if not len(gdf):
        return gdf
    return gdf.set_geometry(transform(gdf.geometry.values, move))


def _shift_countries(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Whole countries west of the cut moved 360 degrees east (by their centroid, so none is torn apart)."""
    from shapely.affinity import translate

    west = gdf.geometry.representative_point().x < _CUT
    geoms = [translate(g, 360.0) if w else g for g, w in zip(gdf.geometry, west, strict=True)]
    return gdf.set_geometry(geoms)


def _color(mode: str) -> str:
    return _MODE_COLOR.get(mode, "#6a3d9a")


def _width(units: np.ndarray, lo: float = 0.6, hi: float = 6.0) -> np.ndarray:
    """Line widths growing with the square root of the flow."""
    u = np.sqrt(np.maximum(np.asarray(units, dtype=float), 0.0))
    top = u.max() if len(u) and u.max() > 0 else 1.0
    return lo + (hi - lo) * u / top


def png_map(layers: PlanLayers, *, title: str = "", dpi: int = 110) -> bytes:
    """The plan on a world map as PNG bytes: lanes sized by flow, sites coloured by role, open warehouses."""
    # A bare Figure (not pyplot) so that a library call never switches the user's matplotlib backend.
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 6.2), dpi=dpi)
    ax = fig.subplots()
    _shift_countries(countries()).plot(ax=ax, color="#f2f2ef", edgecolor="#b9b9b4", linewidth=0.4)
    lanes = _shift_lines(layers.lanes)
    used = lanes[lanes["units_per_year"] > 0] if len(lanes) else lanes
    if len(used):
        used.plot(ax=ax, color=[_color(m) for m in used["mode"]], linewidth=_width(used["units_per_year"]),
                  alpha=0.8)
    elif len(lanes):
        lanes.plot(ax=ax, color="#bbbbbb", linewidth=0.5)
    sites = _shift_lines(layers.sites)
    for role, color in _ROLE_COLOR.items():
        part = sites[sites["role"] == role]
        if not len(part):
            continue
        shut = part[~part["open"].astype(bool)]
        live = part[part["open"].astype(bool)]
        if len(live):
            live.plot(ax=ax, color=color, markersize=36 if role == "warehouse" else 14, label=role, zorder=3)
        if len(shut):
            shut.plot(ax=ax, facecolor="none", edgecolor=color, markersize=30, label=f"{role} (closed)", zorder=3)
    if len(layers.routes):
        _shift_lines(layers.routes).plot(ax=ax, color="#222222", linewidth=0.5, zorder=4)
    xmin, ymin, xmax, ymax = sites.total_bounds
    ax.set_xlim(max(xmin - 12, _CUT), min(xmax + 12, _CUT + 360))
    ax.set_ylim(max(ymin - 8, -85), min(ymax + 8, 85))
    ax.set_axis_off()
    ax.legend(loc="lower left", fontsize=7, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def _stable_ids(root: Any) -> None:
    """Number folium's elements in tree order instead of its random ids, so the same plan gives the same page."""
    count = itertools.count()

    def walk(element: Any) -> None:
        element._id = f"{next(count):05d}"
        for child in element._children.values():
            walk(child)

    walk(root)


def folium_map(layers: PlanLayers) -> str:
    """An interactive folium (Leaflet) page: layers for lanes sized by flow, open warehouses, each kind of site,
    the design's flows and the vehicle routes; the layer control switches them. Leaflet and the map tiles load
    from the internet when the page is opened (the HTML report's own map needs no network)."""
    import folium

    sites = layers.sites
    center = [float(sites["lat"].mean()), float(sites["lon"].mean())]
    fmap = folium.Map(location=center, zoom_start=2, tiles="OpenStreetMap")
    lanes = layers.lanes
    lane_group = folium.FeatureGroup(name="lanes (width: units a year)")
    widths: Any = _width(lanes["units_per_year"], 1.0, 9.0) if len(lanes) else []
    for (_, row), w in zip(lanes.iterrows(), widths, strict=True):
        if row["units_per_year"] <= 0:
            continue
        coords = [(lat, lon) for lon, lat in row.geometry.coords]
        folium.PolyLine(coords, color=_color(row["mode"]), weight=float(w), opacity=0.7,
                        tooltip=f"{row['id']} {row['mode']}: {row['units_per_year']:,.0f} units/yr").add_to(lane_group)
    lane_group.add_to(fmap)
    is_open = sites["open"].astype(bool)
    wh = sites[(sites["role"] == "warehouse") & is_open]
    if len(wh):
        group = folium.FeatureGroup(name="open warehouses")
        for _, row in wh.iterrows():
            folium.Marker((row["lat"], row["lon"]), tooltip=f"{row['id']} (open warehouse)",
                          icon=folium.Icon(color="red", icon="home")).add_to(group)
        group.add_to(fmap)
    for role, color in _ROLE_COLOR.items():
        group = folium.FeatureGroup(name=f"{role}s")
        for _, row in sites[sites["role"] == role].iterrows():
            live = bool(row["open"])
            folium.CircleMarker((row["lat"], row["lon"]), radius=7 if role == "warehouse" else 4, color=color,
                                fill=live, fill_opacity=0.9,
                                tooltip=f"{row['id']} ({role}{'' if live else ', closed'})").add_to(group)
        group.add_to(fmap)
    if len(layers.flows):
        group = folium.FeatureGroup(name="design flows (origin, gateway, warehouse, market)", show=False)
        for _, row in layers.flows.iterrows():
            folium.PolyLine([(lat, lon) for lon, lat in row.geometry.coords], color=_color(row["mode"]), weight=1,
                            opacity=0.6, tooltip=f"{row['product']} to {row['market']}: {row['channel']} "
                                                 f"{row['share']:.0%} ({row['units_per_year']:,.0f} units/yr)"
                            ).add_to(group)
        group.add_to(fmap)
    if len(layers.routes):
        group = folium.FeatureGroup(name="vehicle routes")
        for _, row in layers.routes.iterrows():
            folium.PolyLine([(lat, lon) for lon, lat in row.geometry.coords], color="#222222", weight=1.5,
                            tooltip=f"{row['job']} route {row['route']}: {row['stops']} stops").add_to(group)
        group.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    root = fmap.get_root()
    _stable_ids(root)
    return str(root.render())


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection to SVG units (1 degree = 4 units), y down."""
    return (_east(lon) - _CUT) * 4.0, (90.0 - lat) * 4.0


def _path(geom: object) -> str:
    """SVG path of a (multi)polygon already moved east of the cut (its coordinates are used as they are)."""
    parts = []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        rings = [poly.exterior, *poly.interiors] if hasattr(poly, "exterior") else [poly]
        for ring in rings:
            pts = [((x - _CUT) * 4.0, (90.0 - y) * 4.0) for x, y in ring.coords]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
    return "".join(parts)


def svg_map(layers: PlanLayers) -> str:
    """An interactive SVG map (inline, no network): country outlines, lanes sized by flow, sites, routes.

    Checkboxes switch the layers; tooltips name each item; the mouse wheel zooms and dragging pans.
    """
    sites = layers.sites
    east = np.array([_east(float(v)) for v in sites["lon"]])
    x0 = (max(east.min() - 10, _CUT) - _CUT) * 4.0
    x1 = (min(east.max() + 10, _CUT + 360) - _CUT) * 4.0
    _, ymin, _, ymax = sites.total_bounds
    y0, y1 = (90.0 - min(ymax + 8, 85)) * 4.0, (90.0 - max(ymin - 8, -85)) * 4.0
    view = f"{x0:.0f} {y0:.0f} {x1 - x0:.0f} {y1 - y0:.0f}"
    out = [f'<svg id="owl-map" viewBox="{view}" xmlns="http://www.w3.org/2000/svg" role="img" '
           'aria-label="map of the plan">',
           '<rect x="0" y="0" width="1440" height="720" fill="#eaf2f8"/>', '<g id="layer-countries">']
    world: gpd.GeoDataFrame = _shift_countries(countries())
    for _, row in world.iterrows():
        out.append(f'<path d="{_path(row.geometry)}" fill="#f4f4f0" stroke="#c4c4bd" stroke-width="0.3">'
                   f'<title>{html.escape(str(row["name"]))}</title></path>')
    out.append("</g>")
    lanes = layers.lanes
    used = lanes[lanes["units_per_year"] > 0] if len(lanes) else lanes
    show = used if len(used) else lanes
    out.append('<g id="layer-lanes" fill="none" stroke-linecap="round">')
    for (_, row), w in zip(show.iterrows(), _width(show["units_per_year"], 0.4, 4.0) if len(show) else [],
                           strict=True):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_project(a, b) for a, b in row.geometry.coords))
        tip = f"{row['id']} ({row['mode']}): {row['units_per_year']:,.0f} units a year"
        out.append(f'<polyline points="{pts}" stroke="{_color(row["mode"])}" stroke-width="{w:.2f}" '
                   f'opacity="0.75"><title>{html.escape(tip)}</title></polyline>')
    out.append("</g>")
    if len(layers.routes):
        out.append('<g id="layer-routes" fill="none" stroke="#222" stroke-width="0.15">')
        for _, row in layers.routes.iterrows():
            pts = " ".join(f"{x:.2f},{y:.2f}" for x, y in (_project(a, b) for a, b in row.geometry.coords))
            tip = f"{row['job']} route {row['route']}: {row['stops']} stops"
            out.append(f'<polyline points="{pts}"><title>{html.escape(tip)}</title></polyline>')
        out.append("</g>")
    out.append('<g id="layer-sites">')
    for _, row in sites.iterrows():
        x, y = _project(float(row["lon"]), float(row["lat"]))
        color = _ROLE_COLOR.get(str(row["role"]), "#000")
        is_open = bool(row["open"])
        r = 1.8 if row["role"] == "warehouse" else 1.0
        fill = color if is_open else "#ffffff"
        tip = f"{row['id']}: {row['name']} ({row['role']}{'' if is_open else ', closed'})"
        out.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r}" fill="{fill}" stroke="{color}" stroke-width="0.4">'
                   f'<title>{html.escape(tip)}</title></circle>')
    out.append("</g></svg>")
    boxes = "".join(
        f'<label><input type="checkbox" checked data-layer="layer-{name}"> {name}</label> '
        for name in ("countries", "lanes", "routes", "sites") if name != "routes" or len(layers.routes))
    script = """<script>
(function () {
  var svg = document.getElementById('owl-map');
  if (!svg) { return; }
  document.querySelectorAll('input[data-layer]').forEach(function (box) {
    box.addEventListener('change', function () {
      var g = document.getElementById(box.getAttribute('data-layer'));
      if (g) { g.style.display = box.checked ? '' : 'none'; }
    });
  });
  var vb = svg.viewBox.baseVal, drag = null;
  svg.addEventListener('wheel', function (e) {
    e.preventDefault();
    var k = e.deltaY > 0 ? 1.2 : 1 / 1.2, r = svg.getBoundingClientRect();
    var mx = vb.x + (e.clientX - r.left) / r.width * vb.width, my = vb.y + (e.clientY - r.top) / r.height * vb.height;
    vb.x = mx - (mx - vb.x) * k; vb.y = my - (my - vb.y) * k; vb.width *= k; vb.height *= k;
  }, {passive: false});
  svg.addEventListener('mousedown', function (e) { drag = [e.clientX, e.clientY]; });
  window.addEventListener('mouseup', function () { drag = null; });
  svg.addEventListener('mousemove', function (e) {
    if (!drag) { return; }
    var r = svg.getBoundingClientRect();
    vb.x -= (e.clientX - drag[0]) / r.width * vb.width; vb.y -= (e.clientY - drag[1]) / r.height * vb.height;
    drag = [e.clientX, e.clientY];
  });
})();
</script>"""
    return f'<div class="map-controls">{boxes}</div>' + "".join(out) + script

