"""Fault injection on the landing readers (issue 16): every line of a file ends up landed or
quarantined with a reason, or the run stops with one Dutch sentence; never a lost line, a
traceback or a run that calls itself complete when it is not."""

import dataclasses
import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from landing_faults import PEILDATUM, connect, land, quarantined, staged, write_csv
from typer.testing import CliRunner

from declaratiemonitor.cli import app
from declaratiemonitor.lib import landing
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.fixtures import complete_rows
from declaratiemonitor.lib.generate import generate
from declaratiemonitor.lib.tabular import csv_file

runner = CliRunner()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gegenereerd") / "landing"
    generate(folder, clients=40, seed=5, peildatum=PEILDATUM, fmt="csv")
    return folder


def _copy(generated: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    shutil.copytree(generated, folder)
    return folder


def _run(folder: Path, out: Path):
    return runner.invoke(app, ["run", "--landing", str(folder), "--out", str(out)])


def _summary(out: Path) -> dict:
    return json.loads((out / "run_summary.json").read_text(encoding="utf-8"))


def test_stray_quote_quarantines_its_line_and_lands_every_other(generated, tmp_path) -> None:
    """sed -i '6s/,B0-4,/,"B0-4,/': DuckDB's reader swallowed the rest of the file and the run
    called itself complete with the peildatum moved back."""
    folder, out = _copy(generated, tmp_path), tmp_path / "out"
    path = folder / "declaraties.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[5].split(",")
    fields[2] = '"' + fields[2]
    lines[5] = ",".join(fields)
    path.write_text("".join(lines), encoding="utf-8")
    result = _run(folder, out)
    assert result.exit_code == 0, result.output
    assert "niet-afgesloten aanhalingsteken vanaf regel 6" in result.output
    t = _summary(out)["tabellen"]["declaraties"]
    claims = len(lines) - 1
    assert (t["gelezen"], t["geland"], t["quarantaine"]) == (claims, claims - 1, 1)
    assert t["sluitend"] is True
    assert t["leeswijze"][0]["lezer"].startswith("regel voor regel")
    q = pl.read_parquet(out / "quarantine" / "declaraties.parquet")
    assert q["regel"].to_list() == ["6"] and "aanhalingsteken" in q["reden"][0]
    clean = pl.read_csv(generated / "declaraties.csv", infer_schema=False)
    assert _summary(out)["peildatum"] == clean["declaratie_dagtekening"].max()


def test_lines_a_reader_loses_make_the_run_fail_with_sluitend_false(
    generated, tmp_path, monkeypatch
) -> None:
    """The safety net: when the records a reader returns do not add up to the file's own
    count, run_summary says sluitend: false, no signals are written and the run ends in a
    Dutch sentence with exit code 2 (simulated by a count one line higher than the file).
    The stopped run's run_summary and quarantine go to OUT/gestopte_run/: OUT itself keeps
    the outputs of the warehouse, which the failed run leaves as it was."""
    folder, out = _copy(generated, tmp_path), tmp_path / "out"
    real = csv_file.scan_file

    def one_line_more(path: Path):
        scan = real(path)
        return (
            dataclasses.replace(scan, lines=scan.lines + 1) if "declaraties" in path.name else scan
        )

    monkeypatch.setattr(csv_file, "scan_file", one_line_more)
    result = _run(folder, out)
    assert result.exit_code == 2, result.output
    assert "De telling sluit niet voor declaraties" in result.output
    assert "Traceback" not in result.output
    assert "gestopte_run" in result.output
    assert not (out / "run_summary.json").exists()
    t = _summary(out / "gestopte_run")["tabellen"]["declaraties"]
    assert t["sluitend"] is False and t["gelezen"] == t["geland"] + t["quarantaine"] + 1
    assert any("niet verantwoord" in n for n in t["opmerkingen"])
    assert not (out / "signals.parquet").exists()


def test_read_line_by_line_lands_exactly_what_duckdb_lands(generated, monkeypatch) -> None:
    """The line-by-line reader (used after a count mismatch) gives the same landing rows,
    line numbers and order as DuckDB's reader on a clean file."""
    con = connect()
    land(con, generated, "declaraties")
    fast = con.sql("select * from landing.declaraties order by _volgnr").fetchall()
    monkeypatch.setattr(csv_file, "DUCKDB_ENCODINGS", {})
    stats = land(con, generated, "declaraties")
    assert stats.readings[0]["lezer"] == "regel voor regel"
    assert con.sql("select * from landing.declaraties order by _volgnr").fetchall() == fast


def _claims(folder: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    folder.mkdir(exist_ok=True)
    write_csv(folder / "declaraties.csv", "declaraties", rows, encoding)
    return folder / "declaraties.csv"


def _three_claims() -> list[dict]:
    return complete_rows("declaraties", [{"begindatum": f"2026-0{m}-01"} for m in (1, 2, 3)])


def test_windows_1252_text_is_decoded(tmp_path) -> None:
    """€ ’ “ – are bytes 0x80-0x9F in Windows-1252: the Latin-1 reading stopped with a
    traceback ('File is not latin-1 encoded')."""
    text = "Begeleiding – “licht” à € 60’"
    row = {
        "gemeente_code": "1771",
        "product_categorie": "02",
        "product_code": "02B01",
        "omschrijving": text,
        "soort": "ib",
        "eenheid": "04",
        "tarief_cents": "6000",
        "geldig_van": "2024-01-01",
    }
    tmp_path.joinpath("l").mkdir()
    write_csv(tmp_path / "l" / "producten.csv", "producten", [row], encoding="cp1252")
    con = connect()
    stats = land(con, tmp_path / "l", "producten")
    got = con.execute(
        "select omschrijving from staging.producten where _bron = 'producten.csv'"
    ).fetchall()
    assert got == [(text,)]
    assert stats.readings[-1]["codering"] == "Windows-1252"
    assert any("Windows-1252" in n for n in stats.notes)


@pytest.mark.parametrize(
    ("encoding", "label", "sep"),
    [("utf-8-sig", "UTF-8 met BOM", ","), ("utf-16", "UTF-16", "\t"), ("latin-1", "Latin-1", ",")],
)
def test_other_encodings_are_read_and_named(tmp_path, encoding, label, sep) -> None:
    rows = _three_claims()
    rows[0]["declaratie_nummer"] = "Dé-1"
    path = tmp_path / "declaraties.csv"
    with path.open("w", encoding=encoding, newline="") as f:
        f.write(sep.join(rows[0]) + "\n")
        for row in rows:
            f.write(sep.join("" if v is None else str(v) for v in row.values()) + "\n")
    con = connect()
    stats = land(con, tmp_path, "declaraties")
    assert len(staged(con, "declaraties")) == 3
    numbers = con.execute("select declaratie_nummer from staging.declaraties").fetchall()
    assert ("Dé-1",) in numbers
    assert stats.readings[0]["codering"].startswith(label)


def test_nul_byte_line_is_quarantined_with_a_reason(tmp_path) -> None:
    rows = _three_claims()
    rows[1]["declaratie_nummer"] = "D\x002"
    _claims(tmp_path, rows)
    con = connect()
    stats = land(con, tmp_path, "declaraties")
    assert sorted(staged(con, "declaraties")) == ["2", "4"]
    assert "NUL-teken" in quarantined(con, "declaraties")["3"]
    assert stats.expected == stats.rows + stats.unreadable == 3


def test_symlinked_file_is_refused(tmp_path) -> None:
    """A link in the landing folder was followed (a link to /etc/passwd was read)."""
    elsewhere = _claims(tmp_path / "elders", _three_claims())
    folder = tmp_path / "landing"
    folder.mkdir()
    os.symlink(elsewhere, folder / "declaraties.csv")
    con = connect()
    with pytest.raises(InvoerFout, match="symbolische koppeling"):
        land(con, folder, "declaraties")


def test_pipe_or_folder_is_refused(tmp_path) -> None:
    os.mkfifo(tmp_path / "declaraties.csv")
    with pytest.raises(InvoerFout, match="geen gewoon bestand"):
        landing.check_file(tmp_path / "declaraties.csv")


def test_excel_workbook_saved_as_csv_is_named(tmp_path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["declaratie_nummer"])
    book.save(tmp_path / "declaraties.csv")
    with pytest.raises(InvoerFout, match="geen CSV maar een Excel"):
        land(connect(), tmp_path, "declaraties")


def test_blank_lines_and_a_value_spanning_lines_are_accounted(tmp_path) -> None:
    """DuckDB skips blank lines and reads a quoted value across lines: its count then differs
    from the file's; the line-by-line reader accounts for both, with the right line numbers."""
    rows = _three_claims()
    rows[1]["declaratie_nummer"] = "D\n2"
    path = _claims(tmp_path, rows)
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join([*lines[:2], "", *lines[2:]]), encoding="utf-8")
    con = connect()
    stats = land(con, tmp_path, "declaraties")
    assert sorted(staged(con, "declaraties")) == ["2", "4", "6"]
    assert stats.readings[0]["lege_regels"] == 1 and stats.readings[0]["vervolgregels"] == 1
    assert stats.expected == stats.rows == 3


def test_header_only_file_is_named_not_silently_empty(tmp_path) -> None:
    """A reisafstanden.csv with only its header line landed as an absent table: no line in the
    CLI, while vervoer.buiten_staffel flagged every trip ('no distance known')."""
    _claims(tmp_path, [])
    con = connect()
    stats = land(con, tmp_path, "declaraties")
    assert stats.rows == stats.unreadable == stats.expected == 0
    assert stats.notes == [
        "declaraties.csv: geen rijen (alleen een kopregel); de regels die deze tabel gebruiken "
        "zien haar als leeg"
    ]
