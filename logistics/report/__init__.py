"""Reports and maps of a plan: map layers (GeoDataFrames), GeoPackage/GeoJSON exports, a static PNG map, a folium
map, a self-contained SVG map and the HTML report."""

from logistics.report.html import bar_chart_png, render_report
from logistics.report.layers import (
    PlanLayers,
    geojson_text,
    plan_layers,
    read_layers,
    write_geojson,
    write_geopackage,
    write_geopackage_to,
)
from logistics.report.maps import folium_map, png_map, svg_map

__all__ = ["PlanLayers", "bar_chart_png", "folium_map", "geojson_text", "plan_layers", "png_map", "read_layers",
           "render_report", "svg_map", "write_geojson", "write_geopackage", "write_geopackage_to"]
