"""MUS evaluation per group: the Stringer bound with exact factors (stringer.py).

Per group (the whole population, or each provider) with value V, n draws over all rounds and
J = V / n: lines below the smallest interval contribute their taint |fout| / bedrag once per
draw; lines at or above it were certain to be drawn and count with their error exactly:
    projected = J x sum t + errors in lines >= J        (jfa: mle x V)
    bound     = V x stringer(t, n) + errors in lines >= J
Errors in both directions count (|fout|); the net overpayment J x sum (fout / bedrag) + exact
errors (onjuist lines only, signed) is the point estimate a recovery is based on.
"""

import polars as pl

from declaratiemonitor.lib.steekproef.findings import only
from declaratiemonitor.lib.steekproef.results import GroupResult
from declaratiemonitor.lib.steekproef.stringer import stringer


def draw_taints(body: pl.DataFrame) -> list[float]:
    hit = body.filter(pl.col("taint") > 0)
    return [
        t for t, times in zip(hit["taint"], hit["trekkingen"], strict=True) for _ in range(times)
    ]


def _bound(frame: pl.DataFrame, n: int, value: float, conf: float, likelihood: str) -> tuple:
    """(projected, upper bound) in cents."""
    body = frame.filter(~pl.col("boven_interval"))
    exact = float(frame.filter(pl.col("boven_interval"))["abs_cents"].sum())
    units = round(value) if likelihood == "hypergeometric" else None
    result = stringer(draw_taints(body), n, conf, likelihood, units).scaled(value, exact)
    return result.mle, result.bovengrens


def _net(frame: pl.DataFrame, interval: float) -> float:
    body = frame.filter(~pl.col("boven_interval") & (pl.col("bedrag_cents") > 0))
    share = (body["over_cents"] / body["bedrag_cents"] * body["trekkingen"]).sum()
    return interval * float(share) + float(
        frame.filter(pl.col("boven_interval"))["over_cents"].sum()
    )


def evaluate_group(
    frame: pl.DataFrame,
    name: str,
    stratum: dict,
    n: int,
    conf: float,
    materiality: float,
    likelihood: str,
) -> GroupResult:
    value = float(stratum["populatie_bedrag_cents"])
    projected, bound = _bound(frame, n, value, conf, likelihood)
    net = _net(frame, value / n)
    return GroupResult(
        groep=name,
        populatie_aantal=int(stratum["populatie_aantal"]),
        populatie_bedrag_cents=round(value),
        n=n,
        n_regels=frame.height,
        aantal_fouten=frame.filter(pl.col("abs_cents") > 0).height,
        geprojecteerde_fout_cents=projected,
        bovengrens_cents=bound,
        bovengrens_fouten_cents=_bound(only(frame, "fouten"), n, value, conf, likelihood)[1],
        bovengrens_onzekerheden_cents=_bound(
            only(frame, "onzekerheden"), n, value, conf, likelihood
        )[1],
        bovengrens_onderschattingen_cents=_bound(
            only(frame, "onderschattingen"), n, value, conf, likelihood
        )[1],
        tolerantie_cents=materiality * value,
        netto_overschatting_cents=net,
        terugvordering_cents=max(0.0, net),
    )
