"""Every rule's cases in tests/rules/<family>/<name>.yaml, run on an in-memory DuckDB.

A case gives rows per table (only the columns that matter), a peildatum, optional parameter
overrides per gemeente, and the signals it expects (matched on the columns given; the number of
signals must match too). Seed examples are named after the seed.
"""

from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from declaratiemonitor.lib.local_run import run_rule_on, stage_given
from declaratiemonitor.lib.sql_header import read_sql_file
from declaratiemonitor.paths import RULES_DIR

CASES_DIR = Path(__file__).parent / "rules"


def _cases():
    for path in sorted(CASES_DIR.glob("*/*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            yield pytest.param(path, case, id=f"{path.parent.name}.{path.stem}::{case['name']}")


def _matches(signal: dict, expected: dict) -> bool:
    for key, want in expected.items():
        got = signal[key]
        if isinstance(want, float) or isinstance(got, float):
            if got is None or want is None or abs(float(got) - float(want)) > 1e-6:
                return False
        elif isinstance(want, list):
            if sorted(map(str, got or [])) != sorted(map(str, want)):
                return False
        elif isinstance(want, str) and key == "message":
            if want not in (got or ""):
                return False
        elif str(got) != str(want):
            return False
    return True


@pytest.mark.parametrize(("path", "case"), list(_cases()))
def test_rule_case(path: Path, case: dict) -> None:
    rule_file = RULES_DIR / path.parent.name / f"{path.stem}.sql"
    assert rule_file.exists(), f"no SQL file for {path}"
    con = duckdb.connect()
    stage_given(
        con,
        case.get("given", {}),
        date.fromisoformat(str(case["peildatum"])),
        case.get("parameters"),
        reads=read_sql_file(rule_file).reads,  # only the models the rule declares it reads
    )
    quarantined = con.sql("select tabel, _regel, reden from staging.quarantine").fetchall()
    assert not quarantined, f"given rows were quarantined: {quarantined}"
    signals = run_rule_on(con, rule_file)
    expected = case.get("expect", [])
    unmatched = list(signals)
    for want in expected:
        hit = next((s for s in unmatched if _matches(s, want)), None)
        assert hit is not None, f"expected {want}\nnot in {signals}"
        unmatched.remove(hit)
    assert not unmatched, f"unexpected signals: {unmatched}"
    for s in signals:
        assert s["message"] and "bsn" not in s["message"].lower()


def test_every_rule_has_cases() -> None:
    rules = {f"{p.parent.name}.{p.stem}" for p in RULES_DIR.glob("*/*.sql")}
    cases = {f"{p.parent.name}.{p.stem}" for p in CASES_DIR.glob("*/*.yaml")}
    assert rules <= cases, f"rules without test cases: {sorted(rules - cases)}"
