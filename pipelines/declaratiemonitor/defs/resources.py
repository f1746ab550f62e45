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
from declaratiemonitor.lib.operations import promotion
from declaratiemonitor.lib.operations.lock import default_wait, warehouse_lock
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
    and hands out connections to a work copy; when the run ends without a failed step the
    copy replaces the warehouse atomically, otherwise it is thrown away. The work copy stays
    open for the whole run (one DuckDB database instance; the run's executor is in-process),
    so a step's connection costs no file open and reads what earlier steps left in DuckDB's
    buffer pool. The macros and schemas are created once, by the first step that asks for a
    prepared connection (`warehouse()`), for all later cursors (lib/warehouse.prepare_run).
    """

    wait_seconds: float = 0.0  # how long a run waits for a busy warehouse before it stops
    _work: str | None = PrivateAttr(default=None)
    _instance: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _run_prepared: bool = PrivateAttr(default=False)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseResource"]:
        if self.database == ":memory:":
            yield self
            return
        target = Path(self.database)
        with warehouse_lock(target, self.wait_seconds):
            work = promotion.start(target)
            self._work = str(work)
            try:
                with self._open_for_run(work):
                    yield self
            except BaseException:
                promotion.discard(work)
                raise
            else:
                if _run_succeeded(context):
                    promotion.promote(work, target)
                else:
                    promotion.discard(work)
            finally:
                self._work = None

    @contextmanager
    def _open_for_run(self, work: Path) -> Iterator[None]:
        self._instance = duckdb.connect(str(work), config=self._config())
        try:
            yield
            if self._run_prepared:
                finish_run(self._instance)
        finally:
            self._instance.close()  # checkpoints: the file is complete before promotion
            self._instance = None
            self._run_prepared = False

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
    """A warehouse connection with the project's macros and variables loaded."""
    Path(resource.database).parent.mkdir(parents=True, exist_ok=True)
    shared = isinstance(resource, WarehouseResource) and resource.prepared_connection_of_run()
    with resource.get_connection() as con:
        prepare(con, run_prepared=shared)
        yield con


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
    database = warehouse_path or str(Path(out_dir) / "warehouse.duckdb")
    return {
        "duckdb": WarehouseResource(
            database=database,
            wait_seconds=default_wait(),
            connection_config=duckdb_config(database),
        ),
        "settings": PipelineSettings(landing_dir=landing_dir, out_dir=out_dir, peildatum=peildatum),
    }


def duckdb_config(database: str) -> dict:
    """DuckDB settings of the warehouse connections: without DECLARATIEMONITOR_DUCKDB_GEHEUGEN
    DuckDB takes up to 80 % of RAM; with it, that limit, spilling to `duckdb_tmp/` next to the
    warehouse."""
    limit = os.environ.get(MEMORY_ENV, "").strip()
    if not limit:
        return {}
    return {"memory_limit": limit, "temp_directory": str(Path(database).parent / "duckdb_tmp")}


defs = dg.Definitions(resources=default_resources())
