"""Sizing and drawing a steekproef from a ready population (see population.load_population).

One sample (aselect, mus), one sample spread over strata (gestratificeerd, signalen with
strata) or one sample per provider (`per = aanbieder`: each provider is its own population with
its own size, interval and start). Every draw is recorded in `rounds` (stratum, round, n,
interval, start), so that the evaluation and an extension (uitbreiding) can recompute it.
"""

from dataclasses import asdict, dataclass, field
from datetime import date

import polars as pl

from declaratiemonitor.lib.steekproef import sizing
from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.parameters import Parameters
from declaratiemonitor.lib.steekproef.population import population_hash
from declaratiemonitor.lib.steekproef.selection import allocate, draw_mus, smallest_keys

ALL = "alle"
ALGORITHM_VERSION = "2"
ROUND_SCHEMA = {
    "stratum": pl.String,
    "ronde": pl.Int64,
    "n": pl.Int64,
    "interval_cents": pl.Float64,
    "start_cents": pl.Float64,
}


@dataclass
class Steekproef:
    parameters: Parameters
    sample: pl.DataFrame
    strata: pl.DataFrame
    rounds: pl.DataFrame
    populatie_aantal: int
    populatie_bedrag_cents: int
    populatie_hash: str
    n: int
    ronde: int = 0
    peildatum: date | None = None
    datum: date = field(default_factory=date.today)

    def single_round(self, column: str) -> float | None:
        """Interval or start of a MUS sample drawn as one sample in one round, else None."""
        if self.rounds.height != 1:
            return None
        return self.rounds[column][0]

    def summary(self) -> dict:
        p = self.parameters
        summary = {
            "methode": p.methode,
            "likelihood": p.likelihood,
            "n": self.n,
            "n_regels": self.sample.height,
            "populatie_aantal": self.populatie_aantal,
            "populatie_bedrag_cents": self.populatie_bedrag_cents,
            "seed": p.seed,
            "interval_cents": _round2(self.single_round("interval_cents")),
            "betrouwbaarheid": p.betrouwbaarheid,
            "materialiteit": p.materialiteit,
            "verwachte_fout": p.verwachte_fout,
            "strata": p.strata,
            "per": p.per,
            "ronde": self.ronde,
            "populatie_hash": self.populatie_hash,
        }
        if p.per or p.strata:
            summary["per_groep"] = self.strata.to_dicts()
        return summary

    def parameter_values(self) -> dict:
        """Everything needed to reproduce and evaluate the sample (the Parameters sheet)."""
        values = asdict(self.parameters) | self.summary()
        values |= {
            "allocatie": self.parameters.allocatie if self.parameters.strata else None,
            "interval_cents": self.single_round("interval_cents"),
            "start_cents": self.single_round("start_cents"),
            "tolerantie_cents": round(self.parameters.materialiteit * self.populatie_bedrag_cents),
            "peildatum": self.peildatum.isoformat() if self.peildatum else None,
            "datum": self.datum.isoformat(),
            "algoritme_versie": ALGORITHM_VERSION,
        }
        return values


def _round2(x: float | None) -> float | None:
    return None if x is None else round(float(x), 2)


def units(params: Parameters, frame: pl.DataFrame) -> int:
    """N for the hypergeometric: monetary units (cents) for MUS, lines otherwise."""
    if params.methode == "mus":
        return int(frame.filter(pl.col(params.amount) > 0)[params.amount].sum())
    return frame.height


def plan_size(params: Parameters, frame: pl.DataFrame) -> int:
    """params.aantal, or jfa's planning() for this (part of the) population."""
    if params.aantal is not None:
        return params.aantal
    return sizing.planning(
        params.materialiteit,
        params.betrouwbaarheid,
        params.verwachte_fout,
        params.likelihood,
        units(params, frame) if params.likelihood == "hypergeometric" else None,
    ).n


def with_groups(population: pl.DataFrame, params: Parameters) -> pl.DataFrame:
    column = params.group_column
    stratum = pl.col(column).cast(pl.String).fill_null("onbekend") if column else pl.lit(ALL)
    return population.with_columns(stratum.alias("stratum"))


