"""Reading landing files faithfully: CSV in the contract form or as Dutch Excel saves it, .xlsx
sheets, every encoding a Dutch office produces, and an account of every line.

`read_csv` / `read_xlsx` fill the temporary tables `_rows` and `_rejected` and return a
`FileRead` with the count the file holds by a pass that does not trust the parser;
`dialect.column_reading` gives the SQL that turns the file's values into the contract form.
"""

from declaratiemonitor.lib.tabular.csv_file import read_csv
from declaratiemonitor.lib.tabular.dialect import Reading, column_reading, fixed_width
from declaratiemonitor.lib.tabular.lines import PREFIX as REJECT_PREFIX
from declaratiemonitor.lib.tabular.read import FileRead
from declaratiemonitor.lib.tabular.xlsx import read_xlsx

__all__ = [
    "REJECT_PREFIX",
    "FileRead",
    "Reading",
    "column_reading",
    "fixed_width",
    "read_csv",
    "read_xlsx",
]
