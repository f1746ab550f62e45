"""The Dagster definitions: they load, one asset per rule file, checks and the schedule."""

from declaratiemonitor.lib.rule_sql import model_files, rule_files, rule_id_of
from declaratiemonitor.lib.sql_header import read_sql_file, rule_problems
from declaratiemonitor.pipeline import load_definitions


def _keys(defs) -> set[str]:
    return {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}


def test_definitions_load_and_validate() -> None:
    defs = load_definitions()
    defs.resolve_all_job_defs()
    keys = _keys(defs)
    for stage in ("landing/declaraties", "staging/declaraties", "signals", "publicatie"):
        assert stage in keys


def test_one_asset_per_rule_and_model_file() -> None:
    keys = _keys(load_definitions())
    for path in rule_files():
        assert f"rules/{path.parent.name}/{path.stem}" in keys
    for path in model_files():
        assert f"models/{path.stem}" in keys


def test_rule_headers_are_complete() -> None:
    for path in rule_files():
        sql = read_sql_file(path)
        assert not rule_problems(sql, rule_id_of(path)), path
        assert sql.get("version"), f"{path}: no version"


def test_every_staged_table_has_a_blocking_gx_check() -> None:
    defs = load_definitions()
    checks = {spec.name: spec for c in defs.asset_checks for spec in c.check_specs}
    for table in (
        "toewijzingen",
        "declaraties",
        "contactmomenten",
        "afwezigheden",
        "reisafstanden",
        "zorgmeldingen",
        "declaratie_antwoorden",
    ):
        assert checks[f"gx_{table}"].blocking


def test_nightly_schedule_at_two_amsterdam() -> None:
    schedule = load_definitions().resolve_schedule_def("nachtelijk_0200")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/Amsterdam"


def test_promotie_is_the_last_step_of_every_asset() -> None:
    """No asset may run after promotion: its writes would go to a closed work copy."""
    graph = load_definitions().resolve_asset_graph()
    import dagster as dg

    last = dg.AssetKey("promotie")
    upstream = graph.get(last).parent_keys
    seen, todo = set(), list(upstream)
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo += graph.get(key).parent_keys
    assert graph.get_all_asset_keys() - seen == {last}


def test_every_staged_table_has_a_usability_gate() -> None:
    from declaratiemonitor.lib.contract import DATA_TABLES, REFERENCE_TABLES

    defs = load_definitions()
    gates = {
        spec.asset_key.path[-1]: spec
        for c in defs.asset_checks
        for spec in c.check_specs
        if spec.name == "bruikbaar"
    }
    assert set(gates) == {t.name for t in DATA_TABLES + REFERENCE_TABLES}
    assert all(spec.blocking for spec in gates.values())  # the rules wait for it
