"""The population to sample from: net claim lines or signals, read from the warehouse.

`client_key` is the column of models.declaraties_netto (staging pseudonymised the BSN). A
warehouse built before that still has `bsn` there; then the warehouse macro `client_key(bsn)`
computes it (connections from `lib.warehouse.connect`). The BSN is never returned.
"""

import hashlib
from datetime import date

import duckdb
import polars as pl

from declaratiemonitor.lib.dashboard_queries import has_relation
from declaratiemonitor.lib.steekproef.errors import SteekproefFout

CLAIM_KEY, CLAIM_AMOUNT = "referentie_nummer", "ingediend_bedrag_cents"
SIGNAL_KEY, SIGNAL_AMOUNT = "signal_id", "impact_cents"

CLAIMS_SQL = """
with netto as (
    select * from models.declaraties_netto
    where ($gemeente::varchar is null or gemeente_code = $gemeente)
      and ($jaar::integer is null or year(begindatum) = $jaar)
),
bewijs as ({evidence}),
ernst as (
    select referentie_nummer,
        case min(case severity when 'hoog' then 1 when 'midden' then 2 else 3 end)
            when 1 then 'hoog' when 2 then 'midden' else 'laag' end as ernst
    from bewijs
    group by referentie_nummer
)
select n.declaratie_nummer, n.referentie_nummer, n.toewijzing_nummer, n.gemeente_code,
    n.aanbieder_agb, {client_key} as client_key, n.product_categorie, n.product_code,
    n.begindatum, n.einddatum, cast(n.ingediend_bedrag_cents as bigint) as ingediend_bedrag_cents,
    coalesce(e.ernst, 'geen signaal') as ernst
from netto n
left join ernst e using (referentie_nummer)
order by n.referentie_nummer
"""

EVIDENCE_SQL = "select unnest(evidence) as referentie_nummer, severity from main.signals"
NO_EVIDENCE_SQL = "select null::varchar as referentie_nummer, null::varchar as severity where false"

SIGNALS_SQL = """
select signal_id, rule_id, severity, gemeente_code, aanbieder_agb, toewijzing_nummer, client_key,
    period_start, period_end, cast(coalesce(impact_cents, 0) as bigint) as impact_cents, message
from main.signals
where ($gemeente::varchar is null or gemeente_code = $gemeente)
  and ($jaar::integer is null or year(period_start) = $jaar)
order by signal_id
"""


def _has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    sql = (
        "select count(*) from duckdb_columns() "
        "where schema_name = ? and table_name = ? and column_name = ?"
    )
    return con.execute(sql, [schema, table, column]).fetchall()[0][0] > 0


def _client_key_expr(con: duckdb.DuckDBPyConnection) -> str:
    if _has_column(con, "models", "declaraties_netto", "client_key"):
        return "n.client_key"
    sql = "select count(*) from duckdb_functions() where function_name = 'client_key'"
    if con.execute(sql).fetchall()[0][0] > 0:
        return "client_key(n.bsn)"
    raise SteekproefFout(
        "De macro client_key ontbreekt: open het warehouse via declaratiemonitor.lib.warehouse."
    )


def _require(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    if not has_relation(con, schema, table):
        raise SteekproefFout(
            f"Tabel {schema}.{table} ontbreekt in het warehouse. "
            "Draai eerst `declaratiemonitor run`."
        )


def load_claims(
    con: duckdb.DuckDBPyConnection, gemeente: str | None = None, jaar: int | None = None
) -> pl.DataFrame:
    """Net claim lines (models.declaraties_netto) with client_key and the worst signal severity."""
    _require(con, "models", "declaraties_netto")
    evidence = EVIDENCE_SQL if has_relation(con, "main", "signals") else NO_EVIDENCE_SQL
    sql = CLAIMS_SQL.format(evidence=evidence, client_key=_client_key_expr(con))
    return con.sql(sql, params={"gemeente": gemeente, "jaar": jaar}).pl()


def load_signals(
    con: duckdb.DuckDBPyConnection, gemeente: str | None = None, jaar: int | None = None
) -> pl.DataFrame:
    _require(con, "main", "signals")
    return con.sql(SIGNALS_SQL, params={"gemeente": gemeente, "jaar": jaar}).pl()


def load_population(
    con: duckdb.DuckDBPyConnection,
    methode: str,
    gemeente: str | None = None,
    jaar: int | None = None,
) -> pl.DataFrame:
    """Signals for methode 'signalen', net claim lines for the others; error when empty."""
    if methode == "signalen":
        frame = load_signals(con, gemeente, jaar)
    else:
        frame = load_claims(con, gemeente, jaar)
    if frame.height == 0:
        raise SteekproefFout("De populatie is leeg: geen regels voor deze gemeente en dit jaar.")
    return frame


def read_peildatum(con: duckdb.DuckDBPyConnection) -> date | None:
    if not has_relation(con, "meta", "run_context"):
        return None
    rows = con.execute("select max(peildatum) from meta.run_context").fetchall()
    return rows[0][0] if rows else None


def population_hash(frame: pl.DataFrame, key: str = CLAIM_KEY, amount: str = CLAIM_AMOUNT) -> str:
    """sha256 over the sorted (key, amount in cents) pairs, one 'key<TAB>cents<LF>' per line."""
    pairs = sorted(zip(frame[key].to_list(), frame[amount].to_list(), strict=True))
    digest = hashlib.sha256()
    for k, cents in pairs:
        digest.update(f"{k}\t{int(cents)}\n".encode())
    return digest.hexdigest()
