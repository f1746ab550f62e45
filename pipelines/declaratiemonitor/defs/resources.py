"""Resources: the warehouse (DuckDB) and where the landing and output folders are."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.faults import disk
from declaratiemonitor.lib.operations.lock import default_wait, warehouse_lock
from declaratiemonitor.lib.operations.run_copy import RunCopy
from declaratiemonitor.lib.warehouse import finish_run, prepare, prepare_run
from declaratiemonitor.paths import DEMO_DIR

DEFAULT_LANDING = str(DEMO_DIR / "landing")
DEFAULT_OUT = str(DEMO_DIR / "out")
# DuckDB memory_limit of the warehouse connections, e.g. "4GB" (docs/operations.md)
MEMORY_ENV = "DECLARATIEMONITOR_DUCKDB_GEHEUGEN"


class PipelineSettings(dg.ConfigurableResource):
    """Folders and reference date of a run (the schedule reads them from the environment)."""

    landing_dir: str = DEFAULT_LANDING
    out_dir: str = DEFAULT_OUT
    peildatum: str | None = None  # YYYY-MM-DD; empty = latest declaratie_dagtekening

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def out(self) -> Path:
        return Path(self.out_dir)

    def peildatum_value(self) -> date | None:
        if not self.peildatum:
            return None
        try:
            return date.fromisoformat(self.peildatum)
        except ValueError:
            raise InvoerFout(
                f"Ongeldige peildatum '{self.peildatum}': gebruik JJJJ-MM-DD."
            ) from None


class WarehouseResource(DuckDBResource):
    """The DuckDB warehouse, one run at a time and all-or-nothing (docs/operations.md).

    For the duration of a run (CLI, schedule, sensor or UI alike) it holds the warehouse lock
    and hands out connections to a work copy; the run's outputs go to a staging folder
    (`outputs`). The last step (`promotie`) makes the copy the warehouse and then moves the
    outputs into place; a run without that step is promoted here at the end when no step
    failed. Otherwise copy and outputs are thrown away. The work copy stays open for the
    whole run (one DuckDB database instance; the run's executor is in-process), so a step's
    connection costs no file open and reads what earlier steps left in DuckDB's buffer pool.
    The macros and schemas are created once, by the first step that asks for a prepared
    connection (`warehouse()`), for all later cursors (lib/warehouse.prepare_run).
    """

    wait_seconds: float = 0.0  # how long a run waits for a busy warehouse before it stops
    out_dir: str = ""  # the run's output folder; empty: outputs are not staged
    _run: RunCopy | None = PrivateAttr(default=None)
    _instance: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _run_prepared: bool = PrivateAttr(default=False)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseResource"]:
        if self.database == ":memory:":
            yield self
            return
        target = Path(self.database)
        with warehouse_lock(target, self.wait_seconds):
            run = RunCopy(target, Path(self.out_dir) if self.out_dir else None)
            work = run.begin()
            self._run = run
            try:
                self._instance = duckdb.connect(str(work), config=self._config())
                yield self
                self._close_work()
            except BaseException:
                self._close_work(finish=False)
                run.rollback()
                raise
            else:  # a run without the step `promotie` (e.g. one asset from the UI)
                if not run.promoted and _run_succeeded(context):
                    run.commit()  # a failure here Dagster only logs: run_pipeline checks
                elif not run.promoted:
                    run.rollback()
            finally:
                self._run = None

    def _close_work(self, finish: bool = True) -> None:
        """Close the run's database instance (DuckDB checkpoints it; promotion checks that)."""
        if self._instance is None:
            return
        try:
            if finish and self._run_prepared:
                finish_run(self._instance)
        finally:
            self._instance.close()
            self._instance = None
            self._run_prepared = False

    @property
    def outputs(self) -> Path | None:
        """The staging folder of this run's outputs (None outside a staged run)."""
        return self._run.outputs if self._run is not None else None

    def promote_now(self) -> list[str]:
        """The run's last step: close the work copy, make it the warehouse, publish the
        outputs. Raises (SchijfVol on a full disk) with the work copy thrown away."""
        if self._run is None:
            return []
        try:
            self._close_work()
        except BaseException:
            self._run.rollback()
            raise
        return self._run.commit()

    def prepared_connection_of_run(self) -> bool:
        """During a run: macros and schemas exist for every cursor (created on first call)."""
        if self._instance is None:
            return False
        if not self._run_prepared:  # steps run one after another (in-process executor)
            prepare_run(self._instance)
            self._run_prepared = True
        return True

    def _config(self) -> dict:
        return {"custom_user_agent": "dagster", **self.connection_config}

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._instance is not None:
            con = self._instance.cursor()
        elif self._run is not None and self._run.promoted:
            raise RuntimeError("het warehouse is al bijgewerkt: geen stap na de promotie")
        else:
            con = duckdb.connect(self.database, config=self._config())
        try:
            yield con
        finally:
            con.close()


def _run_succeeded(context: dg.InitResourceContext) -> bool:
    """No step of this run failed (a failed blocking check fails its step too)."""
    run = context.run
    if context.instance is None or run is None:
        return False
    failures = context.instance.all_logs(
        run.run_id,
        of_type={dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RESOURCE_INIT_FAILURE},
    )
    return not failures


@contextmanager
def warehouse(resource: DuckDBResource) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse connection with the project's macros and variables loaded; a full disk
    in the block becomes SchijfVol (one Dutch sentence)."""
    Path(resource.database).parent.mkdir(parents=True, exist_ok=True)
    shared = isinstance(resource, WarehouseResource) and resource.prepared_connection_of_run()
    out = getattr(resource, "out_dir", "") or None
    needed = disk.run_space_needed(Path(resource.database), out and Path(out))
    with disk.as_disk_full(Path(resource.database), needed), resource.get_connection() as con:
        prepare(con, run_prepared=shared)
        yield con


def output_dir(resource: DuckDBResource, settings: PipelineSettings) -> Path:
    """Where a step writes outputs: the run's staging folder (published with the warehouse),
    or OUT itself outside a staged run."""
    staged = resource.outputs if isinstance(resource, WarehouseResource) else None
    return staged if staged is not None else settings.out


def default_resources() -> dict:
    out = os.environ.get("DECLARATIEMONITOR_OUT", DEFAULT_OUT)
    return make_resources(
        landing_dir=os.environ.get("DECLARATIEMONITOR_LANDING", DEFAULT_LANDING),
        out_dir=out,
        warehouse_path=os.environ.get("DECLARATIEMONITOR_WAREHOUSE"),
        peildatum=os.environ.get("DECLARATIEMONITOR_PEILDATUM") or None,
    )


def make_resources(
    landing_dir: str, out_dir: str, warehouse_path: str | None = None, peildatum: str | None = None
) -> dict:
    """Resources of a run; relative folders are taken from the current directory here, once
    (Dagster steps and libraries such as GX must not depend on the working directory)."""
    landing_dir, out_dir = _absolute(landing_dir), _absolute(out_dir)
    database = _absolute(warehouse_path or str(Path(out_dir) / "warehouse.duckdb"))
    return {
        "duckdb": WarehouseResource(
            database=database,
            out_dir=out_dir,
            wait_seconds=default_wait(),
            connection_config=duckdb_config(database),
        ),
        "settings": PipelineSettings(landing_dir=landing_dir, out_dir=out_dir, peildatum=peildatum),
    }


def _absolute(path: str) -> str:
    return str(Path(path).expanduser().absolute())


def duckdb_config(database: str) -> dict:
    """DuckDB settings of the warehouse connections: without DECLARATIEMONITOR_DUCKDB_GEHEUGEN
    DuckDB takes up to 80 % of RAM; with it, that limit, spilling to `duckdb_tmp/` next to the
    warehouse."""
    limit = os.environ.get(MEMORY_ENV, "").strip()
    if not limit:
        return {}
    return {"memory_limit": limit, "temp_directory": str(Path(database).parent / "duckdb_tmp")}


defs = dg.Definitions(resources=default_resources())
