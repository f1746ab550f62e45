"""Write contract tables as iWmo/iJw 3.2 messages (301, 305, 307, 323, 325).

Grouping follows the standard: a 301, 305 or 307 message holds exactly one Client, so those
are written per gemeente + aanbieder + client; a 323 holds one Declaratie with many clients, so
it is written per gemeente + aanbieder + declaratie_nummer (+ dagtekening). A later version of
the same toewijzing (or a second melding for the same toewijzing) goes into a later message,
so file order keeps row order for ties. No message holds more than `lines_per_file` rows.
The 325 (declaratie_antwoorden) is written by writer_325.py.
Messages are streamed to disk as text, row by row.
"""

import calendar
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from declaratiemonitor.lib.iwmo.standard import COLUMNS, STANDARDS
from declaratiemonitor.lib.iwmo.templates import Template
from declaratiemonitor.lib.iwmo.writer_325 import write_325

CODE_WIDTHS = {
    "gemeente_code": 4,
    "aanbieder_agb": 8,
    "bsn": 9,
    "product_categorie": 2,
    "eenheid": 2,
    "reden_wijziging": 2,
}
MESSAGE = ["_kfirst", "_chunk"]


def write_xml_messages(
    tables: dict[str, pl.DataFrame],
    out_dir: Path,
    *,
    standard: str = "iwmo",
    lines_per_file: int = 50_000,
) -> list[Path]:
    """Write toewijzingen (301), declaraties (323), zorgmeldingen (305/307) and
    declaratie_antwoorden (325) under out_dir."""
    if standard not in STANDARDS:
        raise ValueError(f"Onbekende standaard {standard!r}: kies 'iwmo' of 'ijw'.")
    if lines_per_file < 1:
        raise ValueError("lines_per_file moet minstens 1 zijn.")
    out = Output(Path(out_dir), standard)
    toewijzingen = as_text(tables.get("toewijzingen"), "toewijzingen")
    _write_301(out, toewijzingen, lines_per_file)
    declaraties = as_text(tables.get("declaraties"), "declaraties")
    idents = _write_323(out, declaraties, lines_per_file)
    _write_zorg(
        out, as_text(tables.get("zorgmeldingen"), "zorgmeldingen"), toewijzingen, lines_per_file
    )
    answers = as_text(tables.get("declaratie_antwoorden"), "declaratie_antwoorden")
    write_325(out, answers, declaraties, idents, lines_per_file)
    return out.paths


# -- input as text ----------------------------------------------------------------------
def as_text(df: pl.DataFrame | None, table: str) -> pl.DataFrame:
    """The contract columns as strings, written as the CSV contract would hold them."""
    columns = COLUMNS[table]
    if df is None:
        return pl.DataFrame(schema={c: pl.String for c in columns})
    return df.select([_text_expr(df, c) for c in columns])


def _text_expr(df: pl.DataFrame, column: str) -> pl.Expr:
    if column not in df.columns:
        return pl.lit(None, pl.String).alias(column)
    dtype, e = df.schema[column], pl.col(column)
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        e = e.dt.strftime("%Y-%m-%d")
    elif dtype == pl.Boolean:
        e = pl.when(e.is_null()).then(None).when(e).then(pl.lit("true")).otherwise(pl.lit("false"))
    elif dtype.is_integer():
        e = e.cast(pl.String)
        if column in CODE_WIDTHS:
            e = e.str.zfill(CODE_WIDTHS[column])
    elif dtype.is_float():
        whole = e.cast(pl.Int64, strict=False).cast(pl.String)
        e = pl.when(e == e.round()).then(whole).otherwise(e.cast(pl.String))
    else:
        e = e.cast(pl.String)
    return e.alias(column)


# -- output files -----------------------------------------------------------------------
class Output:
    def __init__(self, root: Path, standard: str) -> None:
        self.root, self.standard = root, standard
        self.paths: list[Path] = []
        self.folders: set[Path] = set()
        self.seq = 0

    def new_file(
        self, nummer: str, gemeente: str | None, agb: str | None, month: str | None = None
    ) -> Path:
        """`month` (JJJJ-MM, for 323 and 325) leads the name: a later month's claims sort
        after the earlier ones, as a landing folder receives them."""
        self.seq += 1
        prefix = f"{STANDARDS[self.standard][0]}{nummer}"
        folder = self.root / prefix
        if folder not in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
            self.folders.add(folder)
        period = f"{_safe(month)}_" if month else ""
        path = folder / f"{prefix}_{period}{_safe(gemeente)}_{_safe(agb)}_{self.seq:07d}.xml"
        self.paths.append(path)
        return path

    def ident(self) -> str:
        return f"{self.seq:012d}"  # unique per sender and message type (TR056)


