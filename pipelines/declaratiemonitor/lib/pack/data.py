"""A feedback pack as data: the provider, its claims, its signals with the rules' texts and the
back office's handling (325), and every evidence line once. No BSN: clients by client_key."""

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl
import pyarrow as pa

from declaratiemonitor.lib import names as name_lookup
from declaratiemonitor.lib.dashboard_queries import has_relation, has_table
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.operations.review import require_history
from declaratiemonitor.lib.pack import queries
from declaratiemonitor.lib.pack.rules import rule_text
from declaratiemonitor.lib.pack.selection import Selection

ANSWERED = ("afgewezen", "deels_afgewezen", "betaald")  # a 325 was seen for the evidence lines


@dataclass(frozen=True)
class Provider:
    agb: str
    naam: str | None
    contactpersoon: str | None
    email: str | None
    label: str  # "naam (AGB)", or the AGB without a known name


@dataclass(frozen=True)
class Claims:
    regels: int
    bedrag_cents: int
    eerste: date | None
    laatste: date | None
    gemeenten: list[str]


@dataclass(frozen=True)
class Pack:
    selection: Selection
    provider: Provider
    peildatum: date
    claims: Claims
    signals: pl.DataFrame  # one row per signal, numbered (nr), with the rule's texts
    evidence: pl.DataFrame  # one row per evidence line, with the numbers of its signals
    names: name_lookup.Names
    afhandeling_known: bool  # the signals table has the 325 columns

    @property
    def empty(self) -> bool:
        return self.signals.is_empty()

    def per_rule(self) -> pl.DataFrame:
        """Signals and money per rule, the largest amount first."""
        return (
            self.signals.group_by("rule_id")
            .agg(
                pl.col("titel").first(),
                pl.col("actie").first(),
                pl.len().alias("signalen"),
                pl.col("impact_cents").sum(),
                pl.col("afgewezen_cents").sum(),
                pl.col("betaald_cents").sum(),
                pl.col("onbekend_cents").sum(),
            )
            .sort(["impact_cents", "rule_id"], descending=[True, False])
        )

    def total(self, column: str) -> int:
        return int(self.signals[column].sum() or 0) if not self.empty else 0


def build(con: duckdb.DuckDBPyConnection, selection: Selection) -> Pack:
    """The pack of one provider; an unknown AGB is an InvoerFout, a known provider without
    matching signals gives an empty pack (Pack.empty)."""
    require_history(con)
    _check_known(con, selection.aanbieder)
    return build_many(con, selection, [selection.aanbieder])[0]


def build_many(con: duckdb.DuckDBPyConnection, selection: Selection, agbs: list[str]) -> list[Pack]:
    """The packs of these providers (the selection's aanbieder is ignored): one query per
    table for all of them, so that a nightly run with many providers scans each table once."""
    require_history(con)
    params = {
        "agbs": agbs,
        "gemeente": selection.gemeente,
        "vanaf": selection.vanaf,
        "statuses": list(selection.statuses),
    }
    names = name_lookup.load(con)
    known = _has_afhandeling(con)
    extra = "".join(f", s.{c}" for c in queries.AFHANDELING_COLUMNS) if known else ""
    signals = con.sql(queries.SIGNALS.format(extra=extra), params=params).pl()
    signals = name_lookup.with_labels(signals, names).rename({"gemeente_label": "gemeente"})
    signals = _with_texts(signals, known)
    claims = _claims(con, {k: params[k] for k in ("agbs", "gemeente", "vanaf")})
    evidence = _evidence(con, signals)
    providers = _providers(con, agbs, names)
    peildatum = _peildatum(con)
    return [
        Pack(
            Selection(agb, selection.gemeente, selection.vanaf, selection.statuses),
            providers[agb],
            peildatum,
            claims.get(agb, Claims(0, 0, None, None, [])),
            signals.filter(pl.col("aanbieder_agb") == agb),
            evidence.filter(pl.col("aanbieder_agb") == agb),
            names,
            known,
        )
        for agb in agbs
    ]


