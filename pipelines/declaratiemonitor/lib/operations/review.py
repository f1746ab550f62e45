"""Review verdicts of contract managers: import the edited export (review_export.py) back into
main.signal_history (kept across runs; a verdict outranks every other status).

Import columns: signal_id, status (in_behandeling, terecht, onterecht; `open` withdraws a
verdict; empty = leave as is), notitie, reviewer. The import is all-or-nothing: one unknown
signal_id or bad status and nothing changes. Every change is logged in main.review_log.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import polars as pl

from declaratiemonitor.lib.cell_safety import restore
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.landing import detect_encoding
from declaratiemonitor.lib.signals import REVIEW_VERDICTS
from declaratiemonitor.lib.warehouse import scalar

WITHDRAW = "open"
REVIEW_COLUMNS = ("signal_id", "status", "notitie", "reviewer")
LOG_DDL = """create table if not exists main.review_log (
    signal_id varchar, review_status varchar, review_notitie varchar, reviewer varchar,
    geimporteerd_op timestamp, bestand varchar)"""


@dataclass(frozen=True)
class Verdict:
    line: int
    signal_id: str
    status: str  # a verdict, or WITHDRAW
    notitie: str | None
    reviewer: str | None


@dataclass
class ImportResult:
    changed: dict[str, int]  # status -> number of signals changed to it
    unchanged: int


def read_verdicts(path: Path) -> tuple[list[Verdict], int]:
    """The rows with a status, checked; and the number of rows without one."""
    if not path.is_file():
        raise InvoerFout(f"Bestand niet gevonden: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        raise InvoerFout(f"Onbekend bestandstype {path.name}: gebruik .xlsx of .csv.")
    return _verdicts(path, rows)


class Formula(str):
    """A cell that holds a formula instead of a value (refused on import)."""


def _csv_rows(path: Path) -> list[list]:
    """Text cells; one starting with '=' is a formula, our own export's apostrophe is undone."""
    encoding = "utf-8-sig" if detect_encoding(path) == "utf-8" else "cp1252"
    text = path.read_text(encoding=encoding)
    first = text.splitlines()[0] if text else ""
    delimiter = max(";,\t", key=first.count)
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [[Formula(v) if v.startswith("=") else restore(v) for v in row] for row in rows]


