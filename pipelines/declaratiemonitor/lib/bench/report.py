"""Run the benchmark (data, pipeline, floor, pandas, comparison) and format the table."""

import json
import os
import platform
import shutil
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from declaratiemonitor.lib.bench import compare as cmp
from declaratiemonitor.lib.bench.data import BENCH_DIR, BenchData, data_dir, ensure_data
from declaratiemonitor.lib.bench.measure import (
    GIB,
    MIB,
    ChildResult,
    MemoryLimitExceeded,
    run_child,
)
from declaratiemonitor.lib.bench.pandas_rules import RULES as PANDAS_RULES
from declaratiemonitor.lib.sql_header import read_sql_file
from declaratiemonitor.paths import MODELS_DIR, RULES_DIR

STAGES = [
    ("inlezen", "inlezen (landing, staging)"),
    ("controles", "controles (Great Expectations)"),
    ("modellen", "modellen"),
    ("regels", "regels"),
    ("signalen", "signalen, publicatie"),
    ("dashboards", "dashboards"),
]
TARGETS = {  # docs/performance.md; benchmark figures, never asserted in tests
    "eind_tot_eind_s": 60,
    "piek_rss_gib": 4,
    "regels_per_vloer": 3,
    "pandas_per_pijplijn": 20,
}


@dataclass
class StageRow:
    name: str
    seconds: float
    peak_rss: int | None
    rows_per_second: float | None
    sql_seconds: float | None = None
    steps: int = 0
    cpu_seconds: float | None = None


@dataclass
class BenchReport:
    claims: int
    allocations: int
    seed: int
    peildatum: str
    machine: dict
    stages: list[StageRow]
    total_seconds: float
    total_peak_rss: int
    total_cpu_seconds: float
    startup_seconds: float
    overhead_seconds: float
    floor_seconds: float
    floor_runs: list[float]
    floor_peak_rss: int
    floor_cpu_seconds: float
    pandas_seconds: float | None
    pandas_read_seconds: float | None
    pandas_peak_rss: int | None
    pandas_cpu_seconds: float | None
    pipeline_same_rules_seconds: float | None
    rules_stage_seconds: float
    comparison: list[cmp.RuleComparison] = field(default_factory=list)
    pipeline_error: str | None = None
    generated_seconds: float | None = None
    pandas_note: str | None = None

    @property
    def rules_per_floor(self) -> float:
        return self.rules_stage_seconds / self.floor_seconds if self.floor_seconds else float("nan")

    @property
    def pandas_per_pipeline(self) -> float | None:
        if self.pandas_seconds is None or not self.pipeline_same_rules_seconds:
            return None
        return self.pandas_seconds / self.pipeline_same_rules_seconds

    @property
    def signals_equal(self) -> bool:
        compared = [c for c in self.comparison if c.status != "overgeslagen"]
        return bool(compared) and all(c.status == "gelijk" for c in compared)


def child_env(root: Path) -> dict:
    """Children run like an installed package: Python's bytecode cache on (in root/pycache
    when the environment switched it off), so imports are not compiled anew every run."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return {}
    return {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(root / "pycache")}


def machine_info() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import psutil

        memory = psutil.virtual_memory().total
    except ImportError:  # pragma: no cover
        memory = 0
    return {
        "cpu": cpu,
        "kernen": os.cpu_count(),
        "geheugen_gib": round(memory / GIB, 1),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "os": platform.platform(),
        "datum": datetime.now().isoformat(timespec="minutes"),
        "load_voor": round(os.getloadavg()[0], 1),
    }


def run_bench(
    claims: int,
    seed: int = 1,
    peildatum: date = date(2026, 11, 23),
    root: Path = BENCH_DIR,
    floor_repeats: int = 3,
    memory_limit: str | None = None,
    with_pandas: bool = True,
    pandas_memory: int | None = 12 * GIB,
    log=print,
) -> BenchReport:
    data = ensure_data(claims, seed, peildatum, root, log=log)
    work = data_dir(claims, seed, root) / "run"
    if work.exists():
        shutil.rmtree(work)
    out = work / "uit"
    machine = machine_info()
    log(f"Vloer meten (kale DuckDB, {floor_repeats}×) …")
    floor = run_child(
        "floor",
        {
            "landing": data.landing,
            "repeats": floor_repeats,
            "memory_limit": memory_limit,
            "temp_directory": str(work / "duckdb_tmp"),
        },
        work,
        env=child_env(root),
    )
    log("Pijplijn draaien (eigen proces) …")
    pipe = run_child(
        "pipeline",
        {
            "landing": data.landing,
            "out": out,
            "peildatum": str(peildatum),
            "memory_limit": memory_limit,  # DuckDB spills to out/duckdb_tmp (resources.py)
        },
        work,
        env=child_env(root),
    )
    pandas_result = None
    comparison: list[cmp.RuleComparison] = []
    pandas_note = None
    if with_pandas:
        log("pandas-referentie draaien (eigen proces) …")
        try:
            pandas_result = run_child(
                "pandas",
                {
                    "landing": data.landing,
                    "peildatum": str(peildatum),
                    "signals": work / "pandas_signals.parquet",
                },
                work,
                env=child_env(root),
                rss_limit=pandas_memory,
            )
        except MemoryLimitExceeded as exc:
            pandas_note = str(exc)
        warehouse = out / "warehouse.duckdb"
        if pandas_result is not None and warehouse.exists():
            comparison = cmp.compare(warehouse, work / "pandas_signals.parquet", list(PANDAS_RULES))
    machine["load_na"] = round(os.getloadavg()[0], 1)
    report = build_report(
        data, seed, str(peildatum), machine, pipe, floor, pandas_result, comparison, out
    )
    report.pandas_note = pandas_note
    (work / "bench_report.json").write_text(json.dumps(report_json(report), indent=2, default=str))
    return report


def _sql_seconds(out: Path) -> dict[str, float]:
    """meta.stap_tijden: the time inside each asset's SQL (lib/timing.py)."""
    summary = out / "run_summary.json"
    if not summary.exists():
        warehouse = out / "warehouse.duckdb"
        if not warehouse.exists():
            return {}
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            return dict(con.execute("from meta.stap_tijden").fetchall())
        except duckdb.Error:
            return {}
        finally:
            con.close()
    return json.loads(summary.read_text()).get("stappen_seconden", {})


