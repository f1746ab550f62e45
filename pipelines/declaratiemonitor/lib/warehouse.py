"""Connections to the DuckDB warehouse, with the project's macros and variables loaded."""

import functools
import hashlib
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

from declaratiemonitor.paths import MACROS_SQL

HMAC_KEY_ENV = "DECLARATIEMONITOR_HMAC_KEY"
# Clearly marked development default: production must set DECLARATIEMONITOR_HMAC_KEY.
DEVELOPMENT_HMAC_KEY = "ONTWIKKELSLEUTEL-NIET-VOOR-PRODUCTIE"
SCHEMAS = ("landing", "staging", "meta", "models", "rules")

log = logging.getLogger(__name__)


@functools.cache
def _warn_development_key() -> None:
    log.warning(
        "%s is niet gezet: de ontwikkelsleutel wordt gebruikt voor pseudoniemen.", HMAC_KEY_ENV
    )


def hmac_key() -> bytes:
    key = os.environ.get(HMAC_KEY_ENV)
    if not key:
        _warn_development_key()
        key = DEVELOPMENT_HMAC_KEY
    return key.encode()


def _pads(key: bytes) -> tuple[str, str]:
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key).hex(), bytes(b ^ 0x5C for b in key).hex()


def prepare(
    con: duckdb.DuckDBPyConnection,
    peildatum: date | None = None,
    read_only: bool = False,
    run_prepared: bool = False,
) -> None:
    """Load macros and variables on a connection (also used by tests on in-memory DuckDB).

    `run_prepared`: `con` is a cursor on a run's database that got `prepare_run()`, so the
    macros and schemas exist already; only the per-connection variables are set.
    """
    ipad, opad = _pads(hmac_key())
    con.execute("set variable hmac_ipad = unhex(?)", [ipad])
    con.execute("set variable hmac_opad = unhex(?)", [opad])
    if not run_prepared:
        con.execute(_macros_sql())
        for schema in () if read_only else SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
    if peildatum is None:
        peildatum = stored_peildatum(con)
    if peildatum is not None:
        con.execute("set variable peildatum = cast(? as date)", [peildatum])


# A run's steps each get their own cursor on the run's one database instance. DuckDB's temp
# macros and variables belong to one connection (a cursor is one), so loading macros.sql on
# every step's cursor cost ~5 ms a step. A run instead creates them once as ordinary macros
# in the work copy's main schema, which every cursor sees, and drops them again before the
# work copy is closed and promoted: the warehouse users open never holds them (they get temp
# macros from prepare()), and a temp macro of the same name would take precedence anyway.
# An attached in-memory catalogue would keep them out of the file, but is only found through
# a per-connection search_path that also changes where unqualified tables are created.
_MACRO = re.compile(r"^create or replace temp macro (\w+)", re.MULTILINE)


@functools.cache
def _macros_sql() -> str:
    return MACROS_SQL.read_text()


def prepare_run(con: duckdb.DuckDBPyConnection) -> None:
    """Schemas and (non-temp) macros for all connections of a run's database instance."""
    con.execute(_MACRO.sub(r"create or replace macro \1", _macros_sql()))
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")


def finish_run(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the macros of prepare_run(): the promoted warehouse keeps none."""
    for name in _MACRO.findall(_macros_sql()):
        con.execute(f"drop macro if exists main.{name}")


def stored_peildatum(con: duckdb.DuckDBPyConnection) -> date | None:
    # One query, not a duckdb_tables() lookup first: prepare() runs on every step's connection.
    try:
        return scalar(con, "select peildatum from meta.run_context")
    except duckdb.CatalogException:  # no run_context yet (first steps of a first run)
        return None


@contextmanager
def connect(path: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        prepare(con, read_only=read_only)
        yield con
    finally:
        con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """First value of a query (DuckDB 2.0: the result is always fetched to the end)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None
