"""Uitnutting: burn-up of one allocation against the linear norm, and the spread over all."""

from datetime import date

import plotly.graph_objects as go
import polars as pl

from declaratiemonitor.lib import dashboard as r

ORDER = 4
FAMILIES = ("uitnutting",)  # its rules (banner: not judged)
TITLE = "Uitnutting"
DESCRIPTION = (
    "Per toewijzing het verloop van de declaraties tegen de lineaire norm, met prognose en "
    "datum waarop de toewijzing op is; en de verdeling van onder- en overbenutting."
)
CHOICES = 40
ROWS = 5_000  # table rows in the page (most deviating first); a note gives the total
KLASSEN = {"boven norm": r.FOUT, "binnen norm": r.GOED, "onder norm": r.LET_OP}

USAGE = "create or replace temp table dash_uitnutting as {sql}"
# first those with a signal (largest impact first), then the largest deviation from the norm
CHOSEN = f"""
with signalled as (
    select gemeente_code, toewijzing_nummer, sum(impact_cents) as impact_cents,
        string_agg(distinct rule_id, ', ') as regels
    from main.signals where rule_id like 'uitnutting.%' group by all
)
select u.* exclude (client_key), s.impact_cents, s.regels
from dash_uitnutting as u
left join signalled as s using (gemeente_code, toewijzing_nummer)
where u.gedeclareerd > 0
order by s.regels is null, coalesce(s.impact_cents, 0) desc, abs(coalesce(u.u_f, 1) - 1) desc,
    u.gemeente_code, u.toewijzing_nummer
limit {CHOICES}
"""
BINS = """
select cast(least(greatest(floor(u_f * 10), 0), 30) * 10 as bigint) as bak, klasse,
    count(*) as aantal
from dash_uitnutting where klasse <> 'te vroeg' group by all
"""
TABLE = f"""
with shown as (
    select *, (select count(*) from dash_uitnutting) as totaal from dash_uitnutting
    order by abs(u_f - 1) desc nulls last, gemeente_code, toewijzing_nummer limit {ROWS}
)
select * from shown
order by abs(u_f - 1) desc nulls last, gemeente_code, toewijzing_nummer
"""
CUMULATIVE = """
select d.gemeente_code, d.toewijzing_nummer, d.einddatum,
    cast(sum(d.volume_vergelijkbaar) filter (where d.eenheid_compatibel) as double) as volume,
    cast(sum(d.ingediend_bedrag_cents) as double) as bedrag_cents
from models.declaraties_netto as d
inner join dash_keuze as k using (gemeente_code, toewijzing_nummer)
group by all order by d.einddatum
"""


def build(con) -> r.Page:
    con.execute(USAGE.format(sql=r.sql_text("uitnutting")))
    try:
        return _page(con)
    finally:
        con.execute("drop table if exists dash_uitnutting")


def _page(con) -> r.Page:
    intro = (
        "De lineaire norm: na een kwart van de geldigheid is een kwart van het toegewezen "
        "volume gedeclareerd. Kies een toewijzing voor het verloop (eerst die met een signaal, "
        "dan de grootste afwijkingen). Tijd staat in uren."
    )
    names = r.names(con)
    table = r.with_labels(r.query(con, TABLE), names)
    if table.is_empty():
        return r.Page(TITLE, intro, [r.Note("Geen toewijzingen in deze run.")])
    return r.Page(
        TITLE,
        intro,
        [
            burnup_block(con, r.with_labels(r.query(con, CHOSEN), names), r.peildatum(con)),
            r.Chart(distribution_chart(r.query(con, BINS))),
            usage_table(table),
        ],
    )


def scale(x: dict) -> tuple[float, str]:
    """Divisor and unit label for display: hours for time, euro for budgets."""
    if x["is_budget"]:
        return 100.0, "euro"
    if x["is_tijd"]:
        return 60.0, "uur"
    return 1.0, r.EENHEDEN.get(x["eenheid"], "eenheden")


def burnup_block(con, chosen: pl.DataFrame, peildatum: date) -> r.ChartChoice | r.Note:
    title = "Verloop van één toewijzing: gedeclareerd tegen de lineaire norm"
    if chosen.is_empty():
        return r.empty(title, "Geen toewijzingen met declaraties in deze run.")
    con.register("dash_keuze", chosen.select("gemeente_code", "toewijzing_nummer").to_arrow())
    try:
        claims = r.query(con, CUMULATIVE)
    finally:
        con.unregister("dash_keuze")
    options = {}
    for x in chosen.iter_rows(named=True):
        lines = claims.filter(
            (pl.col("gemeente_code") == x["gemeente_code"])
            & (pl.col("toewijzing_nummer") == x["toewijzing_nummer"])
        )
        label = (
            f"{x['toewijzing_nummer']} · {x['soort']} · aanbieder {x['aanbieder_label']} · "
            f"{r.pct(x['u_f'])} van de norm" + (f" · {x['regels']}" if x["regels"] else "")
        )
        options[label] = burnup_chart(x, lines, peildatum)
    return r.ChartChoice(
        title,
        "Toewijzing",
        options,
        note=(
            "Doorgetrokken lijn: gedeclareerd (cumulatief, op de einddatum van elke regel). "
            "Gestreept: lineaire norm. Gestippeld: prognose in het huidige tempo."
        ),
    )


