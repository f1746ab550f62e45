"""Dagbesteding and kortdurend verblijf (RULES.md §6; seed 002 D1/D2 and kortdurend verblijf,
seed 004 §5.8.6 and "geen IB tijdens dagbesteding"): dagbesteding.max_dagdelen,
dagbesteding.samen_met_ib and kortdurend_verblijf.max_etmalen, each planted at least twice with
different figures, plus near-misses.

Week findings are keyed on the ISO Monday, year findings on 1 January, samen_met_ib on the day;
each toewijzing whose claims contribute gets its own signal. Claims are day lines (or period
lines inside one week or one month), one line per toewijzing and period, so no integrity rule
fires; allocations run two to four years with a large volume (the kortdurend verblijf year
allocations four: from 1 January of the previous year up to a July peildatum is 19 months, which
must stay under half the validity, or uitnutting.onderbenutting fires).
"""

from datetime import date, timedelta

from declaratiemonitor.lib.generate.calendar import add_months, month_end, month_start
from declaratiemonitor.lib.generate.context import ScenarioContext


def first_monday(month: date) -> date:
    return month + timedelta(days=(7 - month.weekday()) % 7)


def _days(ctx: ScenarioContext, t: dict, start: date, volumes: list[int]) -> None:
    """Day lines on consecutive days from `start` (volume 0 = no line that day)."""
    for i, volume in enumerate(volumes):
        if volume:
            day = start + timedelta(days=i)
            ctx.declaratie(t, day, einddatum=day, geleverd_volume=volume)


def _contact(ctx: ScenarioContext, t: dict, moment: str, minuten: int) -> None:
    ctx.add(
        "contactmomenten",
        [
            {
                "toewijzing_nummer": t["toewijzing_nummer"],
                "aanbieder_agb": t["aanbieder_agb"],
                "bsn": t["bsn"],
                "gepland_begin": moment,
                "soort": "direct",
                "kanaal": "huisbezoek",
                "resultaat": "inhoudelijk",
                "minuten_gedeclareerd": minuten,
            }
        ],
    )


def plant(ctx: ScenarioContext) -> None:
    m = {k: add_months(month_start(ctx.peildatum), -k) for k in range(1, 4)}
    _max_dagdelen(ctx, m)
    _samen_met_ib(ctx, m)
    _kortdurend_verblijf(ctx, m)


def _max_dagdelen(ctx: ScenarioContext, m: dict[int, date]) -> None:
    rule = "dagbesteding.max_dagdelen"
    # 8 dagdelen in one ISO week (2+2+2+1+1)
    a = ctx.toewijzing("1771", "07D01")
    week = first_monday(m[2])
    _days(ctx, a, week, [2, 2, 2, 1, 1])
    _days(ctx, a, week + timedelta(days=7), [1, 1, 1])
    ctx.expect(rule, a["toewijzing_nummer"], week)

    # 3 dagdelen on one day in Dordrecht
    b = ctx.toewijzing("0505", "07D10")
    week = first_monday(m[3])
    _days(ctx, b, week, [1, 0, 3, 0, 1])
    ctx.expect(rule, b["toewijzing_nummer"], week)

    # two providers together 8 dagdelen in a week: both allocations are named
    c1 = ctx.toewijzing("1771", "07D01")
    c2 = ctx.toewijzing("1771", "07D01", bsn=c1["bsn"], aanbieder_agb="41009902")
    week = first_monday(m[1])
    _days(ctx, c1, week, [1, 1, 1, 1, 1])
    _days(ctx, c2, week, [1, 1, 1])
    ctx.expect(rule, c1["toewijzing_nummer"], week)
    ctx.expect(rule, c2["toewijzing_nummer"], week)

    # a week over the month boundary in Drechterland, 2 dagdelen on 4 days
    d = ctx.toewijzing("0498", "07W02")
    week = m[1] - timedelta(days=m[1].weekday() or 7)
    _days(ctx, d, week, [2, 2, 2, 2])
    ctx.expect(rule, d["toewijzing_nummer"], week)

    # near-misses: exactly 7 in a week with 2 on a day; 2 a day on four days spread over two weeks
    n = ctx.toewijzing("1771", "07D02")
    _days(ctx, n, first_monday(m[2]), [2, 2, 2, 1])
    o = ctx.toewijzing("0505", "07D10")
    _days(ctx, o, first_monday(m[2]) + timedelta(days=3), [2, 2, 0, 0, 2, 2])


