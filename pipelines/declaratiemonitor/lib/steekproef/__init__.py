"""Audit sample (steekproef) for controllers: planning, selection, evaluation, extension, Excel.

Sizes and bounds as the R package jfa defines planning() and evaluation(): exact Gamma / Beta /
hypergeometric quantiles, and a sample passes only when its upper bound is strictly below the
materiality. Plain functions, no Dagster: the CLI (`cli_steekproef.py`) and the job
(`defs/steekproef.py`) are thin wrappers around these modules.
"""

from declaratiemonitor.lib.steekproef.errors import SteekproefFout
from declaratiemonitor.lib.steekproef.evaluation import Evaluatie, evaluate
from declaratiemonitor.lib.steekproef.excel import write_excel
from declaratiemonitor.lib.steekproef.excel_read import Bestand, read_excel
from declaratiemonitor.lib.steekproef.extension import uitbreiden
from declaratiemonitor.lib.steekproef.parameters import Parameters
from declaratiemonitor.lib.steekproef.population import load_population, population_hash
from declaratiemonitor.lib.steekproef.report import write_evaluation
from declaratiemonitor.lib.steekproef.sample import Steekproef, trek
from declaratiemonitor.lib.steekproef.sizing import Planning, planning
from declaratiemonitor.lib.steekproef.stringer import stringer

__all__ = [
    "Bestand",
    "Evaluatie",
    "Parameters",
    "Planning",
    "Steekproef",
    "SteekproefFout",
    "evaluate",
    "load_population",
    "planning",
    "population_hash",
    "read_excel",
    "stringer",
    "trek",
    "uitbreiden",
    "write_evaluation",
    "write_excel",
]
