"""generate (small) -> run -> the signals equal ground_truth.csv, per rule.

Precision and recall must both be exactly 1.0 for every rule in sql/rules/, and every rule
must have planted violations in the generated data (otherwise the score would be empty).
"""

import json
from pathlib import Path

import polars as pl
import pytest

from declaratiemonitor.lib.generate import generate
from declaratiemonitor.lib.rule_sql import rule_files, rule_id_of
from declaratiemonitor.pipeline import run_pipeline

PEILDATUM = "2026-11-23"
KEY = ["rule_id", "toewijzing_nummer", "period_start"]


@pytest.fixture(scope="module")
def e2e(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("e2e")
    landing, out = root / "landing", root / "out"
    from datetime import date

    generate(landing, clients=800, seed=7, peildatum=date.fromisoformat(PEILDATUM))
    run_pipeline(landing, out, peildatum=PEILDATUM)
    truth = pl.read_csv(
        landing / "ground_truth.csv",
        schema_overrides={
            "toewijzing_nummer": pl.String,
            "period_start": pl.Date,
            "afhandeling": pl.String,
        },
    )
    signals = pl.read_parquet(out / "signals.parquet")
    return {"truth": truth, "signals": signals, "out": out, "landing": landing}


def _keys(frame: pl.DataFrame, rule: str) -> set[tuple]:
    return {tuple(r) for r in frame.filter(pl.col("rule_id") == rule).select(KEY).iter_rows()}


@pytest.mark.parametrize("rule", [rule_id_of(p) for p in rule_files()])
def test_rule_scores_exactly(e2e: dict, rule: str) -> None:
    expected, found = _keys(e2e["truth"], rule), _keys(e2e["signals"], rule)
    assert expected, f"{rule}: the generator plants no violation of this rule"
    missed, extra = sorted(expected - found), sorted(found - expected)
    precision = 1 - len(extra) / max(len(found), 1)
    recall = 1 - len(missed) / len(expected)
    assert (precision, recall) == (1.0, 1.0), (
        f"{rule}: precision {precision:.3f}, recall {recall:.3f}; "
        f"missed {missed[:5]}, unexpected {extra[:5]}"
    )


def test_afhandeling_per_signal_as_planted(e2e: dict) -> None:
    """ground_truth.csv's afhandeling (325 answers; empty = no claim lines behind the signal)."""
    found = e2e["signals"].select(*KEY, pl.col("afhandeling").alias("gevonden"))
    joined = e2e["truth"].join(found, on=KEY)
    assert joined.height == e2e["truth"].height
    wrong = joined.filter(pl.col("afhandeling").fill_null("") != pl.col("gevonden").fill_null(""))
    assert wrong.is_empty(), wrong
    planted = set(e2e["truth"]["afhandeling"].drop_nulls())
    assert planted == {"afgewezen", "deels_afgewezen", "betaald", "onbekend"}


def test_impact_betaald_splits_the_impact(e2e: dict) -> None:
    s = e2e["signals"]
    assert (s["impact_betaald_cents"] <= s["impact_cents"]).all()
    rejected = s.filter(pl.col("afhandeling") == "afgewezen")
    assert rejected.height and (rejected["impact_betaald_cents"] == 0).all()
    whole = s.filter(
        pl.col("afhandeling").is_in(["betaald", "onbekend"]) | pl.col("afhandeling").is_null()
    )
    assert (whole["impact_betaald_cents"] == whole["impact_cents"]).all()
    summary = json.loads((e2e["out"] / "run_summary.json").read_text(encoding="utf-8"))
    block = summary["afhandeling"]
    assert block["antwoordrijen"]["regel_onbekend"] >= 1
    assert block["antwoordrijen"]["declaratie_onbekend"] >= 1
    assert block["afwijzingen_per_retourcode"]["8187"]["afgewezen_niet_gesignaleerd"] >= 1
    leaks = [r["gesignaleerd_betaald"] for r in block["lekkage_per_regel"].values()]
    assert sum(leaks) > 0


def test_no_signal_of_unknown_rule(e2e: dict) -> None:
    known = {rule_id_of(p) for p in rule_files()}
    assert set(e2e["signals"]["rule_id"].unique()) <= known
    assert set(e2e["truth"]["rule_id"].unique()) <= known | _later_rules(), (
        "ground truth names rules that do not exist"
    )


def _later_rules() -> set[str]:
    """Rules of RULES.md whose SQL may not exist yet; their planted rows are simply unscored."""
    text = Path(__file__).parents[2] / "shared" / "RULES.md"
    if not text.exists():
        return set()
    import re

    return set(re.findall(r"`([a-z_]+\.[a-z0-9_]+)`", text.read_text(encoding="utf-8")))


def test_every_row_is_accounted_for(e2e: dict) -> None:
    summary = json.loads((e2e["out"] / "run_summary.json").read_text(encoding="utf-8"))
    for name, t in summary["tabellen"].items():
        assert t["gelezen"] == t["geland"] + t["quarantaine"], name
    assert summary["tabellen"]["declaraties"]["gelezen"] > 10_000


def test_no_bsn_in_signals(e2e: dict) -> None:
    signals = e2e["signals"]
    assert "bsn" not in signals.columns
    bsns = set(pl.read_parquet(e2e["landing"] / "toewijzingen.parquet")["bsn"])
    text = " ".join(signals["message"].to_list())
    assert not any(b in text for b in bsns)
