"""signals: the union of all rules; publicatie: the output folder of CONTRACT.md."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from declaratiemonitor.defs.resources import PipelineSettings, output_dir, warehouse
from declaratiemonitor.defs.rules import RULE_KEYS
from declaratiemonitor.lib import publish
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.operations.publication import STOPPED
from declaratiemonitor.lib.signals import build_signals
from declaratiemonitor.lib.timing import timed_step

RULE_IDS = [".".join(k.path[1:]) for k in RULE_KEYS]


@dg.asset(
    key="signals",
    group_name="signals",
    deps=[
        *RULE_KEYS,
        dg.AssetKey(["meta", "run_context"]),
        dg.AssetKey(["models", "declaratie_afhandeling"]),  # afhandeling of the evidence lines
    ],
    kinds={"duckdb"},
    description="Eén tabel met alle signalen: vaste signal_id, client_key in plaats van BSN, "
    "levenscyclus over runs.",
)
def signals(duckdb: DuckDBResource) -> dg.MaterializeResult:
    with warehouse(duckdb) as con, timed_step(con, "signals"):
        rows = build_signals(con, RULE_IDS)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})


@dg.asset(
    key="publicatie",
    group_name="signals",
    deps=["signals"],
    kinds={"parquet", "json"},
    description="Uitvoermap: signals.parquet, quarantine/*.parquet en run_summary.json.",
)
def publicatie(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: PipelineSettings
) -> dg.MaterializeResult:
    out = output_dir(duckdb, settings)  # staged: published with the warehouse (promotie)
    with warehouse(duckdb) as con:
        with timed_step(con, "publicatie"):
            unaccounted = publish.unaccounted(con)
            if unaccounted:  # a stopped run's diagnostics, never ahead of the warehouse
                out = settings.out / STOPPED
            else:
                publish.write_signals(con, out)
            quarantine = publish.write_quarantine(con, out)
        summary = publish.run_summary(con, RULE_IDS)
        path = publish.write_summary(summary, out)
    if unaccounted:
        raise InvoerFout(f"{unaccounted} Quarantaine en run_summary.json van deze run: {out}.")
    context.log.info(f"Uitvoer klaargezet in {out}")
    return dg.MaterializeResult(
        metadata={
            "signalen": summary["signalen_totaal"],
            "quarantainebestanden": len(quarantine),
            "run_summary": dg.MetadataValue.path(str(path)),
        }
    )
