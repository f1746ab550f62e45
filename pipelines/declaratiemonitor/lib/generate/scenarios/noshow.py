"""No-show (RULES.md §2, seed 000 "Voorstel SDD no-show"): noshow.* and
declaratie.meer_dan_geregistreerd, each planted twice with different figures, plus near-misses.

Allocations start on the first of the month three months before the peildatum's month, so the
three months m0..m2 lie before the peildatum's month. No-show allocations get no claims (so
declaratie.meer_dan_geregistreerd stays silent) and at most a few attempts (no escalation).
"""

from datetime import date, datetime, time, timedelta

from declaratiemonitor.lib.generate.calendar import add_months
from declaratiemonitor.lib.generate.context import ScenarioContext


def start_of_window(ctx: ScenarioContext) -> date:
    return add_months(ctx.peildatum.replace(day=1), -3)


def allocation(ctx: ScenarioContext, gemeente: str, product: str) -> dict:
    start = start_of_window(ctx)
    end = add_months(start, 24) - timedelta(days=1)
    return ctx.toewijzing(
        gemeente, product, ingangsdatum=start, toewijzing_datum=start, einddatum=end
    )


def contact(alloc: dict, when: datetime, **values) -> dict:
    """A contactmoment of the allocation; default a delivered home visit of 60 minutes."""
    return {
        "toewijzing_nummer": alloc["toewijzing_nummer"],
        "aanbieder_agb": alloc["aanbieder_agb"],
        "bsn": alloc["bsn"],
        "gepland_begin": when.isoformat(timespec="minutes"),
        "soort": "direct",
        "kanaal": "huisbezoek",
        "resultaat": "inhoudelijk",
        "afgezegd_op": None,
        "minuten_gedeclareerd": 60,
        **values,
    }


def no_show(alloc: dict, when: datetime, minutes: int, **values) -> dict:
    defaults = {"soort": "no_show", "resultaat": "geen_contact", "minuten_gedeclareerd": minutes}
    return contact(alloc, when, **{**defaults, **values})


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


def plant(ctx: ScenarioContext) -> None:
    s = start_of_window(ctx)
    _boven_15_minuten(ctx, s)
    _tijdig_afgezegd(ctx, s)
    _geen_huisbezoek(ctx, s)
    _meer_dan_geregistreerd(ctx, s)


def _boven_15_minuten(ctx: ScenarioContext, s: date) -> None:
    a = allocation(ctx, "0505", "02D01")
    day = s + timedelta(days=10)
    ctx.add("contactmomenten", [no_show(a, at(day), 25)])
    ctx.expect("noshow.boven_15_minuten", a["toewijzing_nummer"], day)

    b = allocation(ctx, "0498", "02W01")  # 5600 per hour: the impact is rounded
    day1, day2 = s + timedelta(days=20), s + timedelta(days=45)
    late = at(day2, 9) - timedelta(hours=3)  # cancelled late: the visit itself is claimable
    ctx.add(
        "contactmomenten",
        [
            no_show(b, at(day1, 9), 20),
            no_show(b, at(day1, 14), 37),
            no_show(b, at(day2), 16, afgezegd_op=late.isoformat(timespec="minutes")),
        ],
    )
    ctx.expect("noshow.boven_15_minuten", b["toewijzing_nummer"], day1)
    ctx.expect("noshow.boven_15_minuten", b["toewijzing_nummer"], day2)

    # near-misses: exactly 15 minutes; a late cancellation of 15 minutes
    c = allocation(ctx, "1771", "02B01")
    day = s + timedelta(days=30)
    ctx.add(
        "contactmomenten",
        [
            no_show(c, at(day), 15),
            no_show(
                c,
                at(day + timedelta(days=7)),
                15,
                afgezegd_op=(at(day + timedelta(days=7)) - timedelta(hours=2)).isoformat(),
            ),
        ],
    )


