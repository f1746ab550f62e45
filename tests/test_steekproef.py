"""Steekproef: textbook sizes, Stringer bound by hand, reproducible selection, Excel, CLI, job."""

import json
import math
from datetime import date

import duckdb
import numpy as np
import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from declaratiemonitor.cli_steekproef import steekproef_app
from declaratiemonitor.lib.steekproef import (
    Parameters,
    SteekproefFout,
    attribute_sample_size,
    evaluate,
    expansion_factor,
    mus_sample_size,
    poisson_factor,
    population_hash,
    read_excel,
    stringer_bound,
    trek,
    write_excel,
)
from declaratiemonitor.lib.steekproef.selection import allocate
from declaratiemonitor.lib.steekproef.sizing import mus_sample_size_fraction, poisson_factor_exact

FORMULA_KEY = '=HYPERLINK("http://x","klik")'
BSN = "999990081"


# ---- fixtures -------------------------------------------------------------------------------


def claims_frame(n: int = 400, with_bsn: bool = True) -> pl.DataFrame:
    rng = np.random.default_rng(7)
    amounts = rng.integers(2_000, 150_000, n)
    amounts[[3, 50, 222]] = [9_000_000, 6_500_000, 12_000_000]  # far above any interval
    frame = pl.DataFrame(
        {
            "declaratie_nummer": [
                f"+D{i // 20:04d}" if i == 0 else f"D{i // 20:04d}" for i in range(n)
            ],
            "declaratie_dagtekening": [date(2025, 3, 10)] * n,
            "referentie_nummer": [f"R{i:06d}" for i in range(n)],
            "vorig_referentie_nummer": [None] * n,
            "debet_credit": ["D"] * n,
            "toewijzing_nummer": [f"T{i % 90:05d}" for i in range(n)],
            "gemeente_code": ["0505" if i % 5 else "1771" for i in range(n)],
            "aanbieder_agb": [f"0{i % 3}000001" for i in range(n)],
            "bsn": [BSN] * n,
            "client_key": [FORMULA_KEY if i == 0 else f"ck{i % 120:04d}" for i in range(n)],
            "product_categorie": ["02" if i % 4 else "07" for i in range(n)],
            "product_code": ["02A01" if i % 4 else "07A05" for i in range(n)],
            "begindatum": [date(2025 if i % 7 else 2024, 1 + i % 12, 1) for i in range(n)],
            "einddatum": [date(2025 if i % 7 else 2024, 1 + i % 12, 28) for i in range(n)],
            "geleverd_volume": [10] * n,
            "eenheid": ["04"] * n,
            "product_tarief_cents": [6_000] * n,
            "ingediend_bedrag_cents": amounts.tolist(),
            "soort": ["ib"] * n,
        }
    )
    return frame if with_bsn else frame.drop("bsn")


def build_warehouse(path, with_client_key: bool = True) -> None:
    claims = claims_frame()
    if not with_client_key:
        claims = claims.drop("client_key")
    signals = pl.DataFrame(
        {
            "signal_id": ["s1", "s2", "s3", "s4"],
            "rule_id": ["vervoer.staffel_te_hoog", "ib.te_veel", "ib.te_veel", "bw.afwezig"],
            "rule_version": ["1"] * 4,
            "severity": ["hoog", "midden", "laag", "midden"],
            "gemeente_code": ["0505"] * 4,
            "aanbieder_agb": ["00000001"] * 4,
            "toewijzing_nummer": ["T00001"] * 4,
            "client_key": ["ck0001", "-ck", "ck0003", "ck0004"],
            "period_start": [date(2025, 1, 1)] * 4,
            "period_end": [date(2025, 1, 31)] * 4,
            "impact_cents": [10_000, 5_000, 0, 2_500],
            "evidence": [["R000001", "R000002"], ["R000002", "R000003"], ["R000004"], ["C1"]],
            "message": ["@melding", "Te veel uren.", "Te veel.", "Afwezig."],
            "status": ["nieuw"] * 4,
        }
    )
    con = duckdb.connect(str(path))
    con.execute("create schema models; create schema meta")
    con.register("claims_df", claims.to_arrow())
    con.execute("create table models.declaraties_netto as select * from claims_df")
    con.register("signals_df", signals.to_arrow())
    con.execute("create table main.signals as select * from signals_df")
    con.execute("create table meta.run_context as select date '2025-12-31' as peildatum")
    con.close()