def _points(x: dict, lines: pl.DataFrame, div: float, peildatum: date) -> tuple[list, list]:
    """Cumulative claimed per claim end date, carried on to the peildatum."""
    value = "bedrag_cents" if x["is_budget"] else "volume"
    days, totals, total = [x["ingangsdatum"]], [0.0], 0.0
    for day, amount in lines.select("einddatum", value).iter_rows():
        total += (amount or 0) / div
        days.append(day)
        totals.append(total)
    now = min(peildatum, x["geldig_tot"])
    if days[-1] < now:
        days.append(now)
        totals.append(total)
    return days, totals


def burnup_chart(x: dict, lines: pl.DataFrame, peildatum: date) -> go.Figure:
    div, unit = scale(x)
    allocated, claimed = x["toegewezen"] / div, x["gedeclareerd"] / div
    days, totals = _points(x, lines, div, peildatum)
    fig = go.Figure()
    fig.add_scatter(
        x=[x["ingangsdatum"], x["geldig_tot"]],
        y=[0, allocated],
        mode="lines",
        name="lineaire norm",
        line={"color": "#52606d", "dash": "dash"},
        **r.hover(
            [
                f"Norm op {r.datum(x['ingangsdatum'])}: 0 {unit}",
                f"Norm op {r.datum(x['geldig_tot'])}: {r.num(allocated, 1)} {unit}",
            ]
        ),
    )
    fig.add_scatter(
        x=days,
        y=totals,
        mode="lines+markers",
        line_shape="hv",
        name="gedeclareerd",
        line={"color": r.PALETTE[0], "width": 3},
        marker={"size": 5},
        **r.hover(
            f"{r.datum(d)}<br>Gedeclareerd tot dan: {r.num(t, 1)} {unit}<br>"
            f"Norm: {r.num(_norm(x, d) * allocated, 1)} {unit}"
            for d, t in zip(days, totals, strict=True)
        ),
    )
    _projection(fig, x, claimed, unit, max(peildatum, days[-1]))
    _depletion(fig, x, days, totals, allocated, peildatum)
    r.hline(fig, allocated, {"color": r.FOUT, "width": 1})
    fig.add_annotation(
        x=x["ingangsdatum"],
        y=allocated,
        text=f"toegewezen: {r.num(allocated, 1)} {unit}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"color": r.FOUT},
    )
    r.vline(fig, min(peildatum, x["geldig_tot"]), f"peildatum {r.datum(peildatum)}", top=False)
    r.date_axis(fig)
    title = (
        f"Toewijzing {x['toewijzing_nummer']} ({x['product']}, "
        f"{r.periode(x['ingangsdatum'], x['einddatum'])}): {r.num(claimed, 1)} van "
        f"{r.num(allocated, 1)} {unit} gedeclareerd"
    )
    return r.style(fig, title, 470, x="datum", y=f"cumulatief ({unit})")


def _norm(x: dict, day: date) -> float:
    elapsed = (min(day, x["geldig_tot"]) - x["ingangsdatum"]).days + 1
    return max(0.0, elapsed / x["geldigheid_dagen"])


def _projection(fig: go.Figure, x: dict, claimed: float, unit: str, start: date) -> None:
    """From the peildatum (or the last claim) to the end of the validity at the pace so far."""
    now, end = min(start, x["geldig_tot"]), x["geldig_tot"]
    if not claimed or not x["verstreken_dagen"] or end <= now:
        return
    rate = claimed / x["verstreken_dagen"]
    value = claimed + rate * (end - now).days
    text = (
        f"Prognose op {r.datum(end)}: {r.num(value, 1)} {unit}<br>Tempo: "
        f"{r.num(rate * 7, 2)} {unit} per week"
    )
    fig.add_scatter(
        x=[now, end],
        y=[claimed, value],
        mode="lines",
        name="prognose",
        line={"color": r.PALETTE[3], "dash": "dot", "width": 2},
        **r.hover([f"{r.datum(now)}: {r.num(claimed, 1)} {unit}", text]),
    )


