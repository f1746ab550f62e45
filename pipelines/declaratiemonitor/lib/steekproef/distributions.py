"""Exact upper bounds as jfa (Derks) defines them: quantiles of the Gamma, Beta and hypergeometric.

For n items (or monetary units) with k errors (or a sum of taints k) and confidence c:
    poisson         Gamma^-1(c; shape 1 + k, rate n)
    binomial        Beta^-1(c; 1 + k, n - k)
    hypergeometric  max{K >= k : P(X <= k; N, K, n) > 1 - c} / N   (jfa's .qhyper, Talens 2005)
No rounded factor table: 3.00 / 4.74 / 6.30 ... at 95 % are these quantiles rounded.
"""

import math

from declaratiemonitor.lib.steekproef.errors import SteekproefFout

LIKELIHOODS = ("poisson", "binomial", "hypergeometric")


def _stats():
    """scipy.stats, imported where used: a pipeline run loads this package but samples nothing."""
    from scipy import stats

    return stats


def hypergeom_cdf(k: int, population: int, errors: int, n: int) -> float:
    """P(X <= k) drawing n from N = population holding K = errors."""
    return float(_stats().hypergeom.cdf(k, population, errors, n))


def t_quantile(confidence: float, df: int) -> float:
    return float(_stats().t.ppf(confidence, df))


def normalise_confidence(value: float) -> float:
    """0.95 and 95 alike -> 0.95. A fraction 0 < c < 1, or a percentage 50 <= c < 100."""
    confidence = float(value)
    if 1 < confidence < 100:
        confidence = confidence / 100
        if confidence < 0.5:
            raise SteekproefFout(
                f"Betrouwbaarheid {value} is ongeldig: geef een fractie (0.95) of een "
                "percentage van 50 tot 100 (95)."
            )
    if not 0 < confidence < 1:
        raise SteekproefFout(
            f"Betrouwbaarheid {value} is ongeldig: die ligt tussen 0 en 1 (0.95) of tussen "
            "50 en 100 % (95)."
        )
    return round(confidence, 10)


def check_likelihood(likelihood: str, population: int | None) -> None:
    if likelihood not in LIKELIHOODS:
        raise SteekproefFout(
            f"Onbekende likelihood '{likelihood}': kies uit {', '.join(LIKELIHOODS)}."
        )
    if likelihood == "hypergeometric" and (population is None or population < 1):
        raise SteekproefFout(
            "De hypergeometrische verdeling heeft de populatieomvang nodig (--populatie N)."
        )


def qhyper(confidence: float, population: int, n: int, k: int) -> int:
    """Largest K in [k, N] with P(X <= k; N, K, n) > 1 - c (the cdf falls as K grows)."""
    risk = 1 - confidence
    n = min(n, population)
    low, high = k, population
    if hypergeom_cdf(k, population, high, n) > risk:
        return high
    while high - low > 1:  # invariant: cdf(low) > risk >= cdf(high)
        mid = (low + high) // 2
        if hypergeom_cdf(k, population, mid, n) > risk:
            low = mid
        else:
            high = mid
    return low


def upper_bound(
    likelihood: str, confidence: float, n: int, k: float, population: int | None = None
) -> float:
    """One-sided upper bound on the error rate (a fraction) after k errors in n."""
    if likelihood == "poisson":
        return float(_stats().gamma.ppf(confidence, 1 + k, scale=1 / n))
    if likelihood == "binomial":
        if k >= n:
            return 1.0
        return float(_stats().beta.ppf(confidence, 1 + k, n - k))
    check_likelihood(likelihood, population)
    return qhyper(confidence, population, n, math.ceil(k)) / population


def factor(likelihood: str, confidence: float, k: int, n: int = 1, population=None) -> float:
    """The reliability factor R(k) = n x bound: for poisson independent of n (R(0) = -ln(1-c))."""
    return n * upper_bound(likelihood, confidence, n, k, population)
