"""Union of the rule tables into `main.signals` (this run's signals) and the lifecycle across
runs in `main.signal_history` (every signal ever found: first_seen, last_seen, status, review).

Status precedence: review verdict (in_behandeling, terecht, onterecht) > opgelost (no longer
found) > nieuw (first found in this run) / open. See docs/operations.md.
"""

import duckdb

from declaratiemonitor.lib.faults import gates
from declaratiemonitor.lib.rule_sql import RULE_COLUMNS, rule_table
from declaratiemonitor.lib.sql_header import read_sql_file
from declaratiemonitor.lib.warehouse import scalar
from declaratiemonitor.paths import SQL_DIR

RULE_HEAD = {"rule_id": "VARCHAR", "rule_version": "VARCHAR", "severity": "VARCHAR"}
SIGNALS_SQL = SQL_DIR / "signals" / "signals.sql"
AFHANDELING_SQL = SQL_DIR / "signals" / "afhandeling.sql"
SIGNAL_LINES_SQL = SQL_DIR / "signals" / "signaal_regels.sql"
LEKKAGE_SQL = SQL_DIR / "signals" / "lekkage.sql"
# what the signals step adds to a rule's row: what the back office did with its claim lines
AFHANDELING_COLUMNS = {"afhandeling": "VARCHAR", "impact_betaald_cents": "BIGINT"}
HISTORY_SQL = SQL_DIR / "signals" / "signal_history.sql"
REVIEW_VERDICTS = ("in_behandeling", "terecht", "onterecht")

HISTORY_COLUMNS = {
    "signal_id": "VARCHAR PRIMARY KEY",
    **RULE_HEAD,
    **RULE_COLUMNS,
    **AFHANDELING_COLUMNS,
    "peildatum": "DATE",  # of the last run that found the signal
    "first_seen": "DATE",
    "last_seen": "DATE",
    "status": "VARCHAR",
    "opgelost_op": "DATE",  # peildatum of the first run that no longer found it; null = current
    "review_status": "VARCHAR",
    "review_notitie": "VARCHAR",
    "reviewer": "VARCHAR",
    "review_op": "TIMESTAMP",
}


def ensure_history(con: duckdb.DuckDBPyConnection) -> None:
    """Create main.signal_history, or bring an older one up to HISTORY_COLUMNS."""
    present = {
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() "
            "where schema_name = 'main' and table_name = 'signal_history'"
        ).fetchall()
    }
    if present and present >= set(HISTORY_COLUMNS):
        return
    if present:
        con.execute("create or replace temp table _history_old as from main.signal_history")
        con.execute("drop table main.signal_history")
    cols = ", ".join(f"{c} {t}" for c, t in HISTORY_COLUMNS.items())
    con.execute(f"create table main.signal_history ({cols})")
    if present:
        common = ", ".join(c for c in HISTORY_COLUMNS if c in present)
        con.execute(f"insert into main.signal_history ({common}) select {common} from _history_old")
        con.execute("drop table _history_old")


def build_signals(con: duckdb.DuckDBPyConnection, rule_ids: list[str]) -> int:
    ensure_history(con)
    gates.ensure_table(con)  # rules not judged this run keep their history (signal_history.sql)
    typed_empty = (
        "select "
        + ", ".join(f"null::{t} as {c}" for c, t in {**RULE_HEAD, **RULE_COLUMNS}.items())
        + " where false"
    )
    union = "\nunion all by name\n".join(
        [typed_empty, *(f"from {rule_table(r)}" for r in rule_ids)]
    )
    con.execute(f"create or replace temp view signals_current as {union}")
    add_afhandeling(con)
    con.execute(f"create or replace table main.signals as {read_sql_file(SIGNALS_SQL).body}")
    con.execute("drop table signals_afgehandeld")
    con.execute(f"create or replace table main.lekkage as {read_sql_file(LEKKAGE_SQL).body}")
    update_history(con)
    return scalar(con, "select count(*) from main.signals")


def add_afhandeling(con: duckdb.DuckDBPyConnection) -> None:
    """main.signaal_regels (the evidence claim lines of this run's signals) and
    signals_afgehandeld: the rows of the temp view signals_current with signal_id, afhandeling
    and impact_betaald_cents (sql/signals/; the rule tests use it too)."""
    con.execute(
        "create or replace table main.signaal_regels as " + read_sql_file(SIGNAL_LINES_SQL).body
    )
    con.execute(
        "create or replace temp table signals_afgehandeld as " + read_sql_file(AFHANDELING_SQL).body
    )


def update_history(con: duckdb.DuckDBPyConnection) -> None:
    """Fold this run's main.signals into the history (signals no longer found: opgelost)."""
    con.execute(f"create or replace temp table _history_new as {read_sql_file(HISTORY_SQL).body}")
    con.execute("delete from main.signal_history")
    con.execute("insert into main.signal_history by name from _history_new")
    con.execute("drop table _history_new")


def lifecycle_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Signals per status in the history (the current ones and those no longer found)."""
    rows = con.execute(
        "select status, count(*) from main.signal_history group by status order by status"
    ).fetchall()
    return {status: count for status, count in rows}
