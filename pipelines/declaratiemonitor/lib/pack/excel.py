"""The pack as an Excel workbook: Samenvatting, Signalen (one row per signal, importable as
review verdicts: signal_id, status, notitie, reviewer) and Bewijsregels (one row per evidence
line). Every text is a string cell, never a formula (lib/cell_safety)."""

from datetime import datetime
from pathlib import Path

import polars as pl
import xlsxwriter

from declaratiemonitor.lib.cell_safety import looks_like_formula
from declaratiemonitor.lib.operations.review import REVIEW_COLUMNS, WITHDRAW
from declaratiemonitor.lib.pack import texts
from declaratiemonitor.lib.pack.data import ANSWERED, Pack
from declaratiemonitor.lib.signals import REVIEW_VERDICTS

SUMMARY, SIGNALS, EVIDENCE = "Samenvatting", "Signalen", "Bewijsregels"
EURO = "[$€-413] #,##0.00;[$€-413] -#,##0.00"
# (column, header, kind, width); kinds: text, wrap, int, date, euro, review
SIGNAL_COLUMNS = [
    ("nr", "Nr", "int", 5),
    ("signal_id", "signal_id", "text", 34),
    ("titel", "Regel", "wrap", 40),
    ("rule_id", "Regelcode", "text", 28),
    ("severity", "Ernst", "text", 8),
    ("gemeente", "Gemeente", "text", 20),
    ("toewijzing_nummer", "Toewijzing", "text", 14),
    ("client_key", "Cliënt (sleutel)", "text", 20),
    ("period_start", "Periode begin", "date", 12),
    ("period_end", "Periode eind", "date", 12),
    ("impact_cents", "Bedrag op het spel", "euro", 14),
    ("afhandeling_tekst", "Afhandeling (325)", "text", 18),
    ("betaald_cents", "Waarvan betaald", "euro", 14),
    ("message", "Melding", "wrap", 70),
    ("uitleg", "Uitleg", "wrap", 50),
    ("grondslag", "Grondslag", "wrap", 40),
    ("actie", "Gevraagde actie", "text", 18),
    ("bewijs", "Bewijs (referenties)", "wrap", 30),
    ("status_signaal", "Status signaal", "text", 12),
]
EVIDENCE_COLUMNS = [
    ("referentie", "Referentie", "text", 16),
    ("soort", "Soort", "text", 15),
    ("declaratie_nummer", "Declaratienummer", "text", 16),
    ("declaratie_dagtekening", "Dagtekening", "date", 12),
    ("gemeente", "Gemeente", "text", 20),
    ("toewijzing_nummer", "Toewijzing", "text", 14),
    ("periode_begin", "Periode begin", "date", 12),
    ("periode_eind", "Periode eind", "date", 12),
    ("product", "Product", "text", 9),
    ("volume", "Volume", "int", 9),
    ("eenheid_tekst", "Eenheid", "text", 10),
    ("tarief_cents", "Tarief", "euro", 11),
    ("bedrag_cents", "Bedrag", "euro", 12),
    ("debet_credit", "Debet/credit", "text", 8),
    ("afhandeling_regel", "Afhandeling (325)", "text", 20),
    ("omschrijving", "Omschrijving", "wrap", 45),
    ("bij_signaal", "Bij signaal (nr)", "text", 14),
]


def write_workbook(pack: Pack, path: Path) -> None:
    book = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "in_memory": True,  # no temporary files (removing them cost most of the time)
        },
    )
    fmt = _formats(book)
    _summary(book.add_worksheet(SUMMARY), pack, fmt)
    _signals(book.add_worksheet(SIGNALS), pack, fmt)
    _evidence(book.add_worksheet(EVIDENCE), pack, fmt)
    book.close()


