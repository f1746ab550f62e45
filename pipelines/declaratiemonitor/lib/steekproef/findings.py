"""The controller's findings per line, normalised.

`juist` (error 0), `onjuist` (an error), `onzeker` (an uncertainty); the amount is `bedrag fout`,
or the whole line when left empty; lines without a finding count as `onzeker` for their whole
amount. A positive error is an overstatement (claimed more than correct), a negative one an
understatement (claimed less than correct); an overstatement is at most the line, an
uncertainty counts as its absolute amount.

Columns added: `bevinding_norm`, `fout_cents` (signed), `abs_cents` (|fout|, at most the line:
what the verdict counts, errors in both directions), `over_cents` (the net error of `onjuist`
lines, signed: what a recovery nets), `taint` (abs_cents / bedrag, for MUS).
"""

import polars as pl

from declaratiemonitor.lib.steekproef.errors import SteekproefFout

FINDINGS = ("juist", "onjuist", "onzeker")
NOT_ASSESSED = "niet beoordeeld"


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
    norm = [
        _normalise(v, nr)
        for v, nr in zip(findings["bevinding"], findings["volgnummer"], strict=True)
    ]
    frame = findings.with_columns(pl.Series("bevinding_norm", norm, dtype=pl.String))
    finding = pl.col("bevinding_norm")
    amount = pl.col("bedrag_cents").cast(pl.Float64)
    given = pl.col("bedrag_fout_cents").cast(pl.Float64).fill_null(amount)
    fout = (
        pl.when(finding == "juist")
        .then(0.0)
        .when(finding == NOT_ASSESSED)
        .then(amount)
        .when(finding == "onzeker")
        .then(given.abs().clip(0.0, amount.clip(0.0)))
        .otherwise(given.clip(upper_bound=amount.clip(0.0)))
    )
    frame = frame.with_columns(fout.alias("fout_cents"))
    absolute = pl.col("fout_cents").abs().clip(0.0, amount.clip(0.0))
    over = pl.when(finding == "onjuist").then(pl.col("fout_cents")).otherwise(0.0)
    taint = pl.when(amount > 0).then(absolute / amount).otherwise(0.0)
    return frame.with_columns(
        absolute.alias("abs_cents"), over.alias("over_cents"), taint.alias("taint")
    )


def counts(frame: pl.DataFrame) -> dict[str, int]:
    found = dict(frame["bevinding_norm"].value_counts().iter_rows())
    return {
        "aantal_juist": found.get("juist", 0),
        "aantal_onjuist": found.get("onjuist", 0),
        "aantal_onzeker": found.get("onzeker", 0),
        "aantal_niet_beoordeeld": found.get(NOT_ASSESSED, 0),
        "aantal_onderschattingen": frame.filter(pl.col("fout_cents") < 0).height,
    }


def only(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """Keep the absolute amounts of one kind: fouten (onjuist), onzekerheden (the rest) or
    onderschattingen (negative errors); the others count as correct."""
    keep = {
        "fouten": pl.col("bevinding_norm") == "onjuist",
        "onzekerheden": pl.col("bevinding_norm").is_in(["onzeker", NOT_ASSESSED]),
        "onderschattingen": pl.col("fout_cents") < 0,
    }[kind]
    return frame.with_columns(
        pl.when(keep).then(pl.col(c)).otherwise(0.0).alias(c) for c in ("abs_cents", "taint")
    )
