"""The benchmark's code path at a small scale (never timed: figures are in docs/performance.md)."""

from datetime import date

import polars as pl
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from declaratiemonitor.cli_bench import bench
from declaratiemonitor.lib.bench import compare as cmp
from declaratiemonitor.lib.bench.data import ensure_data, waiting_allocations
from declaratiemonitor.lib.bench.pandas_rules import RULES
from declaratiemonitor.lib.bench.report import format_report, run_bench

PEILDATUM = date(2026, 11, 23)
CLAIMS = 4000


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    return run_bench(
        CLAIMS, seed=3, peildatum=PEILDATUM, root=root, floor_repeats=1, log=lambda _: None
    ), root


def test_bench_runs_every_stage_and_prints_the_table(report):
    rep, _ = report
    assert rep.pipeline_error is None
    assert rep.claims >= CLAIMS * 0.9
    assert rep.allocations == CLAIMS // 10
    stages = {s.name.split(" ")[0]: s for s in rep.stages}
    assert set(stages) == {"inlezen", "controles", "modellen", "regels", "signalen,", "dashboards"}
    assert all(s.seconds > 0 and s.peak_rss > 0 for s in stages.values())
    assert rep.total_peak_rss > 0 and rep.floor_seconds > 0 and rep.pandas_seconds > 0
    text = format_report(rep)
    for label in (
        "TOTAAL eind tot eind",
        "vloer: kale DuckDB",
        "regels (modellen + regels) / vloer",
        "pandas / pijplijn",
        "signalen pandas = pijplijn",
    ):
        assert label in text


def test_pandas_reference_gives_the_pipelines_signals(report):
    rep, _ = report
    assert {c.rule_id for c in rep.comparison} == set(RULES)
    assert rep.signals_equal, format_report(rep)
    # the generator plants violations of these families: the comparison is not vacuous
    assert sum(c.pipeline for c in rep.comparison) > 0


def test_comparison_notices_a_different_signal(report, tmp_path):
    rep, root = report
    run = next(root.glob("claims-*/run"))
    signals = pq.read_table(run / "pandas_signals.parquet").to_pandas()
    assert len(signals)
    signals.loc[0, "impact_cents"] = signals.loc[0, "impact_cents"] + 1
    tampered = tmp_path / "tampered.parquet"
    signals.to_parquet(tampered, index=False)
    result = cmp.compare(run / "uit" / "warehouse.duckdb", tampered, list(RULES))
    changed = [c for c in result if c.status == "verschil"]
    assert [c.rule_id for c in changed] == [signals.loc[0, "rule_id"]]
    assert changed[0].only_pipeline and changed[0].only_pandas


def test_data_is_cached(report):
    _, root = report
    again = ensure_data(CLAIMS, 3, PEILDATUM, root)
    assert again.generated_seconds is None  # taken from the cache, not generated again


def test_waiting_allocations_are_fresh_clients_without_claims():
    frame = waiting_allocations(500, 1, PEILDATUM)
    assert frame.height == 500
    assert frame["bsn"].n_unique() == 500 and frame["toewijzing_nummer"].n_unique() == 500
    assert frame["ingangsdatum"].min() >= date(2026, 11, 1)
    assert frame.filter(pl.col("einddatum") <= date(2027, 1, 31)).height == 0


def test_cli_prints_the_table(report, monkeypatch):
    rep, root = report
    seen = {}

    def fake_run_bench(claims, seed, peildatum, root, **kw):
        seen.update(claims=claims, seed=seed, root=root, **kw)
        return rep

    monkeypatch.setattr("declaratiemonitor.lib.bench.report.run_bench", fake_run_bench)
    app = typer.Typer()
    app.command()(bench)
    app.command("niets")(lambda: None)
    result = CliRunner().invoke(
        app, ["bench", "--claims", "1500", "--map", str(root), "--zonder-pandas"]
    )
    assert result.exit_code == 0, result.output
    assert "TOTAAL eind tot eind" in result.output
    assert seen["claims"] == 1500 and seen["with_pandas"] is False
