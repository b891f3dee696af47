"""Paths into a scenario, and the scenario with a value set (or scaled) at a path.

A path names fields as the scenario file does (docs/scenario.md), separated by dots. A field that holds records
takes a selector in brackets: the record's id (a design hub's gateway), ``field=value`` for the records whose field
has that value (``lanes[mode=sea]``, ``export_rules[mode=9610]``), or ``*`` for every record. A field that
is a table by key (a product's ``duty_rate`` by market, a market's ``demand_per_year`` by product) takes the key
as its next part, or ``*``::

    date
    finance.cost_of_capital
    lanes[CAN-LAX-air].per_kg
    lanes[mode=sea].per_container
    export_rules[mode=9610].deemed_profit_rate
    markets[us].demand_per_year.*
    products[handbags].duty_rate.us
    screening.value_of_time_per_parcel_hour

``set`` replaces the value; ``scale`` multiplies a number by the value (so that one parameter moves every market's
demand, say, by the same factor). Variants are built with :func:`dataclasses.replace`; the base is never changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import enum
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from logistics.scenario.model import Scenario, frozen_map

__all__ = ["PathError", "apply", "closest", "get", "parse_path"]

_PART = re.compile(r"^(?P<name>\*|[A-Za-z0-9_][A-Za-z0-9_-]*)(?:\[(?P<sel>[^\[\]]+)\])?$")


class PathError(ValueError):
    """A path does not name a field of the scenario, or the value does not fit the field."""


def parse_path(path: str) -> list[tuple[str, str | None]]:
    """The parts of ``path``: (name, selector or None); dots inside brackets belong to the selector."""
    parts, depth, cur = [], 0, ""
    for ch in path:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "." and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out: list[tuple[str, str | None]] = []
    for p in parts:
        m = _PART.match(p.strip())
        if m is None:
            raise PathError(f"{path!r}: {p!r} is not a field name with an optional [id] selector")
        out.append((m["name"], m["sel"].strip() if m["sel"] else None))
    return out


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The choice ``word`` was most likely meant to be (None when none is close)."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return close[0] if close else None


def _near(word: str, choices: list[str]) -> str:
    near = closest(word, choices)
    return f" (did you mean {near!r}?)" if near else f" (one of: {', '.join(choices[:12])})"


def _convert(old: Any, value: Any, where: str) -> Any:
    """``value`` as the type of the field's current value ``old``."""
    if isinstance(old, bool):
        if not isinstance(value, bool):
            raise PathError(f"{where}: is true or false, not {value!r}")
        return value
    if isinstance(old, dt.date):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise PathError(f"{where}: {value!r} is not an ISO date such as 2026-07-01") from None
    if isinstance(old, enum.Enum):
        try:
            return type(old)(value)
        except ValueError:
            raise PathError(f"{where}: {value!r} is not one of {', '.join(str(e.value) for e in type(old))}") from None
    if isinstance(old, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise PathError(f"{where}: needs a finite number, not {value!r}")
        if isinstance(old, int) and not isinstance(old, bool):
            if float(value) != int(value):
                raise PathError(f"{where}: needs a whole number, not {value!r}")
            return int(value)
        return float(value)
    if isinstance(old, str):
        if not isinstance(value, str):
            raise PathError(f"{where}: needs text, not {value!r}")
        return value
    if isinstance(old, tuple) and all(isinstance(x, str) for x in old):
        # A list of ids (a screening flow's candidate sites, a warehouse's markets): set whole, never scaled.
        if not isinstance(value, list | tuple) or not all(isinstance(x, str) for x in value):
            raise PathError(f"{where}: needs a list of text values, not {value!r}")
        return tuple(value)
    raise PathError(f"{where}: holds {type(old).__name__} values, which a sweep cannot set; name a field inside it")


def _walk(obj: Any, parts: list[tuple[str, str | None]], fn: Callable[[Any, str], Any], where: str) -> Any:
    name, sel = parts[0]
    here = f"{where}.{name}" if where else name
    if isinstance(obj, Mapping):
        if sel is not None:
            raise PathError(f"{here}[{sel}]: a table by key takes the key as the next part, not a selector")
        keys = list(obj) if name == "*" else [name]
        for k in keys:
            if k not in obj:
                raise PathError(f"{here}: no key {k!r}{_near(k, [str(x) for x in obj])}")
        new = dict(obj)
        for k in keys:
            new[k] = fn(obj[k], f"{where}.{k}") if len(parts) == 1 else _walk(obj[k], parts[1:], fn, f"{where}.{k}")
        return frozen_map(new)
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise PathError(f"{here}: {where or 'the scenario'} has no fields below it")
    names = [f.name for f in dataclasses.fields(obj)]
    if name not in names:
        raise PathError(f"{here}: no such field{_near(name, names)}")
    val = getattr(obj, name)
    if sel is not None:
        if len(parts) == 1:
            raise PathError(f"{here}[{sel}]: name a field of the record, for example {here}[{sel}].{_first(val)}")
        chosen, ids = _select(val, sel, here, name)
        new_val = tuple(_walk(r, parts[1:], fn, f"{here}[{i}]") if c else r
                        for r, i, c in zip(val, ids, chosen, strict=True))
    elif len(parts) == 1:
        new_val = fn(val, here)
    elif val is None:
        raise PathError(f"{here}: the scenario has no {name} section")
    else:
        new_val = _walk(val, parts[1:], fn, here)
    return dataclasses.replace(obj, **{name: new_val})


def _select(records: Any, sel: str, here: str, name: str) -> tuple[list[bool], list[str]]:
    """Which records a selector picks, and the names they are reported by."""
    if not isinstance(records, tuple) or not records or not all(dataclasses.is_dataclass(r) for r in records):
        raise PathError(f"{here}[{sel}]: {name} is not a list of records")
    ids = [_record_id(r) for r in records]
    names = [i if i is not None else str(k) for k, i in enumerate(ids)]
    if sel == "*":
        return [True] * len(records), names
    if "=" in sel:
        key, want = (x.strip() for x in sel.split("=", 1))
        fields = [f.name for f in dataclasses.fields(records[0])]
        if key not in fields:
            raise PathError(f"{here}[{sel}]: the records have no field {key!r}{_near(key, fields)}")
        values = [_text(getattr(r, key)) for r in records]
        chosen = [v == want for v in values]
        if not any(chosen):
            raise PathError(f"{here}[{sel}]: no record has {key} = {want!r}{_near(want, sorted(set(values)))}")
        return chosen, names
    if any(i is None for i in ids):
        raise PathError(f"{here}[{sel}]: {name} records have no ids; select them by a field, as in "
                        f"{here}[{_first(records)}=...], or take every one with [*]")
    if sel not in ids:
        raise PathError(f"{here}[{sel}]: no record with id {sel!r}{_near(sel, names)}")
    return [i == sel for i in ids], names


def _text(v: Any) -> str:
    return str(v.value) if isinstance(v, enum.Enum) else str(v)


def _record_id(r: Any) -> str | None:
    """What a selector matches: a record's id, or the gateway of a design hub (which has no id of its own)."""
    if not dataclasses.is_dataclass(r):
        return None
    for k in ("id", "gateway"):
        v = getattr(r, k, None)
        if isinstance(v, str):
            return v
    return None


def _first(records: tuple[Any, ...]) -> str:
    fields = [f.name for f in dataclasses.fields(records[0]) if f.name not in ("id", "name", "gateway")] if records \
        else []
    return fields[0] if fields else "field"


def apply(s: Scenario, path: str, value: Any, mode: str = "set") -> Scenario:
    """The scenario with ``value`` set at ``path`` (``mode="set"``) or the number there multiplied by it
    (``mode="scale"``).

    Raises
    ------
    PathError
        When the path names no field, or the value does not fit it (with a did-you-mean).
    """
    if mode not in ("set", "scale"):
        raise PathError(f"{path}: mode {mode!r} is neither 'set' nor 'scale'")

    def leaf(old: Any, where: str) -> Any:
        if mode == "set":
            return _convert(old, value, where)
        if isinstance(old, bool) or not isinstance(old, int | float):
            raise PathError(f"{where}: scale multiplies a number, and this field holds {type(old).__name__}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise PathError(f"{where}: a scale factor is a finite number, not {value!r}")
        return _convert(old, round(old * value) if isinstance(old, int) else old * value, where)

    return _walk(s, parse_path(path), leaf, "")


def get(s: Scenario, path: str) -> list[Any]:
    """The values at ``path`` (one per record or key a ``*`` selects)."""
    seen: list[Any] = []

    def leaf(old: Any, where: str) -> Any:
        seen.append(old)
        return old

    _walk(s, parse_path(path), leaf, "")
    return seen
