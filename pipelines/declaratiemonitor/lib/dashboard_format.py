"""Dashboard formats: colours, Dutch number/date/money formats and table cells (text, sort key)."""

import html
from datetime import date, datetime

from declaratiemonitor.lib.steekproef.formatting import fmt_eur, fmt_num, fmt_pct

SEVERITIES = ("hoog", "midden", "laag")
SEVERITY_COLORS = {"hoog": "#b2182b", "midden": "#ef8a62", "laag": "#4393c3"}
# Okabe-Ito: distinguishable for colour-blind readers
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D31", "#000000"]
GOED, LET_OP, FOUT, NEUTRAAL = "#1a9850", "#fdae61", "#d73027", "#9aa5b1"
MAANDEN = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
EENHEDEN = {
    "01": "minuten",
    "04": "uur",
    "14": "etmalen",
    "16": "dagdelen",
    "82": "stuks",
    "83": "euro",
    "84": "stuks",
}

# what the back office did with a signal's claim lines (CONTRACT.md signals.afhandeling)
AFHANDELING = {
    "betaald": "betaald",
    "deels_afgewezen": "deels afgewezen",
    "afgewezen": "al afgewezen",
    "onbekend": "nog geen antwoord",
    None: "geen declaratieregels",
}


def afhandeling_label(value: str | None) -> str:
    return AFHANDELING.get(value, value or "-")


# ---------------------------------------------------------------- Dutch formats
def eur(cents: float | None) -> str:
    return "-" if cents is None else fmt_eur(cents)


def num(x: float | None, decimals: int = 0) -> str:
    if type(x) is int and not decimals:  # the same text as fmt_num, without its Decimal steps
        return f"{x:,}".replace(",", ".")
    return "-" if x is None else fmt_num(x, decimals)


def pct(fraction: float | None, decimals: int = 0) -> str:
    return "-" if fraction is None else fmt_pct(fraction, decimals)


def datum(d: date | datetime | None) -> str:
    return "-" if d is None else d.strftime("%d-%m-%Y")


def maand(d: date) -> str:
    return f"{MAANDEN[d.month - 1]} {d.year}"


def periode(start: date | None, end: date | None) -> str:
    if start is None:
        return "-"
    return datum(start) if end in (None, start) else f"{datum(start)} t/m {datum(end)}"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------- table cells (text, sort key)
def c_eur(cents: float | None) -> dict:
    return {"t": eur(cents), "s": cents or 0}


def c_num(x: float | None, decimals: int = 0, suffix: str = "") -> dict:
    return {"t": num(x, decimals) + (suffix if x is not None else ""), "s": x or 0}


def c_pct(fraction: float | None, decimals: int = 0) -> dict:
    return {"t": pct(fraction, decimals), "s": -1 if fraction is None else fraction}


def c_date(d: date | None) -> dict:
    return {"t": datum(d), "s": d.isoformat() if d else ""}


def c_link(text: str, href: str) -> dict:
    return {"t": text, "h": href}


def c_severity(severity: str) -> dict:
    return {
        "t": severity,
        "c": f"ernst ernst-{severity}",
        "s": SEVERITIES.index(severity) if severity in SEVERITIES else 9,
    }


def c_key(client_key: str | None) -> dict:
    """A client pseudonym, shortened for display; the full key is in the tooltip."""
    key = client_key or ""
    return {"t": key[:10] + ("…" if len(key) > 10 else ""), "s": key, "title": key}
