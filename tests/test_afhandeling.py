"""Every claim line gets an afhandeling (325 answers): the line-level models on given rows, and
the steekproef population, which reads the net lines through the view models.declaraties_netto."""

from datetime import date

import duckdb

from declaratiemonitor.lib.local_run import stage_given
from declaratiemonitor.lib.steekproef.population import load_claims

GIVEN = {
    "toewijzingen": [{}],
    "declaraties": [
        {"referentie_nummer": "R1", "declaratie_nummer": "D1", "begindatum": "2026-01-01"},
        {"referentie_nummer": "R2", "declaratie_nummer": "D1", "begindatum": "2026-02-01"},
        {"referentie_nummer": "R3", "declaratie_nummer": "D2", "begindatum": "2026-03-01"},
        {"referentie_nummer": "R4", "declaratie_nummer": "D3", "begindatum": "2026-04-01"},
        {"referentie_nummer": "R5", "declaratie_nummer": "D4", "begindatum": "2026-05-01"},
    ],
    "declaratie_antwoorden": [
        {"declaratie_nummer": "D1", "referentie_nummer": "R2", "retourcodes": "0611"},
        {"declaratie_nummer": "D1", "referentie_nummer": "R9", "retourcodes": "9340"},
        {"declaratie_nummer": "D2", "retourcodes": "0200"},
        {"declaratie_nummer": "D4", "retourcodes": "9333"},
        {"declaratie_nummer": "D8", "retourcodes": "0200"},
    ],
}


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    stage_given(con, GIVEN, date(2026, 7, 1))  # every model
    return con


def test_each_line_afgewezen_geaccepteerd_or_onbekend() -> None:
    con = _con()
    rows = dict(
        con.execute(
            "select referentie_nummer, afhandeling || coalesce(' ' || retourcodes, '') "
            "from models.declaratie_afhandeling"
        ).fetchall()
    )
    assert rows == {
        "R1": "geaccepteerd",  # D1 answered, R1 not listed (TR342)
        "R2": "afgewezen 0611",
        "R3": "geaccepteerd",
        "R4": "onbekend",  # D3 has no answer
        "R5": "afgewezen 9333",  # D4 rejected as a whole
    }


def test_answers_that_link_to_nothing_are_kept_and_named() -> None:
    con = _con()
    links = con.execute(
        "select declaratie_nummer, referentie_nummer, koppeling from models.antwoorden "
        "order by 1, 2"
    ).fetchall()
    assert links == [
        ("D1", "R2", "regel"),
        ("D1", "R9", "regel_onbekend"),
        ("D2", None, "declaratie"),
        ("D4", None, "declaratie"),
        ("D8", None, "declaratie_onbekend"),
    ]


def test_net_lines_leave_rejected_lines_out_and_the_sample_reads_them() -> None:
    con = _con()
    net = {
        r
        for (r,) in con.execute("select referentie_nummer from models.declaraties_netto").fetchall()
    }
    every = {
        r
        for (r,) in con.execute(
            "select referentie_nummer from models.declaraties_ingediend"
        ).fetchall()
    }
    assert net == {"R1", "R3", "R4"} and every == {"R1", "R2", "R3", "R4", "R5"}
    assert set(load_claims(con)["referentie_nummer"]) == net  # a view, not a missing table


def test_unusable_answers_block_no_rule() -> None:
    """Without usable 325s every line is 'onbekend' and the rules judge as before."""
    from declaratiemonitor.lib.faults import gates

    tables = gates.staging_tables(["models.declaraties_netto", "models.integriteit_regels"])
    assert "declaraties" in tables and "declaratie_antwoorden" not in tables


def test_a_rejected_duplicate_is_not_paid_and_its_paid_original_is_no_leakage() -> None:
    """R1 paid, R2 (same period) rejected as a duplicate (9389): the signal's money sits on R2,
    which was never paid; R1 is evidence but no leakage (signaal_regels.draagt_impact)."""
    from declaratiemonitor.lib.local_run import run_rule_on
    from declaratiemonitor.lib.signals import LEKKAGE_SQL
    from declaratiemonitor.lib.sql_header import read_sql_file
    from declaratiemonitor.paths import SQL_DIR

    given = {
        "toewijzingen": [{}],
        "declaraties": [
            {"referentie_nummer": "R1", "begindatum": "2026-01-01"},
            {
                "referentie_nummer": "R2",
                "begindatum": "2026-01-01",
                "declaratie_nummer": "D2",
                "declaratie_dagtekening": "2026-03-05",
            },
        ],
        "declaratie_antwoorden": [
            {"retourcodes": "0200"},
            {"declaratie_nummer": "D2", "referentie_nummer": "R2", "retourcodes": "9389"},
        ],
    }
    con = duckdb.connect()
    stage_given(con, given, date(2026, 4, 1))
    [signal] = run_rule_on(con, SQL_DIR / "rules" / "integriteit" / "dubbele_declaratie.sql")
    assert (signal["afhandeling"], signal["impact_betaald_cents"]) == ("deels_afgewezen", 0)
    assert signal["impact_cents"] > 0
    con.execute("create table main.signals as from signals_afgehandeld")
    con.execute(f"create table main.lekkage as {read_sql_file(LEKKAGE_SQL).body}")
    leak = con.execute(
        "select afgewezen_gesignaleerd, gesignaleerd_betaald, lekkage_cents from main.lekkage "
        "where sleutel = 'integriteit.dubbele_declaratie'"
    ).fetchall()
    assert leak == [(1, 0, 0)]
