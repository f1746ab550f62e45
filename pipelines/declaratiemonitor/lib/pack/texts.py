"""Dutch texts and labels shared by the Excel and the HTML pack."""

from declaratiemonitor.lib.dashboard_format import EENHEDEN, datum, eur, periode
from declaratiemonitor.lib.pack.data import Pack

TITLE = "Terugkoppeling declaratiecontrole"
AFHANDELING_UNKNOWN = "afhandeling onbekend (geen 325-antwoorden ingelezen)"
AFHANDELING = {
    "afgewezen": "afgewezen (325)",
    "deels_afgewezen": "deels afgewezen (325)",
    "betaald": "betaald",
    "onbekend": "nog geen antwoord (325)",
    None: "geen declaratieregels",
}
LINE_AFHANDELING = {  # per claim line (models.declaratie_afhandeling)
    "afgewezen": "afgewezen",
    "geaccepteerd": "geaccepteerd",
    "onbekend": "nog geen antwoord",
}
PRIVACY = (
    "Cliënten staan in dit overzicht met een sleutel (pseudoniem), nooit met hun BSN. De "
    "referentienummers, declaratienummers, contactmomenten en toewijzingsnummers zijn die uit uw "
    "eigen declaraties en registratie: zoek ze op in uw administratie."
)
HOW_TO_REPLY = (
    "Graag per signaal (nummer) de gevraagde actie: crediteren (creditregel indienen), "
    "toelichten (uitleg bij het contractgesprek) of corrigeren en opnieuw declareren "
    "(crediteren en een juiste declaratieregel indienen)."
)


def afhandeling_label(pack: Pack, value: str | None) -> str:
    return AFHANDELING.get(value, value or "") if pack.afhandeling_known else "onbekend"


def line_afhandeling(pack: Pack, afhandeling: str | None, retourcodes: str | None) -> str:
    """What the back office did with one evidence claim line: 'afgewezen (0611, 9346)',
    'geaccepteerd' or 'nog geen antwoord'; empty for other evidence (contacts, absences)."""
    if afhandeling is None:
        return ""
    if not pack.afhandeling_known:
        return "onbekend"
    label = LINE_AFHANDELING.get(afhandeling, afhandeling)
    codes = [c.strip() for c in (retourcodes or "").split(";") if c.strip()]
    return f"{label} ({', '.join(codes)})" if afhandeling == "afgewezen" and codes else label


def afhandeling_summary(pack: Pack) -> str:
    if not pack.afhandeling_known:
        return AFHANDELING_UNKNOWN
    return (
        f"al afgewezen: {eur(pack.total('afgewezen_cents'))}; op betaalde regels: "
        f"{eur(pack.total('betaald_cents'))}; nog geen antwoord of geen declaratieregels: "
        f"{eur(pack.total('onbekend_cents'))}"
    )


def gemeenten(pack: Pack) -> str:
    if pack.selection.gemeente:
        return pack.names.gemeente(pack.selection.gemeente)
    codes = sorted({*pack.claims.gemeenten, *pack.signals["gemeente_code"].drop_nulls()})
    return ", ".join(pack.names.gemeente(c) for c in codes) or "-"


def claim_period(pack: Pack) -> str:
    text = periode(pack.claims.eerste, pack.claims.laatste)
    if pack.selection.vanaf:
        return f"{text} (declaratieregels met einddatum vanaf {datum(pack.selection.vanaf)})"
    return text


def summary_rows(pack: Pack) -> list[tuple[str, str]]:
    """(label, value) lines at the top of the pack."""
    p = pack.provider
    rows = [("Aanbieder", p.label)]
    rows += [("Contactpersoon", p.contactpersoon)] if p.contactpersoon else []
    rows += [("E-mail", p.email)] if p.email else []
    return rows + [
        ("Gemeente(n)", gemeenten(pack)),
        ("Peildatum", datum(pack.peildatum)),
        ("Signalen in dit overzicht", pack.selection.describe()),
        ("Periode declaraties", claim_period(pack)),
        ("Declaratieregels", f"{pack.claims.regels:,}".replace(",", ".")),
        ("Gedeclareerd bedrag", eur(pack.claims.bedrag_cents)),
        ("Signalen", str(pack.signals.height)),
        ("Bedrag op het spel", eur(pack.total("impact_cents"))),
        ("Afhandeling door de gemeente (325)", afhandeling_summary(pack)),
    ]


def money_columns(pack: Pack) -> list[tuple[str, str]]:
    """(column, header) of the money per rule; the 325 split only when the signals have it."""
    money = [("impact_cents", "Bedrag op het spel")]
    if pack.afhandeling_known:
        money += [
            ("afgewezen_cents", "Al afgewezen (325)"),
            ("betaald_cents", "Op betaalde regels"),
            ("onbekend_cents", "Nog geen antwoord"),
        ]
    return money


def unit(eenheid: str | None) -> str:
    return EENHEDEN.get(eenheid or "", eenheid or "")
