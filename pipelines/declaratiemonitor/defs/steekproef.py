"""Dagster job `steekproef_job`: draw an audit sample from the warehouse to OUT/steekproef/*.xlsx.

Run config example:
    ops:
      trek_steekproef:
        config: {methode: mus, seed: 20250101, betrouwbaarheid: 0.95, materialiteit: 0.02}
"""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from declaratiemonitor.defs.resources import PipelineSettings, warehouse
from declaratiemonitor.lib.names import load as load_names
from declaratiemonitor.lib.steekproef import Parameters, load_population, trek, write_excel
from declaratiemonitor.lib.steekproef.parameters import CONFIDENCE_DEFAULT, MATERIALITY_DEFAULT
from declaratiemonitor.lib.steekproef.population import read_peildatum


class SteekproefConfig(dg.Config):
    """Parameters of the sample; the seed is required so that every run can be reproduced."""

    methode: str = "mus"
    seed: int
    betrouwbaarheid: float = CONFIDENCE_DEFAULT
    materialiteit: float = MATERIALITY_DEFAULT
    verwachte_fout: float = 0.0
    likelihood: str = "poisson"
    strata: str | None = None
    per: str | None = None
    allocatie: str = "aantal"
    aantal: int | None = None
    gemeente: str | None = None
    jaar: int | None = None

    def parameters(self) -> Parameters:
        return Parameters(**self.model_dump())


def output_path(out_dir: str | Path, methode: str, seed: int) -> Path:
    return Path(out_dir) / "steekproef" / f"steekproef_{methode}_{seed}.xlsx"


@dg.op(description="Trek een steekproef uit het warehouse en schrijf die naar Excel.")
def trek_steekproef(
    context: dg.OpExecutionContext,
    config: SteekproefConfig,
    duckdb: DuckDBResource,
    settings: PipelineSettings,
) -> dg.Output[str]:
    params = config.parameters()
    with warehouse(duckdb) as con:
        population = load_population(con, params.methode, params.gemeente, params.jaar)
        steekproef = trek(population, params, read_peildatum(con))
        names = load_names(con)
    path = write_excel(
        steekproef, output_path(settings.out_dir, params.methode, params.seed), names
    )
    summary = steekproef.summary()
    context.log.info(f"Steekproef {params.methode} (n = {summary['n']}) geschreven naar {path}")
    metadata = {k: v for k, v in summary.items() if v is not None} | {"bestand": str(path)}
    return dg.Output(str(path), metadata=metadata)


@dg.job(description="Steekproef voor controllers (Excel in OUT/steekproef).")
def steekproef_job() -> None:
    trek_steekproef()
