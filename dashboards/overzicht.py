"""Overzicht: signals by rule and severity, euro at stake, new vs known, trend over runs.

`prepare` keeps main.signal_trend (one row per peildatum, rule and severity), upserted on
peildatum, so that the trend survives the nightly rebuild of main.signals.
"""

import plotly.graph_objects as go
import polars as pl

from declaratiemonitor.lib import dashboard as r

ORDER = 1
TITLE = "Overzicht"
DESCRIPTION = (
    "Waar zit het geld? Signalen per regel en ernst, het bedrag op het spel (betaald of al "
    "afgewezen door de gemeente), nieuwe en bekende signalen en het verloop over de runs."
)

TREND_TABLE = """
create table if not exists main.signal_trend (
    peildatum date, rule_id varchar, severity varchar, aantal bigint, nieuw bigint,
    impact_cents bigint, primary key (peildatum, rule_id, severity))
"""
TREND_UPSERT = """
insert into main.signal_trend
select getvariable('peildatum'), rule_id, severity, count(*),
    count(*) filter (where status = 'nieuw'), coalesce(sum(impact_cents), 0)
from main.signals group by rule_id, severity
union all
select getvariable('peildatum'), '', '', 0, 0, 0 where not exists (from main.signals)
"""
BY_RULE = """
select rule_id, severity, count(*) as aantal, count(*) filter (where status = 'nieuw') as nieuw,
    coalesce(sum(impact_cents), 0) as impact_cents,
    coalesce(sum(coalesce(impact_betaald_cents, impact_cents)), 0) as betaald_cents
from main.signals group by rule_id, severity
"""
TREND = """
with runs as (select distinct peildatum from main.signal_trend),
    sev as (select unnest(['hoog', 'midden', 'laag']) as severity)
select r.peildatum, s.severity, coalesce(sum(t.aantal), 0) as aantal,
    coalesce(sum(t.impact_cents), 0) as impact_cents
from runs as r cross join sev as s
left join main.signal_trend as t on t.peildatum = r.peildatum and t.severity = s.severity
group by r.peildatum, s.severity order by r.peildatum
"""
TOP = """
select severity, rule_id, aanbieder_agb, gemeente_code, toewijzing_nummer, impact_cents, message
from main.signals where impact_cents > 0 order by impact_cents desc, signal_id limit 10
"""
GONE = """
select count(*) from main.signal_history
where last_seen = (select max(last_seen) from main.signal_history
                   where last_seen < getvariable('peildatum'))
"""


def prepare(con) -> None:
    con.execute(TREND_TABLE)
    con.execute("begin transaction")
    con.execute("delete from main.signal_trend where peildatum = getvariable('peildatum')")
    con.execute(TREND_UPSERT)
    con.execute("commit")


def build(con) -> r.Page:
    by_rule = r.query(con, BY_RULE)
    blocks = [kpis(con, by_rule)]
    if by_rule.is_empty():
        blocks.append(r.Note("Er zijn in deze run geen signalen gevonden.", "Signalen"))
    else:
        blocks += [
            r.Row([r.Chart(count_chart(by_rule)), r.Chart(impact_chart(by_rule))]),
            r.Row([r.Chart(new_known_chart(by_rule)), trend_block(con)]),
            rule_table(by_rule),
            afhandeling_table(con),
            top_table(con),
        ]
    intro = (
        "Begin hier: welke regels slaan het vaakst aan, waar het meeste geld op het spel staat "
        "en wat er sinds de vorige run nieuw is. Klik in de tabellen door naar de signalen."
    )
    return r.Page(TITLE, intro, blocks)


def kpis(con, by_rule: pl.DataFrame) -> r.Kpis:
    total = int(by_rule["aantal"].sum() or 0)
    impact = int(by_rule["impact_cents"].sum() or 0)
    paid = int(by_rule["betaald_cents"].sum() or 0)
    new = int(by_rule["nieuw"].sum() or 0)
    high = int(by_rule.filter(pl.col("severity") == "hoog")["aantal"].sum() or 0)
    gone = con.execute(GONE).fetchall()[0][0] if r.has_table(con, "main", "signal_history") else 0
    return r.Kpis(
        [
            ("Signalen", r.num(total), ""),
            ("Bedrag op het spel", r.eur(impact), "hoog"),
            ("Waarvan betaald (of nog geen antwoord)", r.eur(paid), "hoog"),
            ("Waarvan al afgewezen door de gemeente", r.eur(impact - paid), ""),
            ("Nieuw in deze run", r.num(new), "midden"),
            ("Ernst hoog", r.num(high), "hoog"),
            ("Niet meer gevonden sinds vorige run", r.num(gone), ""),
        ]
    )


def _rule_order(by_rule: pl.DataFrame, value: str) -> list[str]:
    totals = by_rule.group_by("rule_id").agg(pl.col(value).sum()).sort([value, "rule_id"])
    return totals["rule_id"].to_list()


