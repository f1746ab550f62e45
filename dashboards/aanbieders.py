"""Aanbieders: a scorecard per provider (by name where known), its latest feedback pack and its
utilisation compared with other providers."""

import plotly.graph_objects as go
import polars as pl

from declaratiemonitor.lib import dashboard as r
from declaratiemonitor.lib.pack import latest_packs

ORDER = 2
TITLE = "Aanbieders"
DESCRIPTION = (
    "Scorecard per aanbieder: gedeclareerd bedrag, signalen, bedrag op het spel, aandeel "
    "gemarkeerde declaratieregels, de laatste terugkoppeling voor het contractgesprek en de "
    "uitnutting naast die van andere aanbieders."
)
TOP = 15
MAX_POINTS = 200  # a box shows every allocation up to this; above it its most extreme outliers
ALL = "alle aanbieders"

SCORECARD = """
with claims as (
    select aanbieder_agb, count(*) as regels, sum(ingediend_bedrag_cents) as gedeclareerd_cents,
        list(distinct gemeente_code order by gemeente_code) as gemeenten
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
select aanbieder_agb, coalesce(c.gemeenten, []) as gemeenten, coalesce(c.regels, 0) as regels,
    coalesce(c.gedeclareerd_cents, 0) as gedeclareerd_cents, coalesce(s.signalen, 0) as signalen,
    coalesce(s.hoog, 0) as hoog, coalesce(s.nieuw, 0) as nieuw,
    coalesce(s.impact_cents, 0) as impact_cents, coalesce(f.gemarkeerd, 0) as gemarkeerd,
    coalesce(f.gemarkeerd, 0) / nullif(c.regels, 0) as aandeel_gemarkeerd
from claims as c
full outer join signals as s using (aanbieder_agb)
left join flagged as f using (aanbieder_agb)
order by impact_cents desc, gedeclareerd_cents desc, aanbieder_agb
"""
# utilisation vs the norm in % (one decimal), per allocation: all providers and per provider
USAGE = """
create or replace temp table dash_uitnutting as
with u as (
    select soort, aanbieder_agb, toewijzing_nummer, u_f, round(u_f * 100, 1) as y
    from ({sql}) where klasse <> 'te vroeg'
)
select soort, aanbieder_agb as doos, * exclude (soort) from u where aanbieder_agb is not null
union all
select soort, null as doos, * exclude (soort) from u
"""
# box statistics as plotly computes them from the values: 'linear' quartiles (position
# p * n - 0.5 of the sorted values, interpolated), whiskers at the most extreme value within
# 1.5 IQR of the box; one row per soort and box ('alle aanbieders': doos null)
QUARTILE = "sum(y * greatest(0, 1 - abs(i - greatest(0, least(n - 1, n * {p} - 0.5)))))"
BOXES = f"""
create or replace temp table dash_dozen as
with ranked as (
    select soort, doos, y, row_number() over (partition by soort, doos order by y) - 1 as i,
        count(*) over (partition by soort, doos) as n
    from dash_uitnutting
),
stats as (
    select soort, doos, any_value(n) as n, {QUARTILE.format(p=0.25)} as q1,
        {QUARTILE.format(p=0.5)} as mediaan, {QUARTILE.format(p=0.75)} as q3
    from ranked group by soort, doos
)
select s.soort, s.doos, any_value(s.n) as n, any_value(s.q1) as q1,
    any_value(s.mediaan) as mediaan, any_value(s.q3) as q3,
    least(any_value(s.q1), min(u.y) filter (where u.y >= 2.5 * s.q1 - 1.5 * s.q3))
        as ondergrens,
    greatest(any_value(s.q3), max(u.y) filter (where u.y <= 2.5 * s.q3 - 1.5 * s.q1))
        as bovengrens
from stats as s
inner join dash_uitnutting as u on s.soort = u.soort and s.doos is not distinct from u.doos
group by s.soort, s.doos
"""
BOX_STATS = """
select *, if(n <= $max, 0, greatest(uitschieters - $max, 0)) as weggelaten from (
    select b.*, count(*) filter (where u.y < b.ondergrens or u.y > b.bovengrens) as uitschieters
    from dash_dozen as b
    inner join dash_uitnutting as u on b.soort = u.soort and b.doos is not distinct from u.doos
    group by all
)
order by soort, doos nulls first
"""
# every allocation of a small box; else its outliers, the most extreme first, taking turns
# above and below the box; jitter: a fixed sideways offset per allocation
BOX_POINTS = """
with candidates as (
    select u.*, u.y > b.bovengrens as boven,
        greatest(b.ondergrens - u.y, u.y - b.bovengrens) as afstand
    from dash_uitnutting as u
    inner join dash_dozen as b on u.soort = b.soort and u.doos is not distinct from b.doos
    where b.n <= $max or u.y < b.ondergrens or u.y > b.bovengrens
),
ranked as (
    select *, row_number() over (
        partition by soort, doos, boven order by afstand desc, toewijzing_nummer
    ) as per_kant
    from candidates
)
select soort, doos, toewijzing_nummer, aanbieder_agb, u_f, y,
    (hash(toewijzing_nummer) % 1000) / 999 * 0.4 - 0.2 as jitter
from ranked
qualify row_number() over (
    partition by soort, doos order by per_kant, afstand desc, toewijzing_nummer
) <= $max
order by soort, doos, toewijzing_nummer
"""


