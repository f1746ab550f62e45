"""Excel export of a steekproef (xlsxwriter) and reading the controller's findings back (openpyxl).

Every text is written as a string (never a formula); text that looks like a formula
(lib/cell_safety: =, +, -, @, tab, CR, ...) also gets Excel's quote prefix, so it stays text when
the cell is edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from declaratiemonitor.lib.cell_safety import FORMULA_START, looks_like_formula  # noqa: F401 - FORMULA_START re-exported
from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.selection import Steekproef

if TYPE_CHECKING:  # imported where used: a pipeline run imports this package but no Excel code
    import openpyxl
    import xlsxwriter

SAMPLE_SHEET, PARAMS_SHEET, STRATA_SHEET, HELP_SHEET = (
    "Steekproef",
    "Parameters",
    "Strata",
    "Toelichting",
)
EURO = "[$€-413] #,##0.00;[$€-413] -#,##0.00"
FINDING_CHOICES = ["juist", "onjuist", "onzeker"]

CLAIM_COLUMNS = [
    ("volgnummer", "Nr", "int"),
    ("declaratie_nummer", "Declaratienummer", "text"),
    ("referentie_nummer", "Referentienummer", "text"),
    ("toewijzing_nummer", "Toewijzing", "text"),
    ("gemeente_code", "Gemeente", "text"),
    ("aanbieder_agb", "Aanbieder", "text"),
    ("client_key", "Cliëntsleutel", "text"),
    ("product_categorie", "Productcategorie", "text"),
    ("product_code", "Productcode", "text"),
    ("begindatum", "Begindatum", "date"),
    ("einddatum", "Einddatum", "date"),
    ("ingediend_bedrag_cents", "Bedrag (€)", "money"),
    ("stratum", "Stratum", "text"),
    ("ernst", "Ernst signaal", "text"),
    ("trekkingen", "Trekkingen", "int"),
    ("boven_interval", "Boven interval", "bool"),
]
SIGNAL_COLUMNS = [
    ("volgnummer", "Nr", "int"),
    ("signal_id", "Signaal-id", "text"),
    ("rule_id", "Regel", "text"),
    ("severity", "Ernst", "text"),
    ("gemeente_code", "Gemeente", "text"),
    ("aanbieder_agb", "Aanbieder", "text"),
    ("toewijzing_nummer", "Toewijzing", "text"),
    ("client_key", "Cliëntsleutel", "text"),
    ("period_start", "Periode begin", "date"),
    ("period_end", "Periode eind", "date"),
    ("impact_cents", "Impact (€)", "money"),
    ("message", "Melding", "text"),
    ("stratum", "Stratum", "text"),
]
INPUT_COLUMNS = [
    ("bevinding", "Bevinding", "finding"),
    ("bedrag_fout_cents", "Bedrag fout (€)", "input_money"),
    ("toelichting", "Toelichting", "input_text"),
]
AMOUNT_HEADERS = {"Bedrag (€)", "Impact (€)"}

PARAMS = [
    ("methode", "Methode", "text"),
    ("betrouwbaarheid", "Betrouwbaarheid", "pct0"),
    ("materialiteit", "Materialiteit (deel van de populatiewaarde)", "pct2"),
    ("verwachte_fout", "Verwachte fout (deel van de populatiewaarde / regels)", "pct2"),
    ("seed", "Seed", "int"),
    ("strata", "Strata", "text"),
    ("allocatie", "Verdeling over strata (aantal of bedrag)", "text"),
    ("aantal", "Opgegeven steekproefomvang", "int"),
    ("gemeente", "Gemeente", "text"),
    ("jaar", "Jaar", "int"),
    ("n", "Steekproefomvang n (trekkingen)", "int"),
    ("n_regels", "Aantal regels in de steekproef", "int"),
    ("populatie_aantal", "Populatie: aantal regels", "int"),
    ("populatie_bedrag_cents", "Populatie: waarde (€)", "money"),
    ("interval_cents", "Interval (€)", "money"),
    ("start_cents", "Willekeurig startpunt (€)", "money"),
    ("factor_r", "Betrouwbaarheidsfactor R (Poisson, 0 fouten)", "num"),
    ("expansiefactor", "Expansiefactor", "num"),
    ("tolerantie_cents", "Tolerantie (€)", "money"),
    ("populatie_hash", "Populatie-hash (sha256)", "text"),
    ("peildatum", "Peildatum", "text"),
    ("datum", "Datum trekking", "text"),
    ("algoritme_versie", "Versie trekkingsmethode", "text"),
]

HELP_LINES = [
    "Steekproef declaratiemonitor: invullen en teruglezen",
    "",
    "1. Beoordeel elke regel op het tabblad 'Steekproef' en kies in de kolom 'Bevinding':",
    "   juist = rechtmatig; onjuist = fout; onzeker = niet vast te stellen (onzekerheid).",
    "2. Vul bij onjuist of onzeker het 'Bedrag fout (€)' in. Leeg = het hele bedrag van de regel.",
    "3. Licht de bevinding toe in 'Toelichting' (bewijs, dossier, afspraak).",
    "4. Verander niets aan de andere kolommen en tabbladen: ze zijn de verantwoording.",
    "5. Lees het bestand terug met: declaratiemonitor steekproef evalueer --bestand <dit bestand>",
    "",
    "Regels zonder bevinding tellen bij de evaluatie als onzeker voor het hele bedrag.",
    "Dezelfde populatie (zie populatie-hash) en dezelfde seed geven dezelfde steekproef.",
    "Cliënten staan er met een sleutel (pseudoniem) in, nooit met hun BSN.",
]


@dataclass
class _Formats:
    header: object
    text: object
    quoted: object
    date: object
    money: object
    input_text: object
    input_quoted: object
    input_money: object
    pct0: object
    pct2: object


def _formats(book: xlsxwriter.Workbook) -> _Formats:
    inp = {"bg_color": "#FFF2CC", "locked": False, "border": 1}
    return _Formats(
        header=book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        text=book.add_format({}),
        quoted=book.add_format({"quote_prefix": True}),
        date=book.add_format({"num_format": "dd-mm-yyyy"}),
        money=book.add_format({"num_format": EURO}),
        input_text=book.add_format(inp),
        input_quoted=book.add_format(inp | {"quote_prefix": True}),
        input_money=book.add_format(inp | {"num_format": EURO}),
        pct0=book.add_format({"num_format": "0%"}),
        pct2=book.add_format({"num_format": "0.00%"}),
    )


def write_text(sheet, row: int, col: int, value: object, fmt: _Formats, inp: bool = False) -> None:
    """A string cell, never a formula; formula-looking text gets the quote prefix."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt.input_text if inp else None)
        return
    text = str(value)
    quoted = looks_like_formula(text)
    style = (
        (fmt.input_quoted if quoted else fmt.input_text)
        if inp
        else (fmt.quoted if quoted else fmt.text)
    )
    sheet.write_string(row, col, text, style)