def _formats(book) -> dict:
    add = book.add_format
    return {
        "head": add({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        "review": add({"bold": True, "bg_color": "#FFF2CC", "border": 1}),
        "input": add({"bg_color": "#FFF2CC", "border": 1}),
        "title": add({"bold": True, "font_size": 14}),
        "bold": add({"bold": True}),
        "text": add({}),
        "wrap": add({"text_wrap": True, "valign": "top"}),
        "quoted": add({"quote_prefix": True}),
        "quoted_wrap": add({"quote_prefix": True, "text_wrap": True, "valign": "top"}),
        "date": add({"num_format": "dd-mm-yyyy"}),
        "euro": add({"num_format": EURO}),
        "int": add({"num_format": "#,##0"}),
    }


def _text(sheet, row: int, col: int, value, fmt: dict, wrap: bool = False) -> None:
    """A string cell; formula-looking text gets Excel's quote prefix (stays text when edited)."""
    if value is None or value == "":
        return
    text = str(value)
    if looks_like_formula(text):
        style = fmt["quoted_wrap" if wrap else "quoted"]
    else:
        style = fmt["wrap" if wrap else "text"]
    sheet.write_string(row, col, text, style)


def _cell(sheet, row: int, col: int, value, kind: str, fmt: dict) -> None:
    if value is None:
        return
    if kind == "euro":
        sheet.write_number(row, col, value / 100, fmt["euro"])
    elif kind == "int":
        sheet.write_number(row, col, value, fmt["int"])
    elif kind == "date":
        day = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
        sheet.write_datetime(row, col, day, fmt["date"])
    else:
        _text(sheet, row, col, value, fmt, wrap=kind == "wrap")


def _summary(sheet, pack: Pack, fmt: dict) -> None:
    sheet.write_string(0, 0, texts.TITLE, fmt["title"])
    row = 2
    for label, value in texts.summary_rows(pack):
        sheet.write_string(row, 0, label, fmt["bold"])
        _text(sheet, row, 1, value, fmt)
        row += 1
    row = _rule_table(sheet, row + 1, pack, fmt)
    for line in (texts.HOW_TO_REPLY, texts.PRIVACY, _review_note()):
        row += 1
        _text(sheet, row, 0, line, fmt)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, 7, 18)


def _rule_table(sheet, row: int, pack: Pack, fmt: dict) -> int:
    """Signals and money per rule, with a total row (values, not formulas)."""
    money = texts.money_columns(pack)
    headers = ["Regel", "Omschrijving", "Gevraagde actie", "Signalen", *(h for _, h in money)]
    for col, header in enumerate(headers):
        sheet.write_string(row, col, header, fmt["head"])
    per_rule = pack.per_rule()
    for x in per_rule.iter_rows(named=True):
        row += 1
        for col, value in enumerate((x["rule_id"], x["titel"], x["actie"])):
            _text(sheet, row, col, value, fmt)
        sheet.write_number(row, 3, x["signalen"], fmt["int"])
        for col, (key, _) in enumerate(money, start=4):
            _cell(sheet, row, col, x[key], "euro", fmt)
    row += 1
    sheet.write_string(row, 0, "Totaal", fmt["bold"])
    sheet.write_number(row, 3, pack.signals.height, fmt["int"])
    for col, (key, _) in enumerate(money, start=4):
        _cell(sheet, row, col, pack.total(key), "euro", fmt)
    return row + 1


def _review_note() -> str:
    return (
        "Voor de gemeente: vul na het gesprek op het tabblad Signalen de gele kolommen status "
        f"({', '.join(REVIEW_VERDICTS)}; {WITHDRAW} trekt een oordeel in), notitie en reviewer in "
        "en lees het bestand in met: declaratiemonitor review importeer --warehouse <warehouse> "
        "--bestand <dit bestand>."
    )


def _signals(sheet, pack: Pack, fmt: dict) -> None:
    frame = pack.signals.with_columns(
        afhandeling_tekst=pack.signals["afhandeling"].map_elements(
            lambda v: texts.afhandeling_label(pack, v), return_dtype=str, skip_nulls=False
        ),
        betaald_cents=pl.when(pl.col("afhandeling").is_in(ANSWERED)).then("betaald_cents"),
        bewijs=pack.signals["evidence"].list.join(", "),
        status_signaal=pack.signals["status"],
    )
    columns = SIGNAL_COLUMNS + [(c, c, "review", 16) for c in REVIEW_COLUMNS[1:]]
    _header(sheet, columns, fmt)
    for row, x in enumerate(frame.iter_rows(named=True), start=1):
        for col, (key, _, kind, _) in enumerate(columns):
            if kind == "review":
                sheet.write_blank(row, col, None, fmt["input"])
            else:
                _cell(sheet, row, col, x[key], kind, fmt)
    status = len(SIGNAL_COLUMNS)
    last = max(frame.height, 1)
    sheet.data_validation(
        1,
        status,
        last,
        status,
        {"validate": "list", "source": [*REVIEW_VERDICTS, WITHDRAW], "ignore_blank": True},
    )
    sheet.autofilter(0, 0, last, len(columns) - 1)
    sheet.freeze_panes(1, 2)


def _evidence(sheet, pack: Pack, fmt: dict) -> None:
    ev = pack.evidence
    frame = ev.with_columns(
        gemeente=ev["gemeente_code"].map_elements(
            lambda c: pack.names.gemeente(c) if c else None, return_dtype=str, skip_nulls=False
        ),
        eenheid_tekst=ev["eenheid"].map_elements(texts.unit, return_dtype=str),
        bij_signaal=ev["signalen"].cast(pl.List(pl.String)).list.join(", "),
        afhandeling_regel=pl.struct("afhandeling", "retourcodes").map_elements(
            lambda x: texts.line_afhandeling(pack, x["afhandeling"], x["retourcodes"]),
            return_dtype=str,
        ),
        debet_credit=pl.col("debet_credit").replace_strict(
            {"D": "debet", "C": "credit"}, default=None, return_dtype=pl.String
        ),
    )
    _header(sheet, EVIDENCE_COLUMNS, fmt)
    for row, x in enumerate(frame.iter_rows(named=True), start=1):
        for col, (key, _, kind, _) in enumerate(EVIDENCE_COLUMNS):
            _cell(sheet, row, col, x[key], kind, fmt)
    sheet.autofilter(0, 0, max(frame.height, 1), len(EVIDENCE_COLUMNS) - 1)
    sheet.freeze_panes(1, 1)


def _header(sheet, columns: list[tuple], fmt: dict) -> None:
    for col, (_, header, kind, width) in enumerate(columns):
        sheet.write_string(0, col, header, fmt["review" if kind == "review" else "head"])
        sheet.set_column(col, col, width)
