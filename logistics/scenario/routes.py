"""The scenario's transport network and the channel routes it offers.

:func:`build_network` turns a Scenario into a :class:`networks.TransportNetwork`: the line-haul lanes written in the
scenario plus generated road legs (seller cluster to Guangzhou gateways, bonded zone to the parcel gateways,
entry port to warehouse, entry or warehouse to the market's customers). :func:`channel_routes` walks every path
from each seller cluster to each market and keeps those that match one of the export channels:

=========  =====================================================================================
channel    node pattern (after the seller cluster)
=========  =====================================================================================
9610 post  mail exchange -> (postal lane, delivery included) -> market
9610 air   airport -> (parcel air lane) -> destination airport -> courier -> market
1210       bonded zone -> mail exchange or airport -> ... as 9610
9710       gateway -> (freight lane) -> entry -> B2B partner delivers -> market
1039       as 9710, from a seller cluster that is a market-procurement pilot market
9810       gateway -> (freight lane) -> entry -> overseas warehouse -> last mile -> market
=========  =====================================================================================
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import networks
from logistics.scenario.model import CustomsMode, Scenario

__all__ = ["ChannelRoute", "ScenarioNetwork", "build_network", "channel_routes"]


@dataclass(frozen=True, slots=True)
class ChannelRoute:
    """One way to move goods from a seller cluster to a market under one customs mode.

    ``legs`` are the network lanes in order; ``line_haul`` is the international lane.
    """

    channel: CustomsMode
    origin: str
    market: str
    legs: tuple[networks.Lane, ...]
    line_haul: networks.Lane
    service: str  # "parcel" or "freight"
    bonded: str | None = None
    entry: str | None = None
    warehouse: str | None = None

    @property
    def gateway(self) -> str:
        """The China-side node where goods leave the country."""
        return self.line_haul.origin

    @property
    def label(self) -> str:
        """Short human-readable name, e.g. ``9810 ocean_fcl NSA>USLAX wh:LA``."""
        parts = [self.channel.value, self.line_haul.mode.value, f"{self.line_haul.origin}>{self.line_haul.destination}"]
        if self.bonded:
            parts.insert(1, f"via {self.bonded}")
        if self.warehouse:
            parts.append(f"wh:{self.warehouse}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class ScenarioNetwork:
    """The transport network of a scenario with the scenario-only attributes of its lanes."""

    network: networks.TransportNetwork
    service: Mapping[str, str]  # lane id -> "parcel" | "freight" | "road"


_KIND = {
    "airport": networks.PlaceKind.AIRPORT,
    "mail_exchange": networks.PlaceKind.MAIL_EXCHANGE,
    "seaport": networks.PlaceKind.SEAPORT,
    "rail_terminal": networks.PlaceKind.RAIL_TERMINAL,
    "bonded_zone": networks.PlaceKind.BONDED_ZONE,
}

_CACHE: dict[int, tuple[Scenario, ScenarioNetwork, tuple[ChannelRoute, ...]]] = {}


def _road_lane(s: Scenario, a: networks.Place, b: networks.Place, country: str, *, priced: bool) -> networks.Lane:
    """A generated truck leg; priced legs carry the country's trucking rate as a per-kg-km tariff."""
    rate = s.road_rate(country)
    km = float(networks.haversine_km(a.lat, a.lon, b.lat, b.lon)) * rate.detour_factor
    days = km / rate.km_per_day
    tariff = networks.Tariff()
    if priced:
        # A truck's cost is shared by the kilograms (or the m3, converted at the truck's density) it carries.
        tariff = networks.Tariff(
            per_kg_km=rate.cost_per_km / (rate.truck_kg * rate.load_factor),
            volumetric_kg_per_m3=rate.truck_kg / rate.truck_m3,
            source=rate.source,
        )
    return networks.Lane(
        id=f"road:{a.id}>{b.id}", origin=a.id, destination=b.id, mode=networks.Mode.ROAD, distance_km=km,
        transit_mean_days=days, transit_std_days=0.25 * days, departures_per_week=7.0, tariff=tariff,
        source=rate.source,
    )


def build_network(s: Scenario) -> ScenarioNetwork:
    """Build (once per scenario object) the transport network of ``s``."""
    return _build(s)[1]


def channel_routes(s: Scenario) -> tuple[ChannelRoute, ...]:
    """Every channel route from every seller cluster to every market, in a stable order."""
    return _build(s)[2]


