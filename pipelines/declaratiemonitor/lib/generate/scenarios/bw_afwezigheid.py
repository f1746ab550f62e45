"""Beschermd wonen and absences (RULES.md §5; seed 001 "Declareren bij tijdelijke afwezigheid"):
bw_afwezigheid.* and afwezigheid.declaratie_tijdens_opname, each planted at least twice with
different figures, plus near-misses.

BW allocations start on 1 January 2026 at the earliest (Drechtsteden BW tariffs) and run three
years, so nothing expires and no uitnutting rule fires. BW is claimed per month as a period line
of one etmaal a day. Signals of the BW rules and of declaratie_tijdens_opname are keyed per
toewijzing and month on the first flagged day. With an early peildatum (fewer than ten BW months
since the tariffs start) a scenario moves to the earliest BW month, or is left out when it needs
more months than there are. The `streng` reading needs a parameter override
and is covered by the rule tests only.
"""

from datetime import date, timedelta

from declaratiemonitor.lib.generate.calendar import add_months, month_end, month_start
from declaratiemonitor.lib.generate.context import ScenarioContext

BW_EARLIEST = date(2026, 1, 1)


def _bw(ctx: ScenarioContext, gemeente: str = "0505", product: str = "15D01", **values) -> dict:
    start = max(BW_EARLIEST, add_months(month_start(ctx.peildatum), -10))
    return ctx.toewijzing(
        gemeente,
        product,
        ingangsdatum=start,
        toewijzing_datum=start,
        einddatum=add_months(start, 36) - timedelta(days=1),
        **values,
    )


def _bw_months(ctx: ScenarioContext, t: dict, first: date, last: date) -> None:
    """Monthly BW period lines (one etmaal a day) from the month of `first` to that of `last`."""
    m = max(month_start(first), t["ingangsdatum"])
    while m <= last:
        ctx.declaratie(t, m, geleverd_volume=(month_end(m) - m).days + 1)
        m = add_months(month_start(m), 1)


def _back(m: dict[int, date], k: int) -> int:
    """k, or fewer months back when m[k] lies before the BW tariffs (m[1] always qualifies)."""
    return max(j for j in range(1, k + 1) if m[j] >= BW_EARLIEST)


def _absence(
    ctx: ScenarioContext,
    bsn: str,
    begin: date,
    end: date | None,
    reden: str,
    terugkeer: bool = True,
    andere_financiering: bool = False,
) -> None:
    ctx.add(
        "afwezigheden",
        [
            {
                "bsn": bsn,
                "begindatum": begin,
                "einddatum": end,
                "reden": reden,
                "terugkeer_beoogd": terugkeer,
                "andere_financiering": andere_financiering,
            }
        ],
    )


def plant(ctx: ScenarioContext) -> None:
    current = month_start(ctx.peildatum)
    months = {k: add_months(current, -k) for k in range(1, 11)}  # months[1] = last claim month
    _niet_declarabel(ctx, months)
    _langer_dan_6_maanden(ctx, months)
    _nadert_6_maanden(ctx, months)
    _declaratie_tijdens_opname(ctx, months)


def _niet_declarabel(ctx: ScenarioContext, m: dict[int, date]) -> None:
    rule = "bw_afwezigheid.niet_declarabel"
    last = m[1]
    # holiday of 10 days in one month
    a = _bw(ctx)
    _bw_months(ctx, a, a["ingangsdatum"], last)
    begin = m[_back(m, 3)] + timedelta(days=9)
    _absence(ctx, a["bsn"], begin, begin + timedelta(days=9), "vakantie")
    ctx.expect(rule, a["toewijzing_nummer"], begin)

    # GGZ admission without intended return, over a month boundary: two signals
    k = _back(m, 5)
    if k >= 2:
        b = _bw(ctx, product="15D02")
        _bw_months(ctx, b, b["ingangsdatum"], last)
        begin = month_end(m[k]) - timedelta(days=5)
        _absence(ctx, b["bsn"], begin, m[k - 1] + timedelta(days=3), "ggz_opname", terugkeer=False)
        ctx.expect(rule, b["toewijzing_nummer"], begin)
        ctx.expect(rule, b["toewijzing_nummer"], m[k - 1])

    # detention financed otherwise, 5 days, in Zwijndrecht
    c = _bw(ctx, gemeente="0642", product="15D03")
    _bw_months(ctx, c, m[3], last)
    begin = m[_back(m, 2)] + timedelta(days=2)
    _absence(ctx, c["bsn"], begin, begin + timedelta(days=4), "detentie", andere_financiering=True)
    ctx.expect(rule, c["toewijzing_nummer"], begin)

    # day lines: staying with family on 3 of 10 claimed days
    d = _bw(ctx, product="15D05")
    for i in range(10):
        day = m[1] + timedelta(days=i)
        ctx.declaratie(d, day, einddatum=day, geleverd_volume=1)
    _absence(ctx, d["bsn"], m[1] + timedelta(days=3), m[1] + timedelta(days=5), "logeren")
    ctx.expect(rule, d["toewijzing_nummer"], m[1] + timedelta(days=3))

    # near-misses: a GGZ admission of 5 months (claimable); a holiday after the last claim day
    n = _bw(ctx)
    _bw_months(ctx, n, n["ingangsdatum"], last)
    _absence(ctx, n["bsn"], m[8], month_end(m[4]), "ggz_opname")
    o = _bw(ctx, product="15D04")
    _bw_months(ctx, o, m[3], m[2])
    _absence(ctx, o["bsn"], m[1], m[1] + timedelta(days=6), "vakantie")


