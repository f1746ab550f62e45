"""The floor: what no pipeline can beat on these files.

Bare DuckDB (in memory, all cores) reads the claim lines and the allocations straight from the
landing Parquet files, joins them on gemeente + toewijzing_nummer and aggregates per allocation
(lines, volume, amount). Every rule has to do at least this much work; the rule stage is compared
with it (`regels / vloer`).
"""

import time
from pathlib import Path

import duckdb

FLOOR_SQL = """
create or replace temp table vloer as
select
    t.gemeente_code,
    t.toewijzing_nummer,
    count(*) as regels,
    sum(d.geleverd_volume) as volume,
    sum(d.ingediend_bedrag_cents) as bedrag_cents
from read_parquet($claims) as d
inner join read_parquet($allocations) as t
    on d.gemeente_code = t.gemeente_code and d.toewijzing_nummer = t.toewijzing_nummer
group by t.gemeente_code, t.toewijzing_nummer
"""


def run_floor(
    landing: Path,
    repeats: int = 3,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
) -> dict:
    params = {
        "claims": str(landing / "declaraties.parquet"),
        "allocations": str(landing / "toewijzingen.parquet"),
    }
    config = {"memory_limit": memory_limit} if memory_limit else {}
    if memory_limit and temp_directory:
        config["temp_directory"] = temp_directory
    con = duckdb.connect(config=config)
    seconds = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        con.execute(FLOOR_SQL, params).fetchall()
        seconds.append(time.perf_counter() - start)
    groups, lines = con.execute("select count(*), sum(regels) from vloer").fetchall()[0]
    con.close()
    return {"seconds": seconds, "groups": groups, "lines_joined": int(lines or 0)}
