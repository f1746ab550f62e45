"""Quality gates: a table that a rule needs and that is (nearly) all quarantined blocks that rule.

A staged table is *onbruikbaar* when it was not empty and at least UNUSABLE_SHARE of the rows
read went to the quarantine (e.g. `reisafstanden` with `12,4` style distances). A rule that
reads it, directly or through models (the `-- reads:` lines), is then *niet beoordeeld*: its
table stays empty instead of producing signals from missing data, meta.regel_status says why,
and its earlier signals keep the status they had (sql/signals/signal_history.sql). A table
that is simply absent (no file, 0 rows read) is not onbruikbaar.
"""

import dataclasses
import functools

import duckdb

from declaratiemonitor.lib.rule_sql import rule_id_of, run_rule
from declaratiemonitor.lib.sql_header import SqlFile, read_sql_file
from declaratiemonitor.paths import MODELS_DIR

UNUSABLE_SHARE = 0.95  # of the rows read; below it a rule runs on what landed
# Tables that only refine what rules read: without their rows a rule judges as before. The
# 325 answers only take rejected lines out of net figures; when they are unusable every line
# is 'onbekend' (no answer seen), which the signals say, rather than no rule judging at all.
NON_BLOCKING = frozenset({"declaratie_antwoorden"})


@dataclasses.dataclass(frozen=True)
class Unusable:
    table: str
    quarantined: int
    read: int

    @property
    def reason(self) -> str:
        return f"{self.table} onbruikbaar"

    def describe(self) -> str:
        return (
            f"{self.reason}: {self.quarantined} van {self.read} rijen in quarantaine "
            f"(grens {UNUSABLE_SHARE:.0%})"
        )


def unusable_tables(con: duckdb.DuckDBPyConnection) -> dict[str, Unusable]:
    rows = con.execute(
        """select tabel, quarantaine, gelezen from meta.tabel_tellingen
           where gelezen > 0 and quarantaine >= ? * gelezen order by tabel""",
        [UNUSABLE_SHARE],
    ).fetchall()
    return {t: Unusable(t, q, r) for t, q, r in rows}


@functools.cache
def _model_reads() -> dict[str, tuple[str, ...]]:
    return {p.stem: tuple(read_sql_file(p).reads) for p in MODELS_DIR.glob("*.sql")}


def staging_tables(reads: list[str] | tuple[str, ...]) -> set[str]:
    """The staged tables behind `reads`, through models (models read tables and models)."""
    tables, todo, seen = set(), list(reads), set()
    while todo:
        schema, _, name = todo.pop().partition(".")
        if schema == "staging" and name not in NON_BLOCKING:
            tables.add(name)
        elif schema == "models" and name not in seen:
            seen.add(name)
            todo += _model_reads().get(name, ())
    return tables


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create table if not exists meta.regel_status (rule_id varchar primary key, "
        "reden varchar, toelichting varchar)"
    )


def run_gated(con: duckdb.DuckDBPyConnection, sql: SqlFile) -> tuple[int, int, str | None]:
    """Run the rule, or leave its table empty when a table it reads is onbruikbaar.
    Returns (signals, impact in cents, reason or None)."""
    ensure_table(con)
    rule_id = rule_id_of(sql.path)
    unusable = unusable_tables(con)
    blocking = [unusable[t] for t in sorted(staging_tables(sql.reads)) if t in unusable]
    con.execute("delete from meta.regel_status where rule_id = ?", [rule_id])
    if not blocking:
        rows, impact = run_rule(con, sql)
        return rows, impact, None
    empty = dataclasses.replace(sql, body=f"select * from (\n{sql.body}\n) where false")
    run_rule(con, empty)
    reason = ", ".join(u.reason for u in blocking)
    con.execute(
        "insert into meta.regel_status values (?, ?, ?)",
        [rule_id, reason, "; ".join(u.describe() for u in blocking)],
    )
    return 0, 0, reason


def not_judged(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """rule_id -> reason, for the rules not judged in this run (read only)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'meta' "
        "and table_name = 'regel_status'"
    ).fetchall()[0][0]
    if not exists:
        return {}
    return dict(con.execute("select rule_id, reden from meta.regel_status order by 1").fetchall())


def banner(con: duckdb.DuckDBPyConnection, families: tuple[str, ...] | None = None) -> str:
    """The Dutch warning for a dashboard page (only rules of `families` when given)."""
    rules = {
        r: why
        for r, why in not_judged(con).items()
        if families is None or r.split(".")[0] in families
    }
    if not rules:
        return ""
    by_reason: dict[str, list[str]] = {}
    for rule_id, why in rules.items():
        by_reason.setdefault(why, []).append(rule_id)
    parts = [f"niet beoordeeld: {why} ({', '.join(ids)})" for why, ids in by_reason.items()]
    return (
        "Let op, deze run is onvolledig — "
        + "; ".join(parts)
        + ". Deze regels gaven daarom geen signalen; hun eerdere signalen houden hun status. "
        "Zie de quarantaine van de tabel en lever het bestand opnieuw aan."
    )