def _hover(row: dict) -> str:
    return (
        f"<b>{r.esc(row['rule_id'])}</b><br>{r.esc(r.rule_title(row['rule_id']))}<br>"
        f"Ernst: {row['severity']}<br>Signalen: {r.num(row['aantal'])} "
        f"(nieuw: {r.num(row['nieuw'])})<br>Bedrag op het spel: {r.eur(row['impact_cents'])}"
    )


def _per_severity_bars(by_rule: pl.DataFrame, value: str, scale: float) -> go.Figure:
    fig = go.Figure()
    for sev in r.SEVERITIES:
        part = by_rule.filter(pl.col("severity") == sev)
        if part.is_empty():
            continue
        fig.add_bar(
            y=part["rule_id"].to_list(),
            x=(part[value] / scale).to_list(),
            orientation="h",
            name=f"ernst {sev}",
            marker_color=r.SEVERITY_COLORS[sev],
            **r.hover(_hover(row) for row in part.iter_rows(named=True)),
        )
    order = _rule_order(by_rule, value)
    fig.update_layout(barmode="stack", yaxis={"categoryorder": "array", "categoryarray": order})
    return fig


def _height(by_rule: pl.DataFrame) -> int:
    return max(360, 150 + 26 * by_rule["rule_id"].n_unique())


def count_chart(by_rule: pl.DataFrame) -> go.Figure:
    fig = _per_severity_bars(by_rule, "aantal", 1)
    return r.style(
        fig, "Aantal signalen per regel, naar ernst", _height(by_rule), x="aantal signalen"
    )


def impact_chart(by_rule: pl.DataFrame) -> go.Figure:
    fig = _per_severity_bars(by_rule, "impact_cents", 100)
    fig.update_xaxes(tickprefix="€ ", tickformat=",.0f")
    return r.style(
        fig, "Bedrag op het spel per regel (euro)", _height(by_rule), x="bedrag op het spel"
    )


def new_known_chart(by_rule: pl.DataFrame) -> go.Figure:
    sev = by_rule.group_by("severity").agg(pl.col("aantal").sum(), pl.col("nieuw").sum())
    counts = {row["severity"]: row for row in sev.iter_rows(named=True)}
    fig = go.Figure()
    for label, color, pick in (
        ("nieuw in deze run", r.PALETTE[3], lambda x: x["nieuw"]),
        ("bekend uit eerdere runs", r.NEUTRAAL, lambda x: x["aantal"] - x["nieuw"]),
    ):
        values = [pick(counts[s]) if s in counts else 0 for s in r.SEVERITIES]
        texts = [
            f"Ernst {s}<br>{label}: {r.num(v)}" for s, v in zip(r.SEVERITIES, values, strict=True)
        ]
        fig.add_bar(
            x=[f"ernst {s}" for s in r.SEVERITIES],
            y=values,
            name=label,
            marker_color=color,
            **r.hover(texts),
        )
    fig.update_layout(barmode="stack")
    return r.style(fig, "Nieuwe en bekende signalen per ernst", y="aantal signalen")


def trend_block(con) -> r.Chart | r.Note:
    trend = r.query(con, TREND) if r.has_table(con, "main", "signal_trend") else pl.DataFrame()
    if trend.is_empty():
        return r.empty("Verloop over runs")
    fig = go.Figure()
    totals = trend.group_by("peildatum").agg(pl.col("impact_cents").sum()).sort("peildatum")
    fig.add_bar(
        x=totals["peildatum"].to_list(),
        y=(totals["impact_cents"] / 100).to_list(),
        name="bedrag op het spel",
        marker_color="#d9e2ec",
        **r.hover(
            f"Peildatum {r.datum(d)}<br>Bedrag op het spel: {r.eur(c)}"
            for d, c in totals.iter_rows()
        ),
    )
    for sev in r.SEVERITIES:
        part = trend.filter(pl.col("severity") == sev)
        fig.add_scatter(
            x=part["peildatum"].to_list(),
            y=part["aantal"].to_list(),
            mode="lines+markers",
            name=f"ernst {sev}",
            line={"color": r.SEVERITY_COLORS[sev], "width": 3},
            marker={"size": 9},
            yaxis="y2",
            **r.hover(
                f"Peildatum {r.datum(d)}<br>Ernst {sev}: {r.num(n)} signalen"
                for d, n in part.select("peildatum", "aantal").iter_rows()
            ),
        )
    # the counts (lines) sit on the overlaying axis so that they are drawn over the bars
    fig.update_layout(
        yaxis2={"overlaying": "y", "side": "left", "rangemode": "tozero", "tickmode": "auto"},
        yaxis={
            "side": "right",
            "tickprefix": "€ ",
            "tickformat": ",.0f",
            "showgrid": False,
            "rangemode": "tozero",
        },
    )
    r.date_axis(fig)
    fig.update_xaxes(tickvals=totals["peildatum"].to_list())
    r.style(
        fig,
        "Verloop over runs: signalen en bedrag",
        x="peildatum",
        y="bedrag op het spel",
    )
    fig.update_layout(yaxis2_title_text="aantal signalen", margin_r=90)
    return r.Chart(fig, "Eén punt per run (peildatum); bewaard in main.signal_trend.")


