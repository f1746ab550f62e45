"""What a planted scenario gets: fresh ids and clients, reference data, and a place for rows.

A scenario (lib/generate/scenarios/<family>.py, function `plant(ctx)`) creates its *own*
clients and allocations, adds rows with `ctx.add(...)` and declares with `ctx.expect(...)`
every signal that a correct pipeline must emit for them: nothing more, nothing less.
Claims belong in months before the peildatum's month (they are submitted after the month).
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from declaratiemonitor.lib.fixtures import bsn_from_number, complete_rows
from declaratiemonitor.lib.generate.calendar import add_months
from declaratiemonitor.paths import REFERENCE_DIR

# BSN numbers for scenarios come from a range the base population never uses
SCENARIO_BSN_OFFSET = 5_000_000


def load_products() -> pl.DataFrame:
    return pl.concat(
        [pl.read_csv(p, infer_schema=False) for p in sorted(REFERENCE_DIR.glob("*/producten.csv"))]
    ).with_columns(pl.col("tarief_cents").cast(pl.Int64))


def load_staffels() -> pl.DataFrame:
    return pl.concat(
        [
            pl.read_csv(p, infer_schema=False)
            for p in sorted(REFERENCE_DIR.glob("*/vervoer_staffels.csv"))
        ]
    ).with_columns(
        pl.col("km_van").cast(pl.Float64),
        pl.col("km_tot").cast(pl.Float64),
        pl.col("tarief_cents").cast(pl.Int64),
        pl.col("rolstoel") == "true",
    )


def provider_of(gemeente_code: str, bsn: str) -> str:
    """One of the gemeente's contracted providers of the base population, fixed per client,
    so that planted findings are spread over providers as in real data."""
    from declaratiemonitor.lib.generate.base import AGB_BASE, PROVIDERS, REGIONS

    region = REGIONS.get(gemeente_code, ("geldrop-mierlo", 0))[0]
    return str(AGB_BASE[region] + int(bsn) % PROVIDERS[region] + 1)


# ctx.expect's default afhandeling: what the rule's evidence gives when every 323 of the
# scenario was answered without rejections (lib/generate/answers.py resolves it)
BY_RULE = "volgens_regel"


@dataclass
class Expected:
    rule_id: str
    toewijzing_nummer: str | None
    period_start: date
    afhandeling: str | None = BY_RULE


@dataclass
class Answers:
    """The back office's 325s for the scenarios' 323s: every 323 is answered without
    rejections unless a scenario rejects lines, rejects it whole or leaves it unanswered."""

    rejected: list[dict] = field(default_factory=list)  # one answer row per rejected line
    whole: dict[tuple[str, str, str], str] = field(default_factory=dict)  # 323 -> codes
    unanswered: set[tuple[str, str, str]] = field(default_factory=set)
    extra: list[dict] = field(default_factory=list)  # rows that link to no claim (reported)


@dataclass
class ScenarioContext:
    peildatum: date
    seed: int
    rng: random.Random = field(init=False)
    products: pl.DataFrame = field(default_factory=load_products)
    staffels: pl.DataFrame = field(default_factory=load_staffels)
    rows: dict[str, list[dict]] = field(default_factory=dict)
    expected: list[Expected] = field(default_factory=list)
    answers: Answers = field(default_factory=Answers)
    _counters: dict[str, int] = field(default_factory=dict)
    _tariffs: dict[tuple[str, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._tariffs = {
            (r["gemeente_code"], r["product_code"]): r["tarief_cents"]
            for r in self.products.iter_rows(named=True)
        }

    # ---- ids -------------------------------------------------------------------------
    def next_id(self, prefix: str) -> str:
        self._counters[prefix] = self._counters.get(prefix, 0) + 1
        return f"{prefix}{self._counters[prefix]:06d}"

    def new_bsn(self) -> str:
        return bsn_from_number(SCENARIO_BSN_OFFSET + int(self.next_id("bsn")[3:]))

    # ---- reference -------------------------------------------------------------------
    def product(self, gemeente_code: str, product_code: str) -> dict:
        hit = self.products.filter(
            (pl.col("gemeente_code") == gemeente_code) & (pl.col("product_code") == product_code)
        )
        if hit.is_empty():
            raise KeyError(f"no product {product_code} for gemeente {gemeente_code}")
        return hit.row(0, named=True)

    def tariffs(self) -> dict[tuple[str, str], int]:
        return self._tariffs

    def tariff_start(self, gemeente_code: str, product_code: str) -> date:
        """The first day a claim for the product has a tariff (Drechtsteden BW and transport:
        1 January 2026): a scenario must not plant claims before it."""
        hit = self.products.filter(
            (pl.col("gemeente_code") == gemeente_code) & (pl.col("product_code") == product_code)
        )
        return date.fromisoformat(hit["geldig_van"].min())

    def claimable(self, month: date) -> bool:
        """Claims for `month` can be planted: it lies before the peildatum's month."""
        return month < self.peildatum.replace(day=1)

    # ---- rows ------------------------------------------------------------------------
    def toewijzing(self, gemeente_code: str, product_code: str | None, **values) -> dict:
        """A fresh allocation (own number) that by itself trips no rule: it starts on the first
        of the month three months before the peildatum's month (m0, the first month scenarios
        claim in, whatever the peildatum's day), runs two years, and allocates far more than any
        scenario claims.
        product_code None = an allocation at category level: give product_categorie and
        eenheid in `values`."""
        product = (
            self.product(gemeente_code, product_code)
            if product_code
            else {
                "product_categorie": values.pop("product_categorie"),
                "eenheid": values.pop("eenheid"),
            }
        )
        start = add_months(self.peildatum.replace(day=1), -3)
        bsn = values.pop("bsn", None) or self.new_bsn()
        row = {
            "toewijzing_nummer": self.next_id("S"),
            "toewijzing_datum": start,
            "gemeente_code": gemeente_code,
            "aanbieder_agb": values.pop("aanbieder_agb", None) or provider_of(gemeente_code, bsn),
            "bsn": bsn,
            "product_categorie": product["product_categorie"],
            "product_code": product_code,
            "ingangsdatum": start,
            "einddatum": start.replace(year=start.year + 2) - timedelta(days=1),
            "volume": 100_000,
            "eenheid": product["eenheid"],
            "frequentie": "6",
            **values,
        }
        self.add("toewijzingen", [row])
        return row

    def declaratie(self, toewijzing: dict, begindatum: date, **values) -> dict:
        """A claim line on an allocation (same client, provider, product, unit)."""
        row = {
            "toewijzing_nummer": toewijzing["toewijzing_nummer"],
            "gemeente_code": toewijzing["gemeente_code"],
            "aanbieder_agb": toewijzing["aanbieder_agb"],
            "bsn": toewijzing["bsn"],
            "product_categorie": toewijzing["product_categorie"],
            "product_code": toewijzing["product_code"],
            "eenheid": toewijzing["eenheid"],
            "begindatum": begindatum,
            "referentie_nummer": self.next_id("SR"),
            "declaratie_nummer": self.next_id("SD"),
            **values,
        }
        self.add("declaraties", [row])
        return row

    def add(self, table: str, rows: list[dict]) -> list[dict]:
        """Complete rows with valid defaults (as text) and keep them for writing."""
        start = len(self.rows.get(table, [])) + 1
        done = complete_rows(table, rows, self.tariffs(), start_index=start)
        for r in done:  # ids must not collide with the base population's
            for col in ("contact_id", "afwezigheid_id", "referentie_nummer"):
                if col in r and r[col] and not r[col].startswith("S"):
                    r[col] = "S" + r[col]
        self.rows.setdefault(table, []).extend(done)
        return done

    def expect(
        self,
        rule_id: str,
        toewijzing_nummer: str | None,
        period_start: date,
        afhandeling: str | None = BY_RULE,
    ) -> None:
        """A signal a correct pipeline must emit, with its afhandeling (CONTRACT.md signals;
        None = no claim lines behind it; BY_RULE = the rule's usual one, lib/generate/answers)."""
        self.expected.append(Expected(rule_id, toewijzing_nummer, period_start, afhandeling))

    # ---- 325 answers -------------------------------------------------------------------
    @staticmethod
    def claim_of(line: dict) -> tuple[str, str, str]:
        return (line["gemeente_code"], line["aanbieder_agb"], line["declaratie_nummer"])

    def reject(self, line: dict, codes: str) -> None:
        """The back office lists the line in its 325 for the line's 323 with `codes`."""
        g, a, d = self.claim_of(line)
        self.answers.rejected.append(
            {
                "gemeente_code": g,
                "aanbieder_agb": a,
                "declaratie_nummer": d,
                "referentie_nummer": line["referentie_nummer"],
                "retourcodes": codes,
            }
        )

    def reject_whole(self, line: dict, codes: str) -> None:
        self.answers.whole[self.claim_of(line)] = codes

    def leave_unanswered(self, line: dict) -> None:
        self.answers.unanswered.add(self.claim_of(line))