def _check_known(con, agb: str) -> None:
    names = (
        "(select count(*) from staging.aanbieders where aanbieder_agb = $agb)"
        if has_table(con, "staging", "aanbieders")
        else "0"
    )
    known = con.sql(queries.KNOWN.format(names=names), params={"agb": agb}).fetchall()[0][0]
    if not known:
        raise InvoerFout(
            f"Aanbieder {agb} komt niet voor in het warehouse: geen declaraties, signalen of naam "
            "met deze AGB-code. Controleer de code (8 cijfers)."
        )


def _providers(con, agbs: list[str], names: name_lookup.Names) -> dict[str, Provider]:
    rows = {}
    if has_table(con, "staging", "aanbieders"):
        rows = {r[0]: r[1:] for r in con.sql(queries.PROVIDERS, params={"agbs": agbs}).fetchall()}
    return {
        agb: Provider(agb, *rows.get(agb, (None, None, None)), names.aanbieder(agb)) for agb in agbs
    }


def _claims(con, params: dict) -> dict[str, Claims]:
    rows = con.sql(queries.CLAIMS, params=params).fetchall()
    return {r[0]: Claims(int(r[1]), int(r[2]), r[3], r[4], list(r[5])) for r in rows}


def _peildatum(con) -> date | None:
    peildatum = con.execute("select getvariable('peildatum')").fetchall()[0][0]
    if peildatum is None:
        peildatum = con.execute("select max(peildatum) from main.signal_history").fetchall()[0][0]
    return peildatum


def _has_afhandeling(con) -> bool:
    """True when the signals carry the 325 columns and the run read at least one 325 answer;
    without answers every signal says 'onbekend' and the pack says so once."""
    columns = {r[0] for r in con.execute(queries.COLUMNS_OF_SIGNALS).fetchall()}
    if not set(queries.AFHANDELING_COLUMNS) <= columns:
        return False
    if not has_table(con, "models", "antwoorden"):
        return False
    return bool(con.execute("select exists (from models.antwoorden)").fetchall()[0][0])


def _with_texts(signals: pl.DataFrame, known: bool) -> pl.DataFrame:
    """Number the signals, add the rule's texts and split the money by the 325 handling."""
    texts = [rule_text(r) for r in signals["rule_id"].to_list()]
    if not known:
        signals = signals.with_columns(
            pl.lit(None, pl.String).alias("afhandeling"),
            pl.lit(None, pl.Int64).alias("impact_betaald_cents"),
        )
    answered = pl.col("afhandeling").is_in(ANSWERED).fill_null(False)
    paid = pl.col("impact_betaald_cents").fill_null(0)
    signals = signals.with_columns(
        pl.Series("titel", [t.title for t in texts], pl.String),
        pl.Series("uitleg", [t.uitleg for t in texts], pl.String),
        pl.Series("actie", [t.actie for t in texts], pl.String),
        pl.Series("grondslag", [t.grondslag for t in texts], pl.String),
        pl.when(answered).then(pl.col("impact_cents") - paid).otherwise(0).alias("afgewezen_cents"),
        pl.when(answered).then(paid).otherwise(0).alias("betaald_cents"),
        pl.when(answered).then(0).otherwise(pl.col("impact_cents")).alias("onbekend_cents"),
    )
    # numbered per provider in reading order: the rule with the most money first, then as the
    # query sorted
    rule_total = pl.col("impact_cents").sum().over("aanbieder_agb", "rule_id")
    signals = signals.with_row_index("_orde").sort(
        ["aanbieder_agb", rule_total, "rule_id", "_orde"],
        descending=[False, True, False, False],
    )
    nr = pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("aanbieder_agb")
    return signals.drop("_orde").with_columns(nr.alias("nr"))


def _evidence(con, signals: pl.DataFrame) -> pl.DataFrame:
    refs = (
        signals.select("aanbieder_agb", "nr", "gemeente_code", pl.col("evidence").alias("ref"))
        .explode("ref")
        .drop_nulls("ref")
    )
    frame = refs.select("aanbieder_agb", "ref", "nr", "gemeente_code")
    handled = has_relation(con, "models", "declaratie_afhandeling")
    sql = queries.EVIDENCE.format(**(queries.HANDLED if handled else queries.NOT_HANDLED))
    con.register("_pack_refs", pa.table(frame.to_arrow()))
    try:
        return con.sql(sql).pl()
    finally:
        con.unregister("_pack_refs")
