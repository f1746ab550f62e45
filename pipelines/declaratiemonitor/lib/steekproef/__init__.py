"""Audit sample (steekproef) for controllers: sizing, selection, evaluation and Excel.

Plain functions, no Dagster: the CLI (`cli_steekproef.py`) and the job (`defs/steekproef.py`)
are thin wrappers around these modules.
"""

from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.evaluation import Evaluatie, evaluate, stringer_bound
from declaratiemonitor.lib.steekproef.excel import read_excel, write_excel
from declaratiemonitor.lib.steekproef.population import load_population, population_hash
from declaratiemonitor.lib.steekproef.selection import Parameters, Steekproef, trek
from declaratiemonitor.lib.steekproef.sizing import (
    attribute_sample_size,
    expansion_factor,
    mus_sample_size,
    poisson_factor,
)

__all__ = [
    "Evaluatie",
    "Parameters",
    "Steekproef",
    "SteekproefFout",
    "attribute_sample_size",
    "evaluate",
    "expansion_factor",
    "load_population",
    "mus_sample_size",
    "poisson_factor",
    "population_hash",
    "read_excel",
    "stringer_bound",
    "trek",
    "write_excel",
]
