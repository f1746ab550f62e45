"""Vervoer: the claimed kilometre band against the band of the travel distance, per provider."""

import plotly.graph_objects as go
import polars as pl

from declaratiemonitor.lib import dashboard as r

ORDER = 6
FAMILIES = ("vervoer",)  # its rules (banner: not judged)
TITLE = "Vervoer"
DESCRIPTION = (
    "Gedeclareerde kilometerstaffel tegen de staffel die bij de reisafstand hoort, per "
    "aanbieder: hoeveel ritten in een te hoge staffel en wat dat kost."
)
CHOICES = 30
ALL = "Alle aanbieders"
OORDELEN = {
    "juiste staffel": r.GOED,
    "hogere staffel": r.FOUT,
    "lagere staffel": r.PALETTE[5],
    "buiten staffel": r.LET_OP,
    "afstand onbekend": r.NEUTRAAL,
    "staffel onbekend": "#52606d",
}


def build(con) -> r.Page:
    trips = r.with_labels(r.query(con, r.sql_text("vervoer")), r.names(con))
    intro = (
        "Vervoer wordt per retourrit betaald in een staffel van de enkele reisafstand. De "
        "diagonaal van de matrix is goed; boven de diagonaal is een hogere staffel gedeclareerd "
        "dan de reisafstand rechtvaardigt. Boven 10 km telt de dichtstbijzijnde passende locatie."
    )
    if trips.is_empty():
        return r.Page(TITLE, intro, [r.Note("Geen vervoersdeclaraties in deze run.")])
    return r.Page(
        TITLE,
        intro,
        [
            matrix_block(trips),
            r.Chart(provider_chart(trips)),
            provider_table(trips),
        ],
    )


def _bands(trips: pl.DataFrame) -> tuple[list[str], list[str]]:
    """Matrix axes: every band on both axes (so the diagonal is visible), unknowns last."""
    names = ["staffel", "rolstoel", "van"]
    claimed = trips.select("gedeclareerde_staffel", "rolstoel", "claimed_van")
    correct = trips.select("staffel_volgens_afstand", "rolstoel", "juist_van")
    bands = (
        pl.concat(
            [
                claimed.rename(dict(zip(claimed.columns, names, strict=True))),
                correct.rename(dict(zip(correct.columns, names, strict=True))),
            ]
        )
        .unique()
        .sort(["rolstoel", "van", "staffel"], nulls_last=True)
    )
    real = bands.filter(pl.col("van").is_not_null())["staffel"].to_list()
    extra = bands.filter(pl.col("van").is_null())["staffel"].to_list()
    rows = real + [b for b in extra if b.startswith("onbekend")]
    cols = real + [b for b in extra if not b.startswith("onbekend")]
    return list(dict.fromkeys(rows)), list(dict.fromkeys(cols))


def matrix_block(trips: pl.DataFrame) -> r.ChartChoice:
    rows, cols = _bands(trips)
    providers = (
        trips.group_by("aanbieder_agb")
        .agg(pl.col("ritten").sum())
        .sort(["ritten", "aanbieder_agb"], descending=[True, False])
        .head(CHOICES)["aanbieder_agb"]
        .to_list()
    )
    options = {ALL: matrix_chart(trips, rows, cols, ALL)}
    for agb in providers:
        part = trips.filter(pl.col("aanbieder_agb") == agb)
        label = part["aanbieder_label"][0]
        options[f"Aanbieder {label}"] = matrix_chart(part, rows, cols, f"aanbieder {label}")
    return r.ChartChoice(
        "Gedeclareerde staffel tegen de staffel volgens de reisafstand",
        "Aanbieder",
        options,
        note="Getal in een vak: aantal retourritten. Rood omlijnd: te hoge staffel.",
    )


