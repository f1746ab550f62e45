"""How a file writes its values, and the SQL that turns them into the contract's form.

Municipal staff save tables from Dutch Excel: `;` between values, dates as 5-1-2026, a decimal
comma, WAAR/ONWAAR, and codes typed as numbers lose their leading zeros (gemeente 0505 -> 505).
The contract form (CONTRACT.md) stays the default and is read exactly as before:

- the separator is the one of `,`, `;` and tab under which the header names the most contract
  columns (`,` on a tie);
- a date, timestamp, decimal or boolean column is read in the Dutch form only when the first
  SAMPLE rows hold values in that form and none in the contract form, so one odd value in a
  contract-form file is still quarantined with its reason;
- a code column whose width the contract fixes (gemeente_code 4, aanbieder_agb 8, bsn 9,
  product_categorie 2, product_code 5, eenheid 2, reden_wijziging 2) gets its leading zeros
  back when a value is all digits and shorter, wherever it occurs in the file.

A column none of whose sampled values can be read in any known form stops the run with one
Dutch sentence naming the file, the column and an example (never a BSN).
"""

import re
from dataclasses import dataclass, field

import duckdb

from declaratiemonitor.lib.contract import Column, Table
from declaratiemonitor.lib.errors import InvoerFout

SEPARATORS = (",", ";", "\t")
SEPARATOR_LABELS = {",": "komma", ";": "puntkomma", "\t": "tab"}
SAMPLE = 10_000
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NL_DATE = r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}"
NL_TIMESTAMP = NL_DATE + r"[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?"
NL_DECIMAL = r"-?[0-9]+,[0-9]+"
WIDTH_PATTERN = re.compile(r"\[0-9(?:A-Za-z)?\]\{(\d+)\}")
EXPECTED = {
    "date": "een datum (JJJJ-MM-DD of DD-MM-JJJJ)",
    "timestamp": "een tijdstip (JJJJ-MM-DDTUU:MM of DD-MM-JJJJ UU:MM)",
    "bigint": "een geheel getal",
    "double": "een getal",
    "boolean": "true of false",
}


@dataclass
class Reading:
    exprs: dict[str, str]  # contract column -> SQL over the file's column
    adjusted: list[str] = field(default_factory=list)  # what was read in a non-contract form


def nl_int(n: int) -> str:
    """12345 -> '12.345' (Dutch thousands separator) for messages."""
    return f"{n:_}".replace("_", ".")


def sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def names(header: str, sep: str) -> list[str]:
    return [h.strip().strip('"').strip() for h in header.lstrip("\ufeff").split(sep)]


def separator(header: str, column_names: list[str]) -> str:
    """The separator under which the header names the most of `column_names` (`,` on a tie)."""
    wanted = set(column_names)

    def hits(sep: str) -> int:
        return len(wanted & {n.lower() for n in names(header, sep)})

    return max(SEPARATORS, key=lambda sep: (hits(sep), sep == ","))


def fixed_width(col: Column) -> int | None:
    """The width the contract fixes for a code of digits, if any."""
    if col.pattern and (m := WIDTH_PATTERN.fullmatch(col.pattern)):
        return int(m[1])
    codes = col.allowed
    if codes and all(c.isdigit() and len(c) == len(codes[0]) for c in codes) and len(codes[0]) > 1:
        return len(codes[0])
    return None


def column_reading(
    con: duckdb.DuckDBPyConnection, relation: str, table: Table, present: dict[str, str], file: str
) -> Reading:
    """`present` maps contract columns to the quoted column names of `relation`."""
    cols = [c for c in table.columns if c.name in present]
    reading = Reading({c.name: present[c.name] for c in cols})
    formed = [c for c in cols if c.type in ("date", "timestamp", "double", "boolean")]
    sample = _sample(con, relation, [present[c.name] for c in formed])
    forms: dict[str, list[str]] = {}
    for col, values in zip(formed, sample, strict=True):
        form = _dutch_form(col, values)
        if form:
            reading.exprs[col.name] = _EXPRS[form](present[col.name])
            forms.setdefault(form, []).append(col.name)
    reading.adjusted += [f"{FORM_LABELS[f]} ({', '.join(c)})" for f, c in forms.items()]
    _pad_codes(con, relation, cols, present, reading)
    _check_readable(con, relation, cols, reading, file)
    return reading


def _sample(con, relation: str, sources: list[str]) -> list[list[str]]:
    """Per column the filled values of the first SAMPLE rows, stripped."""
    if not sources:
        return []
    rows = con.execute(f"select {', '.join(sources)} from {relation} limit {SAMPLE}").fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in sources]
    return [[v.strip() for v in col if v is not None and v.strip()] for col in columns]


def _dutch_form(col: Column, values: list[str]) -> str | None:
    """The Dutch form a column is written in, when the sample shows it and not the contract's."""
    if not values:
        return None
    if col.type in ("date", "timestamp"):
        dutch = NL_DATE if col.type == "date" else NL_TIMESTAMP
        contract = any(ISO_DATE.match(v) for v in values)
        if not contract and any(re.fullmatch(dutch, v) for v in values):
            return col.type
    elif col.type == "double":
        if not any("." in v for v in values) and any(re.fullmatch(NL_DECIMAL, v) for v in values):
            return "double"
    elif col.type == "boolean" and any(v.upper() in ("WAAR", "ONWAAR") for v in values):
        return "boolean"
    return None


