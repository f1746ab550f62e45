"""Signalen: every signal in one filterable table, with the Dutch message and the evidence."""

import plotly.graph_objects as go
import polars as pl

from declaratiemonitor.lib import dashboard as r

ORDER = 3
TITLE = "Signalen"
DESCRIPTION = (
    "Alle signalen in één tabel, te filteren op gemeente, aanbieder, regel, ernst, status en "
    "afhandeling door de gemeente (betaald of al afgewezen), met de melding en de "
    "declaratieregels, contactmomenten of afwezigheden erachter."
)
MAX_READ, MAX_ROWS = 100_000, 20_000  # the page keeps the biggest; a note says so

SIGNALS = f"""
select signal_id, rule_id, severity, gemeente_code, aanbieder_agb, toewijzing_nummer,
    client_key, period_start, period_end, measured, threshold, unit, impact_cents, evidence,
    message, first_seen, status, afhandeling, impact_betaald_cents
from main.signals
order by impact_cents desc nulls last, severity, rule_id, signal_id
limit {MAX_READ}
"""
BY_GEMEENTE = """
select coalesce(gemeente_code, '-') as gemeente_code, severity, count(*) as aantal,
    coalesce(sum(impact_cents), 0) as impact_cents
from main.signals group by all order by gemeente_code
"""
COLUMNS = [
    r.Column("ernst", "Ernst"),
    r.Column("regel", "Regel", css="breekbaar"),
    r.Column("melding", "Melding", css="breed"),
    r.Column("bedrag", "Bedrag", True),
    r.Column("betaald", "Waarvan betaald", True),
    r.Column("afhandeling", "Afhandeling"),
    r.Column("status", "Status"),
    r.Column("gemeente", "Gemeente"),
    r.Column("aanbieder", "Aanbieder"),
    r.Column("toewijzing", "Toewijzing"),
    r.Column("client", "Cliënt"),
    r.Column("begin", "Periode vanaf", True),
]


def build(con) -> r.Page:
    names = r.names(con)
    signals = r.with_labels(r.query(con, SIGNALS), names)
    intro = (
        "Kies hieronder een gemeente, aanbieder, regel, ernst, status of afhandeling, of zoek op "
        "een naam, code, toewijzing of referentienummer. Afhandeling zegt wat de gemeente met de "
        "declaratieregels achter het signaal deed (declaratie-antwoord 325): betaald, al "
        "afgewezen, deels afgewezen of nog geen antwoord. Klik op een rij voor het bewijs: de "
        "declaratieregels, contactmomenten of afwezigheden waarop het signaal steunt."
    )
    if signals.is_empty():
        return r.Page(TITLE, intro, [r.Note("Er zijn in deze run geen signalen gevonden.")])
    evidence = _evidence(con)
    return r.Page(TITLE, intro, [r.Chart(gemeente_chart(con, names)), table(signals, evidence)])


def _evidence(con) -> dict[str, list[str]]:
    lines: dict[str, list[str]] = {}
    for ref, text in con.execute(r.sql_text("bewijs")).fetchall():
        lines.setdefault(ref, []).append(text)
    return lines


def _measure(x: dict) -> str:
    if x["measured"] is None:
        return ""
    unit = x["unit"] or ""
    if unit == "eurocent":
        return f"Gemeten: {r.eur(x['measured'])}; norm: {r.eur(x['threshold'])}."
    return f"Gemeten: {_figure(x['measured'])} {unit}; norm: {_figure(x['threshold'])} {unit}."


def _figure(value: float | None) -> str:
    whole = value is not None and float(value).is_integer()
    return r.num(value, 0 if whole else 2)


def _details(x: dict, evidence: dict[str, list[str]]) -> list[str]:
    lines = [
        f"Periode: {r.periode(x['period_start'], x['period_end'])}. {_measure(x)}",
        f"Eerst gezien op {r.datum(x['first_seen'])}; signaal-id {x['signal_id']}.",
        f"Afhandeling door de gemeente: {r.afhandeling_label(x['afhandeling'])}; "
        f"waarvan betaald {r.eur(_paid(x))}, al afgewezen "
        f"{r.eur((x['impact_cents'] or 0) - _paid(x))}.",
    ]
    for ref in x["evidence"] or []:
        lines += evidence.get(ref, [f"{ref} (niet meer in de invoer gevonden)"])
    return [line for line in lines if line]


def _paid(x: dict) -> int:
    """impact_betaald_cents; a signal without it (an older history row) counts as unanswered."""
    paid = x["impact_betaald_cents"]
    return (x["impact_cents"] or 0) if paid is None else paid


def table(signals: pl.DataFrame, evidence: dict[str, list[str]]) -> r.Table:
    rows, details = [], []
    for x in signals.iter_rows(named=True):
        refs = x["evidence"] or []
        rows.append(
            [
                r.c_severity(x["severity"]),
                x["rule_id"],
                x["message"]
                + (f" [{len(refs)} bewijsstuk{'ken' if len(refs) != 1 else ''}]" if refs else ""),
                r.c_eur(x["impact_cents"]),
                r.c_eur(_paid(x)),
                r.afhandeling_label(x["afhandeling"]),
                x["status"],
                x["gemeente_label"],
                x["aanbieder_label"],
                x["toewijzing_nummer"] or "-",
                r.c_key(x["client_key"]),
                r.c_date(x["period_start"]),
            ]
        )
        details.append(_details(x, evidence))
    return r.Table(
        "Signalen (gesorteerd op bedrag op het spel)",
        COLUMNS,
        rows,
        filters=["gemeente", "aanbieder", "regel", "ernst", "status", "afhandeling"],
        details=details,
        per_page=30,
        csv="signalen.csv",
        max_rows=MAX_ROWS,
    )


def gemeente_chart(con, names: r.Names | None = None) -> go.Figure:
    data = r.query(con, BY_GEMEENTE)
    names = names or r.names(con)
    fig = go.Figure()
    for sev in r.SEVERITIES:
        part = data.filter(pl.col("severity") == sev)
        fig.add_bar(
            x=[names.gemeente(g) if g != "-" else g for g in part["gemeente_code"].to_list()],
            y=(part["impact_cents"] / 100).to_list(),
            name=f"ernst {sev}",
            marker_color=r.SEVERITY_COLORS[sev],
            **r.hover(
                f"Gemeente {r.esc(names.gemeente(g))}<br>Ernst {sev}: {r.num(n)} signalen<br>"
                f"Bedrag op het spel: {r.eur(c)}"
                for g, _, n, c in part.iter_rows()
            ),
        )
    fig.update_layout(barmode="stack", xaxis={"type": "category"})
    fig.update_yaxes(tickprefix="€ ", tickformat=",.0f")
    return r.style(
        fig,
        "Bedrag op het spel per gemeente, naar ernst",
        340,
        x="gemeente",
        y="bedrag op het spel",
    )