def rule_table(by_rule: pl.DataFrame) -> r.Table:
    per_rule = (
        by_rule.group_by("rule_id")
        .agg(
            pl.col("severity").first(),
            pl.col("aantal").sum(),
            pl.col("nieuw").sum(),
            pl.col("impact_cents").sum(),
            pl.col("betaald_cents").sum(),
        )
        .sort(["impact_cents", "aantal", "rule_id"], descending=[True, True, False])
    )
    rows = [
        [
            r.c_link(x["rule_id"], f"signalen.html#regel={x['rule_id']}"),
            r.rule_title(x["rule_id"]),
            r.c_severity(x["severity"]),
            r.c_num(x["aantal"]),
            r.c_num(x["nieuw"]),
            r.c_eur(x["impact_cents"]),
            r.c_eur(x["betaald_cents"]),
            r.c_eur(x["impact_cents"] - x["betaald_cents"]),
        ]
        for x in per_rule.iter_rows(named=True)
    ]
    columns = [
        r.Column("regel", "Regel"),
        r.Column("omschrijving", "Omschrijving"),
        r.Column("ernst", "Ernst"),
        r.Column("aantal", "Signalen", True),
        r.Column("nieuw", "Nieuw", True),
        r.Column("bedrag", "Bedrag op het spel", True),
        r.Column("betaald", "Waarvan betaald", True),
        r.Column("afgewezen", "Al afgewezen", True),
    ]
    return r.Table(
        "Signalen per regel (klik op een regel voor de signalen)",
        columns,
        rows,
        per_page=50,
        note=SPLIT_NOTE,
    )


SPLIT_NOTE = (
    "Waarvan betaald: het deel van het bedrag op declaratieregels die de gemeente niet afwees "
    "(ook als er nog geen declaratie-antwoord is); al afgewezen: de gemeente wees die regels al "
    "af in haar declaratie-antwoord (325), dat geld is niet uitbetaald."
)
BY_AFHANDELING = """
select afhandeling, count(*) as aantal, coalesce(sum(impact_cents), 0) as impact_cents,
    coalesce(sum(coalesce(impact_betaald_cents, impact_cents)), 0) as betaald_cents
from main.signals group by all order by impact_cents desc, afhandeling
"""


def afhandeling_table(con) -> r.Table:
    data = r.query(con, BY_AFHANDELING)
    rows = [
        [
            r.c_link(
                r.afhandeling_label(x["afhandeling"]),
                f"signalen.html#afhandeling={r.afhandeling_label(x['afhandeling'])}",
            ),
            r.c_num(x["aantal"]),
            r.c_eur(x["impact_cents"]),
            r.c_eur(x["betaald_cents"]),
            r.c_eur(x["impact_cents"] - x["betaald_cents"]),
        ]
        for x in data.iter_rows(named=True)
    ]
    columns = [
        r.Column("afhandeling", "Afhandeling door de gemeente"),
        r.Column("aantal", "Signalen", True),
        r.Column("bedrag", "Bedrag op het spel", True),
        r.Column("betaald", "Waarvan betaald", True),
        r.Column("afgewezen", "Al afgewezen", True),
    ]
    return r.Table(
        "Signalen naar afhandeling (klik door naar de signalen)", columns, rows, note=SPLIT_NOTE
    )


def top_table(con) -> r.Table:
    top = r.with_labels(r.query(con, TOP), r.names(con))
    rows = [
        [
            r.c_severity(x["severity"]),
            r.c_link(x["rule_id"], f"signalen.html#regel={x['rule_id']}"),
            r.c_link(x["aanbieder_label"], f"signalen.html#aanbieder={x['aanbieder_agb']}"),
            x["gemeente_label"],
            x["toewijzing_nummer"] or "-",
            r.c_eur(x["impact_cents"]),
            x["message"],
        ]
        for x in top.iter_rows(named=True)
    ]
    columns = [
        r.Column("ernst", "Ernst"),
        r.Column("regel", "Regel"),
        r.Column("aanbieder", "Aanbieder"),
        r.Column("gemeente", "Gemeente"),
        r.Column("toewijzing", "Toewijzing"),
        r.Column("bedrag", "Bedrag", True),
        r.Column("melding", "Melding"),
    ]
    return r.Table("De tien signalen met het grootste bedrag op het spel", columns, rows)
