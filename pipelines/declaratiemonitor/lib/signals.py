"""Union of the rule tables into `main.signals`, and the history that keeps ids and first_seen."""

import duckdb

from declaratiemonitor.lib.rule_sql import RULE_COLUMNS, rule_table
from declaratiemonitor.lib.sql_header import read_sql_file
from declaratiemonitor.lib.warehouse import scalar
from declaratiemonitor.paths import SQL_DIR

RULE_HEAD = {"rule_id": "VARCHAR", "rule_version": "VARCHAR", "severity": "VARCHAR"}
SIGNALS_SQL = SQL_DIR / "signals" / "signals.sql"


def ensure_history(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """create table if not exists main.signal_history (
            signal_id varchar primary key, rule_id varchar, first_seen date, last_seen date,
            review_status varchar, review_notitie varchar, reviewer varchar)"""
    )


def build_signals(con: duckdb.DuckDBPyConnection, rule_ids: list[str]) -> int:
    ensure_history(con)
    typed_empty = (
        "select "
        + ", ".join(f"null::{t} as {c}" for c, t in {**RULE_HEAD, **RULE_COLUMNS}.items())
        + " where false"
    )
    union = "\nunion all by name\n".join(
        [typed_empty, *(f"from {rule_table(r)}" for r in rule_ids)]
    )
    con.execute(f"create or replace temp view signals_current as {union}")
    con.execute(f"create or replace table main.signals as {read_sql_file(SIGNALS_SQL).body}")
    _update_history(con)
    return scalar(con, "select count(*) from main.signals")


def _update_history(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """insert into main.signal_history (signal_id, rule_id, first_seen, last_seen)
           select signal_id, rule_id, first_seen, last_seen from main.signals
           on conflict (signal_id) do update set
               first_seen = least(signal_history.first_seen, excluded.first_seen),
               last_seen = greatest(signal_history.last_seen, excluded.last_seen)"""
    )
