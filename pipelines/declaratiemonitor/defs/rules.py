"""models/* and rules/*/*: one asset per SQL file, made by one factory each."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from declaratiemonitor.defs.resources import warehouse
from declaratiemonitor.lib.faults import gates
from declaratiemonitor.lib.rule_sql import (
    model_files,
    reads_to_keys,
    rule_files,
    rule_id_of,
    run_model,
)
from declaratiemonitor.lib.sql_header import SqlFile
from declaratiemonitor.lib.timing import timed_step


def model_asset(sql: SqlFile) -> dg.AssetsDefinition:
    name = sql.path.stem

    @dg.asset(
        key=["models", name],
        group_name="models",
        deps=reads_to_keys(sql.reads),
        kinds={"duckdb", "sql"},
        description=sql.get("title") or f"Model {name}",
        metadata={"sql": str(sql.path.name)},
    )
    def _model(duckdb: DuckDBResource) -> dg.MaterializeResult:
        with warehouse(duckdb) as con, timed_step(con, f"models/{name}"):
            rows = run_model(con, sql)
        if rows is None:  # a view: counting would run its query (lib/rule_sql.run_model)
            return dg.MaterializeResult(metadata={"materialized": "view (niet geteld)"})
        return dg.MaterializeResult(metadata={"dagster/row_count": rows})

    return _model


def rule_asset(sql: SqlFile) -> dg.AssetsDefinition:
    rule_id = rule_id_of(sql.path)
    family, name = rule_id.split(".")

    @dg.asset(
        key=["rules", family, name],
        group_name=f"rules_{family}",
        deps=reads_to_keys(sql.reads),
        kinds={"duckdb", "sql"},
        description=sql.get("title"),
        metadata={
            "rule_id": rule_id,
            "severity": sql.get("severity"),
            "source": sql.get("source"),
            "reading": sql.get("reading", "-"),
        },
    )
    def _rule(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
        with warehouse(duckdb) as con, timed_step(con, f"rules/{family}/{name}"):
            rows, impact, blocked = gates.run_gated(con, sql)
        metadata = {"dagster/row_count": rows, "impact_cents": impact}
        if blocked:  # a table it reads is (nearly) all quarantined: no signals from missing data
            context.log.warning(f"{rule_id} niet beoordeeld: {blocked}")
            metadata["niet_beoordeeld"] = blocked
        return dg.MaterializeResult(metadata=metadata)

    return _rule


def _all(files: list[Path], factory) -> list[dg.AssetsDefinition]:
    from declaratiemonitor.lib.sql_header import read_sql_file

    return [factory(read_sql_file(p)) for p in files]


model_assets = _all(model_files(), model_asset)
rule_assets = _all(rule_files(), rule_asset)
RULE_KEYS = [a.key for a in rule_assets]
