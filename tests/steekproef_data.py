"""Test data for the steekproef tests: a small claims population, a warehouse, filling in Excel."""

import json
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import openpyxl
import polars as pl
from typer.testing import CliRunner

from declaratiemonitor.cli_steekproef import steekproef_app

FORMULA_KEY = '=HYPERLINK("http://x","klik")'
BSN = "999990081"
runner = CliRunner()


def claims_frame(n: int = 400, with_bsn: bool = True) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    amounts = rng.integers(2_000, 150_000, n)
    amounts[[3, 50, 222]] = [9_000_000, 6_500_000, 12_000_000]  # far above any interval
    frame = pl.DataFrame(
        {
            "declaratie_nummer": [
                f"+D{i // 20:04d}" if i == 0 else f"D{i // 20:04d}" for i in range(n)
            ],
            "declaratie_dagtekening": [date(2025, 3, 10)] * n,
            "referentie_nummer": [f"R{i:06d}" for i in range(n)],
            "vorig_referentie_nummer": [None] * n,
            "debet_credit": ["D"] * n,
            "toewijzing_nummer": [f"T{i % 90:05d}" for i in range(n)],
            "gemeente_code": ["0505" if i % 5 else "1771" for i in range(n)],
            "aanbieder_agb": [f"0{i % 3}000001" for i in range(n)],
            "bsn": [BSN] * n,
            "client_key": [FORMULA_KEY if i == 0 else f"ck{i % 120:04d}" for i in range(n)],
            "product_categorie": ["02" if i % 4 else "07" for i in range(n)],
            "product_code": ["02A01" if i % 4 else "07A05" for i in range(n)],
            "begindatum": [date(2025 if i % 7 else 2024, 1 + i % 12, 1) for i in range(n)],
            "einddatum": [date(2025 if i % 7 else 2024, 1 + i % 12, 28) for i in range(n)],
            "geleverd_volume": [10] * n,
            "eenheid": ["04"] * n,
            "product_tarief_cents": [6_000] * n,
            "ingediend_bedrag_cents": amounts.tolist(),
            "soort": ["ib"] * n,
        }
    )
    return frame if with_bsn else frame.drop("bsn")


def population() -> pl.DataFrame:
    return claims_frame(with_bsn=False).with_columns(pl.lit("geen signaal").alias("ernst"))


SIGNALS = {
    "signal_id": ["s1", "s2", "s3", "s4"],
    "rule_id": ["vervoer.staffel_te_hoog", "ib.te_veel", "ib.te_veel", "bw.afwezig"],
    "rule_version": ["1"] * 4,
    "severity": ["hoog", "midden", "laag", "midden"],
    "gemeente_code": ["0505"] * 4,
    "aanbieder_agb": ["00000001"] * 4,
    "toewijzing_nummer": ["T00001"] * 4,
    "client_key": ["ck0001", "-ck", "ck0003", "ck0004"],
    "period_start": [date(2025, 1, 1)] * 4,
    "period_end": [date(2025, 1, 31)] * 4,
    "impact_cents": [10_000, 5_000, 0, 2_500],
    "evidence": [["R000001", "R000002"], ["R000002", "R000003"], ["R000004"], ["C1"]],
    "message": ["@melding", "Te veel uren.", "Te veel.", "Afwezig."],
    "status": ["nieuw"] * 4,
}


def build_warehouse(path, with_client_key: bool = True, parameters: dict | None = None) -> None:
    """models.declaraties_netto, main.signals, meta.run_context; staging.regelparameters when
    `parameters` maps gemeente codes to (materialiteit, betrouwbaarheid)."""
    claims = claims_frame()
    if not with_client_key:
        claims = claims.drop("client_key")
    con = duckdb.connect(str(path))
    con.execute("create schema models; create schema meta; create schema staging")
    con.register("claims_df", claims.to_arrow())
    con.execute("create table models.declaraties_netto as select * from claims_df")
    con.register("signals_df", pl.DataFrame(SIGNALS).to_arrow())
    con.execute("create table main.signals as select * from signals_df")
    con.execute("create table meta.run_context as select date '2025-12-31' as peildatum")
    if parameters is not None:
        con.execute(
            "create table staging.regelparameters (gemeente_code varchar, "
            "materialiteit double, betrouwbaarheid double)"
        )
        for code, (m, c) in parameters.items():
            con.execute("insert into staging.regelparameters values (?, ?, ?)", [code, m, c])
    con.close()


def run_json(*args: str) -> dict:
    result = runner.invoke(steekproef_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def fill(path: Path, findings: dict[int, tuple[str, float | None]], rest: str = "juist") -> None:
    """Fill in the Steekproef sheet: {volgnummer: (bevinding, bedrag fout in euro)}; every other
    empty line gets `rest` (None leaves it empty)."""
    book = openpyxl.load_workbook(path)
    sheet = book["Steekproef"]
    headers = [c.value for c in sheet[1]]
    nr, finding, amount = (headers.index(h) + 1 for h in ("Nr", "Bevinding", "Bedrag fout (€)"))
    for row in range(2, sheet.max_row + 1):
        line = sheet.cell(row=row, column=nr).value
        if line in findings:
            sheet.cell(row=row, column=finding, value=findings[line][0])
            sheet.cell(row=row, column=amount, value=findings[line][1])
        elif sheet.cell(row=row, column=finding).value is None and rest is not None:
            sheet.cell(row=row, column=finding, value=rest)
    book.save(path)


def sheet_rows(path: Path, name: str) -> list[dict]:
    sheet = openpyxl.load_workbook(path)[name]
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows)
    return [dict(zip(headers, r, strict=False)) for r in rows]
