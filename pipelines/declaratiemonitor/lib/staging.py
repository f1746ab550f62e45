"""Landing (all text) -> staged, typed tables plus quarantine rows with a Dutch reason.

The typed SELECT is generated from the contract declaration in lib/contract.py: one place
describes a column, its type, whether it is required and which codes it allows. The BSN is
checked here (nine digits, 11-proof) and staged as its keyed pseudonym `client_key`: from
staging on no table holds a BSN (landing is the one layer that does).
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from declaratiemonitor.lib.contract import MAX_DATE, MIN_DATE, Column, Table
from declaratiemonitor.lib.warehouse import scalar

TYPE_LABELS = {
    "date": "datum JJJJ-MM-DD",
    "timestamp": "tijdstip JJJJ-MM-DDTUU:MM",
    "bigint": "geheel getal",
    "double": "getal met decimale punt",
    "boolean": "true of false",
}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _shown(col: Column) -> str:
    """The raw value for a message; never the BSN itself (personal data)."""
    return "'(niet getoond)'" if col.name == "bsn" else f"'''' || left({col.name}, 40) || ''''"


def _typed_expr(col: Column) -> str:
    if col.type == "varchar":
        return col.name
    if col.type == "boolean":
        return f"try_cast(lower({col.name}) as boolean)"
    return f"try_cast({col.name} as {col.type})"


def _reasons(col: Column) -> list[str]:
    n, t = col.name, f"{col.name}__t"
    out = []
    if col.required:
        out.append(f"case when {n} is null then 'verplichte waarde ontbreekt in kolom {n}' end")
    if col.type != "varchar":
        label = TYPE_LABELS[col.type]
        out.append(
            f"case when {n} is not null and {t} is null then "
            f"'onleesbare waarde in kolom {n} (verwacht {label}): ' || {_shown(col)} end"
        )
    if col.type in ("date", "timestamp"):
        span = f"{MIN_DATE[:4]}-{MAX_DATE[:4]}"
        out.append(
            f"case when {t} < date {_quote(MIN_DATE)} or {t} > date {_quote(MAX_DATE)} then "
            f"'datum buiten het plausibele bereik ({span}) in kolom {n}: ' || {_shown(col)} end"
        )
    if col.allowed and col.separator:
        out.append(_unknown_items(col))
    elif col.allowed:
        codes = ", ".join(_quote(a) for a in col.allowed)
        out.append(
            f"case when {n} is not null and {n} not in ({codes}) then "
            f"'onbekende code in kolom {n}: ' || {_shown(col)} end"
        )
    if col.pattern:
        out.append(
            f"case when {n} is not null and not {_full_match(n, col.pattern)} "
            f"then 'ongeldig formaat in kolom {n}: ' || {_shown(col)} end"
        )
    if col.positive:
        out.append(f"case when {t} <= 0 then 'waarde moet groter dan 0 zijn in kolom {n}' end")
    if col.name == "bsn":
        out.append(
            "case when bsn__n is not null and not bsn_elfproef(bsn__n) "
            "then 'BSN voldoet niet aan de elfproef' end"
        )
    return out


def _unknown_items(col: Column) -> str:
    """A list of codes in one cell (`0611` or `9339;9340`): every item, trimmed, must be an
    allowed code; the reason names the unknown ones."""
    n, codes = col.name, ", ".join(_quote(a) for a in col.allowed)
    items = f"list_transform(string_split({n}, {_quote(col.separator)}), lambda x: trim(x))"
    unknown = f"list_filter({items}, lambda x: x not in ({codes}))"
    quoted = "'''' || left(x, 40) || ''''"
    shown = f"array_to_string(list_transform({unknown}, lambda x: {quoted}), ', ')"
    source = f" (niet in codelijst {col.codelijst})" if col.codelijst else ""
    return (
        f"case when {n} is not null and len({unknown}) > 0 then "
        f"'onbekende code in kolom {n}{source}: ' || {shown} end"
    )


def _full_match(name: str, pattern: str) -> str:
    """`regexp_full_match`; a pattern of one character class repeated n times (`[0-9]{4}`) as
    the same test in GLOB, which matches byte by byte (the five format checks of the claims:
    ~4 -> ~1,5 CPU-s at 10 M lines)."""
    m = re.fullmatch(r"(\[[0-9A-Za-z-]+\])\{(\d+)\}", pattern)
    if m:
        return f"({name} glob {_quote(m[1] * int(m[2]))})"
    return f"regexp_full_match({name}, {_quote(pattern)})"


def checked_select(table: Table, source: str) -> str:
    """SQL returning the typed columns (the BSN as its client_key), `_bron`, `_regel`, `_volgnr`
    and `_reden` (null = ok)."""
    cleaned = ", ".join(f"nullif(trim({c.name}), '') as {c.name}" for c in table.columns)
    typed = ", ".join(f"{_typed_expr(c)} as {c.name}__t" for c in table.columns)
    if "bsn" in table.column_names:
        nine_digits = _full_match("bsn", "[0-9]{9}")
        # the BSN as a number when it is nine digits, once per row, for the 11-proof
        # (bsn_elfproef in sql/macros.sql)
        typed += f", case when {nine_digits} then cast(bsn as integer) end as bsn__n"
    reasons = [r for c in table.columns for r in _reasons(c)]
    reasons += [
        f"case when coalesce({cond}, false) then {_quote(why)} end"
        for cond, why in _typed_checks(table)
    ]
    out_cols = ", ".join(_staged_expr(c) for c in table.columns)
    return f"""
        with src as (select _bron, _regel, _volgnr, {cleaned} from {source}),
        typed as (select *, {typed} from src)
        select {out_cols}, _bron, _regel, _volgnr,
            nullif(concat_ws('; ', {", ".join(reasons) or "null"}), '') as _reden
        from typed
    """


def _staged_expr(col: Column) -> str:
    """The staged column. The BSN becomes its client_key, hashed per row: once per distinct
    BSN would need a join, after which DuckDB no longer keeps the file order (docs/design.md)."""
    if col.name == "bsn":
        return f"client_key(bsn__t) as {col.staged_name}"
    return f"{col.name}__t as {col.name}"


def _typed_checks(table: Table) -> list[tuple[str, str]]:
    """Table checks are written on column names; evaluate them on the typed values."""
    out = []
    for cond, why in table.checks:
        expr = cond
        for c in sorted(table.columns, key=lambda c: -len(c.name)):
            expr = _replace_word(expr, c.name, f"{c.name}__t")
        out.append((expr, why))
    return out


def _replace_word(expr: str, word: str, repl: str) -> str:
    return re.sub(rf"(?<![\w.]){re.escape(word)}(?!\w)", repl, expr)


def stage_table(con: duckdb.DuckDBPyConnection, table: Table) -> tuple[int, int]:
    """landing.<t> -> staging.<t> (valid rows, in `_volgnr` order) and the quarantine rows of
    table <t>. The valid rows go straight from landing to staging, without a temporary copy of
    every checked row (at 10 M claim lines that copy held ~1.3 GB and cost a write and a read);
    the reasons are computed a second time only for rejected rows. Returns counts."""
    t = table.name
    checked = checked_select(table, f"landing.{t}")
    cols = ", ".join(table.staged_column_names)
    with _in_lists_as_expressions(con):
        con.execute(
            f"create or replace table staging.{t} as "
            f"select {cols}, _bron, _regel, _volgnr from ({checked}) where _reden is null"
        )
    if not _in_volgnr_order(con, f"staging.{t}"):
        con.execute(f"create or replace table staging.{t} as from staging.{t} order by _volgnr")
    con.execute("delete from staging.quarantine where tabel = ?", [t])
    con.execute(
        f"insert into staging.quarantine select '{t}', _bron, _regel, reden, null "
        f"from landing.{t}__afgewezen"
    )
    if scalar(con, f"select count(*) from staging.{t}") < scalar(
        con, f"select count(*) from landing.{t}"
    ):
        # The rejected rows are the landing rows that were not staged (`_volgnr` is unique):
        # only those are checked again for their reasons (at 10 M rows ~2 instead of ~8 CPU-s).
        con.execute(
            f"create or replace temp table _afgewezen as select l.* from landing.{t} l "
            f"anti join staging.{t} using (_volgnr)"
        )
        con.execute(
            f"""insert into staging.quarantine
                select '{t}', l._bron, l._regel, c._reden, {_record_json(table)}
                from _afgewezen l join ({checked_select(table, "_afgewezen")}) c using (_volgnr)
                where c._reden is not null"""
        )
        con.execute("drop table _afgewezen")
    if table.unique_key:
        _quarantine_repeated_keys(con, table)
    landed = scalar(con, f"select count(*) from staging.{t}")
    quarantined = scalar(con, "select count(*) from staging.quarantine where tabel = ?", [t])
    return landed, quarantined


@contextmanager
def _in_lists_as_expressions(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Keep `x in ('a', 'b', ...)` an expression. DuckDB otherwise rewrites longer code lists
    into a join, and a table written through that join came out of file order on 2 threads
    (one row group moved), so the staged table needed an `order by _volgnr`: at 10 M claim
    lines a sort of every row costing ~8 CPU-s and ~2.3 GiB. A select and where on one table
    keep the row order (DuckDB's order preservation); `_in_volgnr_order` checks it anyway."""
    before = scalar(con, "select current_setting('disabled_optimizers')")
    con.execute(f"set disabled_optimizers = '{','.join(filter(None, [before, 'in_clause']))}'")
    try:
        yield
    finally:
        con.execute(f"set disabled_optimizers = '{before}'")


