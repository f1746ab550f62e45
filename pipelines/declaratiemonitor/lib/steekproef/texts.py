"""The Dutch sentences of an evaluation: method, verdict, understatements, recovery."""

from declaratiemonitor.lib.steekproef.estimators import DUTCH, ESTIMATORS
from declaratiemonitor.lib.steekproef.formatting import fmt_eur, fmt_pct
from declaratiemonitor.lib.steekproef.results import GroupResult

UNDERSTATEMENTS = (
    "Onderschattingen (een negatief 'Bedrag fout': er is minder gedeclareerd dan terecht was) "
    "worden niet weggelaten. Voor het oordeel telt een fout in beide richtingen als fout: de "
    "bovengrens rekent met het absolute bedrag |fout|. De bovengrens van alleen de "
    "onderschattingen staat er apart bij. Bij de terugvordering worden onder- en "
    "overschattingen van dezelfde aanbieder verrekend (netto)."
)
RECOVERY = (
    "Voorgestelde terugvordering: de puntschatting (meest waarschijnlijke waarde) van het netto "
    "te veel betaalde bedrag, dus de fouten met bevinding 'onjuist' (over- min onderschattingen) "
    "geprojecteerd op de populatie van de aanbieder, en nooit minder dan € 0. Niet de "
    "bovengrens: die is de zekerheidsmarge voor het oordeel (met de gekozen betrouwbaarheid "
    "niet méér dan), geen schatting van wat te veel is betaald; de puntschatting is de zuivere "
    "schatting en is daarmee te verantwoorden tegenover de aanbieder. Fouten in posten boven "
    "het interval tellen exact. Onzekerheden worden niet teruggevorderd: vraag eerst bewijs; "
    "wat daarna onjuist blijkt, telt alsnog mee."
)


def stringer_method(likelihood: str) -> str:
    return (
        f"MUS: Stringer-grens met exacte {likelihood}-factoren (jfa: evaluation(method = "
        f"'stringer.{likelihood}')); regels op of boven het interval tellen exact mee"
    )


def estimator_method(estimator: str) -> str:
    return (
        f"{DUTCH[estimator]}, per stratum geprojecteerd met het eigen aantal regels en de eigen "
        "waarde van het stratum en daarna opgeteld; eenzijdige bovengrens met de t-verdeling "
        f"(jfa: evaluation(method = '{ESTIMATORS[estimator]}'))"
    )


def attribute_method(likelihood: str) -> str:
    return (
        f"Attributen: exacte {likelihood}-bovengrens op het aandeel onterechte signalen "
        f"(jfa: evaluation(method = '{likelihood}', x = fouten, n = steekproef))"
    )


def money_verdict(total: GroupResult, conf: float, materiality: float, method: str) -> str:
    c = fmt_pct(conf, 0)
    text = (
        f"Methode: {method}. Geprojecteerde fouten en onzekerheden: "
        f"{fmt_eur(total.geprojecteerde_fout_cents)}; bovengrens bij {c} betrouwbaarheid: "
        f"{fmt_eur(total.bovengrens_cents)}; tolerantie: {fmt_eur(total.tolerantie_cents)} "
        f"({fmt_pct(materiality)} van {fmt_eur(total.populatie_bedrag_cents)}). "
    )
    if total.voldoet:
        return text + (
            "De bovengrens ligt onder de tolerantie: met "
            f"{c} zekerheid zijn de fouten en onzekerheden samen niet materieel."
        )
    return text + (
        "De bovengrens ligt niet onder de tolerantie: de steekproef toont niet aan dat de "
        "fouten en onzekerheden binnen de tolerantie blijven. Onderzoek de fouten nader "
        "of breid de steekproef uit (declaratiemonitor steekproef uitbreiden)."
    )


def per_verdict(
    total: GroupResult,
    groups: list[GroupResult],
    conf: float,
    materiality: float,
    method: str,
    per: str,
) -> str:
    """One sample and one verdict per provider; the total adds up, it is no verdict."""
    failing = [g for g in groups if not g.voldoet]
    text = (
        f"Methode: {method}. Per {per} een eigen steekproef en een eigen oordeel (bovengrens "
        f"onder {fmt_pct(materiality)} van de eigen waarde, {fmt_pct(conf, 0)} betrouwbaarheid): "
        f"{len(groups) - len(failing)} van de {len(groups)} voldoen."
    )
    for g in failing:
        text += (
            f" Niet: {g.groep} (bovengrens {fmt_eur(g.bovengrens_cents)}, tolerantie "
            f"{fmt_eur(g.tolerantie_cents)}; onderzoek de fouten of breid uit)."
        )
    return text + (
        f" Samen: geprojecteerd {fmt_eur(total.geprojecteerde_fout_cents)}, voorgestelde "
        f"terugvordering {fmt_eur(total.terugvordering_cents)}. De opgetelde bovengrenzen "
        f"({fmt_eur(total.bovengrens_cents)}) zijn voorzichtig en geen oordeel over het geheel; "
        "daarvoor is één steekproef over de hele populatie de aangewezen methode."
    )


def few_errors(methode: str, errors: int) -> str:
    if methode == "mus" or errors >= 2:
        return ""
    return (
        f" Let op: er zijn {errors} regel(s) met een fout of onzekerheid gevonden. De "
        "bovengrens van een schatter rust op de spreiding van de fouten en is bij (bijna) geen "
        "fouten niet betrouwbaar; voor het oordeel over een (bijna) foutloze steekproef is "
        "MUS de aangewezen methode."
    )


def not_assessed(count: int) -> str:
    if not count:
        return ""
    return f" Let op: {count} regel(s) zijn nog niet beoordeeld en tellen als onzeker."


def signals_verdict(n: int, wrong: int, rate: float, upper: float, conf: float, tol: float) -> str:
    passes = upper < tol
    return (
        f"Van de {n} signalen in de steekproef zijn er {wrong} onjuist of onzeker "
        f"({fmt_pct(rate)}); met {fmt_pct(conf, 0)} zekerheid is ten hoogste {fmt_pct(upper)} "
        f"van de signalen onterecht (tolerantie {fmt_pct(tol)}). "
        + ("Dat is onder de tolerantie." if passes else "Dat is niet onder de tolerantie.")
    )
