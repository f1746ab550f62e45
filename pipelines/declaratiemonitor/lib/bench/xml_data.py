"""The XML benchmark's landing folder and its floor.

The folder is `declaratiemonitor generate --xml` (allocations, claims and care messages as
iWmo 3.2 messages), made once per size and seed and kept. The 323 messages dated in the
latest month are "the new month": the benchmark runs without them first and adds them later.

The floor is what reading these files cannot beat: lxml parsing every file (with the reader's
own safe parser settings) and walking every record element (Prestatie, ToegewezenProduct,
StartProduct, StopProduct) with lxml's C iterator, in one process. It is measured per file, so
that any subset (the files a run parsed) has its floor.
"""

import hashlib
import json
import re
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from declaratiemonitor.lib.bench.data import BENCH_DIR, source_fingerprint
from declaratiemonitor.paths import PACKAGE_DIR

META_FILE = "bench_xml.json"
LATER = "later"  # the new month's files while they are held back
_DAGTEKENING = re.compile(rb"DeclaratieDagtekening>\s*(\d{4}-\d{2})")
RECORDS = ("Prestatie", "ToegewezenProduct", "StartProduct", "StopProduct")


@dataclass
class XmlData:
    folder: Path
    landing: Path
    later: list[str]  # paths (relative to landing/xml) of the new month's messages
    month: str  # JJJJ-MM
    generated_seconds: float | None  # None: taken from the cache


def data_dir(clients: int, seed: int, root: Path = BENCH_DIR) -> Path:
    return root / f"xml-clients-{clients}-seed-{seed}"


def ensure_xml_data(clients: int, seed: int, peildatum: date, root: Path = BENCH_DIR, log=print):
    from declaratiemonitor.lib.generate import generate

    folder = data_dir(clients, seed, root)
    wanted = {"clients": clients, "seed": seed, "peildatum": str(peildatum)}
    wanted["fingerprint"] = source_fingerprint() + _writer_fingerprint()
    meta_path = folder / META_FILE
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if {k: meta.get(k) for k in wanted} == wanted:
            return XmlData(folder, folder / "landing", meta["later"], meta["month"], None)
    if folder.exists():
        shutil.rmtree(folder)  # generate() does not clear sub-folders of xml/
    log(f"XML-benchmarkdata maken: {clients:,} cliënten in {folder} …")
    start = time.perf_counter()
    generate(folder / "landing", clients, seed, peildatum, xml=True)
    month, later = latest_month(folder / "landing" / "xml")
    seconds = time.perf_counter() - start
    meta_path.write_text(json.dumps({**wanted, "month": month, "later": later}, indent=2))
    return XmlData(folder, folder / "landing", later, month, seconds)


def _writer_fingerprint() -> str:
    """The message writer shapes the files too (names, grouping)."""
    digest = hashlib.sha256()
    for path in sorted((PACKAGE_DIR / "lib" / "iwmo").glob("*.py")):
        if path.stem in ("writer", "writer_325", "templates"):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def latest_month(xml_dir: Path) -> tuple[str, list[str]]:
    """The latest DeclaratieDagtekening month of the 323 messages, and those messages."""
    months = {}
    for path in sorted(xml_dir.rglob("*323*.xml")):
        found = _DAGTEKENING.search(path.read_bytes()[:8192])
        if found:
            months[path.relative_to(xml_dir).as_posix()] = found.group(1).decode()
    month = max(months.values())
    return month, sorted(p for p, m in months.items() if m == month)


def hold_back(data: XmlData, held: bool) -> None:
    """Move the new month's files out of the landing folder (held) or back in."""
    xml, side = data.landing / "xml", data.folder / LATER
    for rel in data.later:
        inside, outside = xml / rel, side / rel
        source, target = (inside, outside) if held else (outside, inside)
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)


def floor(args: dict) -> dict:
    """Inside a child process: per file the CPU seconds of parsing it and walking its
    records, and the records found."""
    from lxml import etree

    from declaratiemonitor.lib.iwmo.files import list_files
    from declaratiemonitor.lib.iwmo.safety import new_tree_parser

    parser = new_tree_parser()
    tags = [f"{{*}}{name}" for name in RECORDS]
    seconds, records, sizes = {}, 0, {}
    for found in list_files(Path(args["xml"])):
        start = time.process_time()
        root = etree.parse(str(found.path), parser).getroot()
        for _ in root.iter(*tags):
            records += 1
        seconds[found.bron] = time.process_time() - start
        sizes[found.bron] = found.size
    return {"seconds": seconds, "records": records, "sizes": sizes}
