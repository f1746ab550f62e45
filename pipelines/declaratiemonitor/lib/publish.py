"""Write the output folder of CONTRACT.md: signals.parquet, quarantine/, run_summary.json."""

import json
from pathlib import Path

import duckdb

from declaratiemonitor.lib.quality import recorded as recorded_findings
from declaratiemonitor.lib.rule_sql import rule_table


def write_signals(con: duckdb.DuckDBPyConnection, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "signals.parquet"
    con.execute(
        f"copy (from main.signals order by rule_id, gemeente_code, toewijzing_nummer, "
        f"period_start, signal_id) to '{_esc(path)}' (format parquet)"
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
        con.execute(
            f"""copy (select tabel, _bron as bron, _regel as regel, reden, record
                      from staging.quarantine where tabel = '{_esc(table)}'
                      order by bron, try_cast(regel as bigint), regel)
                to '{_esc(path)}' (format parquet)"""
        )
        written.append(path)
    return written


def run_summary(con: duckdb.DuckDBPyConnection, rule_ids: list[str]) -> dict:
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
        }
    rules = {}
    for rule_id in rule_ids:
        count, impact = con.execute(
            f"select count(*), coalesce(sum(impact_cents), 0) from {rule_table(rule_id)}"
        ).fetchall()[0]
        rules[rule_id] = {"signalen": count, "impact_cents": int(impact)}
    timings = dict(con.execute("from meta.stap_tijden order by stap").fetchall())
    quality = recorded_findings(con)
    peildatum = con.execute("select peildatum from meta.run_context").fetchall()[0][0]
    return {
        "peildatum": str(peildatum),
        "tabellen": tables,
        "regels": rules,
        "signalen_totaal": sum(r["signalen"] for r in rules.values()),
        "impact_cents_totaal": sum(r["impact_cents"] for r in rules.values()),
        "kwaliteit": quality,
        "stappen_seconden": timings,
    }


def write_summary(summary: dict, out: Path) -> Path:
    path = out / "run_summary.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _esc(value) -> str:
    return str(value).replace("'", "''")
