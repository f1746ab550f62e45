"""Vervoer (RULES.md §4; seed 001 "Vervoer", seed 002 §5.4): vervoer.*, each planted at least
twice with different figures, plus near-misses.

Every transport client gets a reisafstand (except where buiten_staffel wants none) and
dagbesteding day lines (one dagdeel on each weekday with transport) so that only the planted
violation fires. Claims lie in the allocation's first two months (m0, m1), before the
peildatum's month. A Drechtsteden allocation starts no earlier than its tariffs (2026); a client
whose claim month would then not lie before the peildatum's month is not planted (early peildata).
"""

from datetime import date, timedelta

from declaratiemonitor.lib.generate.calendar import add_months
from declaratiemonitor.lib.generate.context import ScenarioContext

DAGBESTEDING = {"1771": "07D01", "0505": "07D10"}


def weekdays(month: date, n: int, skip: int = 0) -> list[date]:
    """The first n weekdays of a month after skipping `skip` weekdays."""
    days, d = [], month
    while len(days) < n + skip:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days[skip:]


class Client:
    """A fresh client with a transport allocation, a reisafstand and a dagbesteding allocation."""

    def __init__(
        self,
        ctx: ScenarioContext,
        gemeente: str,
        product: str,
        km: float | None,
        rolstoel: bool = False,
        alternatief: float | None = None,
        dagbesteding_agb: str | None = None,
        start: date | None = None,
    ) -> None:
        self.ctx = ctx
        dates = {"ingangsdatum": start, "toewijzing_datum": start} if start else {}
        self.vervoer = ctx.toewijzing(gemeente, product, **dates)
        self.bsn, self.agb = self.vervoer["bsn"], self.vervoer["aanbieder_agb"]
        self.dagbesteding = ctx.toewijzing(
            gemeente,
            DAGBESTEDING[gemeente],
            bsn=self.bsn,
            aanbieder_agb=dagbesteding_agb or self.agb,
        )
        self.m0 = self.vervoer["ingangsdatum"]
        self.m1 = add_months(self.m0, 1)
        if km is not None:
            ctx.add(
                "reisafstanden",
                [
                    {
                        "bsn": self.bsn,
                        "aanbieder_agb": self.agb,
                        "enkele_reis_km": km,
                        "rolstoel": rolstoel,
                        "km_dichtstbijzijnde_passende_locatie": alternatief,
                    }
                ],
            )

    @property
    def nummer(self) -> str:
        return self.vervoer["toewijzing_nummer"]

    def dagbesteding_op(self, days: list[date]) -> None:
        for d in days:
            self.ctx.declaratie(self.dagbesteding, d, einddatum=d, geleverd_volume=1)

    def ritten_op(self, days: list[date], toewijzing: dict | None = None, ritten: int = 1) -> None:
        for d in days:
            self.ctx.declaratie(toewijzing or self.vervoer, d, einddatum=d, geleverd_volume=ritten)

    def maand(self, month: date, ritten: int, **values) -> None:
        self.ctx.declaratie(self.vervoer, month, geleverd_volume=ritten, **values)


def client(
    ctx: ScenarioContext, gemeente: str, product: str, km: float | None, month: int, **values
) -> Client | None:
    """A Client that claims in its month `month` (0 = m0, 1 = m1), its allocation starting three
    months before the peildatum's month or when the product's tariff starts, if later; None when
    that claim month does not lie before the peildatum's month."""
    m0 = add_months(ctx.peildatum.replace(day=1), -3)
    start = max(m0, ctx.tariff_start(gemeente, product))
    if not ctx.claimable(add_months(start, month)):
        return None
    return Client(ctx, gemeente, product, km, start=start, **values)


def plant(ctx: ScenarioContext) -> None:
    _staffel_te_hoog(ctx)
    _rolstoel_onterecht(ctx)
    _buiten_staffel(ctx)
    _zonder_dagbesteding(ctx)
    _meer_dan_een_per_dag(ctx)


def _staffel_te_hoog(ctx: ScenarioContext) -> None:
    # 7,2 km claimed as 15-20 km (08V04) for a month
    a = Client(ctx, "1771", "08V04", 7.2)
    a.dagbesteding_op(weekdays(a.m1, 8))
    a.maand(a.m1, 8)
    ctx.expect("vervoer.staffel_te_hoog", a.nummer, a.m1)

    # Drechtsteden 10,9 km claimed in the middle band (08D02), three day lines
    if b := client(ctx, "0505", "08D02", 10.9, month=0):
        days = weekdays(b.m0, 3)
        b.dagbesteding_op(days)
        b.ritten_op(days)
        for d in days:
            ctx.expect("vervoer.staffel_te_hoog", b.nummer, d)

    # seed 002 §5.4.5 voorbeeld 2: 15 km chosen, a suitable place at 7 km had room -> 08V02
    c = Client(ctx, "1771", "08V04", 15.0, alternatief=7.0)
    c.dagbesteding_op(weekdays(c.m0, 6))
    c.maand(c.m0, 6)
    ctx.expect("vervoer.staffel_te_hoog", c.nummer, c.m0)

    # near-misses: 15 km -> 08V04; Drechtsteden 11,0 km -> 08D02; 9,5 km rounds to 10 -> 08V03;
    # 10,4 km rounds to 10 (not above max_km_passend) -> 08V03; 12 km in a wheelchair -> 08V11
    for gemeente, product, km, rolstoel, alt in [
        ("1771", "08V04", 15.0, False, None),
        ("0505", "08D02", 11.0, False, None),
        ("1771", "08V03", 9.5, False, None),
        ("1771", "08V03", 10.4, False, 3.0),
        ("1771", "08V11", 12.0, True, None),
    ]:
        n = client(ctx, gemeente, product, km, month=1, rolstoel=rolstoel, alternatief=alt)
        if n:
            n.dagbesteding_op(weekdays(n.m1, 5))
            n.maand(n.m1, 5)


