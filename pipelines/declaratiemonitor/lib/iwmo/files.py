"""The XML files of a folder, and a group of them read in one process, in path order.

Per file: its SHA-256 is computed from the bytes that are read (a file whose hash equals the
cached one is not parsed again), then the fast path (fast.py) reads it, or the streaming reader
(stream.py) when the fast path is not sure. The result holds every file's rows and rejections
in path order, numbered within their file (`_volgnr`), so that results of groups read in other
processes can be put side by side in the same order as one process would.
"""

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from declaratiemonitor.lib.iwmo import fast
from declaratiemonitor.lib.iwmo.message import UNKNOWN_TABLE
from declaratiemonitor.lib.iwmo.rows import POOL, REJECTED_COLUMNS, Sink, schema, table_schema
from declaratiemonitor.lib.iwmo.safety import LIMITS
from declaratiemonitor.lib.iwmo.standard import TABLES
from declaratiemonitor.lib.iwmo.stream import MessageReader

SYMLINK = "Symbolische koppeling: niet gevolgd, alleen gewone bestanden worden gelezen."
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Found:
    """A file in the folder, as os.lstat saw it when the folder was listed."""

    path: Path
    bron: str  # path relative to the folder, '/'-separated
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int
    symlink: bool


def list_files(xml_dir: Path) -> list[Found]:
    """Every *.xml under `xml_dir` (case-insensitive suffix, sub-folders included, symbolic
    links not followed), sorted by relative path."""
    if not xml_dir.is_dir():
        return []
    found: list[Found] = []
    _scan(str(xml_dir), "", found)
    return sorted(found, key=lambda f: f.bron)


def _scan(folder: str, prefix: str, found: list[Found]) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            bron = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                _scan(entry.path, bron + "/", found)
            elif entry.name.lower().endswith(".xml"):
                st = entry.stat(follow_symlinks=False)
                found.append(
                    Found(
                        Path(entry.path),
                        bron,
                        st.st_size,
                        st.st_mtime_ns,
                        st.st_ctime_ns,
                        st.st_ino,
                        st.st_dev,
                        entry.is_symlink(),
                    )
                )


@dataclass(frozen=True)
class Task:
    path: Path
    bron: str
    expected: str | None  # the cached content hash: a file with this content is not parsed
    size: int
    symlink: bool = False


@dataclass
class Outcome:
    bron: str
    # SHA-256 of the content read; a reason for a file rejected unread (link, too large);
    # None when it could not be read (it is tried again in the next run)
    digest: str | None
    unchanged: bool  # the content equals `expected`: nothing parsed
    fast: bool  # read by the fast path


@dataclass
class GroupResult:
    outcomes: list[Outcome]
    tables: dict[str, pa.Table]  # contract columns, _bron, _regel, _volgnr (row in its file)
    rejected: pa.Table  # tabel, _bron, _regel, reden, _volgnr
    cpu_seconds: float = 0.0  # CPU time of the process that read the group


def parse_group(tasks: list[Task]) -> GroupResult:
    started = time.process_time()
    pieces: list[tuple[dict, pa.Table | None]] = [({}, None)] * len(tasks)
    outcomes, waiting, data_of = [], {}, {}
    for k, task in enumerate(tasks):
        outcome = Outcome(task.bron, None, False, False)
        outcomes.append(outcome)
        if task.symlink or task.size > LIMITS.max_file_bytes:
            # rejected unread; the "content" is the reason, so the cache can keep it
            outcome.digest = "koppeling" if task.symlink else f"te groot: {task.size}"
            outcome.unchanged = outcome.digest == task.expected
            if not outcome.unchanged and task.symlink:
                pieces[k] = ({}, _rejection(task.bron, SYMLINK))
            elif not outcome.unchanged:
                pieces[k] = _stream(task, None)
        elif task.size > fast.FAST_MAX_BYTES:
            outcome.digest = _hash_file(task.path)
            outcome.unchanged = outcome.digest == task.expected
            if not outcome.unchanged:
                pieces[k] = _stream(task, None)
        else:
            data = _read(task, pieces, k)
            if data is None:
                continue
            outcome.digest = hashlib.sha256(data).hexdigest()
            outcome.unchanged = outcome.digest == task.expected
            if outcome.unchanged:
                continue
            parsed = fast.prepare(k, data)
            if parsed is None:
                pieces[k] = _stream(task, data)
            else:
                waiting.setdefault(parsed.plan, []).append(parsed)
                data_of[k] = data
    for group in waiting.values():
        for k, rows in fast.finish(group, [tasks[p.position].bron for p in group]).items():
            if rows is None:
                pieces[k] = _stream(tasks[k], data_of[k])
            else:
                pieces[k] = ({group[0].plan.spec.table: rows}, None)
                outcomes[k].fast = True
    result = _assemble(pieces, outcomes)
    result.cpu_seconds = time.process_time() - started
    return result


def _read(task: Task, pieces: list, k: int) -> bytes | None:
    try:
        return _read_bytes(task.path, task.size)
    except OSError as exc:
        reason = f"Bestand kon niet worden gelezen ({exc.strerror or type(exc).__name__})."
        pieces[k] = ({}, _rejection(task.bron, reason))
        return None


def _read_bytes(path: Path, size: int) -> bytes:
    """The whole file, with as few calls as possible (os.read of the listed size + 1)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, size + 1)
        while len(data) > size and (more := os.read(fd, HASH_CHUNK)):
            data += more  # the file grew since it was listed
        return data
    finally:
        os.close(fd)


def _hash_file(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _stream(task: Task, data: bytes | None) -> tuple[dict, pa.Table]:
    """The streaming reader (the reference) on one file."""
    sink = Sink()
    MessageReader(task.path, task.bron, sink, data).run()
    return sink.tables(), sink.rejected_table()


def _rejection(bron: str, reason: str) -> pa.Table:
    sink = Sink()
    sink.reject(UNKNOWN_TABLE, bron, "/", reason)
    return sink.rejected_table()


def _assemble(pieces: list[tuple[dict, pa.Table | None]], outcomes: list[Outcome]) -> GroupResult:
    tables = {}
    for name in TABLES:
        parts = [t[name] for t, _ in pieces if name in t and t[name].num_rows]
        tables[name] = _numbered(parts, table_schema(name))
    rejected = _numbered(
        [r for _, r in pieces if r is not None and r.num_rows], schema(REJECTED_COLUMNS)
    )
    return GroupResult(outcomes, tables, rejected)


def _numbered(parts: list[pa.Table], base: pa.Schema) -> pa.Table:
    """The parts one after another, with `_volgnr` = 1, 2, ... within each part (file)."""
    volgnr = pa.field("_volgnr", pa.int64())
    if not parts:
        return base.append(volgnr).empty_table()
    numbers = np.concatenate([np.arange(1, p.num_rows + 1, dtype=np.int64) for p in parts])
    # one contiguous copy: slices would keep (and pickle) their whole parent buffers
    table = pa.concat_tables(parts, memory_pool=POOL).combine_chunks(memory_pool=POOL)
    return table.append_column(volgnr, pa.array(numbers, pa.int64(), memory_pool=POOL))
