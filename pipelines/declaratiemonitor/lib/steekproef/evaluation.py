"""Evaluating the findings: projected error, upper bound, recovery and the verdict in Dutch.

MUS: Stringer bound with exact factors (evaluate_mus.py); lines (aselect, gestratificeerd):
an estimator with per-stratum expansion (evaluate_lines.py); signals: the exact attribute bound
on the share of wrong signals. A sample passes when the upper bound is strictly below the
tolerance (materiality x population value), as in jfa. With `per = aanbieder` every provider is
its own population with its own verdict; the total adds them up.
"""

from dataclasses import dataclass, field

import polars as pl

from declaratiemonitor.lib.steekproef import evaluate_lines, evaluate_mus, texts
from declaratiemonitor.lib.steekproef.distributions import upper_bound
from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.estimators import ESTIMATORS
from declaratiemonitor.lib.steekproef.findings import classify, counts
from declaratiemonitor.lib.steekproef.results import GroupResult, summed
from declaratiemonitor.lib.steekproef.sample import ALL


@dataclass
class Evaluatie:
    methode: str
    bovengrensmethode: str
    betrouwbaarheid: float
    materialiteit: float
    totaal: GroupResult
    tellingen: dict
    oordeel: str
    onderschattingen: str = texts.UNDERSTATEMENTS
    terugvordering: str = texts.RECOVERY
    groepen: list[GroupResult] = field(default_factory=list)
    indeling: str | None = None  # "aanbieder" (separate populations) or "strata"
    foutpercentage: float | None = None
    bovengrens_percentage: float | None = None

    @property
    def voldoet(self) -> bool:
        """Per provider: every provider passes; otherwise the total's bound < tolerance."""
        if self.indeling == "aanbieder":
            return all(g.voldoet for g in self.groepen)
        return self.totaal.voldoet

    def to_dict(self) -> dict:
        total = self.totaal.to_dict() | {"voldoet": self.voldoet}
        total.pop("groep")
        values = {
            "methode": self.methode,
            "bovengrensmethode": self.bovengrensmethode,
            "betrouwbaarheid": self.betrouwbaarheid,
            "materialiteit": self.materialiteit,
            **total,
            **self.tellingen,
            "oordeel": self.oordeel,
            "onderschattingen": self.onderschattingen,
            "terugvordering": self.terugvordering,
            "indeling": self.indeling,
            "per_groep": [g.to_dict() for g in self.groepen],
            "foutpercentage": self.foutpercentage,
            "bovengrens_percentage": self.bovengrens_percentage,
        }
        return values


def _draws(params: dict, rounds: pl.DataFrame | None) -> dict[str, int]:
    """Draws per group over all rounds; without rounds, one sample with params' interval."""
    if rounds is not None and rounds.height:
        return dict(rounds.group_by("stratum").agg(pl.col("n").sum()).iter_rows())
    return {ALL: round(float(params["populatie_bedrag_cents"]) / float(params["interval_cents"]))}


def _mus(frame, params, strata, rounds, conf, materiality) -> list[GroupResult]:
    likelihood = params.get("likelihood") or "poisson"
    rows = {r["stratum"]: r for r in strata.iter_rows(named=True)}
    rows.setdefault(
        ALL,
        {
            "populatie_aantal": params.get("populatie_aantal") or 0,
            "populatie_bedrag_cents": params["populatie_bedrag_cents"],
        },
    )
    return [
        evaluate_mus.evaluate_group(
            frame.filter(pl.col("stratum") == name),
            name,
            rows[name],
            n,
            conf,
            materiality,
            likelihood,
        )
        for name, n in sorted(_draws(params, rounds).items())
    ]


