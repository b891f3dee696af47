"""The Scenario: products, seller clusters, markets, gateways, lanes, warehouses, customs and tax rules.

Load one with :func:`load_scenario` (a TOML file, see docs/scenario.md) or :func:`builtin` (the packaged
Guangzhou scenario); it is validated on load and immutable afterwards.
"""

from logistics.scenario.export import dump_scenario, write_scenario
from logistics.scenario.load import BUILTIN_SCENARIOS, builtin, builtin_text, load_scenario, parse_scenario
from logistics.scenario.model import (
    BulkPartner,
    CustomsMode,
    DestinationRule,
    Entry,
    ExportRule,
    Finance,
    Gateway,
    LaneSpec,
    LastMileTable,
    Market,
    Origin,
    Product,
    RebateTrigger,
    RoadRate,
    Scenario,
    StorageTier,
    Warehouse,
)
from logistics.scenario.routes import ChannelRoute, ScenarioNetwork, build_network, channel_routes

__all__ = [
    "BUILTIN_SCENARIOS", "BulkPartner", "ChannelRoute", "CustomsMode", "DestinationRule", "Entry", "ExportRule",
    "Finance", "Gateway", "LaneSpec", "LastMileTable", "Market", "Origin", "Product", "RebateTrigger", "RoadRate",
    "Scenario", "ScenarioNetwork", "StorageTier", "Warehouse", "build_network", "builtin", "builtin_text",
    "channel_routes", "dump_scenario", "load_scenario", "parse_scenario", "write_scenario",
]
