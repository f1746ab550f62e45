"""What the back office does with the planted integrity violations (325 answers, issue 17).

Planted after every other scenario (PLANT_LAST): each planted
integriteit signal, in turn, is rejected with the retourcode of its technical rule
(data/reference/iwmo/retourcode_regels.csv), accepted although the rule says no (leakage), or
left unanswered; a rule without a technical rule (periode_over_maandgrens, voor_start_zorg,
na_stop_zorg) is never rejected by the back office. Of a duplicate set only the later lines
are rejected (deels_afgewezen). The expected afhandeling of each signal follows from the lines
its evidence names. Plus, on fresh clients: rejections no rule of ours explains (8187, a whole
323 with 9333, whose lines the provider then declares again in a new 323: no duplicates), a
rejected line that would have exceeded an allocation (no uitnutting signal),
and 325 rows that link to no claim (reported by the pipeline, never lost).
"""

import csv
from datetime import timedelta

from declaratiemonitor.lib.generate.calendar import add_months, month_end
from declaratiemonitor.lib.generate.context import ScenarioContext
from declaratiemonitor.paths import REFERENCE_DIR

PLANT_LAST = True
OUTCOMES = ("afgewezen", "afgewezen", "betaald", "afgewezen", "onbekend")


def _codes() -> dict[str, str]:
    path = REFERENCE_DIR / "iwmo" / "retourcode_regels.csv"
    with path.open(encoding="utf-8", newline="") as f:
        codes: dict[str, str] = {}
        for row in csv.DictReader(f):
            codes.setdefault(row["rule_id"], row["code"])
        return codes


def plant(ctx: ScenarioContext) -> None:
    codes = _codes()
    lines = ctx.rows.get("declaraties", [])
    planted = [e for e in ctx.expected if e.rule_id.startswith("integriteit.")]
    per_signal = []
    for i, e in enumerate(planted):
        credit = e.rule_id == "integriteit.creditering_zonder_debet"
        own = [
            r
            for r in lines
            if r["toewijzing_nummer"] == e.toewijzing_nummer
            and r["begindatum"] == e.period_start.isoformat()
            and r["debet_credit"] == ("C" if credit else "D")
        ]
        outcome = OUTCOMES[i % len(OUTCOMES)]
        if outcome == "afgewezen" and e.rule_id in codes:
            for r in _rejectable(e.rule_id, own, lines):
                ctx.reject(r, codes[e.rule_id])
        elif outcome == "onbekend":
            for r in own:
                ctx.leave_unanswered(r)
        per_signal.append((e, own))
    for e, own in per_signal:
        e.afhandeling = _afhandeling(ctx, own, lines)
    _unexplained(ctx)


def _rejectable(rule_id: str, own: list[dict], lines: list[dict]) -> list[dict]:
    """The lines the back office lists: of a duplicate, every line after the allocation's first."""
    if rule_id != "integriteit.dubbele_declaratie":
        return own
    tw = own[0]["toewijzing_nummer"]
    first = next(r for r in lines if r["toewijzing_nummer"] == tw and r["debet_credit"] == "D")
    return [r for r in own if r is not first]


def _afhandeling(ctx: ScenarioContext, own: list[dict], lines: list[dict]) -> str:
    """As sql/signals/afhandeling.sql: over the lines that the signal's evidence names."""
    refs = {(r["gemeente_code"], r["aanbieder_agb"], r["referentie_nummer"]) for r in own}
    evidence = [
        r for r in lines if (r["gemeente_code"], r["aanbieder_agb"], r["referentie_nummer"]) in refs
    ]
    rejected = {
        (a["gemeente_code"], a["aanbieder_agb"], a["declaratie_nummer"], a["referentie_nummer"])
        for a in ctx.answers.rejected
    }
    states = [
        "afgewezen"
        if (*ctx.claim_of(r), r["referentie_nummer"]) in rejected
        else "onbekend"
        if ctx.claim_of(r) in ctx.answers.unanswered
        else "geaccepteerd"
        for r in evidence
    ]
    if all(s == "afgewezen" for s in states):
        return "afgewezen"
    if "afgewezen" in states:
        return "deels_afgewezen"
    return "onbekend" if "onbekend" in states else "betaald"


def _unexplained(ctx: ScenarioContext) -> None:
    m0 = add_months(ctx.peildatum.replace(day=1), -3)
    m1 = add_months(m0, 1)
    # a line of another client (8187): no rule of ours checks it
    a = ctx.toewijzing("1771", "02B01")
    ctx.reject(ctx.declaratie(a, m1, geleverd_volume=4), "8187")
    # a whole 323 rejected (9333, declaratienummer niet uniek): both its lines; the provider
    # declares them again in a new 323, later: no dubbele_declaratie (a rejected line does not
    # stand, sql/rules/integriteit/dubbele_declaratie.sql)
    b = ctx.toewijzing("0505", "02D01")
    first = ctx.declaratie(b, m0, geleverd_volume=5)
    ctx.declaratie(b, m1, geleverd_volume=5, declaratie_nummer=first["declaratie_nummer"])
    ctx.reject_whole(first, "9333")
    again = {"declaratie_nummer": ctx.next_id("SD"), "declaratie_dagtekening": m1 + timedelta(50)}
    for month in (m0, m1):
        ctx.declaratie(b, month, geleverd_volume=5, **again)
    # 15 h claimed on 10 h, but the back office rejected the 6 h line (9322): no overschrijding,
    # and 9 of 10 h used over a validity that has ended: no onder- or overbenutting either
    c = ctx.toewijzing(
        "0498", "02W01", ingangsdatum=m0, einddatum=month_end(m1), volume=10, frequentie="6"
    )
    ctx.declaratie(c, m0, geleverd_volume=9)
    ctx.reject(ctx.declaratie(c, m1, geleverd_volume=6), "9322")
    # 325 rows that link to no claim: an unknown declaratie, a prestatie not in its 323
    d = ctx.toewijzing("1771", "02B02")
    line = ctx.declaratie(d, m0, geleverd_volume=3)
    head = {"gemeente_code": "1771", "aanbieder_agb": line["aanbieder_agb"]}
    day = (m1 + timedelta(days=4)).isoformat()
    ctx.answers.extra += [
        {
            **head,
            "declaratie_nummer": ctx.next_id("SD-ONBEKEND"),
            "declaratie_dagtekening": day,
            "referentie_nummer": None,
            "retourcodes": "0200",
        },
        {
            **head,
            "declaratie_nummer": line["declaratie_nummer"],
            "declaratie_dagtekening": day,
            "referentie_nummer": ctx.next_id("SR-ONBEKEND"),
            "retourcodes": "0611",
        },
    ]
