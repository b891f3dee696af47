"""Reports and maps of a plan: map layers (GeoDataFrames), GeoPackage/GeoJSON exports, a static PNG map, a folium
map, a self-contained SVG map and the HTML report."""

from logistics.report.layers import PlanLayers, plan_layers, read_layers, write_geojson, write_geopackage

__all__ = ["PlanLayers", "plan_layers", "read_layers", "write_geojson", "write_geopackage"]