@pytest.fixture
def warehouse_file(tmp_path, monkeypatch):
    monkeypatch.setenv("DECLARATIEMONITOR_HMAC_KEY", "test-sleutel")
    path = tmp_path / "out" / "warehouse.duckdb"
    path.parent.mkdir()
    build_warehouse(path)
    return path


def population() -> pl.DataFrame:
    return claims_frame(with_bsn=False).with_columns(pl.lit("geen signaal").alias("ernst"))


# ---- sizing ---------------------------------------------------------------------------------


def test_poisson_factors_at_95_are_the_textbook_table():
    assert [poisson_factor(k, 95) for k in range(5)] == [3.00, 4.74, 6.30, 7.75, 9.15]


def test_poisson_factor_zero_errors_is_minus_log_risk():
    for confidence in (0.90, 0.95, 0.99):
        assert poisson_factor_exact(0, confidence) == pytest.approx(-math.log(1 - confidence))
    assert [poisson_factor(k, 90) for k in range(3)] == [2.30, 3.89, 5.32]
    assert [poisson_factor(k, 99) for k in range(3)] == [4.61, 6.64, 8.41]


def test_mus_size_textbook():
    assert mus_sample_size(1_000_000, 50_000, 95) == 60  # 3,00 x 1.000.000 / 50.000
    assert mus_sample_size(1_000_000, 20_000, 95) == 150  # 3,00 x 1.000.000 / 20.000
    assert mus_sample_size_fraction(0.05, 0.95) == 60
    assert mus_sample_size_fraction(0.02, 0.95, value=123_456_789) == 150


def test_mus_size_with_expected_error_uses_expansion_factor():
    # 3,00 x 1.000.000 / (50.000 - 10.000 x 1,6) = 88,2 -> 89
    assert mus_sample_size(1_000_000, 50_000, 95, expected_misstatement=10_000) == 89
    assert [expansion_factor(c) for c in (90, 95, 99)] == [1.5, 1.6, 1.9]


def test_attribute_sizes():
    assert attribute_sample_size(0.05) == 60
    assert attribute_sample_size(0.02) == 150
    # 1 % expected: n = 60 -> 1 expected error -> 4,74 / 0,05 = 94,8 -> 95
    assert attribute_sample_size(0.05, 95, 0.01) == 95
    assert attribute_sample_size(0.02, population_count=40) == 40


def test_impossible_parameters_are_dutch_errors():
    with pytest.raises(SteekproefFout, match="materialiteit"):
        mus_sample_size(1_000_000, 10_000, 95, expected_misstatement=10_000)
    with pytest.raises(SteekproefFout, match="90, 95 of 99"):
        Parameters(methode="mus", seed=1, betrouwbaarheid=80)
    with pytest.raises(SteekproefFout, match="strata"):
        Parameters(methode="gestratificeerd", seed=1)


# ---- evaluation -----------------------------------------------------------------------------


def test_stringer_bound_worked_by_hand():
    # N = 1.000.000, materiality 5 %, 95 %: n = 60, J = 16.666,67.
    # Two errors, taintings 0,5 and 0,2:
    #   basic precision   3,00 x J                          = 50.000,00
    #   projected         (0,5 + 0,2) x J                   = 11.666,67
    #   allowance         (4,74 - 3,00 - 1) x 0,5 x J       =  6.166,67
    #                     (6,30 - 4,74 - 1) x 0,2 x J       =  1.866,67
    #   upper error limit J x (3,00 + 1,74 x 0,5 + 1,56 x 0,2) = 4,182 x J = 69.700,00
    result = stringer_bound([0.2, 0.5], 1_000_000 / 60, 95)
    assert result.basisprecisie == pytest.approx(50_000)
    assert result.geprojecteerd == pytest.approx(11_666.67, abs=0.01)
    assert result.toeslag == pytest.approx(8_033.33, abs=0.01)
    assert result.bovengrens == pytest.approx(69_700)
    assert stringer_bound([], 1_000_000 / 60).bovengrens == pytest.approx(50_000)
    assert stringer_bound([], 1_000, top_errors=250).bovengrens == pytest.approx(3_250)


