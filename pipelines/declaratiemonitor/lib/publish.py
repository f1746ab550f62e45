"""Write the output folder of CONTRACT.md: signals.parquet, quarantine/, run_summary.json.

Every file is written next to its final name and then renamed over it, so a run that is killed
halfway never leaves a half-written file behind (docs/operations.md).
"""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from declaratiemonitor.lib import afhandeling
from declaratiemonitor.lib.faults import gates
from declaratiemonitor.lib.operations.incremental import MONTH_COLUMNS
from declaratiemonitor.lib.quality import recorded as recorded_findings
from declaratiemonitor.lib.rule_sql import rule_table
from declaratiemonitor.lib.signals import lifecycle_counts
from declaratiemonitor.lib.warehouse import scalar


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary name to write to; renamed to `path` when the block ends without error."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


ORDER = "rule_id, gemeente_code, toewijzing_nummer, period_start, signal_id"


def write_signals(con: duckdb.DuckDBPyConnection, out: Path) -> Path:
    """signals.parquet: this run's signals; signal_history.parquet: also those opgelost."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "signals.parquet"
    with atomic_path(path) as tmp:
        con.execute(f"copy (from main.signals order by {ORDER}) to '{_esc(tmp)}' (format parquet)")
    with atomic_path(out / "signal_history.parquet") as tmp:
        con.execute(
            f"copy (from main.signal_history order by {ORDER}) to '{_esc(tmp)}' (format parquet)"
        )
    return path


def write_quarantine(con: duckdb.DuckDBPyConnection, out: Path) -> list[Path]:
    """One Parquet file per table with quarantined rows; the BSN is already a client_key."""
    folder = out / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    written = []
    for (table,) in con.execute("select distinct tabel from staging.quarantine").fetchall():
        path = folder / f"{table}.parquet"
        with atomic_path(path) as tmp:
            con.execute(
                f"""copy (select tabel, _bron as bron, _regel as regel, reden, record
                          from staging.quarantine where tabel = '{_esc(table)}'
                          order by bron, try_cast(regel as bigint), regel)
                    to '{_esc(tmp)}' (format parquet)"""
            )
        written.append(path)
    return written


def run_summary(con: duckdb.DuckDBPyConnection, rule_ids: list[str]) -> dict:
    readings = _readings(con)
    tables = {}
    for row in con.execute("from meta.tabel_tellingen order by tabel").fetchall():
        name, files, read, landed, quarantined, notes = row
        tables[name] = {
            "bestanden": files or [],
            "gelezen": read,
            "geland": landed,
            "quarantaine": quarantined,
            "sluitend": read == (landed or 0) + (quarantined or 0),
            "opmerkingen": notes or [],
            "leeswijze": readings.get(name, []),
        }
    unusable = gates.unusable_tables(con)
    for name, table in tables.items():
        table["onbruikbaar"] = name in unusable
    not_judged = gates.not_judged(con)
    rules = {}
    for rule_id in rule_ids:
        count, impact = con.execute(
            f"select count(*), coalesce(sum(impact_cents), 0) from {rule_table(rule_id)}"
        ).fetchall()[0]
        rules[rule_id] = {
            "signalen": count,
            "impact_cents": int(impact),
            **_paid(con, rule_id),
        }
        if rule_id in not_judged:
            rules[rule_id] |= {"status": "niet beoordeeld", "reden": not_judged[rule_id]}
    timings = dict(con.execute("from meta.stap_tijden order by stap").fetchall())
    quality = recorded_findings(con)
    peildatum = con.execute("select peildatum from meta.run_context").fetchall()[0][0]
    return {
        "peildatum": str(peildatum),
        "tabellen": tables,
        "regels": rules,
        "signalen_totaal": sum(r["signalen"] for r in rules.values()),
        "impact_cents_totaal": sum(r["impact_cents"] for r in rules.values()),
        "impact_betaald_cents_totaal": sum(
            r.get("impact_betaald_cents", r["impact_cents"]) for r in rules.values()
        ),
        "afhandeling": afhandeling.summary(con),
        "niet_beoordeeld": {r: why for r, why in not_judged.items() if r in rules},
        "onbruikbare_tabellen": {t: u.describe() for t, u in unusable.items()},
        "kwaliteit": quality,
        "levenscyclus": lifecycle_counts(con),
        "laden": _loads(con),
        "stappen_seconden": timings,
    }


def _paid(con: duckdb.DuckDBPyConnection, rule_id: str) -> dict:
    """The rule's impact on lines the back office did not reject, and its signals per
    afhandeling (main.signals of this run; {} before the signals step)."""
    if not scalar(con, "select count(*) from duckdb_tables() where table_name = 'signals'"):
        return {}
    paid, *_ = con.execute(
        "select coalesce(sum(impact_betaald_cents), 0) from main.signals where rule_id = ?",
        [rule_id],
    ).fetchall()[0]
    per = con.execute(
        "select afhandeling, count(*) from main.signals where rule_id = ? "
        "and afhandeling is not null group by all order by 1",
        [rule_id],
    ).fetchall()
    return {"impact_betaald_cents": int(paid), "afhandeling": dict(per)}


def _readings(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """Per table how each file was read (meta.leeswijze, written by the landing assets)."""
    if not scalar(con, "select count(*) from duckdb_tables() where table_name = 'leeswijze'"):
        return {}
    out: dict[str, list[dict]] = {}
    for table, reading in con.execute("select tabel, leeswijze from meta.leeswijze").fetchall():
        out.setdefault(table, []).append(json.loads(reading))
    return out


def unaccounted(con: duckdb.DuckDBPyConnection) -> str | None:
    """A Dutch sentence when a table's files hold more (or fewer) records than were landed
    plus quarantined: a reader lost lines, and the run must not look complete."""
    rows = con.execute(
        """select tabel, gelezen, coalesce(geland, 0), coalesce(quarantaine, 0)
           from meta.tabel_tellingen
           where gelezen is distinct from coalesce(geland, 0) + coalesce(quarantaine, 0)
           order by tabel"""
    ).fetchall()
    if not rows:
        return None
    parts = [
        f"{t}: de bestanden bevatten {_nl(read)} regels, maar {_nl(landed)} zijn geland en "
        f"{_nl(quarantined)} staan in quarantaine ({_nl(read - landed - quarantined)} niet "
        "verantwoord)"
        for t, read, landed, quarantined in rows
    ]
    return (
        f"De telling sluit niet voor {'; '.join(parts)}. De signalen zijn niet bijgewerkt; "
        "zie run_summary.json (sluitend: false) en de opmerkingen daarin."
    )


def _loads(con: duckdb.DuckDBPyConnection) -> dict:
    """Per monthly loaded table: the months this run (re)loaded and how many stayed as they were."""
    if not scalar(con, "select count(*) from duckdb_tables() where table_name = 'laadlog'"):
        return {}
    loads = {}
    for table in MONTH_COLUMNS:
        months = con.execute(
            "select coalesce(strftime(maand, '%Y-%m'), 'onbekend') from meta.laadlog "
            "where tabel = ? order by maand",
            [table],
        ).fetchall()
        kept = scalar(
            con,
            """select count(*) from meta.laadstatus as s where tabel = ? and not exists
               (from meta.laadlog as l where l.tabel = s.tabel and l.maand = s.maand)""",
            [table],
        )
        loads[table] = {"maanden_geladen": [m for (m,) in months], "maanden_ongewijzigd": kept}
    return loads


def write_summary(summary: dict, out: Path) -> Path:
    path = out / "run_summary.json"
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _nl(n: int) -> str:
    return f"{n:_}".replace("_", ".")


def _esc(value) -> str:
    return str(value).replace("'", "''")
