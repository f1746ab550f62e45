"""Issue 16, operations: faults of a real machine end in an accounted run or a clear stop.

- a full disk or I/O error before or during promotion: non-zero exit, a Dutch sentence, the
  old warehouse byte for byte, no work copy; outputs never ahead of the warehouse;
- relative --out/--landing/--warehouse for run, review and steekproef;
- CSV exports neutralise formulas like the xlsx ones; review import refuses formula cells and
  leaves no trace when it fails;
- a (nearly) fully quarantined supporting table blocks the rules that read it, without
  marking their earlier signals opgelost.

A real full disk (tmpfs) is tried in test_faults_disk.py (root only).
"""

import csv
import errno
import hashlib
import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from declaratiemonitor.cli import app
from declaratiemonitor.lib import publish
from declaratiemonitor.lib.generate import generate
from declaratiemonitor.lib.operations import promotion
from declaratiemonitor.paths import DASHBOARDS_DIR

P1, P2 = "2026-10-23", "2026-11-23"
VERVOER = "vervoer."
runner = CliRunner()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("faults") / "landing"
    generate(folder, clients=300, seed=16, peildatum=date.fromisoformat(P2))
    return folder


@pytest.fixture
def landing(generated: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(generated, tmp_path / "landing"))


@pytest.fixture(scope="module")
def baseline(generated: Path, tmp_path_factory) -> Path:
    """The output folder after a first, successful run at P1 (copied by each test)."""
    out = tmp_path_factory.mktemp("baseline") / "out"
    result = run(generated, out, P1)
    assert result.exit_code == 0, result.output
    return out


def copy_of(baseline: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(baseline, tmp_path / "out"))


def run(landing: Path, out: Path, peildatum: str, *extra: str):
    args = ["run", "--landing", str(landing), "--out", str(out), "--peildatum", peildatum]
    return runner.invoke(app, [*args, *extra])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def peildatum_of(out: Path) -> dict[str, str]:
    """The peildatum of every output and of the warehouse: they must always agree."""
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        warehouse = str(
            con.execute("select any_value(peildatum) from main.signals").fetchall()[0][0]
        )
    finally:
        con.close()
    page = (out / "dashboards" / "overzicht.html").read_text(encoding="utf-8")
    return {
        "warehouse": warehouse,
        "signals.parquet": str(pl.read_parquet(out / "signals.parquet")["peildatum"][0]),
        "run_summary.json": json.loads((out / "run_summary.json").read_text())["peildatum"],
        "dashboards": "2026-" + "-".join(reversed(page.split("Peildatum: ")[1][:5].split("-"))),
        # the newest nightly feedback pack (OUT/aanbieders/terugkoppeling_<agb>_<peildatum>)
        "aanbieders": max(p.stem.rsplit("_", 1)[1] for p in (out / "aanbieders").glob("*.html")),
    }


def assert_nothing_changed(out: Path, before: str) -> None:
    assert digest(out / "warehouse.duckdb") == before
    assert set(peildatum_of(out).values()) == {P1}, peildatum_of(out)
    assert not promotion.work_path(out / "warehouse.duckdb").exists()
    assert not promotion.wal_path(promotion.work_path(out / "warehouse.duckdb")).exists()
    assert not (out / ".uitvoer.werk").exists()  # lib/operations/publication.STAGING


def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


# ---------------------------------------------------------------- promotion and outputs


def eio(*args, **kwargs):
    raise OSError(errno.EIO, "Input/output error")


def half_copy(source, target):
    Path(target).write_bytes(b"half")
    enospc()


