"""One chunk of the clean base population as contract tables (vectorised)."""

import numpy as np
import polars as pl

from declaratiemonitor.lib.generate import profiles
from declaratiemonitor.lib.generate.base import Window, clients_frame

CREDIT_EVERY = 50  # one in fifty claim lines is credited and re-submitted
START_MESSAGE_SHARE = 0.4
BW_ABSENCE_SHARE = 0.25
HOLIDAY_SHARE = 0.1


def build_chunk(
    chunk_no: int,
    first_client: int,
    n: int,
    window: Window,
    seed: int,
    products: pl.DataFrame,
    staffels: pl.DataFrame,
) -> dict[str, pl.DataFrame]:
    rng = np.random.default_rng([seed, chunk_no])
    clients = clients_frame(rng, first_client, n, window)
    ib_alloc, ib_months = profiles.ib(clients, products, window)
    le_alloc, le_months = profiles.life_events(clients, products, window)
    bw_alloc, bw_months = profiles.bw(clients, products, window)
    db_alloc, db_days = profiles.dagbesteding(clients, products, window)
    kv_alloc, kv_days = profiles.kortdurend_verblijf(clients, products, window)
    tr_alloc, tr_days, distances = profiles.transport(clients, db_days, products, staffels, window)
    allocations = [ib_alloc, le_alloc, bw_alloc, db_alloc, kv_alloc, tr_alloc]
    lines = [ib_months, le_months, bw_months, db_days, kv_days, tr_days]
    claims = claim_rows(
        pl.concat([f.select(profiles.CLAIM_KEYS) for f in lines], how="vertical_relaxed"),
        chunk_no,
        window,
    )
    return {
        "toewijzingen": pl.concat([a.select(profiles.ALLOCATION_COLUMNS) for a in allocations]),
        "declaraties": pl.concat([claims, *credits_and_resubmissions(claims, window)]),
        "contactmomenten": contact_rows(ib_months, chunk_no),
        "afwezigheden": absence_rows(bw_alloc, ib_alloc, chunk_no, window),
        "reisafstanden": distances,
        "zorgmeldingen": start_messages(
            pl.concat([a.select(profiles.ALLOCATION_COLUMNS) for a in allocations])
        ),
    }


def _submitted(month_col: str, months_later: int, window: Window) -> pl.Expr:
    """Dagtekening: the 5th of a later month, never after the peildatum."""
    day = pl.col(month_col).dt.month_start().dt.offset_by(f"{months_later}mo").dt.offset_by("4d")
    return pl.min_horizontal(day, pl.lit(window.peildatum))


