"""Beschermd wonen: absences of BW clients with their reasons and the 6-month line."""

from datetime import timedelta

import plotly.graph_objects as go
import polars as pl

from declaratiemonitor.lib import dashboard as r

ORDER = 7
FAMILIES = ("bw_afwezigheid", "afwezigheid")  # its rules (banner: not judged)
TITLE = "Beschermd wonen"
DESCRIPTION = (
    "Afwezigheden van cliënten in beschermd wonen met hun reden, de 6-maandengrens en de "
    "BW-dagen die tijdens de afwezigheid zijn gedeclareerd."
)
SHOWN = 60
DAY_MS = 86_400_000
REDENEN = {
    "ggz_opname": r.PALETTE[0],
    "detentie": r.PALETTE[4],
    "ziekenhuis": r.PALETTE[5],
    "vakantie": r.PALETTE[1],
    "logeren": r.PALETTE[2],
    "overig": r.NEUTRAAL,
}
STATUS_ORDER = {"voorbij de grens": 0, "nadert de grens": 1, "loopt": 2, "afgelopen": 3}
SOORTEN = {"declarabel": r.GOED, "na de grens": r.FOUT, "niet declarabel (reden)": r.LET_OP}


def build(con) -> r.Page:
    absences = r.with_labels(r.query(con, r.sql_text("afwezigheden")), r.names(con))
    intro = (
        "Tijdens een ggz-opname of detentie met beoogde terugkeer mag de BW-plek tot zes "
        "maanden worden doorgedeclareerd; bij andere redenen niet. De zwarte streep is de "
        "6-maandengrens van elke afwezigheid met een toegestane reden."
    )
    if absences.is_empty():
        return r.Page(
            TITLE,
            intro,
            [r.Note("Geen afwezigheden van cliënten met beschermd wonen in deze run.")],
        )
    ordered = (
        absences.with_columns(
            volgorde=pl.col("status").replace_strict(STATUS_ORDER, default=9),
            label=pl.concat_str(
                pl.col("client_key").str.slice(0, 8),
                "toewijzing_nummer",
                "afwezigheid_id",
                separator=" · ",
            ),
        )
        .with_columns(  # one allocation number can exist twice (other gemeente or provider)
            label=pl.when(pl.col("label").is_duplicated())
            .then(pl.concat_str("label", pl.lit(" ·"), "aanbieder_agb"))
            .otherwise(pl.col("label"))
        )
        .sort(  # the label last: ties in a fixed order (the query has none)
            ["volgorde", "bedrag_na_grens_cents", "dagen_afwezig", "label"],
            descending=[False, True, True, False],
        )
    )
    return r.Page(
        TITLE,
        intro,
        [
            r.Chart(
                timeline_chart(ordered.head(SHOWN), r.peildatum(con)),
                note=_shown_note(ordered.height),
            ),
            r.Chart(days_chart(absences)),
            absence_table(ordered),
        ],
    )


def _shown_note(total: int) -> str:
    if total <= SHOWN:
        return f"Alle {total} afwezigheden. Een open afwezigheid loopt tot de peildatum."
    return f"De {SHOWN} meest urgente van {r.num(total)} afwezigheden; de tabel toont ze allemaal."


def _label(x: dict) -> str:
    return x["label"]


def _bar_hover(x: dict) -> str:
    return (
        f"<b>{r.esc(x['reden'].replace('_', ' '))}</b> ({x['status']})<br>"
        f"{r.datum(x['begindatum'])} t/m "
        f"{r.datum(x['einddatum']) if x['einddatum'] else 'nu (loopt nog)'}: "
        f"{r.num(x['dagen_afwezig'])} dagen<br>6-maandengrens: {r.datum(x['grens'])}<br>"
        f"Terugkeer beoogd: {'ja' if x['terugkeer_beoogd'] else 'nee'}; andere financiering: "
        f"{'ja' if x['andere_financiering'] else 'nee'}<br>"
        f"BW-dagen gedeclareerd tijdens afwezigheid: {r.num(x['bw_dagen'])} "
        f"({r.eur(x['bedrag_cents'])})<br>waarvan na de grens: {r.num(x['bw_dagen_na_grens'])} "
        f"({r.eur(x['bedrag_na_grens_cents'])})<br>Aanbieder {r.esc(x['aanbieder_label'])}"
    )