# fault -> (what to patch, the replacement, what the user must read); the "was" of each:
# promotion: exit 0, success summary, new signals.parquet next to the old warehouse, .werk
# and its WAL left; the copy and outputs: exit 1 "onverwachte fout" (and a half copy left)
FAULTS = {
    "schijf vol bij promotie": (
        (promotion, "_fsync"),
        enospc,
        "schijf vol: het bijwerken van het warehouse",
    ),
    "schrijffout bij promotie": (
        (promotion, "_fsync"),
        eio,
        "schrijffout bij het bijwerken van het warehouse (Input/output error)",
    ),
    "schijf vol bij kopie": (
        (promotion.shutil, "copyfile"),
        half_copy,
        "schijf vol: de werkkopie van het warehouse heeft ongeveer",
    ),
    "kopie past niet": (
        (promotion, "disk.free_bytes"),
        lambda path: 1024 * 1024,
        "MB nodig, 1 MB vrij op",
    ),
    "schijf vol bij uitvoer": (
        (publish, "write_summary"),
        enospc,
        "schijf vol: een run heeft ongeveer",
    ),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_before_or_during_promotion_changes_nothing(
    fault: str, baseline: Path, landing: Path, tmp_path: Path, monkeypatch
) -> None:
    (owner, name), replacement, sentence = FAULTS[fault]
    out = copy_of(baseline, tmp_path)
    before = digest(out / "warehouse.duckdb")
    if "." in name:  # an attribute of a module the owner imports
        head, name = name.split(".")
        owner = getattr(owner, head)
    monkeypatch.setattr(owner, name, replacement)
    result = run(landing, out, P2)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Fout: ") or "\nFout: " in result.output
    assert sentence in result.output.replace("\n", " ")
    assert "Signalen:" not in result.output
    assert_nothing_changed(out, before)


def test_outputs_never_run_ahead_of_the_warehouse(
    baseline: Path, landing: Path, tmp_path: Path, monkeypatch
):
    """A step failing after `publicatie` (here: the start page): was a new signals.parquet
    next to the old warehouse."""
    from declaratiemonitor.lib import dashboard_render

    out = copy_of(baseline, tmp_path)
    before = digest(out / "warehouse.duckdb")

    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(dashboard_render, "write_index", broken)
    result = run(landing, out, P2)
    assert result.exit_code == 1, result.output
    assert_nothing_changed(out, before)
    monkeypatch.undo()
    assert run(landing, out, P2).exit_code == 0
    assert set(peildatum_of(out).values()) == {P2}


# ---------------------------------------------------------------- relative paths


def test_relative_paths_everywhere(landing: Path, tmp_path: Path, monkeypatch) -> None:
    """Was: `dashboards__kwaliteit` failed on a relative --out (GX base_directory)."""
    monkeypatch.chdir(tmp_path)
    result = run(Path("landing"), Path("uit"), P2, "--warehouse", "wh/warehouse.duckdb")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "wh" / "warehouse.duckdb").is_file()
    assert (tmp_path / "uit" / "dashboards" / "kwaliteit.html").is_file()
    review = ["review", "exporteer", "--warehouse", "wh/warehouse.duckdb", "--bestand"]
    assert runner.invoke(app, [*review, "beoordeling.csv"]).exit_code == 0
    imported = runner.invoke(
        app,
        [
            "review",
            "importeer",
            "--warehouse",
            "wh/warehouse.duckdb",
            "--bestand",
            "beoordeling.csv",
        ],
    )
    assert imported.exit_code == 0, imported.output
    sample = runner.invoke(
        app,
        ["steekproef", "trek", "--warehouse", "wh/warehouse.duckdb", "--seed", "1",
         "--aantal", "5", "--uit", "s/steekproef.xlsx"],
    )  # fmt: skip
    assert sample.exit_code == 0, sample.output
    assert (tmp_path / "s" / "steekproef.xlsx").is_file()


# ---------------------------------------------------------------- formula injection

NASTY = ['=HYPERLINK("http://x","klik")', "@SUM(1+1)", "+1+cmd|' /C calc'!A0", "-2+3", "\tTAB"]


