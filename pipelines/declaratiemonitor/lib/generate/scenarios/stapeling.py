"""Stapeling (RULES.md §6; seed 002 stapelmatrix): stapeling.niet_toegestaan, planted three times
with different pairs, plus near-misses.

Geldrop-Mierlo (1771) has the stapelregels: B1/B2/B3 mutually exclusive, none with BW, D1 not
with D2. Both allocations of a forbidden pair get a signal, keyed on the first overlapping day.
The allocations run two years (nothing expires, nothing is under-used yet) and carry no claims,
except the near-miss that ended before the peildatum, which is used in full.
"""

from datetime import timedelta

from declaratiemonitor.lib.generate.calendar import add_months, month_end
from declaratiemonitor.lib.generate.context import ScenarioContext

RULE = "stapeling.niet_toegestaan"


def plant(ctx: ScenarioContext) -> None:
    # B1 and B2 with two providers, B2 starting a month later
    b1 = ctx.toewijzing("1771", "02B01")
    start = add_months(b1["ingangsdatum"], 1)
    b2 = ctx.toewijzing(
        "1771",
        "02B02",
        bsn=b1["bsn"],
        aanbieder_agb="41009901",
        ingangsdatum=start,
        toewijzing_datum=start,
    )
    for t in (b1, b2):
        ctx.expect(RULE, t["toewijzing_nummer"], start)

    # D1 and D2 from the same day
    d1 = ctx.toewijzing("1771", "07D01")
    d2 = ctx.toewijzing("1771", "07D02", bsn=d1["bsn"])
    for t in (d1, d2):
        ctx.expect(RULE, t["toewijzing_nummer"], d1["ingangsdatum"])

    # B2 and B3 overlapping from the middle of a month (an open-ended allocation without claims
    # would be under-used, so B3 gets an end date too)
    c2 = ctx.toewijzing("1771", "02B02")
    start = c2["ingangsdatum"] + timedelta(days=45)
    c3 = ctx.toewijzing("1771", "02B03", bsn=c2["bsn"], ingangsdatum=start, toewijzing_datum=start)
    for t in (c2, c3):
        ctx.expect(RULE, t["toewijzing_nummer"], start)

    # near-misses: B1 with group support, dagbesteding and transport (allowed combinations)
    n = ctx.toewijzing("1771", "02B01")
    for product in ("02G01", "07D01", "08V01"):
        ctx.toewijzing("1771", product, bsn=n["bsn"])
    # B1 ended (used in full) the day before B2 started
    first = add_months(n["ingangsdatum"], -1)
    o1 = ctx.toewijzing(
        "1771",
        "02B01",
        ingangsdatum=first,
        toewijzing_datum=first,
        einddatum=month_end(first),
        volume=6,
    )
    ctx.declaratie(o1, first, geleverd_volume=6)
    ctx.toewijzing("1771", "02B02", bsn=o1["bsn"])
    # B3 for another client; a B2 that was deleted (reden 13)
    ctx.toewijzing("1771", "02B03", bsn=n["bsn"], reden_wijziging="13")
    ctx.toewijzing("1771", "02B03")
