"""Column buffers: rows as Python lists, flushed to Arrow in blocks to bound memory."""

import functools

import pyarrow as pa

from declaratiemonitor.lib.iwmo.safety import LIMITS
from declaratiemonitor.lib.iwmo.standard import COLUMNS, TABLES

SOURCE = ("_bron", "_regel")
REJECTED_COLUMNS = ("tabel", "_bron", "_regel", "reden")
# The system allocator returns freed blocks; Arrow's default pool keeps far more resident
# while many small arrays are built, which would double peak memory for large files.
POOL = pa.system_memory_pool()


def text_array(values: list) -> pa.Array:
    return pa.array(values, pa.string(), memory_pool=POOL)


@functools.cache
def schema(columns: tuple[str, ...]) -> pa.Schema:
    return pa.schema([(c, pa.string()) for c in columns])


def table_schema(table: str) -> pa.Schema:
    return schema(COLUMNS[table] + SOURCE)


class RowBuffer:
    """Rows of one table, kept column-wise: per file while it is read, then merged."""

    def __init__(self, table: str, bron: str = "") -> None:
        self.table = table
        self.bron = bron
        self.columns = COLUMNS[table]
        self.schema = table_schema(table)
        self.batches: list[pa.RecordBatch] = []
        self._lists: list[list] = [[] for _ in self.columns]
        self._bronnen: list[str] = []
        self._regels: list[str] = []

    def __len__(self) -> int:
        return sum(b.num_rows for b in self.batches) + len(self._regels)

    def append(self, row: dict[str, str | None], regel: str) -> None:
        for values, column in zip(self._lists, self.columns, strict=True):
            values.append(row.get(column))
        self._bronnen.append(self.bron)
        self._regels.append(regel)
        if len(self._regels) >= LIMITS.flush_rows:
            self.flush()

    def absorb(self, other: "RowBuffer") -> None:
        """Append all rows of `other` (small files are merged before they become Arrow)."""
        if other.batches:
            self.flush()
            self.batches.extend(other.batches)
        for mine, theirs in zip(self._lists, other._lists, strict=True):
            mine.extend(theirs)
        self._bronnen.extend(other._bronnen)
        self._regels.extend(other._regels)
        if len(self._regels) >= LIMITS.flush_rows:
            self.flush()

    def flush(self) -> None:
        if not self._regels:
            return
        arrays = [text_array(v) for v in self._lists]
        arrays += [text_array(self._bronnen), text_array(self._regels)]
        self.batches.append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self._lists = [[] for _ in self.columns]
        self._bronnen, self._regels = [], []

    def regels(self) -> pa.ChunkedArray:
        self.flush()
        return pa.chunked_array([b.column("_regel") for b in self.batches], pa.string())


class Sink:
    """Everything read from a folder: accepted rows per table and rejected rows."""

    def __init__(self) -> None:
        self.accepted = {t: RowBuffer(t) for t in TABLES}
        self.rejected: list[pa.RecordBatch] = []
        self._reject_rows: list[tuple[str, str, str, str]] = []

    def accept(self, buffer: RowBuffer) -> None:
        self.accepted[buffer.table].absorb(buffer)

    def reject(self, tabel: str, bron: str, regel: str, reden: str) -> None:
        self._reject_rows.append((tabel, bron, regel, reden))

    def reject_all(self, buffer: RowBuffer, reden: str) -> None:
        """One rejected row per element already parsed from a file that failed as a whole."""
        regels = buffer.regels()
        n = len(regels)
        if n == 0:
            return
        self._flush_rejects()
        for chunk in regels.chunks:
            m = len(chunk)
            arrays = [
                text_array([buffer.table] * m),
                text_array([buffer.bron] * m),
                chunk,
                text_array([reden] * m),
            ]
            self.rejected.append(
                pa.RecordBatch.from_arrays(arrays, schema=schema(REJECTED_COLUMNS))
            )

    def _flush_rejects(self) -> None:
        if self._reject_rows:
            cols = list(zip(*self._reject_rows, strict=True))
            arrays = [text_array(list(c)) for c in cols]
            self.rejected.append(
                pa.RecordBatch.from_arrays(arrays, schema=schema(REJECTED_COLUMNS))
            )
            self._reject_rows = []

    def tables(self) -> dict[str, pa.Table]:
        tables = {}
        for name, buffer in self.accepted.items():
            buffer.flush()
            tables[name] = pa.Table.from_batches(buffer.batches, schema=table_schema(name))
        return tables

    def rejected_table(self) -> pa.Table:
        self._flush_rejects()
        return pa.Table.from_batches(self.rejected, schema=schema(REJECTED_COLUMNS))