def _plant_formulas(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        ids = [r[0] for r in con.execute("select signal_id from main.signals limit 5").fetchall()]
        for signal_id, text in zip(ids, NASTY, strict=True):
            con.execute(
                "update main.signals set message = ?, aanbieder_agb = ? where signal_id = ?",
                [text, text, signal_id],
            )
    finally:
        con.close()


def test_csv_export_neutralises_formulas(baseline: Path, tmp_path: Path) -> None:
    """Was: `=HYPERLINK(...)` and `@SUM(...)` written as they are into the CSV for Excel."""
    out = copy_of(baseline, tmp_path)
    _plant_formulas(out / "warehouse.duckdb")
    path = tmp_path / "beoordeling.csv"
    result = runner.invoke(
        app,
        [
            "review",
            "exporteer",
            "--warehouse",
            str(out / "warehouse.duckdb"),
            "--bestand",
            str(path),
        ],
    )
    assert result.exit_code == 0, result.output
    with path.open(encoding="utf-8-sig", newline="") as f:
        cells = [c for row in csv.reader(f, delimiter=";") for c in row]
    for text in NASTY:
        assert "'" + text in cells
        assert text not in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t"))]
    from declaratiemonitor.lib import cell_safety

    assert cell_safety.neutralise("-12,50") == "-12,50"  # a plain number stays a number


def test_dashboard_csv_download_uses_the_same_characters() -> None:
    from declaratiemonitor.lib import cell_safety

    script = (DASHBOARDS_DIR / "_assets" / "dashboard.js").read_text(encoding="utf-8")
    literal = script.split('var FORMULE_BEGIN = "', 1)[1].split('"', 1)[0]
    decoded = literal.encode().decode("unicode_escape")
    assert tuple(decoded) == cell_safety.FORMULA_START


def test_xlsx_and_csv_use_one_rule() -> None:
    from declaratiemonitor.lib import cell_safety
    from declaratiemonitor.lib.operations import review_export
    from declaratiemonitor.lib.steekproef import excel

    assert review_export.looks_like_formula is excel.looks_like_formula
    assert cell_safety.restore(cell_safety.neutralise("=1+1")) == "=1+1"


# ---------------------------------------------------------------- review import


def _export_xlsx(out: Path, path: Path) -> list[str]:
    args = ["review", "exporteer", "--warehouse", str(out / "warehouse.duckdb"), "--bestand"]
    assert runner.invoke(app, [*args, str(path)]).exit_code == 0
    book = openpyxl.load_workbook(path)
    return [row[0].value for row in book.active.iter_rows(min_row=2)]


def _import(out: Path, path: Path):
    args = ["review", "importeer", "--warehouse", str(out / "warehouse.duckdb"), "--bestand"]
    return runner.invoke(app, [*args, str(path)])


def _has_review_log(out: Path) -> bool:
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        return bool(
            con.execute(
                "select count(*) from duckdb_tables() where table_name = 'review_log'"
            ).fetchall()[0][0]
        )
    finally:
        con.close()


def test_review_import_refuses_formula_cells(baseline: Path, tmp_path: Path) -> None:
    """Was: a formula in `status` (no cached value) was counted as "zonder status"."""
    out = copy_of(baseline, tmp_path)
    path = tmp_path / "beoordeling.xlsx"
    _export_xlsx(out, path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    sheet.cell(2, header.index("status") + 1, '=IF(1=1,"terecht","")')
    sheet.cell(2, header.index("reviewer") + 1, "J. Jansen")
    sheet.cell(3, header.index("status") + 1, "terecht")
    sheet.cell(3, header.index("reviewer") + 1, "J. Jansen")
    book.save(path)
    before = digest(out / "warehouse.duckdb")
    result = _import(out, path)
    assert result.exit_code == 2, result.output
    assert "regel 2: status bevat een formule" in result.output
    assert digest(out / "warehouse.duckdb") == before


def test_failed_review_import_leaves_no_trace(
    baseline: Path, landing: Path, tmp_path: Path
) -> None:
    """Was: an import refused for an unknown signal_id left an empty main.review_log."""
    out = copy_of(baseline, tmp_path)
    path = tmp_path / "beoordeling.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["signal_id", "status", "notitie", "reviewer"])
        writer.writerow(["bestaat-niet", "terecht", "", "J. Jansen"])
    result = _import(out, path)
    assert result.exit_code == 2 and "onbekend in het warehouse" in result.output
    assert not _has_review_log(out)


# ---------------------------------------------------------------- quality gates


def break_distances(landing: Path) -> None:
    """reisafstanden as a CSV with every distance negative (a sign error in the export): every
    row goes to the quarantine. (The issue's `12,4` distances are now read as decimal commas,
    see test_faults_landing_excel.py, so they no longer make the table unusable.)"""
    frame = pl.read_parquet(landing / "reisafstanden.parquet").with_columns(
        (pl.lit("-") + pl.col("enkele_reis_km").cast(pl.String)).alias("enkele_reis_km")
    )
    (landing / "reisafstanden.parquet").unlink()
    frame.write_csv(landing / "reisafstanden.csv", quote_style="always")


def history(out: Path) -> pl.DataFrame:
    frame = pl.read_parquet(out / "signal_history.parquet")
    return frame.filter(pl.col("rule_id").str.starts_with(VERVOER)).select(
        "signal_id", "status", "last_seen", "opgelost_op"
    )


def test_unusable_table_blocks_its_rules_and_keeps_their_history(
    baseline: Path, landing: Path, tmp_path: Path
):
    """Was: exit 0 and vervoer.buiten_staffel jumping from 0 to thousands of signals."""
    out = copy_of(baseline, tmp_path)
    before = history(out).sort("signal_id")
    assert before.height and set(before["status"]) <= {"nieuw", "open"}
    break_distances(landing)
    result = run(landing, out, P2)
    assert result.exit_code == 0, result.output
    assert "niet beoordeeld: reisafstanden onbruikbaar" in result.output
    summary = json.loads((out / "run_summary.json").read_text(encoding="utf-8"))
    vervoer = {k: v for k, v in summary["regels"].items() if k.startswith(VERVOER)}
    assert vervoer and all(v["status"] == "niet beoordeeld" for v in vervoer.values())
    assert all(v["reden"] == "reisafstanden onbruikbaar" for v in vervoer.values())
    assert all(v["signalen"] == 0 for v in vervoer.values())
    assert summary["tabellen"]["reisafstanden"]["onbruikbaar"] is True
    assert not any(
        r.startswith(VERVOER) for r in pl.read_parquet(out / "signals.parquet")["rule_id"]
    )
    assert history(out).sort("signal_id").equals(before)  # not opgelost: kept as they were
    pages = out / "dashboards"
    for page in ("overzicht", "vervoer", "index"):
        text = (pages / f"{page}.html").read_text(encoding="utf-8")
        assert "niet beoordeeld: reisafstanden onbruikbaar" in text, page
    assert "niet beoordeeld" not in (pages / "noshow.html").read_text(encoding="utf-8")


def test_absent_table_is_not_unusable(landing: Path, tmp_path: Path) -> None:
    (landing / "reisafstanden.parquet").unlink()
    result = run(landing, tmp_path / "out", P2)
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "run_summary.json").read_text(encoding="utf-8"))
    assert summary["niet_beoordeeld"] == {} and summary["onbruikbare_tabellen"] == {}
    assert "niet beoordeeld" not in result.output


