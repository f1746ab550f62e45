"""Nightly operations on the real pipeline (issue 8), with a small generated landing folder:

- a new month of claims: only that month is staged again; old signals keep first_seen,
  new ones are `nieuw`, vanished ones are `opgelost` in the history;
- idempotent: the same landing twice gives identical signals and no duplicated rows;
- crash-safe: a run killed with SIGKILL during ingestion, rules or signals leaves the
  warehouse byte for byte as it was, and the next run gives the uninterrupted result;
- concurrency: a second run (or review import) while one is busy stops with a clear message,
  the first one completes and the warehouse is intact.

Dashboards are left out of these runs (they do not touch the lifecycle) to keep them short.
"""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from declaratiemonitor.cli import app
from declaratiemonitor.cli_review import review_app
from declaratiemonitor.lib import ingest, landing, staging
from declaratiemonitor.lib.contract import TABLES
from declaratiemonitor.lib.generate import generate
from declaratiemonitor.lib.operations import promotion
from declaratiemonitor.lib.operations.lock import RunBezig, warehouse_lock
from declaratiemonitor.lib.warehouse import connect, prepare
from declaratiemonitor.pipeline import run_pipeline

P1, P2 = "2026-10-23", "2026-11-23"
NEW_MONTH = date(2026, 10, 1)
SELECTION = dg.AssetSelection.all() - dg.AssetSelection.groups("dashboards")
KILL_POINTS = {
    "kopie": "shutil:copyfile",  # the work copy of the warehouse just written
    "inlezen": "declaratiemonitor.lib.operations.incremental:_replace_months",
    "regels": "declaratiemonitor.lib.rule_sql:run_rule",
    "signalen": "declaratiemonitor.lib.signals:update_history",
    # promotion: the work copy made durable, not yet renamed; the outputs are still staged
    "promotie": "declaratiemonitor.lib.operations.promotion:_fsync",
}
PAUSED_RUN = textwrap.dedent(
    """
    import importlib, sys, time
    from pathlib import Path
    landing, out, warehouse, peildatum, point, marker, pause = sys.argv[1:]
    module_name, name = point.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, name)

    def paused(*args, **kwargs):
        result = original(*args, **kwargs)
        Path(marker).write_text("bezig")
        while Path(pause).exists():
            time.sleep(0.05)
        return result

    setattr(module, name, paused)
    import dagster as dg
    from declaratiemonitor.pipeline import run_pipeline
    selection = dg.AssetSelection.all() - dg.AssetSelection.groups("dashboards")
    run_pipeline(Path(landing), Path(out), Path(warehouse), peildatum, selection=selection)
    """
)
runner = CliRunner()


def night(landing: Path, out: Path, warehouse: Path, peildatum: str) -> pl.DataFrame:
    run_pipeline(landing, out, warehouse, peildatum, selection=SELECTION)
    return read_signals(out)


def read_signals(out: Path, name: str = "signals.parquet") -> pl.DataFrame:
    return pl.read_parquet(out / name).sort("signal_id")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_counts(warehouse: Path) -> dict[str, int]:
    with connect(warehouse, read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where not temporary"
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchall()[0][0]
            for s, t in tables
        }


def query(warehouse: Path, sql: str) -> list[tuple]:
    with connect(warehouse, read_only=True) as con:
        return con.execute(sql).fetchall()


def split_landing(generated: Path, root: Path) -> tuple[Path, Path]:
    """Landing A: claims up to September; landing B: the same rows, then October appended."""
    claims = pl.read_parquet(generated / "declaraties.parquet")
    old = claims.filter(pl.col("begindatum").cast(pl.Date) < NEW_MONTH)
    new = claims.filter(pl.col("begindatum").cast(pl.Date) >= NEW_MONTH)
    assert old.height and new.height
    folders = []
    for name, rows in (("a", old), ("b", pl.concat([old, new]))):
        folder = root / f"landing_{name}"
        folder.mkdir()
        for path in generated.glob("*.parquet"):
            if path.name != "declaraties.parquet":
                shutil.copy(path, folder / path.name)
        rows.write_parquet(folder / "declaraties.parquet")
        folders.append(folder)
    return folders[0], folders[1]


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> dict:
    """The reference: night 1 on landing A, then night 2 on landing B, uninterrupted."""
    root = tmp_path_factory.mktemp("operations")
    generate(root / "generated", clients=200, seed=11, peildatum=date.fromisoformat(P2))
    landing_a, landing_b = split_landing(root / "generated", root)
    warehouse = root / "ref" / "warehouse.duckdb"
    first = night(landing_a, root / "ref" / "out1", warehouse, P1)
    after_first = root / "after_night1.duckdb"
    shutil.copyfile(warehouse, after_first)
    second = night(landing_b, root / "ref" / "out2", warehouse, P2)
    return {
        "root": root,
        "a": landing_a,
        "b": landing_b,
        "first": first,
        "second": second,
        "history": read_signals(root / "ref" / "out2", "signal_history.parquet"),
        "after_first": after_first,
        "warehouse": warehouse,
        "out2": root / "ref" / "out2",
    }


