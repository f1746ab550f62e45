"""Read the landing folder into `landing.<table>`: every column as text, plus where it came from.

CSV and .xlsx files are read by lib/tabular (DuckDB's CSV reader where it can, a line-by-line
reader where the counts disagree, openpyxl for Excel), Parquet by DuckDB. Each file's records
are counted independently of the parser (`LandingStats.expected`), so a line a reader loses
shows up as an accounting that does not close. Unreadable lines go to the quarantine with their
line number; a missing file or column stops the run with a Dutch message.
"""

import codecs
import stat
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from declaratiemonitor.lib import tabular
from declaratiemonitor.lib.contract import Table
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.tabular.dialect import ident, nl_int
from declaratiemonitor.lib.warehouse import scalar

SOURCE_COLS = "_bron varchar, _regel varchar, _volgnr bigint"
EXTENSIONS = ("csv", "xlsx", "parquet")
INTEGER_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
)


@dataclass
class LandingStats:
    files: list[str]
    rows: int
    unreadable: int  # lines that could not be split into columns (quarantined)
    notes: list[str]
    expected: int = 0  # records the files hold, counted without trusting the reader
    readings: list[dict] = field(default_factory=list)  # per file: how it was read


def table_files(landing_dir: Path, table: Table) -> list[Path]:
    return [
        p
        for ext in EXTENSIONS
        if (p := landing_dir / f"{table.name}.{ext}").exists() or p.is_symlink()
    ]


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
    check_file(path)
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


def check_file(path: Path) -> None:
    """A landing file must be a regular, non-empty file in the folder itself: a symbolic link
    could make the monitor read any file on the machine (e.g. /etc/passwd), and a pipe would
    never end. Both stop the run with a Dutch message rather than being quarantined: the table
    would otherwise be read as if the file were absent."""
    if path.is_symlink():
        raise InvoerFout(
            f"Bestand {path.name} is een symbolische koppeling; de declaratiemonitor volgt geen "
            "koppelingen. Zet het bestand zelf in de landingsmap."
        )
    if not stat.S_ISREG(path.stat().st_mode):
        raise InvoerFout(f"{path.name} in de landingsmap is geen gewoon bestand.")
    if path.stat().st_size == 0:
        raise InvoerFout(f"Bestand {path.name} is leeg: verwacht een kopregel met kolomnamen.")


def load_files(
    con: duckdb.DuckDBPyConnection, table: Table, files: list[Path], root: Path
) -> LandingStats:
    """Append the rows of `files` to landing.<table> (which must exist)."""
    stats = LandingStats([], 0, 0, [])
    for path in files:
        stats.files.append(_rel(path, root))
        check_file(path)
        if path.suffix == ".parquet":
            _load_parquet(con, table, path, root, stats)
        else:
            _load_text(con, table, path, root, stats)
    if files and stats.rows + stats.unreadable == 0:
        stats.notes.append(
            f"{', '.join(p.name for p in files)}: geen rijen (alleen een kopregel); de regels "
            "die deze tabel gebruiken zien haar als leeg"
        )
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


def _missing_columns(table: Table, present: list[str], path: Path) -> list[str]:
    present_lower = {p.strip().lower() for p in present}
    missing = [c for c in table.columns if c.name not in present_lower]
    required = [c.name for c in missing if c.required]
    if required:
        found = ", ".join(p.strip() for p in present)
        raise InvoerFout(
            f"Kolom ontbreekt in {path.name}: {', '.join(required)}. "
            f"Verwachte kolommen: {', '.join(table.column_names)}. "
            f"Gevonden: {found[:200]}."
        )
    return [c.name for c in missing]


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


def _load_text(con, table: Table, path: Path, root: Path, stats: LandingStats) -> None:
    """A CSV or .xlsx file: read into `_rows`/`_rejected` (lib/tabular), values turned into the
    contract form, appended to landing.<table> and its __afgewezen table."""
    read_file = tabular.read_xlsx if path.suffix == ".xlsx" else tabular.read_csv
    read = read_file(con, path, table.column_names)
    for name in _missing_columns(table, read.columns, path):
        stats.notes.append(f"{path.name}: kolom {name} ontbreekt, behandeld als leeg")
    by_lower = {c.strip().lower(): ident(c) for c in reversed(read.columns)}
    present = {c: by_lower[c] for c in table.column_names if c in by_lower}
    reading = tabular.column_reading(con, "_rows", table, present, path.name)
    values = ", ".join(
        reading.exprs.get(c, "null::varchar") + f" as {c}" for c in table.column_names
    )
    _insert_rows(con, table, values, _sql_str(_rel(path, root)), read.line)
    _quarantine_rejected(con, table, path, root)
    first = con.execute("select _line, reden from _rejected order by _line limit 1").fetchone()
    con.execute("drop table _rows")
    con.execute("drop table _rejected")
    stats.rows += read.rows
    stats.unreadable += read.rejected
    stats.expected += read.expected
    stats.readings.append(
        {"bestand": _rel(path, root), **read.info, "aanpassingen": reading.adjusted}
    )
    stats.notes += _reading_notes(path, read, reading, first)


