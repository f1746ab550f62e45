"""A full disk, anywhere in a run, becomes one Dutch sentence (`SchijfVol`) with the space a
run needs and the space free, instead of a traceback or "onverwachte fout"."""

import errno
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from declaratiemonitor.lib.errors import InvoerFout

MB = 1024 * 1024
# what DuckDB and the C library say when a write does not fit
_SIGNS = ("no space left on device", "disk is full", "errno 28", "not enough space")


class SchijfVol(InvoerFout):
    """The disk of the warehouse or the output folder is full; nothing was changed."""


class SchrijfFout(InvoerFout):
    """Another I/O error while copying or promoting the warehouse; nothing was changed."""


def is_disk_full(exc: BaseException | None) -> bool:
    """This error, or one it was raised from, is a full disk (OSError ENOSPC or DuckDB's
    IOException/FatalException/TransactionException about it)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(exc, OSError | duckdb.Error) and mentions_full(str(exc)):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def mentions_full(text: str) -> bool:
    lowered = text.lower()
    return any(sign in lowered for sign in _SIGNS)


def free_bytes(path: Path) -> int:
    """Free space on the file system of `path` (its nearest existing parent)."""
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def size_of(path: Path) -> int:
    """Bytes of a file, or of every file below a folder; 0 when missing."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return 0


def run_space_needed(warehouse: Path, out: Path | None = None) -> int:
    """A run's working space, estimated from the last run: the work copy of the warehouse and
    what it grows by (at most its size again), plus a new set of outputs next to the old."""
    outputs = sum(size_of(Path(out) / n) for n in PUBLISHED) if out else 0
    return 2 * size_of(warehouse) + outputs


PUBLISHED = ("signals.parquet", "signal_history.parquet", "quarantine", "dashboards")


def message(where: Path, needed: int, what: str = "een run") -> str:
    free = _mb(free_bytes(where))
    need = f"heeft ongeveer {_mb(needed)} MB nodig" if needed > 0 else "past niet"
    return (
        f"schijf vol: {what} {need}, {free} MB vrij op {_mount_of(where)}. "
        "Het warehouse is niet gewijzigd; maak ruimte vrij en draai opnieuw."
    )


def _mb(count: int) -> str:
    return f"{max(count, 0) / MB:,.0f}".replace(",", ".")


def _mount_of(path: Path) -> Path:
    path = Path(path).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    while not path.is_mount() and path != path.parent:
        path = path.parent
    return path


@contextmanager
def as_disk_full(
    where: Path, needed: int, what: str = "een run", io_errors: bool = False
) -> Iterator[None]:
    """Turn a full-disk error raised in the block into SchijfVol; with `io_errors` also any
    other OSError into SchrijfFout (for the warehouse's copy and promotion)."""
    try:
        yield
    except InvoerFout:
        raise
    except Exception as exc:
        if is_disk_full(exc):
            raise SchijfVol(message(where, needed, what)) from exc
        if io_errors and isinstance(exc, OSError):
            raise SchrijfFout(
                f"schrijffout bij {what} ({exc.strerror or exc}) op {where}. "
                "Het warehouse is niet gewijzigd; controleer de schijf en draai opnieuw."
            ) from exc
        raise
