"""The fast path's token streams (stylesheet.py) to contract rows, for many files at once.

Every step is a pyarrow kernel or a numpy operation over all tokens of all files: the streams
are split on the separator, each token's code is its first byte, and running counts of the
`C`, `M` and `R` tokens give every value its Client and record and every record its element
path. A file fails (and is read by the streaming reader) when a mapped element occurs twice in
a record or a Client, a Client's context element follows its records, an element sits inside a
value, a value is too long, or StatusAanlevering is 3.
"""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from declaratiemonitor.lib.iwmo.message import XML_WHITESPACE, text_of
from declaratiemonitor.lib.iwmo.rows import POOL, table_schema
from declaratiemonitor.lib.iwmo.safety import LIMITS
from declaratiemonitor.lib.iwmo.standard import BUDGET_EENHEID, BUDGET_FREQUENTIE, COLUMNS
from declaratiemonitor.lib.iwmo.stylesheet import CLIENT, MID, NESTED, RECORD, SEP, Plan

NULL = pa.scalar(None, pa.string())


class Stream:
    """All tokens of a group of files: code (first byte), value, running counts."""

    def __init__(self, counts: list[int], outs: list[bytes]) -> None:
        data = b"".join(outs)
        offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
        whole = pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data))
        tok = pc.split_pattern(whole, SEP, memory_pool=POOL).flatten().slice(1)
        bounds = np.frombuffer(tok.buffers()[1], dtype=np.int64)
        bounds = bounds[tok.offset : tok.offset + len(tok) + 1]
        raw = np.frombuffer(tok.buffers()[2], dtype=np.uint8) if len(tok) else np.zeros(1, np.uint8)
        self.code = raw[np.minimum(bounds[:-1], len(raw) - 1)]
        values = pc.utf8_slice_codeunits(tok, 1, 1 << 62, memory_pool=POOL)
        self.values = values.cast(pa.string(), memory_pool=POOL)  # < 2 GiB: group-sized
        self.file = np.repeat(np.arange(len(counts)), counts)
        self.failed = np.zeros(len(counts), dtype=bool)
        self.at = {c: np.flatnonzero(self.code == ord(c)) for c in (CLIENT, MID, RECORD)}
        # Clients / containers / records up to and including each token
        self.clients = np.cumsum(self.code == ord(CLIENT), dtype=np.int64)
        self.mids = np.cumsum(self.code == ord(MID), dtype=np.int64)
        self.records = np.cumsum(self.code == ord(RECORD), dtype=np.int64)

    def fail(self, tokens: np.ndarray) -> None:
        """The files of these token positions go to the streaming reader."""
        self.failed[self.file[tokens]] = True

    def fail_rows(self, flags: pa.Array) -> None:
        self.fail(self.at[RECORD][_mask(flags)])


@dataclass
class Rows:
    table: pa.Table  # the mapped columns and `_regel`, all files' records in order
    file: np.ndarray  # the file of each row
    per_file: np.ndarray  # rows per file
    failed: np.ndarray  # per file


def read(plan: Plan, counts: list[int], outs: list[bytes]) -> Rows:
    s = Stream(counts, outs)
    shape = plan.shape
    s.fail(np.flatnonzero(s.code == ord(NESTED)))
    columns = list(shape.codes.values())
    index = _owner_index(s, shape)
    raw_long = _mask(pc.greater(pc.utf8_length(s.values), LIMITS.max_value_chars))
    clean = _clean(s.values)
    values, present = {}, {}
    for k, column in enumerate(columns):
        present[column] = index[k] >= 0
        indices = pa.array(index[k], mask=~present[column])
        values[column] = pc.take(clean, indices, memory_pool=POOL)
        if column in shape.spec.fields.values():  # a context value has no length limit
            s.fail(index[k][present[column] & raw_long[np.maximum(index[k], 0)]])
    if "_status" in values:
        s.fail_rows(pc.equal(values["_status"], "3"))
    if shape.spec.table == "toewijzingen":
        _budget_unit(values, present)
    values["_regel"] = _regel(plan, s)
    rows_file = s.file[s.at[RECORD]]
    per_file = np.bincount(rows_file, minlength=len(counts))
    return Rows(pa.table(values), rows_file, per_file, s.failed)


