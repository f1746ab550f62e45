"""Estimators for a sample of lines, as jfa's direct / difference / quotient / regression
(Touw & Hoogduin 2011), with per-stratum expansion.

Per stratum h with N_h lines, book value B_h, and in the sample n_h lines with book values b,
audited values a and differences d = b - a (the misstatement; positive = overstatement):
    direct (mean-per-unit)  mle = B_h - N_h x mean(a)                         s = sd(a)
    difference              mle = N_h x mean(d)                               s = sd(d)
    quotient                mle = N_h x (1 - q) x mean(b), q = mean(a)/mean(b)
                            s = sqrt(sd(a)^2 - 2 q r sd(a) sd(b) + q^2 sd(b)^2), r = cor(b, a)
    regression              mle = B_h - (N_h x mean(a) + b1 x (B_h - N_h x mean(b)))
                            s = sd(a) x sqrt(1 - r^2), b1 = least-squares slope of a on b
    se_h = N_h x s / sqrt(n_h)     (no finite population correction, as jfa's default)
Strata are projected each with their own N_h and B_h and summed: mle = sum mle_h,
se = sqrt(sum se_h^2), upper bound = mle + t(c; df) x se with df = sum (n_h - 1) (one-sided,
jfa's alternative = "less"). One stratum gives exactly jfa's figures. A stratum drawn in full
(n_h = N_h) is known exactly: se_h = 0.
"""

from dataclasses import dataclass

import numpy as np

from declaratiemonitor.lib.steekproef.distributions import t_quantile
from declaratiemonitor.lib.steekproef.errors import SteekproefFout

ESTIMATORS = {  # Dutch name -> jfa method
    "verschil": "difference",
    "quotient": "quotient",
    "regressie": "regression",
    "direct": "direct",
}
DUTCH = {
    "verschil": "verschilschatter (difference estimator)",
    "quotient": "quotiëntschatter (ratio / quotient estimator)",
    "regressie": "regressieschatter (regression estimator)",
    "direct": "directe schatter (mean-per-unit estimator)",
}


@dataclass(frozen=True)
class Stratum:
    name: str
    items: int  # N_h: lines in the population
    value: float  # B_h: book value of the population
    book: np.ndarray
    audit: np.ndarray


@dataclass(frozen=True)
class Estimate:
    mle: float
    se: float
    df: int
    bovengrens: float


def _sd(x: np.ndarray) -> float:
    return float(np.std(x, ddof=1))


def _cor(b: np.ndarray, a: np.ndarray) -> float:
    if _sd(b) == 0 or _sd(a) == 0:
        return 0.0
    return float(np.corrcoef(b, a)[0, 1])


def _stratum(method: str, s: Stratum) -> tuple[float, float]:
    """(mle_h, s) for one stratum; see the module docstring."""
    b, a, count = s.book, s.audit, s.items
    if method == "direct":
        return s.value - count * a.mean(), _sd(a)
    if method == "verschil":
        return count * (b - a).mean(), _sd(b - a)
    r = _cor(b, a)
    if method == "quotient":
        q = a.mean() / b.mean()
        spread = _sd(a) ** 2 - 2 * q * r * _sd(a) * _sd(b) + q**2 * _sd(b) ** 2
        return count * (1 - q) * b.mean(), float(np.sqrt(max(spread, 0.0)))
    if _sd(b) == 0:
        raise SteekproefFout(
            f"Stratum {s.name}: alle bedragen zijn gelijk; de regressieschatter is niet te "
            "berekenen. Kies de verschil- of quotiëntschatter."
        )
    slope = float(np.polyfit(b, a, 1)[0])
    return s.value - (count * a.mean() + slope * (s.value - count * b.mean())), _sd(a) * np.sqrt(
        1 - r**2
    )


def estimate(method: str, strata: list[Stratum], confidence: float) -> Estimate:
    """Per-stratum expansion, summed; the upper bound of the misstatement (money)."""
    if method not in ESTIMATORS:
        raise SteekproefFout(f"Onbekende schatter '{method}': kies uit {', '.join(ESTIMATORS)}.")
    mle, variance, df = 0.0, 0.0, 0
    for s in strata:
        n = len(s.book)
        if n >= s.items:  # drawn in full: known exactly
            mle += float((s.book - s.audit).sum())
            continue
        if n < 2:
            raise SteekproefFout(
                f"Stratum {s.name} heeft {n} regel(s) in de steekproef: voor de spreiding zijn "
                "er minstens 2 nodig. Breid de steekproef uit of kies MUS."
            )
        m, sd = _stratum(method, s)
        mle, variance, df = mle + m, variance + (s.items * sd) ** 2 / n, df + n - 1
    se = float(np.sqrt(variance))
    t = t_quantile(confidence, df) if df > 0 else 0.0
    return Estimate(mle, se, df, mle + t * se)
