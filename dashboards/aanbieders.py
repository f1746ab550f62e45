"""Aanbieders: a scorecard per provider and its utilisation compared with other providers."""

import plotly.graph_objects as go
import polars as pl

from declaratiemonitor.lib import dashboard_render as r

ORDER = 2
TITLE = "Aanbieders"
DESCRIPTION = (
    "Scorecard per aanbieder: gedeclareerd bedrag, signalen, bedrag op het spel, aandeel "
    "gemarkeerde declaratieregels en de uitnutting naast die van andere aanbieders."
)
TOP = 15
MAX_POINTS = 1_500  # above this a box shows its outliers only
LABELLED = 8  # providers named next to their dot (the card is sorted on euro at stake)

SCORECARD = """
with claims as (
    select aanbieder_agb, count(*) as regels, sum(ingediend_bedrag_cents) as gedeclareerd_cents,
        string_agg(distinct gemeente_code, ', ' order by gemeente_code) as gemeenten
    from models.declaraties_netto group by aanbieder_agb
),
flagged_refs as (
    select distinct aanbieder_agb, unnest(evidence) as referentie_nummer from main.signals
),
flagged as (
    select d.aanbieder_agb, count(*) as gemarkeerd
    from models.declaraties_netto as d
    inner join flagged_refs as f using (aanbieder_agb, referentie_nummer)
    group by d.aanbieder_agb
),
signals as (
    select aanbieder_agb, count(*) as signalen, count(*) filter (where severity = 'hoog') as hoog,
        count(*) filter (where status = 'nieuw') as nieuw,
        coalesce(sum(impact_cents), 0) as impact_cents
    from main.signals where aanbieder_agb is not null group by aanbieder_agb
)
select aanbieder_agb, coalesce(c.gemeenten, '-') as gemeenten, coalesce(c.regels, 0) as regels,
    coalesce(c.gedeclareerd_cents, 0) as gedeclareerd_cents, coalesce(s.signalen, 0) as signalen,
    coalesce(s.hoog, 0) as hoog, coalesce(s.nieuw, 0) as nieuw,
    coalesce(s.impact_cents, 0) as impact_cents, coalesce(f.gemarkeerd, 0) as gemarkeerd,
    coalesce(f.gemarkeerd, 0) / nullif(c.regels, 0) as aandeel_gemarkeerd
from claims as c
full outer join signals as s using (aanbieder_agb)
left join flagged as f using (aanbieder_agb)
order by impact_cents desc, gedeclareerd_cents desc, aanbieder_agb
"""


def build(con) -> r.Page:
    card = r.query(con, SCORECARD)
    usage = r.query(con, f"from ({r.sql_text('uitnutting')}) where klasse <> 'te vroeg'")
    intro = (
        "Per aanbieder: hoeveel er is gedeclareerd, hoeveel signalen er zijn en welk bedrag op "
        "het spel staat. Het aandeel gemarkeerde regels is het deel van de declaratieregels dat "
        "als bewijs bij een signaal hoort. Klik op een AGB-code voor de signalen."
    )
    if card.is_empty():
        return r.Page(TITLE, intro, [r.Note("Geen declaraties of signalen in deze run.")])
    return r.Page(
        TITLE,
        intro,
        [
            r.Row(
                [
                    r.Chart(impact_chart(card)),
                    r.Chart(share_chart(card), "Grootte van een bol: bedrag op het spel."),
                ]
            ),
            usage_block(usage),
            scorecard_table(card),
        ],
    )


def _hover(x: dict) -> str:
    return (
        f"<b>Aanbieder {x['aanbieder_agb']}</b><br>Gemeenten: {x['gemeenten']}<br>"
        f"Gedeclareerd: {r.eur(x['gedeclareerd_cents'])} ({r.num(x['regels'])} regels)<br>"
        f"Signalen: {r.num(x['signalen'])} (hoog: {r.num(x['hoog'])}, nieuw: {r.num(x['nieuw'])})"
        f"<br>Bedrag op het spel: {r.eur(x['impact_cents'])}<br>"
        f"Gemarkeerde regels: {r.num(x['gemarkeerd'])} ({r.pct(x['aandeel_gemarkeerd'], 1)})"
    )


def impact_chart(card: pl.DataFrame) -> go.Figure:
    top = card.filter(pl.col("impact_cents") > 0).head(TOP).reverse()
    fig = go.Figure()
    fig.add_bar(
        y=top["aanbieder_agb"].to_list(),
        x=(top["impact_cents"] / 100).to_list(),
        orientation="h",
        marker_color=r.SEVERITY_COLORS["hoog"],
        name="bedrag op het spel",
        **r.hover(_hover(x) for x in top.iter_rows(named=True)),
    )
    fig.update_xaxes(tickprefix="€ ", tickformat=",.0f")
    fig.update_yaxes(type="category")
    return r.style(
        fig,
        f"Bedrag op het spel per aanbieder (top {TOP})",
        max(360, 130 + 26 * top.height),
        x="bedrag op het spel",
        y="aanbieder (AGB)",
    )


