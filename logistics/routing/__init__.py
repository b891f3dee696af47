"""Vehicle routing: domestic pickups to consolidation hubs and last-mile delivery around overseas warehouses.

A frozen :class:`RoutingProblem` (multi-dimensional demand, pickups and deliveries, time windows, optional
clients with prizes, vehicle types); readers for VRPLIB and Solomon files; :func:`solve` over PyVRP and OR-Tools
routing; an independent evaluator (:func:`check_solution`) that tests use on both backends' solutions.
"""

from logistics.routing.builders import COST_SCALE, lastmile_problem, pickup_problem, read_matrix, write_routes_geojson
from logistics.routing.evaluate import Route, RouteCheck, check_solution, unreachable_clients
from logistics.routing.io import read_instance, read_solomon, read_vrplib, write_vrplib_solution
from logistics.routing.problem import BadProblemError, RoutingProblem, VehicleType
from logistics.routing.solve import BACKENDS, RoutingResult, solve

__all__ = ["BACKENDS", "COST_SCALE", "BadProblemError", "Route", "RouteCheck", "RoutingProblem", "RoutingResult",
           "VehicleType", "check_solution", "lastmile_problem", "pickup_problem", "read_instance", "read_matrix",
           "read_solomon", "read_vrplib", "solve", "unreachable_clients", "write_routes_geojson",
           "write_vrplib_solution"]
