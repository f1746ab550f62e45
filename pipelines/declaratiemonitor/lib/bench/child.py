"""Inside a benchmark child process: `python -m declaratiemonitor.lib.bench.child MODE ARGS RESULT`.

MODE is `pipeline` (run_pipeline exactly as `declaratiemonitor run` does, plus per-step windows
from the run's Dagster event log and the XML step's figures), `floor` (bare DuckDB), `pandas` (the
reference rules) or `xml_floor` (lxml parsing the XML files, bench/xml_data.py).
The result is written as JSON; the parent measures the peak RSS with wait4.
"""

import json
import os
import sys
import time
import traceback
from pathlib import Path

STARTED = time.time()


def pipeline(args: dict) -> dict:
    import dagster as dg

    from declaratiemonitor.defs.resources import MEMORY_ENV
    from declaratiemonitor.lib.bench.measure import RssSampler, stage_of

    # run_pipeline makes its own ephemeral Dagster instance; keep a handle to read its event log
    instances = []
    ephemeral = dg.DagsterInstance.ephemeral

    def keep(*a, **kw):
        instance = ephemeral(*a, **kw)
        instances.append(instance)
        return instance

    dg.DagsterInstance.ephemeral = staticmethod(keep)
    if args.get("memory_limit"):  # the production setting; DuckDB spills next to the warehouse
        os.environ[MEMORY_ENV] = args["memory_limit"]
    from declaratiemonitor.pipeline import run_pipeline

    imported = time.time()
    error = None
    out = Path(args["out"])
    with RssSampler() as sampler:
        start = time.time()
        try:
            run_pipeline(Path(args["landing"]), out, out / "warehouse.duckdb", args["peildatum"])
        except Exception as exc:  # noqa: BLE001 - reported in the table, not hidden
            error = f"{type(exc).__name__}: {str(exc)[:2000]}"
        end = time.time()
    steps = _step_windows(instances[-1], sampler) if instances else []
    xml = _xml_metadata(instances[-1]) if instances else {}
    for s in steps:
        s["stage"] = stage_of(s["key"])
    return {
        "import_seconds": imported - STARTED,
        "run_seconds": end - start,
        "run_start": start,
        "run_end": end,
        "steps": steps,
        "error": error,
        "sampled_peak_rss": max((r for _, r, _ in sampler.samples), default=0),
        "run_cpu_seconds": sampler.cpu_between(start, end),
        "xml": xml,
    }


def _xml_metadata(instance) -> dict:
    """What the landing/xml step reported (lib/iwmo/cache.Refresh, as asset metadata)."""
    run = instance.get_runs(limit=1)[0]
    for entry in instance.all_logs(run.run_id):
        event = entry.dagster_event
        if event is None or event.event_type_value != "ASSET_MATERIALIZATION":
            continue
        mat = event.step_materialization_data.materialization
        if mat.asset_key.to_user_string() == "landing/xml":
            return {k: v.value for k, v in mat.metadata.items()}
    return {}


def _step_windows(instance, sampler) -> list[dict]:
    run = instance.get_runs(limit=1)[0]
    starts, steps = {}, []
    for entry in instance.all_logs(run.run_id):
        event = entry.dagster_event
        if event is None or not entry.step_key:
            continue
        kind = event.event_type_value
        if kind == "STEP_START":
            starts[entry.step_key] = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and entry.step_key in starts:
            begin = starts.pop(entry.step_key)
            steps.append(
                {
                    "key": entry.step_key,
                    "start": begin,
                    "end": entry.timestamp,
                    "seconds": entry.timestamp - begin,
                    "peak_rss": sampler.peak_between(begin, entry.timestamp),
                    "cpu_seconds": sampler.cpu_between(begin, entry.timestamp),
                    "ok": kind == "STEP_SUCCESS",
                }
            )
    return steps


def floor(args: dict) -> dict:
    from declaratiemonitor.lib.bench.floor import run_floor

    return run_floor(
        Path(args["landing"]),
        int(args.get("repeats", 3)),
        args.get("memory_limit"),
        args.get("temp_directory"),
    )


def pandas(args: dict) -> dict:
    from declaratiemonitor.lib.bench.pandas_rules import run_reference

    return run_reference(Path(args["landing"]), args["peildatum"], Path(args["signals"]))


def xml_floor(args: dict) -> dict:
    from declaratiemonitor.lib.bench.xml_data import floor as measure

    return measure(args)


MODES = {"pipeline": pipeline, "floor": floor, "pandas": pandas, "xml_floor": xml_floor}


def main(argv: list[str]) -> int:
    mode, args_path, result_path = argv
    args = json.loads(Path(args_path).read_text())
    try:
        result = MODES[mode](args)
    except Exception:  # noqa: BLE001 - the parent shows the log
        traceback.print_exc()
        return 1
    Path(result_path).write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    from declaratiemonitor.lib.process import exit_now

    exit_now(main(sys.argv[1:]))  # as `declaratiemonitor run` ends
