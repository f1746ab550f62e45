"""The clean base population: realistic volumes that no rule may flag, built vectorised.

Clients are made in chunks (numpy + polars, no Python loop over rows). Profiles follow the
product mix of the seeds:
- ib: individual support per month in hours (some claimed in minutes, with the provider's
  time registration: visits, a 15-minute no-show, outreach calls), Drechtsteden life events;
- groep (Geldrop-Mierlo): group support per month;
- dagbesteding: dagdelen on fixed weekdays, with transport per trip in the right km band;
- bw (Drechtsteden): etmalen per month, some with an allowed absence (GGZ admission, detention);
- kortdurend_verblijf (Drechterland): 3 etmalen a week.
Credits with re-submissions, 305 start messages and holiday absences are mixed in.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from declaratiemonitor.lib.generate.calendar import add_months, month_end, month_start

REGIONS = {  # gemeente: (region, share of clients)
    "0505": ("drechtsteden", 0.30),
    "0642": ("drechtsteden", 0.12),
    "0590": ("drechtsteden", 0.08),
    "0531": ("drechtsteden", 0.07),
    "0610": ("drechtsteden", 0.06),
    "0482": ("drechtsteden", 0.05),
    "0523": ("drechtsteden", 0.04),
    "1771": ("geldrop-mierlo", 0.18),
    "0498": ("drechterland", 0.10),
}
PROFILES = {
    "drechtsteden": {"ib": 0.60, "dagbesteding": 0.27, "bw": 0.13},
    "geldrop-mierlo": {"ib": 0.55, "groep": 0.10, "dagbesteding": 0.35},
    "drechterland": {"ib": 0.55, "dagbesteding": 0.30, "kortdurend_verblijf": 0.15},
}
PROVIDERS = {"drechtsteden": 10, "geldrop-mierlo": 6, "drechterland": 4}
AGB_BASE = {"drechtsteden": 73000000, "geldrop-mierlo": 41000000, "drechterland": 52000000}
EARLIEST_START = date(2026, 1, 1)  # Drechtsteden BW and transport tariffs start here
SKIP_DAY_SHARE = 0.03


@dataclass(frozen=True)
class Window:
    """Dates of the generated period, all derived from the peildatum."""

    peildatum: date
    first_start: date  # earliest allocation start (first of a month)
    last_claim_month: date  # first day of the last month with claims

    @classmethod
    def of(cls, peildatum: date) -> "Window":
        current = month_start(peildatum)
        first = max(add_months(current, -10), EARLIEST_START)
        last = add_months(current, -1)
        if last < first:
            raise ValueError(
                f"peildatum {peildatum} ligt te vroeg: kies een datum vanaf "
                f"{add_months(EARLIEST_START, 1)} (de tarieven gelden vanaf {EARLIEST_START})."
            )
        return cls(peildatum, first, last)

    @property
    def months(self) -> int:
        a, b = self.first_start, self.last_claim_month
        return (b.year - a.year) * 12 + b.month - a.month + 1

    @property
    def last_claim_day(self) -> date:
        return month_end(self.last_claim_month)


def bsn_series(numbers: np.ndarray) -> pl.Series:
    """Vectorised twin of fixtures.bsn_from_number (the same BSN for the same number)."""
    weights = np.array([9, 8, 7, 6, 5, 4, 3, 2])
    result = np.zeros(len(numbers), dtype=np.int64)
    found = np.zeros(len(numbers), dtype=bool)
    for k in range(10):
        body = 10_000_000 + 10 * numbers.astype(np.int64) + k
        digits = (body[:, None] // 10 ** np.arange(7, -1, -1)) % 10
        check = (digits * weights).sum(axis=1) % 11
        take = (~found) & (check <= 9)
        result[take] = body[take] * 10 + check[take]
        found |= take
    return pl.Series("bsn", result).cast(pl.String).str.zfill(9)


def _choice_by_region(rng, regions: np.ndarray, table: dict) -> np.ndarray:
    out = np.empty(len(regions), dtype=object)
    for region, mix in table.items():
        mask = regions == region
        kinds, p = list(mix), np.array(list(mix.values()))
        out[mask] = rng.choice(kinds, size=int(mask.sum()), p=p / p.sum())
    return out


def clients_frame(rng: np.random.Generator, first_no: int, n: int, window: Window) -> pl.DataFrame:
    codes = list(REGIONS)
    weights = np.array([REGIONS[c][1] for c in codes])
    gemeente = rng.choice(codes, size=n, p=weights / weights.sum())
    regions = pl.Series(gemeente).replace_strict({g: r for g, (r, _) in REGIONS.items()})
    regions = regions.to_numpy().astype(str)
    provider = rng.integers(1, 11, size=n)
    agb_base = np.array([AGB_BASE[r] for r in regions])
    agb_count = np.array([PROVIDERS[r] for r in regions])
    return (
        pl.DataFrame(
            {
                "client_no": np.arange(first_no, first_no + n),
                "gemeente_code": gemeente,
                "region": regions,
                "profile": _choice_by_region(rng, regions, PROFILES).astype(str),
                "aanbieder_agb": (agb_base + (provider - 1) % agb_count + 1).astype(str),
                "start_offset": rng.integers(0, window.months, size=n),
                "valid_months": rng.choice([18, 24], size=n),
                "u1": rng.random(n),
                "u2": rng.random(n),
                "u3": rng.random(n),
            }
        )
        .with_columns(
            bsn_series(np.arange(first_no, first_no + n)),
            pl.lit(window.first_start)
            .dt.offset_by(pl.format("{}mo", pl.col("start_offset")))
            .alias("ingangsdatum"),
        )
        .with_columns(
            pl.col("ingangsdatum")
            .dt.offset_by(pl.format("{}mo", pl.col("valid_months")))
            .dt.offset_by("-1d")
            .alias("einddatum"),
        )
    )


def products_by_soort(products: pl.DataFrame, soort: str) -> pl.DataFrame:
    """Products of a soort per gemeente, numbered 0..n-1, with their count."""
    return (
        products.filter(pl.col("soort") == soort)
        .sort("gemeente_code", "product_code")
        .with_columns(
            pl.int_range(pl.len()).over("gemeente_code").alias("pidx"),
            pl.len().over("gemeente_code").alias("pcount"),
        )
        .select(
            "gemeente_code",
            "pidx",
            "pcount",
            "product_code",
            "product_categorie",
            "eenheid",
            "tarief_cents",
        )
    )


def with_product(frame: pl.DataFrame, products: pl.DataFrame, soort: str, u: str) -> pl.DataFrame:
    catalog = products_by_soort(products, soort)
    counts = catalog.select("gemeente_code", "pcount").unique()
    return (
        frame.join(counts, on="gemeente_code")
        .with_columns((pl.col(u) * pl.col("pcount")).floor().cast(pl.Int64).alias("pidx"))
        .join(catalog.drop("pcount"), on=["gemeente_code", "pidx"])
        .drop("pcount", "pidx")
    )