def test_publication_merges_pages_and_replaces_the_quarantine(tmp_path: Path) -> None:
    """A run that wrote one page (one asset from the UI) keeps the other pages; a new
    quarantine set replaces the old one; GX's old data docs (CDN scripts) are removed."""
    from declaratiemonitor.lib.operations import publication

    out = tmp_path / "out"
    for name in ("dashboards/vervoer.html", "dashboards/noshow.html", "quarantine/oud.parquet"):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("oud")
    (out / "dashboards" / "kwaliteit").mkdir()
    (out / "dashboards" / "kwaliteit" / "index.html").write_text("cdn")
    staged = publication.start(out)
    (staged / "dashboards").mkdir()
    (staged / "dashboards" / "vervoer.html").write_text("nieuw")
    (staged / "quarantine").mkdir()
    (staged / "quarantine" / "nieuw.parquet").write_text("nieuw")
    (staged / "signals.parquet").write_text("nieuw")
    assert publication.publish(out) == ["dashboards", "quarantine", "signals.parquet"]
    assert (out / "dashboards" / "vervoer.html").read_text() == "nieuw"
    assert (out / "dashboards" / "noshow.html").read_text() == "oud"
    assert not (out / "dashboards" / "kwaliteit").exists()
    assert [p.name for p in (out / "quarantine").iterdir()] == ["nieuw.parquet"]
    assert sorted(p.name for p in out.iterdir()) == ["dashboards", "quarantine", "signals.parquet"]


def test_full_disk_during_review_import(baseline: Path, tmp_path: Path, monkeypatch) -> None:
    from declaratiemonitor.lib.operations import review

    out = copy_of(baseline, tmp_path)
    path = tmp_path / "beoordeling.xlsx"
    _export_xlsx(out, path)
    book = openpyxl.load_workbook(path)
    header = [c.value for c in book.active[1]]
    book.active.cell(2, header.index("status") + 1, "terecht")
    book.active.cell(2, header.index("reviewer") + 1, "J. Jansen")
    book.save(path)
    before = digest(out / "warehouse.duckdb")

    def full(con, source):
        con.execute("create table main.review_log (x int)")  # something half-written
        raise duckdb.IOException('Could not write file "w.duckdb.wal": No space left on device')

    monkeypatch.setattr(review, "_apply", full)
    result = _import(out, path)
    assert result.exit_code == 2, result.output
    assert "schijf vol: de import past niet" in result.output
    assert digest(out / "warehouse.duckdb") == before and not _has_review_log(out)
