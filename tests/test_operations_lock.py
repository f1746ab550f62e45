"""One run at a time, all or nothing: the warehouse lock and the copy-on-write resource,
on tiny Dagster jobs (the full pipeline versions are in test_operations.py)."""

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from declaratiemonitor.defs.resources import WarehouseResource
from declaratiemonitor.lib.operations import promotion
from declaratiemonitor.lib.operations.lock import RunBezig, warehouse_lock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from declaratiemonitor.lib.operations.lock import warehouse_lock
    warehouse, ready, hold = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
    with warehouse_lock(warehouse):
        ready.write_text("ja")
        time.sleep(hold)
        ready.with_name("vrijgegeven").write_text("ja")  # still holding the lock here
    """
)


def hold_lock(warehouse: Path, seconds: float) -> subprocess.Popen:
    ready = warehouse.with_name("klaar")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse), str(ready), str(seconds)]
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "holder did not start"
        time.sleep(0.05)
    return proc


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_second_run_stops_with_a_clear_dutch_message(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold_lock(warehouse, 30)
    try:
        with pytest.raises(RunBezig) as err, warehouse_lock(warehouse, 0):
            pass
        message = str(err.value)
        assert message.startswith(f"Er draait al een run op {warehouse} (gestart ")
        assert message.endswith("); probeer het later opnieuw.")
        assert "onbekend" not in message  # the start time of the holder is shown
    finally:
        holder.kill()
        holder.wait()


def test_second_run_can_wait_for_the_first(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold_lock(warehouse, 1)
    start = time.monotonic()
    with warehouse_lock(warehouse, 60):
        # got it only after the holder let go (its process may still be exiting)
        assert (tmp_path / "vrijgegeven").exists()
    assert time.monotonic() - start < 60
    holder.wait()


def test_lock_of_a_killed_run_is_released(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold_lock(warehouse, 60)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with warehouse_lock(warehouse, 0):
        pass


def test_lock_is_reentrant_within_a_process(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with warehouse_lock(warehouse, 0), warehouse_lock(warehouse, 0):
        pass


# ---------------------------------------------------------------- copy-on-write resource


def tiny_job(mode: str):
    @dg.asset
    def eerste(duckdb: dg.ResourceParam[WarehouseResource]) -> None:
        with duckdb.get_connection() as con:
            con.execute("insert into t values (2)").fetchall()

    @dg.asset_check(asset=eerste, blocking=True)
    def controle() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=mode != "check", severity=dg.AssetCheckSeverity.ERROR)

    @dg.asset(deps=[eerste])
    def tweede(duckdb: dg.ResourceParam[WarehouseResource]) -> None:
        if mode == "fail":
            raise ValueError("stap mislukt")
        with duckdb.get_connection() as con:
            con.execute("insert into t values (3)").fetchall()

    return [eerste, controle, tweede]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table t as select 1 as x").fetchall()
    con.close()
    return path


def run_tiny(warehouse: Path, mode: str) -> bool:
    resource = WarehouseResource(database=str(warehouse))
    result = dg.materialize(tiny_job(mode), resources={"duckdb": resource}, raise_on_error=False)
    return result.success


def values(warehouse: Path) -> list[int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [r[0] for r in con.execute("select x from t order by x").fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("mode", ["fail", "check"])
def test_failed_run_leaves_the_warehouse_as_it_was(warehouse: Path, mode: str) -> None:
    before = digest(warehouse)
    assert not run_tiny(warehouse, mode)
    assert digest(warehouse) == before
    assert not promotion.work_path(warehouse).exists()


def test_successful_run_is_promoted(warehouse: Path) -> None:
    assert run_tiny(warehouse, "ok")
    assert values(warehouse) == [1, 2, 3]
    assert not promotion.work_path(warehouse).exists()


def test_leftovers_of_a_killed_run_are_ignored(warehouse: Path) -> None:
    work = promotion.work_path(warehouse)
    work.write_bytes(b"half geschreven werkkopie")
    promotion.wal_path(work).write_bytes(b"rommel")
    assert run_tiny(warehouse, "ok")
    assert values(warehouse) == [1, 2, 3]


def test_warehouse_wal_of_a_killed_writer_is_folded_in(warehouse: Path) -> None:
    """A writer killed after commit (e.g. a review import) leaves a WAL; the run keeps it."""
    script = (
        "import duckdb, os, signal, sys\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "con.execute('insert into t values (10)').fetchall()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(warehouse)], check=False)
    assert promotion.wal_path(warehouse).exists()
    assert run_tiny(warehouse, "ok")
    assert values(warehouse) == [1, 2, 3, 10]


def test_a_run_opens_the_work_copy_once(warehouse: Path, monkeypatch) -> None:
    """Steps get connections (cursors) on the run's one database instance: no file open each."""
    from declaratiemonitor.defs import resources

    opened: list[str] = []
    real_connect = resources.duckdb.connect

    def counting_connect(database, *args, **kwargs):
        opened.append(str(database))
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(resources.duckdb, "connect", counting_connect)
    assert run_tiny(warehouse, "ok")
    assert opened == [str(promotion.work_path(warehouse))]
    assert values(warehouse) == [1, 2, 3]