def _build(s: Scenario) -> tuple[Scenario, ScenarioNetwork, tuple[ChannelRoute, ...]]:
    hit = _CACHE.get(id(s))
    if hit is not None and hit[0] is s:
        return hit
    net = networks.TransportNetwork()
    cn = s.origin_country
    places: dict[str, networks.Place] = {}

    def add(place: networks.Place) -> None:
        places[place.id] = place
        net.add_place(place)

    for o in s.origins:
        add(networks.Place(o.id, o.name, networks.PlaceKind.CLUSTER, o.lat, o.lon, cn, o.source))
    for g in s.gateways:
        add(networks.Place(g.id, g.name, _KIND[g.kind], g.lat, g.lon, cn, g.source))
    entry_country = {}
    for e in s.entries:
        country = next((m.country for m in s.markets if m.region == e.region), e.region)
        entry_country[e.id] = country
        add(networks.Place(e.id, e.name, _KIND[e.kind], e.lat, e.lon, country, e.source))
    for w in s.warehouses:
        add(networks.Place(w.id, w.name, networks.PlaceKind.WAREHOUSE, w.lat, w.lon, w.country, w.source))
    for m in s.markets:
        add(networks.Place(m.id, m.name, networks.PlaceKind.MARKET, m.lat, m.lon, m.country, m.source))

    service: dict[str, str] = {}
    parcel_gateways = [g for g in s.gateways if g.kind in ("airport", "mail_exchange")]
    for o in s.origins:
        for g in s.gateways:
            lane = _road_lane(s, places[o.id], places[g.id], cn, priced=True)
            net.add_lane(lane)
            service[lane.id] = "road"
    for b in (g for g in s.gateways if g.kind == "bonded_zone"):
        for g in parcel_gateways:
            lane = _road_lane(s, places[b.id], places[g.id], cn, priced=True)
            net.add_lane(lane)
            service[lane.id] = "road"
    for spec in s.lanes:
        src, dst = places[spec.origin], places[spec.destination]
        km = spec.distance_km or float(networks.haversine_km(src.lat, src.lon, dst.lat, dst.lon))
        lane = networks.Lane(
            id=spec.id, origin=spec.origin, destination=spec.destination, mode=networks.Mode(spec.mode),
            distance_km=km, transit_mean_days=spec.transit_mean_days, transit_std_days=spec.transit_std_days,
            departures_per_week=spec.departures_per_week, capacity_kg_per_week=spec.capacity_kg_per_week,
            tariff=networks.Tariff(
                per_kg=spec.per_kg, per_m3=spec.per_m3, per_item=spec.per_item, per_container=spec.per_container,
                container_m3=spec.container_m3, container_kg=spec.container_kg, container_fill=spec.container_fill,
                volumetric_kg_per_m3=spec.volumetric_kg_per_m3, currency=s.finance.currency, source=spec.source,
            ),
            source=spec.source,
        )
        net.add_lane(lane)
        service[lane.id] = spec.service
    for w in s.warehouses:
        for entry_id in w.supplied_from:
            lane = _road_lane(s, places[entry_id], places[w.id], w.country, priced=True)
            net.add_lane(lane)
            service[lane.id] = "road"
        for market_id in w.serves:
            lane = _road_lane(s, places[w.id], places[market_id], w.country, priced=False)
            net.add_lane(lane)
            service[lane.id] = "last_mile"
    for e in s.entries:
        for m in s.markets:
            if m.region == e.region:
                lane = _road_lane(s, places[e.id], places[m.id], entry_country[e.id], priced=False)
                net.add_lane(lane)
                service[lane.id] = "last_mile"
    net.freeze()
    snet = ScenarioNetwork(net, MappingProxyType(service))
    walk = _Walk(snet)
    flat = tuple(r for o in s.origins for m in s.markets for r in walk.routes(o.id, m.id, o.market_procurement_pilot))
    _CACHE.clear()  # one scenario at a time is the common case; keeps memory bounded
    _CACHE[id(s)] = (s, snet, flat)
    return _CACHE[id(s)]


