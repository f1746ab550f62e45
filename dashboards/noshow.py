"""No-show en opschaling: per toewijzing a timeline of contacts, attempts, streaks, due dates."""

import plotly.graph_objects as go
import polars as pl

from declaratiemonitor.lib import dashboard as r

ORDER = 5
FAMILIES = ("noshow", "escalatie")  # its rules (banner: not judged)
TITLE = "No-show en opschaling"
DESCRIPTION = (
    "Tijdlijn per toewijzing van contacten, contactpogingen en no-shows, met de reeksen zonder "
    "contact en de datum waarop had moeten worden opgeschaald."
)
CHOICES = 40
ROWS = ["declaratie", "inhoudelijk contact", "no-show", "contactpoging", "overig contact"]
STATUS_ORDER = {
    "opschalen was nodig": 0,
    "loopt, opschalen gepland": 1,
    "loopt": 2,
    "afgesloten met contact": 3,
}
RESULT_COLORS = {"inhoudelijk": r.GOED, "geen_contact": r.FOUT, "vluchtig": r.LET_OP}

TABLE_ROWS = 5_000  # streak table rows in the page (most urgent first); a note gives the total
STREAKS = "create or replace temp table dash_reeksen as {sql}"
# first those with signals (largest impact first), then most escalations due and attempts
CHOSEN = f"""
with signalled as (
    select toewijzing_nummer, sum(impact_cents) as impact_cents, count(*) as signalen
    from main.signals where rule_id like 'escalatie.%' or rule_id like 'noshow.%'
        or rule_id = 'declaratie.meer_dan_geregistreerd'
    group by toewijzing_nummer
),
per_allocation as (
    select toewijzing_nummer, gemeente_code, sum(pogingen) as pogingen,
        count(*) filter (where status = 'opschalen was nodig') as nodig,
        first(aanbieder_agb) as aanbieder_agb
    from dash_reeksen group by toewijzing_nummer, gemeente_code
)
select p.*, s.impact_cents, s.signalen
from per_allocation as p left join signalled as s using (toewijzing_nummer)
order by coalesce(s.impact_cents, -1) desc, p.nodig desc, p.pogingen desc, p.toewijzing_nummer,
    p.gemeente_code
limit {CHOICES}
"""
# the columns the timeline shows (the others, e.g. the norms as decimals, are slow to convert)
CHOSEN_CONTACTS = """
select toewijzing_nummer, contact_id, gepland_begin, soort, kanaal, resultaat, afgezegd_op,
    minuten_gedeclareerd, is_inhoudelijk, reeks, poging_nr
from ({sql}) order by gepland_begin, contact_id
"""
CHOSEN_STREAKS = """
select * exclude (client_key) from dash_reeksen
where toewijzing_nummer in (select toewijzing_nummer from dash_keuze)
"""
# every provider with contacts; the norm is the gemeente's (via the allocation), else 15 minutes;
# only the allocations of no-shows are looked up (only their count uses the norm)
PER_PROVIDER = """
with allocation as (
    select toewijzing_nummer, client_key, min(gemeente_code) as gemeente_code
    from models.toewijzingen
    where toewijzing_nummer in (
        select distinct toewijzing_nummer from staging.contactmomenten where soort = 'no_show'
    )
    group by toewijzing_nummer, client_key
),
counted as (
    select c.aanbieder_agb,
        count(*) filter (where c.soort = 'no_show' and not c.minuten_gedeclareerd
            > coalesce(p.noshow_max_minuten, 15)) as "no-show binnen de norm",
        count(*) filter (where c.soort = 'no_show' and c.minuten_gedeclareerd
            > coalesce(p.noshow_max_minuten, 15)) as "no-show met te veel minuten",
        count(*) filter (where c.soort = 'contactpoging') as contactpoging
    from staging.contactmomenten as c
    left join allocation as a on c.toewijzing_nummer = a.toewijzing_nummer
        and c.client_key = a.client_key
    left join staging.regelparameters as p on a.gemeente_code = p.gemeente_code
    where c.soort in ('no_show', 'contactpoging')
    group by c.aanbieder_agb
)
select aanbieder_agb,
    coalesce(c."no-show binnen de norm", 0) as "no-show binnen de norm",
    coalesce(c."no-show met te veel minuten", 0) as "no-show met te veel minuten",
    coalesce(c.contactpoging, 0) as contactpoging
from (select distinct aanbieder_agb from staging.contactmomenten)
left join counted as c using (aanbieder_agb)
order by aanbieder_agb nulls first
"""
# the most urgent first: status, then the earliest escalation date, then the most attempts
TABLE = f"""
with ordered as (
    select *, count(*) over () as totaal,
        case status {" ".join(f"when '{s}' then {i}" for s, i in STATUS_ORDER.items())}
            else 9 end as volgorde
    from dash_reeksen
),
shown as (
    from ordered order by volgorde, opschalen_op nulls last, pogingen desc,
        toewijzing_nummer, gemeente_code, reeks limit {TABLE_ROWS}
)
select * from shown
order by volgorde, opschalen_op nulls last, pogingen desc, toewijzing_nummer, gemeente_code, reeks
"""
CLAIMS = """
select d.toewijzing_nummer, d.gemeente_code, d.referentie_nummer, d.begindatum, d.einddatum,
    d.geleverd_volume, d.eenheid, d.ingediend_bedrag_cents
from models.declaraties_netto as d
inner join dash_keuze as k using (gemeente_code, toewijzing_nummer)
order by d.begindatum, d.referentie_nummer, d.einddatum, d.ingediend_bedrag_cents
"""


