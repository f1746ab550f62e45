"""A run loads the macros once for all its steps' cursors and the promoted warehouse keeps
none; step timings: the table is made by the first timed step, later steps replace rows."""

from pathlib import Path

import dagster as dg
import duckdb

from declaratiemonitor.defs.resources import WarehouseResource, warehouse
from declaratiemonitor.lib.timing import timed_step
from declaratiemonitor.lib.warehouse import prepare

EXPRESSIONS = "fmt_eur(123456), fmt_periode(date '2026-01-02', date '2026-01-31'), client_key('1')"


def job():
    @dg.asset
    def eerste(duckdb: dg.ResourceParam[WarehouseResource]) -> None:
        with warehouse(duckdb) as con, timed_step(con, "a/eerste"):
            con.execute(f"create table meta.uit as select 1 as stap, {EXPRESSIONS}")

    @dg.asset(deps=[eerste])
    def tweede(duckdb: dg.ResourceParam[WarehouseResource]) -> None:
        with warehouse(duckdb) as con, timed_step(con, "a/tweede"):
            con.execute(f"insert into meta.uit select 2, {EXPRESSIONS}")

    return [eerste, tweede]


def test_run_macros_for_every_step_and_none_left_in_the_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    resource = WarehouseResource(database=str(path))
    assert dg.materialize(job(), resources={"duckdb": resource}).success

    reference = duckdb.connect()
    prepare(reference)
    expected = reference.execute(f"select {EXPRESSIONS}").fetchall()[0]
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("from meta.uit order by stap").fetchall()
        assert [row[1:] for row in rows] == [expected, expected]
        assert con.execute("select stap from meta.stap_tijden order by 1").fetchall() == [
            ("a/eerste",),
            ("a/tweede",),
        ]
        user_functions = "select function_name from duckdb_functions() where not internal"
        assert con.execute(user_functions).fetchall() == []
    finally:
        con.close()
    # the next run's work copy creates them again
    assert dg.materialize(job()[1:], resources={"duckdb": resource}).success


def test_timed_step_creates_the_table_once_and_replaces_rows() -> None:
    con = duckdb.connect()
    con.execute("create schema meta")
    for step in ("x/een", "x/twee", "x/een"):
        with timed_step(con, step):
            pass
    rows = con.execute("select stap, seconden >= 0 from meta.stap_tijden order by 1").fetchall()
    assert rows == [("x/een", True), ("x/twee", True)]
    key = "select constraint_type from duckdb_constraints() where table_name = 'stap_tijden'"
    assert con.execute(key).fetchall() == [("PRIMARY KEY",), ("NOT NULL",)]
