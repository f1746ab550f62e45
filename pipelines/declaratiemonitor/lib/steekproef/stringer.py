"""The Stringer bound with exact factors, as jfa's stringer.poisson / .binomial / .hypergeometric.

With n draws and taints t (fout / bedrag, each in (0, 1]) sorted descending:
    bound = ub(0) + sum_i (ub(i) - ub(i - 1)) x t_i          (a fraction of the population)
where ub(k) is the exact upper bound after k errors (distributions.upper_bound). For poisson,
ub(k) = R(k) / n, so bound x value = J x (R(0) + sum_i (R(i) - R(i-1)) x t_i), J = value / n.
"""

from dataclasses import dataclass

from declaratiemonitor.lib.steekproef.distributions import upper_bound

JFA_METHOD = {
    "poisson": "stringer.poisson",
    "binomial": "stringer.binomial",
    "hypergeometric": "stringer.hypergeometric",
}


@dataclass(frozen=True)
class StringerResult:
    mle: float  # most likely error, fraction: sum(t) / n
    basisprecisie: float  # ub(0)
    toeslag: float  # sum_i (ub(i) - ub(i-1) - 1/n) x t_i: the precision gap allowance
    bovengrens: float  # fraction of the population

    def scaled(self, value: float, exact: float = 0.0) -> "StringerResult":
        """In money: every part times the population value, plus errors counted exactly."""
        return StringerResult(
            self.mle * value + exact,
            self.basisprecisie * value,
            self.toeslag * value,
            self.bovengrens * value + exact,
        )


def stringer(
    taints: list[float],
    n: int,
    confidence: float,
    likelihood: str = "poisson",
    population: int | None = None,
) -> StringerResult:
    """Stringer bound on the misstatement fraction; taints outside (0, 1] are clipped to it."""
    ranked = sorted((min(1.0, t) for t in taints if t > 0), reverse=True)
    bounds = [upper_bound(likelihood, confidence, n, i, population) for i in range(len(ranked) + 1)]
    bound = bounds[0] + sum((bounds[i] - bounds[i - 1]) * t for i, t in enumerate(ranked, 1))
    mle = sum(ranked) / n
    return StringerResult(mle, bounds[0], bound - bounds[0] - mle, bound)
