"""Groups of files read in parallel processes, or in this process: the same results, in order.

Files are grouped in path order (about GROUP_BYTES each, so that a worker's result is a few
thousand rows and the last groups do not leave cores idle); each group is read by
files.parse_group. Workers come from a `forkserver` (a fresh interpreter that imports the
reader once and forks workers from itself): nothing is forked from the calling process, which
may hold DuckDB connections and Dagster's threads. Workers only read files and return Arrow
tables; the caller alone writes to the warehouse.
"""

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

from declaratiemonitor.lib.iwmo.files import GroupResult, Task, parse_group

GROUP_BYTES = 4 << 20
GROUP_FILES = 1000
# less than this is read in the calling process: starting the forkserver and its imports
# costs about as much CPU as reading ~50 MB
PARALLEL_MIN_BYTES = 64 << 20
# imported once by the forkserver, shared by every worker it forks; pyarrow imports pandas
# the first time it converts Python objects, which would cost every worker ~1 s
PRELOAD = ["pandas", "declaratiemonitor.lib.iwmo.files"]


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def plan_groups(tasks: list[Task]) -> list[list[Task]]:
    groups, current, size = [], [], 0
    for task in tasks:
        current.append(task)
        size += task.size
        if size >= GROUP_BYTES or len(current) >= GROUP_FILES:
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups


def parse_groups(groups: list[list[Task]], workers: int | None = None) -> Iterator[GroupResult]:
    """Every group's result, in group order; `workers` processes (default: every core)."""
    workers = default_workers() if workers is None else workers
    if not in_processes(groups, workers):
        yield from map(parse_group, groups)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(
        max_workers=min(workers, len(groups)), mp_context=context, initializer=_worker_init
    ) as pool:
        yield from pool.map(parse_group, groups)


def in_processes(groups: list[list[Task]], workers: int) -> bool:
    """Worth a pool: more than one worker and group, and enough to read."""
    work = sum(t.size for g in groups for t in g)
    return workers > 1 and len(groups) > 1 and work >= PARALLEL_MIN_BYTES


def _worker_init() -> None:
    import pyarrow as pa

    # Arrow's default allocator keeps freed blocks and was ~25x slower for many small
    # strings on the machines measured (docs/performance.md); workers use the system one.
    pa.set_memory_pool(pa.system_memory_pool())