def _xlsx_rows(path: Path) -> list[list]:
    """Cell values; a formula cell (data type 'f') becomes a Formula, whatever it shows."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the user's file
        raise InvoerFout(f"Excel-bestand {path.name} is niet leesbaar ({exc}).") from None
    try:
        return [
            [Formula(str(c.value)) if c.data_type == "f" else c.value for c in row]
            for row in _review_sheet(book).iter_rows()
        ]
    finally:
        book.close()


def _review_sheet(book):
    """The sheet with the review columns in its header row (the review export has one sheet;
    a provider's feedback pack has them on 'Signalen'); else the first sheet."""
    for sheet in book.worksheets:
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        if set(REVIEW_COLUMNS) <= {_text(h).lower() for h in header}:
            return sheet
    return book.worksheets[0]


def _verdicts(path: Path, rows: list[list]) -> tuple[list[Verdict], int]:
    if not rows:
        raise InvoerFout(f"Bestand {path.name} is leeg: verwacht een kopregel.")
    header = [_text(h).lower() for h in rows[0]]
    missing = [c for c in REVIEW_COLUMNS if c not in header]
    if missing:
        raise InvoerFout(
            f"Kolom ontbreekt in {path.name}: {', '.join(missing)}. "
            f"Verwachte kolommen: {', '.join(REVIEW_COLUMNS)}."
        )
    at = {c: header.index(c) for c in REVIEW_COLUMNS}
    verdicts, skipped, problems, seen = [], 0, [], {}
    for line, row in enumerate(rows[1:], start=2):
        values = {c: _text(row[i]) if i < len(row) else "" for c, i in at.items()}
        if not any(_text(v) for v in row):
            continue
        if formula := _formula_problem(row, at):
            problems.append(f"regel {line}: {formula}")
            continue
        status = values["status"].lower().replace(" ", "_")
        if not status:
            skipped += 1
            continue
        problem = _problem(values, status, seen, line)
        if problem:
            problems.append(f"regel {line}: {problem}")
            continue
        seen[values["signal_id"]] = line
        verdicts.append(
            Verdict(
                line,
                values["signal_id"],
                status,
                values["notitie"] or None,
                values["reviewer"] or None,
            )
        )
    if problems:
        raise InvoerFout(
            f"{path.name} is niet geïmporteerd ({len(problems)} fout(en)): "
            + "; ".join(problems[:5])
            + ("; …" if len(problems) > 5 else "")
        )
    return verdicts, skipped


def _formula_problem(row: list, at: dict[str, int]) -> str | None:
    """A formula in a review column: its value is not what the reviewer typed (and an
    uncalculated one reads as empty), so the row is refused rather than guessed."""
    for column, i in at.items():
        if i < len(row) and isinstance(row[i], Formula):
            return f"{column} bevat een formule ({row[i]}); typ de waarde zelf in"
    return None


def _problem(values: dict, status: str, seen: dict, line: int) -> str | None:
    if not values["signal_id"]:
        return "signal_id ontbreekt"
    if values["signal_id"] in seen:
        return f"signal_id {values['signal_id']} staat ook op regel {seen[values['signal_id']]}"
    if status not in (*REVIEW_VERDICTS, WITHDRAW):
        return (
            f"onbekende status '{values['status']}' "
            f"(kies {', '.join(REVIEW_VERDICTS)} of {WITHDRAW})"
        )
    if status != WITHDRAW and not values["reviewer"]:
        return "reviewer ontbreekt (verplicht bij een beoordeling)"
    return None


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def apply_verdicts(
    con: duckdb.DuckDBPyConnection, verdicts: list[Verdict], source: str
) -> ImportResult:
    """Write the verdicts into the history and this run's signals, in one transaction: a
    failure leaves no trace (not even an empty main.review_log)."""
    require_history(con)
    frame = pl.DataFrame(
        [
            (v.signal_id, None if v.status == WITHDRAW else v.status, v.notitie, v.reviewer)
            for v in verdicts
        ],
        schema=["signal_id", "review_status", "review_notitie", "reviewer"],
        schema_overrides={c: pl.String for c in ("review_status", "review_notitie", "reviewer")},
        orient="row",
    )
    con.register("_verdicts", frame.to_arrow())
    con.execute("begin transaction")
    try:
        _refuse_unknown(con)
        result = _apply(con, source)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_verdicts")
    return result


def _refuse_unknown(con: duckdb.DuckDBPyConnection) -> None:
    unknown = con.execute(
        "select signal_id from _verdicts anti join main.signal_history using (signal_id) "
        "order by signal_id"
    ).fetchall()
    if unknown:
        ids = ", ".join(u[0] for u in unknown[:5])
        raise InvoerFout(
            f"{len(unknown)} signal_id('s) onbekend in het warehouse (bijv. {ids}); "
            "er is niets geïmporteerd."
        )


def _apply(con: duckdb.DuckDBPyConnection, source: str) -> ImportResult:
    """The changes, inside the caller's transaction."""
    con.execute(LOG_DDL)
    con.execute(
        """create or replace temp table _changes as
           select v.* from _verdicts as v join main.signal_history as h using (signal_id)
           where v.review_status is distinct from h.review_status
              or (v.review_status is not null
                  and (v.review_notitie is distinct from h.review_notitie
                       or v.reviewer is distinct from h.reviewer))"""
    )
    con.execute(
        "insert into main.review_log select signal_id, review_status, review_notitie, "
        "reviewer, current_timestamp, ? from _changes",
        [source],
    )
    con.execute(
        """update main.signal_history as h set
               review_status = c.review_status, review_notitie = c.review_notitie,
               reviewer = c.reviewer, review_op = current_timestamp,
               status = case when c.review_status is not null then c.review_status
                             when h.opgelost_op is not null then 'opgelost'
                             when h.first_seen = h.last_seen then 'nieuw'
                             else 'open' end
           from _changes as c where h.signal_id = c.signal_id"""
    )
    con.execute(
        """update main.signals as s set status = h.status from main.signal_history as h
           where s.signal_id = h.signal_id
             and h.signal_id in (select signal_id from _changes)"""
    )
    counts = dict(
        con.execute(
            "select coalesce(review_status, 'open'), count(*) from _changes group by 1"
        ).fetchall()
    )
    total = scalar(con, "select count(*) from _verdicts")
    con.execute("drop table _changes")
    return ImportResult(counts, total - sum(counts.values()))


def require_history(con: duckdb.DuckDBPyConnection) -> None:
    present = scalar(
        con,
        "select count(*) from duckdb_tables() where schema_name = 'main' "
        "and table_name in ('signals', 'signal_history')",
    )
    if present < 2:
        raise InvoerFout(
            "Het warehouse bevat nog geen signalen: draai eerst `declaratiemonitor run`."
        )
