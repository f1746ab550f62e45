"""Wall time and row counts per pipeline step, kept in the warehouse for run_summary.json."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

_INSERT = "insert or replace into meta.stap_tijden values (?, ?)"


@contextmanager
def timed_step(con: duckdb.DuckDBPyConnection, step: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    row = [step, round(time.perf_counter() - start, 3)]
    try:
        con.execute(_INSERT, row)
    except duckdb.CatalogException:
        # The table is created once, by a warehouse's first timed step; from then on every step
        # costs one statement (autocommit: the failed insert left no transaction behind).
        con.execute(
            "create table if not exists meta.stap_tijden "
            "(stap varchar primary key, seconden double)"
        )
        con.execute(_INSERT, row)
