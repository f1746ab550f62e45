"""Look up gemeente and provider names; format "naam (code)"."""

import csv
import functools
from dataclasses import dataclass, field

import duckdb
import polars as pl

from declaratiemonitor.lib.dashboard_queries import has_table
from declaratiemonitor.paths import REFERENCE_DIR

GEMEENTEN_CSV = REFERENCE_DIR / "cbs" / "gemeenten.csv"
NO_CODE = "-"


@functools.cache
def gemeente_names() -> dict[str, str]:
    """CBS code -> gemeente name (data/reference/cbs/BRON.md)."""
    with GEMEENTEN_CSV.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row["naam"] for row in csv.DictReader(f)}


def provider_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """AGB code -> provider name from staging.aanbieders (empty when the table is absent)."""
    if not has_table(con, "staging", "aanbieders"):
        return {}
    rows = con.execute(
        "select aanbieder_agb, naam from staging.aanbieders "
        "where nullif(trim(naam), '') is not null"
    ).fetchall()
    return {agb: naam.strip() for agb, naam in rows}


def label(name: str | None, code: str | None) -> str:
    """'naam (code)' when the name is known, else the code; '-' without a code."""
    if code is None or code == "":
        return NO_CODE
    return f"{name} ({code})" if name else code


@dataclass(frozen=True)
class Names:
    gemeenten: dict[str, str] = field(default_factory=dict, repr=False)
    aanbieders: dict[str, str] = field(default_factory=dict, repr=False)

    def gemeente(self, code: str | None) -> str:
        return label(self.gemeenten.get(code or ""), code)

    def aanbieder(self, agb: str | None) -> str:
        return label(self.aanbieders.get(agb or ""), agb)

    def gemeente_naam(self, code: str | None) -> str | None:
        return self.gemeenten.get(code or "")

    def aanbieder_naam(self, agb: str | None) -> str | None:
        return self.aanbieders.get(agb or "")


def load(con: duckdb.DuckDBPyConnection | None = None) -> Names:
    """Gemeente names always; provider names from the warehouse when a connection is given."""
    return Names(gemeente_names(), provider_names(con) if con is not None else {})


LABELS = {
    "aanbieder_agb": ("aanbieder", "aanbieder_label"),
    "gemeente_code": ("gemeente", "gemeente_label"),
}


def with_labels(frame: pl.DataFrame, names: Names) -> pl.DataFrame:
    """Adds `aanbieder_label` / `gemeente_label` ("naam (code)", the code without a name, '-'
    without a code) next to each of aanbieder_agb / gemeente_code that the frame has."""
    added = []
    for column, (kind, target) in LABELS.items():
        if column not in frame.columns:
            continue
        lookup = getattr(names, kind)
        mapping = {c: lookup(c) for c in frame[column].unique().to_list() if c is not None}
        added.append(
            pl.col(column)
            .replace_strict(mapping, default=None, return_dtype=pl.String)
            .fill_null(NO_CODE)
            .alias(target)
        )
    return frame.with_columns(added) if added else frame
