"""Bad input ends in one clear Dutch message or a quarantine row with a reason, never a
traceback and never a lost row."""

import csv
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from declaratiemonitor.cli import app
from declaratiemonitor.lib.contract import TABLES
from declaratiemonitor.lib.fixtures import complete_rows

runner = CliRunner()


def write_csv(
    folder: Path, table: str, rows: list[dict], drop: tuple[str, ...] = (), encoding: str = "utf-8"
) -> None:
    columns = [c for c in TABLES[table].column_names if c not in drop]
    with (folder / f"{table}.csv").open("w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    write_csv(folder, "toewijzingen", complete_rows("toewijzingen", [{}]))
    write_csv(
        folder,
        "declaraties",
        complete_rows("declaraties", [{"begindatum": "2026-01-01"}, {"begindatum": "2026-02-01"}]),
    )
    return folder


def run(landing: Path, tmp_path: Path):
    return runner.invoke(
        app,
        [
            "run",
            "--landing",
            str(landing),
            "--out",
            str(tmp_path / "out"),
            "--peildatum",
            "2026-03-01",
        ],
    )


def quarantine(tmp_path: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(tmp_path / "out" / "quarantine" / f"{table}.parquet")


def summary(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "out" / "run_summary.json").read_text(encoding="utf-8"))


def test_clean_landing_runs(landing: Path, tmp_path: Path) -> None:
    result = run(landing, tmp_path)
    assert result.exit_code == 0, result.output
    assert summary(tmp_path)["tabellen"]["declaraties"]["geland"] == 2


def test_missing_required_file_names_it(landing: Path, tmp_path: Path) -> None:
    (landing / "declaraties.csv").unlink()
    result = run(landing, tmp_path)
    assert result.exit_code == 2
    assert "Verplicht bestand ontbreekt" in result.output and "declaraties" in result.output
    assert "Traceback" not in result.output


def test_missing_column_names_file_and_column(landing: Path, tmp_path: Path) -> None:
    write_csv(landing, "toewijzingen", complete_rows("toewijzingen", [{}]), drop=("ingangsdatum",))
    result = run(landing, tmp_path)
    assert result.exit_code == 2
    assert "toewijzingen.csv" in result.output and "ingangsdatum" in result.output
    assert "Traceback" not in result.output


def test_unreadable_date_goes_to_quarantine_with_line_and_column(landing, tmp_path) -> None:
    rows = complete_rows(
        "declaraties",
        [{"begindatum": "2026-01-01"}, {"begindatum": "2026-02-01"}, {"begindatum": "2026-01-01"}],
    )
    rows[1]["begindatum"] = "31-01-2026"
    write_csv(landing, "declaraties", rows)
    assert run(landing, tmp_path).exit_code == 0
    q = quarantine(tmp_path, "declaraties")
    assert q["regel"].to_list() == ["3"]
    assert "begindatum" in q["reden"][0] and "31-01-2026" in q["reden"][0]
    t = summary(tmp_path)["tabellen"]["declaraties"]
    assert (t["gelezen"], t["geland"], t["quarantaine"]) == (3, 2, 1)


def test_wrong_number_of_fields_is_quarantined_not_lost(landing, tmp_path) -> None:
    path = landing / "declaraties.csv"
    path.write_text(path.read_text(encoding="utf-8") + "kapot,regel\n", encoding="utf-8")
    assert run(landing, tmp_path).exit_code == 0
    q = quarantine(tmp_path, "declaraties")
    assert q["regel"].to_list() == ["4"] and "CSV-regel" in q["reden"][0]
    t = summary(tmp_path)["tabellen"]["declaraties"]
    assert t["gelezen"] == t["geland"] + t["quarantaine"] == 3


BAD_VALUES = [
    ("bsn", "123456789", "elfproef"),
    ("begindatum", "1900-01-01", "plausibele bereik"),
    ("einddatum", "2999-12-31", "plausibele bereik"),
    ("geleverd_volume", "0", "groter dan 0"),
    ("geleverd_volume", "-3", "groter dan 0"),
    ("debet_credit", "X", "onbekende code"),
    ("eenheid", "99", "onbekende code"),
]


@pytest.fixture(scope="module")
def bad_values_run(tmp_path_factory) -> tuple[list[dict], Path]:
    """One run for all bad values: one bad row per case (line i + 2), two good rows after them."""
    tmp_path = tmp_path_factory.mktemp("bad_values")
    folder = tmp_path / "landing"
    folder.mkdir()
    write_csv(folder, "toewijzingen", complete_rows("toewijzingen", [{}]))
    days = [
        {"begindatum": f"2026-01-{d:02d}", "einddatum": f"2026-01-{d:02d}"} for d in range(1, 10)
    ]
    rows = complete_rows("declaraties", days)
    for row, (column, value, _) in zip(rows, BAD_VALUES, strict=False):
        row[column] = value
    write_csv(folder, "declaraties", rows)
    assert run(folder, tmp_path).exit_code == 0
    return rows, tmp_path


@pytest.mark.parametrize(("case", "bad"), list(enumerate(BAD_VALUES)), ids=lambda v: str(v))
def test_bad_values_are_quarantined_with_a_reason(bad_values_run, case, bad) -> None:
    rows, tmp_path = bad_values_run
    column, value, reason = bad
    q = quarantine(tmp_path, "declaraties")
    assert q.height == len(BAD_VALUES)  # the two good rows land
    why = q.filter(pl.col("regel") == str(case + 2))["reden"].to_list()
    assert len(why) == 1 and reason in why[0]
    assert value not in why[0] or column != "bsn"  # a BSN is never echoed
    assert rows[case]["bsn"] not in q.write_csv()


def test_latin1_csv_is_read_and_noted(landing, tmp_path) -> None:
    rows = complete_rows("toewijzingen", [{}])
    write_csv(landing, "toewijzingen", rows, encoding="latin-1")
    write_csv(
        landing,
        "producten",
        [
            {
                "gemeente_code": "1771",
                "product_categorie": "02",
                "product_code": "02B01",
                "omschrijving": "Begeleiding één",
                "soort": "ib",
                "eenheid": "04",
                "tarief_cents": "6000",
                "geldig_van": "2024-01-01",
            }
        ],
        encoding="latin-1",
    )
    assert run(landing, tmp_path).exit_code == 0
    notes = summary(tmp_path)["tabellen"]["producten"]["opmerkingen"]
    assert any("Latin-1" in n for n in notes)


def test_formula_like_cells_stay_text(landing, tmp_path) -> None:
    rows = complete_rows(
        "declaraties",
        [
            {"begindatum": "2026-01-01", "declaratie_nummer": "=1+1"},
            {"begindatum": "2026-02-01", "declaratie_nummer": "@SUM"},
        ],
    )
    write_csv(landing, "declaraties", rows)
    assert run(landing, tmp_path).exit_code == 0
    t = summary(tmp_path)["tabellen"]["declaraties"]
    assert t["geland"] == 2


def test_bad_peildatum_is_a_clear_error(landing, tmp_path) -> None:
    result = runner.invoke(
        app,
        [
            "run",
            "--landing",
            str(landing),
            "--out",
            str(tmp_path / "o"),
            "--peildatum",
            "23-11-2026",
        ],
    )
    assert result.exit_code == 2 and "peildatum" in result.output


def test_missing_landing_folder(tmp_path) -> None:
    result = runner.invoke(
        app, ["run", "--landing", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "Landingsmap bestaat niet" in result.output


def test_no_usable_claims_is_a_clear_error(landing, tmp_path) -> None:
    rows = complete_rows("declaraties", [{"begindatum": "2026-01-01", "geleverd_volume": 0}])
    write_csv(landing, "declaraties", rows)
    result = run(landing, tmp_path)
    assert result.exit_code == 2
    assert "Kwaliteitscontrole mislukt" in result.output and "declaraties" in result.output
    assert "Traceback" not in result.output


def test_duplicate_rows(landing, tmp_path) -> None:
    """A repeated contact is quarantined (it would count twice); a repeated claim line is kept
    and flagged by integriteit.dubbele_declaratie, which is the municipality's business."""
    contact = complete_rows("contactmomenten", [{"gepland_begin": "2026-01-05T10:00"}])
    write_csv(landing, "contactmomenten", contact + contact)
    claims = complete_rows("declaraties", [{"begindatum": "2026-01-01"}])
    write_csv(landing, "declaraties", claims + claims)
    assert run(landing, tmp_path).exit_code == 0
    q = quarantine(tmp_path, "contactmomenten")
    assert q["regel"].to_list() == ["3"] and "dubbele sleutel" in q["reden"][0]
    signals = pl.read_parquet(tmp_path / "out" / "signals.parquet")
    assert "integriteit.dubbele_declaratie" in set(signals["rule_id"])
    assert summary(tmp_path)["tabellen"]["declaraties"]["geland"] == 2


def test_repeated_distance_does_not_stop_the_run_and_is_reported(landing, tmp_path) -> None:
    """Two reisafstanden rows for one client and aanbieder (e.g. a corrected distance delivered
    below the old one): the run goes on, the last one delivered counts (models.vervoer_ritten)
    and the repeat is reported as a warning. Was: the GX check stopped every rule."""
    base = complete_rows("reisafstanden", [{}])[0]
    write_csv(landing, "reisafstanden", [base, {**base, "enkele_reis_km": "12.5"}])
    result = run(landing, tmp_path)
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "run_summary.json").read_text(encoding="utf-8"))
    assert summary["tabellen"]["reisafstanden"]["geland"] == 2
    warnings = json.dumps(summary, ensure_ascii=False)
    assert "dubbele sleutels" in warnings and "waarschuwing" in warnings


PRODUCT_ROW = {
    "gemeente_code": "0505",
    "product_categorie": "02",
    "product_code": "02A01",
    "omschrijving": "Begeleiding",
    "soort": "ib",
    "eenheid": "04",
    "tarief_cents": "6000",
    "geldig_van": "2025-01-01",
}


@pytest.mark.parametrize("table", ["zorgmeldingen", "producten"])
def test_a_row_delivered_twice_is_quarantined_not_a_stop(landing, tmp_path, table) -> None:
    """A 305 sent twice, or a product row repeated in a municipality's override file: the
    repeat goes to the quarantine with its reason and the run goes on. Was: the GX uniqueness
    check stopped every rule."""
    row = PRODUCT_ROW if table == "producten" else complete_rows(table, [{}])[0]
    write_csv(landing, table, [row, row])
    result = run(landing, tmp_path)
    assert result.exit_code == 0, result.output
    reasons = quarantine(tmp_path, table)["reden"].to_list()
    assert len(reasons) == 1 and reasons[0].startswith("dubbele sleutel"), reasons