def _write_cell(sheet, row: int, col: int, value: object, kind: str, fmt: _Formats) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif kind == "money":
        sheet.write_number(row, col, value / 100, fmt.money)
    elif kind in ("int", "num"):
        sheet.write_number(row, col, value)
    elif kind in ("pct0", "pct2"):
        sheet.write_number(row, col, value, getattr(fmt, kind))
    elif kind == "date":
        sheet.write_datetime(row, col, datetime.combine(value, datetime.min.time()), fmt.date)
    elif kind == "bool":
        sheet.write_string(row, col, "ja" if value else "nee")
    else:
        write_text(sheet, row, col, value, fmt)


def _validations(sheet, first: int, last: int, rows: int) -> None:
    sheet.data_validation(
        1,
        first,
        rows,
        first,
        {
            "validate": "list",
            "source": FINDING_CHOICES,
            "input_title": "Bevinding",
            "input_message": "Kies juist, onjuist of onzeker.",
            "error_title": "Ongeldige bevinding",
            "error_message": "Kies juist, onjuist of onzeker.",
        },
    )
    sheet.data_validation(
        1,
        first + 1,
        rows,
        first + 1,
        {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "input_title": "Bedrag fout",
            "input_message": "Bedrag in euro's; leeg = het hele bedrag van de regel.",
            "error_title": "Ongeldig bedrag",
            "error_message": "Vul een bedrag in euro's in (0 of meer).",
        },
    )


