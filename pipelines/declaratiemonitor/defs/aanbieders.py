"""aanbieders/terugkoppeling: the nightly feedback packs (lib/pack): every provider with new
signals gets an Excel workbook and a printable HTML page of its open signals in
OUT/aanbieders/, staged and published with the warehouse like every other output."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from declaratiemonitor.defs.resources import PipelineSettings, output_dir, warehouse
from declaratiemonitor.lib.timing import timed_step

KEY = dg.AssetKey(["aanbieders", "terugkoppeling"])


@dg.asset(
    key=KEY,
    group_name="aanbieders",
    deps=[
        dg.AssetKey("signals"),
        dg.AssetKey(["staging", "aanbieders"]),
        dg.AssetKey(["models", "declaraties_netto"]),
    ],
    kinds={"excel", "html"},
    description="Terugkoppeling per aanbieder met nieuwe signalen (Excel en afdrukbare HTML) in "
    "OUT/aanbieders/, voor het contractgesprek.",
)
def terugkoppeling(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: PipelineSettings
) -> dg.MaterializeResult:
    from declaratiemonitor.lib import pack

    with warehouse(duckdb) as con, timed_step(con, "aanbieders/terugkoppeling"):
        written = pack.write_nightly(con, output_dir(duckdb, settings))
    context.log.info(f"Terugkoppeling: {len(written)} aanbieders met nieuwe signalen")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(written),
            "aanbieders": ", ".join(w.pack.provider.agb for w in written) or "-",
        }
    )
