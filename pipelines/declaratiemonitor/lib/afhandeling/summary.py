"""The afhandeling block of run_summary.json: claim lines per afhandeling, how the 325 rows
linked, signals per afhandeling and the comparison of our integriteit rules with the back
office's retourcodes (main.lekkage)."""

import duckdb

from declaratiemonitor.lib.warehouse import scalar

LINE_VALUES = ("geaccepteerd", "afgewezen", "onbekend")
SIGNAL_VALUES = ("betaald", "deels_afgewezen", "afgewezen", "onbekend")
LINKS = ("regel", "declaratie", "regel_onbekend", "declaratie_onbekend")
LEAK_COLUMNS = (
    "afgewezen_gesignaleerd",
    "afgewezen_niet_gesignaleerd",
    "gesignaleerd_betaald",
    "gesignaleerd_onbekend",
    "lekkage_cents",
)


def _exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        scalar(
            con,
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ? "
            "union all select count(*) from duckdb_views() where schema_name = ? "
            "and view_name = ? order by 1 desc limit 1",
            [schema, name, schema, name],
        )
    )


def _counts(con, sql: str, values: tuple[str, ...]) -> dict[str, int]:
    found = dict(con.execute(sql).fetchall())
    return {v: int(found.get(v, 0)) for v in values}


def summary(con: duckdb.DuckDBPyConnection) -> dict:
    """Empty when the warehouse has no 325 models (a run stopped before them)."""
    if not _exists(con, "models", "declaratie_afhandeling") or not _exists(con, "main", "lekkage"):
        return {}
    lines = _counts(
        con,
        "select afhandeling, count(*) from models.declaratie_afhandeling "
        "where debet_credit = 'D' group by all",
        LINE_VALUES,
    )
    links = _counts(con, "select koppeling, count(*) from models.antwoorden group by all", LINKS)
    signals = _counts(
        con,
        "select coalesce(afhandeling, 'zonder_declaratieregels'), count(*) from main.signals "
        "group by all",
        (*SIGNAL_VALUES, "zonder_declaratieregels"),
    )
    leak = {"regel": {}, "retourcode": {}}
    rel = con.sql(f"select indeling, sleutel, {', '.join(LEAK_COLUMNS)} from main.lekkage")
    for indeling, key, *values in rel.fetchall():
        leak[indeling][key] = {
            c: v for c, v in zip(LEAK_COLUMNS, values, strict=True) if v is not None
        }
    return {
        "debetregels": lines,
        "antwoordrijen": links,
        "signalen": signals,
        "lekkage_per_regel": leak["regel"],
        "afwijzingen_per_retourcode": leak["retourcode"],
    }
