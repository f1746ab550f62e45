"""Ingestion steps shared by the Dagster assets and the in-memory rule test harness."""

from datetime import date
from pathlib import Path

import duckdb

from declaratiemonitor.lib import landing, reference
from declaratiemonitor.lib.contract import Table
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.warehouse import scalar
from declaratiemonitor.paths import REFERENCE_DIR

REPO_PREFIX = "referentie/"


def ensure_meta(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create table if not exists staging.quarantine "
        "(tabel varchar, _bron varchar, _regel varchar, reden varchar, record varchar)"
    )
    con.execute(
        """create table if not exists meta.tabel_tellingen (
            tabel varchar primary key, bestanden varchar[], gelezen bigint, geland bigint,
            quarantaine bigint, opmerkingen varchar[])"""
    )


def load_repo_reference(con: duckdb.DuckDBPyConnection, table: Table) -> landing.LandingStats:
    """The repo's default rows of a reference table, marked with the `referentie/` prefix."""
    stats = landing.load_files(
        con, table, reference.repo_files(REFERENCE_DIR, table), REFERENCE_DIR
    )
    con.execute(
        f"update landing.{table.name} set _bron = ? || _bron where _bron not like ? || '%'",
        [REPO_PREFIX, REPO_PREFIX],
    )
    stats.files = [REPO_PREFIX + f for f in stats.files]
    return stats


def keep_latest_allocation(con: duckdb.DuckDBPyConnection) -> None:
    """A later 301 with the same number replaces the earlier one (CONTRACT.md); every valid
    version stays in staging.toewijzingen_versies. A count per key finds the numbers with more
    than one version; only their rows are numbered and the older ones deleted, so the latest
    versions need no second copy and no window over every allocation (the table keeps its
    `_volgnr` order)."""
    con.execute("create or replace table staging.toewijzingen_versies as from staging.toewijzingen")
    con.execute(
        """create or replace temp table _ouder as
           with versies as (select gemeente_code, toewijzing_nummer from staging.toewijzingen
                            group by all having count(*) > 1)
           select t._volgnr from staging.toewijzingen t
           semi join versies v on t.gemeente_code is not distinct from v.gemeente_code
               and t.toewijzing_nummer is not distinct from v.toewijzing_nummer
           qualify row_number() over (partition by t.gemeente_code, t.toewijzing_nummer
                                      order by t.toewijzing_datum desc, t._volgnr desc) > 1"""
    )
    if scalar(con, "select count(*) from _ouder"):
        con.execute(
            "delete from staging.toewijzingen where _volgnr in (select _volgnr from _ouder)"
        )
    con.execute("drop table _ouder")


def build_parameters(
    con: duckdb.DuckDBPyConnection, landing_dir: Path | None, extra: dict | None = None
) -> int:
    defaults, overrides = reference.load_parameters(REFERENCE_DIR, landing_dir)
    for code, values in (extra or {}).items():
        overrides.setdefault(str(code).zfill(4), {}).update(values)
    reference.check_known(defaults, overrides)
    codes = [
        r[0]
        for r in con.execute(
            """select gemeente_code from staging.toewijzingen union
           select gemeente_code from staging.declaraties union
           select gemeente_code from staging.producten"""
        ).fetchall()
    ]
    frame = reference.parameters_frame(defaults, overrides, codes)
    con.register("_params", frame.to_arrow())
    con.execute("create or replace table staging.regelparameters as from _params")
    con.unregister("_params")
    return frame.height


def set_run_context(con: duckdb.DuckDBPyConnection, peildatum: date | None) -> date:
    peildatum = peildatum or scalar(
        con, "select max(declaratie_dagtekening) from staging.declaraties"
    )
    if peildatum is None:
        raise InvoerFout("Geen peildatum: geef --peildatum op of lever declaraties aan.")
    con.execute(
        "create or replace table meta.run_context as "
        "select cast(? as date) as peildatum, current_timestamp as gestart_op",
        [peildatum],
    )
    con.execute("set variable peildatum = cast(? as date)", [peildatum])
    return peildatum
