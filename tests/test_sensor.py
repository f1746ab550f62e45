"""Sensor `landingsmap`: a new or changed file gives exactly one run request, an unchanged
folder none; files still being written and a busy run postpone it without losing the change."""

import os
import time
from pathlib import Path

import dagster as dg
import pytest

from declaratiemonitor.defs.resources import PipelineSettings
from declaratiemonitor.defs.sensors import SETTLE_ENV, landing_sensor
from declaratiemonitor.pipeline import load_definitions


def tick(landing: Path, cursor: str | None, instance=None):
    context = dg.build_sensor_context(
        cursor=cursor,
        instance=instance,
        resources={"settings": PipelineSettings(landing_dir=str(landing))},
    )
    result = landing_sensor(context)
    if isinstance(result, dg.SkipReason):
        return [], cursor, result.skip_message
    return result.run_requests, result.cursor, None


def age(path: Path, seconds: int = 120) -> None:
    """Pretend the file was written a while ago (settled)."""
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


@pytest.fixture
def landing(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv(SETTLE_ENV, "30")
    folder = tmp_path / "landing"
    folder.mkdir()
    for name in ("toewijzingen.csv", "declaraties.csv"):
        (folder / name).write_text("kop\nregel\n")
        age(folder / name)
    return folder


def test_sensor_is_registered_on_the_nightly_job() -> None:
    sensor = load_definitions().resolve_sensor_def("landingsmap")
    assert sensor.job_name == "nachtelijke_run"


def test_new_file_one_run_request_unchanged_folder_none(landing: Path) -> None:
    requests, cursor, _ = tick(landing, None)
    assert len(requests) == 1 and requests[0].run_key == cursor
    assert tick(landing, cursor)[0] == []  # unchanged: nothing
    (landing / "contactmomenten.csv").write_text("kop\n")
    age(landing / "contactmomenten.csv")
    requests, new_cursor, _ = tick(landing, cursor)
    assert len(requests) == 1 and new_cursor != cursor
    assert requests[0].run_key != cursor  # one run key per change set
    assert tick(landing, new_cursor)[0] == []  # processed once


def test_changed_or_removed_file_triggers_once(landing: Path) -> None:
    _, cursor, _ = tick(landing, None)
    (landing / "declaraties.csv").write_text("kop\nregel\nnog een regel\n")
    age(landing / "declaraties.csv")
    requests, cursor, _ = tick(landing, cursor)
    assert len(requests) == 1
    (landing / "declaraties.csv").unlink()
    requests, cursor, _ = tick(landing, cursor)
    assert len(requests) == 1
    assert tick(landing, cursor)[0] == []


def test_files_in_xml_subfolder_count_and_temp_files_do_not(landing: Path) -> None:
    _, cursor, _ = tick(landing, None)
    (landing / "~$declaraties.xlsx").write_text("excel lock")
    (landing / ".declaraties.csv.part").write_text("half")
    assert tick(landing, cursor)[0] == []
    (landing / "xml").mkdir()
    (landing / "xml" / "323_001.xml").write_text("<bericht/>")
    age(landing / "xml" / "323_001.xml")
    assert len(tick(landing, cursor)[0]) == 1


def test_file_still_being_written_waits_without_moving_the_cursor(landing: Path) -> None:
    _, cursor, _ = tick(landing, None)
    (landing / "zorgmeldingen.csv").write_text("kop\n")  # modified just now
    requests, same, message = tick(landing, cursor)
    assert requests == [] and same == cursor and "geschreven" in message
    age(landing / "zorgmeldingen.csv")
    assert len(tick(landing, cursor)[0]) == 1


def test_busy_run_postpones_the_request(landing: Path) -> None:
    with dg.instance_for_test() as instance:
        job = load_definitions().resolve_job_def("nachtelijke_run")
        instance.create_run_for_job(job, status=dg.DagsterRunStatus.STARTED)
        requests, cursor, message = tick(landing, None, instance)
        assert requests == [] and cursor is None and "loopt al een run" in message


def test_empty_or_missing_folder_no_run(tmp_path: Path) -> None:
    assert tick(tmp_path / "bestaat-niet", None)[0] == []
    (tmp_path / "leeg").mkdir()
    assert tick(tmp_path / "leeg", None)[0] == []
