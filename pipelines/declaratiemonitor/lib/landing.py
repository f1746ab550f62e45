"""Read the landing folder into `landing.<table>`: every column as text, plus where it came from.

DuckDB's own CSV and Parquet readers do the work. Rows the CSV reader cannot split go to the
quarantine with their line number; a missing file or column stops the run with a Dutch message.
"""

import codecs
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from declaratiemonitor.lib.contract import Table
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.warehouse import scalar

SOURCE_COLS = "_bron varchar, _regel varchar, _volgnr bigint"


@dataclass
class LandingStats:
    files: list[str]
    rows: int
    unreadable: int  # CSV lines that could not be split into columns (quarantined)
    notes: list[str]


def table_files(landing_dir: Path, table: Table) -> list[Path]:
    return [p for ext in ("csv", "parquet") if (p := landing_dir / f"{table.name}.{ext}").exists()]


def create_landing_table(con: duckdb.DuckDBPyConnection, table: Table, prefix: str = "") -> None:
    """landing.<prefix><table> (all text) and landing.<prefix><table>__afgewezen."""
    cols = ", ".join(f"{c} varchar" for c in table.column_names)
    name = f"landing.{prefix}{table.name}"
    _drop_view(con, name)
    con.execute(f"create or replace table {name} ({cols}, {SOURCE_COLS})")
    con.execute(
        f"create or replace table {name}__afgewezen (_bron varchar, _regel varchar, reden varchar)"
    )


def create_landing_view(
    con: duckdb.DuckDBPyConnection, table: Table, path: Path, root: Path
) -> LandingStats:
    """landing.<table> as a view over one Parquet file, with the same columns and values as
    load_files would copy into the table (at 10 M claim lines that copy cost ~15 CPU-s and is
    read only by staging), and an empty landing.<table>__afgewezen. The view reads the file
    on every use: it is for a run's own landing folder, rebuilt by the next run."""
    stats = LandingStats([_rel(path, root)], 0, 0, [])
    _check_not_empty(path)
    select = _parquet_select(con, table, path, root, stats, base=0)
    if scalar(
        con,
        "select count(*) from duckdb_tables() where schema_name = 'landing' "
        "and table_name = ? and database_name = current_database()",
        [table.name],
    ):
        con.execute(f"drop table landing.{table.name}")
    con.execute(f"create or replace view landing.{table.name} as {select}")
    con.execute(
        f"create or replace table landing.{table.name}__afgewezen "
        "(_bron varchar, _regel varchar, reden varchar)"
    )
    stats.rows = scalar(con, f"select count(*) from landing.{table.name}")
    return stats


def _drop_view(con: duckdb.DuckDBPyConnection, name: str) -> None:
    schema, view = name.split(".")
    if scalar(
        con,
        "select count(*) from duckdb_views() where schema_name = ? and view_name = ? "
        "and database_name = current_database()",
        [schema, view],
    ):
        con.execute(f"drop view {name}")


def _check_not_empty(path: Path) -> None:
    if path.stat().st_size == 0:
        raise InvoerFout(f"Bestand {path.name} is leeg: verwacht een kopregel met kolomnamen.")


def load_files(
    con: duckdb.DuckDBPyConnection, table: Table, files: list[Path], root: Path
) -> LandingStats:
    """Append the rows of `files` to landing.<table> (which must exist)."""
    stats = LandingStats([], 0, 0, [])
    for path in files:
        stats.files.append(str(path.relative_to(root)))
        _check_not_empty(path)
        if path.suffix == ".csv":
            _load_csv(con, table, path, root, stats)
        else:
            _load_parquet(con, table, path, root, stats)
    return stats


def append_arrow(con: duckdb.DuckDBPyConnection, table: Table, rows: pa.Table) -> int:
    """Append rows that are already text (e.g. mapped from XML) to landing.<table>."""
    if rows.num_rows == 0:
        return 0
    cols = ", ".join(table.column_names)
    con.register("_arrow_rows", rows)
    try:
        con.execute(
            f"""insert into landing.{table.name}
                select {cols}, _bron, _regel, {_next_volgnr(con, table)} + row_number() over ()
                from _arrow_rows"""
        )
    finally:
        con.unregister("_arrow_rows")
    return rows.num_rows


def _next_volgnr(con: duckdb.DuckDBPyConnection, table: Table) -> int:
    return scalar(con, f"select coalesce(max(_volgnr), 0) from landing.{table.name}")