def claim_rows(lines: pl.DataFrame, chunk_no: int, window: Window) -> pl.DataFrame:
    return (
        lines.with_row_index("i")
        .with_columns(
            pl.format(
                "{}-{}-{}",
                pl.col("aanbieder_agb"),
                pl.col("gemeente_code"),
                pl.col("begindatum").dt.strftime("%Y%m"),
            ).alias("declaratie_nummer"),
            _submitted("begindatum", 1, window).alias("declaratie_dagtekening"),
            pl.format("B{}-{}", pl.lit(chunk_no), pl.col("i")).alias("referentie_nummer"),
            pl.lit(None, pl.String).alias("vorig_referentie_nummer"),
            pl.lit("D").alias("debet_credit"),
            pl.col("tarief_cents").alias("product_tarief_cents"),
            pl.when(pl.col("eenheid") == "01")
            .then((pl.col("geleverd_volume") * pl.col("tarief_cents") * 2 + 60) // 120)
            .otherwise(pl.col("geleverd_volume") * pl.col("tarief_cents"))
            .alias("ingediend_bedrag_cents"),
        )
        .drop("i", "tarief_cents")
    )


def credits_and_resubmissions(claims: pl.DataFrame, window: Window) -> list[pl.DataFrame]:
    """Some lines are credited in full and submitted again under a new reference."""
    picked = claims.filter(pl.col("referentie_nummer").hash(7) % CREDIT_EVERY == 0)
    later = _submitted("declaratie_dagtekening", 1, window)
    credit = picked.with_columns(
        pl.lit("C").alias("debet_credit"),
        pl.col("referentie_nummer").alias("vorig_referentie_nummer"),
        (pl.col("referentie_nummer") + "C").alias("referentie_nummer"),
        (pl.col("declaratie_nummer") + "-C").alias("declaratie_nummer"),
        later.alias("declaratie_dagtekening"),
    )
    again = picked.with_columns(
        (pl.col("referentie_nummer") + "H").alias("referentie_nummer"),
        (pl.col("declaratie_nummer") + "-H").alias("declaratie_nummer"),
        later.alias("declaratie_dagtekening"),
    )
    return [credit.select(claims.columns), again.select(claims.columns)]


def contact_rows(ib_months: pl.DataFrame, chunk_no: int) -> pl.DataFrame:
    """Time registration for the minute claimers with registration: (h-1) visits of 60
    minutes, one of 45, a 15-minute no-show and an outreach call: claimed = registered."""
    m = ib_months.filter(pl.col("u3") < profiles.CONTACT_SHARE)
    h = pl.col("volume")
    j = pl.col("j")
    rows = m.with_columns(pl.int_ranges(0, h + 2).alias("j")).explode("j").with_row_index("i")
    return rows.select(
        pl.format("BC{}-{}", pl.lit(chunk_no), pl.col("i")).alias("contact_id"),
        "toewijzing_nummer",
        "aanbieder_agb",
        "bsn",
        (
            pl.col("begindatum").cast(pl.Datetime("us"))
            + pl.duration(days=j, hours=9 + 2 * (j % 4))
        ).alias("gepland_begin"),
        pl.when(j < h)
        .then(pl.lit("direct"))
        .when(j == h)
        .then(pl.lit("no_show"))
        .otherwise(pl.lit("contactpoging"))
        .alias("soort"),
        pl.when(j <= h).then(pl.lit("huisbezoek")).otherwise(pl.lit("telefoon")).alias("kanaal"),
        pl.when(j < h)
        .then(pl.lit("inhoudelijk"))
        .otherwise(pl.lit("geen_contact"))
        .alias("resultaat"),
        pl.when((j == h) & (pl.col("u1") < 0.3))
        .then(
            pl.col("begindatum").cast(pl.Datetime("us"))
            + pl.duration(days=j, hours=9 + 2 * (j % 4))
            - pl.duration(hours=2 + (j % 18))
        )
        .alias("afgezegd_op"),
        pl.when(j < h - 1)
        .then(60)
        .when(j == h - 1)
        .then(45)
        .when(j == h)
        .then(15)
        .otherwise(0)
        .alias("minuten_gedeclareerd"),
    )


def absence_rows(
    bw_alloc: pl.DataFrame, ib_alloc: pl.DataFrame, chunk_no: int, window: Window
) -> pl.DataFrame:
    """Allowed BW absences (GGZ admission, detention) and IB holidays, all ended before the
    peildatum and shorter than 5 months."""
    last = pl.lit(window.last_claim_day)
    bw = bw_alloc.filter(pl.col("u2") < BW_ABSENCE_SHARE).with_columns(
        pl.when(pl.col("u1") < 0.6)
        .then(pl.lit("ggz_opname"))
        .otherwise(pl.lit("detentie"))
        .alias("reden"),
        (7 + (pl.col("u3") * 53).floor()).alias("dagen"),
    )
    holiday = ib_alloc.filter(pl.col("u2") > 1 - HOLIDAY_SHARE).with_columns(
        pl.lit("vakantie").alias("reden"), (7 + (pl.col("u3") * 14).floor()).alias("dagen")
    )
    both = (
        pl.concat([bw, holiday], how="diagonal_relaxed")
        .with_columns(((last - pl.col("ingangsdatum")).dt.total_days() - 14).alias("span"))
        .filter(pl.col("span") > 0)
        .with_columns(
            (
                pl.col("ingangsdatum") + pl.duration(days=(pl.col("u3") * pl.col("span")).floor())
            ).alias("begindatum")
        )
    )
    return both.with_row_index("i").select(
        pl.format("BA{}-{}", pl.lit(chunk_no), pl.col("i")).alias("afwezigheid_id"),
        "bsn",
        "begindatum",
        pl.min_horizontal(
            pl.col("begindatum") + pl.duration(days=pl.col("dagen")), last - pl.duration(days=7)
        ).alias("einddatum"),
        "reden",
        pl.lit(True).alias("terugkeer_beoogd"),
        pl.lit(False).alias("andere_financiering"),
    )


def start_messages(allocations: pl.DataFrame) -> pl.DataFrame:
    """305 start of care for some allocations, on their first day."""
    return allocations.filter(
        pl.col("toewijzing_nummer").hash(11) % 100 < START_MESSAGE_SHARE * 100
    ).select(
        "toewijzing_nummer",
        "aanbieder_agb",
        "bsn",
        pl.lit("start").alias("soort"),
        pl.col("ingangsdatum").alias("datum"),
        pl.lit(None, pl.String).alias("reden"),
    )