def build(con) -> r.Page:
    names = r.names(con)
    card = r.with_labels(r.query(con, SCORECARD), names).with_columns(
        pl.col("gemeenten").map_elements(
            lambda codes: ", ".join(names.gemeente(c) for c in codes) or "-",
            return_dtype=pl.String,
        )
    )
    intro = (
        "Per aanbieder: hoeveel er is gedeclareerd, hoeveel signalen er zijn en welk bedrag op "
        "het spel staat. Het aandeel gemarkeerde regels is het deel van de declaratieregels dat "
        "als bewijs bij een signaal hoort. Klik op een aanbieder voor de signalen, of op de "
        "terugkoppeling voor het overzicht dat u de aanbieder kunt geven (Excel en afdrukbare "
        "pagina; de nachtelijke run maakt het voor elke aanbieder met nieuwe signalen, "
        "`declaratiemonitor aanbieder rapport` op verzoek)."
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
                    r.Chart(
                        share_chart(card),
                        "Grootte van een bol: bedrag op het spel. Wijs een bol aan voor de "
                        "aanbieder; de grafiek links noemt de grootste.",
                    ),
                ]
            ),
            usage_block(*usage_boxes(con), names),
            scorecard_table(card, latest_packs(con)),
        ],
    )


def _hover(x: dict) -> str:
    return (
        f"<b>{r.esc(x['aanbieder_label'])}</b><br>Gemeenten: {r.esc(x['gemeenten'] or '-')}<br>"
        f"Gedeclareerd: {r.eur(x['gedeclareerd_cents'])} ({r.num(x['regels'])} regels)<br>"
        f"Signalen: {r.num(x['signalen'])} (hoog: {r.num(x['hoog'])}, nieuw: {r.num(x['nieuw'])})"
        f"<br>Bedrag op het spel: {r.eur(x['impact_cents'])}<br>"
        f"Gemarkeerde regels: {r.num(x['gemarkeerd'])} ({r.pct(x['aandeel_gemarkeerd'], 1)})"
    )


def impact_chart(card: pl.DataFrame) -> go.Figure:
    top = card.filter(pl.col("impact_cents") > 0).head(TOP).reverse()
    fig = go.Figure()
    fig.add_bar(
        y=top["aanbieder_label"].to_list(),
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
        y="aanbieder",
    )


def share_chart(card: pl.DataFrame) -> go.Figure:
    data = card.filter(pl.col("gedeclareerd_cents") > 0)
    size = (data["impact_cents"] / max(data["impact_cents"].max() or 1, 1)).sqrt() * 40 + 8
    fig = go.Figure()
    fig.add_scatter(
        x=(data["gedeclareerd_cents"] / 100).to_list(),
        y=(data["aandeel_gemarkeerd"].fill_null(0) * 100).to_list(),
        mode="markers",  # no names by the dots: the large providers sit on top of each other
        marker={
            "size": size.to_list(),
            "color": r.PALETTE[0],
            "opacity": 0.7,
            "line": {"color": "white", "width": 1},
        },
        name="aanbieder",
        **r.hover(_hover(x) for x in data.iter_rows(named=True)),
    )
    fig.update_xaxes(type="log", dtick=1, tickprefix="€ ", tickformat=",.0f")  # 10, 100, ...
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    return r.style(
        fig,
        "Gedeclareerd bedrag en aandeel gemarkeerde regels",
        x="gedeclareerd bedrag (logaritmische schaal)",
        y="aandeel gemarkeerde regels",
    )