def findings_frame(rows: list[tuple]) -> pl.DataFrame:
    names = [
        "volgnummer",
        "stratum",
        "bedrag_cents",
        "boven_interval",
        "bevinding",
        "bedrag_fout_cents",
    ]
    return pl.DataFrame(rows, schema=names, orient="row").with_columns(
        pl.col("bedrag_fout_cents").cast(pl.Int64)
    )


def mus_params(**extra) -> dict:
    return {
        "methode": "mus",
        "betrouwbaarheid": 0.95,
        "materialiteit": 0.05,
        "populatie_bedrag_cents": 100_000_000,
        "interval_cents": 100_000_000 / 60,
        **extra,
    }


def test_evaluate_mus_stringer_example_fails_tolerance():
    rows = [
        (1, "alle", 100_000, False, "onjuist", 50_000),
        (2, "alle", 50_000, False, "onzeker", 10_000),
    ]
    rows += [(i, "alle", 20_000, False, "juist", None) for i in range(3, 61)]
    result = evaluate(findings_frame(rows), mus_params(), pl.DataFrame())
    assert result.bovengrens_cents == pytest.approx(6_970_000)
    assert result.geprojecteerde_fout_cents == pytest.approx(1_166_666.67, abs=0.01)
    assert result.tolerantie_cents == pytest.approx(5_000_000)
    assert not result.voldoet
    assert "overschrijdt de tolerantie" in result.oordeel
    assert result.bovengrens_fouten_cents == pytest.approx(100_000_000 / 60 * (3 + 1.74 * 0.5))


def test_evaluate_mus_without_errors_meets_tolerance_and_counts_key_items_exactly():
    rows = [(i, "alle", 20_000, False, "juist", None) for i in range(1, 60)]
    rows.append((60, "alle", 3_000_000, True, "onjuist", 100_000))  # key item: found, not projected
    result = evaluate(findings_frame(rows), mus_params(), pl.DataFrame())
    assert result.bovengrens_cents == pytest.approx(5_000_000 + 100_000)
    assert not result.voldoet
    result = evaluate(
        findings_frame(rows[:-1] + [rows[-1][:4] + ("juist", None)]), mus_params(), pl.DataFrame()
    )
    assert result.voldoet and "binnen de tolerantie" in result.oordeel


def test_evaluate_stratified_weights_taintings_by_design_weight():
    # A: N = 900, n = 10; B: N = 100, n = 10; N / n = 50 -> weights 1,8 and 0,2.
    # One error in A with tainting 0,5 -> 0,9; J = 1.000.000 / 20 = 50.000 cent.
    # Upper limit = 50.000 x (3,00 + 1,74 x 0,9) = 228.300 cent.
    rows = [(1, "A", 10_000, False, "onjuist", 5_000)]
    rows += [(i, "A" if i <= 10 else "B", 10_000, False, "juist", None) for i in range(2, 21)]
    strata = pl.DataFrame({"stratum": ["A", "B"], "populatie_aantal": [900, 100]})
    params = {
        "methode": "gestratificeerd",
        "betrouwbaarheid": 0.95,
        "materialiteit": 0.02,
        "populatie_bedrag_cents": 1_000_000,
    }
    result = evaluate(findings_frame(rows), params, strata)
    assert result.bovengrens_cents == pytest.approx(228_300)
    assert result.geprojecteerde_fout_cents == pytest.approx(45_000)
    assert "Benadering" in result.oordeel and not result.voldoet


