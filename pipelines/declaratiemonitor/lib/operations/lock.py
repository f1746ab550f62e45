"""One run at a time per warehouse: an exclusive, non-blocking `flock` on `<warehouse>.lock`.

The kernel drops the lock when the holder dies (also on SIGKILL), so a killed run never leaves
a stale lock behind. The lock is re-entrant within a process: `run_pipeline` takes it before
Dagster starts (for a clear message) and the warehouse resource, which takes it for runs that
Dagster launches itself (schedule, sensor, UI), then finds it already held.
"""

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from declaratiemonitor.lib.errors import InvoerFout

WAIT_ENV = "DECLARATIEMONITOR_WACHTTIJD"
_held: dict[str, int] = {}


class RunBezig(InvoerFout):
    """Another run holds the warehouse."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def default_wait() -> float:
    """Seconds a run waits for the lock (environment, default 0 = stop at once)."""
    try:
        return max(float(os.environ.get(WAIT_ENV, "0") or 0), 0.0)
    except ValueError:
        raise InvoerFout(f"{WAIT_ENV} moet een aantal seconden zijn.") from None


@contextmanager
def warehouse_lock(warehouse: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the exclusive lock of `warehouse`; RunBezig when another process keeps it longer
    than `wait_seconds`."""
    key = str(Path(warehouse).resolve())
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    path = lock_path(Path(warehouse))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, Path(warehouse), wait_seconds)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {datetime.now().isoformat(timespec='seconds')}\n".encode(), 0)
        _held[key] = 1
        try:
            yield
        finally:
            _held.pop(key, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, warehouse: Path, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RunBezig(
                    f"Er draait al een run op {warehouse} (gestart {_started(path)}); "
                    "probeer het later opnieuw."
                ) from None
            time.sleep(min(0.5, remaining))


def _started(path: Path) -> str:
    """When the holder started, as written in the lock file (`<pid> <iso time>`)."""
    try:
        _pid, stamp = path.read_text(encoding="utf-8").split()[:2]
        return datetime.fromisoformat(stamp).strftime("%d-%m-%Y %H:%M:%S")
    except (OSError, ValueError):
        return "onbekend tijdstip"
