"""GX data docs: written once per run, and also when a blocking check stops the run."""

import csv
from pathlib import Path

from typer.testing import CliRunner

from declaratiemonitor.cli import app
from declaratiemonitor.lib.contract import TABLES
from declaratiemonitor.lib.fixtures import complete_rows

runner = CliRunner()


def write_landing(folder: Path, claims: list[dict]) -> Path:
    folder.mkdir()
    for table, rows in (
        ("toewijzingen", complete_rows("toewijzingen", [{}])),
        ("declaraties", complete_rows("declaraties", claims)),
    ):
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, TABLES[table].column_names, extrasaction="ignore")
            writer.writeheader()
            writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    return folder


def run(landing: Path, out: Path):
    args = ["run", "--landing", str(landing), "--out", str(out), "--peildatum", "2026-03-01"]
    return runner.invoke(app, args)


def validation_pages(out: Path) -> list[Path]:
    return list((out / "dashboards" / "kwaliteit" / "validations").rglob("*.html"))


def test_data_docs_cover_every_validated_suite(tmp_path: Path) -> None:
    landing = write_landing(tmp_path / "landing", [{"begindatum": "2026-01-01"}])
    result = run(landing, tmp_path / "out")
    assert result.exit_code == 0, result.output
    index = tmp_path / "out" / "dashboards" / "kwaliteit" / "index.html"
    assert "declaraties" in index.read_text(encoding="utf-8")
    assert len(validation_pages(tmp_path / "out")) >= 2  # toewijzingen and declaraties at least


def test_data_docs_are_written_when_a_check_blocks_the_run(tmp_path: Path) -> None:
    claims = [{"begindatum": "2026-01-01", "geleverd_volume": 0}]  # no usable claim: blocks
    result = run(write_landing(tmp_path / "landing", claims), tmp_path / "out")
    assert result.exit_code == 2 and "Kwaliteitscontrole mislukt" in result.output
    pages = validation_pages(tmp_path / "out")
    assert any("declaraties" in str(p) for p in pages), pages
