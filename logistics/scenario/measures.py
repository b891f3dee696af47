"""Policy measures as switches: the scenario without the measures that are not in force.

A scenario's values are those of the world with its measures in force. A :class:`~logistics.scenario.model.Measure`
lists, per path into the scenario, the value without it (``off``) or the factor on the value in force
(``off_factor``). :func:`resolve` applies the effects of every measure whose ``in_force`` is false; each model calls
it on entry, and a resolved scenario is marked so that no effect is ever applied twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from logistics.errors import ScenarioError
from logistics.scenario.model import Scenario
from logistics.scenario.paths import PathError, apply

__all__ = ["resolve", "with_measures"]


def resolve(s: Scenario) -> Scenario:
    """``s`` with the effects of its measures not in force applied (``s`` itself when there are none to apply).

    Raises
    ------
    ScenarioError
        When an effect no longer fits the scenario (a sweep removed the record it names, say).
    """
    if s.measures_resolved or all(m.in_force for m in s.measures):
        return s
    out = s
    for m in s.measures:
        if m.in_force:
            continue
        for i, e in enumerate(m.effects):
            try:
                out = apply(out, e.path, e.off if e.off_factor is None else e.off_factor,
                            "set" if e.off_factor is None else "scale")
            except PathError as exc:
                raise ScenarioError(s.path, f"measures[{m.id}].effects[{i}]", str(exc),
                                    "name a field as docs/sweeps.md describes paths, with a value that fits it"
                                    ) from None
    return dataclasses.replace(out, measures_resolved=True)


def with_measures(s: Scenario, on: Iterable[str]) -> Scenario:
    """``s`` with exactly the measures ``on`` in force and the others not (not yet resolved).

    Raises
    ------
    KeyError
        When ``on`` names a measure the scenario does not have.
    """
    want = set(on)
    unknown = want - {m.id for m in s.measures}
    if unknown:
        raise KeyError(f"unknown measures {sorted(unknown)}; the scenario has {[m.id for m in s.measures]}")
    if s.measures_resolved:
        raise ValueError("the scenario's measures are already resolved; switch them on the scenario as loaded")
    return dataclasses.replace(s, measures=tuple(dataclasses.replace(m, in_force=m.id in want) for m in s.measures))
