"""Evaluation of a sample of lines (aselect, gestratificeerd, per provider) with an estimator.

Every stratum is projected with its own population count and value (estimators.py) and the
strata are summed. The verdict counts errors in both directions: the audited value of a line
is bedrag - |fout|. The recovery estimate uses the signed errors of `onjuist` lines only:
audited value = bedrag - fout (an understatement raises it).
"""

import numpy as np
import polars as pl

from declaratiemonitor.lib.steekproef.estimators import Stratum, estimate
from declaratiemonitor.lib.steekproef.findings import only
from declaratiemonitor.lib.steekproef.results import GroupResult


def line_strata(frame: pl.DataFrame, strata: pl.DataFrame, column: str) -> list[Stratum]:
    parts = {str(k[0]): g for k, g in frame.partition_by("stratum", as_dict=True).items()}
    result = []
    for row in strata.filter(pl.col("stratum").is_in(list(parts))).iter_rows(named=True):
        part = parts[row["stratum"]]
        book = part["bedrag_cents"].cast(pl.Float64).to_numpy()
        audit = book - part[column].cast(pl.Float64).to_numpy()
        result.append(
            Stratum(
                row["stratum"],
                row["populatie_aantal"],
                row["populatie_bedrag_cents"],
                book,
                np.asarray(audit),
            )
        )
    return result


def _bound(frame, strata, method, conf, kind: str | None = None) -> float:
    part = only(frame, kind) if kind else frame
    return estimate(method, line_strata(part, strata, "abs_cents"), conf).bovengrens


def evaluate_group(
    frame: pl.DataFrame,
    name: str,
    strata: pl.DataFrame,
    method: str,
    conf: float,
    materiality: float,
) -> GroupResult:
    """One population (one or more strata): the strata in `strata` that `frame` touches."""
    main = estimate(method, line_strata(frame, strata, "abs_cents"), conf)
    net = estimate(method, line_strata(frame, strata, "over_cents"), conf).mle
    drawn = strata.filter(pl.col("stratum").is_in(frame["stratum"].unique().to_list()))
    value = float(drawn["populatie_bedrag_cents"].sum())
    return GroupResult(
        groep=name,
        populatie_aantal=int(drawn["populatie_aantal"].sum()),
        populatie_bedrag_cents=round(value),
        n=frame.height,
        n_regels=frame.height,
        aantal_fouten=frame.filter(pl.col("abs_cents") > 0).height,
        geprojecteerde_fout_cents=main.mle,
        bovengrens_cents=main.bovengrens,
        bovengrens_fouten_cents=_bound(frame, strata, method, conf, "fouten"),
        bovengrens_onzekerheden_cents=_bound(frame, strata, method, conf, "onzekerheden"),
        bovengrens_onderschattingen_cents=_bound(frame, strata, method, conf, "onderschattingen"),
        tolerantie_cents=materiality * value,
        netto_overschatting_cents=net,
        terugvordering_cents=max(0.0, net),
    )
