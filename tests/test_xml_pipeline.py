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


def test_rejected_messages_are_quarantined_and_counted(tmp_path) -> None:
    """A billion-laughs file and a 2.4 message next to good messages: the run goes on, both
    files are in quarantine/ (a file of unknown table under `xml`) with a Dutch reason, and
    every row is accounted for."""
    import json
    import shutil
    from pathlib import Path

    samples = Path(__file__).parent / "xml_samples"
    landing = tmp_path / "landing"
    shutil.copytree(samples / "iwmo", landing / "xml")
    for hostile in (samples / "hostile").glob("*.xml"):
        shutil.copy(hostile, landing / "xml" / hostile.name)
    out = tmp_path / "out"
    run_pipeline(landing, out, peildatum="2026-06-30")
    quarantined = pl.concat(pl.read_parquet(p) for p in (out / "quarantine").glob("*.parquet"))
    hostile = {f"xml/{p.name}" for p in (samples / "hostile").glob("*")}
    assert hostile <= set(quarantined["bron"])
    assert "xml/billion_laughs.xml" in set(
        pl.read_parquet(out / "quarantine" / "xml.parquet")["bron"]
    )
    reasons = " ".join(quarantined["reden"])
    assert "2.4" in reasons or "2_4" in reasons
    summary = json.loads((out / "run_summary.json").read_text(encoding="utf-8"))
    assert all(t["sluitend"] for t in summary["tabellen"].values())
    assert summary["tabellen"]["declaraties"]["geland"] > 0
