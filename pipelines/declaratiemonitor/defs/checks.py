"""Checks on staging/*: one blocking asset check per Great Expectations suite in expectations/,
and per staged table the quality gate `bruikbaar` (lib/faults/gates.py)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from declaratiemonitor.defs.resources import PipelineSettings, warehouse
from declaratiemonitor.lib import dashboard_render as render
from declaratiemonitor.lib import quality
from declaratiemonitor.lib.contract import DATA_TABLES, REFERENCE_TABLES
from declaratiemonitor.lib.faults import gates
from declaratiemonitor.lib.operations.publication import STOPPED

SUITES = {p.stem: quality.read_suite(p) for p in quality.suite_files()}
QUALITY_PAGE = "kwaliteit"  # dashboards/kwaliteit.py


def gx_check(table: str, spec: dict) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["staging", table]),
        name=f"gx_{table}",
        blocking=True,
        description=f"Great Expectations-suite {table}: fouten blokkeren de regels, "
        "waarschuwingen worden gemeld.",
    )
    def _check(duckdb: DuckDBResource, settings: PipelineSettings) -> dg.AssetCheckResult:
        with warehouse(duckdb) as con:
            findings = quality.validate(con, table, spec)
            quality.record(con, table, findings)
            errors = [f for f in findings if not f.success and f.ernst == "fout"]
            warnings = [f for f in findings if not f.success and f.ernst != "fout"]
            if errors:  # the run stops here: its quality page goes to OUT/gestopte_run/
                write_stopped_report(con, settings)
        return dg.AssetCheckResult(
            passed=not errors and not warnings,
            severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
            description="; ".join(f.describe() for f in errors + warnings) or "alles in orde",
            metadata={
                "fouten": [f.describe() for f in errors],
                "waarschuwingen": [f.describe() for f in warnings],
                "verwachtingen": len(findings),
            },
        )

    return _check


def write_stopped_report(con, settings: PipelineSettings):
    """The quality page of a run that a check stops, next to (not in) the dashboards, which
    stay those of the last completed run."""
    module = next(m for m in render.page_modules() if render.slug_of(m) == QUALITY_PAGE)
    return render.write_page(con, module, settings.out / STOPPED, nav=None)


def usable_check(table: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["staging", table]),
        name="bruikbaar",
        blocking=True,  # the rules wait for it; a warning does not stop them
        description=f"{table} is bruikbaar: minder dan {gates.UNUSABLE_SHARE:.0%} van de "
        "gelezen rijen in quarantaine. Anders worden de regels die de tabel lezen niet "
        "beoordeeld (geen signalen uit ontbrekende gegevens).",
    )
    def _check(duckdb: DuckDBResource) -> dg.AssetCheckResult:
        with warehouse(duckdb) as con:
            unusable = gates.unusable_tables(con).get(table)
        return dg.AssetCheckResult(
            passed=unusable is None,
            severity=dg.AssetCheckSeverity.WARN,
            description=unusable.describe() if unusable else "bruikbaar",
        )

    return _check


gx_checks = [gx_check(table, spec) for table, spec in SUITES.items()]
usable_checks = [usable_check(t.name) for t in DATA_TABLES + REFERENCE_TABLES]
