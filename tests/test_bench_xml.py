"""`bench --xml` at a small scale (never timed: the figures are in docs/performance.md)."""

from datetime import date

from declaratiemonitor.lib.bench.xml_data import ensure_xml_data
from declaratiemonitor.lib.bench.xml_report import format_xml_report, run_xml_bench


def test_xml_bench_runs_first_run_reruns_and_full_run(tmp_path):
    report = run_xml_bench(60, seed=3, peildatum=date(2026, 11, 23), root=tmp_path, log=print)
    data = ensure_xml_data(60, 3, date(2026, 11, 23), tmp_path)
    assert data.generated_seconds is None  # generated once, then taken from the cache
    first, again, month, full = report.runs
    assert first.parsed == first.files == full.files - len(data.later) > 0
    assert (again.parsed, month.parsed, full.parsed) == (0, len(data.later), full.files)
    assert month.files == full.files and again.files == first.files
    answers = sum(1 for p in (data.landing / "xml").rglob("*.xml") if "325" in p.parent.name)
    assert answers > 0  # 325 answers take the streaming reader: the fast path has no 325 sheet
    assert full.rows > first.rows > 0 and full.fast == full.parsed - answers
    assert report.floor_seconds > 0 and full.floor_seconds > 0 and full.cpu_seconds > 0
    assert report.signals_equal
    text = format_xml_report(report)
    assert "herhaling, geen nieuwe bestanden" in text and "x vloer" in text
    assert "volledige run: ja" in text
    # the new month's files are back in the landing folder
    assert all((data.landing / "xml" / rel).exists() for rel in data.later)