def build(con) -> r.Page:
    con.execute(STREAKS.format(sql=r.sql_text("reeksen")))
    try:
        return _page(con)
    finally:
        con.execute("drop table if exists dash_reeksen")


def _page(con) -> r.Page:
    intro = (
        "Een reeks is een periode met alleen contactpogingen en no-shows zonder inhoudelijk "
        "contact. Na minstens 8 pogingen en 8 weken moet de aanbieder opschalen naar de gemeente "
        "in plaats van door te declareren. Rode lijn: datum waarop opschalen nodig was."
    )
    # every attempt is in a streak: no streaks, no attempts
    streaks = con.execute("select count(*) from dash_reeksen").fetchall()
    if not streaks[0][0]:
        return r.Page(TITLE, intro, [r.Note("Geen contactpogingen of no-shows in deze run.")])
    peildatum, names = r.peildatum(con), r.names(con)
    return r.Page(
        TITLE,
        intro,
        [
            timeline_block(con, r.with_labels(r.query(con, CHOSEN), names), peildatum),
            r.Chart(provider_chart(r.with_labels(r.query(con, PER_PROVIDER), names))),
            streak_table(r.with_labels(r.query(con, TABLE), names)),
        ],
    )


def timeline_block(con, chosen: pl.DataFrame, peildatum) -> r.ChartChoice:
    con.register("dash_keuze", chosen.select("gemeente_code", "toewijzing_nummer").to_arrow())
    try:
        claims = r.query(con, CLAIMS)
        contacts = r.query(con, CHOSEN_CONTACTS.format(sql=r.sql_text("contacten")))
        streaks = r.query(con, CHOSEN_STREAKS)
    finally:
        con.unregister("dash_keuze")
    options = {}
    contacts_of, streaks_of, claims_of = _split(contacts), _split(streaks), _split(claims)
    for x in chosen.iter_rows(named=True):
        nr = x["toewijzing_nummer"]
        label = f"{nr} · aanbieder {x['aanbieder_label']} · {x['pogingen']} pogingen" + (
            " · opschalen was nodig" if x["nodig"] else ""
        )
        options[label] = timeline_chart(
            nr,
            contacts_of.get(nr, contacts.clear()),
            streaks_of.get(nr, streaks.clear()),
            claims_of.get(nr, claims.clear()),
            peildatum,
        )
    return r.ChartChoice(
        "Tijdlijn per toewijzing: contacten, pogingen en opschalen",
        "Toewijzing",
        options,
        note="Gekleurde vlakken: reeksen zonder inhoudelijk contact. "
        "Rood gemarkeerde declaraties liggen na de datum van opschalen.",
    )