def _insert_rows(con, table: Table, values: str, source: str, line: str | None) -> None:
    base = _next_volgnr(con, table)
    rows, number, order, tail = "_rows", "row_number() over () + 1", "row_number() over ()", ""
    if line:  # read line by line in batches of plain and parsed lines: put in line order
        number, order, tail = line, f"row_number() over (order by {line})", f"order by {line}"
    elif scalar(con, "select count(*) from _rejected"):
        # line of the i-th good row = i + 1 (header) + number of rejected lines before it
        rows = """(with good as (select *, row_number() over () as _i from _rows),
                  rej as (select row_number() over (order by _line) as j,
                                 _line - row_number() over (order by _line) - 1 as before
                          from _rejected)
                  select good.*, good._i + 1 + coalesce(rej.j, 0) as _n
                  from good asof left join rej on good._i > rej.before)"""
        number, order = "_n", "_i"
    con.execute(
        f"""insert into landing.{table.name}
            select {values}, {source}, cast({number} as varchar), {base} + {order}
            from {rows} {tail}"""
    )


def _quarantine_rejected(con, table: Table, path: Path, root: Path) -> None:
    con.execute(
        f"""insert into landing.{table.name}__afgewezen
            select {_sql_str(_rel(path, root))}, cast(_line as varchar), reden
            from _rejected order by _line"""
    )


def _reading_notes(
    path: Path, read: tabular.FileRead, reading: tabular.Reading, first: tuple | None
) -> list[str]:
    """Dutch notes for run_summary.json about anything not read in the contract form."""
    info, notes = read.info, []
    if info.get("codering") not in (None, "UTF-8", "UTF-8 met BOM"):
        notes.append(f"{path.name}: gelezen als {info['codering']} (geen geldige UTF-8)")
    if info.get("scheidingsteken", "komma") != "komma":
        notes.append(f"{path.name}: scheidingsteken {info['scheidingsteken']}")
    if info["lezer"].startswith("regel voor regel ("):
        notes.append(f"{path.name}: {info['lezer']}; elke regel is verantwoord")
    notes += [f"{path.name}: {a}" for a in reading.adjusted]
    if first:
        line, why = first
        why = why.removeprefix(tabular.REJECT_PREFIX)
        notes.append(
            f"{path.name}: {nl_int(read.rejected)} regel(s) niet te lezen, in quarantaine "
            f"(de eerste: regel {line}, {why})"
        )
    if read.rows + read.rejected != read.expected:
        lost = read.expected - read.rows - read.rejected
        notes.append(
            f"{path.name}: het bestand bevat {nl_int(read.expected)} regels, maar "
            f"{nl_int(read.rows)} zijn gelezen en {nl_int(read.rejected)} afgewezen: "
            f"{nl_int(lost)} regel(s) niet verantwoord"
        )
    return notes


def _load_parquet(con, table: Table, path: Path, root: Path, stats: LandingStats) -> None:
    base = _next_volgnr(con, table)
    con.execute(
        f"insert into landing.{table.name} {_parquet_select(con, table, path, root, stats, base)}"
    )
    stats.rows += scalar(con, f"select count(*) from landing.{table.name} where _volgnr > {base}")


def _parquet_select(con, table: Table, path: Path, root: Path, stats: LandingStats, base: int):
    """SQL selecting the landing columns of a Parquet file (numbered from base + 1); the rows
    the file holds (its footer's count) go to stats.expected."""
    reader = f"read_parquet({_sql_str(path.resolve())})"
    try:
        relation = con.sql(f"select * from {reader} limit 0")
        rows = scalar(
            con, f"select sum(num_rows) from parquet_file_metadata({_sql_str(path.resolve())})"
        )
    except duckdb.Error as exc:
        raise InvoerFout(f"Parquet-bestand {path.name} is niet leesbaar: {exc}") from None
    present = dict(zip(relation.columns, map(str, relation.types), strict=True))
    for name in _missing_columns(table, list(present), path):
        stats.notes.append(f"{path.name}: kolom {name} ontbreekt, behandeld als leeg")
    values, adjusted = _parquet_values(table, present)
    stats.expected += rows
    stats.readings.append(
        {
            "bestand": _rel(path, root),
            "formaat": "parquet",
            "regels": rows,
            "lezer": "DuckDB",
            "aanpassingen": adjusted,
        }
    )
    stats.notes += [f"{path.name}: {a}" for a in adjusted]
    # The row's position in the file numbers it: read_parquet's file_row_number (0-based) is
    # the same number as row_number() over () in file order, but computed in parallel (a window
    # over the whole file runs on one thread: 2x slower on 2 cores at 10 M rows).
    if "file_row_number" in {p.lower() for p in present}:
        numbered, number = reader, "row_number() over ()"
    else:
        numbered = f"read_parquet({_sql_str(path.resolve())}, file_row_number = true)"
        number = "(file_row_number + 1)"
    source = _sql_str(_rel(path, root))
    return f"""select {values}, {source} as _bron,
                   'rij ' || {number} as _regel, {base} + {number} as _volgnr
            from {numbered}"""


def _parquet_values(table: Table, present: dict[str, str]) -> tuple[str, list[str]]:
    """Every contract column as text. A code column the contract gives a fixed width that the
    file stores as integers (pandas reads 0505 as 505) gets its leading zeros back."""
    by_lower = {name.strip().lower(): (name, type_) for name, type_ in present.items()}
    parts, adjusted = [], []
    for col in table.columns:
        if col.name not in by_lower:
            parts.append(f"null::varchar as {col.name}")
            continue
        name, type_ = by_lower[col.name]
        x = f"cast({ident(name)} as varchar)"
        width = tabular.fixed_width(col)
        if width and type_ in INTEGER_TYPES:
            short = f"{ident(name)} >= 0 and strlen({x}) < {width}"
            x = f"case when {short} then lpad({x}, {width}, '0') else {x} end"
            adjusted.append(f"voorloopnullen aangevuld in {col.name} (kolom met getallen)")
        parts.append(f"{x} as {col.name}")
    return ", ".join(parts), adjusted


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root))


def _sql_str(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"
