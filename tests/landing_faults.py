"""Helpers for the landing fault tests: land and stage one table on an in-memory DuckDB, and
write a table as contract-form CSV."""

import csv
from datetime import date
from pathlib import Path

import duckdb

from declaratiemonitor.lib import ingest, landing, staging
from declaratiemonitor.lib.contract import TABLES
from declaratiemonitor.lib.warehouse import prepare

PEILDATUM = date(2026, 11, 23)


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    prepare(con, PEILDATUM)
    ingest.ensure_meta(con)
    return con


def land(con, folder: Path, name: str) -> landing.LandingStats:
    """landing.<name> and staging.<name> from the table's files in `folder`."""
    table = TABLES[name]
    landing.create_landing_table(con, table)
    stats = landing.load_files(con, table, landing.table_files(folder, table), folder)
    staging.stage_table(con, table)
    return stats


def staged(con, name: str) -> dict[str, tuple]:
    """Staged rows by line number (`_regel`), without the source columns."""
    rel = con.sql(f"select * exclude (_bron, _volgnr) from staging.{name}")
    at = rel.columns.index("_regel")
    return {row[at]: row[:at] + row[at + 1 :] for row in rel.fetchall()}


def quarantined(con, name: str) -> dict[str, str]:
    rows = con.execute(
        "select _regel, reden from staging.quarantine where tabel = ?", [name]
    ).fetchall()
    return dict(rows)


def write_csv(path: Path, name: str, rows: list[dict], encoding: str = "utf-8") -> None:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, TABLES[name].column_names, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
