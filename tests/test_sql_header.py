"""The metadata header of the SQL files: `-- key: value`, indented lines continue the value."""

from pathlib import Path

from declaratiemonitor.lib.sql_header import read_sql_file


def test_indented_line_starting_with_word_colon_continues_the_value(tmp_path: Path) -> None:
    path = tmp_path / "r.sql"
    path.write_text(
        "-- rule: a.b\n"
        "-- reading: such a claim gets only this\n"
        "--   signal: no other signal.\n"
        "--   Interaction: never together with c.d.\n"
        "-- reads: models.x, staging.y\n"
        "select 1\n",
        encoding="utf-8",
    )
    sql = read_sql_file(path)
    assert set(sql.header) == {"rule", "reading", "reads"}
    assert sql.header["reading"] == (
        "such a claim gets only this signal: no other signal. Interaction: never together with c.d."
    )
    assert sql.reads == ["models.x", "staging.y"]
    assert sql.body == "select 1"
