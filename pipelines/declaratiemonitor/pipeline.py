"""Run the Dagster definitions in-process, as the CLI, the tests and the benchmark do."""

import gc
import logging
import os
import tempfile
from contextlib import contextmanager, nullcontext
from pathlib import Path

import dagster as dg

from declaratiemonitor.defs.resources import make_resources
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.faults import disk
from declaratiemonitor.lib.operations.lock import default_wait, warehouse_lock
from declaratiemonitor.lib.operations.publication import STOPPED

QUIET_LOGGERS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def load_definitions() -> dg.Definitions:
    from declaratiemonitor.definitions import defs

    return defs()


def run_pipeline(
    landing: Path,
    out: Path,
    warehouse: Path | None = None,
    peildatum: str | None = None,
    selection: str | None = None,
) -> dg.ExecuteInProcessResult:
    """Materialise every asset and check with these folders; InvoerFout on bad input.

    The run is all-or-nothing: it works on a copy of the warehouse that replaces the warehouse
    only when every step succeeded (WarehouseResource). RunBezig when another run holds the
    warehouse longer than DECLARATIEMONITOR_WACHTTIJD seconds.
    """
    out.mkdir(parents=True, exist_ok=True)
    definitions = load_definitions()
    resources = make_resources(
        str(landing), str(out), str(warehouse) if warehouse else None, peildatum
    )
    assets = list(definitions.assets or [])
    checks = list(definitions.asset_checks or [])
    _quiet_dagster()
    database = resources["duckdb"]
    wait = getattr(database, "wait_seconds", default_wait())
    in_memory = database.database == ":memory:"
    lock = nullcontext() if in_memory else warehouse_lock(Path(database.database), wait)
    with lock, _ephemeral_home(), _gc_for_run():
        result = dg.materialize(
            [*assets, *checks],
            resources=resources,
            run_config=QUIET_LOGGERS,
            selection=selection,
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        )
    _raise_on_blocking_checks(result, out)
    _raise_on_failure(result, Path(database.database), out)
    if not result.success:
        raise RuntimeError("run mislukt: onbekende oorzaak")
    return result


def _raise_on_blocking_checks(result: dg.ExecuteInProcessResult, out: Path) -> None:
    failed = [
        e
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    if failed:
        details = "; ".join(f"{e.check_name.removeprefix('gx_')}: {e.description}" for e in failed)
        report = out / STOPPED / "kwaliteit.html"
        where = f" Kwaliteitsrapport van deze run: {report}." if report.exists() else ""
        raise InvoerFout(
            f"Kwaliteitscontrole mislukt, de regels zijn niet gedraaid ({details}).{where}"
        )


def _raise_on_failure(result: dg.ExecuteInProcessResult, warehouse: Path, out: Path) -> None:
    """The first failure of the run as the run's message: an InvoerFout (also SchijfVol,
    RunBezig) raised in a step or the resource as its Dutch sentence, a full disk reported
    in other words as SchijfVol, anything else as a bug. A failed teardown of the warehouse
    resource (promotion of a run without the `promotie` step) counts too: Dagster only logs
    it and calls the run a success."""
    for where, error in _failures(result):
        chain = []
        while error is not None:
            chain.append(error)
            error = error.cause or error.context
        for err in chain:
            if err.cls_name in _user_error_names():
                raise InvoerFout(err.message.split(":", 1)[-1].strip())
        if any(disk.mentions_full(err.message) for err in chain):
            raise disk.SchijfVol(disk.message(warehouse, disk.run_space_needed(warehouse, out)))
        raise RuntimeError(f"{where} mislukt: " + chain[-1].to_string())


def _failures(result: dg.ExecuteInProcessResult):
    for event in result.all_events:
        data = event.event_specific_data
        error = getattr(data, "error", None)
        if error is None:
            continue
        if event.is_step_failure:
            yield f"stap {event.step_key}", error
        elif event.event_type in (
            dg.DagsterEventType.RESOURCE_INIT_FAILURE,
            dg.DagsterEventType.ENGINE_EVENT,
            dg.DagsterEventType.RUN_FAILURE,
        ):
            yield "run", error


def _user_error_names() -> set[str]:
    names, todo = set(), [InvoerFout]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


@contextmanager
def _gc_for_run():
    """Python's cyclic garbage collector during a run: the objects that exist before the run
    (imported modules, the definitions; ~170 000) are frozen, so that its full collections do
    not walk them again, and it collects young objects every 10 000 allocations instead of
    700. A 1 M run spent ~1,6 s in the collector, now ~0,5-0,8 s. Restored after the run."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, 20, 10)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _quiet_dagster() -> None:
    for name in ("dagster", "dagster.builtin"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


class _ephemeral_home:
    """Dagster wants a DAGSTER_HOME for some code paths; give it a throw-away one."""

    def __enter__(self):
        self._old = os.environ.get("DAGSTER_HOME")
        if self._old is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="dagster-home-")
            os.environ["DAGSTER_HOME"] = self._tmp.name
        return self

    def __exit__(self, *exc):
        if self._old is None:
            del os.environ["DAGSTER_HOME"]
            self._tmp.cleanup()
        return False
