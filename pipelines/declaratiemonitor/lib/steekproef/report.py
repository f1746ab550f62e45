"""The evaluation as an Excel workbook: the verdict with its method, and the figures per group.

Sheet 'Evaluatie' lists every figure with a Dutch label (the method first); sheet 'Per aanbieder'
(or 'Per stratum') has one row per provider or stratum and the total. Texts go through
excel.write_text (via _write_cell), so nothing from the data can become a formula.
"""

from pathlib import Path

from declaratiemonitor.lib.steekproef.evaluation import Evaluatie
from declaratiemonitor.lib.steekproef.excel import _formats, _write_cell

EVALUATION_SHEET = "Evaluatie"
SUMMARY = [
    ("methode", "Steekproefmethode", "text"),
    ("bovengrensmethode", "Methode van de bovengrens", "text"),
    ("betrouwbaarheid", "Betrouwbaarheid", "pct2"),
    ("materialiteit", "Materialiteit (deel van de populatiewaarde)", "pct2"),
    ("populatie_bedrag_cents", "Populatie: waarde (€)", "money"),
    ("tolerantie_cents", "Tolerantie (€)", "money"),
    ("n", "Trekkingen n", "int"),
    ("n_regels", "Regels in de steekproef", "int"),
    ("aantal_juist", "Juist", "int"),
    ("aantal_onjuist", "Onjuist (fouten)", "int"),
    ("aantal_onzeker", "Onzeker", "int"),
    ("aantal_niet_beoordeeld", "Niet beoordeeld (telt als onzeker)", "int"),
    ("aantal_onderschattingen", "Onderschattingen (negatieve fout)", "int"),
    ("geprojecteerde_fout_cents", "Geprojecteerde fouten en onzekerheden (€)", "money"),
    ("bovengrens_cents", "Bovengrens fouten en onzekerheden (€)", "money"),
    ("bovengrens_fouten_cents", "Bovengrens alleen fouten (€)", "money"),
    ("bovengrens_onzekerheden_cents", "Bovengrens alleen onzekerheden (€)", "money"),
    ("bovengrens_onderschattingen_cents", "Bovengrens alleen onderschattingen (€)", "money"),
    ("netto_overschatting_cents", "Netto te veel betaald, puntschatting (€)", "money"),
    ("terugvordering_cents", "Voorgestelde terugvordering (€)", "money"),
    ("voldoet", "Voldoet (bovengrens onder de tolerantie)", "bool"),
    ("oordeel", "Oordeel", "text"),
    ("onderschattingen", "Onderschattingen: zo meegenomen", "text"),
    ("terugvordering", "Terugvordering: welke schatting en waarom", "text"),
    ("bron", "Steekproefbestand", "text"),
]
GROUP_COLUMNS = [
    ("groep", "Groep", "text"),
    ("populatie_aantal", "Populatie: aantal", "int"),
    ("populatie_bedrag_cents", "Populatie: waarde (€)", "money"),
    ("n", "Trekkingen n", "int"),
    ("n_regels", "Regels", "int"),
    ("aantal_fouten", "Regels met fout of onzekerheid", "int"),
    ("geprojecteerde_fout_cents", "Geprojecteerde fout, puntschatting (€)", "money"),
    ("bovengrens_cents", "Bovengrens (€)", "money"),
    ("tolerantie_cents", "Tolerantie (€)", "money"),
    ("voldoet", "Voldoet", "bool"),
    ("netto_overschatting_cents", "Netto te veel betaald (€)", "money"),
    ("terugvordering_cents", "Voorgestelde terugvordering (€)", "money"),
]


def _summary(book, fmt, values: dict) -> None:
    sheet = book.add_worksheet(EVALUATION_SHEET)
    for col, header in enumerate(("Onderdeel", "Waarde")):
        sheet.write_string(0, col, header, fmt.header)
    for row, (key, label, kind) in enumerate(SUMMARY, start=1):
        sheet.write_string(row, 0, label)
        _write_cell(sheet, row, 1, values.get(key), kind, fmt)
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 1, 110)


def _groups(book, fmt, name: str, rows: list[dict]) -> None:
    sheet = book.add_worksheet(name)
    for col, (_, header, _) in enumerate(GROUP_COLUMNS):
        sheet.write_string(0, col, header, fmt.header)
    for row, values in enumerate(rows, start=1):
        for col, (key, _, kind) in enumerate(GROUP_COLUMNS):
            _write_cell(sheet, row, col, values.get(key), kind, fmt)
    sheet.set_column(0, len(GROUP_COLUMNS) - 1, 20)


def write_evaluation(result: Evaluatie, path: str | Path, source: str | None = None) -> Path:
    """Write the evaluation workbook; returns the path."""
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(path), options)
    fmt = _formats(book)
    values = result.to_dict() | {"bron": source}
    _summary(book, fmt, values)
    total = result.totaal.to_dict() | {"groep": "Totaal", "voldoet": result.voldoet}
    if result.groepen:
        name = "Per aanbieder" if result.indeling == "aanbieder" else "Per stratum"
        _groups(book, fmt, name, [g.to_dict() for g in result.groepen] + [total])
    book.close()
    return path
