"""Are the pandas reference signals the pipeline's signals? Per rule, as multisets.

Compared: every column of the rule contract except `message` (Dutch formatting is not the
subject): gemeente, aanbieder, toewijzing, client_key, period, measured and threshold (6
decimals), unit, impact_cents and the evidence (as a sorted list). A rule that has no SQL file
(yet) or whose table is missing in the warehouse is skipped with a note.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from declaratiemonitor.lib.rule_sql import RULE_COLUMNS, rule_table
from declaratiemonitor.paths import RULES_DIR

COLUMNS = [c for c in RULE_COLUMNS if c != "message"]  # the Dutch text is not compared


@dataclass
class RuleComparison:
    rule_id: str
    status: str  # gelijk | verschil | overgeslagen
    pipeline: int = 0
    pandas: int = 0
    only_pipeline: list = field(default_factory=list)
    only_pandas: list = field(default_factory=list)
    note: str = ""


def _value(name: str, value):
    if value is None:
        return None
    if name in ("measured", "threshold"):
        value = float(value)
        return None if math.isnan(value) else round(value, 6)
    if name in ("period_start", "period_end"):
        return value.date() if isinstance(value, datetime) else value
    if name == "impact_cents":
        return int(value)
    if name == "evidence":
        return tuple(sorted(str(v) for v in value))
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _key(row: dict) -> tuple:
    return tuple(_value(c, row.get(c)) for c in COLUMNS)


def pipeline_signals(warehouse: Path, rule_id: str) -> list[tuple] | None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        schema, table = rule_table(rule_id).split(".")
        exists = con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
        if not exists:
            return None
        cur = con.execute(f"select {', '.join(COLUMNS)} from {schema}.{table}")
        rows = cur.fetchall()
    finally:
        con.close()
    return [_key(dict(zip(COLUMNS, r, strict=True))) for r in rows]


def compare(
    warehouse: Path, pandas_signals: Path, rule_ids: list[str], examples: int = 3
) -> list[RuleComparison]:
    reference = pq.read_table(pandas_signals).to_pylist()
    by_rule: dict[str, list[tuple]] = {}
    for row in reference:
        by_rule.setdefault(row["rule_id"], []).append(_key(row))
    out = []
    for rule_id in rule_ids:
        family, name = rule_id.split(".")
        if not (RULES_DIR / family / f"{name}.sql").exists():
            out.append(RuleComparison(rule_id, "overgeslagen", note="regel bestaat nog niet"))
            continue
        ours = pipeline_signals(warehouse, rule_id)
        if ours is None:
            out.append(RuleComparison(rule_id, "overgeslagen", note="regel niet gedraaid"))
            continue
        theirs = by_rule.get(rule_id, [])
        a, b = Counter(ours), Counter(theirs)
        only_a, only_b = list((a - b).elements()), list((b - a).elements())
        out.append(
            RuleComparison(
                rule_id,
                "gelijk" if not only_a and not only_b else "verschil",
                len(ours),
                len(theirs),
                sorted(only_a, key=repr)[:examples],
                sorted(only_b, key=repr)[:examples],
            )
        )
    return out


def describe(row: tuple) -> str:
    parts = dict(zip(COLUMNS, row, strict=True))
    shown = {k: v for k, v in parts.items() if k != "client_key"}
    return ", ".join(f"{k}={v.isoformat() if isinstance(v, date) else v}" for k, v in shown.items())
