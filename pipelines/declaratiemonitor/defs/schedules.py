"""The nightly run: everything, at 02:00 Dutch time."""

import dagster as dg

nightly_job = dg.define_asset_job(
    name="nachtelijke_run",
    selection=dg.AssetSelection.all(),
    description="Alle assets en kwaliteitscontroles: inlezen, regels, signalen, dashboards.",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nachtelijk_0200",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Amsterdam",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Elke nacht om 02:00 (Europe/Amsterdam) de hele pijplijn.",
)
