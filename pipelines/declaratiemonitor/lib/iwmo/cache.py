"""Parse each XML file once: what every file yielded stays in the warehouse between runs.

`landing.xml_<table>` (rows) and `landing.xml_afgewezen` (rejections) hold, for every file of
`landing/xml/`, what reading it gave, in path order and within a file in document order
(`_volgnr`); `landing.xml_bestanden` holds per file its relative path, size, times, inode,
SHA-256 of the content and the reader version that read it. A run lists the folder and:

- keeps a file whose size, mtime, ctime, inode and device are unchanged, whose entry was made
  at least QUIET seconds after its last change and by this reader version (no read at all);
- reads and hashes any other file; when the content hash equals the cached one, only the entry
  is updated, else the file is parsed again and its rows replace the old ones;
- drops the rows of files that disappeared.

So the content hash decides whether a file changed; the file's metadata only spares the read
of files nobody touched. A different reader version (`reader_version`: this package's reading
code, the contract columns, lxml/libxml2/libxslt) or `reparse` parses every file again. The
tables live in the run's work copy of the warehouse, so a failed run leaves the previous
cache. Rejections are kept like rows, so every run reports them again.
"""

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
from lxml import etree

from declaratiemonitor.lib.iwmo import pool
from declaratiemonitor.lib.iwmo.files import Found, GroupResult, Task, list_files
from declaratiemonitor.lib.iwmo.safety import LIMITS
from declaratiemonitor.lib.iwmo.standard import COLUMNS, TABLES

VERSION = "1"  # raise to have every file parsed again
QUIET_NS = 2_000_000_000  # a file changed less than this before it was listed is read again
FILES = "landing.xml_bestanden"
REJECTED = "landing.xml_afgewezen"
READER_MODULES = (
    "answers", "fast", "files", "message", "rows", "safety", "standard", "stream", "stylesheet",
    "tokens",
)  # fmt: skip
WORKERS_ENV = "DECLARATIEMONITOR_XML_PROCESSEN"
REPARSE_ENV = "DECLARATIEMONITOR_XML_OPNIEUW"


@dataclass
class Refresh:
    """What a run did with landing/xml/ (for the run's metadata and the benchmark)."""

    files: int = 0
    megabytes: float = 0.0
    kept: int = 0  # not read: unchanged metadata
    same_content: int = 0  # read and hashed, same content: not parsed
    parsed: int = 0
    parsed_megabytes: float = 0.0
    fast: int = 0  # of the parsed files, read by the fast path
    removed: int = 0
    rows: int = 0  # rows of all files (cached and new)
    rejected: int = 0
    workers: int = 1
    read_cpu_seconds: float = 0.0  # CPU of reading and parsing, in all processes
    parallel: bool = False  # read in worker processes
    parsed_rows: int = 0  # rows of the files parsed in this run
    full: bool = False  # every file parsed (first run, new reader version, reparse)
    seconds: dict[str, float] = field(default_factory=dict)


def reader_version() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256(VERSION.encode())
    for name in READER_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    versions = (etree.LXML_VERSION, etree.LIBXML_VERSION, etree.LIBXSLT_VERSION, LIMITS)
    digest.update(repr((versions, COLUMNS)).encode())
    return digest.hexdigest()[:16]


def settings_from_env() -> tuple[int | None, bool]:
    """(worker processes, re-parse everything) from the environment (CLI: --xml-processen,
    --xml-opnieuw). 0 or unset = every core."""
    raw = os.environ.get(WORKERS_ENV, "").strip()
    workers = int(raw) if raw.isdigit() and int(raw) > 0 else None
    return workers, os.environ.get(REPARSE_ENV, "").strip().lower() in ("1", "true", "ja")


def refresh(
    con: duckdb.DuckDBPyConnection, xml_dir: Path, workers: int | None = None, reparse: bool = False
) -> Refresh:
    """Bring the XML tables up to date with `xml_dir` (see the module text)."""
    started = time.perf_counter()
    out = Refresh(workers=pool.default_workers() if workers is None else workers)
    version = reader_version()
    listed_ns = time.time_ns()
    found = list_files(Path(xml_dir))
    out.files, out.megabytes = len(found), sum(f.size for f in found) / 2**20
    out.full = _prepare_tables(con, version, reparse)
    cached = _cached(con)
    tasks, kept = [], set()
    for f in found:
        entry = cached.get(f.bron)
        if entry is not None and _trusted(entry, f, version):
            kept.add(f.bron)
        else:
            tasks.append(Task(f.path, f.bron, entry and entry["sha256"], f.size, f.symlink))
    out.kept = len(kept)
    listed = {f.bron for f in found}
    gone = [b for b in cached if b not in listed]
    out.seconds["lijst"] = time.perf_counter() - started
    groups = pool.plan_groups(tasks)
    out.parallel = pool.in_processes(groups, out.workers)
    results = list(pool.parse_groups(groups, out.workers))
    out.read_cpu_seconds = sum(r.cpu_seconds for r in results)
    out.parsed_rows = sum(t.num_rows for r in results for t in r.tables.values())
    out.seconds["lezen"] = time.perf_counter() - started - out.seconds["lijst"]
    _apply(con, results, gone, {f.bron: f for f in found}, version, listed_ns, out)
    out.rows = sum(_count(con, f"landing.xml_{t}") for t in TABLES)
    out.rejected = _count(con, REJECTED)
    out.seconds["totaal"] = time.perf_counter() - started
    return out


