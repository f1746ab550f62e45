"""One blocking asset check per Great Expectations suite in expectations/ (on staging/*)."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from declaratiemonitor.defs.resources import PipelineSettings, warehouse
from declaratiemonitor.lib import quality

DATA_DOCS = "dashboards/kwaliteit"  # GX data docs, published next to the dashboards


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
            findings = quality.validate(con, table, spec, settings.out / DATA_DOCS)
            quality.record(con, table, findings)
        errors = [f for f in findings if not f.success and f.ernst == "fout"]
        warnings = [f for f in findings if not f.success and f.ernst != "fout"]
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


gx_checks = [gx_check(p.stem, quality.read_suite(p)) for p in quality.suite_files()]
