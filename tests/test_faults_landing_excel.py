"""Dutch spreadsheet exports (issue 16): what Excel-NL saves, an .xlsx workbook and a Parquet
file with codes as numbers land as exactly the same staged rows as the contract form; what
still cannot be read stops with the file, the column and an example value."""

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from landing_faults import connect, land, quarantined, staged, write_csv

from declaratiemonitor.lib.contract import TABLES
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.fixtures import complete_rows
from declaratiemonitor.lib.tabular import fixed_width

GIVEN = {
    "toewijzingen": [
        {"gemeente_code": "0505", "toewijzing_nummer": "T1", "einddatum": None},
        {"gemeente_code": "1771", "toewijzing_nummer": "T2", "reden_wijziging": "01"},
    ],
    "declaraties": [
        {"gemeente_code": "0505", "begindatum": "2026-01-01"},
        {"gemeente_code": "1771", "begindatum": "2026-02-01", "eenheid": "01"},
    ],
    "contactmomenten": [
        {"contact_id": "C1", "gepland_begin": "2026-01-05T09:30"},
        {"contact_id": "C2", "gepland_begin": "2026-02-15T14:05",
         "afgezegd_op": "2026-02-14T08:00"},
    ],
    "reisafstanden": [
        {"bsn": "999990019", "aanbieder_agb": "01234567", "enkele_reis_km": "12.5",
         "rolstoel": "true", "km_dichtstbijzijnde_passende_locatie": "3.25"},
        {"bsn": "999990020", "aanbieder_agb": "12345678", "enkele_reis_km": "7",
         "rolstoel": "false"},
    ],
}  # fmt: skip


def _rows(name: str) -> list[dict]:
    if name == "reisafstanden":
        return [{c: r.get(c) for c in TABLES[name].column_names} for r in GIVEN[name]]
    return complete_rows(name, GIVEN[name])


def _excel_nl(name: str, value) -> str:
    """A contract value as Dutch Excel writes it."""
    if value is None:
        return ""
    col = next(c for c in TABLES[name].columns if c.name == value[0])
    text = str(value[1])
    if col.type == "date":
        y, m, d = text.split("-")
        return f"{int(d)}-{int(m)}-{y}"
    if col.type == "timestamp":
        day, time = text.split("T")
        y, m, d = day.split("-")
        return f"{int(d)}-{int(m)}-{y} {int(time[:2])}:{time[3:5]}"
    if col.type == "double":
        return text.replace(".", ",")
    if col.type == "boolean":
        return {"true": "WAAR", "false": "ONWAAR"}[text]
    if fixed_width(col) and text.isdigit():
        return str(int(text))
    return text


