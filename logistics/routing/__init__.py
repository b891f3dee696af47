"""Vehicle routing: domestic pickups to consolidation hubs and last-mile delivery around overseas warehouses.

A frozen :class:`RoutingProblem` (multi-dimensional demand, pickups and deliveries, time windows, optional
clients with prizes, vehicle types); readers for VRPLIB and Solomon files; :func:`solve` over PyVRP and OR-Tools
routing; an independent evaluator (:func:`check_solution`) that tests use on both backends' solutions.
"""

from logistics.routing.evaluate import Route, RouteCheck, check_solution
from logistics.routing.io import read_instance, read_solomon, read_vrplib, write_vrplib_solution
from logistics.routing.problem import BadProblemError, RoutingProblem, VehicleType
from logistics.routing.solve import BACKENDS, RoutingResult, solve

__all__ = ["BACKENDS", "BadProblemError", "Route", "RouteCheck", "RoutingProblem", "RoutingResult", "VehicleType",
           "check_solution", "read_instance", "read_solomon", "read_vrplib", "solve", "write_vrplib_solution"]
