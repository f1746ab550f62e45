"""The landing folder's fingerprint for the sensor: (relative name, size, mtime_ns) per file.

The cursor is a digest of the sorted fingerprint, so a change set is recognised once: the same
files give the same digest (no new run), any new, changed or removed file gives a new one.
"""

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

# files that are still being written or belong to an editor, never landing data
IGNORED_PREFIXES = (".", "~$")
IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp")


@dataclass(frozen=True)
class FileState:
    name: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class LandingCheck:
    digest: str | None  # None: no files at all
    files: int
    newest_age_seconds: float  # seconds since the most recent modification


def scan(folder: Path) -> list[FileState]:
    if not folder.is_dir():
        return []
    states = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(IGNORED_PREFIXES) for part in rel.parts):
            continue
        if not path.is_file() or path.name.endswith(IGNORED_SUFFIXES):
            continue
        st = path.stat()
        states.append(FileState(rel.as_posix(), st.st_size, st.st_mtime_ns))
    return states


def check(folder: Path, now_ns: int | None = None) -> LandingCheck:
    states = scan(folder)
    if not states:
        return LandingCheck(None, 0, float("inf"))
    payload = json.dumps([[s.name, s.size, s.mtime_ns] for s in states]).encode()
    now_ns = time.time_ns() if now_ns is None else now_ns
    newest = max(s.mtime_ns for s in states)
    return LandingCheck(
        hashlib.sha256(payload).hexdigest(), len(states), max(now_ns - newest, 0) / 1e9
    )