def _owner_index(s: Stream, shape) -> np.ndarray:
    """Per code and per record: the position of the record's token with that code (for a
    Client's context: of its Client's token), -1 when there is none. Two in one record or
    Client fail the file; so does a Client's context after the Client's first container."""
    codes = list(shape.codes)
    lookup = np.full(256, len(codes), dtype=np.int64)
    lookup[[ord(c) for c in codes]] = np.arange(len(codes))
    of_client = np.array([shape.codes[c] in shape.client_context for c in codes] + [False])
    field = lookup[s.code]
    where = np.flatnonzero(field < len(codes))
    k = field[where]
    client = of_client[k]
    owner = np.where(client, s.clients[where], s.records[where]) - 1
    width = max(len(s.at[RECORD]), len(s.at[CLIENT]), 1)
    key = k * width + owner
    twice = np.bincount(key, minlength=len(codes) * width) > 1
    s.fail(where[twice[key]])
    late = client & (s.mids[where] != s.mids[s.at[CLIENT][np.where(client, owner, 0)]])
    s.fail(where[late])
    index = np.full(len(codes) * width, -1, dtype=np.int64)
    index[key] = where
    index = index.reshape(len(codes), width)
    record_client = s.clients[s.at[RECORD]] - 1
    n = len(s.at[RECORD])
    return (
        np.stack(
            [index[i][record_client] if of_client[i] else index[i][:n] for i in range(len(codes))]
        )
        if codes
        else np.zeros((0, n), dtype=np.int64)
    )


def _mask(flags: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(flags, False).to_numpy(zero_copy_only=False), dtype=bool)


def _clean(values: pa.Array) -> pa.Array:
    """Without leading and trailing XML whitespace; empty = null (as message.text_of)."""
    trimmed = pc.utf8_trim(values, XML_WHITESPACE, memory_pool=POOL)
    return pc.if_else(pc.equal(trimmed, ""), NULL, trimmed, memory_pool=POOL)


def _budget_unit(columns: dict[str, pa.Array], present: dict[str, np.ndarray]) -> None:
    """A budget allocation has no Omvang: its unit is euro's over the whole validity
    (message.budget_unit)."""
    has_budget = np.asarray(pc.is_valid(columns["budget_cents"]).to_numpy(zero_copy_only=False))
    mask = ~present["_omvang"] & has_budget
    if mask.any():
        flags = pa.array(mask)
        columns["eenheid"] = pc.if_else(flags, BUDGET_EENHEID, columns["eenheid"])
        columns["frequentie"] = pc.if_else(flags, BUDGET_FREQUENTIE, columns["frequentie"])


def _regel(plan: Plan, s: Stream) -> pa.Array:
    """`/Bericht/.../Client[i]/<container>/<record>[j]`: i counts the Clients of the file,
    j the records of their container (as the streaming reader's counters)."""
    shape, rec = plan.shape, s.at[RECORD]
    first_client = np.searchsorted(s.file[s.at[CLIENT]], s.file[rec])
    i = s.clients[rec] - first_client
    j = s.records[rec] - s.records[s.at[MID][s.mids[rec] - 1]]
    head = "/" + "/".join(shape.spec.record[: shape.spec.record.index("Client")]) + "/Client["
    middle = f"]/{shape.mid}/{shape.record}["
    return pc.binary_join_element_wise(
        head, _strings(i), middle, _strings(j), "]", "", memory_pool=POOL
    )


def _strings(numbers: np.ndarray) -> pa.Array:
    return pa.array(numbers, pa.int64()).cast(pa.string(), memory_pool=POOL)


def contract_table(rows: Rows, plan: Plan, metas: list[dict], brons: list[str]) -> pa.Table:
    """The rows with what they take from their file (Header, document context, constants,
    `_bron`), columns in the contract's order."""
    spec, n = plan.spec, rows.table.num_rows
    take = pa.array(rows.file, pa.int64())
    per_file = {col: [text_of(m[key]) for m in metas] for key, col in spec.header.items()}
    per_file.update({c: [text_of(m[c]) for m in metas] for _, _, c in plan.shape.doc_context})
    columns = {c: rows.table.column(c) for c in rows.table.column_names}
    for column, values in per_file.items():
        columns[column] = pc.take(pa.array(values, pa.string()), take, memory_pool=POOL)
    for column, value in spec.constants.items():
        columns[column] = pa.repeat(pa.scalar(value, pa.string()), n)
    columns["_bron"] = pc.take(pa.array(brons, pa.string()), take, memory_pool=POOL)
    schema = table_schema(spec.table)
    out = [columns.get(c, pa.nulls(n, pa.string())) for c in COLUMNS[spec.table]]
    out += [columns["_bron"], columns["_regel"]]
    return pa.Table.from_arrays(out, schema=schema)
