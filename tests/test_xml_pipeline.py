"""The same generated data as Parquet files and as iWmo 3.2 XML messages gives identical signals."""

from datetime import date

import polars as pl

from declaratiemonitor.lib.generate import generate
from declaratiemonitor.pipeline import run_pipeline

PEILDATUM = "2026-11-23"


def _signals(tmp_path, xml: bool) -> pl.DataFrame:
    landing, out = tmp_path / f"landing_{xml}", tmp_path / f"out_{xml}"
    generate(landing, clients=150, seed=11, peildatum=date.fromisoformat(PEILDATUM), xml=xml)
    assert (landing / "xml").is_dir() == xml
    run_pipeline(landing, out, peildatum=PEILDATUM)
    return (
        pl.read_parquet(out / "signals.parquet")
        .select(
            "signal_id",
            "rule_id",
            "toewijzing_nummer",
            "period_start",
            "impact_cents",
            "evidence",
            "message",
        )
        .sort("signal_id")
    )


def test_csv_and_xml_give_identical_signals(tmp_path) -> None:
    from_files = _signals(tmp_path, xml=False)
    from_xml = _signals(tmp_path, xml=True)
    assert from_files.height > 0
    assert from_files.equals(from_xml)
