"""A CSV file into the temporary table `_rows` (all text), its unreadable lines into
`_rejected`, and how many records the file holds by a count that does not trust the parser.

DuckDB's reader does the work when it can (UTF-8 or Latin-1, no NUL bytes). Its rows plus its
rejected lines must then equal the byte-level line count (lib/tabular/scan.py); when they do
not (a stray quote swallowed lines, a blank line, a value spanning lines) the file is read
again line by line (lib/tabular/lines.py), which accounts for every line. Windows-1252 and
UTF-16 files are always read line by line.
"""

from pathlib import Path

import duckdb

from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.tabular import dialect
from declaratiemonitor.lib.tabular.lines import PREFIX, LineCounts, read_lines
from declaratiemonitor.lib.tabular.read import (
    FileRead,
    append_plain,
    append_records,
    append_rejected,
    count,
    create_rows,
    unique,
)
from declaratiemonitor.lib.tabular.scan import FileScan, scan_file

DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "latin-1": "latin-1"}
DUCKDB_ERRORS = {
    "TOO MANY COLUMNS": "te veel kolommen",
    "MISSING COLUMNS": "te weinig kolommen",
    "UNQUOTED VALUE": "aanhalingstekens staan niet om een hele waarde",
    "LINE SIZE OVER MAXIMUM": "regel is te lang",
    "INVALID ENCODING": "ongeldige tekens voor de codering",
}


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, column_names: list[str]) -> FileRead:
    scan = scan_file(path)
    if scan.zip:
        raise InvoerFout(
            f"Bestand {path.name} is geen CSV maar een Excel- of ZIP-bestand: "
            f"noem het {path.stem}.xlsx of sla het op als CSV."
        )
    header = _header_line(path, scan)
    sep = dialect.separator(header, column_names)
    columns = unique(dialect.names(header, sep))
    if not any(columns):
        raise InvoerFout(f"Bestand {path.name} heeft geen kopregel met kolomnamen.")
    info = {
        "formaat": "csv",
        "codering": scan.label,
        "scheidingsteken": dialect.SEPARATOR_LABELS[sep],
        "regeleinde": scan.newline_label,
        "regels": scan.lines,
        "lezer": "DuckDB",
    }
    if scan.encoding in DUCKDB_ENCODINGS and not scan.nul:
        rows, rejected = _duckdb_read(con, path, scan, sep, columns)
        if rows + rejected == scan.lines:
            return FileRead(columns, None, rows, rejected, scan.lines, info)
        info["lezer"] = (
            f"regel voor regel (DuckDB las {dialect.nl_int(rows + rejected)} van de "
            f"{dialect.nl_int(scan.lines)} regels)"
        )
    else:
        info["lezer"] = "regel voor regel"
    return _line_read(con, path, scan, sep, columns, info)


def _header_line(path: Path, scan: FileScan) -> str:
    with path.open("r", encoding=scan.encoding, errors="replace", newline=scan.newline) as f:
        header = f.readline().rstrip("\n").removesuffix("\r")
    if "\x00" in header:
        raise InvoerFout(
            f"Bestand {path.name} is geen tekstbestand (NUL-tekens in de kopregel): "
            "sla het op als CSV (UTF-8)."
        )
    return header


def _duckdb_read(con, path: Path, scan: FileScan, sep: str, columns: list[str]) -> tuple[int, int]:
    spec = "{" + ", ".join(f"{dialect.sql_str(c)}: 'VARCHAR'" for c in columns) + "}"
    con.execute("drop table if exists _rejects_errors")
    con.execute("drop table if exists _rejects_scans")
    reader = (
        f"read_csv({dialect.sql_str(path)}, all_varchar = true, header = true, "
        f"delim = {dialect.sql_str(sep)}, quote = '\"', escape = '\"', "
        f"encoding = '{DUCKDB_ENCODINGS[scan.encoding]}', strict_mode = true, "
        "ignore_errors = true, store_rejects = true, "
        "rejects_table = '_rejects_errors', rejects_scan = '_rejects_scans', "
        f"null_padding = false, auto_detect = false, columns = {spec})"
    )
    con.execute(f"create or replace temp table _rows as select * from {reader}")
    why = " ".join(
        f"when {dialect.sql_str(k)} then {dialect.sql_str(v)}" for k, v in DUCKDB_ERRORS.items()
    )
    con.execute(
        f"""create or replace temp table _rejected as
            select line as _line, {dialect.sql_str(PREFIX)} ||
                   case any_value(error_type) {why} else lower(any_value(error_type)) end as reden
            from _rejects_errors group by line order by line"""
    )
    return count(con, "_rows"), count(con, "_rejected")


def _line_read(con, path, scan: FileScan, sep: str, columns: list[str], info: dict) -> FileRead:
    create_rows(con, columns)
    counts = LineCounts()
    for batch in read_lines(path, scan.encoding, scan.newline, sep, len(columns), counts):
        append_plain(con, columns, sep, batch.plain, batch.plain_lines)
        append_records(con, columns, batch.records)
        append_rejected(con, batch.rejected)
    if counts.blank:
        info["lege_regels"] = counts.blank
    if counts.continuation:
        info["vervolgregels"] = counts.continuation
    expected = scan.lines - counts.blank - counts.continuation
    return FileRead(columns, "_line", count(con, "_rows"), count(con, "_rejected"), expected, info)
