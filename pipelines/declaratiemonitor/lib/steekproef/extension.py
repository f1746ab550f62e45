"""Extending a sample that does not pass (uitbreiding), reproducibly and as a superset.

Per failing group (the whole sample, or each provider that fails) the new size comes from
extension_size.py. Lines: the next smallest random keys of the same seed (per stratum, never
fewer than already drawn), so the first sample is part of the extended one. MUS: a second
systematic sample of the extra draws over the same population with its own start
sha256("<seed>:uitbreiding<r>:<group>"); every monetary unit then had n_total / V chances, and
the lines already drawn stay, with their findings. Same seed + same population = same extension.
"""

from dataclasses import fields

import polars as pl

from declaratiemonitor.lib.steekproef import evaluate_lines, evaluate_mus
from declaratiemonitor.lib.steekproef import extension_size as size
from declaratiemonitor.lib.steekproef.distributions import upper_bound
from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.estimators import estimate
from declaratiemonitor.lib.steekproef.evaluate_lines import line_strata
from declaratiemonitor.lib.steekproef.evaluate_mus import draw_taints
from declaratiemonitor.lib.steekproef.excel_read import Bestand
from declaratiemonitor.lib.steekproef.findings import classify
from declaratiemonitor.lib.steekproef.parameters import Parameters
from declaratiemonitor.lib.steekproef.population import population_hash
from declaratiemonitor.lib.steekproef.sample import (
    ALL,
    ROUND_SCHEMA,
    Steekproef,
    mark_top,
    strata_table,
    with_groups,
)
from declaratiemonitor.lib.steekproef.selection import allocate, draw_mus, smallest_keys

FINDING_COLUMNS = ("bevinding", "bedrag_fout_cents", "toelichting")


def parameters_from(values: dict) -> Parameters:
    """The Parameters of a sample from its Parameters sheet."""
    names = [f.name for f in fields(Parameters)]
    kept = {k: values[k] for k in names if values.get(k) is not None}
    for key in ("seed", "aantal", "jaar"):
        if key in kept:
            kept[key] = int(kept[key])
    return Parameters(**kept)


def _mus_round(group, frame, population, bestand, params, stage) -> tuple[dict, pl.DataFrame]:
    """The extra draws of one MUS group: (round row, hit lines), or ({}, None) when it passes."""
    rounds, strata = bestand.rounds, bestand.strata
    row = strata.filter(pl.col("stratum") == group).row(0, named=True)
    n_old = int(rounds.filter(pl.col("stratum") == group)["n"].sum())
    conf, m, lik = params.betrouwbaarheid, params.materialiteit, params.likelihood
    if evaluate_mus.evaluate_group(frame, group, row, n_old, conf, m, lik).voldoet:
        return {}, None
    body = frame.filter(~pl.col("boven_interval"))
    exact = float(frame.filter(pl.col("boven_interval"))["abs_cents"].sum())
    value = float(row["populatie_bedrag_cents"])
    extra = size.mus_draws(draw_taints(body), exact, value, n_old, conf, m, lik, group) - n_old
    part = population if group == ALL else population.filter(pl.col("stratum") == group)
    label = f"uitbreiding{stage}:{group}"
    hits, interval, start = draw_mus(part, params.key, params.amount, extra, params.seed, label)
    round_row = {
        "stratum": group,
        "ronde": stage,
        "n": extra,
        "interval_cents": interval,
        "start_cents": start,
    }
    return round_row, hits.select(params.key, "trekkingen")


def _extend_mus(population, frame, bestand, params, stage) -> tuple[list, pl.DataFrame]:
    rounds, parts = [], []
    for group, part in sorted(_groups(frame, params).items()):
        row, hits = _mus_round(group, part, population, bestand, params, stage)
        if row:
            rounds.append(row)
            parts.append(hits)
    old = bestand.findings.select(pl.col("sleutel").alias(params.key), "trekkingen")
    hits = pl.concat([old, *parts]).group_by(params.key).agg(pl.col("trekkingen").sum())
    return rounds, population.join(hits, on=params.key, how="inner")


def _new_size(group, frame, strata, params, estimator) -> int | None:
    """The new number of lines of a failing line group, or None when it passes."""
    conf, m, lik = params.betrouwbaarheid, params.materialiteit, params.likelihood
    count = int(strata["populatie_aantal"].sum())
    if params.methode == "signalen":
        wrong = frame.filter(pl.col("bevinding_norm") != "juist").height
        if upper_bound(lik, conf, frame.height, wrong, count) < m:
            return None
        return size.attribute_size(wrong, frame.height, count, conf, m, lik)
    result = evaluate_lines.evaluate_group(frame, group, strata, estimator, conf, m)
    if result.voldoet:
        return None
    est = estimate(estimator, line_strata(frame, strata, "abs_cents"), conf)
    errors = frame.filter(pl.col("abs_cents") > 0).height
    return size.line_size(
        est, result.tolerantie_cents, errors, frame.height, count, conf, m, lik, group
    )


