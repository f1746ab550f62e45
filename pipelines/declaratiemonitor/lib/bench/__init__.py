"""`declaratiemonitor bench`: time the whole pipeline against a bare-DuckDB floor and pandas.

- data.py: the benchmark's landing folder, generated once per size and seed (cached).
- measure.py: child processes with their peak RSS, and per-stage windows of a pipeline run.
- child.py: what runs inside those child processes (pipeline, floor, pandas).
- floor.py: bare DuckDB reading claims and allocations, joined and aggregated per allocation.
- pandas_rules.py: a straightforward pandas version of the uitnutting, vervoer and
  bw_afwezigheid rules, checked against the pipeline's signals (compare.py).
- report.py: runs everything and prints the table (docs/performance.md explains it).
"""
