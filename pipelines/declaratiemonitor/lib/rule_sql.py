"""Run model and rule SQL files against a warehouse connection (no Dagster here)."""

from pathlib import Path

import dagster as dg
import duckdb

from declaratiemonitor.lib.sql_header import SqlFile, read_sql_file, rule_problems
from declaratiemonitor.lib.warehouse import scalar
from declaratiemonitor.paths import MODELS_DIR, RULES_DIR

# what every rule's SELECT returns, in this order (docs/design.md)
RULE_COLUMNS = {
    "gemeente_code": "VARCHAR",
    "aanbieder_agb": "VARCHAR",
    "toewijzing_nummer": "VARCHAR",
    "client_key": "VARCHAR",  # the BSN's keyed pseudonym (staging replaced the BSN)
    "period_start": "DATE",
    "period_end": "DATE",
    "measured": "DOUBLE",
    "threshold": "DOUBLE",
    "unit": "VARCHAR",
    "impact_cents": "BIGINT",
    "evidence": "VARCHAR[]",
    "message": "VARCHAR",
}


def rule_files(rules_dir: Path = RULES_DIR) -> list[Path]:
    return sorted(rules_dir.glob("*/*.sql"))


def model_files(models_dir: Path = MODELS_DIR) -> list[Path]:
    """Model files in dependency order (a model that reads another comes after it)."""
    sqls = {p.stem: read_sql_file(p) for p in sorted(models_dir.glob("*.sql"))}
    ordered: list[str] = []

    def visit(name: str, trail: tuple[str, ...] = ()) -> None:
        if name in ordered:
            return
        if name in trail:
            raise ValueError(f"cycle between models: {' -> '.join(trail + (name,))}")
        for dep in sqls[name].reads:
            schema, _, dep_name = dep.partition(".")
            if schema == "models" and dep_name in sqls:
                visit(dep_name, trail + (name,))
        ordered.append(name)

    for name in sqls:
        visit(name)
    return [sqls[n].path for n in ordered]


def rule_id_of(path: Path) -> str:
    return f"{path.parent.name}.{path.stem}"


def reads_to_keys(reads: list[str]) -> list[dg.AssetKey]:
    """`staging.declaraties` -> AssetKey(["staging", "declaraties"])."""
    return [dg.AssetKey(r.split(".")) for r in reads]


def run_model(con: duckdb.DuckDBPyConnection, sql: SqlFile) -> int | None:
    """Create models.<name> as a table, or as a view when the header says `materialized: view`
    (its readers then compute only the rows they filter). Returns the row count; None for a
    view, because counting it would run its whole query."""
    name = sql.path.stem
    kind = sql.get("materialized", "table")
    if kind not in ("table", "view"):
        raise ValueError(f"{sql.path}: materialized '{kind}' is niet 'table' of 'view'")
    existing = scalar(
        con,
        "select table_type from information_schema.tables where table_schema = 'models' "
        "and table_name = ? and table_catalog = current_database()",
        [name],
    )
    if existing is not None and (existing == "VIEW") != (kind == "view"):
        # a table cannot be replaced by a view of the same name, nor the other way round
        con.execute(f"drop {'view' if existing == 'VIEW' else 'table'} models.{name}")
    con.execute(f"create or replace {kind} models.{name} as\n{sql.body}")
    if kind == "view":
        return None
    return scalar(con, f"select count(*) from models.{name}")


def rule_table(rule_id: str) -> str:
    family, name = rule_id.split(".")
    return f"rules.{family}__{name}"


def run_rule(con: duckdb.DuckDBPyConnection, sql: SqlFile) -> tuple[int, int]:
    """Materialise a rule into rules.<family>__<name>; returns (signals, impact in cents)."""
    rule_id = rule_id_of(sql.path)
    problems = rule_problems(sql, rule_id)
    if problems:
        raise ValueError(f"{sql.path}: {'; '.join(problems)}")
    check_columns(con, sql)
    table = rule_table(rule_id)
    con.execute(
        f"""create or replace table {table} as
            select ? as rule_id, ? as rule_version, ? as severity, {_casts()}
            from (\n{sql.body}\n)""",
        [rule_id, sql.get("version", "1"), sql.get("severity")],
    )
    rows = scalar(con, f"select count(*) from {table}")
    impact = scalar(con, f"select coalesce(sum(impact_cents), 0) from {table}")
    return rows, int(impact)


def _casts() -> str:
    return ", ".join(f"cast({c} as {t}) as {c}" for c, t in RULE_COLUMNS.items())


def check_columns(con: duckdb.DuckDBPyConnection, sql: SqlFile) -> None:
    """The rule returns the contract's columns in order (types are cast by the factory)."""
    found = con.sql(f"select * from (\n{sql.body}\n) limit 0").columns
    if list(found) != list(RULE_COLUMNS):
        raise ValueError(
            f"{sql.path}: kolommen {found} wijken af van het regelcontract {list(RULE_COLUMNS)}"
        )