def _in_volgnr_order(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    """True when the rows are stored in ascending `_volgnr` (a cheap streaming pass)."""
    return not scalar(
        con,
        f"select count(*) from (select _volgnr <= lag(_volgnr) over () as back from {relation}) "
        "where back",
    )


def later_rows_of_repeated_keys(relation: str, key: list[str], order: str, select: str) -> str:
    """SQL selecting `select` for every row of `relation` whose key occurs more than once,
    except the first row of each key by `order` (window `w`: per key, in that order). A count
    per key finds the repeated keys first (at 2.4 M contacts ~0.3 CPU-s), so only their rows
    are numbered: no copy of the table, no window over all rows and no sort."""
    keys = ", ".join(key)
    same_key = " and ".join(f"r.{k} is not distinct from k.{k}" for k in key)
    return f"""with repeated as (select {keys} from {relation} group by all having count(*) > 1)
        select {select}
        from (select r.* from {relation} r semi join repeated k on {same_key})
        window w as (partition by {keys} order by {order})
        qualify row_number() over w > 1"""


def _quarantine_repeated_keys(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """A staged row whose key was already seen in an earlier staged (valid) row moves to the
    quarantine."""
    t, key = table.name, ", ".join(table.unique_key)
    reason = (
        f"'dubbele sleutel ({key}): al gelezen in ' || first_value(_bron) over w "
        "|| ' regel ' || first_value(_regel) over w as reden"
    )
    repeated = later_rows_of_repeated_keys(
        f"staging.{t}", table.unique_key, "_volgnr", f"_volgnr, {reason}"
    )
    con.execute(f"create or replace temp table _repeated as {repeated}")
    if scalar(con, "select count(*) from _repeated"):
        con.execute(
            f"""insert into staging.quarantine
                select '{t}', l._bron, l._regel, h.reden, {_record_json(table)}
                from landing.{t} l join _repeated h using (_volgnr)"""
        )
        con.execute(f"delete from staging.{t} where _volgnr in (select _volgnr from _repeated)")
    con.execute("drop table _repeated")


def _record_json(table: Table) -> str:
    """The raw row as JSON text for the quarantine, with the BSN replaced by its pseudonym."""
    parts = []
    for c in table.column_names:
        value = "client_key(l.bsn)" if c == "bsn" else f"l.{c}"
        key = "client_key" if c == "bsn" else c
        parts.append(f"'{key}', {value}")
    return f"cast(json_object({', '.join(parts)}) as varchar)"