def timeline_chart(shown: pl.DataFrame, peildatum) -> go.Figure:
    rows = [_label(x) for x in shown.iter_rows(named=True)]
    fig = go.Figure()
    for reden, color in REDENEN.items():
        part = [x for x in shown.iter_rows(named=True) if x["reden"] == reden]
        if not part:
            continue
        fig.add_bar(
            y=[_label(x) for x in part],
            base=[x["begindatum"] for x in part],
            x=[(x["eind"] - x["begindatum"] + timedelta(days=1)).days * DAY_MS for x in part],
            orientation="h",
            name=reden.replace("_", " "),
            marker_color=color,
            marker_pattern_shape=["" if x["einddatum"] else "/" for x in part],
            **r.hover(_bar_hover(x) for x in part),
        )
    allowed = shown.filter(pl.col("toegestaan"))
    fig.add_scatter(
        x=allowed["grens"].to_list(),
        y=[_label(x) for x in allowed.iter_rows(named=True)],
        mode="markers",
        name="6-maandengrens",
        marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#111"}},
        **r.hover(f"6-maandengrens: {r.datum(g)}" for g in allowed["grens"]),
    )
    r.vline(fig, peildatum, f"peildatum {r.datum(peildatum)}")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=rows[::-1])
    r.date_axis(fig)
    fig.update_layout(barmode="overlay")
    return r.style(
        fig,
        "Afwezigheden van BW-cliënten per reden, met de 6-maandengrens (gearceerd: loopt nog)",
        max(380, 170 + 24 * len(rows)),
        x="datum",
        y="cliënt · toewijzing · afwezigheid",
    )


def days_chart(absences: pl.DataFrame) -> go.Figure:
    per = (
        absences.with_columns(
            declarabel=pl.when(pl.col("toegestaan"))
            .then(pl.col("bw_dagen") - pl.col("bw_dagen_na_grens"))
            .otherwise(0),
            na=pl.when(pl.col("toegestaan")).then(pl.col("bw_dagen_na_grens")).otherwise(0),
            niet=pl.when(pl.col("toegestaan")).then(0).otherwise(pl.col("bw_dagen")),
        )
        .group_by("reden")
        .agg(pl.col("declarabel", "na", "niet").sum())
        .sort("reden")
    )
    fig = go.Figure()
    for (name, color), column in zip(SOORTEN.items(), ("declarabel", "na", "niet"), strict=True):
        fig.add_bar(
            x=[x.replace("_", " ") for x in per["reden"]],
            y=per[column].to_list(),
            name=name,
            marker_color=color,
            **r.hover(
                f"Reden: {reden.replace('_', ' ')}<br>{name}: {r.num(n)} BW-dagen"
                for reden, n in per.select("reden", column).iter_rows()
            ),
        )
    fig.update_layout(barmode="stack")
    return r.style(
        fig,
        "BW-dagen gedeclareerd tijdens afwezigheid, per reden",
        380,
        x="reden van afwezigheid",
        y="gedeclareerde BW-dagen (etmalen)",
    )


def absence_table(ordered: pl.DataFrame) -> r.Table:
    rows = [
        [
            x["afwezigheid_id"],
            r.c_key(x["client_key"]),
            x["toewijzing_nummer"],
            x["aanbieder_label"],
            x["gemeente_label"],
            x["reden"].replace("_", " "),
            r.c_date(x["begindatum"]),
            r.c_date(x["einddatum"]) if x["einddatum"] else "loopt nog",
            r.c_date(x["grens"]),
            r.c_num(x["dagen_afwezig"]),
            r.c_num(x["bw_dagen"]),
            r.c_num(x["bw_dagen_na_grens"]),
            r.c_eur(x["bedrag_na_grens_cents"]),
            x["status"],
        ]
        for x in ordered.iter_rows(named=True)
    ]
    columns = [
        r.Column("afwezigheid", "Afwezigheid"),
        r.Column("client", "Cliënt"),
        r.Column("toewijzing", "Toewijzing"),
        r.Column("aanbieder", "Aanbieder"),
        r.Column("gemeente", "Gemeente"),
        r.Column("reden", "Reden"),
        r.Column("van", "Van", True),
        r.Column("tot", "Tot en met", True),
        r.Column("grens", "Grens", True),
        r.Column("dagen", "Dagen weg", True),
        r.Column("bw", "BW-dagen", True),
        r.Column("na", "Na de grens", True),
        r.Column("bedrag", "Bedrag na grens", True),
        r.Column("status", "Status"),
    ]
    return r.Table(
        "Alle afwezigheden van BW-cliënten",
        columns,
        rows,
        filters=["status", "reden", "aanbieder", "gemeente"],
        csv="afwezigheden.csv",
    )
