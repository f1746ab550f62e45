"""Allocations and claim lines per client profile of the base population (vectorised)."""

import polars as pl

from declaratiemonitor.lib.generate.base import SKIP_DAY_SHARE, Window, with_product

ALLOCATION_COLUMNS = [
    "toewijzing_nummer",
    "toewijzing_datum",
    "gemeente_code",
    "aanbieder_agb",
    "bsn",
    "product_categorie",
    "product_code",
    "ingangsdatum",
    "einddatum",
    "volume",
    "eenheid",
    "frequentie",
]
CLAIM_KEYS = [
    "toewijzing_nummer",
    "gemeente_code",
    "aanbieder_agb",
    "bsn",
    "product_categorie",
    "product_code",
    "begindatum",
    "einddatum",
    "geleverd_volume",
    "eenheid",
    "tarief_cents",
]
MINUTE_CLAIM_SHARE = 0.4
CONTACT_SHARE = 0.2  # of all IB clients (all of them claim in minutes)
LIFE_EVENT_SHARE = 0.06
TRANSPORT_SHARE = 0.7
WHEELCHAIR_SHARE = 0.15


def _allocation(frame: pl.DataFrame, prefix: str, volume: pl.Expr, frequentie: str):
    return frame.with_columns(
        pl.format("{}{}", pl.lit(prefix), pl.col("client_no")).alias("toewijzing_nummer"),
        (pl.col("ingangsdatum") - pl.duration(days=3)).alias("toewijzing_datum"),
        volume.cast(pl.Int64).alias("volume"),
        pl.lit(frequentie).alias("frequentie"),
    )


def _months(alloc: pl.DataFrame, window: Window) -> pl.DataFrame:
    """One row per allocation and month with claims (from its start to the last claim month)."""
    last = window.last_claim_month
    return (
        alloc.with_columns(
            pl.int_ranges(
                0,
                (last.year - pl.col("ingangsdatum").dt.year()) * 12
                + last.month
                - pl.col("ingangsdatum").dt.month()
                + 1,
            ).alias("k")
        )
        .explode("k")
        .with_columns(
            pl.col("ingangsdatum").dt.offset_by(pl.format("{}mo", pl.col("k"))).alias("begindatum")
        )
        .with_columns(pl.col("begindatum").dt.month_end().alias("einddatum"))
    )


def _days(alloc: pl.DataFrame, window: Window, weekdays: pl.Expr) -> pl.DataFrame:
    """One row per allocation and day on which care is delivered (weekday rule, a few skips)."""
    return (
        alloc.with_columns(
            pl.date_ranges(pl.col("ingangsdatum"), pl.lit(window.last_claim_day)).alias(
                "begindatum"
            )
        )
        .explode("begindatum")
        .with_columns(pl.col("begindatum").dt.weekday().alias("weekday"))
        .filter(weekdays)
        .filter(
            (pl.col("begindatum").dt.ordinal_day() * 7919 + pl.col("client_no") * 104729) % 1000
            >= SKIP_DAY_SHARE * 1000
        )
        .with_columns(pl.col("begindatum").alias("einddatum"), pl.lit(1).alias("geleverd_volume"))
    )


def ib(clients: pl.DataFrame, products: pl.DataFrame, window: Window):
    """Monthly individual (or group) support in hours; some claimed in minutes."""
    c = pl.concat(
        [
            with_product(clients.filter(pl.col("profile") == "ib"), products, "ib", "u1"),
            with_product(clients.filter(pl.col("profile") == "groep"), products, "groep", "u1"),
        ]
    )
    alloc = _allocation(c, "W", 4 + (pl.col("u2") * 17).floor(), "4")
    months = _months(alloc, window).with_columns(
        pl.when(pl.col("u3") < MINUTE_CLAIM_SHARE)
        .then(pl.lit("01"))
        .otherwise(pl.lit("04"))
        .alias("eenheid"),
        pl.when(pl.col("u3") < MINUTE_CLAIM_SHARE)
        .then(pl.col("volume") * 60)
        .otherwise(pl.col("volume"))
        .alias("geleverd_volume"),
    )
    return alloc, months


def life_events(clients: pl.DataFrame, products: pl.DataFrame, window: Window):
    """Drechtsteden life-event surcharge: 3 months, fully used, ended before the peildatum."""
    last_start = window.last_claim_month.replace(day=1)
    c = (
        clients.filter(
            (pl.col("profile") == "ib")
            & (pl.col("region") == "drechtsteden")
            & (pl.col("u2") < LIFE_EVENT_SHARE)
        )
        .with_columns(pl.col("ingangsdatum").dt.offset_by("2mo").alias("_earliest_end_month"))
        .filter(pl.col("_earliest_end_month") <= last_start)
        .drop("_earliest_end_month")
    )
    c = with_product(c, products, "ib_life_event", "u1").with_columns(
        pl.col("ingangsdatum").dt.offset_by("3mo").dt.offset_by("-1d").alias("einddatum"),
        (2 + (pl.col("u3") * 6).floor()).cast(pl.Int64).alias("per_maand"),
    )
    alloc = _allocation(c, "L", pl.col("per_maand") * 3, "6")
    months = (
        _months(alloc, window)
        .filter(pl.col("k") < 3)
        .with_columns(pl.col("per_maand").alias("geleverd_volume"))
    )
    return alloc, months


