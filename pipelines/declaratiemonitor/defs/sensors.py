"""Sensor `landingsmap`: a run when new or changed files arrive in the landing folder.

The cursor is the digest of the folder's (name, size, mtime_ns) list, and that digest is the
run key: one change set gives exactly one run, an unchanged folder none. While files are still
being written (changed less than DECLARATIEMONITOR_RUST_SECONDEN ago) or while a run of the
job is queued or busy, the sensor waits without moving its cursor.
"""

import os

import dagster as dg

from declaratiemonitor.defs.resources import PipelineSettings
from declaratiemonitor.defs.schedules import nightly_job
from declaratiemonitor.lib.operations.landing_state import check

SETTLE_ENV = "DECLARATIEMONITOR_RUST_SECONDEN"
BUSY = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def settle_seconds() -> float:
    return float(os.environ.get(SETTLE_ENV, "30") or 0)


@dg.sensor(
    name="landingsmap",
    job=nightly_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Start de pijplijn zodra er nieuwe of gewijzigde bestanden in de landingsmap "
    "staan (elk bestand één keer: cursor op naam, grootte en wijzigingstijd).",
)
def landing_sensor(
    context: dg.SensorEvaluationContext, settings: PipelineSettings
) -> dg.SensorResult | dg.SkipReason:
    state = check(settings.landing)
    if state.digest is None:
        return dg.SkipReason(f"Geen bestanden in {settings.landing}.")
    if state.digest == context.cursor:
        return dg.SkipReason("Landingsmap ongewijzigd sinds de vorige run.")
    if state.newest_age_seconds < settle_seconds():
        return dg.SkipReason("Er worden nog bestanden geschreven; volgende keer opnieuw kijken.")
    if _job_busy(context):
        return dg.SkipReason(
            f"Er loopt al een run van {nightly_job.name}; wachten tot die klaar is"
        )
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=state.digest,
                tags={"declaratiemonitor/aanleiding": "landingsmap", "bestanden": str(state.files)},
            )
        ],
        cursor=state.digest,
    )


def _job_busy(context: dg.SensorEvaluationContext) -> bool:
    try:
        instance = context.instance
    except dg.DagsterInvariantViolationError:
        return False  # evaluated without an instance (tests): nothing can be running
    runs = instance.get_runs(
        filters=dg.RunsFilter(job_name=nightly_job.name, statuses=BUSY), limit=1
    )
    return bool(runs)
