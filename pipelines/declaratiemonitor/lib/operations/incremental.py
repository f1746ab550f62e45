"""Claims are staged per declaratiemaand (month of `begindatum`): a month is staged again only
when its raw rows changed since the last successful run; the other months stay untouched.

Every run still reads the landing files into `landing.<table>` (raw text, cheap; a single
Parquet file is a view over that file, see lib/landing.py). Per month a fingerprint (row count
+ sum of row hashes over all columns, `_bron`, `_regel`, `_volgnr`) is compared with
`meta.laadstatus`; months whose fingerprint or loader version differ, that disappeared, or
whose begindatum is unreadable are validated again, the rest is kept as is. Because `_volgnr`
and `_regel` are in the fingerprint, a kept month is exactly what a full load would produce.
When every month is to be loaded (first run, new loader version), the landing table is staged
as a whole. `meta.laadlog` lists the months the last run loaded (docs/operations.md).
"""

import dataclasses
import hashlib
from dataclasses import dataclass

import duckdb

from declaratiemonitor.lib import landing, staging
from declaratiemonitor.lib.contract import Table
from declaratiemonitor.lib.warehouse import hmac_key, scalar

LOADER_VERSION = "1"  # raise to force every month to be staged again
MONTH_COLUMNS = {"declaraties": "begindatum"}  # tables loaded per month, and by which date


@dataclass
class MonthlyLoad:
    landed: int
    quarantined: int
    loaded_months: list[str]  # 'JJJJ-MM' staged in this run ('onbekend' = unreadable date)
    kept_months: int
    full: bool


def month_of(raw: str) -> str:
    """SQL: the declaratiemaand of a raw text date (null when unreadable)."""
    return f"cast(date_trunc('month', try_cast(nullif(trim({raw}), '') as date)) as date)"


def ensure_state(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """create table if not exists meta.laadstatus (
            tabel varchar, maand date, vingerafdruk varchar, versie varchar, rijen bigint,
            keer_geladen integer, primary key (tabel, maand))"""
    )
    con.execute("create table if not exists meta.laadlog (tabel varchar, maand date, rijen bigint)")


def stage_by_month(con: duckdb.DuckDBPyConnection, table: Table) -> MonthlyLoad:
    """landing.<t> -> staging.<t> and its quarantine rows, only for months that changed."""
    t, month = table.name, month_of(MONTH_COLUMNS[table.name])
    ensure_state(con)
    version = loader_version(table)
    _fingerprint_months(con, table, month)
    staged = _table_exists(con, "staging", t)
    _months_to_load(con, t, version, staged and not table.unique_key)
    kept = scalar(
        con,
        "select count(*) from meta.laadstatus where tabel = ? "
        "and maand not in (select maand from _te_laden where maand is not null)",
        [t],
    )
    full = not staged or kept == 0
    if full:
        # Every month is loaded: stage the landing table itself (a copy of all rows into a
        # delta table and back cost two full writes: ~30 CPU-s at 10 M claim lines).
        staging.stage_table(con, table)
    else:
        delta = dataclasses.replace(table, name=f"{t}__delta")
        landing.create_landing_table(con, delta)
        con.execute(
            f"""insert into landing.{t}__delta select * from landing.{t}
                where {month} is null or {month} in (select maand from _te_laden)"""
        )
        staging.stage_table(con, delta)
        _replace_months(con, t)
    _record_state(con, t, version)
    loaded = [
        "onbekend" if m is None else m.strftime("%Y-%m")
        for (m,) in con.execute(
            "select maand from meta.laadlog where tabel = ? order by maand", [t]
        ).fetchall()
    ]
    for name in (f"landing.{t}__delta", f"landing.{t}__delta__afgewezen", f"staging.{t}__delta"):
        con.execute(f"drop table if exists {name}")
    return MonthlyLoad(
        landed=scalar(con, f"select count(*) from staging.{t}"),
        quarantined=scalar(con, "select count(*) from staging.quarantine where tabel = ?", [t]),
        loaded_months=loaded,
        kept_months=kept,
        full=full,
    )


def loader_version(table: Table) -> str:
    """Changes when the validation SQL, the pseudonym key or LOADER_VERSION change."""
    text = "|".join(
        [
            LOADER_VERSION,
            duckdb.__version__,  # hash() may differ between DuckDB versions
            staging.checked_select(table, "x"),
            hashlib.sha256(hmac_key()).hexdigest(),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _fingerprint_months(con, table: Table, month: str) -> None:
    cols = ", ".join([*table.column_names, "_bron", "_regel", "_volgnr"])
    con.execute(
        f"""create or replace temp table _maanden_nu as
            select {month} as maand, count(*) as rijen,
                   concat(count(*), ':', sum(hash({cols}))) as vingerafdruk
            from landing.{table.name} group by all"""
    )


def _months_to_load(con, t: str, version: str, incremental: bool) -> None:
    """_te_laden: changed, new and vanished months, and the unreadable-date bucket (null).
    Not incremental: every month."""
    con.execute(
        """create or replace temp table _te_laden as
           select coalesce(n.maand, p.maand) as maand, coalesce(n.rijen, 0) as rijen
           from _maanden_nu as n
           full outer join (from meta.laadstatus where tabel = ?) as p on n.maand = p.maand
           where not ? or n.maand is null or p.maand is null
               or n.vingerafdruk is distinct from p.vingerafdruk or p.versie is distinct from ?""",
        [t, incremental, version],
    )


def _replace_months(con, t: str) -> None:
    """Swap the staged rows and quarantine rows of the loaded months for the new ones."""
    con.execute(
        f"""delete from staging.{t} where cast(date_trunc('month', begindatum) as date)
            in (select maand from _te_laden where maand is not null)"""
    )
    con.execute(f"insert into staging.{t} from staging.{t}__delta")
    record_month = month_of(f"json_extract_string(record, '$.{MONTH_COLUMNS[t]}')")
    con.execute(
        f"""delete from staging.quarantine where tabel = ? and (record is null
                or {record_month} is null or {record_month} in (select maand from _te_laden))""",
        [t],
    )
    con.execute(
        f"insert into staging.quarantine select ?, _bron, _regel, reden, null "
        f"from landing.{t}__afgewezen",
        [t],
    )
    con.execute("update staging.quarantine set tabel = ? where tabel = ?", [t, f"{t}__delta"])


def _record_state(con, t: str, version: str) -> None:
    con.execute(
        """delete from meta.laadstatus where tabel = ?
           and maand in (select maand from _te_laden)
           and maand not in (select maand from _maanden_nu where maand is not null)""",
        [t],
    )
    con.execute(
        """insert into meta.laadstatus
           select ?, maand, vingerafdruk, ?, rijen, 1 from _maanden_nu
           where maand in (select maand from _te_laden)
           on conflict (tabel, maand) do update set vingerafdruk = excluded.vingerafdruk,
               versie = excluded.versie, rijen = excluded.rijen,
               keer_geladen = keer_geladen + 1""",
        [t, version],
    )
    con.execute("delete from meta.laadlog where tabel = ?", [t])
    con.execute(
        "insert into meta.laadlog select ?, maand, rijen from _te_laden "
        "where maand is not null or rijen > 0",
        [t],
    )


def _table_exists(con, schema: str, name: str) -> bool:
    return bool(
        scalar(
            con,
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, name],
        )
    )