def _write_sample(book, steekproef: Steekproef, fmt: _Formats) -> None:
    sheet = book.add_worksheet(SAMPLE_SHEET)
    columns = SIGNAL_COLUMNS if steekproef.parameters.methode == "signalen" else CLAIM_COLUMNS
    columns = [c for c in columns if c[0] in steekproef.sample.columns]
    for col, (_, header, _) in enumerate(columns + INPUT_COLUMNS):
        sheet.write_string(0, col, header, fmt.header)
    for row, record in enumerate(steekproef.sample.iter_rows(named=True), start=1):
        for col, (key, _, kind) in enumerate(columns):
            _write_cell(sheet, row, col, record.get(key), kind, fmt)
        sheet.write_blank(row, len(columns), None, fmt.input_text)
        sheet.write_blank(row, len(columns) + 1, None, fmt.input_money)
        sheet.write_blank(row, len(columns) + 2, None, fmt.input_text)
    rows = max(1, steekproef.sample.height)
    _validations(sheet, len(columns), len(columns) + 2, rows)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, rows, len(columns) + 2)
    sheet.set_column(0, len(columns) + 2, 16)
    sheet.set_column(len(columns) + 2, len(columns) + 2, 50)


def _write_params(book, steekproef: Steekproef, fmt: _Formats) -> None:
    sheet = book.add_worksheet(PARAMS_SHEET)
    values = steekproef.parameter_values()
    for col, header in enumerate(("Sleutel", "Parameter", "Waarde")):
        sheet.write_string(0, col, header, fmt.header)
    for row, (key, label, kind) in enumerate(PARAMS, start=1):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, label)
        _write_cell(sheet, row, 2, values.get(key), kind, fmt)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, 2, 70)


def _write_strata(book, steekproef: Steekproef, fmt: _Formats) -> None:
    sheet = book.add_worksheet(STRATA_SHEET)
    headers = ("Stratum", "Populatie: aantal", "Populatie: bedrag (€)", "Steekproef: aantal")
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, fmt.header)
    for row, rec in enumerate(steekproef.strata.iter_rows(), start=1):
        write_text(sheet, row, 0, rec[0], fmt)
        sheet.write_number(row, 1, rec[1])
        sheet.write_number(row, 2, rec[2] / 100, fmt.money)
        sheet.write_number(row, 3, rec[3])
    sheet.set_column(0, 3, 22)


