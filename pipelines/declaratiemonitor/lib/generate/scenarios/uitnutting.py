"""Uitnutting (RULES.md §1, seed 002 §3): uitnutting.overschrijding, .periode_overschrijding,
.prognose (with the calendar-year variant when the peildatum allows it) and .onderbenutting,
each planted at least twice with different figures, plus near-misses.

Dates are relative to the peildatum's month M: claims fall in months before M, and every
allocation ends at least three months after M (so toewijzing.verloopt_binnenkort stays silent)
or well before the peildatum. The figures keep the other utilisation rules quiet on each
allocation: e.g. a monthly-maximum scenario claims at the allocated rate (u / f near 1).
"""

from datetime import date, timedelta

from declaratiemonitor.lib.generate.calendar import add_months, month_end
from declaratiemonitor.lib.generate.context import ScenarioContext


def allocation(
    ctx: ScenarioContext, gemeente: str, product: str, start: date, months: int | None, **values
) -> dict:
    end = None if months is None else add_months(start, months) - timedelta(days=1)
    return ctx.toewijzing(
        gemeente, product, ingangsdatum=start, toewijzing_datum=start, einddatum=end, **values
    )


def monthly(ctx: ScenarioContext, alloc: dict, first: date, volumes: list[int], **values) -> None:
    """One claim line per month (whole month), starting at `first`."""
    for k, volume in enumerate(volumes):
        ctx.declaratie(alloc, add_months(first, k), geleverd_volume=volume, **values)


def iso_weeks(a: date, b: date) -> int:
    """ISO weeks that the span a..b touches."""
    return ((b - timedelta(b.weekday())) - (a - timedelta(a.weekday()))).days // 7 + 1


def plant(ctx: ScenarioContext) -> None:
    m = ctx.peildatum.replace(day=1)
    _overschrijding(ctx, m)
    _periode_overschrijding(ctx, m)
    _prognose(ctx, m)
    _onderbenutting(ctx, m)


def _overschrijding(ctx: ScenarioContext, m: date) -> None:
    # 50 h allocated, 5 x 12 h = 60 h claimed
    s = add_months(m, -6)
    a = allocation(ctx, "1771", "02B01", s, 12, volume=50)
    monthly(ctx, a, s, [12] * 5)
    ctx.expect("uitnutting.overschrijding", a["toewijzing_nummer"], s)

    # 20 h allocated, 3 x 480 minutes = 24 h claimed in minutes
    s = add_months(m, -4)
    b = allocation(ctx, "0505", "02D02", s, 12, volume=20)
    monthly(ctx, b, s, [480] * 3, eenheid="01")
    ctx.expect("uitnutting.overschrijding", b["toewijzing_nummer"], s)

    # near-miss: exactly the total (u = 1: no overschrijding and no prognose)
    s = add_months(m, -5)
    c = allocation(ctx, "0498", "02W03", s, 12, volume=40)
    monthly(ctx, c, s, [20, 20])

    # near-miss: over the total only through a line that was credited
    s = add_months(m, -3)
    d = allocation(ctx, "1771", "02B02", s, 12, volume=30)
    monthly(ctx, d, s, [8])
    debit = ctx.declaratie(d, add_months(s, 1), geleverd_volume=25)
    ctx.declaratie(
        d,
        add_months(s, 1),
        geleverd_volume=25,
        debet_credit="C",
        vorig_referentie_nummer=debit["referentie_nummer"],
    )


def _periode_overschrijding(ctx: ScenarioContext, m: date) -> None:
    # 3 h a week: a month may hold 3 h x the ISO weeks it touches
    s = add_months(m, -4)
    a = allocation(ctx, "1771", "02B01", s, 24, frequentie="2", volume=3)
    months = [add_months(s, k) for k in range(4)]
    cap = [3 * iso_weeks(mo, month_end(mo)) for mo in months]
    ctx.declaratie(a, months[0], geleverd_volume=cap[0])  # exactly the maximum
    ctx.declaratie(a, months[1], geleverd_volume=cap[1] + 1)
    ctx.expect("uitnutting.periode_overschrijding", a["toewijzing_nummer"], months[1])
    half = months[2] + timedelta(days=14)
    ctx.declaratie(a, months[2], einddatum=half, geleverd_volume=cap[2])
    ctx.declaratie(a, half + timedelta(days=1), geleverd_volume=30, eenheid="01")
    ctx.expect("uitnutting.periode_overschrijding", a["toewijzing_nummer"], months[2])
    ctx.declaratie(a, months[3], geleverd_volume=2)

    # beschermd wonen, 1 etmaal a day: 2 etmalen more than the days of the month
    s = add_months(m, -3)
    if s >= date.fromisoformat(ctx.product("0505", "15D01")["geldig_van"]):
        b = allocation(ctx, "0505", "15D01", s, 12, frequentie="1", volume=1)
        days = [(month_end(add_months(s, k)) - add_months(s, k)).days + 1 for k in range(3)]
        monthly(ctx, b, s, [days[0], days[1] + 2, days[2]])
        ctx.expect("uitnutting.periode_overschrijding", b["toewijzing_nummer"], add_months(s, 1))

    # 8 h a month: 8 h plus a 30-minute line
    c = allocation(ctx, "0498", "02W01", s, 12, frequentie="4", volume=8)
    monthly(ctx, c, s, [8, 8, 8])
    last = month_end(add_months(s, 1))
    ctx.declaratie(c, last, einddatum=last, geleverd_volume=30, eenheid="01")
    ctx.expect("uitnutting.periode_overschrijding", c["toewijzing_nummer"], add_months(s, 1))

    # near-miss: validity from the 16th; the partial month is full to its ISO-week maximum
    s = add_months(m, -3) + timedelta(days=15)
    d = allocation(ctx, "1771", "02B02", s, 24, frequentie="2", volume=2)
    ctx.declaratie(d, s, geleverd_volume=2 * iso_weeks(s, month_end(s)))


