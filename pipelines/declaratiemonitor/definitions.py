"""The Dagster code location: everything under defs/ is loaded; policies are applied here."""

from pathlib import Path

import dagster as dg

import declaratiemonitor.defs


@dg.definitions
def defs() -> dg.Definitions:
    loaded = dg.load_from_defs_folder(
        path_within_project=Path(declaratiemonitor.defs.__file__).parent
    )
    # DuckDB has one writer per file: every run executes its steps one at a time, in process.
    return dg.Definitions.merge(loaded, dg.Definitions(executor=dg.in_process_executor))
