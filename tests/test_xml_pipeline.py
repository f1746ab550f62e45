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


def _xml_step(result) -> dict:
    """The landing/xml materialisation's metadata of a run."""
    for event in result.get_asset_materialization_events():
        mat = event.step_materialization_data.materialization
        if mat.asset_key.to_user_string() == "landing/xml":
            return {k: v.value for k, v in mat.metadata.items()}
    raise AssertionError("no landing/xml materialisation")


def _tables(warehouse) -> dict:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            t: con.sql(f"from {t} order by all").pl()
            for t in ("staging.declaraties", "staging.toewijzingen", "staging.quarantine")
        }


def test_cached_reruns_equal_a_full_parse(tmp_path, monkeypatch) -> None:
    """Run 1 without a third of the 323 messages, run 2 with them (only those are parsed),
    run 3 without any change (nothing parsed): the staged tables (incl. `_volgnr`, so the
    incremental claim loader sees the same rows), signals and quarantine equal a run on a
    fresh warehouse, and a hostile file is reported again in every run."""
    import json
    import shutil
    from pathlib import Path

    from declaratiemonitor.lib.iwmo import cache

    monkeypatch.setattr(cache, "QUIET_NS", 0)  # files written by the test count as settled
    landing, held = tmp_path / "landing", tmp_path / "later"
    generate(landing, clients=150, seed=11, peildatum=date.fromisoformat(PEILDATUM), xml=True)
    hostile = Path(__file__).parent / "xml_samples" / "hostile" / "billion_laughs.xml"
    shutil.copy(hostile, landing / "xml" / "billion_laughs.xml")
    later = sorted((landing / "xml" / "wmo323").glob("*.xml"))[::3]
    held.mkdir()
    for path in later:
        shutil.move(path, held / path.name)
    warehouse = tmp_path / "wh.duckdb"
    first = _xml_step(run_pipeline(landing, tmp_path / "o1", warehouse, PEILDATUM))
    for path in later:
        shutil.move(held / path.name, landing / "xml" / "wmo323" / path.name)
    second = _xml_step(run_pipeline(landing, tmp_path / "o2", warehouse, PEILDATUM))
    third = _xml_step(run_pipeline(landing, tmp_path / "o3", warehouse, PEILDATUM))
    full = tmp_path / "full.duckdb"
    run_pipeline(landing, tmp_path / "full", full, PEILDATUM)
    assert first["alles_opnieuw"] and not second["alles_opnieuw"]
    assert (second["gelezen"], third["gelezen"]) == (len(later), 0)
    assert third["ongewijzigd"] == third["bestanden"]
    cached, fresh = _tables(warehouse), _tables(full)
    for name, table in fresh.items():
        assert cached[name].equals(table), name
    for out in ("o2", "o3"):
        signals = pl.read_parquet(tmp_path / out / "signals.parquet").drop("first_seen")
        assert signals.sort("signal_id").equals(
            pl.read_parquet(tmp_path / "full" / "signals.parquet")
            .drop("first_seen")
            .sort("signal_id")
        )
        quarantined = pl.read_parquet(tmp_path / out / "quarantine" / "xml.parquet")
        assert "xml/billion_laughs.xml" in set(quarantined["bron"])
        summary = json.loads((tmp_path / out / "run_summary.json").read_text(encoding="utf-8"))
        assert summary["tabellen"]["xml"]["quarantaine"] >= 1
        assert all(t["sluitend"] for t in summary["tabellen"].values())
