"""Process signals (RULES.md §8, seeds 002/003): toewijzing.verloopt_binnenkort, planted three
times with different figures, plus near-misses (window edge, a later allocation of the same
soort at another provider, a category-level allocation followed by a product of its category,
an allocation ending on the peildatum).

Each expiring allocation is 8 h a month from eleven months before the peildatum's month, fully
claimed every month before that month, so no uitnutting rule fires (u / f stays near 1).
Successors start the day after the end: not yet started, so out of scope for the other rules.
"""

from datetime import date, timedelta

from declaratiemonitor.lib.generate.calendar import add_months
from declaratiemonitor.lib.generate.context import ScenarioContext

RULE = "toewijzing.verloopt_binnenkort"


def expiring(
    ctx: ScenarioContext,
    gemeente: str,
    product: str,
    end: date,
    category_level: bool = False,
    **values,
) -> dict:
    """An allocation of 8 h a month ending on `end`, fully claimed up to the peildatum's month
    (category_level: the allocation names only the product's category; claims use the product)."""
    start = add_months(ctx.peildatum.replace(day=1), -11)
    alloc = ctx.toewijzing(
        gemeente,
        product,
        ingangsdatum=start,
        toewijzing_datum=start,
        einddatum=end,
        frequentie="4",
        volume=8,
        **values,
    )
    if category_level:  # ctx.toewijzing always names a product: drop it from the stored row
        ctx.rows["toewijzingen"][-1]["product_code"] = None
    for k in range(11):
        ctx.declaratie(alloc, add_months(start, k), geleverd_volume=8)
    return alloc


def successor(ctx: ScenarioContext, before: dict, gemeente: str, product: str, **values) -> dict:
    start = date.fromisoformat(str(before["einddatum"])) + timedelta(days=1)
    return ctx.toewijzing(
        gemeente,
        product,
        bsn=before["bsn"],
        ingangsdatum=start,
        toewijzing_datum=start,
        einddatum=add_months(start, 12) - timedelta(days=1),
        **values,
    )


def plant(ctx: ScenarioContext) -> None:
    p = ctx.peildatum

    # exactly 8 weeks ahead, no later allocation at all
    a = expiring(ctx, "1771", "02B01", p + timedelta(days=56))
    ctx.expect(RULE, a["toewijzing_nummer"], a["ingangsdatum"])

    # 10 days ahead; the later allocation is day care (another soort)
    b = expiring(ctx, "0498", "02W02", p + timedelta(days=10))
    successor(ctx, b, "0498", "07W01")
    ctx.expect(RULE, b["toewijzing_nummer"], b["ingangsdatum"])

    # 40 days ahead; the later allocation of the same product was deleted (reden 13)
    c = expiring(ctx, "1771", "02B03", p + timedelta(days=40))
    successor(ctx, c, "1771", "02B03", reden_wijziging="13")
    ctx.expect(RULE, c["toewijzing_nummer"], c["ingangsdatum"])

    # near-misses: one day beyond the window; ending on the peildatum itself
    expiring(ctx, "1771", "02B01", p + timedelta(days=57))
    expiring(ctx, "0505", "02D01", p)

    # near-miss: a later allocation of the same soort (ib) at another provider
    d = expiring(ctx, "1771", "02B01", p + timedelta(days=20))
    successor(ctx, d, "1771", "02B02", aanbieder_agb="87650000")

    # near-miss: a category-level allocation followed by a product of its category
    e = expiring(ctx, "0505", "02D01", p + timedelta(days=15), category_level=True)
    successor(ctx, e, "0505", "02D03")
