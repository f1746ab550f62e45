"""Evaluating the findings: projected error, Stringer upper error limit, verdict in Dutch.

Findings per line: `juist` (error 0), `onjuist` (an error), `onzeker` (an uncertainty); the amount
is `bedrag fout`, or the whole line when left empty; lines without a finding count as `onzeker`
for their whole amount. Errors and uncertainties are evaluated together against the tolerance
(materiality x population value), and each on its own for information.

MUS (Stringer): with interval J, taintings t = fout / bedrag (capped at 1) of lines below J,
sorted descending:
    upper limit = J x R(0) + J x sum_i (R(i) - R(i-1)) x t_(i) + errors in lines >= J.
Aselect and gestratificeerd use the same bound with J = population value / n and taintings
weighted by the stratum's design weight (N_h / n_h) / (N / n): an approximation (MUS is the
method for the verdict on rechtmatigheid). Signals: attribute bound R(k) / n on the share wrong.
"""

from dataclasses import asdict, dataclass

import polars as pl

from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.formatting import fmt_eur, fmt_pct
from declaratiemonitor.lib.steekproef.sizing import poisson_factor

FINDINGS = ("juist", "onjuist", "onzeker")
NOT_ASSESSED = "niet beoordeeld"


@dataclass(frozen=True)
class StringerResult:
    basisprecisie: float
    geprojecteerd: float
    toeslag: float
    bovengrens: float


def stringer_bound(
    taints: list[float], interval: float, confidence: float = 0.95, top_errors: float = 0.0
) -> StringerResult:
    """Stringer bound; `top_errors` are errors in lines >= the interval, counted as found."""
    ranked = sorted((max(0.0, t) for t in taints), reverse=True)
    factors = [poisson_factor(i, confidence) for i in range(len(ranked) + 1)]
    basis = factors[0] * interval
    projected = interval * sum(ranked) + top_errors
    allowance = interval * sum(
        (factors[i] - factors[i - 1] - 1) * t for i, t in enumerate(ranked, start=1)
    )
    return StringerResult(basis, projected, allowance, basis + projected + allowance)


@dataclass
class Evaluatie:
    methode: str
    betrouwbaarheid: float
    n_regels: int
    aantal_juist: int
    aantal_onjuist: int
    aantal_onzeker: int
    aantal_niet_beoordeeld: int
    populatie_bedrag_cents: int
    tolerantie_cents: float
    geprojecteerde_fout_cents: float
    bovengrens_cents: float
    bovengrens_fouten_cents: float
    bovengrens_onzekerheden_cents: float
    voldoet: bool
    oordeel: str
    foutpercentage: float | None = None
    bovengrens_percentage: float | None = None

    def to_dict(self) -> dict:
        values = asdict(self)
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in values.items()}


def _normalise(value: object, volgnummer: object) -> str:
    text = "" if value is None else str(value).strip().lower()
    if text == "":
        return NOT_ASSESSED
    if text not in FINDINGS:
        raise SteekproefFout(
            f"Regel {volgnummer}: onbekende bevinding '{value}'; kies juist, onjuist of onzeker."
        )
    return text


def classify(findings: pl.DataFrame) -> pl.DataFrame:
    """Add `bevinding_norm` and `fout_cents` (0 <= fout <= bedrag; empty amount = whole line)."""
    norm = [
        _normalise(v, nr)
        for v, nr in zip(findings["bevinding"], findings["volgnummer"], strict=True)
    ]
    frame = findings.with_columns(pl.Series("bevinding_norm", norm, dtype=pl.String))
    amount = pl.col("bedrag_cents").cast(pl.Float64)
    given = pl.col("bedrag_fout_cents").cast(pl.Float64)
    fout = (
        pl.when(pl.col("bevinding_norm") == "juist")
        .then(0.0)
        .when(pl.col("bevinding_norm") == NOT_ASSESSED)
        .then(amount)
        .otherwise(given.fill_null(amount))
    )
    return frame.with_columns(fout.clip(0.0, amount.clip(0.0)).alias("fout_cents"))


def _bound(frame: pl.DataFrame, interval: float, confidence: float) -> StringerResult:
    body = frame.filter(~pl.col("boven_interval") & (pl.col("fout_cents") > 0))
    top = frame.filter(pl.col("boven_interval"))["fout_cents"].sum()
    taints = (body["fout_cents"] / body["bedrag_cents"] * body["gewicht"]).to_list()
    return stringer_bound(taints, interval, confidence, float(top))


def _weights(frame: pl.DataFrame, strata: pl.DataFrame, methode: str) -> pl.DataFrame:
    if methode == "mus":
        return frame.with_columns(pl.lit(1.0).alias("gewicht"))
    total_n, total_pop = frame.height, int(strata["populatie_aantal"].sum())
    counts = frame.group_by("stratum").agg(pl.len().alias("_n_h"))
    weights = strata.select("stratum", "populatie_aantal").join(counts, on="stratum")
    weights = weights.select(
        "stratum",
        (pl.col("populatie_aantal") / pl.col("_n_h") / (total_pop / total_n)).alias("gewicht"),
    )
    return frame.join(weights, on="stratum", how="left").with_columns(
        pl.col("gewicht").fill_null(1.0)
    )


