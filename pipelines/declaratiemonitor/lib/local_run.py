"""Run staging, models and rules on an in-memory DuckDB from given rows (rule tests)."""

from datetime import date

import duckdb
import pyarrow as pa

from declaratiemonitor.lib import ingest, landing, reference, staging
from declaratiemonitor.lib.contract import DATA_TABLES, REFERENCE_TABLES, TABLES
from declaratiemonitor.lib.fixtures import complete_rows
from declaratiemonitor.lib.rule_sql import model_files, run_model, run_rule
from declaratiemonitor.lib.signals import add_afhandeling
from declaratiemonitor.lib.sql_header import read_sql_file
from declaratiemonitor.lib.warehouse import prepare

GIVEN_SOURCE = "gegeven"
# what the signals step reads besides the rule tables (sql/signals/afhandeling.sql)
SIGNAL_READS = ["models.declaratie_afhandeling"]


def contract_tariffs(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    rows = con.execute(
        "select gemeente_code, product_code, any_value(tarief_cents) from staging.producten "
        "group by all"
    ).fetchall()
    return {(g, p): t for g, p, t in rows if t is not None}


def stage_given(
    con: duckdb.DuckDBPyConnection,
    given: dict[str, list[dict]],
    peildatum: date,
    parameters: dict | None = None,
    reads: list[str] | None = None,
) -> None:
    """Load given rows (completed with defaults) through the pipeline's own staging steps."""
    prepare(con, peildatum)
    ingest.ensure_meta(con)
    for table in REFERENCE_TABLES:
        landing.create_landing_table(con, table)
        ingest.load_repo_reference(con, table)
        _append(con, table.name, given.get(table.name, []), None)
        reference.drop_overridden(con, table, ingest.REPO_PREFIX)
        staging.stage_table(con, table)
    tariffs = contract_tariffs(con)
    for table in DATA_TABLES:
        landing.create_landing_table(con, table)
        _append(con, table.name, given.get(table.name, []), tariffs)
        staging.stage_table(con, table)
    ingest.keep_latest_allocation(con)
    ingest.load_retourcodes(con)
    ingest.build_parameters(con, None, parameters)
    ingest.set_run_context(con, peildatum)
    for path in models_for(reads):
        run_model(con, read_sql_file(path))


def models_for(reads: list[str] | None) -> list:
    """The model files that tables in `reads` need, directly or through other models, in
    dependency order; all models when `reads` is None."""
    ordered = model_files()
    if reads is None:
        return ordered
    by_name = {p.stem: read_sql_file(p) for p in ordered}
    needed: set[str] = set()
    todo = [r.split(".", 1)[1] for r in [*reads, *SIGNAL_READS] if r.startswith("models.")]
    while todo:
        name = todo.pop()
        if name in needed or name not in by_name:
            continue
        needed.add(name)
        todo += [r.split(".", 1)[1] for r in by_name[name].reads if r.startswith("models.")]
    return [p for p in ordered if p.stem in needed]


def _append(con, name: str, rows: list[dict], tariffs) -> None:
    if not rows:
        return
    if name in ("producten", "vervoer_staffels", "stapelregels"):
        completed = [{k: None if v is None else str(v) for k, v in r.items()} for r in rows]
        completed = [{c: r.get(c) for c in TABLES[name].column_names} for r in completed]
    else:
        completed = complete_rows(name, rows, tariffs)
    table = pa.Table.from_pylist(
        [{**r, "_bron": GIVEN_SOURCE, "_regel": str(i)} for i, r in enumerate(completed, 1)],
        schema=pa.schema(
            [(c, pa.string()) for c in [*TABLES[name].column_names, "_bron", "_regel"]]
        ),
    )
    landing.append_arrow(con, TABLES[name], table)


def run_rule_on(con: duckdb.DuckDBPyConnection, rule_path) -> list[dict]:
    """The rule's signals as the signals step sees them: with afhandeling and
    impact_betaald_cents (no ids or lifecycle)."""
    sql = read_sql_file(rule_path)
    run_rule(con, sql)
    table = f"rules.{rule_path.parent.name}__{rule_path.stem}"
    con.execute(f"create or replace temp view signals_current as from {table}")
    add_afhandeling(con)
    rel = con.sql("from signals_afgehandeld")
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]
