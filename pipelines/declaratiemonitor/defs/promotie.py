"""promotie: the run's last step. The work copy becomes the warehouse, then the outputs the run
staged (signals.parquet, quarantine/, run_summary.json, dashboards/, aanbieders/) are moved
into place.

A failure here (a full disk while DuckDB folds in its write-ahead log, an I/O error) fails the
run: the old warehouse and outputs stay, the work copy is removed. Promotion as a step, not
only when the resource is torn down, because Dagster logs a failed teardown and still calls
the run a success. Every other asset is upstream of this one (test_defs checks that), so no
step runs after it.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from declaratiemonitor.defs import aanbieders, checks, dashboards, ingest, rules, signals
from declaratiemonitor.defs.resources import WarehouseResource


def _asset_keys(*modules) -> list[dg.AssetKey]:
    keys: set[dg.AssetKey] = set()
    for module in modules:
        for value in vars(module).values():
            items = value if isinstance(value, list) else [value]
            for item in items:
                if isinstance(item, dg.AssetsDefinition):
                    keys |= set(item.keys)
    return sorted(keys, key=lambda k: k.to_user_string())


UPSTREAM = _asset_keys(ingest, rules, signals, dashboards, checks, aanbieders)


@dg.asset(
    key="promotie",
    group_name="signals",
    deps=UPSTREAM,
    kinds={"duckdb"},
    description="Laatste stap: de werkkopie wordt het warehouse en daarna komt de uitvoer "
    "(signalen, quarantaine, samenvatting, dashboards) op zijn plaats; bij een fout blijft "
    "alles zoals de vorige run het achterliet.",
)
def promotie(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    if not isinstance(duckdb, WarehouseResource) or duckdb.outputs is None:
        return dg.MaterializeResult(metadata={"gepromoveerd": False})
    published = duckdb.promote_now()
    context.log.info(f"Warehouse bijgewerkt; uitvoer geplaatst: {', '.join(published) or '-'}")
    return dg.MaterializeResult(
        metadata={"gepromoveerd": True, "uitvoer": ", ".join(published) or "-"}
    )
