"""Reading a filled-in steekproef file back (openpyxl): parameters, findings, strata, rounds.

Files written before rounds existed (no 'Ronden' sheet) are read as one MUS round with the
interval and start of the Parameters sheet.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import polars as pl

from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.excel import (
    AMOUNT_HEADERS,
    PARAMS,
    PARAMS_SHEET,
    ROUNDS_SHEET,
    SAMPLE_SHEET,
    STRATA_SHEET,
)
from declaratiemonitor.lib.steekproef.sample import ALL, ROUND_SCHEMA

if TYPE_CHECKING:
    import openpyxl

KEY_HEADERS = ("Referentienummer", "Signaal-id")


class Bestand(NamedTuple):
    params: dict
    findings: pl.DataFrame
    strata: pl.DataFrame
    rounds: pl.DataFrame


def to_cents(value: object, where: str) -> int | None:
    """Euro amount from a cell (number, or Dutch/English text) -> cents, half up."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).replace("€", "").replace(" ", "").strip()
    if isinstance(value, str) and "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        euros = Decimal(text) if isinstance(value, str) else Decimal(repr(value))
    except InvalidOperation:
        raise SteekproefFout(f"{where}: '{value}' is geen bedrag in euro's.") from None
    return int((euros * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _open(path: Path) -> openpyxl.Workbook:
    import openpyxl

    if not path.exists():
        raise SteekproefFout(f"Bestand niet gevonden: {path}")
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a user error here
        raise SteekproefFout(
            f"Het bestand {path} kan niet als Excel worden gelezen: {exc}"
        ) from None
    for name in (SAMPLE_SHEET, PARAMS_SHEET, STRATA_SHEET):
        if name not in book.sheetnames:
            raise SteekproefFout(
                f"{path} is geen steekproefbestand van de declaratiemonitor: "
                f"tabblad '{name}' ontbreekt."
            )
    return book


def _read_params(sheet) -> dict:
    kinds = {key: kind for key, _, kind in PARAMS}
    values = {}
    for key, _, value in sheet.iter_rows(min_row=2, max_col=3, values_only=True):
        if key in kinds:
            values[key] = value * 100 if kinds[key] == "money" and value is not None else value
    for required in ("methode", "betrouwbaarheid", "materialiteit", "populatie_bedrag_cents"):
        if values.get(required) is None:
            raise SteekproefFout(f"Parameter '{required}' ontbreekt op het tabblad Parameters.")
    values.setdefault("likelihood", "poisson")
    values["likelihood"] = values["likelihood"] or "poisson"
    return values


def _rows(sheet) -> list[dict]:
    rows = sheet.iter_rows(values_only=True)
    headers = [str(h) if h is not None else "" for h in next(rows, ())]
    return [dict(zip(headers, r, strict=False)) for r in rows if r and r[0] is not None]


def _read_strata(sheet) -> pl.DataFrame:
    rows = _rows(sheet)
    return pl.DataFrame(
        {
            "stratum": [str(r["Stratum"]) for r in rows],
            "populatie_aantal": [int(r["Populatie: aantal"]) for r in rows],
            "populatie_bedrag_cents": [
                to_cents(r["Populatie: bedrag (€)"], "Strata") or 0 for r in rows
            ],
            "steekproef_aantal": [int(r["Steekproef: aantal"]) for r in rows],
        },
        schema={
            "stratum": pl.String,
            "populatie_aantal": pl.Int64,
            "populatie_bedrag_cents": pl.Int64,
            "steekproef_aantal": pl.Int64,
        },
    )


def _read_rounds(book, params: dict) -> pl.DataFrame:
    if ROUNDS_SHEET in book.sheetnames:
        records = [
            {
                "stratum": str(r["Stratum"]),
                "ronde": int(r["Ronde"]),
                "n": int(r["Trekkingen n"]),
                "interval_cents": None if r["Interval (€)"] is None else r["Interval (€)"] * 100,
                "start_cents": None if r["Startpunt (€)"] is None else r["Startpunt (€)"] * 100,
            }
            for r in _rows(book[ROUNDS_SHEET])
        ]
        return pl.DataFrame(records, schema=ROUND_SCHEMA)
    interval = params.get("interval_cents")
    if params["methode"] != "mus" or not interval:
        return pl.DataFrame(schema=ROUND_SCHEMA)
    n = round(float(params["populatie_bedrag_cents"]) / float(interval))
    row = {
        "stratum": ALL,
        "ronde": 0,
        "n": n,
        "interval_cents": interval,
        "start_cents": params.get("start_cents"),
    }
    return pl.DataFrame([row], schema=ROUND_SCHEMA)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _finding_record(row: dict, nr: object) -> dict:
    amount = next(row[h] for h in AMOUNT_HEADERS if h in row)
    key = next((row[h] for h in KEY_HEADERS if h in row), None)
    return {
        "volgnummer": int(nr),
        "sleutel": _text(key),
        "stratum": str(row.get("Stratum") or ALL),
        "bedrag_cents": to_cents(amount, f"Regel {nr}") or 0,
        "boven_interval": row.get("Boven interval") == "ja",
        "trekkingen": int(row.get("Trekkingen") or 1),
        "ronde": int(row.get("Ronde") or 0),
        "bevinding": _text(row["Bevinding"]),
        "bedrag_fout_cents": to_cents(row["Bedrag fout (€)"], f"Regel {nr}, bedrag fout"),
        "toelichting": _text(row.get("Toelichting")),
    }


FINDINGS_SCHEMA = {
    "volgnummer": pl.Int64,
    "sleutel": pl.String,
    "stratum": pl.String,
    "bedrag_cents": pl.Int64,
    "boven_interval": pl.Boolean,
    "trekkingen": pl.Int64,
    "ronde": pl.Int64,
    "bevinding": pl.String,
    "bedrag_fout_cents": pl.Int64,
    "toelichting": pl.String,
}


def _read_findings(sheet) -> pl.DataFrame:
    rows = sheet.iter_rows(values_only=True)
    headers = [str(h) if h is not None else "" for h in next(rows)]
    missing = {"Nr", "Bevinding", "Bedrag fout (€)"} - set(headers)
    if missing or not AMOUNT_HEADERS & set(headers):
        raise SteekproefFout(f"Kolommen ontbreken op het tabblad Steekproef: {sorted(missing)}.")
    records = []
    for values in rows:
        row = dict(zip(headers, values, strict=False))
        if row.get("Nr") is not None:
            records.append(_finding_record(row, row["Nr"]))
    return pl.DataFrame(records, schema=FINDINGS_SCHEMA)


def read_excel(path: str | Path) -> Bestand:
    """(parameters, findings, strata, rounds) from a filled-in steekproef file."""
    book = _open(Path(path))
    params = _read_params(book[PARAMS_SHEET])
    findings = _read_findings(book[SAMPLE_SHEET])
    return Bestand(params, findings, _read_strata(book[STRATA_SHEET]), _read_rounds(book, params))
