"""Sample size as jfa's planning() defines it.

n is the smallest sample size whose upper bound, with the expected errors in the sample, is
strictly below the materiality:
    poisson         k = n x expected (may be fractional)   bound = Gamma^-1(c; 1 + k) / n
    binomial        k = ceil(n x expected)                  bound = Beta^-1(c; 1 + k, n - k)
    hypergeometric  k = ceil(n x expected), K = ceil(N x materiality): smallest n with
                    P(X <= k; N, K, n) <= 1 - c   (equivalent to bound < materiality)
A sample of n <= k is skipped, as in jfa. Expected errors are a rate of the population; an
extension plans with the errors found as a fixed count instead (`expected_count`).
"""

import math
from dataclasses import dataclass

from declaratiemonitor.lib.steekproef.distributions import (
    check_likelihood,
    hypergeom_cdf,
    normalise_confidence,
    upper_bound,
)
from declaratiemonitor.lib.steekproef.errors import SteekproefFout

MAX_N = 20_000


@dataclass(frozen=True)
class Planning:
    n: int
    verwachte_fouten_in_steekproef: float
    bovengrens: float
    likelihood: str
    betrouwbaarheid: float
    materialiteit: float
    verwachte_fouten: float
    populatie: int | None = None
    populatie_fouten: int | None = None

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def check_materiality(materiality: float, expected: float = 0.0) -> None:
    if not 0 < materiality < 1:
        raise SteekproefFout(
            f"De materialiteit {materiality} is ongeldig: geef een fractie tussen 0 en 1, "
            "bijv. 0.02 (2 %)."
        )
    if not 0 <= expected < materiality:
        raise SteekproefFout(
            f"De verwachte fouten ({expected}) moeten 0 of meer zijn en kleiner dan de "
            f"materialiteit ({materiality})."
        )


def _start(likelihood: str, confidence: float, materiality: float) -> int:
    """A size that certainly fails, to start the search from: the bound with 0 errors."""
    if likelihood == "poisson":
        return max(1, math.floor(-math.log(1 - confidence) / materiality) - 1)
    return max(1, math.floor(math.log(1 - confidence) / math.log(1 - materiality)) - 1)


def _k(likelihood: str, n: int, expected: float, count: float | None) -> float:
    k = count if count is not None else n * expected
    return k if likelihood == "poisson" else math.ceil(k)


def _passes(likelihood, confidence, materiality, n, k, population) -> bool:
    if likelihood == "hypergeometric":
        errors_in_population = math.ceil(materiality * population)
        size = min(n, population)
        return hypergeom_cdf(k, population, errors_in_population, size) <= 1 - confidence
    return upper_bound(likelihood, confidence, n, k) < materiality


def planning(
    materiality: float,
    confidence: float = 0.95,
    expected: float = 0.0,
    likelihood: str = "poisson",
    population: int | None = None,
    expected_count: float | None = None,
    max_n: int = MAX_N,
) -> Planning:
    """The smallest n with upper bound < materiality (see the module docstring)."""
    confidence = normalise_confidence(confidence)
    check_materiality(materiality, expected)
    check_likelihood(likelihood, population)
    if likelihood == "hypergeometric" and math.ceil(expected * population) >= math.ceil(
        materiality * population
    ):
        raise SteekproefFout(
            "De verwachte fouten in de populatie (N x verwachte fouten, naar boven afgerond) "
            "moeten kleiner zijn dan wat de materialiteit toelaat (N x materialiteit)."
        )
    n = 1 if likelihood == "hypergeometric" else _start(likelihood, confidence, materiality)
    while n <= max_n:
        k = _k(likelihood, n, expected, expected_count)
        if n > k and _passes(likelihood, confidence, materiality, n, k, population):
            return Planning(
                n=n,
                verwachte_fouten_in_steekproef=k,
                bovengrens=upper_bound(likelihood, confidence, n, k, population),
                likelihood=likelihood,
                betrouwbaarheid=confidence,
                materialiteit=materiality,
                verwachte_fouten=expected,
                populatie=population,
                populatie_fouten=math.ceil(materiality * population) if population else None,
            )
        n += 1
    raise SteekproefFout(
        f"De benodigde steekproef is groter dan {max_n}: kies een hogere materialiteit of "
        "lagere verwachte fouten."
    )