def _tijdig_afgezegd(ctx: ScenarioContext, s: date) -> None:
    a = allocation(ctx, "1771", "02B01")
    day = s + timedelta(days=15)
    cancelled = at(day) - timedelta(hours=24, minutes=1)
    ctx.add("contactmomenten", [no_show(a, at(day), 15, afgezegd_op=cancelled.isoformat())])
    ctx.expect("noshow.tijdig_afgezegd", a["toewijzing_nummer"], day)

    # cancelled three days ahead, by phone and 45 minutes: counted once, here
    b = allocation(ctx, "0505", "02D02")
    day = s + timedelta(days=40)
    cancelled = at(day) - timedelta(days=3)
    ctx.add(
        "contactmomenten",
        [
            no_show(b, at(day), 45, kanaal="telefoon", afgezegd_op=cancelled.isoformat()),
        ],
    )
    ctx.expect("noshow.tijdig_afgezegd", b["toewijzing_nummer"], day)

    # near-misses: cancelled exactly 24 hours ahead; cancelled in time but nothing claimed
    c = allocation(ctx, "0505", "02D01")
    day = s + timedelta(days=25)
    ctx.add(
        "contactmomenten",
        [
            no_show(c, at(day), 15, afgezegd_op=(at(day) - timedelta(hours=24)).isoformat()),
            no_show(
                c,
                at(day + timedelta(days=14)),
                0,
                afgezegd_op=(at(day) - timedelta(days=2)).isoformat(),
            ),
        ],
    )


def _geen_huisbezoek(ctx: ScenarioContext, s: date) -> None:
    a = allocation(ctx, "0505", "02D01")
    day = s + timedelta(days=12)
    ctx.add("contactmomenten", [no_show(a, at(day), 15, kanaal="telefoon")])
    ctx.expect("noshow.geen_huisbezoek", a["toewijzing_nummer"], day)

    # a video appointment with 30 minutes: all minutes here, not also noshow.boven_15_minuten
    b = allocation(ctx, "1771", "02B02")
    day = s + timedelta(days=50)
    ctx.add("contactmomenten", [no_show(b, at(day), 30, kanaal="video")])
    ctx.expect("noshow.geen_huisbezoek", b["toewijzing_nummer"], day)

    # near-miss: an outreach call with minutes is not a no-show
    c = allocation(ctx, "0498", "02W02")
    ctx.add(
        "contactmomenten",
        [
            contact(
                c,
                at(s + timedelta(days=33)),
                soort="contactpoging",
                kanaal="telefoon",
                resultaat="geen_contact",
                minuten_gedeclareerd=10,
            ),
        ],
    )


def _meer_dan_geregistreerd(ctx: ScenarioContext, s: date) -> None:
    m0, m1, m2 = s, add_months(s, 1), add_months(s, 2)

    # m0: 2 hours claimed = 120 minutes registered (near-miss); m1: 200 minutes claimed against
    # 165 registered (signal); m2: claims without any registration (not judged)
    a = allocation(ctx, "0505", "02D01")
    ctx.add(
        "contactmomenten",
        [
            contact(a, at(m0 + timedelta(days=3))),
            contact(a, at(m0 + timedelta(days=10))),
            contact(a, at(m1 + timedelta(days=2))),
            contact(a, at(m1 + timedelta(days=9))),
            contact(a, at(m1 + timedelta(days=16)), minuten_gedeclareerd=45),
        ],
    )
    ctx.declaratie(a, m0, geleverd_volume=2)
    ctx.declaratie(a, m1, eenheid="01", geleverd_volume=200)
    ctx.declaratie(a, m2, geleverd_volume=3)
    ctx.expect("declaratie.meer_dan_geregistreerd", a["toewijzing_nummer"], m1)

    # m2: 4 visits and a claimable 15-minute no-show = 255 minutes, 5 hours claimed
    b = allocation(ctx, "0498", "02W01")
    ctx.add(
        "contactmomenten",
        [
            *(contact(b, at(m2 + timedelta(days=d))) for d in (1, 6, 11, 16)),
            no_show(b, at(m2 + timedelta(days=20)), 15),
        ],
    )
    ctx.declaratie(b, m2, geleverd_volume=5)
    ctx.expect("declaratie.meer_dan_geregistreerd", b["toewijzing_nummer"], m2)
