"""Parse each XML file once (lib/iwmo/cache.py), the fast path and parallel reading: the same
rows and rejections as one process parsing every file with the streaming reader."""

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from declaratiemonitor.lib.ingest import ensure_meta
from declaratiemonitor.lib.iwmo import cache, pool, read_xml_folder
from declaratiemonitor.lib.iwmo.files import SYMLINK, list_files
from declaratiemonitor.lib.iwmo.rows import Sink
from declaratiemonitor.lib.iwmo.standard import TABLES
from declaratiemonitor.lib.iwmo.stream import MessageReader
from declaratiemonitor.lib.warehouse import prepare

SAMPLES = Path(__file__).parent / "xml_samples"


def reference(folder: Path):
    """Every file through the streaming reader, in path order: what the project read before."""
    sink = Sink()
    for f in list_files(folder):
        if f.symlink:
            sink.reject("xml", f.bron, "/", SYMLINK)
        else:
            MessageReader(f.path, f.bron, sink).run()
    return sink.tables(), sink.rejected_table()


def landing(tmp_path: Path) -> Path:
    """The hand-written iWmo and iJw samples, a 325 example, hostile files and a messy 323."""
    folder = tmp_path / "xml"
    shutil.copytree(SAMPLES / "iwmo", folder / "iwmo")
    shutil.copytree(SAMPLES / "ijw", folder / "ijw")
    shutil.copytree(SAMPLES / "hostile", folder / "hostile")
    shutil.copy(SAMPLES / "jaapjunior" / "WMO325.xml", folder / "WMO325.xml")
    text = (SAMPLES / "iwmo" / "wmo323_0505_12345678.xml").read_text()
    # pretty-printed values and a value with a tab: still read exactly
    (folder / "iwmo" / "wmo323_rommel.xml").write_text(
        text.replace(">RN0401<", ">\n\t\tRN0401 \n<").replace(">0000200<", ">00\t00200<")
    )
    (folder / "iwmo" / "afgebroken.xml").write_text(text[: len(text) // 2])
    edge = {
        # fast path: a comment inside a value, CDATA, an empty element
        "c_commentaar.xml": text.replace(">RN0401<", ">RN04<!-- x -->01<")
        .replace(">0000200<", "><![CDATA[00<00]]>200<")
        .replace("<wmo323:ProductTarief>19500</wmo323:ProductTarief>", "<wmo323:ProductTarief/>"),
        # streaming reader: an element inside a value, U+E000, over the limits, twice
        "c_genest.xml": text.replace(">82<", ">8<x/>2<"),
        "c_e000.xml": text.replace(">RN0403<", ">RN&#57344;0403<"),
        "c_diep.xml": text.replace(
            "<wmo323:GeleverdVolume>960<",
            "<wmo323:X>" * 25 + "</wmo323:X>" * 25 + "<wmo323:GeleverdVolume>960<",
        ),
        "c_lang.xml": text.replace(">RN0402<", ">" + "R" * 5000 + "<"),
        "c_dubbel.xml": text.replace(
            "<wmo323:Eenheid>82</wmo323:Eenheid>",
            "<wmo323:Eenheid>82</wmo323:Eenheid><wmo323:Eenheid>83</wmo323:Eenheid>",
        ),
    }
    for name, content in edge.items():
        (folder / "iwmo" / name).write_text(content)
    return folder


def warehouse() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    prepare(con)
    ensure_meta(con)
    return con


def cached_tables(con) -> tuple[dict, object]:
    tables = {t: con.sql(f"from landing.xml_{t}").pl().drop("_volgnr") for t in TABLES}
    rejected = con.sql("select tabel, _bron, _regel, reden from landing.xml_afgewezen").pl()
    return tables, rejected


def assert_same(got: tuple, expected: tuple) -> None:
    tables, rejected = got
    for name, table in expected[0].items():
        assert tables[name].to_dicts() == table.to_pylist(), name
    assert rejected.to_dicts() == expected[1].to_pylist()


# -- fast path and parallel reading -------------------------------------------------------
@pytest.mark.parametrize("workers", [1, 2])
def test_reading_equals_the_streaming_reader(tmp_path, monkeypatch, workers):
    monkeypatch.setattr(pool, "PARALLEL_MIN_BYTES", 0)  # a pool even for a few files
    monkeypatch.setattr(pool, "GROUP_BYTES", 2_000)  # and many groups
    folder = landing(tmp_path)
    batch = read_xml_folder(folder, workers=workers)
    expected_tables, expected_rejected = reference(folder)
    for name, table in expected_tables.items():
        assert batch.tables[name].to_pylist() == table.to_pylist(), name
    assert batch.rejected.to_pylist() == expected_rejected.to_pylist()
    assert batch.tables["declaraties"].num_rows == 22  # iWmo, iJw, messy, edge cases
    reasons = " ".join(batch.rejected.column("reden").to_pylist())
    assert "te diep genest" in reasons and "langer dan" in reasons and "meer dan eens" in reasons


def test_the_fast_path_reads_clean_messages(tmp_path):
    """Clean 323s and 307s go through the XSLT path; a file with a comment, an element twice,
    a withdrawn start or a 325 goes to the streaming reader."""
    from declaratiemonitor.lib.iwmo.files import Task, parse_group

    folder = landing(tmp_path)
    found = list_files(folder)
    result = parse_group([Task(f.path, f.bron, None, f.size, f.symlink) for f in found])
    fast = {o.bron for o in result.outcomes if o.fast}
    assert {"iwmo/wmo323_0505_12345678.xml", "iwmo/wmo307_0505_12345678.xml"} <= fast
    assert {"iwmo/wmo323_rommel.xml", "iwmo/c_commentaar.xml"} <= fast
    slow = {o.bron for o in result.outcomes} - fast
    assert {"iwmo/wmo305_0505_12345678.xml", "WMO325.xml", "iwmo/afgebroken.xml"} <= slow
    assert {f"iwmo/c_{n}.xml" for n in ("genest", "e000", "diep", "lang", "dubbel")} <= slow
    assert {"hostile/billion_laughs.xml", "hostile/wmo301_versie_2_4.xml"} <= slow


# -- the cache ------------------------------------------------------------------------------
def test_first_refresh_equals_a_full_parse(tmp_path):
    folder, con = landing(tmp_path), warehouse()
    done = cache.refresh(con, folder, workers=1)
    assert done.full and done.parsed == done.files == len(list_files(folder))
    assert_same(cached_tables(con), reference(folder))


def test_rerun_without_changes_reads_nothing(tmp_path, monkeypatch):
    folder, con = landing(tmp_path), warehouse()
    cache.refresh(con, folder, workers=1)
    # files written just now are hashed again (their change may be younger than the listing)
    again = cache.refresh(con, folder, workers=1)
    assert (again.parsed, again.same_content, again.kept) == (0, again.files, 0)
    monkeypatch.setattr(cache, "QUIET_NS", 0)
    cache.refresh(con, folder, workers=1)
    quiet = cache.refresh(con, folder, workers=1)
    assert (quiet.parsed, quiet.same_content, quiet.kept) == (0, 0, quiet.files)
    assert not quiet.full
    assert_same(cached_tables(con), reference(folder))


def test_new_changed_and_removed_files(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "QUIET_NS", 0)
    folder, con = landing(tmp_path), warehouse()
    cache.refresh(con, folder, workers=1)
    changed = folder / "iwmo" / "wmo323_0505_12345678.xml"
    stat = changed.stat()
    text = changed.read_text().replace(">960<", ">961<")  # same size, same mtime
    changed.write_text(text)
    os.utime(changed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (folder / "ijw" / "jw305_1771_12345678.xml").unlink()
    shutil.copy(SAMPLES / "iwmo" / "wmo301_0505_12345678.xml", folder / "aaa_nieuw.xml")
    done = cache.refresh(con, folder, workers=1)
    assert (done.parsed, done.removed) == (2, 1)
    assert_same(cached_tables(con), reference(folder))
    volumes = con.execute(
        "select geleverd_volume from landing.xml_declaraties where _bron like 'iwmo/wmo323_0505%'"
    ).fetchall()
    assert ("961",) in volumes


def test_cached_rejections_stay(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "QUIET_NS", 0)
    folder, con = landing(tmp_path), warehouse()
    first = cache.refresh(con, folder, workers=1)
    second = cache.refresh(con, folder, workers=1)
    assert second.parsed == 0 and second.rejected == first.rejected > 0
    reasons = [r[0] for r in con.execute("select reden from landing.xml_afgewezen").fetchall()]
    assert any("DOCTYPE" in r for r in reasons) and any("afgebroken" in r for r in reasons)


def test_reparse_on_request_and_for_a_new_reader_version(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "QUIET_NS", 0)
    folder, con = landing(tmp_path), warehouse()
    cache.refresh(con, folder, workers=1)
    forced = cache.refresh(con, folder, workers=1, reparse=True)
    assert forced.full and forced.parsed == forced.files
    monkeypatch.setattr(cache, "VERSION", cache.VERSION + "-test")
    upgraded = cache.refresh(con, folder, workers=1)
    assert upgraded.full and upgraded.parsed == upgraded.files
    assert_same(cached_tables(con), reference(folder))


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.delenv(cache.WORKERS_ENV, raising=False)
    monkeypatch.delenv(cache.REPARSE_ENV, raising=False)
    assert cache.settings_from_env() == (None, False)
    monkeypatch.setenv(cache.WORKERS_ENV, "3")
    monkeypatch.setenv(cache.REPARSE_ENV, "1")
    assert cache.settings_from_env() == (3, True)


def test_missing_folder_empties_the_cache(tmp_path):
    folder, con = landing(tmp_path), warehouse()
    cache.refresh(con, folder, workers=1)
    shutil.rmtree(folder)
    done = cache.refresh(con, folder, workers=1)
    assert done.removed > 0 and done.rows == 0 and done.rejected == 0


def test_cli_options_reach_the_xml_step(tmp_path, monkeypatch):
    """`run --xml-processen 1 --xml-opnieuw`: the XML step reads with one process and parses
    every file again (on a second run too)."""
    from typer.testing import CliRunner

    from declaratiemonitor.cli import app

    monkeypatch.setenv(cache.WORKERS_ENV, "")
    monkeypatch.setenv(cache.REPARSE_ENV, "")
    monkeypatch.setattr(cache, "QUIET_NS", 0)
    land = tmp_path / "landing"
    shutil.copytree(SAMPLES / "iwmo", land / "xml")
    seen = []
    real = cache.refresh
    monkeypatch.setattr(cache, "refresh", lambda *a, **kw: seen.append(real(*a, **kw)) or seen[-1])
    args = ["run", "--landing", str(land), "--out", str(tmp_path / "uit"), "--peildatum"]
    args += ["2026-06-30", "--xml-processen", "1", "--xml-opnieuw"]
    for _ in range(2):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    assert [(r.workers, r.full, r.parsed) for r in seen] == [(1, True, 5), (1, True, 5)]


def test_a_link_stays_rejected_without_reordering(tmp_path, monkeypatch):
    """A symbolic link (never followed) is rejected in every run; the cache keeps its
    rejection like any other file's, so a rerun reads nothing and reorders nothing."""
    monkeypatch.setattr(cache, "QUIET_NS", 0)
    folder, con = landing(tmp_path), warehouse()
    (folder / "aaa_link.xml").symlink_to(SAMPLES / "iwmo" / "wmo323_0505_12345678.xml")
    cache.refresh(con, folder, workers=1)
    again = cache.refresh(con, folder, workers=1)
    assert again.parsed == 0 and again.kept == again.files
    assert_same(cached_tables(con), reference(folder))
    reasons = [r[0] for r in con.execute("select reden from landing.xml_afgewezen").fetchall()]
    assert any("Symbolische koppeling" in r for r in reasons)
