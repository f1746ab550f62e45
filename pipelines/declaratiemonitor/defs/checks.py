"""One blocking asset check per Great Expectations suite in expectations/ (on staging/*), and
GX's data docs as an asset next to the dashboards."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from declaratiemonitor.defs.resources import PipelineSettings, warehouse
from declaratiemonitor.lib import quality

DATA_DOCS = "dashboards/kwaliteit"  # GX data docs, published next to the dashboards
SUITES = {p.stem: quality.read_suite(p) for p in quality.suite_files()}


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
        if errors:  # the run stops here: publish the data docs with this failure now
            quality.build_docs(settings.out / DATA_DOCS)
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


gx_checks = [gx_check(table, spec) for table, spec in SUITES.items()]


@dg.asset(
    key=["dashboards", "kwaliteit"],
    group_name="dashboards",
    deps=[dg.AssetKey(["staging", table]) for table in SUITES],
    kinds={"great_expectations", "html"},
    description="Datakwaliteitsrapport van Great Expectations (data docs) voor de suites "
    "die in deze run zijn gecontroleerd.",
)
def kwaliteit_docs(context: dg.AssetExecutionContext, settings: PipelineSettings) -> None:
    folder = settings.out / DATA_DOCS
    if quality.build_docs(folder):
        context.log.info(f"Data docs: {folder / 'index.html'}")
    else:
        context.log.info("Geen GX-controles in deze run: de data docs blijven ongewijzigd.")