def _split(df: pl.DataFrame) -> dict:
    """The rows of each toewijzing_nummer in their order (one split instead of a filter per
    chart); like `filter(toewijzing_nummer == nr)`, no rows for a null number."""
    parts = df.partition_by("toewijzing_nummer", as_dict=True)
    return {key[0]: part for key, part in parts.items() if key[0] is not None}


def _row(x: dict) -> str:
    if x["is_inhoudelijk"]:
        return "inhoudelijk contact"
    if x["soort"] == "no_show":
        return "no-show"
    return "contactpoging" if x["soort"] == "contactpoging" else "overig contact"


def _contact_text(x: dict, numbers: dict[int, int]) -> str:
    text = (
        f"<b>{x['contact_id']}</b> {r.esc(x['soort'])} via {r.esc(x['kanaal'])}<br>"
        f"{x['gepland_begin'].strftime('%d-%m-%Y %H:%M')}<br>Resultaat: "
        f"{r.esc(x['resultaat'])}<br>{r.num(x['minuten_gedeclareerd'])} minuten geregistreerd"
    )
    if x["poging_nr"]:
        text += f"<br>Poging {x['poging_nr']} in reeks {numbers.get(x['reeks'], '?')}"
    if x["afgezegd_op"]:
        text += f"<br>Afgezegd op {x['afgezegd_op'].strftime('%d-%m-%Y %H:%M')}"
    return text


def timeline_chart(nr, contacts, streaks, claims, peildatum) -> go.Figure:
    fig = go.Figure()
    numbers = dict(streaks.select("reeks", "reeks_nr").iter_rows())
    contact_rows = list(contacts.iter_rows(named=True))
    for result, color in RESULT_COLORS.items():
        part = [x for x in contact_rows if x["resultaat"] == result]
        if part:
            fig.add_scatter(
                x=[x["gepland_begin"] for x in part],
                y=[_row(x) for x in part],
                mode="markers",
                name=result.replace("_", " "),
                marker={
                    "color": color,
                    "size": 11,
                    "symbol": "circle" if result == "inhoudelijk" else "x",
                    "line": {"width": 1, "color": "white"},
                },
                **r.hover(_contact_text(x, numbers) for x in part),
            )
    shapes, annotations = [], []
    for s in streaks.iter_rows(named=True):
        _streak_shapes(shapes, annotations, s, peildatum)
    _claims(fig, claims, streaks)
    shape, annotation = r.vline_parts(peildatum, f"peildatum {r.datum(peildatum)}")
    r.add_unchecked(fig, [*shapes, shape], [*annotations, annotation])
    shown = {_row(x) for x in contact_rows}
    rows = [row for row in ROWS if row == "declaratie" or row in shown]
    fig.update_yaxes(categoryorder="array", categoryarray=rows, range=[-0.5, len(rows) - 0.5])
    r.date_axis(fig)
    return r.style(
        fig, f"Toewijzing {nr}: contacten, pogingen en declaraties in de tijd", 440, x="datum"
    )


def _streak_shapes(shapes: list, annotations: list, s: dict, peildatum) -> None:
    end = s["contact_op"] or peildatum
    shapes.append(
        {
            "type": "rect",
            "x0": s["begin_reeks"],
            "x1": end,
            "y0": 0,
            "y1": 1,
            "yref": "paper",
            "fillcolor": "rgba(215,48,39,0.08)",
            "line": {"width": 0},
            "layer": "below",
        }
    )
    annotations.append(
        {
            "x": s["begin_reeks"],
            "y": 0.02,
            "yref": "paper",
            "xanchor": "left",
            "showarrow": False,
            "text": f"reeks {s['reeks_nr']}: {s['pogingen']} pogingen",
            "font": {"size": 11, "color": "#7f1d1d"},
        }
    )
    if s["opschalen_op"] is not None:
        shape, annotation = r.vline_parts(
            s["opschalen_op"], f"opschalen {r.datum(s['opschalen_op'])}", r.FOUT, "solid"
        )
        shapes.append(shape)
        annotations.append(annotation)


