"""The quality page (our own, over the GX results): in the dashboards after a run, and for a run
that a blocking check stops in OUT/gestopte_run/ (the dashboards stay those of the last good
run)."""

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


def test_quality_page_covers_every_validated_suite(tmp_path: Path) -> None:
    landing = write_landing(tmp_path / "landing", [{"begindatum": "2026-01-01"}])
    result = run(landing, tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "dashboards" / "kwaliteit.html").read_text(encoding="utf-8")
    for table in ("declaraties", "toewijzingen"):
        assert f'"{table}"' in page
    assert "alleen bekende codes" in page and "gehaald" in page
    assert "http" not in page.replace("http://www.w3.org", "")  # nothing from third parties
    assert not (tmp_path / "out" / "dashboards" / "kwaliteit").exists()  # no GX data docs


def test_quality_page_is_written_when_a_check_blocks_the_run(tmp_path: Path) -> None:
    good = write_landing(tmp_path / "goed", [{"begindatum": "2026-01-01"}])
    assert run(good, tmp_path / "out").exit_code == 0
    before = (tmp_path / "out" / "dashboards" / "kwaliteit.html").read_bytes()
    claims = [{"begindatum": "2026-01-01", "geleverd_volume": 0}]  # no usable claim: blocks
    result = run(write_landing(tmp_path / "landing", claims), tmp_path / "out")
    assert result.exit_code == 2 and "Kwaliteitscontrole mislukt" in result.output
    assert "(declaraties: tabel heeft geen bruikbare rijen)" in result.output
    assert "Kwaliteitsrapport van deze run:" in result.output and "gestopte_run" in result.output
    stopped = (tmp_path / "out" / "gestopte_run" / "kwaliteit.html").read_text(encoding="utf-8")
    assert "niet gehaald" in stopped and "tabel heeft rijen" in stopped
    assert (tmp_path / "out" / "dashboards" / "kwaliteit.html").read_bytes() == before
    assert run(good, tmp_path / "out").exit_code == 0  # a good run removes the stale report
    assert not (tmp_path / "out" / "gestopte_run").exists()
