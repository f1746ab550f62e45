"""Escalation (RULES.md §3, seed 000 "Voorstel SDD no-show (vervolg)"): escalatie.opschalen and
escalatie.doordeclareren, each planted twice with different figures, plus near-misses.

Times are relative to s, the first of the month three months before the peildatum's month
(m0 = s, m1, m2 before the peildatum's month; peildatum >= s + 89 days). A streak's due date
is D = max(date of the 8th attempt, t0 + 56 days).
"""

from datetime import date, timedelta

from declaratiemonitor.lib.generate.calendar import add_months
from declaratiemonitor.lib.generate.context import ScenarioContext
from declaratiemonitor.lib.generate.scenarios.noshow import (
    allocation,
    at,
    contact,
    no_show,
    start_of_window,
)


def attempt(alloc: dict, day: date, **values) -> dict:
    """An outreach call without contact."""
    defaults = {
        "soort": "contactpoging",
        "kanaal": "telefoon",
        "resultaat": "geen_contact",
        "minuten_gedeclareerd": 0,
    }
    return contact(alloc, at(day), **{**defaults, **values})


def plant(ctx: ScenarioContext) -> None:
    s = start_of_window(ctx)
    _eight_attempts_in_three_weeks(ctx, s)
    _attempts_every_nine_days(ctx, s)
    _near_misses(ctx, s)


def _eight_attempts_in_three_weeks(ctx: ScenarioContext, s: date) -> None:
    """t0 = s+2, 8th attempt s+18, D = s+58 (inside m1). The monthly line of m1 begins before
    D (not flagged), the one of m2 after it (flagged). No contacts in m1/m2, so
    declaratie.meer_dan_geregistreerd does not judge those months."""
    a = allocation(ctx, "0505", "02D01")
    offsets = (2, 4, 6, 9, 11, 13, 16, 18)
    ctx.add(
        "contactmomenten",
        [
            attempt(a, s + timedelta(days=d), **({"resultaat": "vluchtig"} if i % 3 == 2 else {}))
            for i, d in enumerate(offsets)
        ],
    )
    m1, m2 = add_months(s, 1), add_months(s, 2)
    ctx.declaratie(a, m1, geleverd_volume=10)
    ctx.declaratie(a, m2, geleverd_volume=12)
    ctx.expect("escalatie.opschalen", a["toewijzing_nummer"], s + timedelta(days=2))
    ctx.expect("escalatie.doordeclareren", a["toewijzing_nummer"], m2)


def _attempts_every_nine_days(ctx: ScenarioContext, s: date) -> None:
    """Attempts on s+3, s+12, ..., s+75 (no-shows of 15 minutes, claimable, alternating with
    fleeting calls): the 8th on s+66 > t0 + 56, so D = s+66; substantive contact on s+84 ends
    the streak. m2 (starting s+59..s+62) has 0 + 15 + 60 = 75 registered minutes and 75
    claimed: a day line on s+70 (after D: flagged) and one on s+84 (the contact day: not)."""
    a = allocation(ctx, "1771", "02B01")
    rows = []
    for k in range(9):
        day = s + timedelta(days=3 + 9 * k)
        if k % 2 == 0:
            rows.append(no_show(a, at(day), 15))
        else:
            rows.append(attempt(a, day, resultaat="vluchtig"))
    rows.append(contact(a, at(s + timedelta(days=84))))
    ctx.add("contactmomenten", rows)
    for offset, minutes in ((70, 45), (84, 30)):
        day = s + timedelta(days=offset)
        ctx.declaratie(a, day, einddatum=day, eenheid="01", geleverd_volume=minutes)
    ctx.expect("escalatie.opschalen", a["toewijzing_nummer"], s + timedelta(days=3))
    ctx.expect("escalatie.doordeclareren", a["toewijzing_nummer"], add_months(s, 2))


def _near_misses(ctx: ScenarioContext, s: date) -> None:
    # 7 attempts over 10 weeks
    a = allocation(ctx, "0505", "02D02")
    ctx.add(
        "contactmomenten", [attempt(a, s + timedelta(days=d)) for d in (1, 12, 23, 34, 45, 56, 70)]
    )

    # 7 attempts in six weeks, substantive contact in week 7, then 3 attempts: a new streak
    b = allocation(ctx, "1771", "02B02")
    ctx.add(
        "contactmomenten",
        [
            *(attempt(b, s + timedelta(days=d)) for d in (1, 8, 15, 22, 29, 36, 40)),
            contact(b, at(s + timedelta(days=44))),
            *(attempt(b, s + timedelta(days=d)) for d in (50, 57, 64)),
        ],
    )

    # 8 attempts within 3 weeks, but t0 + 56 days lies after the peildatum: not due yet;
    # delivered visits without result are ignored, not attempts
    c = allocation(ctx, "0498", "02W01")
    t0 = ctx.peildatum - timedelta(days=40)
    ctx.add(
        "contactmomenten",
        [
            *(attempt(c, t0 + timedelta(days=d)) for d in (0, 2, 4, 7, 9, 11, 14, 16)),
            contact(
                c, at(t0 + timedelta(days=18)), resultaat="geen_contact", minuten_gedeclareerd=0
            ),
        ],
    )
