"""The back office's 325 answers to the generated 323s (CONTRACT.md declaratie_antwoorden).

Every 323 is answered, without rejections (one row without referentie_nummer, code 0200),
except: the base population's 323s submitted in the peildatum's own month (not answered yet);
scenario lines a scenario rejects (ctx.reject: listed with their retourcodes), 323s it
rejects as a whole (ctx.reject_whole) or leaves unanswered (ctx.leave_unanswered); and answer
rows that link to no claim (ctx.answers.extra), which the pipeline must report, not lose.
"""

from datetime import date

import polars as pl

from declaratiemonitor.lib.generate.context import BY_RULE, Expected, ScenarioContext

KEY = ["gemeente_code", "aanbieder_agb", "declaratie_nummer"]
# rules whose evidence names no claim line of the signal's own aanbieder (contacts, absences,
# allocations): their signals have afhandeling null (CONTRACT.md signals)
NO_CLAIM_EVIDENCE = frozenset(
    {
        "noshow.boven_15_minuten",
        "noshow.geen_huisbezoek",
        "noshow.tijdig_afgezegd",
        "escalatie.opschalen",
        "bw_afwezigheid.nadert_6_maanden",
        "stapeling.niet_toegestaan",
        "toewijzing.verloopt_binnenkort",
    }
)


def claims_of(declaraties: pl.DataFrame) -> pl.DataFrame:
    """The 323s among claim lines: one row per gemeente + aanbieder + declaratie_nummer."""
    return (
        declaraties.select(*KEY, pl.col("declaratie_dagtekening").cast(pl.String))
        .group_by(KEY)
        .agg(pl.col("declaratie_dagtekening").max())
    )


def answer_rows(claims: pl.DataFrame, ctx: ScenarioContext, peildatum: date) -> pl.DataFrame:
    claims = claims.group_by(KEY).agg(pl.col("declaratie_dagtekening").max())
    scenario = {ctx.claim_of(r) for r in ctx.rows.get("declaraties", [])}
    month = peildatum.replace(day=1).isoformat()
    rejected: dict[tuple, list[dict]] = {}
    for row in ctx.answers.rejected:
        rejected.setdefault(ctx.claim_of(row), []).append(row)
    rows = []
    for g, a, d, dagtekening in claims.sort(KEY).iter_rows():
        key = (g, a, d)
        if key in ctx.answers.unanswered or (key not in scenario and dagtekening >= month):
            continue
        head = {"gemeente_code": g, "aanbieder_agb": a, "declaratie_nummer": d}
        head["declaratie_dagtekening"] = dagtekening
        if key in ctx.answers.whole:
            rows.append({**head, "referentie_nummer": None, "retourcodes": ctx.answers.whole[key]})
        elif key in rejected:
            rows += [{**r, "declaratie_dagtekening": dagtekening} for r in rejected[key]]
        else:
            rows.append({**head, "referentie_nummer": None, "retourcodes": "0200"})
    rows += ctx.answers.extra
    return pl.DataFrame(
        rows,
        schema=dict.fromkeys(
            [*KEY, "declaratie_dagtekening", "referentie_nummer", "retourcodes"], pl.String
        ),
    )


def expected_afhandeling(e: Expected) -> str | None:
    """The afhandeling ground_truth.csv gives a planted signal (empty = null)."""
    if e.afhandeling != BY_RULE:
        return e.afhandeling
    return None if e.rule_id in NO_CLAIM_EVIDENCE else "betaald"