def _write_excel_nl(path: Path, name: str, rows: list[dict]) -> None:
    with path.open("w", encoding="cp1252", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(TABLES[name].column_names)
        for row in rows:
            writer.writerow(
                "" if row.get(c) is None else _excel_nl(name, (c, row[c]))
                for c in TABLES[name].column_names
            )


def _land_both(tmp_path: Path, name: str, write) -> tuple:
    """Staged rows of the contract form and of `write`'s form, and both landing stats."""
    contract, other = tmp_path / "contract", tmp_path / "anders"
    contract.mkdir(exist_ok=True)
    other.mkdir(exist_ok=True)
    rows = _rows(name)
    write_csv(contract / f"{name}.csv", name, rows)
    write(other, name, rows)
    con = connect()
    plain = land(con, contract, name)
    expected = staged(con, name)
    got = land(con, other, name)
    return expected, staged(con, name), plain, got


@pytest.mark.parametrize("name", sorted(GIVEN))
def test_excel_nl_csv_lands_as_the_contract_form(tmp_path, name) -> None:
    """';', CRLF, Windows-1252, 5-1-2026, 14:05 times, decimal comma, WAAR/ONWAAR and codes
    without their leading zeros (0505 -> 505, 02 -> 2, 04 -> 4): the separator alone gave
    'Kolom ontbreekt', the values 'tabel heeft geen bruikbare rijen'."""

    def write(folder, name, rows):
        _write_excel_nl(folder / f"{name}.csv", name, rows)

    expected, got, plain, stats = _land_both(tmp_path, name, write)
    assert got == expected and len(got) == 2
    assert plain.readings[0]["aanpassingen"] == []  # the contract form is read as it is
    assert plain.readings[0]["scheidingsteken"] == "komma"
    reading = stats.readings[0]
    assert reading["scheidingsteken"] == "puntkomma" and reading["regeleinde"] == "CRLF"
    adjusted = " ".join(reading["aanpassingen"])
    if name in ("toewijzingen", "declaraties"):
        assert "DD-MM-JJJJ" in adjusted and "voorloopnullen aangevuld in gemeente_code" in adjusted
    if name == "reisafstanden":
        assert "decimale komma" in adjusted and "WAAR/ONWAAR" in adjusted


def test_xlsx_lands_as_the_contract_form(tmp_path) -> None:
    """<table>.xlsx beside .csv/.parquet: first sheet, contract headers, typed cells."""
    import openpyxl

    def write(folder, name, rows):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(TABLES[name].column_names)
        sheet.append([])  # an empty row is counted, not read
        for row in rows:
            sheet.append([_cell(name, c, row.get(c)) for c in TABLES[name].column_names])
        book.create_sheet("Toelichting").append(["niet gelezen"])
        book.save(folder / f"{name}.xlsx")

    expected, got, _, stats = _land_both(tmp_path, "declaraties", write)
    assert got == {str(int(k) + 1): v for k, v in expected.items()}  # Excel row numbers
    reading = stats.readings[0]
    assert reading["formaat"] == "xlsx" and reading["lege_regels"] == 1
    assert reading["werkbladen"] == 2


def _cell(name: str, column: str, value):
    """As someone typing in Excel would have it: dates as dates, numbers and codes as numbers."""
    col = next(c for c in TABLES[name].columns if c.name == column)
    if value is None:
        return None
    if col.type == "date":
        return dt.date.fromisoformat(str(value))
    if col.type == "bigint" or (fixed_width(col) and str(value).isdigit()):
        return int(value)
    return str(value)


def test_parquet_with_codes_as_numbers_gets_its_zeros_back(tmp_path) -> None:
    rows = complete_rows("declaraties", GIVEN["declaraties"])
    write_csv(tmp_path / "declaraties.csv", "declaraties", rows)
    con = connect()
    land(con, tmp_path, "declaraties")
    expected = staged(con, "declaraties")
    frame = pl.read_csv(tmp_path / "declaraties.csv", infer_schema=False).with_columns(
        pl.col("gemeente_code", "product_categorie", "eenheid").cast(pl.Int32)
    )
    (tmp_path / "declaraties.csv").unlink()
    frame.write_parquet(tmp_path / "declaraties.parquet")
    stats = land(con, tmp_path, "declaraties")
    got = {k.removeprefix("rij "): v for k, v in staged(con, "declaraties").items()}
    assert got == {str(int(k) - 1): v for k, v in expected.items()}
    assert any(
        "voorloopnullen aangevuld in gemeente_code" in a for a in stats.readings[0]["aanpassingen"]
    )


def test_contract_form_file_keeps_its_odd_values_odd(tmp_path) -> None:
    """Conservative: one DD-MM-JJJJ date among ISO dates is still quarantined, a code longer
    than its width is not cut, a code with a letter is not padded; a stripped code is."""
    rows = complete_rows("declaraties", [{"begindatum": f"2026-0{m}-01"} for m in (1, 2, 3, 4, 5)])
    rows[1]["einddatum"] = "28-02-2026"
    rows[2]["gemeente_code"] = "17710"
    rows[3]["gemeente_code"] = "5a5"
    rows[4]["gemeente_code"] = "505"
    write_csv(tmp_path / "declaraties.csv", "declaraties", rows)
    con = connect()
    land(con, tmp_path, "declaraties")
    rejected = quarantined(con, "declaraties")
    assert "einddatum" in rejected["3"] and "'28-02-2026'" in rejected["3"]
    assert "'17710'" in rejected["4"] and "'5a5'" in rejected["5"]
    assert (
        staged(con, "declaraties")["6"][TABLES["declaraties"].column_names.index("gemeente_code")]
        == "0505"
    )


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [("begindatum", "5 januari 2026", "'5 januari 2026'"), ("geleverd_volume", "tien", "'tien'"),
     ("eenheid", "uur", "'uur'"), ("bsn", "onbekend", "(waarde niet getoond)")],
)  # fmt: skip
def test_a_column_that_cannot_be_read_stops_naming_file_column_and_example(
    tmp_path, column, value, shown
) -> None:
    """Before: 'tabel heeft geen bruikbare rijen', naming no column or value."""
    rows = complete_rows("declaraties", [{"begindatum": "2026-01-01"}] * 3)
    for row in rows:
        row[column] = value
    write_csv(tmp_path / "declaraties.csv", "declaraties", rows)
    with pytest.raises(InvoerFout) as caught:
        land(connect(), tmp_path, "declaraties")
    message = str(caught.value)
    assert "declaraties.csv" in message and f"Kolom {column}" in message and shown in message
    assert column != "bsn" or value not in message