def _columns_present(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [d[0] for d in con.sql(f"select * from {relation} limit 0").description]


def _missing_columns(table: Table, present: list[str], path: Path) -> list[str]:
    present_lower = {p.strip().lower() for p in present}
    missing = [c for c in table.columns if c.name not in present_lower]
    required = [c.name for c in missing if c.required]
    if required:
        raise InvoerFout(
            f"Kolom ontbreekt in {path.name}: {', '.join(required)}. "
            f"Verwachte kolommen: {', '.join(table.column_names)}."
        )
    return [c.name for c in missing]


def _select_list(table: Table, present: list[str], cast: bool) -> str:
    by_lower = {p.strip().lower(): p for p in present}
    parts = []
    for c in table.column_names:
        if c not in by_lower:
            parts.append(f"null::varchar as {c}")
        elif cast:
            parts.append(f'cast("{by_lower[c]}" as varchar) as {c}')
        else:
            parts.append(f'"{by_lower[c]}" as {c}')
    return ", ".join(parts)


def detect_encoding(path: Path) -> str:
    """UTF-8 when the whole file decodes as such, otherwise Latin-1 (common in Dutch exports)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        try:
            while chunk := f.read(1 << 24):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "latin-1"
    return "utf-8"


def _load_csv(con, table: Table, path: Path, root: Path, stats: LandingStats) -> None:
    encoding = detect_encoding(path)
    if encoding != "utf-8":
        stats.notes.append(f"{path.name}: gelezen als Latin-1 (geen geldige UTF-8)")
    reader = (
        f"read_csv({_sql_str(path)}, all_varchar = true, header = true, delim = ',', "
        f"quote = '\"', escape = '\"', encoding = '{encoding}', strict_mode = true, "
        "ignore_errors = true, store_rejects = true, "
        "rejects_table = '_rejects_errors', rejects_scan = '_rejects_scans', "
        "null_padding = false, auto_detect = false, columns = "
        f"{_header_columns(con, path, encoding)})"
    )
    present = _columns_present(con, reader)
    for name in _missing_columns(table, present, path):
        stats.notes.append(f"{path.name}: kolom {name} ontbreekt, behandeld als leeg")
    base = _next_volgnr(con, table)
    con.execute(f"create or replace temp table _csv as select * from {reader}")
    rejects = _reject_lines(con)
    # line of the i-th good row = i + 1 (header) + number of rejected lines before it
    con.execute(
        f"""insert into landing.{table.name}
            with good as (select *, row_number() over () as i from _csv),
            rej as (select line, row_number() over (order by line) as j,
                           line - row_number() over (order by line) - 1 as before from _rej)
            select {_select_list(table, present, cast=False)}, {_sql_str(_rel(path, root))},
                   cast(good.i + 1 + coalesce(rej.j, 0) as varchar), {base} + good.i
            from good asof left join rej on good.i > rej.before"""
        if rejects
        else f"""insert into landing.{table.name}
            select {_select_list(table, present, cast=False)}, {_sql_str(_rel(path, root))},
                   cast(row_number() over () + 1 as varchar), {base} + row_number() over ()
            from _csv"""
    )
    n = scalar(con, "select count(*) from _csv")
    con.execute("drop table _csv")
    stats.rows += n
    stats.unreadable += _quarantine_rejects(con, table, path, root)


def _header_columns(con, path: Path, encoding: str) -> str:
    """Column spec from the header line, all as VARCHAR (so auto-detection never guesses)."""
    with path.open("r", encoding=encoding, newline="") as f:
        header = f.readline().strip("\r\n").lstrip("\ufeff")
    names = [h.strip().strip('"') for h in header.split(",")]
    if not any(names):
        raise InvoerFout(f"Bestand {path.name} heeft geen kopregel met kolomnamen.")
    seen: dict[str, int] = {}
    spec = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique = name if seen[name] == 1 else f"{name}_{seen[name]}"
        spec.append(f"{_sql_str(unique)}: 'VARCHAR'")
    return "{" + ", ".join(spec) + "}"


def _reject_lines(con) -> int:
    con.execute("create or replace temp table _rej as select distinct line from _rejects_errors")
    return scalar(con, "select count(*) from _rej")


def _quarantine_rejects(con, table: Table, path: Path, root: Path) -> int:
    n = scalar(con, "select count(*) from _rej")
    if n:
        con.execute(
            f"""insert into landing.{table.name}__afgewezen
                select {_sql_str(_rel(path, root))}, cast(line as varchar),
                       'CSV-regel kon niet worden gelezen: ' || any_value(error_type)
                           || ' (' || left(any_value(error_message), 120) || ')'
                from _rejects_errors group by line"""
        )
    con.execute("drop table if exists _rej")
    return n


def _load_parquet(con, table: Table, path: Path, root: Path, stats: LandingStats) -> None:
    base = _next_volgnr(con, table)
    con.execute(
        f"insert into landing.{table.name} {_parquet_select(con, table, path, root, stats, base)}"
    )
    stats.rows += scalar(con, f"select count(*) from landing.{table.name} where _volgnr > {base}")


def _parquet_select(con, table: Table, path: Path, root: Path, stats: LandingStats, base: int):
    """SQL selecting the landing columns of a Parquet file (numbered from base + 1)."""
    reader = f"read_parquet({_sql_str(path.resolve())})"
    try:
        present = _columns_present(con, reader)
    except duckdb.Error as exc:
        raise InvoerFout(f"Parquet-bestand {path.name} is niet leesbaar: {exc}") from None
    for name in _missing_columns(table, present, path):
        stats.notes.append(f"{path.name}: kolom {name} ontbreekt, behandeld als leeg")
    # The row's position in the file numbers it: read_parquet's file_row_number (0-based) is
    # the same number as row_number() over () in file order, but computed in parallel (a window
    # over the whole file runs on one thread: 2x slower on 2 cores at 10 M rows).
    if "file_row_number" in {p.lower() for p in present}:
        numbered, number = reader, "row_number() over ()"
    else:
        numbered = f"read_parquet({_sql_str(path.resolve())}, file_row_number = true)"
        number = "(file_row_number + 1)"
    source = _sql_str(_rel(path, root))
    return f"""select {_select_list(table, present, cast=True)}, {source} as _bron,
                   'rij ' || {number} as _regel, {base} + {number} as _volgnr
            from {numbered}"""


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root))


def _sql_str(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"
