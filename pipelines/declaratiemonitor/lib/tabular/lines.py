"""A tolerant CSV reader that accounts for every physical line.

Used when DuckDB's reader and the byte count disagree (a stray quote swallows the rest of the
file there), for files with NUL bytes and for encodings DuckDB cannot read. Each line after the
header ends up as exactly one of: a record, a rejected line with a Dutch reason, a blank line,
or a continuation line of a quoted value that spans lines. A quote that is not closed within
MAX_SPAN lines, or whose closing makes a record with the wrong number of columns, is a stray
quote: only its own line is rejected and reading goes on at the next line, so one stray quote
never takes the lines after it along.
"""

import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_SPAN = 100
BATCH = 100_000
PREFIX = "CSV-regel kon niet worden gelezen: "


@dataclass
class LineCounts:
    seen: int = 0  # physical lines after the header (trailing blank lines not counted)
    blank: int = 0
    continuation: int = 0  # second and later lines of records with a value spanning lines


@dataclass
class Batch:
    plain: list[str] = field(default_factory=list)  # lines without quotes, right column count
    plain_lines: list[int] = field(default_factory=list)
    records: list[tuple[int, list[str | None]]] = field(default_factory=list)  # parsed here
    rejected: list[tuple[int, str]] = field(default_factory=list)


class _Lines:
    """Physical lines (without their ending) numbered from 2, with push-back."""

    def __init__(self, f) -> None:
        self.f, self.number, self.back = f, 1, deque()
        f.readline()  # the header

    def next(self) -> tuple[int, str] | None:
        if self.back:
            return self.back.popleft()
        line = self.f.readline()
        if not line:
            return None
        self.number += 1
        return self.number, line.rstrip("\n").removesuffix("\r")

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        self.back.extendleft(reversed(lines))


def read_lines(
    path: Path, encoding: str, newline: str, sep: str, ncols: int, counts: LineCounts
) -> Iterator[Batch]:
    with path.open("r", encoding=encoding, newline=newline) as f:
        lines, batch, blank_run = _Lines(f), Batch(), 0
        while (item := lines.next()) is not None:
            number, text = item
            if not text.strip("\r"):
                blank_run += 1  # counted once a record follows: trailing blanks are no lines
                continue
            counts.seen += blank_run + 1
            counts.blank += blank_run
            blank_run = 0
            _read_one(number, text, lines, sep, ncols, counts, batch)
            if number % BATCH == 0:
                yield batch
                batch = Batch()
        yield batch


def _read_one(number, text, lines, sep, ncols, counts: LineCounts, batch: Batch) -> None:
    """One line (and the lines a quoted value spans) into `batch`. A line without quotes is
    split by the separator alone (in DuckDB, lib/tabular/read.py): only its count is checked."""
    if "\x00" in text:
        batch.rejected.append((number, PREFIX + "regel bevat een NUL-teken (byte 0x00)"))
        return
    if '"' not in text:
        if text.count(sep) + 1 == ncols:
            batch.plain.append(text)
            batch.plain_lines.append(number)
        else:
            batch.rejected.append((number, PREFIX + _column_count(text.count(sep) + 1, ncols)))
        return
    if text.count('"') % 2:
        spanned = _spanning_record(text, lines, sep, ncols)
        if spanned is None:
            why = f"niet-afgesloten aanhalingsteken vanaf regel {number}"
            batch.rejected.append((number, PREFIX + why))
        else:
            fields, extra = spanned
            counts.seen += extra
            counts.continuation += extra
            batch.records.append((number, fields))
        return
    try:
        fields = _parse(text, sep)
    except csv.Error:
        batch.rejected.append((number, PREFIX + "aanhalingstekens staan niet om een hele waarde"))
        return
    if len(fields) != ncols:
        batch.rejected.append((number, PREFIX + _column_count(len(fields), ncols)))
        return
    batch.records.append((number, fields))


def _column_count(found: int, ncols: int) -> str:
    few = "te weinig" if found < ncols else "te veel"
    return f"{few} kolommen ({found} in plaats van {ncols})"


def _spanning_record(text, lines: _Lines, sep, ncols) -> tuple[list, int] | None:
    """The record when the open quote closes on a later line and the lines together make one
    record of `ncols` values; otherwise None, with the looked-at lines pushed back. A line in
    between that is a whole record by itself ends the attempt: two stray quotes must not make
    the lines between them one value."""
    taken: list[tuple[int, str]] = []
    joined = text
    while len(taken) < MAX_SPAN and (item := lines.next()) is not None:
        taken.append(item)
        joined += "\n" + item[1]
        if item[1].count('"') % 2 == 0:
            if _is_record(item[1], sep, ncols):
                break
            continue
        if "\x00" not in joined:
            try:
                fields = _parse(joined, sep)
            except csv.Error:
                fields = []
            if len(fields) == ncols:
                return fields, len(taken)
        break
    lines.push_back(taken)
    return None


def _is_record(text: str, sep: str, ncols: int) -> bool:
    try:
        return len(_parse(text, sep)) == ncols
    except csv.Error:
        return False


def _parse(text: str, sep: str) -> list[str | None]:
    row = next(csv.reader([text], delimiter=sep, quotechar='"', doublequote=True, strict=True))
    return [v if v != "" else None for v in row]
