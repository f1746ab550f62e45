"""`-- materialized: view` in a model header: the model is a view, its readers see the same rows
as from a table, and a warehouse from an earlier run can switch between table and view."""

import dataclasses
from datetime import date

import duckdb

from declaratiemonitor.lib.local_run import run_rule_on, stage_given
from declaratiemonitor.lib.rule_sql import run_model
from declaratiemonitor.lib.sql_header import read_sql_file
from declaratiemonitor.lib.warehouse import prepare
from declaratiemonitor.paths import MODELS_DIR, RULES_DIR

MODEL = MODELS_DIR / "integriteit_zorgperiodes.sql"
READERS = [RULES_DIR / "integriteit" / f"{n}.sql" for n in ("na_stop_zorg", "voor_start_zorg")]
GIVEN = {
    "toewijzingen": [{}],
    "zorgmeldingen": [
        {"soort": "start", "datum": "2026-02-10"},
        {"soort": "stop", "datum": "2026-03-20", "reden": "02"},
    ],
    "declaraties": [
        {"referentie_nummer": "R1", "begindatum": "2026-01-01"},
        {"referentie_nummer": "R2", "begindatum": "2026-03-01"},
        {"referentie_nummer": "R3", "begindatum": "2026-04-01", "geleverd_volume": 4},
    ],
}


def _as(kind: str):
    sql = read_sql_file(MODEL)
    return dataclasses.replace(sql, header={**sql.header, "materialized": kind})


def _kind(con: duckdb.DuckDBPyConnection) -> str:
    sql = (
        "select table_type from information_schema.tables "
        "where table_schema = 'models' and table_name = 'integriteit_zorgperiodes'"
    )
    return con.execute(sql).fetchall()[0][0]


def _rows(con: duckdb.DuckDBPyConnection) -> list:
    return sorted(con.sql("from models.integriteit_zorgperiodes").fetchall(), key=str)


def _signals(con: duckdb.DuckDBPyConnection) -> list:
    return [sorted(run_rule_on(con, p), key=str) for p in READERS]


def test_view_model_is_a_view_with_the_same_rows_for_its_readers(tmp_path) -> None:
    assert read_sql_file(MODEL).get("materialized") == "view"
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    stage_given(con, GIVEN, date(2026, 6, 1), reads=["models.integriteit_zorgperiodes"])
    assert _kind(con) == "VIEW"
    assert run_model(con, read_sql_file(MODEL)) is None  # a view is not counted
    view_rows, view_signals = _rows(con), _signals(con)
    assert view_rows and any(view_signals)

    assert run_model(con, _as("table")) == len(view_rows)
    assert _kind(con) == "BASE TABLE"
    assert _rows(con) == view_rows
    assert _signals(con) == view_signals


def test_switch_table_view_table_on_an_existing_warehouse(tmp_path) -> None:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    stage_given(con, GIVEN, date(2026, 6, 1), reads=["models.integriteit_zorgperiodes"])
    run_model(con, _as("table"))
    rows = _rows(con)
    con.close()
    for kind, expected in (("view", "VIEW"), ("table", "BASE TABLE"), ("view", "VIEW")):
        con = duckdb.connect(str(path))  # as a later run: the earlier object is in the file
        prepare(con, date(2026, 6, 1))
        run_model(con, _as(kind))
        assert _kind(con) == expected
        assert _rows(con) == rows
        con.close()
