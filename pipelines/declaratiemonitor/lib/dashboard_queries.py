"""Warehouse reads of the dashboards: queries to polars, the shared dashboards/sql/*.sql, the
peildatum, rule titles."""

import functools
from datetime import date

import duckdb
import polars as pl

from declaratiemonitor.lib.sql_header import read_sql_file
from declaratiemonitor.paths import DASHBOARDS_DIR, RULES_DIR


def query(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None
) -> pl.DataFrame:
    return con.sql(sql, params=params).pl()


def sql_text(name: str) -> str:
    """A shared dashboard query from dashboards/sql/<name>.sql (header stripped)."""
    return read_sql_file(DASHBOARDS_DIR / "sql" / f"{name}.sql").body


def peildatum(con: duckdb.DuckDBPyConnection) -> date:
    return con.execute("select getvariable('peildatum')").fetchall()[0][0]


@functools.cache
def rule_titles() -> dict[str, str]:
    titles = {}
    for path in sorted(RULES_DIR.glob("*/*.sql")):
        titles[f"{path.parent.name}.{path.stem}"] = read_sql_file(path).get("title")
    return titles


def rule_title(rule_id: str) -> str:
    return rule_titles().get(rule_id) or rule_id


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    rows = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return rows[0][0] > 0


def has_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """A table or a view (e.g. models.declaraties_netto, models.declaratie_afhandeling) of the
    warehouse itself (not of an attached database)."""
    sql = (
        "select count(*) from information_schema.tables "
        "where table_schema = ? and table_name = ? and table_catalog = current_database()"
    )
    return con.execute(sql, [schema, name]).fetchall()[0][0] > 0
