"""The optional DuckDB memory bound reaches the warehouse connections (docs/operations.md)."""

from declaratiemonitor.defs.resources import MEMORY_ENV, make_resources


def _settings(tmp_path) -> tuple[str, str]:
    resources = make_resources(str(tmp_path / "landing"), str(tmp_path / "uit"))
    (tmp_path / "uit").mkdir(exist_ok=True)
    with resources["duckdb"].get_connection() as con:
        return con.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()


def test_memory_limit_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_ENV, "1GB")
    memory_limit, temp_directory = _settings(tmp_path)
    assert memory_limit == "953.6 MiB"  # DuckDB shows 1 GB (10^9 bytes) in MiB
    assert temp_directory == str(tmp_path / "uit" / "duckdb_tmp")


def test_no_limit_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    memory_limit, temp_directory = _settings(tmp_path)
    assert memory_limit != "953.6 MiB"
    assert "duckdb_tmp" not in temp_directory
