"""Drawing: lines by smallest random key, MUS systematically on the cumulative amount.

Randomness is a hash, not a generator: line x gets the key sha256("<seed>:<x>") and the lines with
the smallest keys are drawn; the MUS random start is sha256("<seed>:<label>") / 2^64 x interval
(label "start" for one sample, "start:<group>" per provider, "uitbreiding<r>:<group>" for the
extension round r). So the sample depends only on the seed and the population (not on row order
or library versions), and an auditor can recompute it. Taking more of the smallest keys extends
a line sample; its first lines stay in it.
"""

import hashlib
from fractions import Fraction

import numpy as np
import polars as pl


def random_key(seed: int, key: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:8], "big")


def random_fraction(seed: int, label: str) -> float:
    """A uniform number in [0, 1) derived from the seed."""
    return random_key(seed, label) / 2**64


def hamilton(weights: dict[str, int], seats: int) -> dict[str, int]:
    """Largest-remainder apportionment; equal weights when all are zero; ties by name."""
    total = sum(weights.values())
    if total <= 0:
        weights, total = dict.fromkeys(weights, 1), len(weights)
    quotas = {h: Fraction(seats * w, total) for h, w in weights.items()}
    alloc = {h: int(q) for h, q in quotas.items()}
    order = sorted(quotas, key=lambda h: (-(quotas[h] - alloc[h]), h))
    for h in order[: seats - sum(alloc.values())]:
        alloc[h] += 1
    return alloc


def allocate(
    weights: dict[str, int], caps: dict[str, int], n: int, floors: dict[str, int] | None = None
) -> dict[str, int]:
    """Spread n over strata proportional to weights, at most caps[h], at least floors[h], and at
    least 2 per stratum (or all its lines) when n allows: a stratum needs 2 for its spread."""
    floors = floors or dict.fromkeys(weights, 0)
    n = min(max(n, sum(floors.values())), sum(caps.values()))
    alloc = dict(floors)
    for h in sorted(weights, key=lambda g: (-weights[g], g)):
        need = min(2, caps[h]) - alloc[h]
        if need > 0 and n - sum(alloc.values()) >= need:
            alloc[h] += need
    while (remaining := n - sum(alloc.values())) > 0:
        open_ = {h: weights[h] for h in weights if alloc[h] < caps[h]}
        target = hamilton(open_, sum(alloc[h] for h in open_) + remaining)
        deficit = {h: max(0, target[h] - alloc[h]) for h in open_}  # sums to >= remaining
        give = hamilton(deficit, remaining) if sum(deficit.values()) > remaining else deficit
        for h, add in give.items():
            alloc[h] += min(add, caps[h] - alloc[h])
    return alloc


def smallest_keys(frame: pl.DataFrame, key: str, n: int, seed: int) -> pl.DataFrame:
    keys = [random_key(seed, k) for k in frame[key].to_list()]
    ranked = frame.with_columns(pl.Series("_sleutel", keys, dtype=pl.UInt64))
    return ranked.sort(["_sleutel", key]).head(n).drop("_sleutel")


def draw_mus(
    frame: pl.DataFrame, key: str, amount: str, n: int, seed: int, label: str = "start"
) -> tuple[pl.DataFrame, float, float]:
    """Systematic selection on the cumulative amount (lines sorted by key), random start.

    Point j = start + j x interval (j = 0..n-1) selects the line whose cumulative range
    [cum_before, cum_after) contains it; a line >= the interval is therefore always selected.
    Returns the hit lines with `trekkingen` (hits), the interval and the start.
    """
    ordered = frame.filter(pl.col(amount) > 0).sort(key)
    cum = np.cumsum(ordered[amount].to_numpy().astype(np.int64))
    interval = float(cum[-1]) / n
    start = random_fraction(seed, label) * interval
    points = start + np.arange(n, dtype=np.float64) * interval
    hits = np.bincount(np.searchsorted(cum, points, side="right"), minlength=ordered.height)
    sample = ordered.with_columns(pl.Series("trekkingen", hits, dtype=pl.Int64))
    return sample.filter(pl.col("trekkingen") > 0), interval, start