def _claims(fig: go.Figure, claims: pl.DataFrame, streaks: pl.DataFrame) -> None:
    if claims.is_empty():
        return
    due = [
        (s["opschalen_op"], s["contact_op"])
        for s in streaks.iter_rows(named=True)
        if s["opschalen_op"] is not None
    ]
    late = [
        any(d < c["begindatum"] and (e is None or c["begindatum"] < e) for d, e in due)
        for c in claims.iter_rows(named=True)
    ]
    fig.add_scatter(
        x=claims["begindatum"].to_list(),
        y=["declaratie"] * claims.height,
        mode="markers",
        name="declaratieregel",
        marker={
            "symbol": "square",
            "size": 10,
            "color": [r.FOUT if x else r.NEUTRAAL for x in late],
        },
        **r.hover(
            f"Declaratieregel {c['referentie_nummer']}<br>"
            f"{r.periode(c['begindatum'], c['einddatum'])}<br>"
            f"{r.num(c['geleverd_volume'])} {r.EENHEDEN.get(c['eenheid'], '')}, "
            f"{r.eur(c['ingediend_bedrag_cents'])}"
            + ("<br><b>na de datum van opschalen</b>" if x else "")
            for c, x in zip(claims.iter_rows(named=True), late, strict=True)
        ),
    )


def provider_chart(per: pl.DataFrame) -> go.Figure:
    """per: no-shows within and above the norm and contactpogingen per provider."""
    fig = go.Figure()
    for name, color in (
        ("no-show binnen de norm", r.LET_OP),
        ("no-show met te veel minuten", r.FOUT),
        ("contactpoging", r.PALETTE[0]),
    ):
        fig.add_bar(
            x=per["aanbieder_label"].to_list(),
            y=per[name].to_list(),
            name=name,
            marker_color=color,
            **r.hover(
                f"Aanbieder {r.esc(a)}<br>{name}: {r.num(n)}"
                for a, n in per.select("aanbieder_label", name).iter_rows()
            ),
        )
    fig.update_layout(barmode="stack", xaxis={"type": "category"})
    return r.style(
        fig,
        "No-shows en contactpogingen per aanbieder (norm: 15 minuten per no-show)",
        400,
        x="aanbieder",
        y="aantal contactmomenten",
    )


def streak_table(order: pl.DataFrame) -> r.Table:
    """order: the most urgent streaks (sorted), with the total number in `totaal`."""
    rows = [
        [
            x["toewijzing_nummer"],
            x["gemeente_label"],
            x["aanbieder_label"],
            r.c_key(x["client_key"]),
            r.c_num(x["reeks_nr"]),
            r.c_date(x["begin_reeks"]),
            r.c_num(x["pogingen"]),
            r.c_date(x["laatste_poging"]),
            r.c_date(x["contact_op"]),
            r.c_date(x["opschalen_op"]),
            x["status"],
        ]
        for x in order.iter_rows(named=True)
    ]
    columns = [
        r.Column("toewijzing", "Toewijzing"),
        r.Column("gemeente", "Gemeente"),
        r.Column("aanbieder", "Aanbieder"),
        r.Column("client", "Cliënt"),
        r.Column("reeks", "Reeks", True),
        r.Column("begin", "Eerste poging", True),
        r.Column("pogingen", "Pogingen", True),
        r.Column("laatste", "Laatste poging", True),
        r.Column("contact", "Weer contact op", True),
        r.Column("opschalen", "Opschalen uiterlijk", True),
        r.Column("status", "Status"),
    ]
    return r.Table(
        "Reeksen van pogingen zonder inhoudelijk contact",
        columns,
        rows,
        filters=["status", "aanbieder", "gemeente"],
        csv="reeksen.csv",
        max_rows=TABLE_ROWS,
        total=int(order["totaal"][0]) if order.height else 0,
    )