def test_unassessed_lines_count_as_uncertain_and_bad_findings_are_refused():
    rows = [(1, "alle", 100_000, False, None, None)] + [
        (i, "alle", 20_000, False, "Juist ", None) for i in range(2, 61)
    ]
    result = evaluate(findings_frame(rows), mus_params(), pl.DataFrame())
    assert result.aantal_niet_beoordeeld == 1 and result.aantal_juist == 59
    assert result.bovengrens_onzekerheden_cents == pytest.approx(100_000_000 / 60 * (3 + 1.74))
    assert "nog niet beoordeeld" in result.oordeel
    with pytest.raises(SteekproefFout, match="Regel 2"):
        evaluate(
            findings_frame([(2, "alle", 1, False, "misschien", None)]), mus_params(), pl.DataFrame()
        )


# ---- selection ------------------------------------------------------------------------------


def test_allocation_is_proportional_capped_and_gives_every_stratum_one():
    assert allocate({"a": 700, "b": 200, "c": 100}, {"a": 700, "b": 200, "c": 100}, 10) == {
        "a": 7,
        "b": 2,
        "c": 1,
    }
    assert allocate({"a": 700, "b": 200, "c": 100}, {"a": 700, "b": 2, "c": 1}, 50) == {
        "a": 47,
        "b": 2,
        "c": 1,
    }
    assert allocate({"a": 1000, "b": 1}, {"a": 1000, "b": 1}, 5) == {"a": 4, "b": 1}


@pytest.mark.parametrize(
    "methode,strata",
    [
        ("aselect", None),
        ("gestratificeerd", "aanbieder"),
        ("gestratificeerd", "product"),
        ("mus", None),
    ],
)
def test_same_seed_same_sample_other_seed_other_sample(methode, strata):
    pop = population()
    first = trek(pop, Parameters(methode=methode, seed=11, strata=strata))
    again = trek(
        pop.sample(fraction=1.0, shuffle=True, seed=3), Parameters(methode, 11, strata=strata)
    )
    other = trek(pop, Parameters(methode=methode, seed=12, strata=strata))
    refs = first.sample["referentie_nummer"].to_list()
    assert refs == again.sample["referentie_nummer"].to_list()
    assert refs != other.sample["referentie_nummer"].to_list()
    assert first.populatie_hash == again.populatie_hash


def test_mus_selects_every_line_above_the_interval():
    pop = population()
    for seed in range(5):
        s = trek(pop, Parameters(methode="mus", seed=seed))
        big = set(
            pop.filter(pl.col("ingediend_bedrag_cents") >= s.interval_cents)["referentie_nummer"]
        )
        assert len(big) == 3 and big <= set(s.sample["referentie_nummer"])
        assert s.n == 150 and int(s.sample["trekkingen"].sum()) == 150
        assert 0 <= s.start_cents < s.interval_cents
        assert s.sample.filter(pl.col("boven_interval"))["referentie_nummer"].to_list() == sorted(
            big
        )


def test_stratified_allocation_by_amount_and_population_hash():
    pop = population()
    s = trek(pop, Parameters("gestratificeerd", 5, strata="product", allocatie="bedrag", aantal=40))
    assert s.sample.height == 40 and s.strata["steekproef_aantal"].sum() == 40
    value = dict(zip(s.strata["stratum"], s.strata["populatie_bedrag_cents"], strict=True))
    drawn = dict(zip(s.strata["stratum"], s.strata["steekproef_aantal"], strict=True))
    assert drawn["02"] == round(40 * value["02"] / sum(value.values()))
    changed = pop.with_columns(
        pl.col("ingediend_bedrag_cents") + (pl.col("referentie_nummer") == "R000009")
    )
    assert population_hash(changed) != population_hash(pop)


# ---- Excel ----------------------------------------------------------------------------------