def bw(clients: pl.DataFrame, products: pl.DataFrame, window: Window):
    """Beschermd wonen: one etmaal a day, claimed per month as a period line."""
    c = with_product(clients.filter(pl.col("profile") == "bw"), products, "bw", "u1")
    alloc = _allocation(c, "W", pl.lit(1), "1")
    months = _months(alloc, window).with_columns(
        ((pl.col("einddatum") - pl.col("begindatum")).dt.total_days() + 1).alias("geleverd_volume")
    )
    return alloc, months


def dagbesteding(clients: pl.DataFrame, products: pl.DataFrame, window: Window):
    """2-4 dagdelen a week on fixed weekdays (Mon-Fri), one dagdeel a day."""
    day_care_products = products.filter(pl.col("product_categorie") == "07")
    c = with_product(
        clients.filter(pl.col("profile") == "dagbesteding"), day_care_products, "dagbesteding", "u1"
    ).with_columns(
        (2 + (pl.col("u2") * 3).floor()).cast(pl.Int64).alias("per_week"),
        (pl.col("client_no") % 5).alias("first_weekday"),
    )
    alloc = _allocation(c, "W", pl.col("per_week"), "2")
    # (w - first) * 3 mod 5 is a bijection on the five weekdays: exactly per_week days match
    slot = ((pl.col("weekday") - 1 - pl.col("first_weekday") + 5) * 3) % 5
    days = _days(alloc, window, (pl.col("weekday") <= 5) & (slot < pl.col("per_week")))
    return alloc, days


def kortdurend_verblijf(clients: pl.DataFrame, products: pl.DataFrame, window: Window):
    """Drechterland respite care: 3 etmalen a week (Friday to Sunday)."""
    c = with_product(
        clients.filter(pl.col("profile") == "kortdurend_verblijf"),
        products,
        "kortdurend_verblijf",
        "u1",
    )
    alloc = _allocation(c, "W", pl.lit(3), "2")
    days = _days(alloc, window, pl.col("weekday") >= 5)
    return alloc, days


def transport(
    clients: pl.DataFrame,
    day_care: pl.DataFrame,
    products: pl.DataFrame,
    staffels: pl.DataFrame,
    window: Window,
):
    """Transport for 70 % of day-care clients outside Drechterland: the band product of their
    distance, one trip on every day-care day. Distances are whole km + 0.0-0.4, so rounding
    to whole km never changes the band."""
    c = clients.filter(
        (pl.col("profile") == "dagbesteding")
        & (pl.col("region") != "drechterland")
        & (pl.col("u3") < TRANSPORT_SHARE)
    ).with_columns((pl.col("u3") < TRANSPORT_SHARE * WHEELCHAIR_SHARE).alias("rolstoel"))
    c = c.with_columns(
        pl.when(pl.col("region") == "drechtsteden")
        .then(30)
        .when(pl.col("rolstoel"))
        .then(29)
        .otherwise(39)
        .alias("max_km"),
        ((pl.col("u2") * 1000) % 1.0).alias("r1"),
        ((pl.col("u1") * 1000) % 1.0).alias("r2"),
    ).with_columns(
        (1 + (pl.col("r1") * pl.col("max_km")).floor() + (pl.col("r2") * 5).floor() / 10).alias(
            "enkele_reis_km"
        )
    )
    bands = staffels.select("gemeente_code", "rolstoel", "km_van", "product_code").sort("km_van")
    c = (
        c.sort("enkele_reis_km")
        .join_asof(
            bands,
            left_on="enkele_reis_km",
            right_on="km_van",
            by=["gemeente_code", "rolstoel"],
            check_sortedness=False,
        )
        .join(
            products.select(
                "gemeente_code", "product_code", "product_categorie", "eenheid", "tarief_cents"
            ),
            on=["gemeente_code", "product_code"],
        )
    )
    alloc = _allocation(
        c.join(day_care.select("client_no", "per_week").unique(), on="client_no"),
        "V",
        pl.col("per_week"),
        "2",
    )
    trips = alloc.select(*CLAIM_KEYS[:6], "eenheid", "client_no", "tarief_cents").join(
        day_care.select("client_no", "begindatum", "einddatum", "geleverd_volume"), on="client_no"
    )
    distances = c.select(
        "bsn",
        "aanbieder_agb",
        "enkele_reis_km",
        "rolstoel",
        pl.when(pl.col("r2") < 0.3)
        .then(pl.col("enkele_reis_km") + pl.col("r1") * 5)
        .alias("km_dichtstbijzijnde_passende_locatie"),
    )
    return alloc, trips, distances
