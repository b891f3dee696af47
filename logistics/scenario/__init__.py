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
from logistics.scenario.measures import resolve as resolve_measures
from logistics.scenario.measures import with_measures
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
    Measure,
    MeasureEffect,
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
    frozen_map,
)
from logistics.scenario.paths import PathError, closest, parse_path
from logistics.scenario.paths import apply as apply_path
from logistics.scenario.paths import get as get_path
from logistics.scenario.routes import ChannelRoute, ScenarioNetwork, build_network, channel_routes
from logistics.scenario.routing_data import Fleet, LastMileSpec, PickupSpec, RoutingData
from logistics.scenario.screening import (
    SITE_KINDS,
    Equipment,
    Flight,
    Rehandling,
    ScreeningData,
    ScreeningFlow,
    ScreeningSite,
    Shifts,
    Trucks,
)
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
    "Equipment",
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
    "Measure",
    "MeasureEffect",
    "Origin",
    "PathError",
    "PickupSpec",
    "PostalDuty",
    "Product",
    "RebateTrigger",
    "Rehandling",
    "RoadRate",
    "RoutingData",
    "Scenario",
    "ScenarioNetwork",
    "ScreeningData",
    "ScreeningFlow",
    "ScreeningSite",
    "SellingFees",
    "Shifts",
    "StorageTier",
    "TariffMeasure",
    "Trucks",
    "Warehouse",
    "apply_path",
    "build_network",
    "builtin",
    "builtin_text",
    "channel_routes",
    "closest",
    "defaulted_fields",
    "dump_scenario",
    "frozen_map",
    "get_path",
    "load_scenario",
    "parse_path",
    "parse_scenario",
    "resolve_measures",
    "synth_scenario",
    "with_measures",
    "write_scenario",
]