def test_excel_round_trip_keeps_text_as_text(tmp_path):
    s = trek(population(), Parameters(methode="aselect", seed=1, aantal=400))
    path = write_excel(s, tmp_path / "sp.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Steekproef"]
    headers = [c.value for c in sheet[1]]
    for header in (
        "Declaratienummer",
        "Referentienummer",
        "Toewijzing",
        "Aanbieder",
        "Cliëntsleutel",
        "Bedrag (€)",
        "Bevinding",
        "Bedrag fout (€)",
        "Toelichting",
    ):
        assert header in headers
    key_cell = sheet.cell(row=2, column=headers.index("Cliëntsleutel") + 1)
    assert key_cell.value == FORMULA_KEY and key_cell.data_type == "s"
    assert key_cell.quotePrefix
    assert (
        sheet.cell(row=2, column=2).value == "+D0000"
        and sheet.cell(row=2, column=2).data_type == "s"
    )
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert '"juist,onjuist,onzeker"' in lists
    assert "€" in sheet.cell(row=2, column=headers.index("Bedrag (€)") + 1).number_format
    params = {r[0]: r[2] for r in book["Parameters"].iter_rows(min_row=2, values_only=True)}
    assert params["seed"] == 1 and params["populatie_hash"] == s.populatie_hash
    assert params["methode"] == "aselect" and params["peildatum"] is None
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert BSN not in [str(v) for v in row]


def test_filled_in_file_is_evaluated(tmp_path):
    s = trek(population(), Parameters(methode="mus", seed=3, materialiteit=0.05))
    path = write_excel(s, tmp_path / "mus.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Steekproef"]
    headers = [c.value for c in sheet[1]]
    col = headers.index("Bevinding") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=col, value="juist")
    sheet.cell(row=2, column=col, value="onjuist")
    sheet.cell(row=2, column=col + 1, value=0.0)
    book.save(path)
    params, findings, strata = read_excel(path)
    assert params["interval_cents"] == pytest.approx(s.interval_cents)
    assert findings.height == s.sample.height
    result = evaluate(findings, params, strata)
    assert result.bovengrens_cents == pytest.approx(3.0 * s.interval_cents)
    assert result.voldoet


# ---- CLI ------------------------------------------------------------------------------------


runner = CliRunner()


