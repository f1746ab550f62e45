"""The generator's ground truth holds for any peildatum and seed (not only the demo's): small
populations, the whole pipeline, exactly the planted signals with their afhandeling."""

from datetime import date

import polars as pl
import pytest

from declaratiemonitor.lib.generate import generate
from declaratiemonitor.pipeline import run_pipeline

KEY = ["rule_id", "toewijzing_nummer", "period_start"]


# 2026-10-31 with seed 7 planted claims before their allocation started (buiten_toewijzingsperiode);
# 2026-02-28 and 2026-03-31 leave one and two months of Drechtsteden BW and transport tariffs
# (scenarios shrink or skip); 2026-07-31 put kortdurend verblijf year claims past half a
# three-year validity (onderbenutting)
@pytest.mark.parametrize(
    ("peildatum", "seed"),
    [
        ("2026-02-28", 7),
        ("2026-03-31", 3),
        ("2026-07-31", 5),
        ("2026-10-31", 7),
        ("2027-03-01", 3),
        ("2027-02-28", 11),
    ],
)
def test_ground_truth_holds(tmp_path, peildatum: str, seed: int) -> None:
    landing, out = tmp_path / "landing", tmp_path / "out"
    generate(landing, clients=60, seed=seed, peildatum=date.fromisoformat(peildatum))
    run_pipeline(landing, out, peildatum=peildatum)
    truth = pl.read_csv(landing / "ground_truth.csv", infer_schema=False)
    signals = pl.read_parquet(out / "signals.parquet").with_columns(
        pl.col("period_start").cast(pl.String)
    )
    expected = {tuple(r) for r in truth.select(KEY).iter_rows()}
    found = {tuple(r) for r in signals.select(KEY).iter_rows()}
    assert sorted(found - expected) == [] and sorted(expected - found) == []
    joined = truth.join(signals.select(*KEY, pl.col("afhandeling").alias("gevonden")), on=KEY)
    wrong = joined.filter(pl.col("afhandeling").fill_null("") != pl.col("gevonden").fill_null(""))
    assert wrong.is_empty(), wrong


def test_too_early_peildatum_is_refused(tmp_path) -> None:
    """Before 2026-02-01 there is no month with tariffs to claim in: a Dutch refusal, no files."""
    with pytest.raises(ValueError, match="ligt te vroeg: kies een datum vanaf 2026-02-01"):
        generate(tmp_path / "landing", clients=10, seed=1, peildatum=date(2026, 1, 31))
    assert not (tmp_path / "landing").exists()
