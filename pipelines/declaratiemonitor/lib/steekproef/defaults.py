"""Materiality and confidence from the gemeente's rule parameters (regelparameters.yaml).

The warehouse holds them per gemeente in staging.regelparameters (RULES.md §9: materialiteit
0.02, betrouwbaarheid 0.95 unless a region overrides them). Without a gemeente the value must be
the same for every gemeente in the warehouse; without the table the RULES.md defaults apply.
"""

import duckdb

from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.parameters import CONFIDENCE_DEFAULT, MATERIALITY_DEFAULT

SQL = """
select distinct materialiteit, betrouwbaarheid from staging.regelparameters
where $gemeente::varchar is null or gemeente_code = $gemeente
"""


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    sql = (
        "select count(*) from duckdb_columns() where schema_name = 'staging' "
        "and table_name = 'regelparameters' and column_name in ('materialiteit', 'betrouwbaarheid')"
    )
    return con.execute(sql).fetchall()[0][0] == 2


def read_defaults(con: duckdb.DuckDBPyConnection, gemeente: str | None) -> tuple[float, float]:
    """(materialiteit, betrouwbaarheid) for this gemeente, or the RULES.md defaults."""
    if not _has_table(con):
        return MATERIALITY_DEFAULT, CONFIDENCE_DEFAULT
    rows = con.sql(SQL, params={"gemeente": gemeente}).fetchall()
    if len(rows) > 1:
        raise SteekproefFout(
            "De gemeenten in het warehouse hebben een verschillende materialiteit of "
            "betrouwbaarheid (regelparameters): kies --gemeente, of geef --materialiteit en "
            "--betrouwbaarheid op."
        )
    if not rows:
        return MATERIALITY_DEFAULT, CONFIDENCE_DEFAULT
    materiality, confidence = rows[0]
    return (
        MATERIALITY_DEFAULT if materiality is None else float(materiality),
        CONFIDENCE_DEFAULT if confidence is None else float(confidence),
    )
