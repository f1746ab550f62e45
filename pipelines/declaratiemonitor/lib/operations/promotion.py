"""Run-level copy-on-write: a run writes to `<warehouse>.werk`, a copy of the warehouse, and
only a successful run replaces the warehouse with it (`os.replace`, atomic on POSIX).

A run that is killed or fails leaves the warehouse byte for byte as it was; its work copy is
thrown away by the next run. Call these functions only while holding the warehouse lock.
"""

import os
import shutil
from pathlib import Path

import duckdb

from declaratiemonitor.lib.faults import disk


def work_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".werk")


def wal_path(database: Path) -> Path:
    return database.with_name(database.name + ".wal")


def start(warehouse: Path) -> Path:
    """A fresh work copy of `warehouse` (no file yet when the warehouse does not exist)."""
    work = work_path(warehouse)
    discard(work)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    if not warehouse.exists():
        return work
    needed = disk.size_of(warehouse) + disk.size_of(wal_path(warehouse))
    if disk.free_bytes(warehouse) < needed:  # the copy cannot fit: stop before filling the disk
        raise disk.SchijfVol(disk.message(warehouse, needed, "de werkkopie van het warehouse"))
    try:
        with disk.as_disk_full(warehouse, needed, "de werkkopie van het warehouse", True):
            if wal_path(warehouse).exists():
                checkpoint(warehouse)  # a write-ahead log left by a killed writer: fold it in
            shutil.copyfile(warehouse, work)
    except BaseException:
        discard(work)
        raise
    return work


def promote(work: Path, warehouse: Path) -> None:
    """Make the work copy the warehouse: durable on disk first, then one atomic rename.

    The work copy must be closed. DuckDB's close checkpoints without reporting a failure (a
    full disk leaves the write-ahead log behind), so the log is folded in here, where a
    failure raises (SchijfVol when the disk is full)."""
    if not work.exists():
        return
    needed = disk.size_of(wal_path(work))
    with disk.as_disk_full(work, needed, "het bijwerken van het warehouse", True):
        if wal_path(work).exists():
            checkpoint(work)
        if wal_path(work).exists():
            raise RuntimeError(f"{work}: het write-ahead log kon niet worden verwerkt")
        _fsync(work)
        os.replace(work, warehouse)
        _fsync(warehouse.parent)


def discard(work: Path) -> None:
    for path in (work, wal_path(work)):
        path.unlink(missing_ok=True)


def checkpoint(database: Path) -> None:
    con = duckdb.connect(str(database))
    try:
        con.execute("checkpoint").fetchall()
    finally:
        con.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
