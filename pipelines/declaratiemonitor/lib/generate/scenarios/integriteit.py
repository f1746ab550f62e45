"""Integrity of claims against allocations (RULES.md §7, iWmo 3.2 technical rules): every
integriteit.* rule planted at least twice with different figures, plus near-misses.

Allocations start on the first of the month three months before the peildatum's month (m0);
claims fall in m0..m2, before the peildatum's month. Each allocation is fresh (own client) and
allocates far more than is claimed, except the allocations that ended before the peildatum:
those get 90 % of their volume claimed inside the validity, so no uitnutting rule fires.
Zorgmeldingen get at most one start and one stop per allocation.
"""

from datetime import date, timedelta

from declaratiemonitor.lib.fixtures import claim_amount
from declaratiemonitor.lib.generate.calendar import add_months, month_end
from declaratiemonitor.lib.generate.context import ScenarioContext


def plant(ctx: ScenarioContext) -> None:
    m0 = add_months(ctx.peildatum.replace(day=1), -3)
    m1, m2 = add_months(m0, 1), add_months(m0, 2)
    _geen_toewijzing(ctx, m1, m2)
    _na_verwijdering(ctx, m0, m1, m2)
    _product_afwijkend(ctx, m0, m1)
    _buiten_toewijzingsperiode(ctx, m0, m1, m2)
    _eenheid_afwijkend(ctx, m1, m2)
    _zorgmeldingen(ctx, m0, m1, m2)
    _dubbele_declaratie(ctx, m0, m1, m2)
    _creditering_zonder_debet(ctx, m0, m1)
    _bedrag_en_tarief(ctx, m0, m1, m2)
    _periode_over_maandgrens(ctx, m0, m1)


def allocation(ctx: ScenarioContext, gemeente: str, product: str, start: date, **values) -> dict:
    """A fresh allocation from `start`, two years unless einddatum is given."""
    values.setdefault("einddatum", add_months(start, 24) - timedelta(days=1))
    category_level = values.pop("categorie_niveau", False)
    row = ctx.toewijzing(gemeente, product, ingangsdatum=start, toewijzing_datum=start, **values)
    if category_level:  # ctx.toewijzing needs a product; a category-level allocation has none
        row["product_code"] = ctx.rows["toewijzingen"][-1]["product_code"] = None
    return row


def expect(ctx: ScenarioContext, rule: str, alloc: dict, period_start: date) -> None:
    ctx.expect(f"integriteit.{rule}", alloc["toewijzing_nummer"], period_start)


def _geen_toewijzing(ctx: ScenarioContext, m1: date, m2: date) -> None:
    # a number no gemeente ever allocated
    ghost = {
        "toewijzing_nummer": ctx.next_id("SX"),
        "gemeente_code": "1771",
        "aanbieder_agb": "41000001",
        "bsn": ctx.new_bsn(),
        "product_categorie": "02",
        "product_code": "02B01",
        "eenheid": "04",
    }
    ctx.declaratie(ghost, m1, geleverd_volume=6)
    expect(ctx, "geen_toewijzing", ghost, m1)
    # the number exists in Dordrecht (0505), but the claim is sent to Drechterland (0498)
    real = allocation(ctx, "0505", "02D01", m1)
    elsewhere = {**real, "gemeente_code": "0498", "product_code": "02W01"}
    ctx.declaratie(elsewhere, m2, geleverd_volume=3)
    expect(ctx, "geen_toewijzing", elsewhere, m2)


def _na_verwijdering(ctx: ScenarioContext, m0: date, m1: date, m2: date) -> None:
    # deleted the iWmo way: einddatum = ingangsdatum, reden 13 (one signal, not also "outside")
    a = allocation(ctx, "1771", "02B01", m0, einddatum=m0, reden_wijziging="13")
    ctx.declaratie(a, m1, geleverd_volume=8)
    expect(ctx, "na_verwijdering", a, m1)
    b = allocation(ctx, "0505", "02D02", m0, reden_wijziging="13")
    ctx.declaratie(b, m0, geleverd_volume=4)
    ctx.declaratie(b, m2, geleverd_volume=2)
    expect(ctx, "na_verwijdering", b, m0)
    expect(ctx, "na_verwijdering", b, m2)
    # near-miss: an administrative correction (14) is not a deletion
    c = allocation(ctx, "0498", "02W01", m0, reden_wijziging="14")
    ctx.declaratie(c, m1, geleverd_volume=5)