def _lines(frame, strata, estimator, conf, materiality) -> tuple[list, GroupResult]:
    if estimator not in ESTIMATORS:
        raise SteekproefFout(f"Onbekende schatter '{estimator}': kies uit {', '.join(ESTIMATORS)}.")
    drawn = set(frame["stratum"].unique().to_list())
    missing = strata.filter(
        ~pl.col("stratum").is_in(list(drawn)) & (pl.col("populatie_aantal") > 0)
    )
    if strata.height == 0 or missing.height:
        raise SteekproefFout(
            f"Strata zonder regels in de steekproef: {', '.join(missing['stratum'])}. De fouten "
            "daarin zijn niet te schatten; breid de steekproef uit."
        )
    groups = [
        evaluate_lines.evaluate_group(
            frame.filter(pl.col("stratum") == name), name, strata, estimator, conf, materiality
        )
        for name in sorted(drawn)
    ]
    total = evaluate_lines.evaluate_group(frame, "totaal", strata, estimator, conf, materiality)
    return groups, total


def _signals(frame: pl.DataFrame, params: dict, conf: float, tolerance: float) -> Evaluatie:
    likelihood = params.get("likelihood") or "poisson"
    tally = counts(frame)
    wrong = frame.height - tally["aantal_juist"]
    population = int(params.get("populatie_aantal") or 0) or None
    rate = wrong / frame.height
    upper = min(1.0, upper_bound(likelihood, conf, frame.height, wrong, population))
    value = float(params["populatie_bedrag_cents"])
    total = GroupResult(
        groep="totaal",
        populatie_aantal=population or 0,
        populatie_bedrag_cents=round(value),
        n=frame.height,
        n_regels=frame.height,
        aantal_fouten=wrong,
        geprojecteerde_fout_cents=rate * value,
        bovengrens_cents=upper * value,
        bovengrens_fouten_cents=upper * value,
        bovengrens_onzekerheden_cents=upper * value,
        bovengrens_onderschattingen_cents=0.0,
        tolerantie_cents=tolerance * value,
        netto_overschatting_cents=0.0,
        terugvordering_cents=0.0,
    )
    return Evaluatie(
        methode="signalen",
        bovengrensmethode=texts.attribute_method(likelihood),
        betrouwbaarheid=conf,
        materialiteit=tolerance,
        totaal=total,
        tellingen=tally,
        oordeel=texts.signals_verdict(frame.height, wrong, rate, upper, conf, tolerance)
        + texts.not_assessed(tally["aantal_niet_beoordeeld"]),
        foutpercentage=rate,
        bovengrens_percentage=upper,
    )


def evaluate(
    findings: pl.DataFrame,
    params: dict,
    strata: pl.DataFrame,
    rounds: pl.DataFrame | None = None,
    estimator: str = "verschil",
) -> Evaluatie:
    """Evaluate findings (see excel.read_excel); `estimator` is used for samples of lines."""
    if findings.height == 0:
        raise SteekproefFout("Het bestand bevat geen steekproefregels.")
    frame = classify(findings)
    conf, materiality = float(params["betrouwbaarheid"]), float(params["materialiteit"])
    methode = params["methode"]
    if methode == "signalen":
        return _signals(frame, params, conf, materiality)
    if methode == "mus":
        groups = _mus(frame, params, strata, rounds, conf, materiality)
        total = summed(groups)
        method = texts.stringer_method(params.get("likelihood") or "poisson")
    else:
        groups, total = _lines(frame, strata, estimator, conf, materiality)
        method = texts.estimator_method(estimator)
    per = params.get("per")
    indeling = per or (params.get("strata") and "strata")
    tally = counts(frame)
    if per:
        text = texts.per_verdict(total, groups, conf, materiality, method, per)
    else:
        text = texts.money_verdict(total, conf, materiality, method)
    text += texts.few_errors(methode, total.aantal_fouten) + texts.not_assessed(
        tally["aantal_niet_beoordeeld"]
    )
    return Evaluatie(
        methode=methode,
        bovengrensmethode=method,
        betrouwbaarheid=conf,
        materialiteit=materiality,
        totaal=total,
        tellingen=tally,
        oordeel=text,
        groepen=groups if indeling else [],
        indeling=indeling,
    )