def run_json(*args: str) -> dict:
    result = runner.invoke(steekproef_app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_trek_and_evalueer(warehouse_file, tmp_path):
    out = tmp_path / "a.xlsx"
    summary = run_json(
        "trek",
        "--warehouse",
        str(warehouse_file),
        "--methode",
        "mus",
        "--seed",
        "42",
        "--jaar",
        "2025",
        "--gemeente",
        "0505",
        "--uit",
        str(out),
    )
    assert summary["methode"] == "mus" and summary["seed"] == 42 and summary["n"] == 150
    assert (
        summary["populatie_aantal"]
        == claims_frame()
        .filter((pl.col("gemeente_code") == "0505") & (pl.col("begindatum").dt.year() == 2025))
        .height
    )
    assert summary["interval_cents"] > 0 and out.exists()
    again = run_json(
        "trek",
        "--warehouse",
        str(warehouse_file),
        "--seed",
        "42",
        "--jaar",
        "2025",
        "--gemeente",
        "0505",
        "--uit",
        str(tmp_path / "b.xlsx"),
    )
    assert again["populatie_hash"] == summary["populatie_hash"]
    refs = [read_excel(p)[1]["volgnummer"].len() for p in (out, tmp_path / "b.xlsx")]
    assert refs[0] == refs[1] == summary["n_regels"]
    result = run_json("evalueer", "--bestand", str(out))
    assert result["aantal_niet_beoordeeld"] == summary["n_regels"] and result["voldoet"] is False


def test_cli_default_output_and_stratified_by_severity(warehouse_file):
    summary = run_json(
        "trek",
        "--warehouse",
        str(warehouse_file),
        "--methode",
        "gestratificeerd",
        "--strata",
        "ernst",
        "--seed",
        "9",
        "--aantal",
        "20",
    )
    path = warehouse_file.parent / "steekproef" / "steekproef_gestratificeerd_9.xlsx"
    assert summary["bestand"] == str(path) and path.exists()
    strata = read_excel(path)[2]
    assert set(strata["stratum"]) == {"hoog", "midden", "laag", "geen signaal"}
    assert int(strata["steekproef_aantal"].sum()) == 20


def test_claims_get_the_worst_severity_of_their_signals(warehouse_file):
    from declaratiemonitor.lib.steekproef.population import load_claims

    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        claims = load_claims(con, gemeente="0505")
    ernst = dict(zip(claims["referentie_nummer"], claims["ernst"], strict=True))
    assert [ernst[f"R00000{i}"] for i in (1, 2, 3, 4, 6)] == [
        "hoog",
        "hoog",
        "midden",
        "laag",
        "geen signaal",
    ]
    assert "bsn" not in claims.columns and set(claims["gemeente_code"]) == {"0505"}


def test_cli_signalen(warehouse_file, tmp_path):
    summary = run_json(
        "trek",
        "--warehouse",
        str(warehouse_file),
        "--methode",
        "signalen",
        "--seed",
        "1",
        "--uit",
        str(tmp_path / "s.xlsx"),
    )
    assert summary["populatie_aantal"] == 4 and summary["n"] == 4
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    values = [c.value for row in book["Steekproef"].iter_rows() for c in row]
    assert "@melding" in values and "-ck" in values
    result = run_json("evalueer", "--bestand", str(tmp_path / "s.xlsx"))
    assert result["methode"] == "signalen" and result["bovengrens_percentage"] == 1.0


def test_cli_uses_client_key_macro_when_the_column_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("DECLARATIEMONITOR_HMAC_KEY", "test-sleutel")
    path = tmp_path / "wh.duckdb"
    build_warehouse(path, with_client_key=False)
    run_json(
        "trek",
        "--warehouse",
        str(path),
        "--methode",
        "aselect",
        "--seed",
        "2",
        "--aantal",
        "5",
        "--uit",
        str(tmp_path / "m.xlsx"),
    )
    keys = read_excel_column(tmp_path / "m.xlsx", "Cliëntsleutel")
    assert len(keys) == 5 and all(len(k) == 64 for k in keys) and BSN not in keys


def read_excel_column(path, header: str) -> list:
    sheet = openpyxl.load_workbook(path)["Steekproef"]
    headers = [c.value for c in sheet[1]]
    col = headers.index(header)
    return [row[col] for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(
    "args,message",
    [
        (["trek", "--warehouse", "bestaat/niet.duckdb"], "Warehouse niet gevonden"),
        (["trek", "--methode", "alles"], "Onbekende methode"),
        (["trek", "--betrouwbaarheid", "80"], "90, 95 of 99"),
        (["trek", "--materialiteit", "2"], "materialiteit"),
        (["trek", "--strata", "aanbieder"], "Strata horen bij"),
        (["evalueer", "--bestand", "bestaat/niet.xlsx"], "Bestand niet gevonden"),
    ],
)
def test_cli_errors_are_dutch_without_traceback(args, message, warehouse_file, monkeypatch):
    monkeypatch.chdir(warehouse_file.parent.parent)
    result = runner.invoke(steekproef_app, args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_cli_population_errors(warehouse_file, tmp_path):
    result = runner.invoke(
        steekproef_app,
        ["trek", "--warehouse", str(warehouse_file), "--gemeente", "9999", "--seed", "1"],
    )
    assert result.exit_code == 2 and "populatie is leeg" in result.stderr
    empty = tmp_path / "leeg.duckdb"
    duckdb.connect(str(empty)).close()
    result = runner.invoke(steekproef_app, ["trek", "--warehouse", str(empty)])
    assert result.exit_code == 2 and "models.declaraties_netto ontbreekt" in result.stderr


# ---- Dagster --------------------------------------------------------------------------------


def test_dagster_job_writes_the_excel_file(warehouse_file, tmp_path):
    from dagster_duckdb import DuckDBResource

    from declaratiemonitor.defs.resources import PipelineSettings
    from declaratiemonitor.defs.steekproef import steekproef_job

    out = tmp_path / "job"
    result = steekproef_job.execute_in_process(
        run_config={"ops": {"trek_steekproef": {"config": {"methode": "mus", "seed": 7}}}},
        resources={
            "duckdb": DuckDBResource(database=str(warehouse_file)),
            "settings": PipelineSettings(out_dir=str(out)),
        },
    )
    assert result.success
    path = out / "steekproef" / "steekproef_mus_7.xlsx"
    assert result.output_for_node("trek_steekproef") == str(path) and path.exists()
    params = read_excel(path)[0]
    assert params["peildatum"] == "2025-12-31" and params["seed"] == 7