def _counts(frame: pl.DataFrame) -> dict[str, int]:
    counts = frame["bevinding_norm"].value_counts()
    found = dict(zip(counts["bevinding_norm"], counts["count"], strict=True))
    return {
        "aantal_juist": found.get("juist", 0),
        "aantal_onjuist": found.get("onjuist", 0),
        "aantal_onzeker": found.get("onzeker", 0),
        "aantal_niet_beoordeeld": found.get(NOT_ASSESSED, 0),
    }


def _verdict_money(ev: dict, confidence: float, materiality: float, methode: str) -> str:
    conf = fmt_pct(confidence, 0)
    text = (
        f"Geprojecteerde fouten en onzekerheden: {fmt_eur(ev['geprojecteerde_fout_cents'])}; "
        f"bovengrens bij {conf} betrouwbaarheid: {fmt_eur(ev['bovengrens_cents'])}; "
        f"tolerantie: {fmt_eur(ev['tolerantie_cents'])} ({fmt_pct(materiality)} van "
        f"{fmt_eur(ev['populatie_bedrag_cents'])}). "
    )
    if ev["voldoet"]:
        text += (
            "De bovengrens blijft binnen de tolerantie: met "
            f"{conf} zekerheid zijn de fouten en onzekerheden samen niet materieel."
        )
    else:
        text += (
            "De bovengrens overschrijdt de tolerantie: de steekproef toont niet aan dat de "
            "fouten en onzekerheden binnen de tolerantie blijven. Onderzoek de fouten nader "
            "of breid de steekproef uit."
        )
    if methode != "mus":
        text += " (Benadering voor een steekproef op regels; MUS is de aangewezen methode.)"
    return text


def _not_assessed_note(count: int) -> str:
    if not count:
        return ""
    return f" Let op: {count} regel(s) zijn nog niet beoordeeld en tellen als onzeker."


def _only(frame: pl.DataFrame, errors: bool) -> pl.DataFrame:
    """Keep the amounts of errors (onjuist) or of uncertainties (the rest) only."""
    keep = (pl.col("bevinding_norm") == "onjuist") == errors
    return frame.with_columns(pl.when(keep).then(pl.col("fout_cents")).otherwise(0.0))


def _evaluate_money(frame: pl.DataFrame, params: dict, strata: pl.DataFrame) -> Evaluatie:
    methode, conf = params["methode"], float(params["betrouwbaarheid"])
    value, materiality = int(params["populatie_bedrag_cents"]), float(params["materialiteit"])
    frame = _weights(frame, strata, methode)
    interval = float(params["interval_cents"]) if methode == "mus" else value / frame.height
    both = _bound(frame, interval, conf)
    ev = {
        "methode": methode,
        "betrouwbaarheid": conf,
        "n_regels": frame.height,
        **_counts(frame),
        "populatie_bedrag_cents": value,
        "tolerantie_cents": materiality * value,
        "geprojecteerde_fout_cents": both.geprojecteerd,
        "bovengrens_cents": both.bovengrens,
        "bovengrens_fouten_cents": _bound(_only(frame, True), interval, conf).bovengrens,
        "bovengrens_onzekerheden_cents": _bound(_only(frame, False), interval, conf).bovengrens,
        "voldoet": both.bovengrens <= materiality * value + 1e-6,
    }
    text = _verdict_money(ev, conf, materiality, methode)
    return Evaluatie(**ev, oordeel=text + _not_assessed_note(ev["aantal_niet_beoordeeld"]))


def _evaluate_signals(frame: pl.DataFrame, params: dict) -> Evaluatie:
    conf, tolerance = float(params["betrouwbaarheid"]), float(params["materialiteit"])
    counts = _counts(frame)
    wrong = frame.height - counts["aantal_juist"]
    rate, upper = wrong / frame.height, min(1.0, poisson_factor(wrong, conf) / frame.height)
    voldoet = upper <= tolerance
    text = (
        f"Van de {frame.height} signalen in de steekproef zijn er {wrong} onjuist of onzeker "
        f"({fmt_pct(rate)}); met {fmt_pct(conf, 0)} zekerheid is ten hoogste {fmt_pct(upper)} "
        f"van de signalen onterecht (tolerantie {fmt_pct(tolerance)}). "
        + ("Dat is binnen de tolerantie." if voldoet else "Dat is boven de tolerantie.")
    )
    value = int(params["populatie_bedrag_cents"])
    return Evaluatie(
        methode="signalen",
        betrouwbaarheid=conf,
        n_regels=frame.height,
        **counts,
        populatie_bedrag_cents=value,
        tolerantie_cents=tolerance * value,
        geprojecteerde_fout_cents=rate * value,
        bovengrens_cents=upper * value,
        bovengrens_fouten_cents=upper * value,
        bovengrens_onzekerheden_cents=upper * value,
        voldoet=voldoet,
        oordeel=text + _not_assessed_note(counts["aantal_niet_beoordeeld"]),
        foutpercentage=rate,
        bovengrens_percentage=upper,
    )


def evaluate(findings: pl.DataFrame, params: dict, strata: pl.DataFrame) -> Evaluatie:
    """Evaluate findings: volgnummer, stratum, bedrag_cents, boven_interval, bevinding,
    bedrag_fout_cents (see excel.read_excel)."""
    if findings.height == 0:
        raise SteekproefFout("Het bestand bevat geen steekproefregels.")
    frame = classify(findings)
    if params["methode"] == "signalen":
        return _evaluate_signals(frame, params)
    return _evaluate_money(frame, params, strata)