def recent_start(m: date, back: int) -> date:
    """`back` months before m, but from February on not before 1 January of m's year: claims
    made in this year on a validity that began in an earlier year would add a calendar-year
    prognose signal to the scenario."""
    s = add_months(m, -back)
    return s if m.month == 1 else max(s, date(m.year, 1, 1))


def split(total: int, parts: int) -> list[int]:
    return [total // parts] * (parts - 1) + [total - total // parts * (parts - 1)]


def _prognose(ctx: ScenarioContext, m: date) -> None:
    p = ctx.peildatum
    # 100 h over 12 months, 50 h in the (at most) two months before M (the seed's example)
    s = recent_start(m, 2)
    a = allocation(ctx, "1771", "02B02", s, 12, volume=100)
    months = (m.year - s.year) * 12 + m.month - s.month
    monthly(ctx, a, s, split(50, months))
    ctx.expect("uitnutting.prognose", a["toewijzing_nummer"], s)

    # budget of € 10.000,00 in hours of 02W02 (6500 per hour): 75 h = € 4.875,00
    s = recent_start(m, 3)
    b = allocation(ctx, "0498", "02W02", s, 12, volume=None, budget_cents=1_000_000)
    months = (m.year - s.year) * 12 + m.month - s.month
    monthly(ctx, b, s, split(75, months))
    ctx.expect("uitnutting.prognose", b["toewijzing_nummer"], s)

    # calendar year of peildatum (validity from 1 July of the year before, 24 months, 240 h:
    # about 120 h for this year); claims this year at twice the year's pace. Feasible only while
    # the year is young (u < 1, f >= min_verstreken, whole validity f < 0.5), February to June.
    jan1 = date(p.year, 1, 1)
    f_year = ((p - jan1).days + 1) / 365
    if 0.1 <= f_year <= 0.45 and p.month >= 2:
        c = allocation(ctx, "1771", "02B03", date(p.year - 1, 7, 1), 24, volume=240)
        minutes, months = int(2 * f_year * 120 * 60), p.month - 1
        monthly(ctx, c, jan1, split(minutes, months), eenheid="01")
        ctx.expect("uitnutting.prognose", c["toewijzing_nummer"], jan1)

    # near-miss: u / f = 1.15, just under the 1.20 threshold
    s = recent_start(m, 2)
    end = add_months(s, 12) - timedelta(days=1)
    f = ((p - s).days + 1) / ((end - s).days + 1)
    d = allocation(ctx, "1771", "02B03", s, 12, volume=100)
    ctx.declaratie(d, add_months(m, -1), geleverd_volume=int(1.15 * f * 6000), eenheid="01")

    # near-miss: too early to tell (f < min_verstreken 0.08) although 40 % is used
    s = add_months(m, -1)
    end = add_months(s, 24) - timedelta(days=1)
    if ((p - s).days + 1) / ((end - s).days + 1) < 0.08:
        e = allocation(ctx, "0505", "02D03", s, 24, volume=100)
        monthly(ctx, e, s, [40])


def _onderbenutting(ctx: ScenarioContext, m: date) -> None:
    # 200 h over 12 months, 8 x 5 h after eight months
    s = add_months(m, -8)
    a = allocation(ctx, "1771", "02B03", s, 12, volume=200)
    monthly(ctx, a, s, [5] * 8)
    ctx.expect("uitnutting.onderbenutting", a["toewijzing_nummer"], s)

    # open-ended, 10 h a month (f = 1, total up to peildatum): 5 h a month claimed
    s = add_months(m, -6)
    b = allocation(ctx, "0498", "02W01", s, None, frequentie="4", volume=10)
    monthly(ctx, b, s, [5] * 6)
    ctx.expect("uitnutting.onderbenutting", b["toewijzing_nummer"], s)

    # ended three months ago: 24 of 60 h used
    s = add_months(m, -9)
    c = allocation(ctx, "0505", "02D01", s, 6, volume=60)
    monthly(ctx, c, s, [4] * 6)
    ctx.expect("uitnutting.onderbenutting", c["toewijzing_nummer"], s)

    # near-miss: past half-way, 72 of 100 h used (u / f about 1)
    s = add_months(m, -8)
    d = allocation(ctx, "1771", "02B01", s, 12, volume=100)
    monthly(ctx, d, s, [9] * 8)