def _product_afwijkend(ctx: ScenarioContext, m0: date, m1: date) -> None:
    a = allocation(ctx, "1771", "02B01", m0)
    ctx.declaratie(a, m1, product_code="02B02", geleverd_volume=7)
    expect(ctx, "product_afwijkend", a, m1)
    b = allocation(ctx, "0505", "02D01", m0)
    ctx.declaratie(b, m0, geleverd_volume=5)
    ctx.declaratie(b, m1, product_code="02D03", geleverd_volume=12)
    expect(ctx, "product_afwijkend", b, m1)
    # another category on a category-level allocation (02): dagbesteding for the whole month
    c = allocation(ctx, "0482", "02D01", m0, categorie_niveau=True)
    ctx.declaratie(
        c, m0, product_categorie="07", product_code="07D10", eenheid="16", geleverd_volume=5
    )
    expect(ctx, "product_afwijkend", c, m0)
    # near-miss: any code of the category on a category-level allocation
    d = allocation(ctx, "0482", "02D01", m0, categorie_niveau=True)
    ctx.declaratie(d, m1, product_code="02D02", geleverd_volume=4)


def _buiten_toewijzingsperiode(ctx: ScenarioContext, m0: date, m1: date, m2: date) -> None:
    # TR307: the allocation starts mid-month, the claim covers the whole month
    a = allocation(ctx, "1771", "02B01", m1 + timedelta(days=14))
    ctx.declaratie(a, m1, geleverd_volume=6)
    ctx.declaratie(a, m2, geleverd_volume=6)
    expect(ctx, "buiten_toewijzingsperiode", a, m1)
    # TR308: ended on the 10th of m1; m1 runs past it, m2 lies entirely after it
    start = add_months(m0, -2)
    b = allocation(ctx, "0505", "02D01", start, einddatum=m1 + timedelta(days=9), volume=40)
    for month, hours in ((start, 10), (add_months(start, 1), 10), (m0, 10), (m1, 6)):
        ctx.declaratie(b, month, geleverd_volume=hours)
    ctx.declaratie(b, m2, geleverd_volume=4)
    expect(ctx, "buiten_toewijzingsperiode", b, m1)
    expect(ctx, "buiten_toewijzingsperiode", b, m2)
    # near-misses: begins exactly on ingangsdatum; ends exactly on einddatum
    c = allocation(ctx, "0498", "02W01", m1 + timedelta(days=9))
    ctx.declaratie(c, m1 + timedelta(days=9), geleverd_volume=3)
    start = add_months(m0, -1)
    d = allocation(ctx, "1771", "02B02", start, einddatum=m1 + timedelta(days=14), volume=30)
    ctx.declaratie(d, start, geleverd_volume=10)
    ctx.declaratie(d, m0, geleverd_volume=10)
    ctx.declaratie(d, m1, einddatum=m1 + timedelta(days=14), geleverd_volume=7)


def _eenheid_afwijkend(ctx: ScenarioContext, m1: date, m2: date) -> None:
    a = allocation(ctx, "1771", "02B01", m1)
    ctx.declaratie(a, m1, eenheid="14", geleverd_volume=2)
    expect(ctx, "eenheid_afwijkend", a, m1)
    # an allocation in minutes may not be claimed in hours (only the other way round)
    b = allocation(ctx, "0505", "02D02", m1, eenheid="01")
    ctx.declaratie(b, m2, eenheid="04", geleverd_volume=3)
    expect(ctx, "eenheid_afwijkend", b, m2)
    # near-miss: minutes on an allocation in hours
    c = allocation(ctx, "0498", "02W02", m1)
    ctx.declaratie(c, m2, eenheid="01", geleverd_volume=90)


def melding(alloc: dict, soort: str, datum: date, reden: str | None = None) -> dict:
    return {
        "toewijzing_nummer": alloc["toewijzing_nummer"],
        "aanbieder_agb": alloc["aanbieder_agb"],
        "bsn": alloc["bsn"],
        "soort": soort,
        "datum": datum,
        "reden": reden,
    }


