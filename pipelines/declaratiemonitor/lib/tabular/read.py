"""What reading one landing file produced: the temporary tables `_rows` and `_rejected`."""

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from declaratiemonitor.lib.tabular.dialect import ident, sql_str


@dataclass
class FileRead:
    columns: list[str]  # the file's column names (made unique): the columns of `_rows`
    line: str | None  # the column of `_rows` with the line number; None: numbered in file
    # order around the lines in `_rejected` (every record is then one line)
    rows: int
    rejected: int  # rows of `_rejected` (_line bigint, reden varchar)
    expected: int  # records the file holds, by a count that does not trust the parser
    info: dict  # how the file was read, for run_summary.json


def unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def create_rows(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    cols = ", ".join(f"{ident(c)} varchar" for c in columns)
    con.execute(f"create or replace temp table _rows ({cols}, _line bigint)")
    con.execute("create or replace temp table _rejected (_line bigint, reden varchar)")


def append_records(
    con: duckdb.DuckDBPyConnection, columns: list[str], records: list[tuple[int, list]]
) -> None:
    """Append (line, values) records to `_rows`."""
    if not records:
        return
    values = list(zip(*(fields for _, fields in records), strict=True))
    arrays = [pa.array(v, pa.string()) for v in values]
    arrays.append(pa.array([n for n, _ in records], pa.int64()))
    _append(con, "_rows", pa.Table.from_arrays(arrays, names=[*columns, "_line"]))


def append_plain(
    con: duckdb.DuckDBPyConnection, columns: list[str], sep: str, lines: list[str], numbers
) -> None:
    """Append lines without quotes, each with exactly len(columns) values, to `_rows`: split
    by DuckDB (a million lines in ~1 s, where a CSV parser per line in Python took ~15 s)."""
    if not lines:
        return
    batch = pa.table({"line": pa.array(lines, pa.string()), "_line": pa.array(numbers, pa.int64())})
    values = ", ".join(f"nullif(v[{i + 1}], '')" for i in range(len(columns)))
    con.register("_batch", batch)
    try:
        con.execute(
            f"insert into _rows select {values}, _line "
            f"from (select string_split(line, {sql_str(sep)}) as v, _line from _batch)"
        )
    finally:
        con.unregister("_batch")


def append_rejected(con: duckdb.DuckDBPyConnection, rejected: list[tuple[int, str]]) -> None:
    if not rejected:
        return
    lines, reasons = zip(*rejected, strict=True)
    _append(
        con,
        "_rejected",
        pa.table({"_line": pa.array(lines, pa.int64()), "reden": pa.array(reasons, pa.string())}),
    )


def _append(con, table: str, rows: pa.Table) -> None:
    con.register("_batch", rows)
    try:
        con.execute(f"insert into {table} select * from _batch")
    finally:
        con.unregister("_batch")


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"select count(*) from {table}").fetchone()[0]