def fresh_copy(nights: dict, name: str) -> Path:
    """A warehouse as it was after night 1, in its own folder."""
    warehouse = nights["root"] / name / "warehouse.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(nights["after_first"], warehouse)
    return warehouse


# ---------------------------------------------------------------- new month, lifecycle


def test_new_month_stages_only_that_month(nights: dict) -> None:
    loaded = query(nights["warehouse"], "select maand from meta.laadlog order by maand")
    assert loaded == [(NEW_MONTH,)]
    counts = dict(query(nights["warehouse"], "select maand, keer_geladen from meta.laadstatus"))
    assert counts[NEW_MONTH] == 1 and set(counts.values()) == {1}  # no old month twice
    summary = json.loads((nights["out2"] / "run_summary.json").read_text(encoding="utf-8"))
    assert summary["laden"]["declaraties"]["maanden_geladen"] == ["2026-10"]
    assert summary["laden"]["declaraties"]["maanden_ongewijzigd"] == len(counts) - 1


def test_incremental_staging_equals_a_full_load(nights: dict, tmp_path: Path) -> None:
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(nights["warehouse"], copy)
    cols = ", ".join([*TABLES["declaraties"].staged_column_names, "_bron", "_regel", "_volgnr"])
    with connect(copy) as con:
        incremental = con.execute(f"select {cols} from staging.declaraties order by _volgnr")
        incremental = incremental.fetchall()
        quarantine = con.execute(
            "select _bron, _regel, reden, record from staging.quarantine "
            "where tabel = 'declaraties' order by all"
        ).fetchall()
        staging.stage_table(con, TABLES["declaraties"])  # the plain full load
        full = con.execute(f"select {cols} from staging.declaraties order by _volgnr").fetchall()
        full_quarantine = con.execute(
            "select _bron, _regel, reden, record from staging.quarantine "
            "where tabel = 'declaraties' order by all"
        ).fetchall()
    assert incremental == full and quarantine == full_quarantine


def test_old_signals_keep_first_seen_new_ones_are_nieuw(nights: dict) -> None:
    first, second, history = nights["first"], nights["second"], nights["history"]
    kept = second.filter(pl.col("signal_id").is_in(first["signal_id"].implode()))
    new = second.filter(~pl.col("signal_id").is_in(first["signal_id"].implode()))
    assert kept.height and new.height
    assert set(kept["first_seen"]) == {date.fromisoformat(P1)}
    assert set(kept["status"]) == {"open"}
    assert set(new["first_seen"]) == {date.fromisoformat(P2)}
    assert set(new["status"]) == {"nieuw"}
    gone = history.filter(~pl.col("signal_id").is_in(second["signal_id"].implode()))
    assert gone.height == first.height - kept.height
    assert set(gone["status"]) <= {"opgelost"}
    assert set(gone["opgelost_op"]) <= {date.fromisoformat(P2)}
    assert history.height == second.height + gone.height


# ---------------------------------------------------------------- idempotent


def test_same_landing_twice_identical_and_no_duplicates(nights: dict) -> None:
    warehouse = nights["root"] / "twice" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(nights["warehouse"], warehouse)
    before = table_counts(warehouse)
    again = night(nights["b"], warehouse.parent / "out", warehouse, P2)
    assert again.equals(nights["second"])
    assert read_signals(warehouse.parent / "out", "signal_history.parquet").equals(
        nights["history"]
    )
    after = table_counts(warehouse)
    assert after.pop("meta.laadlog") == 0 and before.pop("meta.laadlog") == 1  # per-run log:
    assert after == before  # no month reloaded this time; every other table the same size
    assert query(
        warehouse,
        "select count(*) - count(distinct signal_id) from main.signals union all "
        "select count(*) - count(distinct signal_id) from main.signal_history",
    ) == [(0,), (0,)]


# ---------------------------------------------------------------- crash-safe, concurrency


