"""Measuring: every measured piece runs in its own child process.

The parent starts `python -m declaratiemonitor.lib.bench.child MODE ARGS.json RESULT.json` and
reaps it with os.wait4, whose rusage is that one child's: ru_maxrss is its exact peak RSS
(Linux: KiB). Inside the child an RssSampler polls the process's own RSS, so a peak can be
attributed to the pipeline stage that was running (approximate: 20 ms resolution).
"""

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

GIB = 1024**3
MIB = 1024**2


@dataclass
class ChildResult:
    data: dict  # what the child wrote
    wall_seconds: float  # start to exit, including interpreter start and imports
    peak_rss: int  # bytes, from wait4
    cpu_seconds: float  # user + system of the whole child, from wait4


class ChildFailed(RuntimeError):
    pass


def run_child(
    mode: str, args: dict, workdir: Path, env: dict | None = None, rss_limit: int | None = None
) -> ChildResult:
    """Run one measured piece; with rss_limit (bytes) it is stopped when its RSS exceeds that
    (the machine is shared: a runaway reference implementation must not take it down)."""
    workdir.mkdir(parents=True, exist_ok=True)
    args_path, result_path = workdir / f"{mode}.args.json", workdir / f"{mode}.result.json"
    log_path = workdir / f"{mode}.log"
    args_path.write_text(json.dumps(args, default=str))
    result_path.unlink(missing_ok=True)
    start = time.perf_counter()
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "declaratiemonitor.lib.bench.child",
                mode,
                str(args_path),
                str(result_path),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        status, usage, exceeded = _wait(proc.pid, rss_limit)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if exceeded:
        raise MemoryLimitExceeded(
            f"{mode}: gestopt boven {rss_limit / GIB:.1f} GiB RSS (log {log_path})"
        )
    if proc.returncode != 0 or not result_path.exists():
        tail = log_path.read_text(errors="replace")[-3000:]
        raise ChildFailed(f"{mode} (exit {proc.returncode}); log {log_path}:\n{tail}")
    return ChildResult(
        json.loads(result_path.read_text()),
        wall,
        usage.ru_maxrss * 1024,
        usage.ru_utime + usage.ru_stime,
    )


class MemoryLimitExceeded(ChildFailed):
    pass


def _wait(pid: int, rss_limit: int | None):
    """os.wait4 for one child; with a limit, poll its RSS and stop it when it is exceeded."""
    if not rss_limit:
        _, status, usage = os.wait4(pid, 0)
        return status, usage, False
    child = psutil.Process(pid)
    exceeded = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage, exceeded
        try:
            if not exceeded and child.memory_info().rss > rss_limit:
                exceeded = True
                child.kill()
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.1)


class RssSampler:
    """Polls this process's RSS and CPU time (all threads) in a thread:
    (time.time(), rss bytes, cpu seconds) samples."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.samples: list[tuple[float, int, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._proc = psutil.Process()

    def _sample(self) -> tuple[float, int, float]:
        cpu = self._proc.cpu_times()
        return time.time(), self._proc.memory_info().rss, cpu.user + cpu.system

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(self._sample())

    def peak_between(self, start: float, end: float) -> int:
        inside = [rss for t, rss, _ in self.samples if start <= t <= end]
        before = [rss for t, rss, _ in self.samples if t < start]
        return max(inside + before[-1:], default=0)

    def cpu_at(self, moment: float) -> float:
        """CPU seconds used up to `moment` (linear between the two nearest samples)."""
        prev = None
        for t, _, cpu in self.samples:
            if t >= moment:
                if prev is None or t == prev[0]:
                    return cpu
                share = (moment - prev[0]) / (t - prev[0])
                return prev[1] + share * (cpu - prev[1])
            prev = (t, cpu)
        return prev[1] if prev else 0.0

    def cpu_between(self, start: float, end: float) -> float:
        return max(self.cpu_at(end) - self.cpu_at(start), 0.0)


def stage_of(step_key: str) -> str:
    """Pipeline stage of a Dagster step (op) key."""
    if "_gx_" in step_key or step_key.endswith("_bruikbaar"):  # GX checks, quality gates
        return "controles"
    head = step_key.split("__", 1)[0]
    return {
        "landing": "inlezen",
        "staging": "inlezen",
        "meta": "inlezen",
        "models": "modellen",
        "rules": "regels",
        "signals": "signalen",
        "publicatie": "signalen",
        "promotie": "signalen",
        "dashboards": "dashboards",
    }.get(head, "overig")
