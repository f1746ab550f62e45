"""Column buffers: rows as Python lists, flushed to Arrow in blocks to bound memory."""

import pyarrow as pa

from declaratiemonitor.lib.iwmo.safety import LIMITS
from declaratiemonitor.lib.iwmo.standard import COLUMNS, TABLES

SOURCE = ("_bron", "_regel")
REJECTED_COLUMNS = ("tabel", "_bron", "_regel", "reden")


def schema(columns: tuple[str, ...]) -> pa.Schema:
    return pa.schema([(c, pa.string()) for c in columns])


def table_schema(table: str) -> pa.Schema:
    return schema(COLUMNS[table] + SOURCE)


class RowBuffer:
    """Rows of one table from one file, kept column-wise."""

    def __init__(self, table: str, bron: str) -> None:
        self.table = table
        self.bron = bron
        self.columns = COLUMNS[table]
        self.schema = table_schema(table)
        self.batches: list[pa.RecordBatch] = []
        self._lists: list[list] = [[] for _ in self.columns]
        self._regels: list[str] = []

    def __len__(self) -> int:
        return sum(b.num_rows for b in self.batches) + len(self._regels)

    def append(self, row: dict[str, str | None], regel: str) -> None:
        for values, column in zip(self._lists, self.columns, strict=True):
            values.append(row.get(column))
        self._regels.append(regel)
        if len(self._regels) >= LIMITS.flush_rows:
            self.flush()

    def flush(self) -> None:
        if not self._regels:
            return
        n = len(self._regels)
        arrays = [pa.array(v, pa.string()) for v in self._lists]
        arrays += [pa.array([self.bron] * n, pa.string()), pa.array(self._regels, pa.string())]
        self.batches.append(pa.RecordBatch.from_arrays(arrays, schema=self.schema))
        self._lists = [[] for _ in self.columns]
        self._regels = []

    def regels(self) -> pa.ChunkedArray:
        self.flush()
        return pa.chunked_array([b.column("_regel") for b in self.batches], pa.string())


class Sink:
    """Everything read from a folder: accepted rows per table and rejected rows."""

    def __init__(self) -> None:
        self.batches: dict[str, list[pa.RecordBatch]] = {t: [] for t in TABLES}
        self.rejected: list[pa.RecordBatch] = []
        self._reject_rows: list[tuple[str, str, str, str]] = []

    def accept(self, buffer: RowBuffer) -> None:
        buffer.flush()
        self.batches[buffer.table].extend(buffer.batches)

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
                pa.array([buffer.table] * m, pa.string()),
                pa.array([buffer.bron] * m, pa.string()),
                chunk,
                pa.array([reden] * m, pa.string()),
            ]
            self.rejected.append(
                pa.RecordBatch.from_arrays(arrays, schema=schema(REJECTED_COLUMNS))
            )

    def _flush_rejects(self) -> None:
        if self._reject_rows:
            cols = list(zip(*self._reject_rows, strict=True))
            arrays = [pa.array(list(c), pa.string()) for c in cols]
            self.rejected.append(
                pa.RecordBatch.from_arrays(arrays, schema=schema(REJECTED_COLUMNS))
            )
            self._reject_rows = []

    def tables(self) -> dict[str, pa.Table]:
        return {
            t: pa.Table.from_batches(b, schema=table_schema(t)) for t, b in self.batches.items()
        }

    def rejected_table(self) -> pa.Table:
        self._flush_rejects()
        return pa.Table.from_batches(self.rejected, schema=schema(REJECTED_COLUMNS))
