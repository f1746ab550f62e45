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
from declaratiemonitor.lib.operations.lock import default_wait, warehouse_lock

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
    _raise_on_blocking_checks(result)
    _raise_on_step_failure(result)
    if not result.success:
        raise RuntimeError(f"run mislukt: {_first_failure(result)}")
    return result


def _first_failure(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_failure and event.event_specific_data is not None:
            error = getattr(event.event_specific_data, "error", None)
            if error is not None:
                return error.to_string()
    return "onbekende oorzaak"


def _raise_on_blocking_checks(result: dg.ExecuteInProcessResult) -> None:
    failed = [
        e
        for e in result.get_asset_check_evaluations()
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]
    if failed:
        details = "; ".join(f"{e.check_name}: {e.description}" for e in failed)
        raise InvoerFout(f"Kwaliteitscontrole mislukt, de regels zijn niet gedraaid ({details}).")


def _raise_on_step_failure(result: dg.ExecuteInProcessResult) -> None:
    """An InvoerFout raised in an asset becomes the run's message; anything else is a bug."""
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        error = event.step_failure_data.error
        chain = []
        while error is not None:
            chain.append(error)
            error = error.cause
        for err in chain:
            if err.cls_name == InvoerFout.__name__:
                raise InvoerFout(err.message.split(":", 1)[-1].strip())
        raise RuntimeError(f"stap {event.step_key} mislukt: " + chain[-1].to_string())


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
