"""Export for review: the current signals still to be judged, to Excel or CSV, with the
review columns (status, notitie, reviewer) last and empty. No BSN, only client_key. Gemeente
and aanbieder as "naam (code)" (lib/names); optionally one provider only."""

import csv
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import xlsxwriter

from declaratiemonitor.lib import names
from declaratiemonitor.lib.cell_safety import looks_like_formula, neutralise
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.operations.review import REVIEW_COLUMNS, WITHDRAW, require_history
from declaratiemonitor.lib.publish import atomic_path
from declaratiemonitor.lib.signals import REVIEW_VERDICTS

OPEN_STATUSES = ("nieuw", "open", "in_behandeling")
EXPORT_SQL = """
select s.signal_id, s.rule_id as regel, s.severity as ernst, s.gemeente_code as gemeente,
    s.aanbieder_agb as aanbieder, s.toewijzing_nummer as toewijzing, s.client_key,
    s.period_start as periode_begin, s.period_end as periode_eind,
    s.impact_cents / 100 as bedrag_euro,
    coalesce(s.impact_betaald_cents, s.impact_cents) / 100 as bedrag_betaald_euro,
    coalesce(s.afhandeling, 'geen declaratieregels') as afhandeling,
    s.message as melding, s.first_seen as eerst_gezien,
    s.status as huidige_status,
    coalesce(h.review_status, '') as status, coalesce(h.review_notitie, '') as notitie,
    coalesce(h.reviewer, '') as reviewer
from main.signals as s
left join main.signal_history as h using (signal_id)
where s.status in (select unnest(?::varchar[]))
    and (?::varchar is null or s.aanbieder_agb = ?)
order by s.aanbieder_agb, s.rule_id, s.period_start, s.signal_id
"""


def export_frame(
    con: duckdb.DuckDBPyConnection, include_closed: bool = False, aanbieder: str | None = None
) -> pl.DataFrame:
    """The current signals still to be judged (or all current ones), review columns last;
    `aanbieder`: only that provider's."""
    require_history(con)
    statuses = list(OPEN_STATUSES) + (["terecht", "onterecht"] if include_closed else [])
    frame = con.sql(EXPORT_SQL, params=[statuses, aanbieder, aanbieder]).pl()
    labelled = names.with_labels(
        frame.rename({"gemeente": "gemeente_code", "aanbieder": "aanbieder_agb"}), names.load(con)
    )
    return labelled.with_columns(
        gemeente=pl.col("gemeente_label"), aanbieder=pl.col("aanbieder_label")
    ).select(frame.columns)


def write_export(frame: pl.DataFrame, path: Path) -> None:
    """Excel or CSV by the file's suffix; written aside and renamed (never half a file)."""
    writers = {".csv": _write_csv, ".xlsx": _write_xlsx}
    writer = writers.get(path.suffix.lower())
    if writer is None:
        raise InvoerFout(f"Onbekend bestandstype {path.name}: gebruik .xlsx of .csv.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        writer(frame, tmp)


def _write_csv(frame: pl.DataFrame, path: Path) -> None:
    """Semicolons and a BOM: opens as columns in Dutch Excel; amounts with a decimal comma;
    formula-looking text neutralised (lib/cell_safety)."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(frame.columns)
        for row in frame.iter_rows():
            writer.writerow([_csv_value(v) for v in row])


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Beoordeling")
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    review = book.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1})
    fmt = {
        "date": book.add_format({"num_format": "dd-mm-yyyy"}),
        "euro": book.add_format({"num_format": "[$€-413] #,##0.00"}),
        "quoted": book.add_format({"quote_prefix": True}),
    }
    for c, name in enumerate(frame.columns):
        sheet.write_string(0, c, name, review if name in REVIEW_COLUMNS[1:] else head)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            _write_cell(sheet, r, c, value, fmt)
    last = max(frame.height, 1)
    status_col = frame.columns.index("status")
    sheet.data_validation(
        1,
        status_col,
        last + 500,
        status_col,
        {"validate": "list", "source": [*REVIEW_VERDICTS, WITHDRAW], "ignore_blank": True},
    )
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, last, len(frame.columns) - 1)
    widths = {"signal_id": 34, "melding": 80, "notitie": 40, "client_key": 20}
    for c, name in enumerate(frame.columns):
        sheet.set_column(c, c, widths.get(name, 14))
    book.close()


def _write_cell(sheet, r: int, c: int, value, fmt: dict) -> None:
    if value is None or value == "":
        return
    if isinstance(value, float | int) and not isinstance(value, bool):
        sheet.write_number(r, c, value, fmt["euro"])
    elif hasattr(value, "isoformat"):
        sheet.write_datetime(r, c, datetime.combine(value, datetime.min.time()), fmt["date"])
    elif looks_like_formula(str(value)):
        sheet.write_string(r, c, str(value), fmt["quoted"])
    else:
        sheet.write_string(r, c, str(value))
