"""`declaratiemonitor generate`: a synthetic landing folder with planted violations.

The base population is clean (no rule may flag it); the scenarios plant violations and
near-misses on their own clients and declare what a correct pipeline must find. Everything
is deterministic per seed.
"""

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from declaratiemonitor.lib.generate.aanbieders import providers_frame
from declaratiemonitor.lib.generate.answers import answer_rows, claims_of, expected_afhandeling
from declaratiemonitor.lib.generate.base import Window
from declaratiemonitor.lib.generate.context import ScenarioContext, load_products, load_staffels
from declaratiemonitor.lib.generate.population import build_chunk
from declaratiemonitor.lib.generate.scenarios import all_planters
from declaratiemonitor.lib.generate.writers import TableWriters

CHUNK_CLIENTS = 20_000
GROUND_TRUTH = "ground_truth.csv"


@dataclass
class Generated:
    out: Path
    counts: dict[str, int]
    expected: int
    seconds: float


def generate(
    out: Path, clients: int, seed: int, peildatum: date, fmt: str = "parquet", xml: bool = False
) -> Generated:
    start = time.perf_counter()
    window = Window.of(peildatum)  # refuses a peildatum without a claim month (before 2026-02)
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*.parquet"), *out.glob("*.csv"), *out.glob("xml/*.xml")]:
        old.unlink()
    products, staffels = load_products(), load_staffels()
    writers = TableWriters(out, fmt)
    claims = []  # the 323s, for their 325 answers
    try:
        for chunk_no, first in enumerate(range(0, clients, CHUNK_CLIENTS)):
            tables = build_chunk(
                chunk_no,
                first,
                min(CHUNK_CLIENTS, clients - first),
                window,
                seed,
                products,
                staffels,
            )
            for name, frame in tables.items():
                writers.write(name, frame)
            claims.append(claims_of(tables["declaraties"]))
        ctx = plant_scenarios(seed, peildatum)
        for name, rows in ctx.rows.items():
            frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))
            writers.write(name, frame)
            if name == "declaraties":
                claims.append(claims_of(frame))
        writers.write("declaratie_antwoorden", answer_rows(pl.concat(claims), ctx, peildatum))
        writers.write("aanbieders", providers_frame())
    finally:
        writers.close()
    if xml:
        _move_to_xml(out, fmt)
    write_ground_truth(ctx, out / GROUND_TRUTH)
    return Generated(out, writers.counts, len(ctx.expected), time.perf_counter() - start)


def plant_scenarios(seed: int, peildatum: date) -> ScenarioContext:
    ctx = ScenarioContext(peildatum=peildatum, seed=seed)
    for _name, plant in all_planters():
        plant(ctx)
    return ctx


def write_ground_truth(ctx: ScenarioContext, path: Path) -> None:
    frame = (
        pl.DataFrame(
            [
                (e.rule_id, e.toewijzing_nummer, e.period_start, expected_afhandeling(e))
                for e in ctx.expected
            ],
            schema={
                "rule_id": pl.String,
                "toewijzing_nummer": pl.String,
                "period_start": pl.Date,
                "afhandeling": pl.String,
            },
            orient="row",
        )
        .unique()
        .sort("rule_id", "toewijzing_nummer", "period_start")
    )
    frame.write_csv(path)


def _move_to_xml(out: Path, fmt: str) -> None:
    """Write allocations, claims, care messages and answers as iWmo 3.2 XML instead of files."""
    from declaratiemonitor.lib.iwmo import write_xml_messages

    tables = {}
    for name in ("toewijzingen", "declaraties", "zorgmeldingen", "declaratie_antwoorden"):
        path = out / f"{name}.{fmt}"
        if path.exists():
            tables[name] = (
                pl.read_parquet(path) if fmt == "parquet" else pl.read_csv(path, infer_schema=False)
            )
            path.unlink()
    write_xml_messages(tables, out / "xml")