def _safe(value: str | None) -> str:
    return re.sub(r"[^0-9A-Za-z-]", "_", value) if value else "onbekend"


def message_order(
    df: pl.DataFrame, key: list[str], lines: int, inner: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Rows sorted into messages (`MESSAGE` columns): one per key value, at most `lines` rows."""
    df = df.with_row_index("_i").with_columns(pl.col("_i").min().over(key).alias("_kfirst"))
    order = ["_kfirst"]
    if inner:
        df = df.with_columns(pl.col("_i").min().over([*key, *inner]).alias("_ifirst"))
        order.append("_ifirst")
    df = df.sort([*order, "_i"])
    return df.with_columns((pl.int_range(pl.len()).over("_kfirst") // lines).alias("_chunk"))


def messages(df: pl.DataFrame) -> Iterator[tuple[dict, Iterator[dict]]]:
    """(first row, all rows) per message, streaming."""
    rows = df.iter_rows(named=True)
    for _, group in itertools.groupby(rows, key=lambda r: (r["_kfirst"], r["_chunk"])):
        first = next(group)
        # the caller consumes each group before asking for the next one
        yield first, itertools.chain([first], group)  # noqa: B031


def _version(key: list[str]) -> pl.Expr:
    """0 for the first row with this key, 1 for the next (a later version), ..."""
    return pl.int_range(pl.len()).over(key).alias("_v")


def _today() -> str:
    return dt.date.today().isoformat()


# -- 301 ----------------------------------------------------------------------------------
def _write_301(out: Output, df: pl.DataFrame, lines: int) -> None:
    if df.is_empty():
        return
    df = df.with_columns(_version(["gemeente_code", "toewijzing_nummer"]))
    df = message_order(df, ["gemeente_code", "aanbieder_agb", "bsn", "_v"], lines)
    df = df.with_columns(pl.col("toewijzing_datum").max().over(MESSAGE).alias("_dag"))
    t = Template(out.standard, "301")
    for first, rows in messages(df):
        path = out.new_file("301", first["gemeente_code"], first["aanbieder_agb"])
        with path.open("w", encoding="utf-8", newline="\n") as f:
            f.write(
                t.open(
                    first["gemeente_code"],
                    first["aanbieder_agb"],
                    out.ident(),
                    first["_dag"] or _today(),
                )
            )
            f.write(
                f"<{t.p}:Client>{t.person(first['bsn'], True)}{t.contact()}"
                f"<{t.p}:ToegewezenProducten>\n"
            )
            f.writelines(t.toegewezen_product(r) for r in rows)
            f.write(f"</{t.p}:ToegewezenProducten></{t.p}:Client>\n{t.close()}")


# -- 323 ----------------------------------------------------------------------------------
def _write_323(out: Output, df: pl.DataFrame, lines: int) -> dict[tuple, str]:
    """Writes the 323s; returns the BerichtIdentificatie of each (the first message of a
    declaratie), by gemeente, aanbieder, declaratie_nummer and dagtekening (for the 325)."""
    idents: dict[tuple, str] = {}
    if df.is_empty():
        return idents
    key = ["gemeente_code", "aanbieder_agb", "declaratie_nummer", "declaratie_dagtekening"]
    df = message_order(df, key, lines, inner=("bsn",))
    signed = pl.col("ingediend_bedrag_cents").cast(pl.Int64, strict=False)
    signed = pl.when(pl.col("debet_credit") == "C").then(-signed).otherwise(signed)
    df = df.with_columns(
        signed.sum().over(MESSAGE).alias("_totaal"),
        pl.col("einddatum").max().over(MESSAGE).alias("_laatste"),
    )
    t = Template(out.standard, "323")
    for first, rows in messages(df):
        month = (first["declaratie_dagtekening"] or "")[:7] or "onbekend"
        path = out.new_file("323", first["gemeente_code"], first["aanbieder_agb"], month)
        idents.setdefault(tuple(first[k] for k in key), out.ident())
        with path.open("w", encoding="utf-8", newline="\n") as f:
            dag = first["declaratie_dagtekening"]
            f.write(
                t.open(first["aanbieder_agb"], first["gemeente_code"], out.ident(), dag or _today())
            )
            f.write(
                t.declaratie_open(
                    first["declaratie_nummer"],
                    _month(first["_laatste"] or dag),
                    dag,
                    first["_totaal"] or 0,
                )
            )
            _write_clients(f, t, rows)
            f.write(t.declaratie_close() + t.close())
    return idents


def _write_clients(f, t: Template, rows: Iterator[dict]) -> None:
    for _, client_rows in itertools.groupby(rows, key=lambda r: r["_ifirst"]):
        client_rows = iter(client_rows)
        first = next(client_rows)
        f.write(f"<{t.p}:Client>{t.el('Bsn', first['bsn'])}<{t.p}:Prestaties>\n")
        f.writelines(t.prestatie(r) for r in itertools.chain([first], client_rows))
        f.write(f"</{t.p}:Prestaties></{t.p}:Client>\n")


def _month(day: str | None) -> tuple[str, str]:
    """The calendar month holding `day`: the DeclaratiePeriode of the latest ProductPeriode."""
    try:
        d = dt.date.fromisoformat(day or "")
    except ValueError:
        d = dt.date.today()
    last = calendar.monthrange(d.year, d.month)[1]
    return d.replace(day=1).isoformat(), d.replace(day=last).isoformat()


# -- 305 / 307 ------------------------------------------------------------------------------
def _write_zorg(out: Output, df: pl.DataFrame, toewijzingen: pl.DataFrame, lines: int) -> None:
    if df.is_empty():
        return
    df = _with_gemeente(df, toewijzingen)
    df = _with_begindatum(df, toewijzingen)
    for soort, nummer in (("start", "305"), ("stop", "307")):
        part = df.filter(pl.col("soort") == soort)
        if part.is_empty():
            continue
        part = part.with_columns(_version(["toewijzing_nummer", "aanbieder_agb", "bsn"]))
        part = message_order(part, ["gemeente_code", "aanbieder_agb", "bsn", "_v"], lines)
        part = part.with_columns(pl.col("datum").max().over(MESSAGE).alias("_dag"))
        _write_zorg_messages(out, part, Template(out.standard, nummer))


def _write_zorg_messages(out: Output, df: pl.DataFrame, t: Template) -> None:
    container = "StartProducten" if t.nummer == "305" else "StopProducten"
    for first, rows in messages(df):
        path = out.new_file(t.nummer, first["gemeente_code"], first["aanbieder_agb"])
        with path.open("w", encoding="utf-8", newline="\n") as f:
            f.write(
                t.open(
                    first["aanbieder_agb"],
                    first["gemeente_code"],
                    out.ident(),
                    first["_dag"] or _today(),
                )
            )
            f.write(f"<{t.p}:Client>{t.person(first['bsn'], False)}<{t.p}:{container}>\n")
            f.writelines(t.zorg_product(r) for r in rows)
            f.write(f"</{t.p}:{container}></{t.p}:Client>\n{t.close()}")


_KEY = ["toewijzing_nummer", "aanbieder_agb", "bsn"]


def _with_gemeente(df: pl.DataFrame, toewijzingen: pl.DataFrame) -> pl.DataFrame:
    """The contract's zorgmeldingen have no gemeente: take it from the toewijzing."""
    lookup = toewijzingen.select([*_KEY, "gemeente_code", "ingangsdatum"])
    lookup = lookup.unique(_KEY, keep="first", maintain_order=True)
    counts = toewijzingen["gemeente_code"].drop_nulls().value_counts(sort=True)
    fallback = counts["gemeente_code"][0] if counts.height else "0000"
    df = df.join(lookup, on=_KEY, how="left", nulls_equal=True, maintain_order="left")
    return df.with_columns(pl.col("gemeente_code").fill_null(fallback))


def _with_begindatum(df: pl.DataFrame, toewijzingen: pl.DataFrame) -> pl.DataFrame:
    """A 307 repeats the Begindatum of its start: latest start on or before the stop date,
    else the toewijzing's ingangsdatum, else the stop date itself."""
    df = df.with_row_index("_z")
    starts = df.filter(pl.col("soort") == "start").select([*_KEY, pl.col("datum").alias("_s")])
    begin = (
        df.filter(pl.col("soort") == "stop")
        .select(["_z", *_KEY, "datum"])
        .join(starts, on=_KEY, how="inner", nulls_equal=True)
        .filter(pl.col("_s") <= pl.col("datum"))
        .group_by("_z")
        .agg(pl.col("_s").max())
    )
    df = df.join(begin, on="_z", how="left", maintain_order="left")
    fill = pl.coalesce("_s", "ingangsdatum", "datum").alias("_begindatum")
    return df.with_columns(fill).drop("_z", "_s")