class _Walk:
    """The channel routes between one seller cluster and one market, built from the channel patterns.

    Walking every simple path of the network (the way the table in the module docstring reads) costs time in
    the number of paths out of a cluster, once per market; building each route from its pattern costs time in
    the number of routes only. The cluster's side (road legs to the gateways and the lines out of them) is the
    same for every market, and the market's side (its last-mile legs and the warehouses behind them) the same for
    every cluster, so both are gathered once.
    """

    def __init__(self, snet: ScenarioNetwork) -> None:
        self.snet = snet
        net = snet.network
        self.kind = {p.id: p.kind for p in net.places}
        self.out: dict[str, list[networks.Lane]] = {}
        self.last_mile: dict[tuple[str, str], list[networks.Lane]] = {}  # (from, market) -> last-mile lanes
        self.to_wh: dict[str, list[networks.Lane]] = {}  # entry -> road lanes to warehouses
        for lane in net.lanes:
            svc = snet.service[lane.id]
            self.out.setdefault(lane.origin, []).append(lane)
            if svc == "last_mile":
                self.last_mile.setdefault((lane.origin, lane.destination), []).append(lane)
            elif svc == "road" and self.kind[lane.destination] == networks.PlaceKind.WAREHOUSE:
                self.to_wh.setdefault(lane.origin, []).append(lane)
        self._prefix: dict[str, list[tuple[tuple[networks.Lane, ...], str | None, networks.Lane]]] = {}

    def _lines(self, origin: str) -> list[tuple[tuple[networks.Lane, ...], str | None, networks.Lane]]:
        """Every (legs to the gateway, bonded zone or None, line haul) out of ``origin``."""
        hit = self._prefix.get(origin)
        if hit is not None:
            return hit
        service = self.snet.service
        found: list[tuple[tuple[networks.Lane, ...], str | None, networks.Lane]] = []
        for r1 in self.out.get(origin, ()):
            if service[r1.id] != "road":
                continue
            heads: list[tuple[tuple[networks.Lane, ...], str | None]]
            if self.kind[r1.destination] == networks.PlaceKind.BONDED_ZONE:
                heads = [((r1, r2), r1.destination) for r2 in self.out.get(r1.destination, ())
                         if service[r2.id] == "road" and r2.destination != origin]
            else:
                heads = [((r1,), None)]
            for legs, bonded in heads:
                for line in self.out.get(legs[-1].destination, ()):
                    svc = service[line.id]
                    if svc == "parcel" or (svc == "freight" and bonded is None):
                        found.append((legs, bonded, line))
        self._prefix[origin] = found
        return found

    def routes(self, origin: str, market: str, pilot: bool) -> list[ChannelRoute]:
        out: list[ChannelRoute] = []
        for legs, bonded, line in self._lines(origin):
            dest = line.destination
            if dest == origin or (bonded is not None and dest == bonded):
                continue
            if self.snet.service[line.id] == "parcel":
                channel = CustomsMode.BONDED if bonded else CustomsMode.DIRECT_MAIL
                if dest == market:
                    if line.mode == networks.Mode.POSTAL:
                        out.append(ChannelRoute(channel, origin, market, (*legs, line), line, "parcel", bonded=bonded))
                    continue
                for lm in self.last_mile.get((dest, market), ()):
                    out.append(ChannelRoute(channel, origin, market, (*legs, line, lm), line, "parcel",
                                            bonded=bonded, entry=dest))
                continue
            if dest == market:
                continue
            for lm in self.last_mile.get((dest, market), ()):
                route = ChannelRoute(CustomsMode.B2B_DIRECT, origin, market, (*legs, line, lm), line, "freight",
                                     entry=dest)
                out.append(route)
                if pilot:
                    # A pilot market's goods may leave as market procurement (1039) over the same legs.
                    out.append(dataclasses.replace(route, channel=CustomsMode.MARKET_PROCUREMENT))
            for rw in self.to_wh.get(dest, ()):
                for lm in self.last_mile.get((rw.destination, market), ()):
                    out.append(ChannelRoute(CustomsMode.OVERSEAS_WAREHOUSE, origin, market, (*legs, line, rw, lm),
                                            line, "freight", entry=dest, warehouse=rw.destination))
        # Stable, meaningful order: channel, then the lanes' ids.
        out.sort(key=lambda r: (r.channel.value, tuple(lane.id for lane in r.legs)))
        return out


def _classify(snet: ScenarioNetwork, origin: str, market: str, pilot: bool) -> list[ChannelRoute]:
    """The channel routes by walking every simple path (the reference :class:`_Walk` is tested against)."""
    net = snet.network
    try:
        paths = net.paths(origin, market, max_legs=5)
    except networks.NoPathError:
        return []
    out = []
    for legs in paths:
        kinds = [net.place(lane.destination).kind for lane in legs[:-1]]
        svc = [snet.service[lane.id] for lane in legs]
        route = _match(origin, market, legs, kinds, svc)
        if route is not None:
            out.append(route)
            if pilot and route.channel == CustomsMode.B2B_DIRECT:
                out.append(dataclasses.replace(route, channel=CustomsMode.MARKET_PROCUREMENT))
    out.sort(key=lambda r: (r.channel.value, tuple(lane.id for lane in r.legs)))
    return out


def _match(origin: str, market: str, legs: tuple[networks.Lane, ...], kinds: list[networks.PlaceKind],
           svc: list[str]) -> ChannelRoute | None:
    K = networks.PlaceKind
    bonded = None
    if kinds and kinds[0] == K.BONDED_ZONE:
        bonded = legs[0].destination
        if len(kinds) < 2 or svc[1] != "road":
            return None
        kinds, svc, rest = kinds[1:], svc[1:], legs[1:]
    else:
        rest = legs
    # rest[0] is the road leg into the gateway; rest[1] is the line haul.
    if len(rest) < 2 or svc[0] != "road":
        return None
    line = rest[1]
    if svc[1] == "parcel":
        channel = CustomsMode.BONDED if bonded else CustomsMode.DIRECT_MAIL
        if line.mode == networks.Mode.POSTAL and len(rest) == 2:
            return ChannelRoute(channel, origin, market, legs, line, "parcel", bonded=bonded)
        if len(rest) == 3 and svc[2] == "last_mile":
            return ChannelRoute(channel, origin, market, legs, line, "parcel", bonded=bonded, entry=line.destination)
        return None
    if svc[1] != "freight" or bonded:
        return None
    if len(rest) == 3 and svc[2] == "last_mile":
        return ChannelRoute(CustomsMode.B2B_DIRECT, origin, market, legs, line, "freight", entry=line.destination)
    if len(rest) == 4 and svc[2] == "road" and svc[3] == "last_mile" and kinds[-1] == K.WAREHOUSE:
        return ChannelRoute(CustomsMode.OVERSEAS_WAREHOUSE, origin, market, legs, line, "freight",
                            entry=line.destination, warehouse=rest[2].destination)
    return None