def _zorgmeldingen(ctx: ScenarioContext, m0: date, m1: date, m2: date) -> None:
    # voor_start_zorg: care starts on the 11th of m1; m0 lies entirely before it, m1 does not
    a = allocation(ctx, "1771", "02B01", m0)
    ctx.add("zorgmeldingen", [melding(a, "start", m1 + timedelta(days=10))])
    for month in (m0, m1, m2):
        ctx.declaratie(a, month, geleverd_volume=5)
    expect(ctx, "voor_start_zorg", a, m0)
    # day lines: the day before the start is flagged, the start day itself is not
    b = allocation(ctx, "0498", "02W02", m0)
    first = m2 + timedelta(days=4)
    ctx.add("zorgmeldingen", [melding(b, "start", first)])
    for day in (first - timedelta(days=1), first):
        ctx.declaratie(b, day, einddatum=day, geleverd_volume=2)
    expect(ctx, "voor_start_zorg", b, first - timedelta(days=1))
    # na_stop_zorg: stopped on the 20th of m1; m2 lies entirely after it
    c = allocation(ctx, "0505", "02D01", m0)
    ctx.add(
        "zorgmeldingen",
        [melding(c, "start", m0), melding(c, "stop", m1 + timedelta(days=19), "02")],
    )
    for month in (m0, m1, m2):
        ctx.declaratie(c, month, geleverd_volume=8)
    expect(ctx, "na_stop_zorg", c, m2)
    # day lines: the stop day is claimable, the day after is not
    d = allocation(ctx, "1771", "02G01", m0)
    last = m2 + timedelta(days=9)
    ctx.add(
        "zorgmeldingen",
        [melding(d, "start", m0 + timedelta(days=2)), melding(d, "stop", last, "01")],
    )
    for day in (last, last + timedelta(days=1)):
        ctx.declaratie(d, day, einddatum=day, geleverd_volume=3)
    expect(ctx, "na_stop_zorg", d, last + timedelta(days=1))


def _dubbele_declaratie(ctx: ScenarioContext, m0: date, m1: date, m2: date) -> None:
    # TR389/416: the same month claimed twice
    a = allocation(ctx, "1771", "02B01", m0)
    ctx.declaratie(a, m1, geleverd_volume=10)
    ctx.declaratie(
        a, m1, geleverd_volume=10, declaratie_dagtekening=add_months(m1, 1) + timedelta(days=9)
    )
    expect(ctx, "dubbele_declaratie", a, m1)
    # three times in one month
    b = allocation(ctx, "0505", "02D03", m0)
    for _ in range(3):
        ctx.declaratie(b, m0, geleverd_volume=4)
    expect(ctx, "dubbele_declaratie", b, m0)
    # TR314: a reference number used for two months: both lines are named
    c = allocation(ctx, "0482", "02D02", m0)
    reused = ctx.declaratie(c, m0, geleverd_volume=6)["referentie_nummer"]
    ctx.declaratie(c, m2, geleverd_volume=5, referentie_nummer=reused)
    expect(ctx, "dubbele_declaratie", c, m0)
    expect(ctx, "dubbele_declaratie", c, m2)
    # near-misses: credited and resubmitted with a new number; separate days
    d = allocation(ctx, "0498", "02W01", m0)
    first = ctx.declaratie(d, m1, geleverd_volume=9)
    credit(ctx, d, first, add_months(m1, 1) + timedelta(days=14))
    ctx.declaratie(
        d, m1, geleverd_volume=8, declaratie_dagtekening=add_months(m1, 1) + timedelta(days=20)
    )
    for day in (m0 + timedelta(days=3), m0 + timedelta(days=4)):
        ctx.declaratie(d, day, einddatum=day, geleverd_volume=2)


def credit(ctx: ScenarioContext, alloc: dict, debit: dict, dagtekening: date, **values) -> dict:
    """A credit line cancelling `debit` (same period, volume and amount)."""
    return ctx.declaratie(
        alloc,
        debit["begindatum"],
        debet_credit="C",
        vorig_referentie_nummer=debit["referentie_nummer"],
        geleverd_volume=debit["geleverd_volume"],
        declaratie_dagtekening=dagtekening,
        **values,
    )


