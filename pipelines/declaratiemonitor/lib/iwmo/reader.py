"""Read iWmo/iJw 3.2 messages (301, 305, 307, 323, 325) from a folder into contract tables.

Every `*.xml` file under the folder (recursively, in path order) is read by files.py: the
fast path (fast.py) for a clean message, the streaming reader (stream.py) for everything else,
so a rejection and its reason are always the streaming reader's. With `workers` > 1 the files
are read in that many processes (pool.py), with the same rows in the same order.
"""

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from declaratiemonitor.lib.iwmo.files import Task, list_files
from declaratiemonitor.lib.iwmo.pool import parse_groups, plan_groups
from declaratiemonitor.lib.iwmo.rows import REJECTED_COLUMNS, schema, table_schema
from declaratiemonitor.lib.iwmo.standard import TABLES


@dataclass
class XmlBatch:
    tables: dict[str, pa.Table]
    rejected: pa.Table


def read_xml_folder(xml_dir: Path, workers: int = 1) -> XmlBatch:
    """Read every *.xml file under `xml_dir` (recursively, in path order)."""
    found = list_files(Path(xml_dir))
    groups = plan_groups([Task(f.path, f.bron, None, f.size, f.symlink) for f in found])
    parts: dict[str, list[pa.Table]] = {t: [table_schema(t).empty_table()] for t in TABLES}
    rejected = [schema(REJECTED_COLUMNS).empty_table()]
    for result in parse_groups(groups, workers):
        for name, table in result.tables.items():
            parts[name].append(table.drop_columns(["_volgnr"]))
        rejected.append(result.rejected.drop_columns(["_volgnr"]))
    return XmlBatch(
        {t: pa.concat_tables(p).combine_chunks() for t, p in parts.items()},
        pa.concat_tables(rejected).combine_chunks(),
    )