def _rolstoel_onterecht(ctx: ScenarioContext) -> None:
    # seed 002 §5.4.5 voorbeeld 1 (7 km, 08V10), but the client does not travel in a wheelchair
    a = Client(ctx, "1771", "08V10", 7.0, rolstoel=False)
    a.dagbesteding_op(weekdays(a.m0, 5))
    a.maand(a.m0, 5)
    ctx.expect("vervoer.rolstoel_onterecht", a.nummer, a.m0)

    if b := client(ctx, "0505", "08D05", 15.0, month=1, rolstoel=False):
        days = weekdays(b.m1, 2, skip=3)
        b.dagbesteding_op(days)
        b.ritten_op(days)
        for d in days:
            ctx.expect("vervoer.rolstoel_onterecht", b.nummer, d)

    # near-miss: voorbeeld 1 as written (wheelchair, 7 km, 08V10)
    n = Client(ctx, "1771", "08V10", 7.0, rolstoel=True)
    n.dagbesteding_op(weekdays(n.m1, 4))
    n.maand(n.m1, 4)


def _buiten_staffel(ctx: ScenarioContext) -> None:
    a = Client(ctx, "1771", "08V02", None)  # no reisafstand known
    a.dagbesteding_op(weekdays(a.m1, 7))
    a.maand(a.m1, 7)
    ctx.expect("vervoer.buiten_staffel", a.nummer, a.m1)

    if b := client(ctx, "0505", "08D03", 33.0, month=0):  # Drechtsteden bands end at 31 km
        b.dagbesteding_op(weekdays(b.m0, 4))
        b.maand(b.m0, 4)
        ctx.expect("vervoer.buiten_staffel", b.nummer, b.m0)

    c = Client(ctx, "1771", "08V14", 32.0, rolstoel=True)  # wheelchair bands end at 30 km
    days = weekdays(c.m1, 2)
    c.dagbesteding_op(days)
    c.ritten_op(days)
    for d in days:
        ctx.expect("vervoer.buiten_staffel", c.nummer, d)

    # near-miss: 39,4 km rounds to 39, inside the last regular band (08V08)
    n = Client(ctx, "1771", "08V08", 39.4)
    n.dagbesteding_op(weekdays(n.m0, 3))
    n.maand(n.m0, 3)


def _zonder_dagbesteding(ctx: ScenarioContext) -> None:
    # day lines: dagbesteding on 3 of 5 transport days
    a = Client(ctx, "1771", "08V02", 7.0)
    days = weekdays(a.m0, 5)
    a.dagbesteding_op(days[:3])
    a.ritten_op(days)
    for d in days[3:]:
        ctx.expect("vervoer.zonder_dagbesteding", a.nummer, d)

    # period line: 10 trips in a month with dagbesteding on 7 days
    if b := client(ctx, "0505", "08D01", 5.0, month=1):
        b.dagbesteding_op(weekdays(b.m1, 7))
        b.maand(b.m1, 10)
        ctx.expect("vervoer.zonder_dagbesteding", b.nummer, b.m1)

    # near-misses: 8 trips on 8 dagbesteding days; a day line covered by dagbesteding claimed by
    # another provider
    n = Client(ctx, "1771", "08V02", 6.0)
    n.dagbesteding_op(weekdays(n.m1, 8))
    n.maand(n.m1, 8)
    m = Client(ctx, "1771", "08V01", 3.0, dagbesteding_agb="11112222")
    day = weekdays(m.m0, 1)[0]
    m.dagbesteding_op([day])
    m.ritten_op([day])


def _meer_dan_een_per_dag(ctx: ScenarioContext) -> None:
    # two trips on one line on a dagbesteding day
    a = Client(ctx, "1771", "08V02", 8.0)
    days = weekdays(a.m1, 3)
    a.dagbesteding_op(days)
    a.ritten_op(days[:1], ritten=2)
    a.ritten_op(days[1:])
    ctx.expect("vervoer.meer_dan_een_per_dag", a.nummer, days[0])

    # two lines on one day from two allocations of the same client: both are named
    b = Client(ctx, "1771", "08V01", 4.0)
    second = ctx.toewijzing("1771", "08V01", bsn=b.bsn)
    day = weekdays(b.m0, 1, skip=4)[0]
    b.dagbesteding_op([day])
    b.ritten_op([day])
    b.ritten_op([day], toewijzing=second)
    ctx.expect("vervoer.meer_dan_een_per_dag", b.nummer, day)
    ctx.expect("vervoer.meer_dan_een_per_dag", second["toewijzing_nummer"], day)

    # Drechtsteden period line Monday-Friday (5 days) with 7 trips: more than one a day for sure,
    # and also more trips than dagbesteding days (zonder_dagbesteding, declared)
    if c := client(ctx, "0505", "08D01", 9.0, month=1):
        monday = c.m1 + timedelta(days=-c.m1.weekday() % 7)
        week = [monday + timedelta(days=i) for i in range(5)]
        c.dagbesteding_op(week)
        c.maand(week[0], 7, einddatum=week[-1])
        ctx.expect("vervoer.meer_dan_een_per_dag", c.nummer, week[0])
        ctx.expect("vervoer.zonder_dagbesteding", c.nummer, week[0])

    # near-miss: one trip on each of two consecutive days
    if n := client(ctx, "0505", "08D01", 2.0, month=0):
        days = weekdays(n.m0, 2)
        n.dagbesteding_op(days)
        n.ritten_op(days)
