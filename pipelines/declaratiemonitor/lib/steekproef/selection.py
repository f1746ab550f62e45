"""Drawing the sample: aselect, gestratificeerd, MUS and a sample of signals.

Randomness is a hash, not a generator: line x gets the key sha256("<seed>:<x>") and the lines with
the smallest keys are drawn; the MUS random start is sha256("<seed>:start") / 2^64 x interval.
So the sample depends only on the seed and the population (not on row order or library versions),
and an auditor can recompute it.
"""

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from fractions import Fraction

import numpy as np
import polars as pl

from declaratiemonitor.lib.steekproef import sizing
from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.population import (
    CLAIM_AMOUNT,
    CLAIM_KEY,
    SIGNAL_AMOUNT,
    SIGNAL_KEY,
    population_hash,
)

METHODS = ("aselect", "gestratificeerd", "mus", "signalen")
STRATA = ("aanbieder", "product", "ernst")
ALLOCATIONS = ("aantal", "bedrag")
CLAIM_STRATA = {"aanbieder": "aanbieder_agb", "product": "product_categorie", "ernst": "ernst"}
SIGNAL_STRATA = {"aanbieder": "aanbieder_agb", "ernst": "severity"}
ALL = "alle"
ALGORITHM_VERSION = "1"


@dataclass(frozen=True)
class Parameters:
    methode: str
    seed: int
    betrouwbaarheid: float = 0.95
    materialiteit: float = 0.02
    verwachte_fout: float = 0.0
    strata: str | None = None
    allocatie: str = "aantal"
    aantal: int | None = None
    gemeente: str | None = None
    jaar: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "betrouwbaarheid", sizing.normalise_confidence(self.betrouwbaarheid)
        )
        _check_choice("methode", self.methode, METHODS)
        _check_choice("allocatie", self.allocatie, ALLOCATIONS)
        if self.strata is not None:
            _check_choice("strata", self.strata, STRATA)
        if self.methode == "gestratificeerd" and self.strata is None:
            raise SteekproefFout("Kies bij een gestratificeerde steekproef --strata.")
        if self.methode in ("aselect", "mus") and self.strata is not None:
            raise SteekproefFout("Strata horen bij methode gestratificeerd of signalen.")
        if not 0 < self.materialiteit < 1:
            raise SteekproefFout("De materialiteit is een fractie tussen 0 en 1, bijv. 0.02.")
        if self.aantal is not None and self.aantal < 1:
            raise SteekproefFout("Het aantal moet minstens 1 zijn.")

    @property
    def key(self) -> str:
        return SIGNAL_KEY if self.methode == "signalen" else CLAIM_KEY

    @property
    def amount(self) -> str:
        return SIGNAL_AMOUNT if self.methode == "signalen" else CLAIM_AMOUNT


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise SteekproefFout(f"Onbekende {name} '{value}': kies uit {', '.join(choices)}.")


@dataclass
class Steekproef:
    parameters: Parameters
    sample: pl.DataFrame
    strata: pl.DataFrame
    populatie_aantal: int
    populatie_bedrag_cents: int
    populatie_hash: str
    n: int
    factor_r: float
    expansiefactor: float | None = None
    interval_cents: float | None = None
    start_cents: float | None = None
    peildatum: date | None = None
    datum: date = field(default_factory=date.today)

    def summary(self) -> dict:
        p = self.parameters
        return {
            "methode": p.methode,
            "n": self.n,
            "n_regels": self.sample.height,
            "populatie_aantal": self.populatie_aantal,
            "populatie_bedrag_cents": self.populatie_bedrag_cents,
            "seed": p.seed,
            "interval_cents": _round2(self.interval_cents),
            "betrouwbaarheid": p.betrouwbaarheid,
            "materialiteit": p.materialiteit,
            "verwachte_fout": p.verwachte_fout,
            "strata": p.strata,
            "populatie_hash": self.populatie_hash,
        }

    def parameter_values(self) -> dict:
        """Everything needed to reproduce and evaluate the sample (the Parameters sheet)."""
        values = asdict(self.parameters) | self.summary()
        values |= {
            "allocatie": self.parameters.allocatie if self.parameters.strata else None,
            "interval_cents": self.interval_cents,
            "start_cents": self.start_cents,
            "factor_r": self.factor_r,
            "expansiefactor": self.expansiefactor,
            "tolerantie_cents": round(self.parameters.materialiteit * self.populatie_bedrag_cents),
            "peildatum": self.peildatum.isoformat() if self.peildatum else None,
            "datum": self.datum.isoformat(),
            "algoritme_versie": ALGORITHM_VERSION,
        }
        return values


def _round2(x: float | None) -> float | None:
    return None if x is None else round(float(x), 2)


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


def allocate(weights: dict[str, int], caps: dict[str, int], n: int) -> dict[str, int]:
    """Spread n over strata proportional to weights, at most caps[h], at least 1 when n allows."""
    n = min(n, sum(caps.values()))
    alloc = dict.fromkeys(weights, 0)
    while (remaining := n - sum(alloc.values())) > 0:
        open_ = {h: weights[h] for h in weights if alloc[h] < caps[h]}
        for h, extra in hamilton(open_, remaining).items():
            alloc[h] += min(extra, caps[h] - alloc[h])
    for h in sorted(h for h in alloc if alloc[h] == 0 and caps[h] > 0):
        donor = max(sorted(alloc), key=lambda g: alloc[g])
        if alloc[donor] > 1:
            alloc[donor], alloc[h] = alloc[donor] - 1, 1
    return alloc