def _depletion(
    fig: go.Figure, x: dict, days: list, totals: list, allocated: float, peildatum: date
) -> None:
    """The day the allocation ran out (already), or will run out within its validity."""
    crossed = next(
        (d for d, t in zip(days, totals, strict=True) if allocated and t > allocated), None
    )
    if crossed is not None:
        day, text = crossed, f"overschreden op {r.datum(crossed)}"
    elif x["prognose_uitgeput"] and peildatum < x["prognose_uitgeput"] <= x["geldig_tot"]:
        day = x["prognose_uitgeput"]
        text = f"naar verwachting op {r.datum(day)}"
    else:
        return
    fig.add_scatter(
        x=[day],
        y=[allocated],
        mode="markers",
        name="toewijzing op",
        marker={"symbol": "x", "size": 14, "color": r.FOUT},
        **r.hover([f"Toewijzing {text}; einde geldigheid {r.datum(x['geldig_tot'])}"]),
    )
    r.vline(fig, day, text, r.FOUT)


def _bin_label(start: int) -> str:
    return f"≥ {start} %" if start >= 300 else f"{start}–{start + 10} %"


def distribution_chart(bins: pl.DataFrame) -> go.Figure:
    """bins: aantal per bak (10 %-steps of u_f, 300 % and more in one) and klasse."""
    labels = [_bin_label(b) for b in range(0, 310, 10)]
    fig = go.Figure()
    for klasse, color in KLASSEN.items():
        part = bins.filter(pl.col("klasse") == klasse).sort("bak")
        fig.add_bar(
            x=[_bin_label(b) for b in part["bak"]],
            y=part["aantal"].to_list(),
            name=f"{klasse} ({r.num(part['aantal'].sum())})",
            marker_color=color,
            **r.hover(
                f"Uitnutting t.o.v. norm {_bin_label(b)}<br>{klasse}: {r.num(n)} toewijzingen"
                for b, n in part.select("bak", "aantal").iter_rows()
            ),
        )
    fig.update_layout(
        barmode="stack",
        bargap=0.05,
        xaxis={"categoryorder": "array", "categoryarray": labels, "type": "category"},
    )
    n = int(bins["aantal"].sum() or 0)
    return r.style(
        fig,
        f"Verdeling van de uitnutting t.o.v. de lineaire norm over {r.num(n)} "
        "toewijzingen (100 % = op norm)",
        420,
        x="gedeclareerd / norm",
        y="aantal toewijzingen",
    )


def _depleted(x: dict) -> dict:
    if x["prognose_uitgeput"] is not None:
        return r.c_date(x["prognose_uitgeput"])
    return {"t": "niet binnen geldigheid" if x["gedeclareerd"] else "-", "s": "9999"}


def _amount(value: float | None, x: dict, div: float, unit: str) -> dict:
    if x["is_budget"]:
        return r.c_eur(value)
    return r.c_num((value or 0) / div, 1, f" {unit}")


def usage_table(table: pl.DataFrame) -> r.Table:
    """table: the most deviating allocations (sorted), with the total number in `totaal`."""
    rows = []
    for x in table.iter_rows(named=True):
        div, unit = scale(x)
        rows.append(
            [
                x["toewijzing_nummer"],
                x["gemeente_label"],
                x["aanbieder_label"],
                x["soort"],
                r.c_key(x["client_key"]),
                r.c_date(x["ingangsdatum"]),
                r.c_date(x["einddatum"]) if x["einddatum"] else {"t": "open einde", "s": "9999"},
                _amount(x["toegewezen"], x, div, unit),
                _amount(x["gedeclareerd"], x, div, unit),
                r.c_pct(x["u"]),
                r.c_pct(x["f"]),
                r.c_pct(x["u_f"]),
                x["klasse"],
                _depleted(x),
            ]
        )
    columns = [
        r.Column("toewijzing", "Toewijzing"),
        r.Column("gemeente", "Gemeente"),
        r.Column("aanbieder", "Aanbieder"),
        r.Column("soort", "Soort"),
        r.Column("client", "Cliënt"),
        r.Column("van", "Van", True),
        r.Column("tot", "Tot en met", True),
        r.Column("toegewezen", "Toegewezen", True),
        r.Column("gedeclareerd", "Gedeclareerd", True),
        r.Column("u", "Gebruikt", True),
        r.Column("f", "Verstreken", True),
        r.Column("u_f", "T.o.v. norm", True),
        r.Column("klasse", "Klasse", css="kort"),
        r.Column("prognose", "Op (prognose)", True),
    ]
    return r.Table(
        "Alle toewijzingen in scope",
        columns,
        rows,
        filters=["klasse", "soort", "aanbieder", "gemeente"],
        csv="uitnutting.csv",
        max_rows=ROWS,
        total=int(table["totaal"][0]),
    )