def _extend_lines(
    population, frame, bestand, params, estimator, stage
) -> tuple[list, pl.DataFrame]:
    rounds, keys = [], set(bestand.findings["sleutel"].to_list())
    for group, part in sorted(_groups(frame, params).items()):
        strata = bestand.strata
        if group != ALL:
            strata = strata.filter(pl.col("stratum") == group)
        n_new = _new_size(group, part, strata, params, estimator)
        if n_new is None:
            continue
        drawn = dict(part.group_by("stratum").len().iter_rows())
        floors = {h: drawn.get(h, 0) for h in strata["stratum"]}
        caps = dict(strata.select("stratum", "populatie_aantal").iter_rows())
        weights = (
            caps
            if params.allocatie == "aantal"
            else dict(strata.select("stratum", "populatie_bedrag_cents").iter_rows())
        )
        for h, k in sorted(allocate(weights, caps, n_new, floors).items()):
            lines = smallest_keys(
                population.filter(pl.col("stratum") == h), params.key, k, params.seed
            )
            keys |= set(lines[params.key].to_list())
            if k > floors[h]:
                rounds.append({"stratum": h, "ronde": stage, "n": k - floors[h]})
    sample = population.filter(pl.col(params.key).is_in(list(keys)))
    return rounds, sample.with_columns(pl.lit(1, dtype=pl.Int64).alias("trekkingen"))


def _check_population(bestand: Bestand, population: pl.DataFrame, params: Parameters) -> None:
    if population_hash(population, params.key, params.amount) != bestand.params["populatie_hash"]:
        raise SteekproefFout(
            "De populatie in het warehouse is veranderd sinds de trekking (de populatie-hash "
            "klopt niet): uitbreiden kan alleen op dezelfde populatie. Gebruik het warehouse "
            "van de trekking of trek een nieuwe steekproef."
        )


def _groups(frame: pl.DataFrame, params: Parameters) -> dict[str, pl.DataFrame]:
    if params.per:
        return {str(k[0]): g for k, g in frame.partition_by("stratum", as_dict=True).items()}
    return {ALL: frame}


def _carry(sample: pl.DataFrame, findings: pl.DataFrame, key: str) -> pl.DataFrame:
    """The findings and line numbers already given, by key; new lines have none."""
    old = findings.select(pl.col("sleutel").alias(key), "volgnummer", "ronde", *FINDING_COLUMNS)
    return sample.drop("ronde", "volgnummer", strict=False).join(old, on=key, how="left")


def _number(sample: pl.DataFrame, stage: int, key: str) -> pl.DataFrame:
    """Old lines keep their number; new lines follow in stratum and key order."""
    start = int(sample["volgnummer"].max() or 0)
    new = sample.filter(pl.col("volgnummer").is_null()).sort(["stratum", key])
    new = new.with_columns(
        (pl.int_range(1, new.height + 1) + start).cast(pl.UInt32).alias("volgnummer"),
        pl.lit(stage, dtype=pl.Int64).alias("ronde"),
    )
    old = sample.filter(pl.col("volgnummer").is_not_null()).with_columns(
        pl.col("volgnummer").cast(pl.UInt32), pl.col("ronde").cast(pl.Int64)
    )
    return pl.concat([old, new], how="diagonal_relaxed").sort("volgnummer")


def uitbreiden(
    bestand: Bestand, population: pl.DataFrame, estimator: str = "verschil", peildatum=None
) -> Steekproef | None:
    """The extended sample, or None when every group already passes."""
    params = parameters_from(bestand.params)
    _check_population(bestand, population, params)
    population = with_groups(population, params)
    frame = classify(bestand.findings)
    old = bestand.rounds
    stage = int(old["ronde"].max()) + 1 if old.height else 1
    if params.methode == "mus":
        rounds, sample = _extend_mus(population, frame, bestand, params, stage)
    else:
        rounds, sample = _extend_lines(population, frame, bestand, params, estimator, stage)
    if not rounds:
        return None
    rounds = pl.concat([old, pl.DataFrame(rounds, schema=ROUND_SCHEMA)])
    sample = _number(_carry(sample, bestand.findings, params.key), stage, params.key)
    value = int(population.filter(pl.col(params.amount) > 0)[params.amount].sum())
    return Steekproef(
        parameters=params,
        sample=mark_top(sample, rounds, params),
        strata=strata_table(population, sample, params.amount),
        rounds=rounds,
        populatie_aantal=population.height,
        populatie_bedrag_cents=value,
        populatie_hash=bestand.params["populatie_hash"],
        n=int(rounds["n"].sum()),
        ronde=stage,
        peildatum=peildatum,
    )
