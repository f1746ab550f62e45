"""Wall time and row counts per pipeline step, kept in the warehouse for run_summary.json."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


@contextmanager
def timed_step(con: duckdb.DuckDBPyConnection, step: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    con.execute(
        "create table if not exists meta.stap_tijden (stap varchar primary key, seconden double)"
    )
    con.execute(
        "insert or replace into meta.stap_tijden values (?, ?)",
        [step, round(time.perf_counter() - start, 3)],
    )
