"""Nothing leaks: from staging on, no table, output, export or log holds a BSN of the input.

A demo-sized run (generated data plus iWmo XML messages and CSV rows the quarantine must take)
is followed by the review export (xlsx and csv) and two steekproeven (Excel). Then every column
of every warehouse table outside schema `landing`, every file in the output folder, the exports,
the console output and the log records are searched for every BSN value of the landing input:
as a whole value and as a run of nine digits inside a text (JSON records, evidence lists, HTML).
The same search finds the BSNs in schema `landing` and in the input files: it can find them.
"""

import hashlib
import hmac
import json
import logging
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from declaratiemonitor.cli import app
from declaratiemonitor.lib.generate import generate
from declaratiemonitor.lib.warehouse import hmac_key

PEILDATUM = "2026-11-23"
SAMPLES = Path(__file__).parent / "xml_samples"
DIGIT_RUNS = re.compile(r"[0-9]+")
WAREHOUSE_FILES = (".duckdb", ".wal", ".lock")  # searched through SQL, not as bytes


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _bad_rows(landing: Path) -> dict[str, str]:
    """CSV rows next to the generated Parquet files, each quarantined for another reason; the
    BSN column of each is what the record must not show (reason -> raw BSN)."""
    claims = pl.read_parquet(landing / "declaraties.parquet").head(3).cast(pl.String)
    bsn = claims["bsn"][0]
    wrong_check_digit = bsn[:8] + str((int(bsn[8]) + 1) % 10)
    rows = claims.with_columns(
        pl.Series("bsn", [bsn, wrong_check_digit, "99999O019"]),
        pl.Series("begindatum", ["2026-13-01", claims["begindatum"][1], claims["begindatum"][2]]),
        pl.Series("referentie_nummer", ["LEK1", "LEK2", "LEK3"]),
    )
    rows.write_csv(landing / "declaraties.csv")
    contact = pl.read_parquet(landing / "contactmomenten.parquet").head(1).cast(pl.String)
    contact.write_csv(landing / "contactmomenten.csv")  # its contact_id again: repeated key
    return {
        "onleesbare waarde in kolom begindatum": bsn,
        "BSN voldoet niet aan de elfproef": wrong_check_digit,
        "ongeldig formaat in kolom bsn": "99999O019",
        "dubbele sleutel (contact_id)": contact["bsn"][0],
    }


def _exports(warehouse: str, exports: Path) -> list[str]:
    """The review export (xlsx, csv) and two steekproeven; returns the console output."""
    console = []
    for name in ("signalen.xlsx", "signalen.csv"):
        args = ["--warehouse", warehouse, "--bestand", str(exports / name)]
        console.append(_cli("review", "exporteer", *args))
    for methode in ("mus", "signalen"):
        args = ["--warehouse", warehouse, "--methode", methode, "--seed", "1"]
        args += ["--uit", str(exports / f"steekproef_{methode}.xlsx")]
        console.append(_cli("steekproef", "trek", *args))
    return console


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("pseudoniem")
    landing, out, exports = root / "landing", root / "out", root / "export"
    generate(landing, clients=3000, seed=42, peildatum=date.fromisoformat(PEILDATUM))
    shutil.copytree(SAMPLES / "iwmo", landing / "xml")
    shutil.copy(SAMPLES / "hostile" / "wmo301_versie_2_4.xml", landing / "xml")
    bad = _bad_rows(landing)
    records, root_logger = _Records(), logging.getLogger()
    level = root_logger.level
    root_logger.addHandler(records)
    root_logger.setLevel(logging.INFO)
    try:
        args = ["--landing", str(landing), "--out", str(out), "--peildatum", PEILDATUM]
        console = [_cli("run", *args)]
        warehouse = str(out / "warehouse.duckdb")
        console += _exports(warehouse, exports)
    finally:
        root_logger.removeHandler(records)
        root_logger.setLevel(level)
    con = duckdb.connect(warehouse, read_only=True)
    yield {
        "landing": landing,
        "out": out,
        "exports": exports,
        "con": con,
        "bsns": _landing_bsns(con),
        "bad": bad,
        "console": "\n".join(console),
        "log": "\n".join(records.lines),
    }
    con.close()