def _creditering_zonder_debet(ctx: ScenarioContext, m0: date, m1: date) -> None:
    # TR323: a credit naming a debit that does not exist
    a = allocation(ctx, "1771", "02B01", m0)
    ctx.declaratie(a, m1, geleverd_volume=5)
    ctx.declaratie(
        a, m1, debet_credit="C", vorig_referentie_nummer=ctx.next_id("SRX"), geleverd_volume=3
    )
    expect(ctx, "creditering_zonder_debet", a, m1)
    # TR390: the same debit credited twice
    b = allocation(ctx, "0498", "02W01", m0)
    debit = ctx.declaratie(b, m0, geleverd_volume=7)
    credit(ctx, b, debit, add_months(m0, 1) + timedelta(days=20))
    credit(ctx, b, debit, add_months(m0, 2) + timedelta(days=3))
    expect(ctx, "creditering_zonder_debet", b, m0)
    # near-miss: one credit of an existing debit
    c = allocation(ctx, "0505", "02D01", m0)
    credit(ctx, c, ctx.declaratie(c, m1, geleverd_volume=4), add_months(m1, 1) + timedelta(days=12))


def _bedrag_en_tarief(ctx: ScenarioContext, m0: date, m1: date, m2: date) -> None:
    # bedrag_afwijkend (TR346): € 50 too much; in minutes € 0,80 too little
    a = allocation(ctx, "1771", "02B01", m0)
    ctx.declaratie(a, m1, geleverd_volume=10, ingediend_bedrag_cents=65_000)
    expect(ctx, "bedrag_afwijkend", a, m1)
    b = allocation(ctx, "0505", "02D01", m0)
    ctx.declaratie(b, m2, eenheid="01", geleverd_volume=45, ingediend_bedrag_cents=4_600)
    expect(ctx, "bedrag_afwijkend", b, m2)
    # near-miss: 25 minutes at € 56 per hour = 2.333,33 cent, rounded to 2.333
    c = allocation(ctx, "0498", "02W01", m0)
    ctx.declaratie(c, m1, eenheid="01", geleverd_volume=25, ingediend_bedrag_cents=2_333)
    # tarief_afwijkend (TR418): € 80 instead of € 76 per hour; € 75 instead of € 81 in minutes
    d = allocation(ctx, "0498", "02W03", m0)
    ctx.declaratie(d, m1, geleverd_volume=5, product_tarief_cents=8_000)
    expect(ctx, "tarief_afwijkend", d, m1)
    e = allocation(ctx, "1771", "02B03", m0)
    ctx.declaratie(
        e,
        m0,
        eenheid="01",
        geleverd_volume=120,
        product_tarief_cents=7_500,
        ingediend_bedrag_cents=claim_amount(120, "01", 7_500),
    )
    expect(ctx, "tarief_afwijkend", e, m0)
    # near-miss: the contract tariff, claimed in minutes
    f = allocation(ctx, "0505", "02D03", m0)
    ctx.declaratie(f, m2, eenheid="01", geleverd_volume=50, product_tarief_cents=7_680)


def _periode_over_maandgrens(ctx: ScenarioContext, m0: date, m1: date) -> None:
    # CS337: from the 15th to the 14th of the next month; two whole months in one line
    a = allocation(ctx, "1771", "02B01", m0)
    ctx.declaratie(a, m0 + timedelta(days=14), einddatum=m1 + timedelta(days=13), geleverd_volume=6)
    expect(ctx, "periode_over_maandgrens", a, m0 + timedelta(days=14))
    b = allocation(ctx, "0505", "02D02", m0)
    ctx.declaratie(b, m0, einddatum=month_end(m1), geleverd_volume=9)
    expect(ctx, "periode_over_maandgrens", b, m0)
    # near-misses: a whole month; the second half of a month up to its last day
    c = allocation(ctx, "0498", "02W02", m0)
    ctx.declaratie(c, m0, einddatum=month_end(m0), geleverd_volume=4)
    ctx.declaratie(c, m1 + timedelta(days=15), einddatum=month_end(m1), geleverd_volume=2)
