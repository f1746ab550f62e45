"""`declaratiemonitor bench --xml`: the XML step of pipeline runs on a region's XML messages.

Four runs, each a whole pipeline run in its own process (measure.run_child), on the data of
xml_data.py: a first run without the newest month of 323 messages (every file parsed), a
rerun without new files, a rerun with the new month added, and a first run on a fresh
warehouse with all files (a full parse, whose signals must equal those of the third run). In
the same session the floor (xml_data.floor) is measured once, per file, so that every run's
XML step is compared with the floor of exactly the files it parsed: the CPU seconds of the
XML step in all processes against the floor's CPU seconds on one core.
"""

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from declaratiemonitor.lib.bench.data import BENCH_DIR
from declaratiemonitor.lib.bench.measure import run_child
from declaratiemonitor.lib.bench.report import _mem, _n, _s, child_env, machine_info
from declaratiemonitor.lib.bench.xml_data import ensure_xml_data, hold_back

XML_STEP = "landing__xml"


@dataclass
class XmlRun:
    label: str
    files: int
    megabytes: float
    parsed: int
    parsed_megabytes: float
    fast: int
    rows: int  # rows of the parsed files
    workers: int
    parallel: bool
    step_seconds: float  # wall time of the landing/xml step
    cpu_seconds: float  # CPU of the step in the pipeline process and in its workers
    floor_seconds: float  # floor CPU seconds of the files this run parsed
    run_seconds: float  # the whole pipeline run
    peak_rss: int

    @property
    def per_floor(self) -> float | None:
        return self.cpu_seconds / self.floor_seconds if self.floor_seconds > 0.05 else None


@dataclass
class XmlReport:
    clients: int
    seed: int
    month: str
    machine: dict
    floor_seconds: float
    floor_megabytes: float
    records: int
    runs: list[XmlRun] = field(default_factory=list)
    signals_equal: bool = False
    generated_seconds: float | None = None


def run_xml_bench(
    clients: int,
    seed: int = 3,
    peildatum: date = date(2026, 11, 23),
    root: Path = BENCH_DIR,
    workers: int | None = None,
    log=print,
) -> XmlReport:
    from declaratiemonitor.lib.iwmo.cache import WORKERS_ENV

    data = ensure_xml_data(clients, seed, peildatum, root, log=log)
    work = data.folder / "run"
    if work.exists():
        shutil.rmtree(work)
    env = {**child_env(root), **({WORKERS_ENV: str(workers)} if workers else {})}
    hold_back(data, held=False)
    log("Vloer meten (lxml, elk bestand, 1 kern) …")
    floor = run_child("xml_floor", {"xml": data.landing / "xml"}, work, env=env).data
    per_file, sizes = floor["seconds"], floor["sizes"]
    report = XmlReport(
        clients, seed, data.month, machine_info(), sum(per_file.values()),
        sum(sizes.values()) / 2**20, floor["records"], generated_seconds=data.generated_seconds,
    )  # fmt: skip
    later = set(data.later)
    plan = [
        ("eerste run, zonder de laatste maand", True, "uit", set(per_file) - later),
        ("herhaling, geen nieuwe bestanden", True, "uit", set()),
        (f"herhaling, + maand {data.month} ({len(later)} bestanden)", False, "uit", later),
        ("volledige eerste run (verse warehouse)", False, "vol", set(per_file)),
    ]
    for label, held, out, parsed in plan:
        hold_back(data, held=held)
        log(f"Pijplijn: {label} …")
        result = run_child(
            "pipeline",
            {"landing": data.landing, "out": work / out, "peildatum": str(peildatum)},
            work / f"kind-{len(report.runs)}",
            env=env,
        )
        report.runs.append(_run(label, result, sum(per_file[b] for b in parsed)))
    hold_back(data, held=False)
    report.signals_equal = _same_signals(work / "uit", work / "vol")
    machine = report.machine
    machine["load_na"] = round(__import__("os").getloadavg()[0], 1)
    return report


def _run(label: str, result, floor_seconds: float) -> XmlRun:
    data = result.data
    if data.get("error"):
        raise RuntimeError(f"{label}: {data['error']}")
    step = next(s for s in data["steps"] if s["key"] == XML_STEP)
    xml = data["xml"]
    cpu = step.get("cpu_seconds", 0.0) + (xml["lezen_cpu_seconden"] if xml["parallel"] else 0)
    return XmlRun(
        label, xml["bestanden"], xml["megabytes"], xml["gelezen"], xml["gelezen_megabytes"],
        xml["snel_gelezen"], xml["gelezen_rijen"], xml["processen"], xml["parallel"],
        step["seconds"], cpu, floor_seconds, data["run_seconds"], result.peak_rss,
    )  # fmt: skip


def _same_signals(a: Path, b: Path) -> bool:
    columns = ["signal_id", "rule_id", "impact_cents", "evidence", "message"]
    left = pl.read_parquet(a / "signals.parquet", columns=columns).sort("signal_id")
    right = pl.read_parquet(b / "signals.parquet", columns=columns).sort("signal_id")
    return left.height > 0 and left.equals(right)


def format_xml_report(r: XmlReport) -> str:
    m = r.machine
    lines = [
        f"XML-benchmark declaratiemonitor: {_n(r.clients)} cliënten (seed {r.seed}), "
        f"{_n(r.runs[-1].files)} bestanden, {_n(r.floor_megabytes, 1)} MB, "
        f"{_n(r.records)} record-elementen",
        f"Machine: {m['cpu']}, {m['kernen']} kernen; {m['datum']}; "
        f"load {_n(m['load_voor'], 1)} -> {_n(m.get('load_na', 0), 1)}",
        f"Vloer (lxml parse + records aflopen, 1 kern): {_s(r.floor_seconds)} CPU, "
        f"{_n(r.floor_megabytes / r.floor_seconds, 1)} MB/s",
        "",
        f"{'run':<44}{'gelezen':>13}{'XML-stap':>10}{'CPU':>9}{'rijen/s':>11}"
        f"{'x vloer':>9}{'run':>9}{'piek':>10}",
    ]
    for run in r.runs:
        read = f"{_n(run.parsed)}/{_n(run.files)}"
        rate = run.rows / run.step_seconds if run.parsed and run.step_seconds else None
        ratio = "-" if run.per_floor is None else f"{_n(run.per_floor, 2)}x"
        lines.append(
            f"{run.label:<44}{read:>13}{_s(run.step_seconds):>10}{_s(run.cpu_seconds):>9}"
            f"{'-' if rate is None else _n(rate):>11}{ratio:>9}{_s(run.run_seconds):>9}"
            f"{_mem(run.peak_rss):>10}"
        )
    first = r.runs[-1]
    lines += [
        "",
        f"processen: {first.workers} ({'parallel' if first.parallel else 'in één proces'}); "
        f"snel gelezen bij de volledige run: {_n(first.fast)} van {_n(first.parsed)} bestanden "
        "(325-antwoorden altijd met de stroomlezer)",
        "x vloer = CPU-seconden van de XML-stap (alle processen) / CPU-seconden van de vloer "
        "op dezelfde bestanden (doel <= 2)",
        f"signalen na de herhaling met de nieuwe maand = volledige run: "
        f"{'ja' if r.signals_equal else 'NEE'}",
    ]
    return "\n".join(lines)
