"""Sample sizes: Poisson reliability factors, MUS and attribute sampling.

Factors are rounded half up to two decimals, as in the published audit tables
(95 %: 3,00 / 4,74 / 6,30 / 7,75 / 9,15 for 0-4 errors), so that every figure in the export
can be checked by hand. Arithmetic on the sizes is exact (Decimal), so 3,00 x 20 is 60, not 61.
"""

import math
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from declaratiemonitor.lib.steekproef.errors import SteekproefFout

CONFIDENCES = (0.90, 0.95, 0.99)
# AICPA Audit Sampling guide, expansion factors for expected misstatement by risk of incorrect
# acceptance: 10 % -> 1,5; 5 % -> 1,6; 1 % -> 1,9.
EXPANSION_FACTORS = {0.90: Decimal("1.5"), 0.95: Decimal("1.6"), 0.99: Decimal("1.9")}


def normalise_confidence(confidence: float) -> float:
    """90 / 95 / 99 (percent) or 0.90 / 0.95 / 0.99 -> 0.90 / 0.95 / 0.99."""
    value = round(confidence / 100 if confidence > 1 else confidence, 4)
    if value not in CONFIDENCES:
        raise SteekproefFout(
            f"Betrouwbaarheid {confidence} wordt niet ondersteund: kies 90, 95 of 99 (%)."
        )
    return value


def poisson_cdf(k: int, lam: float) -> float:
    """P(X <= k) for X ~ Poisson(lam), summed in log space (stable for large k and lam)."""
    if lam <= 0:
        return 1.0
    log_lam = math.log(lam)
    return sum(math.exp(i * log_lam - lam - math.lgamma(i + 1)) for i in range(k + 1))


def poisson_factor_exact(errors: int, confidence: float) -> float:
    """Upper confidence limit lam for `errors` found: P(X <= errors; lam) = 1 - confidence."""
    if errors < 0:
        raise SteekproefFout("Het aantal fouten kan niet negatief zijn.")
    risk = 1 - normalise_confidence(confidence)
    low, high = 0.0, errors + 20 + 10 * math.sqrt(errors + 1)
    for _ in range(200):
        mid = (low + high) / 2
        if poisson_cdf(errors, mid) > risk:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def poisson_factor(errors: int, confidence: float = 0.95) -> float:
    """Reliability factor R as in the tables: exact Poisson limit, rounded half up to 0,01."""
    exact = Decimal(repr(poisson_factor_exact(errors, confidence)))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def expansion_factor(confidence: float = 0.95) -> float:
    return float(EXPANSION_FACTORS[normalise_confidence(confidence)])


def _dec(x: float) -> Decimal:
    return Decimal(str(x))


def mus_sample_size(
    population_value: float,
    tolerable_misstatement: float,
    confidence: float = 0.95,
    expected_misstatement: float = 0.0,
) -> int:
    """n = R x N / (M - E x expansion factor), rounded up; amounts in one unit (euro or cent)."""
    r = _dec(poisson_factor(0, confidence))
    room = (
        _dec(tolerable_misstatement)
        - _dec(expected_misstatement) * EXPANSION_FACTORS[normalise_confidence(confidence)]
    )
    if population_value <= 0:
        raise SteekproefFout("De populatie heeft geen waarde: er valt niets te trekken.")
    if tolerable_misstatement <= 0 or room <= 0:
        raise SteekproefFout(
            "De materialiteit moet groter zijn dan de verwachte fout maal de expansiefactor."
        )
    n = (r * _dec(population_value) / room).to_integral_value(rounding=ROUND_CEILING)
    return max(1, int(n))


def mus_sample_size_fraction(
    materiality: float, confidence: float = 0.95, expected_error: float = 0.0, value: float = 1.0
) -> int:
    """MUS size with materiality and expected error as fractions of the population value."""
    v = _dec(value)
    return mus_sample_size(v, v * _dec(materiality), confidence, v * _dec(expected_error))


def attribute_sample_size(
    tolerable_rate: float,
    confidence: float = 0.95,
    expected_rate: float = 0.0,
    population_count: int | None = None,
) -> int:
    """Smallest n with R(k) / n <= tolerable rate, k = expected errors in the sample (rounded up).

    Poisson approximation of the attribute tables (0 expected, 5 %, 95 % -> 60), no finite
    population correction; capped at the population count when given.
    """
    if not 0 < tolerable_rate < 1 or not 0 <= expected_rate < tolerable_rate:
        raise SteekproefFout(
            "De tolerantie moet tussen 0 en 1 liggen en groter zijn dan het verwachte "
            "foutpercentage."
        )
    t, p = _dec(tolerable_rate), _dec(expected_rate)
    n = int((_dec(poisson_factor(0, confidence)) / t).to_integral_value(ROUND_CEILING))
    while True:
        k = int((p * n).to_integral_value(ROUND_CEILING))
        needed = int((_dec(poisson_factor(k, confidence)) / t).to_integral_value(ROUND_CEILING))
        if needed <= n:
            break
        n = needed
    return min(n, population_count) if population_count is not None else n