def start_paused(nights: dict, warehouse: Path, point: str) -> tuple[subprocess.Popen, Path]:
    """Night 2 in a subprocess, halted right after `point` did its writes."""
    folder = warehouse.parent
    marker, pause = folder / f"bij_{point}", folder / "pauze"
    pause.write_text("wacht")
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PAUSED_RUN,
            str(nights["b"]),
            str(folder / "out"),
            str(warehouse),
            P2,
            KILL_POINTS[point],
            str(marker),
            str(pause),
        ],
        cwd=folder,
    )
    deadline = time.monotonic() + 900
    while not marker.exists():
        assert proc.poll() is None, f"the run ended before reaching {point}"
        assert time.monotonic() < deadline, f"the run did not reach {point}"
        time.sleep(0.1)
    return proc, pause


def test_killed_runs_leave_the_warehouse_untouched_and_next_run_recovers(nights: dict) -> None:
    warehouse = fresh_copy(nights, "killed")
    before = digest(warehouse)
    for point in KILL_POINTS:
        proc, _pause = start_paused(nights, warehouse, point)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert digest(warehouse) == before, f"warehouse changed by a run killed at {point}"
        assert promotion.work_path(warehouse).exists()  # the killed run had written its copy
        assert not (warehouse.parent / "out" / "signals.parquet").exists()  # nothing published
        with warehouse_lock(warehouse, 0):  # the kernel released the killed run's lock
            pass
    assert query(warehouse, "select max(last_seen) from main.signal_history") == [
        (date.fromisoformat(P1),)
    ]
    recovered = night(nights["b"], warehouse.parent / "out", warehouse, P2)
    assert recovered.equals(nights["second"])
    assert read_signals(warehouse.parent / "out", "signal_history.parquet").equals(
        nights["history"]
    )
    assert not promotion.work_path(warehouse).exists()


def test_second_run_while_busy_stops_and_the_first_completes(nights: dict) -> None:
    warehouse = fresh_copy(nights, "busy")
    proc, pause = start_paused(nights, warehouse, "regels")
    try:
        with pytest.raises(RunBezig, match=r"^Er draait al een run op .*probeer het later"):
            night(nights["b"], warehouse.parent / "out_2", warehouse, P2)
        result = runner.invoke(
            app,
            [
                "run",
                "--landing",
                str(nights["b"]),
                "--out",
                str(warehouse.parent / "out_3"),
                "--warehouse",
                str(warehouse),
                "--peildatum",
                P2,
            ],
        )
        assert result.exit_code == 2 and "Er draait al een run op" in result.output
        review = warehouse.parent / "review.csv"
        review.write_text("signal_id,status,notitie,reviewer\n")
        result = runner.invoke(
            review_app, ["importeer", "--warehouse", str(warehouse), "--bestand", str(review)]
        )
        assert result.exit_code == 2 and "Er draait al een run op" in result.output
    finally:
        pause.unlink()
    assert proc.wait(timeout=900) == 0
    assert read_signals(warehouse.parent / "out").equals(nights["second"])
    con = duckdb.connect(str(warehouse), read_only=True)  # opens and reads: not corrupted
    try:
        count = con.execute("select count(*) from main.signals").fetchall()[0][0]
        assert count == nights["second"].height
    finally:
        con.close()


# ---------------------------------------------------------------- ingestion without copies


def test_first_load_stages_the_landing_rows_directly(nights: dict, tmp_path: Path) -> None:
    """Night 1 loads every month: staged straight from landing (no delta tables left), in file
    order, and the same rows and quarantine as the plain full load; the months are logged."""
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(nights["after_first"], copy)
    cols = ", ".join([*TABLES["declaraties"].staged_column_names, "_bron", "_regel", "_volgnr"])
    with connect(copy) as con:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        assert not [n for n in names if n.endswith("__delta")]
        loaded = con.execute(f"select {cols} from staging.declaraties").fetchall()
        assert [r[-1] for r in loaded] == sorted(r[-1] for r in loaded)  # stored in file order
        months = con.execute("select maand from meta.laadlog order by maand").fetchall()
        assert months == con.execute("select maand from meta.laadstatus order by maand").fetchall()
        quarantine = "select _bron, _regel, reden, record from staging.quarantine "
        quarantine += "where tabel = 'declaraties' order by all"
        first_quarantine = con.execute(quarantine).fetchall()
        landing.create_landing_table(con, TABLES["declaraties"])  # landed as a copy this time
        landing.load_files(
            con, TABLES["declaraties"], [nights["a"] / "declaraties.parquet"], nights["a"]
        )
        staging.stage_table(con, TABLES["declaraties"])
        full = con.execute(f"select {cols} from staging.declaraties").fetchall()
        assert loaded == full and first_quarantine == con.execute(quarantine).fetchall()


