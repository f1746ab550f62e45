"""How many draws a failing group needs: a new planning with the errors found as expected errors.

MUS: with the found taints t (|fout| / bedrag per draw) and the exactly counted errors E in the
lines at or above the interval, the room left is m' = materiality - E / V. The new n is the
planning() size for m' with sum(t) expected errors in the sample (as a count), raised until the
Stringer bound of the found taints is below m' too: if the extra draws hold no errors, the
extended sample passes.
Lines: the planning() size with the number of lines in error as expected errors, and at least
the size at which the estimator's bound would fall below the tolerance if the point estimate
and spread stay as found: n x (t x se / (T - mle))^2.
"""

import math

from declaratiemonitor.lib.steekproef import sizing
from declaratiemonitor.lib.steekproef.distributions import t_quantile
from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.estimators import Estimate
from declaratiemonitor.lib.steekproef.stringer import stringer


def mus_draws(
    taints: list[float],
    exact: float,
    value: float,
    n_old: int,
    conf: float,
    materiality: float,
    likelihood: str,
    group: str,
) -> int:
    room = materiality - exact / value
    if room <= 0:
        raise SteekproefFout(
            f"Groep {group}: de fouten in de regels boven het interval overschrijden de "
            "tolerantie al; uitbreiden kan dat niet meer goedmaken."
        )
    units = round(value) if likelihood == "hypergeometric" else None
    plan = sizing.planning(
        room, conf, likelihood=likelihood, population=units, expected_count=sum(taints)
    )
    n = max(n_old + 1, plan.n)
    while stringer(taints, n, conf, likelihood, units).bovengrens >= room:
        n += 1
        if n > sizing.MAX_N:
            raise SteekproefFout(
                f"Groep {group}: de benodigde steekproef is groter dan {sizing.MAX_N}."
            )
    return n


def line_size(
    est: Estimate,
    tolerance: float,
    errors: int,
    n_old: int,
    count: int,
    conf: float,
    materiality: float,
    likelihood: str,
    group: str,
) -> int:
    if n_old >= count:
        raise SteekproefFout(f"Groep {group} is al volledig gecontroleerd: uitbreiden kan niet.")
    if est.mle >= tolerance:
        raise SteekproefFout(
            f"Groep {group}: de puntschatting van de fouten ligt al boven de tolerantie; "
            "uitbreiden helpt niet. Onderzoek de fouten (en corrigeer of vorder terug)."
        )
    units = count if likelihood == "hypergeometric" else None
    plan = sizing.planning(
        materiality, conf, likelihood=likelihood, population=units, expected_count=errors
    )
    t = t_quantile(conf, max(est.df, 1))
    spread = math.ceil(n_old * (t * est.se / (tolerance - est.mle)) ** 2) if est.se else 0
    return min(count, max(n_old + 1, plan.n, spread))


def attribute_size(
    wrong: int, n_old: int, count: int, conf: float, materiality: float, likelihood: str
) -> int:
    if n_old >= count:
        raise SteekproefFout("Alle signalen zijn al beoordeeld: uitbreiden kan niet.")
    units = count if likelihood == "hypergeometric" else None
    plan = sizing.planning(
        materiality, conf, likelihood=likelihood, population=units, expected_count=wrong
    )
    return min(count, max(n_old + 1, plan.n))
