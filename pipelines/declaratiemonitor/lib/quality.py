"""Great Expectations 1.x suites (expectations/<table>.json) run over a pandas batch.

`dagster-ge` only supports GX < 1 and GX's SQL datasource does not work on DuckDB, so a staged
table (or, above SAMPLE_ROWS, a repeatable sample of it) is read into pandas and a
ValidationDefinition runs on it. Expectations carry meta.ernst: `fout` blocks the rules,
`waarschuwing` is reported only. Every result is kept in meta.kwaliteit_resultaten, from
which the dashboard page `kwaliteit` (dashboards/kwaliteit.py) is drawn: our own Dutch page,
not GX's data docs, whose templates load jQuery, Bootstrap, Vega and fonts from public CDNs.
"""

import functools
import importlib
import json
import os
import sys
import types
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from declaratiemonitor.paths import EXPECTATIONS_DIR

SAMPLE_ROWS = 200_000
LABELS = {
    "expect_table_row_count_to_be_between": "tabel heeft geen bruikbare rijen",
    "expect_column_values_to_not_be_null": "lege verplichte waarden",
    "expect_column_values_to_be_in_set": "onbekende codes",
    "expect_column_values_to_be_unique": "dubbele sleutels",
    "expect_compound_columns_to_be_unique": "dubbele sleutels",
    "expect_column_values_to_be_between": "waarden buiten het verwachte bereik",
    "expect_column_values_to_match_regex": "ongeldig formaat",
    "expect_column_pair_values_a_to_be_greater_than_b": "einddatum voor begindatum",
}
EXPECTS = {  # what the expectation asks, for the quality page
    "expect_table_row_count_to_be_between": "tabel heeft rijen",
    "expect_column_values_to_not_be_null": "geen lege waarden",
    "expect_column_values_to_be_in_set": "alleen bekende codes",
    "expect_column_values_to_be_unique": "sleutel is uniek",
    "expect_compound_columns_to_be_unique": "sleutel is uniek",
    "expect_column_values_to_be_between": "waarden binnen het bereik",
    "expect_column_values_to_match_regex": "geldig formaat",
    "expect_column_pair_values_a_to_be_greater_than_b": "einddatum niet voor begindatum",
}
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass
class Finding:
    expectation: str
    column: str
    ernst: str
    unexpected: int | None
    success: bool
    checked: int | None = None  # rows the expectation looked at
    detail: str = ""  # its parameters, in Dutch

    def describe(self) -> str:
        count = "" if self.unexpected is None else f" ({self.unexpected} rijen)"
        what = LABELS.get(self.expectation, self.expectation)
        return f"{what}: {self.column}{count}" if self.column else f"{what}{count}"


def suite_files() -> list[Path]:
    return sorted(EXPECTATIONS_DIR.glob("*.json"))


