"""Resources: the warehouse (DuckDB) and where the landing and output folders are."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.warehouse import prepare
from declaratiemonitor.paths import DEMO_DIR

DEFAULT_LANDING = str(DEMO_DIR / "landing")
DEFAULT_OUT = str(DEMO_DIR / "out")


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


@contextmanager
def warehouse(resource: DuckDBResource) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse connection with the project's macros and variables loaded."""
    Path(resource.database).parent.mkdir(parents=True, exist_ok=True)
    with resource.get_connection() as con:
        prepare(con)
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
        "duckdb": DuckDBResource(database=database),
        "settings": PipelineSettings(landing_dir=landing_dir, out_dir=out_dir, peildatum=peildatum),
    }


defs = dg.Definitions(resources=default_resources())
