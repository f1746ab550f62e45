"""`declaratiemonitor review exporteer|importeer`: contract managers judge signals in Excel or
CSV; verdicts are kept across runs, and a bad file changes nothing."""

import csv
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from test_operations_lifecycle import P1, P2, night
from typer.testing import CliRunner

from declaratiemonitor.cli_review import review_app

runner = CliRunner()


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    night(con, P1, ["A", "B", "C"])
    con.close()
    return path


def invoke(*args: str):
    return runner.invoke(review_app, list(args))


def export(warehouse: Path, path: Path, *extra: str) -> None:
    result = invoke("exporteer", "--warehouse", str(warehouse), "--bestand", str(path), *extra)
    assert result.exit_code == 0, result.output


def importeer(warehouse: Path, path: Path):
    return invoke("importeer", "--warehouse", str(warehouse), "--bestand", str(path))


def statuses(warehouse: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select h.toewijzing_nummer, s.status, h.status, h.review_notitie, h.reviewer "
            "from main.signal_history h left join main.signals s using (signal_id)"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def sheet_rows(path: Path) -> list[dict]:
    book = openpyxl.load_workbook(path)
    rows = list(book.active.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def fill_xlsx(path: Path, verdicts: dict[str, tuple[str, str, str]]) -> None:
    """verdicts: toewijzing -> (status, notitie, reviewer), as a contract manager types them."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        nummer = row[header.index("toewijzing")].value
        if nummer in verdicts:
            for col, value in zip(("status", "notitie", "reviewer"), verdicts[nummer], strict=True):
                row[header.index(col)].value = value
    book.save(path)


def test_export_xlsx_open_signals_empty_review_no_bsn(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "beoordeling.xlsx"
    export(warehouse, path)
    rows = sheet_rows(path)
    assert len(rows) == 3
    assert {"signal_id", "client_key", "melding", "status", "notitie", "reviewer"} <= set(rows[0])
    assert "bsn" not in rows[0] and not any("123456782" in str(v) for r in rows for v in r.values())
    assert all(r["status"] is None and r["reviewer"] is None for r in rows)
    assert {r["huidige_status"] for r in rows} == {"nieuw"}
    # what the back office did with the claim lines (325): no answer yet, nothing rejected
    assert {(r["afhandeling"], r["bedrag_betaald_euro"]) for r in rows} == {("onbekend", 10)}


def test_roundtrip_xlsx_verdicts_kept_across_runs(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "beoordeling.xlsx"
    export(warehouse, path)
    fill_xlsx(
        path,
        {
            "A": ("terecht", "Teruggevorderd", "j.jansen"),
            "B": ("Onterecht ", "Afspraak met aanbieder", "p.pieters"),
        },
    )
    result = importeer(warehouse, path)
    assert result.exit_code == 0, result.output
    assert "2 gewijzigd" in result.output and "1 regels zonder status" in result.output
    got = statuses(warehouse)
    assert got["A"] == ("terecht", "terecht", "Teruggevorderd", "j.jansen")
    assert got["B"][:2] == ("onterecht", "onterecht") and got["C"][:2] == ("nieuw", "nieuw")
    con = duckdb.connect(str(warehouse))
    night(con, P2, ["A", "B", "C"])  # next night: verdicts stay, C is now open
    con.close()
    got = statuses(warehouse)
    assert (got["A"][0], got["B"][0], got["C"][0]) == ("terecht", "onterecht", "open")
    export(warehouse, tmp_path / "nog_open.xlsx")
    assert [r["toewijzing"] for r in sheet_rows(tmp_path / "nog_open.xlsx")] == ["C"]
    export(warehouse, tmp_path / "alle.xlsx", "--alle")
    assert len(sheet_rows(tmp_path / "alle.xlsx")) == 3


def test_import_same_file_twice_changes_once(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "beoordeling.xlsx"
    export(warehouse, path)
    fill_xlsx(path, {"A": ("in_behandeling", "Navragen", "j.jansen")})
    assert "1 gewijzigd" in importeer(warehouse, path).output
    assert "0 gewijzigd" in importeer(warehouse, path).output
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from main.review_log").fetchall() == [(1,)]
    con.close()


def test_csv_export_and_dutch_excel_csv_import(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "beoordeling.csv"
    export(warehouse, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    rows[0].update(status="onterecht", notitie="Gecorrigeerd na overleg", reviewer="Zoë")
    with path.open("w", encoding="cp1252", newline="") as f:  # as Excel NL saves it
        writer = csv.DictWriter(f, list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    result = importeer(warehouse, path)
    assert result.exit_code == 0, result.output
    got = statuses(warehouse)[rows[0]["toewijzing"]]
    assert got[0] == "onterecht" and got[3] == "Zoë"


def write_review_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["signal_id", "status", "notitie", "reviewer"], *rows])


def signal_ids(warehouse: Path) -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return dict(con.execute("select toewijzing_nummer, signal_id from main.signals").fetchall())
    finally:
        con.close()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["{B}", "klaar", "", "j.jansen"], "onbekende status 'klaar'"),
        (["{B}", "terecht", "", ""], "reviewer ontbreekt"),
        (["onbekend-id", "terecht", "", "j.jansen"], "onbekend in het warehouse"),
        (["{A}", "onterecht", "", "j.jansen"], "staat ook op regel 2"),
    ],
)
def test_bad_file_imports_nothing(warehouse: Path, tmp_path: Path, row, message) -> None:
    ids = signal_ids(warehouse)
    path = tmp_path / "fout.csv"
    write_review_csv(path, [[ids["A"], "terecht", "", "j.jansen"], [c.format(**ids) for c in row]])
    before = statuses(warehouse)
    result = importeer(warehouse, path)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output
    assert statuses(warehouse) == before


def test_missing_column_and_missing_warehouse(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "kolom.csv"
    path.write_text("signal_id,status\nx,terecht\n", encoding="utf-8")
    result = importeer(warehouse, path)
    assert result.exit_code == 2 and "Kolom ontbreekt" in result.output
    assert "reviewer" in result.output
    result = importeer(tmp_path / "geen.duckdb", path)
    assert result.exit_code == 2 and "Warehouse niet gevonden" in result.output


def test_signal_dates_are_real_dates_in_excel(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "beoordeling.xlsx"
    export(warehouse, path)
    row = sheet_rows(path)[0]
    assert row["eerst_gezien"].date() == P1 and row["periode_begin"].date() == date(2026, 8, 1)