def _trusted(entry: dict, f: Found, version: str) -> bool:
    return (
        entry["versie"] == version
        and entry["sha256"] is not None
        and (entry["grootte"], entry["mtime_ns"], entry["ctime_ns"], entry["inode"])
        == (f.size, f.mtime_ns, f.ctime_ns, f.inode)
        and entry["apparaat"] == f.device
        and entry["ctime_ns"] < entry["gezien_ns"] - QUIET_NS
    )


def _prepare_tables(con: duckdb.DuckDBPyConnection, version: str, reparse: bool) -> bool:
    """Create the tables; empty them all for a new reader version or a re-parse. True when
    every file will be parsed."""
    from declaratiemonitor.lib.contract import TABLES as CONTRACT
    from declaratiemonitor.lib.landing import create_landing_table

    exists = _count(con, "duckdb_tables() where schema_name = 'landing' "
                    "and table_name = 'xml_bestanden'")  # fmt: skip
    stale = exists and _count(con, f"{FILES} where versie <> ?", [version])
    if exists and not stale and not reparse:
        return False
    for name in TABLES:
        create_landing_table(con, CONTRACT[name], prefix="xml_")
    con.execute(
        f"create or replace table {REJECTED} "
        "(tabel varchar, _bron varchar, _regel varchar, reden varchar, _volgnr bigint)"
    )
    con.execute(
        f"""create or replace table {FILES} (bron varchar primary key, grootte bigint,
            mtime_ns bigint, ctime_ns bigint, inode bigint, apparaat bigint, sha256 varchar,
            versie varchar, gezien_ns bigint, snel boolean)"""
    )
    return True


def _cached(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    rel = con.execute(f"from {FILES}")
    names = [d[0] for d in rel.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in rel.fetchall()}


def _apply(con, results: list[GroupResult], gone, found: dict, version, listed_ns, out) -> None:
    """Replace the rows of re-parsed and vanished files, insert the new rows in order, and
    record every read file; keep the tables in (_bron, _volgnr) order."""
    outcomes = [o for r in results for o in r.outcomes]
    changed = [o.bron for o in outcomes if not o.unchanged] + gone
    out.same_content = sum(o.unchanged for o in outcomes)
    out.parsed = len(outcomes) - out.same_content
    out.parsed_megabytes = sum(found[o.bron].size for o in outcomes if not o.unchanged) / 2**20
    out.fast, out.removed = sum(o.fast for o in outcomes), len(gone)
    if not outcomes and not gone:
        return  # nothing read, nothing gone: the tables stay as they are
    con.register("_xml_weg_arrow", pa.table({"bron": pa.array(changed, pa.string())}))
    con.execute("create or replace temp table _xml_weg as from _xml_weg_arrow")
    con.unregister("_xml_weg_arrow")
    for name in TABLES:
        con.execute(f"delete from landing.xml_{name} where _bron in (from _xml_weg)")
    con.execute(f"delete from {REJECTED} where _bron in (from _xml_weg)")
    con.execute(f"delete from {FILES} where bron in (from _xml_weg)")
    for name in [*TABLES, "afgewezen"]:
        parts = [r.rejected if name == "afgewezen" else r.tables[name] for r in results]
        _insert(con, f"landing.xml_{name}", parts)
    _record(con, outcomes, found, version, listed_ns)
    con.execute("drop table _xml_weg")


def _insert(con, table: str, parts: list[pa.Table]) -> None:
    """Append the rows; when a new file sorts before a kept one, put the table back in
    (_bron, _volgnr) order (only then: a later month's files usually sort last)."""
    parts = [p for p in parts if p.num_rows]
    if not parts:
        return
    previous_max = _max_bron(con, table)
    rows = pa.concat_tables(parts)
    con.register("_xml_neu", rows)
    con.execute(f"insert into {table} by name select * from _xml_neu")
    con.unregister("_xml_neu")
    first_new = min(rows.column("_bron").to_pylist())
    if previous_max is not None and first_new < previous_max:
        con.execute(f"create or replace table {table} as from {table} order by _bron, _volgnr")


def _record(con, outcomes, found: dict, version: str, listed_ns: int) -> None:
    if not outcomes:
        return
    files = [found[o.bron] for o in outcomes]
    entries = pa.table(
        {
            "bron": [o.bron for o in outcomes],
            "grootte": [f.size for f in files],
            "mtime_ns": [f.mtime_ns for f in files],
            "ctime_ns": [f.ctime_ns for f in files],
            "inode": [f.inode for f in files],
            "apparaat": [f.device for f in files],
            "sha256": pa.array([o.digest for o in outcomes], pa.string()),
            "versie": [version] * len(outcomes),
            "gezien_ns": [listed_ns] * len(outcomes),
            "snel": [o.fast for o in outcomes],
        }
    )
    con.register("_xml_bestanden", entries)
    con.execute(f"insert or replace into {FILES} by name select * from _xml_bestanden")
    con.unregister("_xml_bestanden")


def _max_bron(con, table: str) -> str | None:
    return con.execute(f"select max(_bron) from {table}").fetchall()[0][0]


def _count(con, relation: str, params: list | None = None) -> int:
    return con.execute(f"select count(*) from {relation}", params or []).fetchall()[0][0]
