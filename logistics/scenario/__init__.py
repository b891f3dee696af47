"""The Scenario: products, seller clusters, markets, gateways, lanes, warehouses, customs and tax rules.

Load one with :func:`load_scenario` (a TOML file, see docs/scenario.md) or :func:`builtin` (the packaged
Guangzhou scenario); it is validated on load and immutable afterwards.
"""

from logistics.scenario.design_data import DesignData, Hub
from logistics.scenario.export import dump_scenario, write_scenario
from logistics.scenario.load import (
    BUILTIN_SCENARIOS,
    NEW_FIELDS_DOC,
    builtin,
    builtin_text,
    defaulted_fields,
    load_scenario,
    parse_scenario,
)
from logistics.scenario.model import (
    BulkPartner,
    CustomsMode,
    DemandResponse,
    DestinationRule,
    Entry,
    EntryType,
    ExportRule,
    Finance,
    Gateway,
    ImportFee,
    LaneSpec,
    LastMileTable,
    Market,
    Origin,
    PostalDuty,
    Product,
    RebateTrigger,
    RoadRate,
    Scenario,
    SellingFees,
    StorageTier,
    TariffMeasure,
    Warehouse,
)
from logistics.scenario.routes import ChannelRoute, ScenarioNetwork, build_network, channel_routes
from logistics.scenario.routing_data import Fleet, LastMileSpec, PickupSpec, RoutingData
from logistics.scenario.screening import SITE_KINDS, Flight, ScreeningData, ScreeningFlow, ScreeningSite
from logistics.scenario.synth import synth_scenario

__all__ = [
    "BUILTIN_SCENARIOS",
    "NEW_FIELDS_DOC",
    "SITE_KINDS",
    "BulkPartner",
    "ChannelRoute",
    "CustomsMode",
    "DemandResponse",
    "DesignData",
    "DestinationRule",
    "Entry",
    "EntryType",
    "ExportRule",
    "Finance",
    "Fleet",
    "Flight",
    "Gateway",
    "Hub",
    "ImportFee",
    "LaneSpec",
    "LastMileSpec",
    "LastMileTable",
    "Market",
    "Origin",
    "PickupSpec",
    "PostalDuty",
    "Product",
    "RebateTrigger",
    "RoadRate",
    "RoutingData",
    "Scenario",
    "ScenarioNetwork",
    "ScreeningData",
    "ScreeningFlow",
    "ScreeningSite",
    "SellingFees",
    "StorageTier",
    "TariffMeasure",
    "Warehouse",
    "build_network",
    "builtin",
    "builtin_text",
    "channel_routes",
    "defaulted_fields",
    "dump_scenario",
    "load_scenario",
    "parse_scenario", "synth_scenario",
    "write_scenario",
]
