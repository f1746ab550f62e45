"""The output folder follows the warehouse, never runs ahead of it.

A run writes its outputs (signals.parquet, signal_history.parquet, quarantine/,
run_summary.json, dashboards/, aanbieders/) into a hidden staging folder `OUT/.uitvoer.werk/`.
Only after the work copy has become the warehouse (promotion.promote) are they moved into
place, each with a rename on the same file system (no disk space needed, never half a file). A
run that fails leaves the old outputs, which belong to the old warehouse; its staging folder is
removed.
"""

import os
import shutil
from pathlib import Path

STAGING = ".uitvoer.werk"
STOPPED = "gestopte_run"  # diagnostics of a run that stopped (e.g. its quality report)
# folders whose files are written one by one (a run may write some pages only, e.g. one asset
# materialised in the UI; the nightly packs are written for providers with new signals only, the
# others keep their latest): merged file by file; other folders (quarantine/) are complete sets
MERGED = ("dashboards", "aanbieders")
# left by older versions: GX's data docs, which load their scripts from public CDNs
LEGACY = ("dashboards/kwaliteit",)


def staging_dir(out: Path) -> Path:
    return Path(out) / STAGING


def start(out: Path) -> Path:
    """A fresh, empty staging folder (what a killed run left there is thrown away)."""
    folder = staging_dir(out)
    discard(out)
    folder.mkdir(parents=True)
    return folder


def discard(out: Path) -> None:
    shutil.rmtree(staging_dir(out), ignore_errors=True)


def publish(out: Path) -> list[str]:
    """Move everything the run staged into OUT; returns the names moved.

    A file replaces its old version atomically; dashboards/ is merged file by file; another
    folder (quarantine/) is swapped: old aside, new in place, old removed. Call after the
    warehouse was promoted."""
    folder = staging_dir(out)
    if not folder.is_dir():
        return []
    moved = []
    for entry in sorted(folder.iterdir()):
        target = Path(out) / entry.name
        if entry.is_dir() and entry.name in MERGED:
            _merge_folder(entry, target)
        elif entry.is_dir():
            _swap_folder(entry, target)
        else:
            os.replace(entry, target)
        moved.append(entry.name)
    shutil.rmtree(folder)
    for old in (STOPPED, *LEGACY):  # a stopped run's report is older than this run
        shutil.rmtree(Path(out) / old, ignore_errors=True)
    return moved


def _merge_folder(new: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(new.iterdir()):
        if entry.is_dir():
            _merge_folder(entry, target / entry.name)
        else:
            os.replace(entry, target / entry.name)


def _swap_folder(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.oud")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)