def smallest_keys(frame: pl.DataFrame, key: str, n: int, seed: int) -> pl.DataFrame:
    keys = [random_key(seed, k) for k in frame[key].to_list()]
    ranked = frame.with_columns(pl.Series("_sleutel", keys, dtype=pl.UInt64))
    return ranked.sort(["_sleutel", key]).head(n).drop("_sleutel")


def draw_stratified(
    frame: pl.DataFrame, key: str, stratum: str, n: int, seed: int, weight: str | None
) -> pl.DataFrame:
    """Per stratum the lines with the smallest keys; weight None = by count, else by sum(weight)."""
    groups = frame.partition_by(stratum, as_dict=True)
    names = {str(k[0]): g for k, g in groups.items()}
    caps = {h: g.height for h, g in names.items()}
    weights = caps if weight is None else {h: int(g[weight].sum()) for h, g in names.items()}
    alloc = allocate(weights, caps, n)
    parts = [smallest_keys(g, key, alloc[h], seed) for h, g in sorted(names.items())]
    return pl.concat(parts)


def draw_mus(
    frame: pl.DataFrame, key: str, amount: str, n: int, seed: int
) -> tuple[pl.DataFrame, float, float]:
    """Systematic selection on the cumulative amount (lines sorted by key), random start.

    Point j = start + j x interval (j = 0..n-1) selects the line whose cumulative range
    [cum_before, cum_after) contains it; a line >= the interval is therefore always selected.
    """
    ordered = frame.filter(pl.col(amount) > 0).sort(key)
    cum = np.cumsum(ordered[amount].to_numpy().astype(np.int64))
    interval = float(cum[-1]) / n
    start = random_fraction(seed, "start") * interval
    points = start + np.arange(n, dtype=np.float64) * interval
    hits = np.bincount(np.searchsorted(cum, points, side="right"), minlength=ordered.height)
    sample = ordered.with_columns(pl.Series("trekkingen", hits, dtype=pl.Int64))
    sample = sample.filter(pl.col("trekkingen") > 0)
    return (
        sample.with_columns((pl.col(amount) >= interval).alias("boven_interval")),
        interval,
        start,
    )


def _stratum_column(params: Parameters) -> str | None:
    if params.strata is None:
        return None
    mapping = SIGNAL_STRATA if params.methode == "signalen" else CLAIM_STRATA
    if params.strata not in mapping:
        raise SteekproefFout(f"Strata '{params.strata}' kan niet bij methode {params.methode}.")
    return mapping[params.strata]


def _size(params: Parameters, count: int, value: int) -> int:
    if params.methode == "mus":
        if params.aantal is not None:
            return params.aantal
        return sizing.mus_sample_size_fraction(
            params.materialiteit, params.betrouwbaarheid, params.verwachte_fout, value
        )
    n = params.aantal or sizing.attribute_sample_size(
        params.materialiteit, params.betrouwbaarheid, params.verwachte_fout
    )
    return min(n, count)


def _strata_table(population: pl.DataFrame, sample: pl.DataFrame, amount: str) -> pl.DataFrame:
    pop = population.group_by("stratum").agg(
        pl.len().cast(pl.Int64).alias("populatie_aantal"),
        pl.col(amount).sum().cast(pl.Int64).alias("populatie_bedrag_cents"),
    )
    drawn = sample.group_by("stratum").agg(pl.len().cast(pl.Int64).alias("steekproef_aantal"))
    table = pop.join(drawn, on="stratum", how="left").fill_null(0)
    return table.sort("stratum")


def _draw(params: Parameters, population: pl.DataFrame, n: int) -> tuple[pl.DataFrame, dict]:
    key, amount = params.key, params.amount
    if params.methode == "mus":
        sample, interval, start = draw_mus(population, key, amount, n, params.seed)
        return sample, {"interval_cents": interval, "start_cents": start}
    weight = amount if params.allocatie == "bedrag" else None
    sample = draw_stratified(population, key, "stratum", n, params.seed, weight)
    return sample.with_columns(
        pl.lit(1, dtype=pl.Int64).alias("trekkingen"), pl.lit(False).alias("boven_interval")
    ), {}


def trek(population: pl.DataFrame, params: Parameters, peildatum: date | None = None) -> Steekproef:
    """Size and draw the sample from a ready population (see population.load_population)."""
    if population.height == 0:
        raise SteekproefFout("De populatie is leeg: er valt niets te trekken.")
    column = _stratum_column(params)
    stratum = pl.col(column).cast(pl.String).fill_null("onbekend") if column else pl.lit(ALL)
    population = population.with_columns(stratum.alias("stratum"))
    value = int(population.filter(pl.col(params.amount) > 0)[params.amount].sum())
    if params.methode == "mus" and value <= 0:
        raise SteekproefFout("De populatie heeft geen waarde: er valt niets te trekken.")
    n = _size(params, population.height, value)
    sample, extra = _draw(params, population, n)
    sample = sample.sort(["stratum", params.key]).with_row_index("volgnummer", offset=1)
    return Steekproef(
        parameters=params,
        sample=sample,
        strata=_strata_table(population, sample, params.amount),
        populatie_aantal=population.height,
        populatie_bedrag_cents=value,
        populatie_hash=population_hash(population, params.key, params.amount),
        n=n,
        factor_r=sizing.poisson_factor(0, params.betrouwbaarheid),
        expansiefactor=sizing.expansion_factor(params.betrouwbaarheid)
        if params.methode == "mus"
        else None,
        peildatum=peildatum,
        **extra,
    )