def share_chart(card: pl.DataFrame) -> go.Figure:
    data = card.filter(pl.col("gedeclareerd_cents") > 0)
    size = (data["impact_cents"] / max(data["impact_cents"].max() or 1, 1)).sqrt() * 40 + 8
    fig = go.Figure()
    fig.add_scatter(
        x=(data["gedeclareerd_cents"] / 100).to_list(),
        y=(data["aandeel_gemarkeerd"].fill_null(0) * 100).to_list(),
        mode="markers+text",
        text=[
            a if i < LABELLED and c > 0 else ""
            for i, (a, c) in enumerate(data.select("aanbieder_agb", "impact_cents").iter_rows())
        ],
        textposition="top center",
        marker={
            "size": size.to_list(),
            "color": r.PALETTE[0],
            "opacity": 0.7,
            "line": {"color": "white", "width": 1},
        },
        name="aanbieder",
        **r.hover(_hover(x) for x in data.iter_rows(named=True)),
    )
    fig.update_xaxes(type="log", tickprefix="€ ", tickformat=",.0f")
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    return r.style(
        fig,
        "Gedeclareerd bedrag en aandeel gemarkeerde regels",
        x="gedeclareerd bedrag (logaritmische schaal)",
        y="aandeel gemarkeerde regels",
    )


def usage_block(usage: pl.DataFrame) -> r.ChartChoice | r.Note:
    title = "Uitnutting ten opzichte van de lineaire norm, per aanbieder en productsoort"
    soorten = (
        usage.group_by("soort")
        .agg(pl.len().alias("n"))
        .sort(["n", "soort"], descending=[True, False])["soort"]
        .to_list()
    )
    if not soorten:
        return r.empty(title)
    options = {
        f"{s} ({usage.filter(pl.col('soort') == s).height} toewijzingen)": usage_chart(
            usage.filter(pl.col("soort") == s), s
        )
        for s in soorten
    }
    return r.ChartChoice(
        title,
        "Productsoort",
        options,
        note=(
            "100 % = precies volgens de lineaire norm (gedeclareerd deel = verstreken deel van de "
            "geldigheid). De grijze doos 'alle aanbieders' is de vergelijking."
        ),
    )


def usage_chart(part: pl.DataFrame, soort: str) -> go.Figure:
    fig = go.Figure()
    groups = [("alle aanbieders", part, r.NEUTRAAL)]
    for agb in sorted(part["aanbieder_agb"].unique().to_list()):
        groups.append((agb, part.filter(pl.col("aanbieder_agb") == agb), r.PALETTE[0]))
    for name, rows, color in groups:
        _box(fig, name, rows, color)
    fig.add_hline(
        y=100,
        line={"color": "#52606d", "dash": "dash"},
        annotation_text="lineaire norm (100 %)",
        annotation_position="top left",
    )
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    fig.update_xaxes(type="category")
    return r.style(
        fig,
        f"Uitnutting t.o.v. de norm per aanbieder — {soort}",
        460,
        x="aanbieder (AGB)",
        y="gedeclareerd / norm",
    )


def _box(fig: go.Figure, name: str, rows: pl.DataFrame, color: str) -> None:
    """One box; every allocation as a dot (with its own hover text) unless there are many."""
    every = rows.height <= MAX_POINTS
    texts = [
        f"Toewijzing {t}<br>Aanbieder {a}<br>Uitnutting t.o.v. norm: {r.pct(u, 0)}"
        for t, a, u in rows.select("toewijzing_nummer", "aanbieder_agb", "u_f").iter_rows()
    ]
    fig.add_box(
        y=(rows["u_f"] * 100).round(1).to_numpy(),
        name=name,
        marker_color=color,
        boxpoints="all" if every else "outliers",
        jitter=0.4,
        pointpos=0,
        showlegend=False,
        yhoverformat=",.0f",
        hovertext=texts if every else None,
    )


def scorecard_table(card: pl.DataFrame) -> r.Table:
    rows = [
        [
            r.c_link(x["aanbieder_agb"], f"signalen.html#aanbieder={x['aanbieder_agb']}"),
            x["gemeenten"],
            r.c_eur(x["gedeclareerd_cents"]),
            r.c_num(x["regels"]),
            r.c_num(x["signalen"]),
            r.c_num(x["hoog"]),
            r.c_num(x["nieuw"]),
            r.c_eur(x["impact_cents"]),
            r.c_pct(x["aandeel_gemarkeerd"], 1),
        ]
        for x in card.iter_rows(named=True)
    ]
    columns = [
        r.Column("aanbieder", "Aanbieder (AGB)"),
        r.Column("gemeenten", "Gemeenten"),
        r.Column("gedeclareerd", "Gedeclareerd", True),
        r.Column("regels", "Regels", True),
        r.Column("signalen", "Signalen", True),
        r.Column("hoog", "Hoog", True),
        r.Column("nieuw", "Nieuw", True),
        r.Column("bedrag", "Bedrag op het spel", True),
        r.Column("aandeel", "Regels gemarkeerd", True),
    ]
    return r.Table("Scorecard per aanbieder", columns, rows, per_page=25, csv="aanbieders.csv")
