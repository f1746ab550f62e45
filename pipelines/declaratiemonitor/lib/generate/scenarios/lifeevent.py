"""Life events (RULES.md §6; seed 000 "Product Opslag"): lifeevent.na_3_maanden, planted twice
with different figures, plus near-misses.

The Drechtsteden surcharge 02D04 stops automatically three months after its ingangsdatum; the
planted allocations were given a longer einddatum (so the late claims are not also outside the
validity) and run long enough that no uitnutting or verloop rule fires. A signal is keyed per
toewijzing and month on the first day claimed on or after the stop date.
"""

from datetime import date, timedelta

from declaratiemonitor.lib.generate.calendar import add_months, month_start
from declaratiemonitor.lib.generate.context import ScenarioContext

RULE = "lifeevent.na_3_maanden"


def _life_event(ctx: ScenarioContext, gemeente: str, start: date, product: str = "02D04") -> dict:
    return ctx.toewijzing(
        gemeente,
        product,
        ingangsdatum=start,
        toewijzing_datum=start,
        einddatum=add_months(start, 30) - timedelta(days=1),
    )


def plant(ctx: ScenarioContext) -> None:
    m = {k: add_months(month_start(ctx.peildatum), -k) for k in range(1, 8)}

    # starts on the 1st: the 4th and 5th month are claimed in full
    a = _life_event(ctx, "0505", m[6])
    for k, hours in zip((6, 5, 4, 3, 2), (8, 8, 6, 4, 3), strict=True):
        ctx.declaratie(a, m[k], geleverd_volume=hours)
    ctx.expect(RULE, a["toewijzing_nummer"], m[3])
    ctx.expect(RULE, a["toewijzing_nummer"], m[2])

    # starts mid-month: the month line around the stop date, and a later day line
    start = m[5] + timedelta(days=14)
    stop = add_months(start, 3)
    b = _life_event(ctx, "0642", start)
    ctx.declaratie(b, start, geleverd_volume=5)
    for k in (4, 3, 2):
        ctx.declaratie(b, m[k], geleverd_volume=7)
    day = m[1] + timedelta(days=1)
    ctx.declaratie(b, day, einddatum=day, geleverd_volume=2)
    ctx.expect(RULE, b["toewijzing_nummer"], stop)
    ctx.expect(RULE, b["toewijzing_nummer"], day)

    # near-misses: three full months claimed, the last line ending the day before the stop date;
    # ordinary support (02D01) claimed for longer than three months
    n = _life_event(ctx, "0505", m[4])
    for k in (4, 3, 2):
        ctx.declaratie(n, m[k], geleverd_volume=9)
    o = _life_event(ctx, "0590", m[6], product="02D01")
    for k in range(6, 0, -1):
        ctx.declaratie(o, m[k], geleverd_volume=4)
