"""dashboards/*: one asset per page module in the repo's dashboards/ folder, plus the index.

The pages are written to OUT/dashboards/<page>.html with one shared local plotly.min.js.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from declaratiemonitor.defs.aanbieders import KEY as PACKS
from declaratiemonitor.defs.resources import PipelineSettings, output_dir, warehouse
from declaratiemonitor.lib import dashboard_render as render

# after the packs: the page Aanbieders links each provider's latest pack
DEPS = [dg.AssetKey("signals"), dg.AssetKey(["meta", "run_context"]), PACKS]
MODULES = render.page_modules()
NAV = render.nav_of(MODULES)


def _result(path) -> dg.MaterializeResult:
    return dg.MaterializeResult(
        metadata={"pad": dg.MetadataValue.path(str(path)), "kB": path.stat().st_size // 1024}
    )


def _page_asset(module) -> dg.AssetsDefinition:
    slug = render.slug_of(module)

    @dg.asset(
        key=["dashboards", slug],
        group_name="dashboards",
        deps=DEPS,
        kinds={"plotly", "html"},
        description=f"Dashboard '{module.TITLE}': {module.DESCRIPTION}",
    )
    def _asset(duckdb: DuckDBResource, settings: PipelineSettings) -> dg.MaterializeResult:
        with warehouse(duckdb) as con:
            path = render.write_page(con, module, output_dir(duckdb, settings) / "dashboards", NAV)
        return _result(path)

    return _asset


page_assets = [_page_asset(m) for m in MODULES]


@dg.asset(
    key=["dashboards", "index"],
    group_name="dashboards",
    deps=[*DEPS, *(a.key for a in page_assets)],
    kinds={"html"},
    description="Startpagina van de dashboards met kerncijfers en een link naar elke pagina.",
)
def dashboards_index(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: PipelineSettings
) -> dg.MaterializeResult:
    with warehouse(duckdb) as con:
        path = render.write_index(con, MODULES, output_dir(duckdb, settings) / "dashboards")
    context.log.info(f"Dashboards: {path}")
    return _result(path)