def write_excel(steekproef: Steekproef, path: str | Path) -> Path:
    """Write the sample, parameters, strata and instructions; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(path), options)
    fmt = _formats(book)
    _write_sample(book, steekproef, fmt)
    _write_params(book, steekproef, fmt)
    _write_strata(book, steekproef, fmt)
    help_sheet = book.add_worksheet(HELP_SHEET)
    for row, line in enumerate(HELP_LINES):
        write_text(help_sheet, row, 0, line, fmt)
    help_sheet.set_column(0, 0, 100)
    book.close()
    return path


# ---- reading back ---------------------------------------------------------------------------


def to_cents(value: object, where: str) -> int | None:
    """Euro amount from a cell (number, or Dutch/English text) -> cents, half up."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).replace("€", "").replace(" ", "").strip()
    if isinstance(value, str) and "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        euros = Decimal(text) if isinstance(value, str) else Decimal(repr(value))
    except InvalidOperation:
        raise SteekproefFout(f"{where}: '{value}' is geen bedrag in euro's.") from None
    return int((euros * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _open(path: Path) -> openpyxl.Workbook:
    import openpyxl

    if not path.exists():
        raise SteekproefFout(f"Bestand niet gevonden: {path}")
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a user error here
        raise SteekproefFout(
            f"Het bestand {path} kan niet als Excel worden gelezen: {exc}"
        ) from None
    for name in (SAMPLE_SHEET, PARAMS_SHEET, STRATA_SHEET):
        if name not in book.sheetnames:
            raise SteekproefFout(
                f"{path} is geen steekproefbestand van de declaratiemonitor: "
                f"tabblad '{name}' ontbreekt."
            )
    return book


def _read_params(sheet) -> dict:
    kinds = {key: kind for key, _, kind in PARAMS}
    values = {}
    for key, _, value in sheet.iter_rows(min_row=2, max_col=3, values_only=True):
        if key in kinds:
            values[key] = value * 100 if kinds[key] == "money" and value is not None else value
    for required in ("methode", "betrouwbaarheid", "materialiteit", "populatie_bedrag_cents"):
        if values.get(required) is None:
            raise SteekproefFout(f"Parameter '{required}' ontbreekt op het tabblad Parameters.")
    return values


def _read_strata(sheet) -> pl.DataFrame:
    rows = [r for r in sheet.iter_rows(min_row=2, max_col=4, values_only=True) if r[0] is not None]
    return pl.DataFrame(
        {
            "stratum": [str(r[0]) for r in rows],
            "populatie_aantal": [int(r[1]) for r in rows],
            "populatie_bedrag_cents": [to_cents(r[2], "Strata") or 0 for r in rows],
            "steekproef_aantal": [int(r[3]) for r in rows],
        },
        schema={
            "stratum": pl.String,
            "populatie_aantal": pl.Int64,
            "populatie_bedrag_cents": pl.Int64,
            "steekproef_aantal": pl.Int64,
        },
    )


def _finding_record(row: dict, nr: object) -> dict:
    amount = next(row[h] for h in AMOUNT_HEADERS if h in row)
    return {
        "volgnummer": int(nr),
        "stratum": str(row.get("Stratum") or ""),
        "bedrag_cents": to_cents(amount, f"Regel {nr}") or 0,
        "boven_interval": row.get("Boven interval") == "ja",
        "bevinding": None if row["Bevinding"] is None else str(row["Bevinding"]),
        "bedrag_fout_cents": to_cents(row["Bedrag fout (€)"], f"Regel {nr}, bedrag fout"),
        "toelichting": None if row.get("Toelichting") is None else str(row["Toelichting"]),
    }


FINDINGS_SCHEMA = {
    "volgnummer": pl.Int64,
    "stratum": pl.String,
    "bedrag_cents": pl.Int64,
    "boven_interval": pl.Boolean,
    "bevinding": pl.String,
    "bedrag_fout_cents": pl.Int64,
    "toelichting": pl.String,
}


def _read_findings(sheet) -> pl.DataFrame:
    rows = sheet.iter_rows(values_only=True)
    headers = [str(h) if h is not None else "" for h in next(rows)]
    missing = {"Nr", "Bevinding", "Bedrag fout (€)"} - set(headers)
    if missing or not AMOUNT_HEADERS & set(headers):
        raise SteekproefFout(f"Kolommen ontbreken op het tabblad Steekproef: {sorted(missing)}.")
    records = []
    for values in rows:
        row = dict(zip(headers, values, strict=False))
        if row.get("Nr") is not None:
            records.append(_finding_record(row, row["Nr"]))
    return pl.DataFrame(records, schema=FINDINGS_SCHEMA)


def read_excel(path: str | Path) -> tuple[dict, pl.DataFrame, pl.DataFrame]:
    """(parameters, findings, strata) from a filled-in steekproef file."""
    book = _open(Path(path))
    params = _read_params(book[PARAMS_SHEET])
    findings = _read_findings(book[SAMPLE_SHEET])
    return params, findings, _read_strata(book[STRATA_SHEET])