def read_suite(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# Imported by GX at import time (as `import x`, used only inside functions) for what our suites
# and data docs do not use: scipy.stats and altair for the KL divergence/KS expectations (~2,5 of
# the ~5,5 CPU-s of `import great_expectations` in a run, docs/performance.md), jsonschema for
# expect_column_values_to_match_json_schema, mistune for markdown blocks in data docs.
DEFERRED_IMPORTS = ("scipy.stats", "altair", "jsonschema", "mistune")


class _Deferred(types.ModuleType):
    """Stands in for a module during GX's import; imports the real one on first use."""

    def __getattr__(self, attr: str):
        if attr.startswith("__"):  # the import system probing, e.g. __path__
            raise AttributeError(attr)
        if sys.modules.get(self.__name__) is self:  # used while GX is still being imported
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


@contextmanager
def _deferred(names=DEFERRED_IMPORTS):
    """Import GX with stand-ins for `names`; afterwards only GX's references are stand-ins."""
    stand_ins = {n: _Deferred(n) for n in names if n not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


@functools.cache
def _context():
    """One ephemeral GX context per process: it keeps this run's validation results."""
    with _deferred():
        import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def _checkpoint(table: str, spec: dict):
    """A checkpoint running the table's suite (data docs are built once, see build_docs)."""
    context = _context()  # first: it imports GX
    import great_expectations as gx
    from great_expectations.core.expectation_suite import ExpectationSuite

    name = f"kwaliteit_{table}"
    try:
        return context.checkpoints.get(name)
    except Exception:  # noqa: BLE001 - not registered yet in this process
        pass
    source = context.data_sources.add_or_update_pandas(f"staging_{table}")
    batch = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe("alles")
    suite = context.suites.add_or_update(ExpectationSuite(**spec))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(data=batch, suite=suite, name=f"v_{table}")
    )
    return context.checkpoints.add(
        gx.Checkpoint(name=name, validation_definitions=[validation], result_format="SUMMARY")
    )


def load_batch(con: duckdb.DuckDBPyConnection, table: str):
    """The staged table as pandas; large tables as a repeatable sample (docs/performance.md).

    The sample takes the rows whose hashed row number falls in 1 of every k buckets (about
    SAMPLE_ROWS rows, every row with the same chance, the same rows on every run of the same
    data). DuckDB reads the other columns only for those rows; a reservoir sample has to read
    every column of every row (claims at 10 M: 0,7 against 2,4 CPU-s with the pandas conversion).
    """
    source = f"staging.{table}"
    count = con.execute(f"select count(*) from {source}").fetchall()[0][0]
    where = ""
    if count > SAMPLE_ROWS:
        where = f"where hash(_volgnr, 42) % {-(-count // SAMPLE_ROWS)} = 0"
    return con.sql(f"select * exclude (_bron, _regel, _volgnr) from {source} {where}").df(), count


def validate(con: duckdb.DuckDBPyConnection, table: str, spec: dict) -> list[Finding]:
    """Run the suite; its result is kept in this process's GX context for build_docs."""
    frame, _ = load_batch(con, table)
    checkpoint = _checkpoint(table, spec)
    run = checkpoint.run(batch_parameters={"dataframe": frame})
    (result,) = run.run_results.values()
    findings = []
    for r in result.results:
        config = r.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or ",".join(
            kwargs.get("column_list", [])
            or [kwargs.get("column_A", ""), kwargs.get("column_B", "")]
        ).strip(",")
        findings.append(
            Finding(
                config.type,
                column,
                (config.meta or {}).get("ernst", "fout"),
                (r.result or {}).get("unexpected_count"),
                bool(r.success),
                (r.result or {}).get("element_count"),
                _detail(kwargs),
            )
        )
    return findings


def _detail(kwargs: dict) -> str:
    """The parameters of an expectation as a short Dutch text (no data values)."""
    parts = []
    if "value_set" in kwargs:
        values = [str(v) for v in kwargs["value_set"]]
        parts.append("toegestaan: " + ", ".join(values[:12]) + (" …" if len(values) > 12 else ""))
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and high is not None:
        parts.append(f"van {low} tot en met {high}")
    elif low is not None or high is not None:
        parts.append(f"minstens {low}" if low is not None else f"hoogstens {high}")
    if "regex" in kwargs:
        parts.append(f"patroon {kwargs['regex']}")
    if kwargs.get("mostly") is not None:
        parts.append(f"minstens {kwargs['mostly']:.0%} van de rijen")
    return "; ".join(parts)


def record(con: duckdb.DuckDBPyConnection, table: str, findings: list[Finding]) -> None:
    """Keep this run's results: the failed ones for run_summary.json (meta.kwaliteit), all of
    them for the quality page (meta.kwaliteit_resultaten)."""
    _ensure_table(con)
    con.execute("delete from meta.kwaliteit where tabel = ?", [table])
    con.execute("delete from meta.kwaliteit_resultaten where tabel = ?", [table])
    for f in findings:
        if not f.success:
            con.execute(
                "insert into meta.kwaliteit values (?, ?, ?)", [table, f.ernst, f.describe()]
            )
        con.execute(
            "insert into meta.kwaliteit_resultaten values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                table,
                f.column or "tabel",
                EXPECTS.get(f.expectation, f.expectation),
                f.ernst,
                f.success,
                f.unexpected,
                f.checked,
                f.detail,
            ],
        )


def _ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create table if not exists meta.kwaliteit "
        "(tabel varchar, ernst varchar, bevinding varchar)"
    )
    con.execute(
        "create table if not exists meta.kwaliteit_resultaten (tabel varchar, kolom varchar, "
        "verwachting varchar, ernst varchar, geslaagd boolean, afwijkend bigint, "
        "gecontroleerd bigint, detail varchar)"
    )


def recorded(con: duckdb.DuckDBPyConnection) -> list[dict]:
    _ensure_table(con)
    rows = con.execute("from meta.kwaliteit order by all").fetchall()
    return [{"tabel": t, "ernst": e, "bevinding": b} for t, e, b in rows]