def build_report(
    data: BenchData,
    seed: int,
    peildatum: str,
    machine: dict,
    pipe: ChildResult,
    floor: ChildResult,
    pandas_result: ChildResult | None,
    comparison: list[cmp.RuleComparison],
    out: Path,
) -> BenchReport:
    steps = pipe.data["steps"]
    sql = _sql_seconds(out)
    rows = data.claims
    stages = []
    for key, label in STAGES:
        mine = [s for s in steps if s["stage"] == key]
        seconds = sum(s["seconds"] for s in mine)
        sql_s = [sql.get(s["key"].replace("__", "/")) for s in mine]
        stages.append(
            StageRow(
                label,
                seconds,
                max((s["peak_rss"] for s in mine), default=None),
                rows / seconds if seconds else None,
                sum(x for x in sql_s if x is not None)
                if any(x is not None for x in sql_s)
                else None,
                len(mine),
                sum(s.get("cpu_seconds", 0.0) for s in mine),
            )
        )
    in_steps = sum(s["seconds"] for s in steps)
    run_seconds = pipe.data["run_seconds"]
    startup = pipe.wall_seconds - run_seconds
    same_rules = None
    if pandas_result is not None:
        wanted = {"rules__" + r.replace(".", "__") for r in PANDAS_RULES}
        wanted |= {"models__" + m for m in models_read_by(list(PANDAS_RULES))}
        same_rules = sum(s["seconds"] for s in steps if s["key"] in wanted)
    rules_stage = sum(s["seconds"] for s in steps if s["stage"] in ("modellen", "regels"))
    return BenchReport(
        claims=data.claims,
        allocations=data.allocations,
        seed=seed,
        peildatum=peildatum,
        machine=machine,
        stages=stages,
        total_seconds=pipe.wall_seconds,
        total_peak_rss=pipe.peak_rss,
        total_cpu_seconds=pipe.cpu_seconds,
        startup_seconds=startup,
        overhead_seconds=run_seconds - in_steps,
        floor_seconds=statistics.median(floor.data["seconds"]),
        floor_runs=floor.data["seconds"],
        floor_peak_rss=floor.peak_rss,
        floor_cpu_seconds=floor.cpu_seconds / max(len(floor.data["seconds"]), 1),
        pandas_seconds=pandas_result.data["seconds"] if pandas_result else None,
        pandas_read_seconds=pandas_result.data["read_seconds"] if pandas_result else None,
        pandas_peak_rss=pandas_result.peak_rss if pandas_result else None,
        pandas_cpu_seconds=pandas_result.cpu_seconds if pandas_result else None,
        pipeline_same_rules_seconds=same_rules,
        rules_stage_seconds=rules_stage,
        comparison=comparison,
        pipeline_error=pipe.data.get("error"),
        generated_seconds=data.generated_seconds,
    )


def models_read_by(rule_ids: list[str]) -> set[str]:
    """The models these rules read (`-- reads:` headers), directly or through other models."""
    todo = [RULES_DIR / f"{r.split('.')[0]}/{r.split('.')[1]}.sql" for r in rule_ids]
    seen: set[str] = set()
    while todo:
        path = todo.pop()
        if not path.exists():
            continue
        for read in read_sql_file(path).reads:
            schema, _, name = read.partition(".")
            if schema == "models" and name not in seen:
                seen.add(name)
                todo.append(MODELS_DIR / f"{name}.sql")
    return seen


def report_json(report: BenchReport) -> dict:
    from dataclasses import asdict

    out = asdict(report)
    out["regels_per_vloer"] = report.rules_per_floor
    out["pandas_per_pijplijn"] = report.pandas_per_pipeline
    out["signalen_gelijk"] = report.signals_equal
    return out