def matrix_chart(trips: pl.DataFrame, rows: list[str], cols: list[str], who: str) -> go.Figure:
    cells = trips.group_by("gedeclareerde_staffel", "staffel_volgens_afstand").agg(
        pl.col("ritten").sum(),
        pl.col("bedrag_cents").sum(),
        pl.col("meerkosten_cents").sum(),
        pl.col("oordeel").first(),
    )
    lookup = {
        (x["gedeclareerde_staffel"], x["staffel_volgens_afstand"]): x
        for x in cells.iter_rows(named=True)
    }
    z, text, hover = [], [], []
    for row in rows:
        cell = [lookup.get((row, col)) for col in cols]
        z.append([c["ritten"] if c else None for c in cell])
        text.append([r.num(c["ritten"]) if c else "" for c in cell])
        hover.append([_cell_hover(row, col, c) for col, c in zip(cols, cell, strict=True)])
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=cols,
            y=rows,
            text=text,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            xgap=2,
            ygap=2,
            colorscale=[[0, "#c6dbef"], [1, "#08306b"]],
            colorbar={"title": {"text": "ritten"}},
        )
    )
    # in reading order (the cells come from a group_by in no particular order)
    for (row, col), c in sorted(
        lookup.items(), key=lambda x: (rows.index(x[0][0]), cols.index(x[0][1]))
    ):
        if c["oordeel"] == "hogere staffel":
            fig.add_shape(
                type="rect",
                x0=cols.index(col) - 0.5,
                x1=cols.index(col) + 0.5,
                y0=rows.index(row) - 0.5,
                y1=rows.index(row) + 0.5,
                line={"color": r.FOUT, "width": 3},
            )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=cols)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=rows)
    return r.style(
        fig,
        f"Retourritten naar gedeclareerde staffel en staffel volgens afstand — {who}",
        max(380, 160 + 40 * len(rows)),
        x="staffel volgens reisafstand",
        y="gedeclareerde staffel",
    )


def _cell_hover(row: str, col: str, c: dict | None) -> str:
    if not c:
        return f"Gedeclareerd: {row}<br>Volgens afstand: {col}<br>Geen ritten"
    text = (
        f"Gedeclareerd: {row}<br>Volgens afstand: {col}<br>{c['oordeel']}<br>"
        f"Retourritten: {r.num(c['ritten'])}<br>Gedeclareerd bedrag: {r.eur(c['bedrag_cents'])}"
    )
    if c["meerkosten_cents"]:
        text += f"<br>Meerkosten: {r.eur(c['meerkosten_cents'])}"
    return text


def _per_provider(trips: pl.DataFrame) -> pl.DataFrame:
    return (
        trips.group_by("aanbieder_agb")
        .agg(
            pl.col("ritten").sum().alias("totaal"),
            *(pl.col("ritten").filter(pl.col("oordeel") == o).sum().alias(o) for o in OORDELEN),
            pl.col("bedrag_cents").sum(),
            pl.col("meerkosten_cents").sum(),
            pl.col("gemeente_label").unique().sort().str.join(", ").alias("gemeenten"),
            pl.col("aanbieder_label").first(),
        )
        .sort("meerkosten_cents", "totaal", descending=True)
    )


def provider_chart(trips: pl.DataFrame) -> go.Figure:
    per = _per_provider(trips).head(CHOICES).reverse()
    fig = go.Figure()
    for oordeel, color in OORDELEN.items():
        if not per[oordeel].sum():
            continue
        fig.add_bar(
            y=per["aanbieder_label"].to_list(),
            x=per[oordeel].to_list(),
            orientation="h",
            name=oordeel,
            marker_color=color,
            **r.hover(
                f"Aanbieder {r.esc(x['aanbieder_label'])}<br>{oordeel}: {r.num(x[oordeel])} van "
                f"{r.num(x['totaal'])} retourritten ({r.pct(x[oordeel] / x['totaal'], 1)})"
                f"<br>Meerkosten: {r.eur(x['meerkosten_cents'])}"
                for x in per.iter_rows(named=True)
            ),
        )
    fig.update_layout(barmode="stack", yaxis={"type": "category"})
    return r.style(
        fig,
        "Retourritten per aanbieder: gedeclareerde staffel vergeleken met de reisafstand",
        max(360, 150 + 28 * per.height),
        x="retourritten",
        y="aanbieder",
    )


def provider_table(trips: pl.DataFrame) -> r.Table:
    rows = [
        [
            x["aanbieder_label"],
            x["gemeenten"],
            r.c_num(x["totaal"]),
            r.c_eur(x["bedrag_cents"]),
            r.c_num(x["hogere staffel"]),
            r.c_pct(x["hogere staffel"] / x["totaal"], 1),
            r.c_eur(x["meerkosten_cents"]),
            r.c_num(x["afstand onbekend"] + x["buiten staffel"] + x["staffel onbekend"]),
        ]
        for x in _per_provider(trips).iter_rows(named=True)
    ]
    columns = [
        r.Column("aanbieder", "Aanbieder"),
        r.Column("gemeenten", "Gemeenten"),
        r.Column("ritten", "Retourritten", True),
        r.Column("bedrag", "Gedeclareerd", True),
        r.Column("hoger", "In hogere staffel", True),
        r.Column("aandeel", "Aandeel", True),
        r.Column("meerkosten", "Meerkosten", True),
        r.Column("onbekend", "Niet te beoordelen", True),
    ]
    return r.Table("Vervoer per aanbieder", columns, rows, csv="vervoer.csv")