def _langer_dan_6_maanden(ctx: ScenarioContext, m: dict[int, date]) -> None:
    rule = "bw_afwezigheid.langer_dan_6_maanden"
    last = m[1]
    # detention of 7 months: the days from month 7 on (standaard reading), if claimed by now
    begin = max(m[10], BW_EARLIEST) + timedelta(days=11)
    limit = add_months(begin, 6)
    if month_start(limit) <= last:
        a = _bw(ctx)
        _bw_months(ctx, a, a["ingangsdatum"], last)
        _absence(ctx, a["bsn"], begin, add_months(begin, 7) - timedelta(days=1), "detentie")
        for day in (limit, add_months(month_start(limit), 1)):
            if month_start(day) <= last:
                ctx.expect(rule, a["toewijzing_nummer"], day)

    # GGZ admission still running after more than 6 months (flagged in the months with BW claims)
    b = _bw(ctx, gemeente="0590", product="15D02")
    _bw_months(ctx, b, b["ingangsdatum"], last)
    begin = m[8] + timedelta(days=4)
    limit = add_months(begin, 6)
    _absence(ctx, b["bsn"], begin, None, "ggz_opname")
    for day in (limit, add_months(month_start(limit), 1)):
        if day >= BW_EARLIEST:
            ctx.expect(rule, b["toewijzing_nummer"], day)

    # near-miss: exactly 6 months
    n = _bw(ctx)
    _bw_months(ctx, n, n["ingangsdatum"], last)
    begin = m[9] + timedelta(days=1)
    _absence(ctx, n["bsn"], begin, add_months(begin, 6) - timedelta(days=1), "detentie")


def _nadert_6_maanden(ctx: ScenarioContext, m: dict[int, date]) -> None:
    rule = "bw_afwezigheid.nadert_6_maanden"
    p = ctx.peildatum
    # GGZ admission of 5 months and 10 days, still running
    a = _bw(ctx)
    begin = add_months(p, -5) - timedelta(days=10)
    _bw_months(ctx, a, begin, m[1])
    _absence(ctx, a["bsn"], begin, None, "ggz_opname")
    ctx.expect(rule, a["toewijzing_nummer"], begin)

    # detention in its sixth month, ending after the peildatum; the client has two BW allocations
    b = _bw(ctx, product="15D03")
    b2 = _bw(ctx, product="15D04", bsn=b["bsn"], aanbieder_agb="87650002")
    begin = _first_day_with(lambda d: add_months(d, 6) > p, add_months(p, -6))
    _bw_months(ctx, b, begin, m[1])
    _absence(ctx, b["bsn"], begin, p + timedelta(days=20), "detentie")
    ctx.expect(rule, b["toewijzing_nummer"], begin)
    ctx.expect(rule, b2["toewijzing_nummer"], begin)

    # near-misses: one day short of 5 months; a long holiday (never claimable, nothing claimed)
    n = _bw(ctx)
    begin = _first_day_with(lambda d: add_months(d, 5) > p, add_months(p, -5))
    _bw_months(ctx, n, begin, m[1])
    _absence(ctx, n["bsn"], begin, None, "detentie")
    o = _bw(ctx)
    _absence(ctx, o["bsn"], add_months(p, -5) - timedelta(days=20), None, "vakantie")


def _first_day_with(condition, day: date) -> date:
    """The first day from `day` on that meets `condition`: months clamp to their end (RULES.md),
    so "a day after p − 5 months" is not always short of 5 months (p = 28-02: 29-09 + 5 = 28-02)."""
    while not condition(day):
        day += timedelta(days=1)
    return day


def _declaratie_tijdens_opname(ctx: ScenarioContext, m: dict[int, date]) -> None:
    rule = "afwezigheid.declaratie_tijdens_opname"
    # hospital stay covering a whole month of individual support (the months around it only partly)
    a = ctx.toewijzing("1771", "02B01")
    for k in (3, 2, 1):
        ctx.declaratie(a, m[k], geleverd_volume=6 + k)
    _absence(
        ctx, a["bsn"], month_end(m[3]) - timedelta(days=3), m[1] + timedelta(days=2), "ziekenhuis"
    )
    ctx.expect(rule, a["toewijzing_nummer"], m[2])

    # dagbesteding day lines during a GGZ admission
    b = ctx.toewijzing("0505", "07D10")
    for i in (0, 1, 5, 7, 12):
        day = m[1] + timedelta(days=i)
        ctx.declaratie(b, day, einddatum=day, geleverd_volume=1)
    _absence(ctx, b["bsn"], m[1] + timedelta(days=4), m[1] + timedelta(days=8), "ggz_opname")
    ctx.expect(rule, b["toewijzing_nummer"], m[1] + timedelta(days=5))

    # detention since mid-month: the next month's support line lies wholly inside it
    c = ctx.toewijzing("0505", "02D01")
    ctx.declaratie(c, m[2], geleverd_volume=12)
    ctx.declaratie(c, m[1], geleverd_volume=4)
    _absence(ctx, c["bsn"], m[2] + timedelta(days=14), None, "detentie", terugkeer=False)
    ctx.expect(rule, c["toewijzing_nummer"], m[1])

    # near-miss: a holiday is no admission
    n = ctx.toewijzing("1771", "02B02")
    ctx.declaratie(n, m[2], geleverd_volume=5)
    _absence(
        ctx, n["bsn"], m[2] - timedelta(days=1), month_end(m[2]) + timedelta(days=1), "vakantie"
    )
