"""``--date`` defaults to today; a date after the scenario's ``rules_verified`` warns on stderr and in the JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from logistics.scenario import builtin, write_scenario
from tests.harness import Owl


@pytest.mark.real_today
def test_the_default_date_is_today(owl: Owl) -> None:
    import json

    r = owl("chain", "--json", "-p", "handbags", "-m", "de")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["rules_date"] == dt.date.today().isoformat()
    assert doc["rules_verified"] == "2026-12-02"
    assert bool(doc["warnings"]) == (dt.date.today() > dt.date(2026, 12, 2))


def test_a_date_after_rules_verified_warns(owl: Owl, tmp_path: Path) -> None:
    """The rules were verified on 2026-12-02; asking for 2027-03-01 still runs, warns once on stderr and lists the
    warning in the JSON. On the verified date itself there is no warning."""
    import json

    r = owl("chain", "--json", "--date", "2027-03-01", "-p", "handbags", "-m", "de")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["rules_date"] == "2027-03-01"
    assert len(doc["warnings"]) == 1
    assert "2026-12-02" in doc["warnings"][0]
    assert "warning:" in r.stderr
    assert "last verified on 2026-12-02" in r.stderr
    assert owl("chain", "--json", "--date", "2026-12-02", "-p", "handbags", "-m", "de").json()["warnings"] == []
    # A scenario without rules_verified (an older file) never warns.
    old = tmp_path / "old.toml"
    write_scenario(dataclasses.replace(builtin(), rules_verified=None), old)
    doc = json.loads(owl("chain", "--json", "--scenario", old, "--date", "2030-01-01", "-p", "handbags",
                         "-m", "de").stdout)
    assert doc["warnings"] == []


def test_design_states_its_rules_date(owl: Owl) -> None:
    doc = owl("design", "--json", "--n-best", "0", "--date", "2026-03-01").json()
    assert doc["rules_date"] == "2026-03-01"
    assert doc["warnings"] == []
