"""Datakwaliteit: per table what was read, landed and quarantined, which tables were unusable
(their rules not judged), and every Great Expectations result of this run.

Our own page over the GX results (meta.kwaliteit_resultaten, lib/quality.py), not GX's data
docs: those load jQuery, Bootstrap, Vega and fonts from public CDNs, so they were empty offline
and told third parties who opened them.
"""

import plotly.graph_objects as go
import polars as pl

from declaratiemonitor.lib import dashboard as r
from declaratiemonitor.lib.afhandeling import blocks as answers
from declaratiemonitor.lib.faults import gates

ORDER = 8
TITLE = "Datakwaliteit"
DESCRIPTION = (
    "Welke aangeleverde rijen bruikbaar waren, welke in quarantaine gingen, welke "
    "kwaliteitseisen (Great Expectations) de tabellen deze run haalden en hoe onze "
    "integriteitsregels zich verhouden tot de afwijzingen van de gemeente (lekkage)."
)
TABLES_SQL = """
select t.tabel, t.gelezen, coalesce(t.geland, 0) as geland,
    coalesce(t.quarantaine, 0) as quarantaine
from meta.tabel_tellingen as t
where t.tabel <> 'xml'
order by t.tabel
"""
RESULTS_SQL = """
select tabel, kolom, verwachting, ernst, geslaagd, afwijkend, gecontroleerd, detail
from meta.kwaliteit_resultaten
order by geslaagd, tabel, kolom, verwachting
"""


def build(con) -> r.Page:
    intro = (
        "Elke aangeleverde rij wordt geland of gaat met een reden naar de quarantaine. Een "
        "tabel waarvan (bijna) alles in quarantaine ging, is onbruikbaar: de regels die haar "
        "lezen worden dan niet beoordeeld. Daaronder de uitkomst van elke kwaliteitseis."
    )
    tables = r.query(con, TABLES_SQL) if r.has_table(con, "meta", "tabel_tellingen") else None
    results = (
        r.query(con, RESULTS_SQL) if r.has_table(con, "meta", "kwaliteit_resultaten") else None
    )
    if tables is None or tables.is_empty():
        return r.Page(TITLE, intro, [r.Note("Nog geen tabellen ingelezen.")])
    unusable = set(gates.unusable_tables(con))
    blocks = [kpis(tables, results, unusable), r.Chart(rows_chart(tables, unusable))]
    blocks.append(tables_table(tables, unusable))
    if results is not None and not results.is_empty():
        blocks.append(results_table(results))
    else:
        blocks.append(r.Note("Geen kwaliteitscontroles in deze run.", "Kwaliteitseisen"))
    blocks += answers.blocks(con)  # the back office's 325s beside our integriteit rules
    return r.Page(TITLE, intro, blocks)


def kpis(tables: pl.DataFrame, results: pl.DataFrame | None, unusable: set[str]) -> r.Kpis:
    failed = 0 if results is None else results.filter(~pl.col("geslaagd")).height
    total = 0 if results is None else results.height
    return r.Kpis(
        [
            ("Rijen gelezen", r.num(int(tables["gelezen"].sum())), ""),
            ("In quarantaine", r.num(int(tables["quarantaine"].sum())), "midden"),
            ("Onbruikbare tabellen", r.num(len(unusable)), "hoog" if unusable else ""),
            ("Kwaliteitseisen niet gehaald", f"{r.num(failed)} van {r.num(total)}", ""),
        ]
    )


def rows_chart(tables: pl.DataFrame, unusable: set[str]) -> go.Figure:
    names = [f"{t} (onbruikbaar)" if t in unusable else t for t in tables["tabel"]]
    fig = go.Figure()
    for column, label, colour in (
        ("geland", "geland", r.GOED),
        ("quarantaine", "quarantaine", r.FOUT),
    ):
        fig.add_trace(
            go.Bar(
                y=names,
                x=tables[column].to_list(),
                name=label,
                orientation="h",
                marker_color=colour,
                hovertemplate="%{y}: %{x:,} rijen " + label + "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    return r.style(
        fig,
        "Gelezen rijen per tabel: geland en in quarantaine",
        max(300, 120 + 34 * len(names)),
        x="rijen",
    )


def tables_table(tables: pl.DataFrame, unusable: set[str]) -> r.Table:
    rows = []
    for t in tables.iter_rows(named=True):
        share = t["quarantaine"] / t["gelezen"] if t["gelezen"] else None
        state = "onbruikbaar: regels niet beoordeeld" if t["tabel"] in unusable else "bruikbaar"
        rows.append(
            [
                t["tabel"],
                r.c_num(t["gelezen"]),
                r.c_num(t["geland"]),
                r.c_num(t["quarantaine"]),
                r.c_pct(share, 1),
                state if t["gelezen"] else "niet aangeleverd",
            ]
        )
    columns = [
        r.Column("tabel", "Tabel", css="kort"),
        r.Column("gelezen", "Gelezen", numeric=True),
        r.Column("geland", "Geland", numeric=True),
        r.Column("quarantaine", "Quarantaine", numeric=True),
        r.Column("aandeel", "Deel in quarantaine", numeric=True),
        r.Column("bruikbaar", "Bruikbaar"),
    ]
    return r.Table(
        "Tabellen",
        columns,
        rows,
        per_page=50,
        note="De redenen per rij staan in quarantine/<tabel>.parquet in de uitvoermap.",
    )


def results_table(results: pl.DataFrame) -> r.Table:
    rows = [
        [
            x["tabel"],
            (x["kolom"] or "").replace(",", ", "),  # a key of several columns can wrap
            x["verwachting"],
            x["ernst"],
            "gehaald" if x["geslaagd"] else "niet gehaald",
            r.c_num(x["afwijkend"]),
            r.c_num(x["gecontroleerd"]),
            x["detail"] or "",
        ]
        for x in results.iter_rows(named=True)
    ]
    columns = [
        r.Column("tabel", "Tabel", css="kort"),
        r.Column("kolom", "Kolom", css="breekbaar"),
        r.Column("verwachting", "Kwaliteitseis"),
        r.Column("ernst", "Ernst", css="kort"),
        r.Column("uitkomst", "Uitkomst", css="kort"),
        r.Column("afwijkend", "Afwijkende rijen", numeric=True),
        r.Column("gecontroleerd", "Gecontroleerde rijen", numeric=True),
        r.Column("detail", "Eis", css="breed"),
    ]
    return r.Table(
        "Kwaliteitseisen (Great Expectations)",
        columns,
        rows,
        filters=["tabel", "uitkomst", "ernst"],
        per_page=50,
        csv="kwaliteitseisen.csv",
        note="Ernst fout: de run stopt voor de regels; waarschuwing: alleen gemeld. Boven "
        "200.000 rijen controleert GX een vaste steekproef (gecontroleerde rijen).",
    )
