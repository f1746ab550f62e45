"""The benchmark's landing folder: generated once per size, seed and generator version.

`declaratiemonitor generate` writes the clean base population plus the planted scenarios,
streamed in chunks of clients (bounded memory at any size). Its natural mix is ~39 claim lines
per client and ~33 per allocation; the benchmark target is a region's year with 10 claim lines
per allocation, so the allocation table is topped up with *waiting allocations*: fresh clients
whose individual support starts in the peildatum's month or the next one, so no claim can exist
yet (claims are submitted after the month). They trigger no rule (f < min_verstreken, no claims,
one allocation per client, validity far beyond the expiry window) but every join and scan of
the allocation table has to carry them, as in production.
"""

import hashlib
import json
import math
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from declaratiemonitor.lib.generate import generate
from declaratiemonitor.lib.generate.base import AGB_BASE, REGIONS, bsn_series, products_by_soort
from declaratiemonitor.lib.generate.calendar import add_months, month_start
from declaratiemonitor.lib.generate.context import load_products
from declaratiemonitor.lib.generate.writers import conform
from declaratiemonitor.paths import DATA_DIR, PACKAGE_DIR, REFERENCE_DIR

BENCH_DIR = DATA_DIR / "bench"
LINES_PER_CLIENT = 39.0  # measured on the generator's base population (seed 1: 38.99-39.4)
CLAIMS_PER_ALLOCATION = 10
TOPUP_FIRST_NUMBER = 6_000_000  # BSN numbers above the scenarios' range (5_000_000 + ...)
TOPUP_LAST_NUMBER = 8_899_999  # bsn_from_number is defined below 8_900_000
META_FILE = "bench_data.json"


@dataclass
class BenchData:
    landing: Path
    claims: int  # claim lines in declaraties.parquet
    allocations: int  # rows in toewijzingen.parquet
    counts: dict[str, int]
    generated_seconds: float | None  # None when taken from the cache


def data_dir(claims: int, seed: int, root: Path = BENCH_DIR) -> Path:
    return root / f"claims-{claims}-seed-{seed}"


def source_fingerprint() -> str:
    """Hash of everything that shapes the data: generator code, this file, reference data."""
    digest = hashlib.sha256()
    files = sorted((PACKAGE_DIR / "lib" / "generate").rglob("*.py")) + [Path(__file__)]
    files += sorted(REFERENCE_DIR.rglob("*.csv"))
    for path in files:
        digest.update(str(path.relative_to(PACKAGE_DIR.parents[1])).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_data(
    claims: int, seed: int, peildatum: date, root: Path = BENCH_DIR, log=print
) -> BenchData:
    """The cached landing folder for this size, or a fresh one (not timed by the benchmark)."""
    folder = data_dir(claims, seed, root)
    landing = folder / "landing"
    wanted = {
        "claims": claims,
        "seed": seed,
        "peildatum": str(peildatum),
        "fingerprint": source_fingerprint(),
    }
    meta_path = folder / META_FILE
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if {k: meta.get(k) for k in wanted} == wanted and (
            landing / "declaraties.parquet"
        ).exists():
            return BenchData(
                landing,
                meta["counts"]["declaraties"],
                meta["counts"]["toewijzingen"],
                meta["counts"],
                None,
            )
    if folder.exists():
        shutil.rmtree(folder)
    clients = max(1, math.ceil(claims / LINES_PER_CLIENT))
    log(f"Benchmarkdata maken: {clients:,} cliënten (~{claims:,} declaratieregels) in {landing} …")
    start = time.perf_counter()
    result = generate(landing, clients, seed, peildatum)
    counts = dict(result.counts)
    counts["toewijzingen"] += add_waiting_allocations(
        landing / "toewijzingen.parquet",
        claims // CLAIMS_PER_ALLOCATION - counts["toewijzingen"],
        seed,
        peildatum,
    )
    seconds = time.perf_counter() - start
    meta_path.write_text(json.dumps({**wanted, "counts": counts, "seconds": seconds}, indent=2))
    return BenchData(landing, counts["declaraties"], counts["toewijzingen"], counts, seconds)


def waiting_allocations(n: int, seed: int, peildatum: date) -> pl.DataFrame:
    """n allocations of individual support for fresh clients, starting this month or next."""
    rng = np.random.default_rng([seed, 20261123])
    codes = list(REGIONS)
    weights = np.array([REGIONS[c][1] for c in codes])
    numbers = np.arange(TOPUP_FIRST_NUMBER, TOPUP_FIRST_NUMBER + n)
    first = month_start(peildatum)
    starts = np.array([first, add_months(first, 1)], dtype="datetime64[D]")
    frame = pl.DataFrame(
        {
            "client_no": numbers,
            "gemeente_code": rng.choice(codes, size=n, p=weights / weights.sum()),
            "u": rng.random(n),
            "ingangsdatum": starts[rng.integers(0, 2, size=n)],
            "volume": 4 + rng.integers(0, 17, size=n),
            "provider": rng.integers(1, 5, size=n),
        }
    )
    catalog = products_by_soort(load_products(), "ib")
    counts = catalog.select("gemeente_code", "pcount").unique()
    agb_base = {g: AGB_BASE[r] for g, (r, _) in REGIONS.items()}
    frame = (
        frame.join(counts, on="gemeente_code")
        .with_columns((pl.col("u") * pl.col("pcount")).floor().cast(pl.Int64).alias("pidx"))
        .join(catalog.drop("pcount"), on=["gemeente_code", "pidx"])
        .sort("client_no")
    )
    return frame.with_columns(
        bsn_series(frame["client_no"].to_numpy()),
        pl.format("N{}", pl.col("client_no")).alias("toewijzing_nummer"),
        (pl.col("ingangsdatum") - pl.duration(days=3)).alias("toewijzing_datum"),
        (
            pl.col("gemeente_code").replace_strict(agb_base, return_dtype=pl.Int64)
            + pl.col("provider")
        )
        .cast(pl.String)
        .alias("aanbieder_agb"),
        pl.col("ingangsdatum").dt.offset_by("12mo").dt.offset_by("-1d").alias("einddatum"),
        pl.lit("4").alias("frequentie"),
    )


def add_waiting_allocations(path: Path, n: int, seed: int, peildatum: date) -> int:
    n = min(max(n, 0), TOPUP_LAST_NUMBER - TOPUP_FIRST_NUMBER + 1)
    if n == 0:
        return 0
    extra = conform("toewijzingen", waiting_allocations(n, seed, peildatum))
    existing = pl.read_parquet(path)
    pl.concat([existing, extra]).write_parquet(path, compression="zstd")
    return extra.height
