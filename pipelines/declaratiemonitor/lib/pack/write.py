"""Write packs: one provider (`aanbieder rapport`), every provider with open signals (`--alle`)
and, in the nightly run, every provider with new signals into OUT/aanbieders/ (staged and
published with the warehouse; main.aanbieder_pakketten remembers the latest pack per provider
for the dashboard page Aanbieders)."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from declaratiemonitor.lib.dashboard_queries import has_table
from declaratiemonitor.lib.pack import data, excel, html
from declaratiemonitor.lib.pack.selection import Selection
from declaratiemonitor.lib.publish import atomic_path

FOLDER = "aanbieders"  # OUT/aanbieders/: the nightly packs
PACKS_DDL = """create table if not exists main.aanbieder_pakketten (
    aanbieder_agb varchar, peildatum date, html varchar, xlsx varchar, signalen bigint,
    impact_cents bigint, geschreven_op timestamp, primary key (aanbieder_agb, peildatum))"""
PROVIDERS = """
select distinct aanbieder_agb from main.signals
where aanbieder_agb is not null and list_contains($statuses::varchar[], status)
    and ($gemeente::varchar is null or gemeente_code = $gemeente)
    and ($vanaf::date is null or period_end is null or period_end >= $vanaf)
order by aanbieder_agb
"""


@dataclass(frozen=True)
class Written:
    pack: data.Pack
    xlsx: Path
    html: Path


def file_stem(selection: Selection, peildatum: date) -> str:
    parts = ["terugkoppeling", selection.aanbieder, selection.gemeente, peildatum.isoformat()]
    return "_".join(p for p in parts if p)


def write_pack(pack: data.Pack, folder: Path) -> Written:
    """The Excel workbook and the HTML page side by side; each written aside and renamed."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(pack.selection, pack.peildatum)
    xlsx, page = folder / f"{stem}.xlsx", folder / f"{stem}.html"
    with atomic_path(xlsx) as tmp:
        excel.write_workbook(pack, tmp)
    with atomic_path(page) as tmp:
        tmp.write_text(html.render(pack, xlsx.name), encoding="utf-8")
    return Written(pack, xlsx, page)


def providers_with(con: duckdb.DuckDBPyConnection, selection: Selection) -> list[str]:
    """Providers with signals that match the selection (its aanbieder is ignored)."""
    params = {
        "statuses": list(selection.statuses),
        "gemeente": selection.gemeente,
        "vanaf": selection.vanaf,
    }
    return [r[0] for r in con.sql(PROVIDERS, params=params).fetchall()]


def write_all(con: duckdb.DuckDBPyConnection, selection: Selection, folder: Path) -> list[Written]:
    """One pack per provider with matching signals."""
    packs = data.build_many(con, selection, providers_with(con, selection))
    return [write_pack(pack, folder) for pack in packs if not pack.empty]


def write_nightly(con: duckdb.DuckDBPyConnection, out: Path) -> list[Written]:
    """The run's packs: every provider with a new signal gets a pack of all its open signals
    (nieuw, open, in behandeling) in OUT/aanbieders/; recorded in main.aanbieder_pakketten."""
    new = providers_with(con, Selection("", statuses=("nieuw",)))
    written = [write_pack(p, out / FOLDER) for p in data.build_many(con, Selection(""), new)]
    con.execute(PACKS_DDL)
    for w in written:
        con.execute(
            "insert or replace into main.aanbieder_pakketten "
            "values (?, ?, ?, ?, ?, ?, current_timestamp)",
            [
                w.pack.provider.agb,
                w.pack.peildatum,
                f"{FOLDER}/{w.html.name}",
                f"{FOLDER}/{w.xlsx.name}",
                w.pack.signals.height,
                w.pack.total("impact_cents"),
            ],
        )
    return written


def latest_packs(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[date, str]]:
    """Per provider the latest nightly pack: (peildatum, html path relative to OUT)."""
    if not has_table(con, "main", "aanbieder_pakketten"):
        return {}
    rows = con.execute(
        "select aanbieder_agb, max(peildatum), arg_max(html, peildatum) "
        "from main.aanbieder_pakketten group by aanbieder_agb"
    ).fetchall()
    return {agb: (day, path) for agb, day, path in rows}