def _landing_bsns(con: duckdb.DuckDBPyConnection) -> set[str]:
    tables = con.execute(
        "select table_name from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'landing' and column_name = 'bsn'"
    ).fetchall()
    union = " union ".join(
        f"select trim(bsn) from landing.{t} where bsn is not null" for (t,) in tables
    )
    return {b for (b,) in con.execute(union).fetchall() if b}


def _columns(con: duckdb.DuckDBPyConnection, landing: bool) -> list[tuple[str, str, str]]:
    return con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        f"where database_name = current_database() and (schema_name = 'landing') = {landing} "
        "order by all"
    ).fetchall()


def _warehouse_hits(con: duckdb.DuckDBPyConnection, bsns: set[str], landing: bool) -> list[str]:
    """Columns holding a BSN: as the whole value, or as a run of digits in the value's text."""
    con.execute("create or replace temp table _bsns (bsn varchar)")
    con.executemany("insert into _bsns values (?)", [[b] for b in sorted(bsns)])
    hits = []
    for schema, table, column in _columns(con, landing):
        text = f'cast("{column}" as varchar)'
        found = con.execute(
            f"""select count(*) from (
                    select {text} as v, unnest(regexp_extract_all({text}, '[0-9]+')) as run
                    from "{schema}"."{table}")
                where v in (from _bsns) or run in (from _bsns)"""
        ).fetchall()[0][0]
        if found:
            hits.append(f"{schema}.{table}.{column} ({found})")
    return hits


def _text(path: Path) -> str:
    if path.suffix == ".parquet":
        return str(duckdb.sql(f"from read_parquet('{path}')").fetchall())
    if zipfile.is_zipfile(path):  # xlsx: the XML parts
        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return path.read_bytes().decode("utf-8", "replace")


def _text_hits(text: str, bsns: set[str]) -> set[str]:
    return {run for run in DIGIT_RUNS.findall(text) if run in bsns} | {
        b for b in bsns if not b.isdigit() and b in text
    }


def _files(*folders: Path) -> list[Path]:
    return [
        p
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(WAREHOUSE_FILES)
    ]


def test_the_search_finds_the_bsns_where_they_are(run) -> None:
    assert len(run["bsns"]) > 3000  # the generated clients, the XML and CSV rows
    assert {"999990019", "99999O019"} <= run["bsns"]
    assert _warehouse_hits(run["con"], run["bsns"], landing=True)
    assert _text_hits(_text(run["landing"] / "declaraties.parquet"), run["bsns"])
    assert _text_hits(_text(run["landing"] / "xml" / "wmo323_0505_12345678.xml"), run["bsns"])


def test_no_table_after_landing_holds_a_bsn(run) -> None:
    con = run["con"]
    assert not _warehouse_hits(con, run["bsns"], landing=False)
    named = [c for c in _columns(con, landing=False) if "bsn" in c[2].lower()]
    assert not named, f"columns named after the BSN outside landing: {named}"
    keys = con.execute("select distinct client_key from staging.declaraties").fetchall()
    assert keys and all(re.fullmatch("[0-9a-f]{64}", k) for (k,) in keys)


def test_no_output_export_or_log_holds_a_bsn(run) -> None:
    files = _files(run["out"], run["exports"])
    names = {p.name for p in files}
    assert {"signals.parquet", "run_summary.json", "signalen.xlsx", "signalen.csv"} <= names
    assert {"steekproef_mus.xlsx", "steekproef_signalen.xlsx", "overzicht.html"} <= names
    assert "kwaliteit.html" in names  # our own quality page (GX's data docs are no longer written)
    assert any(p.parent.name == "quarantine" for p in files)
    leaks = {str(p): hits for p in files if (hits := _text_hits(_text(p), run["bsns"]))}
    assert not leaks
    assert not _text_hits(run["console"], run["bsns"])
    assert run["log"] and not _text_hits(run["log"], run["bsns"])


def test_quarantined_records_carry_the_client_key_instead_of_the_bsn(run) -> None:
    key = hmac_key()
    quarantine = pl.concat(
        pl.read_parquet(run["out"] / "quarantine" / f"{t}.parquet")
        for t in ("declaraties", "contactmomenten")
    )
    for reason, bsn in run["bad"].items():
        rows = quarantine.filter(pl.col("reden").str.contains(reason, literal=True))
        assert rows.height == 1, (reason, quarantine["reden"].to_list())
        record = json.loads(rows["record"][0])
        assert "bsn" not in record
        assert record["client_key"] == hmac.new(key, bsn.encode(), hashlib.sha256).hexdigest()
