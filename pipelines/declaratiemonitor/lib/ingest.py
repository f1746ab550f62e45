"""Ingestion steps shared by the Dagster assets and the in-memory rule test harness."""

import csv
import json
from datetime import date
from pathlib import Path

import duckdb

from declaratiemonitor.lib import landing, reference
from declaratiemonitor.lib.contract import Table
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.staging import later_rows_of_repeated_keys
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
    con.execute("create table if not exists meta.leeswijze (tabel varchar, leeswijze json)")


def record_readings(con: duckdb.DuckDBPyConnection, table: str, readings: list[dict]) -> None:
    """How each file of `table` was read (format, encoding, separator, adjustments)."""
    con.execute("delete from meta.leeswijze where tabel = ?", [table])
    if readings:
        con.executemany(
            "insert into meta.leeswijze values (?, ?)",
            [[table, json.dumps(r, ensure_ascii=False)] for r in readings],
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
    for reading in stats.readings:
        reading["bestand"] = REPO_PREFIX + reading["bestand"]
    return stats


def load_retourcodes(con: duckdb.DuckDBPyConnection) -> None:
    """staging.retourcodes: the WJ001 list with `afwijzing` and the rule that checks the code's
    technical rule (data/reference/iwmo/BRON.md): the models that read the 325 answers tell a
    rejection from a remark by it, the kwaliteit page sets rules beside codes."""
    rules = {r["code"]: r["rule_id"] for r in _csv_rows("retourcode_regels.csv")}
    rows = [
        (r["code"], r["omschrijving"], r["afwijzing"] == "true", rules.get(r["code"]))
        for r in _csv_rows("wj001_retourcodes.csv")
    ]
    con.execute(
        "create or replace table staging.retourcodes "
        "(code varchar primary key, omschrijving varchar, afwijzing boolean, rule_id varchar)"
    )
    con.executemany("insert into staging.retourcodes values (?, ?, ?, ?)", rows)


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / "iwmo" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def keep_latest_allocation(con: duckdb.DuckDBPyConnection) -> None:
    """A later 301 with the same number replaces the earlier one (CONTRACT.md); every valid
    version stays in staging.toewijzingen_versies. Only the numbers with more than one version
    are numbered and their older versions deleted, so the latest versions need no second copy
    and no window over every allocation (the table keeps its `_volgnr` order)."""
    con.execute("create or replace table staging.toewijzingen_versies as from staging.toewijzingen")
    older = later_rows_of_repeated_keys(
        "staging.toewijzingen",
        ["gemeente_code", "toewijzing_nummer"],
        "toewijzing_datum desc, _volgnr desc",
        "_volgnr",
    )
    con.execute(f"create or replace temp table _older as {older}")
    if scalar(con, "select count(*) from _older"):
        con.execute(
            "delete from staging.toewijzingen where _volgnr in (select _volgnr from _older)"
        )
    con.execute("drop table _older")


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