def _samen_met_ib(ctx: ScenarioContext, m: dict[int, date]) -> None:
    rule = "dagbesteding.samen_met_ib"
    # Drechterland: an IB home visit on a dagbesteding day
    ib = ctx.toewijzing("0498", "02W01")
    db = ctx.toewijzing("0498", "07W01", bsn=ib["bsn"], aanbieder_agb="52009901")
    week = first_monday(m[2])
    _days(ctx, db, week, [0, 1, 0, 2])
    tuesday = week + timedelta(days=1)
    _contact(ctx, ib, f"{tuesday.isoformat()}T10:00", 60)
    # the IB provider's signal names the other provider's dagbesteding lines: none of its own
    ctx.expect(rule, ib["toewijzing_nummer"], tuesday, afhandeling=None)
    ctx.expect(rule, db["toewijzing_nummer"], tuesday)

    # IB on two dagbesteding days (and once on a day without dagbesteding)
    ib2 = ctx.toewijzing("0498", "02W03")
    db2 = ctx.toewijzing("0498", "07W02", bsn=ib2["bsn"])
    week = first_monday(m[1])
    _days(ctx, db2, week, [1, 0, 2])
    _contact(ctx, ib2, f"{week.isoformat()}T15:30", 45)
    _contact(ctx, ib2, f"{(week + timedelta(days=2)).isoformat()}T09:00", 90)
    _contact(ctx, ib2, f"{(week + timedelta(days=4)).isoformat()}T09:00", 60)
    for day in (week, week + timedelta(days=2)):
        ctx.expect(rule, ib2["toewijzing_nummer"], day)
        ctx.expect(rule, db2["toewijzing_nummer"], day)

    # near-miss: the same in Geldrop-Mierlo, which does not apply this rule
    ib3 = ctx.toewijzing("1771", "02B01")
    db3 = ctx.toewijzing("1771", "07D01", bsn=ib3["bsn"])
    week = first_monday(m[2])
    _days(ctx, db3, week, [1, 1])
    _contact(ctx, ib3, f"{week.isoformat()}T11:00", 60)


def _kortdurend_verblijf(ctx: ScenarioContext, m: dict[int, date]) -> None:
    rule = "kortdurend_verblijf.max_etmalen"
    # year check: monthly period lines (they span several weeks, so no week check applies)
    year = m[1].year if m[1].month >= 7 else m[1].year - 1
    jan = date(year, 1, 1)
    months = [add_months(jan, k) for k in range(12) if add_months(jan, k) <= m[1]]

    def allocation(product: str, **values) -> dict:
        return ctx.toewijzing(
            "0498",
            product,
            ingangsdatum=jan,
            toewijzing_datum=jan,
            einddatum=add_months(jan, 48) - timedelta(days=1),
            **values,
        )

    def spread(t: dict, total: int) -> None:
        base, rest = divmod(total, len(months))
        for i, month in enumerate(months):
            ctx.declaratie(t, month, geleverd_volume=base + (1 if i < rest else 0))

    a = allocation("04W01")
    spread(a, 157)
    ctx.expect(rule, a["toewijzing_nummer"], jan)

    b1 = allocation("04W01")
    b2 = allocation("04W02", bsn=b1["bsn"], aanbieder_agb="52009902")
    spread(b1, 90)
    spread(b2, 70)
    ctx.expect(rule, b1["toewijzing_nummer"], jan)
    ctx.expect(rule, b2["toewijzing_nummer"], jan)

    # week check (Drechterland: 3 per ISO week): Thursday to Sunday as day lines
    c = ctx.toewijzing("0498", "04W01")
    week = first_monday(m[2])
    _days(ctx, c, week, [0, 0, 0, 1, 1, 1, 1])
    _days(ctx, c, week + timedelta(days=11), [1, 1, 1])
    ctx.expect(rule, c["toewijzing_nummer"], week)

    # a period line of 5 etmalen from Monday to Friday
    d = ctx.toewijzing("0498", "04W02")
    week = first_monday(m[1])
    ctx.declaratie(d, week, einddatum=week + timedelta(days=4), geleverd_volume=5)
    ctx.expect(rule, d["toewijzing_nummer"], week)

    # near-misses: 156 in a year; 3 a week for three weeks; a period line of 4 etmalen from
    # Friday to Monday (two ISO weeks, inside one month)
    n = allocation("04W02")
    spread(n, 156)
    o = ctx.toewijzing("0498", "04W01")
    for w in range(3):
        _days(ctx, o, first_monday(m[3]) + timedelta(days=7 * w + 4), [1, 1, 1])
    p = ctx.toewijzing("0498", "04W01")
    friday = first_monday(m[2]) + timedelta(days=4)
    assert month_end(friday) >= friday + timedelta(days=3)
    ctx.declaratie(p, friday, einddatum=friday + timedelta(days=3), geleverd_volume=4)