FORM_LABELS = {
    "date": "datums als DD-MM-JJJJ",
    "timestamp": "tijdstippen als DD-MM-JJJJ UU:MM",
    "double": "decimale komma",
    "boolean": "WAAR/ONWAAR als true/false",
}


def _when(x: str, pattern: str, then: str) -> str:
    return f"case when regexp_full_match(trim({x}), '{pattern}') then {then} else {x} end"


_EXPRS = {
    "date": lambda x: _when(
        x, NL_DATE, f"coalesce(strftime(try_strptime(trim({x}), '%d-%m-%Y'), '%Y-%m-%d'), {x})"
    ),
    "timestamp": lambda x: _when(
        x,
        NL_TIMESTAMP,
        f"coalesce(strftime(try_strptime(replace(trim({x}), 'T', ' '), "
        f"['%d-%m-%Y %H:%M:%S', '%d-%m-%Y %H:%M']), '%Y-%m-%dT%H:%M:%S'), {x})",
    ),
    "double": lambda x: _when(x, NL_DECIMAL, f"replace(trim({x}), ',', '.')"),
    "boolean": lambda x: (
        f"case upper(trim({x})) when 'WAAR' then 'true' when 'ONWAAR' then 'false' else {x} end"
    ),
}


def _short(x: str, width: int) -> str:
    return f"(strlen({x}) < {width} and regexp_full_match({x}, '[0-9]+'))"


def _pad_codes(con, relation: str, cols: list[Column], present: dict, reading: Reading) -> None:
    """Leading zeros back on all-digit codes shorter than their fixed width, anywhere in the
    file. The shortest value per column first (~0,06 CPU-s per million lines for the six code
    columns of the claims); the values are counted only in a column that has short ones."""
    widths = {c.name: w for c in cols if (w := fixed_width(c))}
    if not widths:
        return
    shortest = con.execute(
        "select " + ", ".join(f"min(strlen({present[n]}))" for n in widths) + f" from {relation}"
    ).fetchone()
    widths = {n: w for (n, w), low in zip(widths.items(), shortest, strict=True) if low and low < w}
    if not widths:
        return
    counts = con.execute(
        "select "
        + ", ".join(f"count(*) filter ({_short(present[n], w)})" for n, w in widths.items())
        + f" from {relation}"
    ).fetchone()
    for (name, width), n in zip(widths.items(), counts, strict=True):
        if n:
            x = present[name]
            reading.exprs[name] = (
                f"case when {_short(x, width)} then lpad({x}, {width}, '0') else {x} end"
            )
            reading.adjusted.append(f"voorloopnullen aangevuld in {name} ({nl_int(n)} waarden)")


def _readable(col: Column, x: str) -> str | None:
    if col.type == "boolean":
        return f"try_cast(lower(trim({x})) as boolean) is not null"
    if col.type != "varchar":
        return f"try_cast(trim({x}) as {col.type}) is not null"
    if col.allowed:  # a list of codes (retourcodes '9339;9340'): its first code
        first = f"string_split({x}, {sql_str(col.separator)})[1]" if col.separator else x
        return f"trim({first}) in ({', '.join(sql_str(a) for a in col.allowed)})"
    if col.pattern:
        return f"regexp_full_match(trim({x}), '{col.pattern}')"
    return None


def _check_readable(con, relation: str, cols: list[Column], reading: Reading, file: str) -> None:
    checks = [(c, r) for c in cols if (r := _readable(c, reading.exprs[c.name]))]
    if not checks:
        return
    parts = []
    for col, ok in checks:
        x = reading.exprs[col.name]
        filled = f"nullif(trim({x}), '') is not null"
        parts.append(
            f"count(*) filter ({filled}), count(*) filter ({filled} and {ok}), "
            f"first({x}) filter ({filled} and not {ok})"
        )
    row = con.execute(f"select {', '.join(parts)} from (from {relation} limit {SAMPLE})").fetchone()
    for i, (col, _) in enumerate(checks):
        filled, readable, example = row[3 * i : 3 * i + 3]
        if filled >= 2 and not readable:
            raise InvoerFout(_unreadable(col, file, example))


def _unreadable(col: Column, file: str, example: str) -> str:
    shown = "(waarde niet getoond)" if col.name == "bsn" else f"'{example.strip()[:40]}'"
    if col.type in EXPECTED:
        expected = EXPECTED[col.type]
    elif col.allowed:
        expected = "een van " + ", ".join(col.allowed)
    else:
        width = fixed_width(col)
        expected = f"een code van {width} tekens" if width else f"de vorm {col.pattern}"
    first = nl_int(SAMPLE)
    return (
        f"Kolom {col.name} in {file} is niet te lezen: geen enkele waarde in de eerste "
        f"{first} regels is {expected}; bijvoorbeeld {shown}."
    )