# ---- formatting (Dutch, for the terminal) -----------------------------------------------------
def _n(x: float, decimals: int = 0) -> str:
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{_n(seconds, 1)} s"


def _mem(size: int | None) -> str:
    if not size:
        return "-"
    return f"{_n(size / GIB, 2)} GiB" if size >= GIB else f"{_n(size / MIB)} MiB"


def _rate(r: float | None) -> str:
    return "-" if not r else _n(r)


def format_report(report: BenchReport) -> str:
    m = report.machine
    lines = [
        f"Benchmark declaratiemonitor: {_n(report.claims)} declaratieregels, "
        f"{_n(report.allocations)} toewijzingen (seed {report.seed}, peildatum {report.peildatum})",
        f"Machine: {m['cpu']}, {m['kernen']} kernen, {_n(m['geheugen_gib'], 1)} GiB; "
        f"DuckDB {m['duckdb']}, Python {m['python']}; {m['datum']}; "
        f"load {_n(m['load_voor'], 1)} -> {_n(m['load_na'], 1)}",
        "",
        f"{'stap':<34}{'wandtijd':>10}{'CPU-tijd':>10}{'SQL':>9}{'piek-RSS':>11}{'regels/s':>12}",
    ]

    def row(label, seconds, cpu, sql, rss, rate):
        lines.append(
            f"{label:<34}{_s(seconds):>10}{_s(cpu):>10}{_s(sql):>9}{_mem(rss):>11}{_rate(rate):>12}"
        )

    row("opstarten (Python, Dagster)", report.startup_seconds, None, None, None, None)
    for st in report.stages:
        label = f"{st.name} ({st.steps})" if st.name.startswith("regels") else st.name
        row(label, st.seconds, st.cpu_seconds, st.sql_seconds, st.peak_rss, st.rows_per_second)
    row("Dagster tussen de stappen", report.overhead_seconds, None, None, None, None)
    row(
        "TOTAAL eind tot eind",
        report.total_seconds,
        report.total_cpu_seconds,
        None,
        report.total_peak_rss,
        report.claims / report.total_seconds,
    )
    lines.append("")
    row(
        "vloer: kale DuckDB (mediaan)",
        report.floor_seconds,
        report.floor_cpu_seconds,
        None,
        report.floor_peak_rss,
        report.claims / report.floor_seconds,
    )
    if report.pandas_seconds is not None:
        row(
            f"pandas ({len(PANDAS_RULES)} regels + modellen)",
            report.pandas_seconds,
            None,
            None,
            report.pandas_peak_rss,
            report.claims / report.pandas_seconds,
        )
        row(
            "  pijplijn, dezelfde regels",
            report.pipeline_same_rules_seconds,
            None,
            None,
            None,
            report.claims / report.pipeline_same_rules_seconds
            if report.pipeline_same_rules_seconds
            else None,
        )
        row("  pandas: bestanden lezen", report.pandas_read_seconds, None, None, None, None)
    lines.append("")
    lines.append(
        f"regels (modellen + regels) / vloer: {_n(report.rules_per_floor, 1)}x "
        f"(doel <= {TARGETS['regels_per_vloer']}x)"
    )
    if report.pandas_per_pipeline is not None:
        lines.append(
            f"pandas / pijplijn (dezelfde regels):  {_n(report.pandas_per_pipeline, 1)}x "
            f"(doel >= {TARGETS['pandas_per_pijplijn']}x)"
        )
    lines.append(
        f"eind tot eind: {_s(report.total_seconds)} (doel bij 10 M regels <= "
        f"{TARGETS['eind_tot_eind_s']} s), piek-RSS {_mem(report.total_peak_rss)} "
        f"(doel <= {TARGETS['piek_rss_gib']} GiB)"
    )
    if report.comparison:
        equal = [c for c in report.comparison if c.status == "gelijk"]
        compared = [c for c in report.comparison if c.status != "overgeslagen"]
        lines.append(
            f"signalen pandas = pijplijn: {len(equal)} van {len(compared)} vergeleken regels "
            f"gelijk ({sum(c.pipeline for c in equal)} signalen)"
        )
        for c in report.comparison:
            if c.status == "overgeslagen":
                lines.append(f"  {c.rule_id}: overgeslagen ({c.note})")
            elif c.status == "verschil":
                lines.append(f"  {c.rule_id}: VERSCHIL pijplijn {c.pipeline}, pandas {c.pandas}")
                lines += [f"    alleen pijplijn: {cmp.describe(x)}" for x in c.only_pipeline]
                lines += [f"    alleen pandas:   {cmp.describe(x)}" for x in c.only_pandas]
    if report.pandas_note:
        lines.append(f"pandas niet gemeten: {report.pandas_note}")
    if report.pipeline_error:
        lines.append(f"LET OP: de pijplijn gaf een fout: {report.pipeline_error[:400]}")
    return "\n".join(lines)
