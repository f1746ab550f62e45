"""Write declaratie_antwoorden as iWmo/iJw 3.2 325 messages (declaratie-antwoord).

A 325 answers one 323 (gemeente + aanbieder + declaratie_nummer + dagtekening) and lists only
its rejected prestaties (TR342). The rejected prestaties of a declaratie go into one message (at
most `lines` per message, grouped per client); every row without referentie_nummer (the answer
as a whole) into a message of its own without Clienten, its retourcodes on DeclaratieAntwoord.
`read_xml_folder` gives the same rows back (docs/iwmo.md, "325 answers").

The contract table holds neither the BSN nor the prestatie's details that the XSD repeats from
the 323: they are taken from the `declaraties` written in the same call (matched on gemeente,
aanbieder, declaratie_nummer and referentie_nummer), as are the totals and the 323's
BerichtIdentificatie; without a match those elements are left out.
"""

import datetime as dt
import itertools
from collections.abc import Iterable

import polars as pl

from declaratiemonitor.lib.iwmo.answers import NO_REMARK, codes_of
from declaratiemonitor.lib.iwmo.standard import COLUMNS
from declaratiemonitor.lib.iwmo.templates import Template

KEY = ["gemeente_code", "aanbieder_agb", "declaratie_nummer", "declaratie_dagtekening"]
MATCH = ["gemeente_code", "aanbieder_agb", "declaratie_nummer", "referentie_nummer"]
# what a 325 Prestatie repeats from its 323 line (and the BSN of its Client)
LINE = [c for c in COLUMNS["declaraties"] if c not in (*MATCH, "declaratie_dagtekening")]


def write_325(out, df: pl.DataFrame, declaraties: pl.DataFrame, idents: dict, lines: int) -> None:
    """`out`: writer.Output; `idents`: KEY values -> the 323's BerichtIdentificatie."""
    from declaratiemonitor.lib.iwmo.writer import message_order, messages

    if df.is_empty():
        return
    totals = _totals(declaraties)
    t = Template(out.standard, "325")
    listed = _with_lines(df.filter(pl.col("referentie_nummer").is_not_null()), declaraties)
    if not listed.is_empty():
        for first, rows in messages(message_order(listed, KEY, lines, inner=("bsn",))):
            rows = list(rows)
            ingediend = totals.get(_key(first))
            rejected = [_signed(r) for r in rows]
            toegekend = None
            if ingediend is not None and None not in rejected:
                toegekend = ingediend - sum(rejected)
            body = _clients(t, rows)
            _message(out, t, first, idents, (NO_REMARK, NO_REMARK), (ingediend, toegekend), body)
    for row in df.filter(pl.col("referentie_nummer").is_null()).iter_rows(named=True):
        ingediend = totals.get(_key(row))
        accepted = codes_of(row["retourcodes"]) in ([], [NO_REMARK])
        toegekend = ingediend if accepted or ingediend is None else 0  # TR342: rejected -> 0
        header = NO_REMARK if row["retourcodes"] else None
        codes = (header, row["retourcodes"])
        _message(out, t, row, idents, codes, (ingediend, toegekend), "")


def _message(out, t: Template, first: dict, idents: dict, codes, totals, clienten: str) -> None:
    dag = first["declaratie_dagtekening"]
    month = (dag or "")[:7] or "onbekend"
    path = out.new_file("325", first["gemeente_code"], first["aanbieder_agb"], month)
    extra = t.answer_header(idents.get(_key(first)), dag, codes[0])
    with path.open("w", encoding="utf-8", newline="\n") as f:
        ident, day = out.ident(), dag or dt.date.today().isoformat()
        f.write(t.open(first["gemeente_code"], first["aanbieder_agb"], ident, day, extra))
        f.write(
            f"<{t.p}:DeclaratieAntwoord>{t.el('DeclaratieNummer', first['declaratie_nummer'])}"
            f"{t.total('TotaalIngediendBedrag', totals[0])}"
            f"{t.total('TotaalToegekendBedrag', totals[1])}\n"
        )
        if clienten:
            f.write(f"<{t.p}:Clienten>\n{clienten}</{t.p}:Clienten>\n")
        f.write(f"{t.retourcodes(codes[1])}</{t.p}:DeclaratieAntwoord>\n{t.close()}")


def _clients(t: Template, rows: Iterable[dict]) -> str:
    parts = []
    for _, client_rows in itertools.groupby(rows, key=lambda r: r["_ifirst"]):
        client_rows = list(client_rows)
        prestaties = "".join(t.prestatie(r, t.retourcodes(r["retourcodes"])) for r in client_rows)
        parts.append(
            f"<{t.p}:Client>{t.el('Bsn', client_rows[0]['bsn'])}<{t.p}:Prestaties>\n"
            f"{prestaties}</{t.p}:Prestaties>{t.retourcodes(NO_REMARK)}</{t.p}:Client>\n"
        )
    return "".join(parts)


def _with_lines(df: pl.DataFrame, declaraties: pl.DataFrame) -> pl.DataFrame:
    """The rejected prestaties with their 323 line (null columns when there is none)."""
    lines = declaraties.select([*MATCH, *LINE]).unique(MATCH, keep="first", maintain_order=True)
    return df.join(lines, on=MATCH, how="left", nulls_equal=True, maintain_order="left")


def _totals(declaraties: pl.DataFrame) -> dict[tuple, int]:
    """The signed total of every 323 (debet - credit), by KEY."""
    if declaraties.is_empty():
        return {}
    amount = pl.col("ingediend_bedrag_cents").cast(pl.Int64, strict=False)
    signed = pl.when(pl.col("debet_credit") == "C").then(-amount).otherwise(amount)
    sums = declaraties.group_by(KEY).agg(signed.sum().alias("_totaal"))
    return {tuple(r[:-1]): r[-1] for r in sums.iter_rows()}


def _signed(r: dict) -> int | None:
    try:
        amount = int(r["ingediend_bedrag_cents"])
    except (TypeError, ValueError):
        return None
    return -amount if r["debet_credit"] == "C" else amount


def _key(row: dict) -> tuple:
    return tuple(row[k] for k in KEY)
