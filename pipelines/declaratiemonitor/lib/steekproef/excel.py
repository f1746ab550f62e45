"""Excel export of a steekproef (xlsxwriter); reading it back is in excel_read.py.

Every text is written as a string (never a formula); text that looks like a formula
(lib/cell_safety: =, +, -, @, tab, CR, ...) also gets Excel's quote prefix, so it stays text when
the cell is edited. Gemeente and aanbieder show as "naam (code)" when names are given
(lib/names); the Parameters sheet keeps the code (it is read back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from declaratiemonitor.lib.cell_safety import FORMULA_START, looks_like_formula  # noqa: F401 - FORMULA_START re-exported
from declaratiemonitor.lib.steekproef.sample import Steekproef

if TYPE_CHECKING:  # imported where used: a pipeline run imports this package but no Excel code
    import xlsxwriter

    from declaratiemonitor.lib.names import Names

SAMPLE_SHEET, PARAMS_SHEET, STRATA_SHEET, ROUNDS_SHEET, HELP_SHEET = (
    "Steekproef",
    "Parameters",
    "Strata",
    "Ronden",
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
    ("ronde", "Ronde", "int"),
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
    ("trekkingen", "Trekkingen", "int"),
    ("ronde", "Ronde", "int"),
]
INPUT_COLUMNS = [
    ("bevinding", "Bevinding", "finding"),
    ("bedrag_fout_cents", "Bedrag fout (€)", "input_money"),
    ("toelichting", "Toelichting", "input_text"),
]
AMOUNT_HEADERS = {"Bedrag (€)", "Impact (€)"}

PARAMS = [
    ("methode", "Methode", "text"),
    ("likelihood", "Likelihood (poisson, binomial, hypergeometric)", "text"),
    ("betrouwbaarheid", "Betrouwbaarheid", "pct2"),
    ("materialiteit", "Materialiteit (deel van de populatiewaarde)", "pct2"),
    ("verwachte_fout", "Verwachte fout (deel van de populatiewaarde / regels)", "pct2"),
    ("seed", "Seed", "int"),
    ("strata", "Strata", "text"),
    ("per", "Eigen steekproef per", "text"),
    ("allocatie", "Verdeling over strata (aantal of bedrag)", "text"),
    ("aantal", "Opgegeven steekproefomvang", "int"),
    ("gemeente", "Gemeente", "text"),
    ("jaar", "Jaar", "int"),
    ("n", "Steekproefomvang n (trekkingen, gepland volgens planning())", "int"),
    ("ronde", "Ronde (0 = eerste trekking, 1.. = uitbreidingen)", "int"),
    ("n_regels", "Aantal regels in de steekproef", "int"),
    ("populatie_aantal", "Populatie: aantal regels", "int"),
    ("populatie_bedrag_cents", "Populatie: waarde (€)", "money"),
    ("interval_cents", "Interval (€)", "money"),
    ("start_cents", "Willekeurig startpunt (€)", "money"),
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
    "   Positief = te veel gedeclareerd; negatief = te weinig gedeclareerd (onderschatting).",
    "3. Licht de bevinding toe in 'Toelichting' (bewijs, dossier, afspraak).",
    "4. Verander niets aan de andere kolommen en tabbladen: ze zijn de verantwoording.",
    "5. Lees het bestand terug met: declaratiemonitor steekproef evalueer --bestand <dit bestand>",
    "6. Voldoet de steekproef niet, dan trekt declaratiemonitor steekproef uitbreiden --bestand",
    "   <dit bestand> de extra regels erbij (kolom Ronde); ingevulde bevindingen blijven staan.",
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
            "criteria": "between",
            "minimum": -1e12,
            "maximum": 1e12,
            "input_title": "Bedrag fout",
            "input_message": "Euro's; negatief = te weinig gedeclareerd; leeg = de hele regel.",
            "error_title": "Ongeldig bedrag",
            "error_message": "Vul een bedrag in euro's in.",
        },
    )


def _write_findings(sheet, row: int, col: int, record: dict, fmt: _Formats) -> None:
    """The input columns: blank, or the findings already given (an extended sample)."""
    write_text(sheet, row, col, record.get("bevinding"), fmt, inp=True)
    if record.get("bedrag_fout_cents") is None:
        sheet.write_blank(row, col + 1, None, fmt.input_money)
    else:
        sheet.write_number(row, col + 1, record["bedrag_fout_cents"] / 100, fmt.input_money)
    write_text(sheet, row, col + 2, record.get("toelichting"), fmt, inp=True)


def _labelled(frame, names: Names | None):
    """gemeente_code / aanbieder_agb replaced by "naam (code)" for display."""
    if names is None:
        return frame
    from declaratiemonitor.lib.names import with_labels

    labelled = with_labels(frame, names)
    swap = {"gemeente_code": "gemeente_label", "aanbieder_agb": "aanbieder_label"}
    present = {k: v for k, v in swap.items() if k in frame.columns}
    return labelled.with_columns([labelled[v].alias(k) for k, v in present.items()]).select(
        frame.columns
    )


def _write_sample(book, steekproef: Steekproef, fmt: _Formats, names: Names | None) -> None:
    sheet = book.add_worksheet(SAMPLE_SHEET)
    columns = SIGNAL_COLUMNS if steekproef.parameters.methode == "signalen" else CLAIM_COLUMNS
    columns = [c for c in columns if c[0] in steekproef.sample.columns]
    for col, (_, header, _) in enumerate(columns + INPUT_COLUMNS):
        sheet.write_string(0, col, header, fmt.header)
    for row, record in enumerate(_labelled(steekproef.sample, names).iter_rows(named=True), 1):
        for col, (key, _, kind) in enumerate(columns):
            _write_cell(sheet, row, col, record.get(key), kind, fmt)
        _write_findings(sheet, row, len(columns), record, fmt)
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


def _write_table(book, name: str, columns: list[tuple], frame, fmt: _Formats) -> None:
    sheet = book.add_worksheet(name)
    for col, (_, header, _) in enumerate(columns):
        sheet.write_string(0, col, header, fmt.header)
    for row, record in enumerate(frame.iter_rows(named=True), start=1):
        for col, (key, _, kind) in enumerate(columns):
            _write_cell(sheet, row, col, record.get(key), kind, fmt)
    sheet.set_column(0, len(columns) - 1, 22)


STRATA_COLUMNS = [
    ("stratum", "Stratum", "text"),
    ("populatie_aantal", "Populatie: aantal", "int"),
    ("populatie_bedrag_cents", "Populatie: bedrag (€)", "money"),
    ("steekproef_aantal", "Steekproef: aantal", "int"),
    ("trekkingen", "Trekkingen", "int"),
]
ROUND_COLUMNS = [
    ("stratum", "Stratum", "text"),
    ("ronde", "Ronde", "int"),
    ("n", "Trekkingen n", "int"),
    ("interval_cents", "Interval (€)", "money"),
    ("start_cents", "Startpunt (€)", "money"),
]


def _strata(steekproef: Steekproef, names: Names | None) -> tuple[list, object]:
    """Strata per provider get a column with its name (not read back)."""
    per = steekproef.parameters.per or steekproef.parameters.strata
    if names is None or per != "aanbieder":
        return STRATA_COLUMNS, steekproef.strata
    frame = steekproef.strata.with_columns(
        naam=steekproef.strata["stratum"].map_elements(names.aanbieder, return_dtype=str)
    )
    return [*STRATA_COLUMNS[:1], ("naam", "Aanbieder", "text"), *STRATA_COLUMNS[1:]], frame


def write_excel(steekproef: Steekproef, path: str | Path, names: Names | None = None) -> Path:
    """Write the sample, parameters, strata, rounds and instructions; returns the path.
    `names`: gemeente and provider names for the sample sheet and the strata (lib/names)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(path), options)
    fmt = _formats(book)
    _write_sample(book, steekproef, fmt, names)
    _write_params(book, steekproef, fmt)
    _write_table(book, STRATA_SHEET, *_strata(steekproef, names), fmt)
    _write_table(book, ROUNDS_SHEET, ROUND_COLUMNS, steekproef.rounds, fmt)
    help_sheet = book.add_worksheet(HELP_SHEET)
    for row, line in enumerate(HELP_LINES):
        write_text(help_sheet, row, 0, line, fmt)
    help_sheet.set_column(0, 0, 100)
    book.close()
    return path