def _draw_group(params: Parameters, frame: pl.DataFrame, name: str, n: int, label: str):
    """(sample lines, round row) for one group of one round."""
    if params.methode == "mus":
        if frame.filter(pl.col(params.amount) > 0).height == 0:
            raise SteekproefFout(f"Groep {name} heeft geen waarde: er valt niets te trekken.")
        sample, interval, start = draw_mus(frame, params.key, params.amount, n, params.seed, label)
        return sample, {
            "stratum": name,
            "ronde": 0,
            "n": n,
            "interval_cents": interval,
            "start_cents": start,
        }
    sample = smallest_keys(frame, params.key, n, params.seed)
    sample = sample.with_columns(pl.lit(1, dtype=pl.Int64).alias("trekkingen"))
    return sample, {
        "stratum": name,
        "ronde": 0,
        "n": sample.height,
        "interval_cents": None,
        "start_cents": None,
    }


def _sizes(params: Parameters, groups: dict[str, pl.DataFrame]) -> tuple[int, dict[str, int]]:
    """(planned n, n per group): per provider each its own plan, else one plan spread."""
    if params.per:
        sizes = {h: plan_size(params, g) for h, g in groups.items()}
        return sum(sizes.values()), sizes
    whole = pl.concat(list(groups.values()))
    n = plan_size(params, whole)
    if params.methode == "mus":
        return n, {ALL: n}
    caps = {h: g.height for h, g in groups.items()}
    weight = params.amount if params.allocatie == "bedrag" else None
    weights = caps if weight is None else {h: int(g[weight].sum()) for h, g in groups.items()}
    return n, allocate(weights, caps, n)


def strata_table(population: pl.DataFrame, sample: pl.DataFrame, amount: str) -> pl.DataFrame:
    pop = population.group_by("stratum").agg(
        pl.len().cast(pl.Int64).alias("populatie_aantal"),
        pl.col(amount).clip(0).sum().cast(pl.Int64).alias("populatie_bedrag_cents"),
    )
    drawn = sample.group_by("stratum").agg(
        pl.len().cast(pl.Int64).alias("steekproef_aantal"),
        pl.col("trekkingen").sum().cast(pl.Int64).alias("trekkingen"),
    )
    table = pop.join(drawn, on="stratum", how="left").fill_null(0)
    return table.sort("stratum")


def finish(sample: pl.DataFrame, params: Parameters) -> pl.DataFrame:
    """Order by stratum and key, number the lines, mark the lines >= their interval."""
    return sample.sort(["stratum", params.key]).with_row_index("volgnummer", offset=1)


def trek(population: pl.DataFrame, params: Parameters, peildatum: date | None = None) -> Steekproef:
    """Size and draw the sample from a ready population (see population.load_population)."""
    if population.height == 0:
        raise SteekproefFout("De populatie is leeg: er valt niets te trekken.")
    population = with_groups(population, params)
    value = int(population.filter(pl.col(params.amount) > 0)[params.amount].sum())
    if params.methode == "mus" and value <= 0:
        raise SteekproefFout("De populatie heeft geen waarde: er valt niets te trekken.")
    groups = {str(k[0]): g for k, g in population.partition_by("stratum", as_dict=True).items()}
    n, sizes = _sizes(params, groups)
    parts, rounds = [], []
    for name in sorted(sizes):
        frame = population if name == ALL else groups[name]
        label = f"start:{name}" if params.per else "start"
        part, row = _draw_group(params, frame, name, sizes[name], label)
        parts.append(part.with_columns(pl.lit(0, dtype=pl.Int64).alias("ronde")))
        rounds.append(row)
    sample = finish(pl.concat(parts), params)
    return Steekproef(
        parameters=params,
        sample=mark_top(sample, pl.DataFrame(rounds, schema=ROUND_SCHEMA), params),
        strata=strata_table(population, sample, params.amount),
        rounds=pl.DataFrame(rounds, schema=ROUND_SCHEMA),
        populatie_aantal=population.height,
        populatie_bedrag_cents=value,
        populatie_hash=population_hash(population, params.key, params.amount),
        n=n,
        peildatum=peildatum,
    )


def mark_top(sample: pl.DataFrame, rounds: pl.DataFrame, params: Parameters) -> pl.DataFrame:
    """`boven_interval`: a MUS line >= the smallest interval of its group (certain to be drawn)."""
    if params.methode != "mus":
        return sample.with_columns(pl.lit(False).alias("boven_interval"))
    smallest = rounds.group_by("stratum").agg(pl.col("interval_cents").min().alias("_j"))
    marked = sample.drop("boven_interval", strict=False).join(smallest, on="stratum", how="left")
    top = pl.col(params.amount).cast(pl.Float64) >= pl.col("_j")
    return marked.with_columns(top.alias("boven_interval")).drop("_j").sort("volgnummer")