def test_one_parquet_file_is_landed_as_a_view_with_the_copied_rows(nights: dict) -> None:
    """A single Parquet file becomes a view with exactly the rows and columns the copy had; the
    next run can land a table in its place (e.g. when a CSV or XML arrives)."""
    table, root = TABLES["declaraties"], nights["a"]
    con = duckdb.connect()
    prepare(con)
    landing.create_landing_table(con, table)
    copied = landing.load_files(con, table, [root / "declaraties.parquet"], root)
    con.execute("create table copied as from landing.declaraties")
    viewed = landing.create_landing_view(con, table, root / "declaraties.parquet", root)
    assert (viewed.files, viewed.rows, viewed.notes) == (copied.files, copied.rows, copied.notes)
    kinds = con.execute(
        "select view_name from duckdb_views() where schema_name = 'landing'"
    ).fetchall()
    assert kinds == [("declaraties",)]
    assert (
        con.execute("describe landing.declaraties").fetchall()
        == con.execute("describe copied").fetchall()
    )
    assert (
        con.execute("from landing.declaraties").fetchall() == con.execute("from copied").fetchall()
    )
    assert not con.execute("from landing.declaraties__afgewezen").fetchall()
    landing.create_landing_table(con, table)  # a view is replaced by a table again
    assert con.execute("select count(*) from landing.declaraties").fetchall() == [(0,)]
    con.close()


def test_staged_rows_keep_file_order_also_when_the_order_check_fails(
    nights: dict, monkeypatch
) -> None:
    """The staged table is written without a sort and checked for `_volgnr` order; when the
    check fails it is sorted, so the stored order never depends on DuckDB's plan."""
    table, root = TABLES["declaraties"], nights["a"]
    con = duckdb.connect()
    prepare(con)
    con.execute("create table landing.up as select range as _volgnr from range(1000)")
    con.execute("create table landing.down as from landing.up order by _volgnr desc")
    assert staging._in_volgnr_order(con, "landing.up")
    assert not staging._in_volgnr_order(con, "landing.down")
    ingest.ensure_meta(con)
    landing.create_landing_table(con, table)
    landing.load_files(con, table, [root / "declaraties.parquet"], root)
    staging.stage_table(con, table)
    unsorted = con.execute("from staging.declaraties").fetchall()
    monkeypatch.setattr(staging, "_in_volgnr_order", lambda con, relation: False)
    staging.stage_table(con, table)
    resorted = con.execute("from staging.declaraties").fetchall()
    assert unsorted == resorted and len(resorted) > 1000
    assert [r[-1] for r in resorted] == sorted(r[-1] for r in resorted)
    con.close()


def test_repeated_key_is_quarantined_after_the_first_valid_row_in_file_order() -> None:
    """Only valid rows count for a key: an invalid first row is quarantined for its own reason,
    the first valid row is staged and every later valid row with that key is quarantined with
    the place of that first valid row. The staged rows keep file order."""
    table = TABLES["contactmomenten"]
    con = duckdb.connect()
    prepare(con)
    ingest.ensure_meta(con)
    landing.create_landing_table(con, table)
    rows = [  # (contact_id, minuten_gedeclareerd) in file order, from line 2
        ("c1", "30"),
        ("c1", "abc"),
        ("c2", "abc"),
        ("c2", "30"),
        ("c3", "30"),
        ("c1", "30"),
        ("c2", "30"),
        ("c1", "30"),
    ]
    for line, (contact, minutes) in enumerate(rows, start=2):
        con.execute(
            "insert into landing.contactmomenten values "
            "(?, '000001', '12345678', '123456782', '2026-01-05T10:00', 'direct', 'telefoon', "
            "'inhoudelijk', null, ?, 'c.csv', ?, ?)",
            [contact, minutes, str(line), line],
        )
    assert staging.stage_table(con, table) == (3, 5)
    staged = con.execute("select contact_id, _regel from staging.contactmomenten").fetchall()
    assert staged == [("c1", "2"), ("c2", "5"), ("c3", "6")]
    quarantined = con.execute(
        "select _regel, reden from staging.quarantine order by cast(_regel as int)"
    ).fetchall()
    unreadable = "onleesbare waarde in kolom minuten_gedeclareerd (verwacht geheel getal): 'abc'"
    assert quarantined == [
        ("3", unreadable),
        ("4", unreadable),
        ("7", "dubbele sleutel (contact_id): al gelezen in c.csv regel 2"),
        ("8", "dubbele sleutel (contact_id): al gelezen in c.csv regel 5"),
        ("9", "dubbele sleutel (contact_id): al gelezen in c.csv regel 2"),
    ]
    con.close()