def usage_boxes(con) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Box statistics per productsoort and box, and the points the boxes show."""
    con.execute(USAGE.format(sql=r.sql_text("uitnutting")))
    try:
        con.execute(BOXES)
        params = {"max": MAX_POINTS}
        return r.query(con, BOX_STATS, params), r.query(con, BOX_POINTS, params)
    finally:
        con.execute("drop table if exists dash_uitnutting; drop table if exists dash_dozen")


def usage_block(
    boxes: pl.DataFrame, points: pl.DataFrame, names: r.Names | None = None
) -> r.ChartChoice | r.Note:
    title = "Uitnutting ten opzichte van de lineaire norm, per aanbieder en productsoort"
    alle = boxes.filter(pl.col("doos").is_null())
    soorten = alle.sort(["n", "soort"], descending=[True, False])
    if soorten.is_empty():
        return r.empty(title)
    options = {
        f"{s} ({n} toewijzingen)": usage_chart(
            boxes.filter(pl.col("soort") == s), points.filter(pl.col("soort") == s), s, names
        )
        for s, n in soorten.select("soort", "n").iter_rows()
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


def usage_chart(
    boxes: pl.DataFrame, points: pl.DataFrame, soort: str, names: r.Names | None = None
) -> go.Figure:
    """boxes: 'alle aanbieders' (doos null) first, then per provider; points: what they show."""
    names = names or r.Names()
    fig = go.Figure()
    labels = []
    for i, b in enumerate(boxes.iter_rows(named=True)):
        name = names.aanbieder(b["doos"]) if b["doos"] else ALL
        color = r.NEUTRAAL if b["doos"] is None else r.PALETTE[0]
        labels.append(name)
        fig.add_box(
            x=[i],
            q1=[b["q1"]],
            median=[b["mediaan"]],
            q3=[b["q3"]],
            lowerfence=[b["ondergrens"]],
            upperfence=[b["bovengrens"]],
            name=name,
            marker_color=color,
            boxpoints=False,
            showlegend=False,
            yhoverformat=",.0f",
        )
        _points(fig, i, name, color, points.filter(pl.col("doos").eq_missing(b["doos"])), names)
    r.hline(fig, 100, {"color": "#52606d", "dash": "dash"}, "lineaire norm (100 %)")
    left_out = int(boxes["weggelaten"].sum())
    if left_out:
        fig.add_annotation(
            x=0,
            y=1.0,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font={"size": 11, "color": "#52606d"},
            text=(
                f"Per doos staan hooguit {MAX_POINTS} toewijzingen als punt (de meest afwijkende); "
                f"{r.num(left_out)} uitschieters zijn weggelaten. De dozen gaan over alle "
                "toewijzingen."
            ),
        )
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    fig.update_xaxes(
        tickvals=list(range(len(labels))), ticktext=labels, range=[-0.6, len(labels) - 0.4]
    )
    return r.style(
        fig,
        f"Uitnutting t.o.v. de norm per aanbieder — {soort}",
        460,
        x="aanbieder",
        y="gedeclareerd / norm",
    )


def _points(
    fig: go.Figure, i: int, name: str, color: str, rows: pl.DataFrame, names: r.Names
) -> None:
    """The allocations of one box as dots, spread sideways, each with its own hover text."""
    if rows.is_empty():
        return
    fig.add_scatter(
        x=(rows["jitter"] + i).to_list(),
        y=rows["y"].to_list(),
        mode="markers",
        name=name,
        marker={"color": color, "size": 5, "opacity": 0.6},
        showlegend=False,
        **r.hover(
            f"Toewijzing {t}<br>Aanbieder {r.esc(names.aanbieder(a))}<br>"
            f"Uitnutting t.o.v. norm: {r.pct(u, 0)}"
            for t, a, u in rows.select("toewijzing_nummer", "aanbieder_agb", "u_f").iter_rows()
        ),
    )


def scorecard_table(card: pl.DataFrame, packs: dict | None = None) -> r.Table:
    """One row per provider; the last column links its latest feedback pack (OUT/aanbieders/)."""
    packs = packs or {}
    rows = [
        [
            r.c_link(x["aanbieder_label"], f"signalen.html#aanbieder={x['aanbieder_agb']}"),
            x["gemeenten"],
            r.c_eur(x["gedeclareerd_cents"]),
            r.c_num(x["regels"]),
            r.c_num(x["signalen"]),
            r.c_num(x["hoog"]),
            r.c_num(x["nieuw"]),
            r.c_eur(x["impact_cents"]),
            r.c_pct(x["aandeel_gemarkeerd"], 1),
            _pack_cell(packs.get(x["aanbieder_agb"])),
        ]
        for x in card.iter_rows(named=True)
    ]
    columns = [
        r.Column("aanbieder", "Aanbieder"),
        r.Column("gemeenten", "Gemeenten"),
        r.Column("gedeclareerd", "Gedeclareerd", True),
        r.Column("regels", "Regels", True),
        r.Column("signalen", "Signalen", True),
        r.Column("hoog", "Hoog", True),
        r.Column("nieuw", "Nieuw", True),
        r.Column("bedrag", "Bedrag op het spel", True),
        r.Column("aandeel", "Regels gemarkeerd", True),
        r.Column("pakket", "Terugkoppeling"),
    ]
    return r.Table(
        "Scorecard per aanbieder",
        columns,
        rows,
        per_page=25,
        csv="aanbieders.csv",
        note="Terugkoppeling: de laatste die de nachtelijke run voor de aanbieder maakte "
        "(bij nieuwe signalen), met alle open signalen van dat moment.",
    )


def _pack_cell(pack: tuple | None) -> dict | str:
    """A link to the pack's HTML page (next to it its Excel workbook), or '-' without one."""
    if pack is None:
        return "-"
    peildatum, path = pack
    return {"t": f"peildatum {r.datum(peildatum)}", "h": f"../{path}", "s": peildatum.isoformat()}
