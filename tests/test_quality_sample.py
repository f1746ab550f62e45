"""Great Expectations validates large staged tables on a repeatable sample (lib/quality.py)."""

import duckdb

from declaratiemonitor.lib import quality


def _staged(rows: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema staging")
    con.execute(
        f"""create table staging.t as
            select i as waarde, 'x' as _bron, 'rij ' || i as _regel, i as _volgnr
            from range(1, {rows} + 1) as r(i)"""
    )
    return con


def test_small_table_is_validated_whole(monkeypatch):
    monkeypatch.setattr(quality, "SAMPLE_ROWS", 1_000)
    frame, count = quality.load_batch(_staged(1_000), "t")
    assert count == 1_000
    assert sorted(frame["waarde"]) == list(range(1, 1_001))
    assert list(frame.columns) == ["waarde"]  # the source columns are not validated


def test_large_table_gives_a_repeatable_sample_of_about_the_sample_size(monkeypatch):
    monkeypatch.setattr(quality, "SAMPLE_ROWS", 1_000)
    con = _staged(50_000)
    first, count = quality.load_batch(con, "t")
    again, _ = quality.load_batch(con, "t")
    assert count == 50_000
    assert 800 <= len(first) <= 1_200
    assert sorted(first["waarde"]) == sorted(again["waarde"])
    # spread over the whole table, not a block at the start
    assert first["waarde"].min() < 5_000 and first["waarde"].max() > 45_000
