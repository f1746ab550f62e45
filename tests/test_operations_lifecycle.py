"""Signal lifecycle across nightly runs, on the signals SQL itself (no Dagster, milliseconds):
first_seen/last_seen, nieuw -> open -> opgelost -> back, review verdicts outrank the rest."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from declaratiemonitor.lib.operations.review import Verdict, apply_verdicts
from declaratiemonitor.lib.signals import build_signals
from declaratiemonitor.lib.warehouse import prepare

RULE = "test.regel"
P1, P2, P3, P4 = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


def night(
    con: duckdb.DuckDBPyConnection,
    peildatum: date,
    findings: list[str],
    afhandeling: str = "onbekend",
) -> None:
    """One nightly signals step: rule `test.regel` finds one signal per toewijzing_nummer, on
    the claim line r1, which the back office handled as `afhandeling` (the line's 325 state)."""
    prepare(con, peildatum)
    con.execute(
        """create or replace table models.declaratie_afhandeling as
           select 1 as _volgnr, '0505' as gemeente_code, '12345678' as aanbieder_agb,
                  'D1' as declaratie_nummer, date '2026-08-05' as declaratie_dagtekening,
                  'r1' as referentie_nummer, 'D' as debet_credit,
                  1000 as ingediend_bedrag_cents, ? as afhandeling, null as retourcodes""",
        [afhandeling],
    )
    con.execute(  # what the signals step compares with (sql/signals/lekkage.sql): nothing
        "create or replace table models.afgewezen_regels as select * from "
        "models.declaratie_afhandeling where false"
    )
    con.execute(
        "create or replace table staging.retourcodes (code varchar, omschrijving varchar, "
        "afwijzing boolean, rule_id varchar)"
    )
    con.execute(
        """create or replace table rules.test__regel (
            rule_id varchar, rule_version varchar, severity varchar, gemeente_code varchar,
            aanbieder_agb varchar, toewijzing_nummer varchar, client_key varchar, period_start date,
            period_end date, measured double, threshold double, unit varchar,
            impact_cents bigint, evidence varchar[], message varchar)"""
    )
    for nummer in findings:
        con.execute(
            "insert into rules.test__regel values (?, '1', 'hoog', '0505', '12345678', ?, "
            "client_key('123456782'), date '2026-08-01', date '2026-08-31', 10, 5, 'uren', 1000, "
            "['r1'], 'Tien uur gedeclareerd, vijf toegewezen.')",
            [RULE, nummer],
        )
    build_signals(con, [RULE])


def history(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    rel = con.sql("from main.signal_history")
    rows = [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]
    return {r["toewijzing_nummer"]: r for r in rows}


def current(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute("select toewijzing_nummer, status from main.signals").fetchall()
    return dict(rows)


def signal_id(con, nummer: str) -> str:
    return history(con)[nummer]["signal_id"]


def judge(con, nummer: str, status: str, reviewer: str | None = "j.jansen") -> None:
    apply_verdicts(con, [Verdict(2, signal_id(con, nummer), status, "notitie", reviewer)], "t")


@pytest.fixture
def con():
    con = duckdb.connect()
    yield con
    con.close()


def test_first_seen_last_seen_and_status_across_nights(con) -> None:
    night(con, P1, ["A", "B"])
    assert current(con) == {"A": "nieuw", "B": "nieuw"}
    night(con, P2, ["A", "B", "C"])
    h = history(con)
    assert current(con) == {"A": "open", "B": "open", "C": "nieuw"}
    assert (h["A"]["first_seen"], h["A"]["last_seen"]) == (P1, P2)
    assert (h["C"]["first_seen"], h["C"]["last_seen"]) == (P2, P2)


def test_vanished_signal_becomes_opgelost_and_comes_back_open(con) -> None:
    night(con, P1, ["A", "B"])
    night(con, P2, ["A"])
    h = history(con)
    assert "B" not in current(con)  # signals.parquet shows the current signals only
    assert (h["B"]["status"], h["B"]["opgelost_op"], h["B"]["last_seen"]) == ("opgelost", P2, P1)
    night(con, P3, ["A"])
    assert history(con)["B"]["opgelost_op"] == P2  # still gone: the date it went stays
    night(con, P4, ["A", "B"])
    h = history(con)
    assert current(con)["B"] == "open"  # not nieuw: it was seen before
    assert (h["B"]["first_seen"], h["B"]["opgelost_op"], h["B"]["status"]) == (P1, None, "open")


def test_verdicts_are_kept_and_outrank_the_lifecycle(con) -> None:
    night(con, P1, ["A", "B", "C"])
    judge(con, "A", "onterecht")
    judge(con, "B", "terecht")
    judge(con, "C", "in_behandeling")
    assert current(con) == {"A": "onterecht", "B": "terecht", "C": "in_behandeling"}
    night(con, P1, ["A", "B", "C"])  # same night again: first_seen == peildatum, still judged
    assert current(con) == {"A": "onterecht", "B": "terecht", "C": "in_behandeling"}
    night(con, P2, ["B", "C"])  # A vanishes: the verdict outranks opgelost
    h = history(con)
    assert (h["A"]["status"], h["A"]["opgelost_op"]) == ("onterecht", P2)
    night(con, P3, ["A", "B", "C"])  # and A comes back: onterecht, never nieuw
    h = history(con)
    assert current(con)["A"] == "onterecht"
    assert (h["A"]["review_notitie"], h["A"]["reviewer"]) == ("notitie", "j.jansen")


def test_withdrawn_verdict_falls_back_to_lifecycle(con) -> None:
    night(con, P1, ["A"])
    judge(con, "A", "terecht")
    night(con, P2, ["A"])
    judge(con, "A", "open", reviewer=None)
    assert current(con)["A"] == "open"
    assert history(con)["A"]["review_status"] is None
    log = con.execute("select review_status from main.review_log order by geimporteerd_op")
    assert [r[0] for r in log.fetchall()] == ["terecht", None]


def test_same_night_twice_is_identical(con) -> None:
    night(con, P1, ["A"])
    night(con, P2, ["A", "B"])
    first = con.sql("from main.signal_history order by signal_id").fetchall()
    signals = con.sql("from main.signals order by signal_id").fetchall()
    night(con, P2, ["A", "B"])
    assert con.sql("from main.signal_history order by signal_id").fetchall() == first
    assert con.sql("from main.signals order by signal_id").fetchall() == signals


def test_history_of_an_older_warehouse_is_migrated(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    night(con, P1, ["A"])
    sid = signal_id(con, "A")
    con.execute("drop table main.signal_history")
    con.execute(
        """create table main.signal_history (
            signal_id varchar primary key, rule_id varchar, first_seen date, last_seen date,
            review_status varchar, review_notitie varchar, reviewer varchar)"""
    )
    con.execute(
        "insert into main.signal_history values (?, ?, ?, ?, null, null, null)", [sid, RULE, P1, P1]
    )
    night(con, P2, ["A"])
    h = history(con)
    assert (h["A"]["first_seen"], h["A"]["status"]) == (P1, "open")
    con.close()


def test_a_325_arriving_later_changes_afhandeling_not_the_signal(con) -> None:
    night(con, P1, ["A"], afhandeling="onbekend")
    first = history(con)["A"]
    assert (first["afhandeling"], first["impact_betaald_cents"]) == ("onbekend", 1000)
    night(con, P2, ["A"], afhandeling="afgewezen")
    later = history(con)["A"]
    assert later["signal_id"] == first["signal_id"]
    assert (later["afhandeling"], later["impact_betaald_cents"]) == ("afgewezen", 0)
    assert (later["first_seen"], later["status"]) == (P1, "open")
    night(con, P3, ["A"], afhandeling="geaccepteerd")
    assert history(con)["A"]["afhandeling"] == "betaald"
