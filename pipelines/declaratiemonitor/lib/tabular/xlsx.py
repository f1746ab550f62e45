"""The first sheet of an .xlsx file into `_rows` (all text, as the contract writes it).

openpyxl reads the sheet row by row (read-only mode; defusedxml guards its XML parsing). Row 1
holds the contract's column names; a row number in the quarantine is the row in Excel. Cells
become contract text: numbers without a trailing `.0` (a code typed as a number gets its leading
zeros back in lib/tabular/dialect.py), dates as JJJJ-MM-DD, times as JJJJ-MM-DDTUU:MM:SS,
booleans as true/false. Empty rows are counted, not read; values in columns without a name in
row 1 are ignored like extra columns.
"""

import datetime as dt
from pathlib import Path

import duckdb

from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.tabular.read import (
    FileRead,
    append_records,
    count,
    create_rows,
    unique,
)

BATCH = 50_000


def read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, column_names: list[str]) -> FileRead:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same user error
        raise InvoerFout(
            f"Excel-bestand {path.name} is niet leesbaar ({type(exc).__name__}): "
            "sla het opnieuw op als Excel-werkmap (.xlsx)."
        ) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_text(v) or "" for v in next(rows, ())]
        columns = unique([h.strip() for h in header])
        if not any(columns):
            raise InvoerFout(f"Excel-bestand {path.name} heeft geen kolomnamen in rij 1.")
        info = {"formaat": "xlsx", "werkblad": sheet.title, "lezer": "openpyxl"}
        if len(book.worksheets) > 1:
            info["werkbladen"] = len(book.worksheets)
        seen, blank = _read_rows(con, rows, columns)
    finally:
        book.close()
    info["regels"] = seen
    if blank:
        info["lege_regels"] = blank
    return FileRead(columns, "_line", count(con, "_rows"), 0, seen - blank, info)


def _read_rows(con, rows, columns: list[str]) -> tuple[int, int]:
    """Rows after the header into `_rows`; returns (rows seen, empty rows among them).
    Empty rows after the last filled one (formatted but unused) are not counted."""
    create_rows(con, columns)
    width = len(columns)
    seen = blank = blank_run = 0
    batch: list[tuple[int, list]] = []
    for number, row in enumerate(rows, start=2):
        values = [_text(v) for v in row[:width]]
        if not any(v is not None and v.strip() for v in values):
            blank_run += 1
            continue
        seen += blank_run + 1
        blank += blank_run
        blank_run = 0
        batch.append((number, values + [None] * (width - len(values))))
        if len(batch) >= BATCH:
            append_records(con, columns, batch)
            batch = []
    append_records(con, columns, batch)
    return seen, blank


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None
