"""Steekproef: sizing in trek, reproducible selection, per-provider samples, Excel, CLI, job."""

import subprocess
import sys

import duckdb
import openpyxl
import polars as pl
import pytest
from steekproef_data import (
    BSN,
    FORMULA_KEY,
    build_warehouse,
    claims_frame,
    fill,
    population,
    run_json,
    runner,
    sheet_rows,
)

from declaratiemonitor.cli_steekproef import steekproef_app
from declaratiemonitor.lib.steekproef import (
    Parameters,
    SteekproefFout,
    evaluate,
    planning,
    population_hash,
    read_excel,
    trek,
    write_excel,
)
from declaratiemonitor.lib.steekproef.excel import FORMULA_START
from declaratiemonitor.lib.steekproef.selection import allocate


@pytest.fixture
def warehouse_file(tmp_path, monkeypatch):
    monkeypatch.setenv("DECLARATIEMONITOR_HMAC_KEY", "test-sleutel")
    path = tmp_path / "out" / "warehouse.duckdb"
    path.parent.mkdir()
    build_warehouse(path)
    return path


# ---- sizing and selection -------------------------------------------------------------------


def test_trek_reports_the_planned_n_before_merging_lines_above_the_interval():
    s = trek(population(), Parameters(methode="mus", seed=1))
    assert s.n == planning(0.02, 0.95).n == 150
    assert int(s.sample["trekkingen"].sum()) == 150 and s.sample.height < 150
    assert s.summary()["n"] == 150 and s.summary()["n_regels"] == s.sample.height


def test_trek_uses_the_likelihood_and_the_finite_population():
    # aselect, hypergeometric with N = 400 lines: fewer than the binomial's 149
    s = trek(population(), Parameters("aselect", 1, likelihood="hypergeometric"))
    assert s.n == planning(0.02, likelihood="hypergeometric", population=400).n
    assert s.n < planning(0.02, likelihood="binomial").n == 149
    assert trek(population(), Parameters("aselect", 1, likelihood="binomial")).n == 149


def test_allocation_gives_every_stratum_two_lines_proportional_and_capped():
    weights = {"a": 700, "b": 200, "c": 100}
    assert allocate(weights, weights, 10) == {"a": 6, "b": 2, "c": 2}
    assert allocate(weights, {"a": 700, "b": 2, "c": 1}, 50) == {"a": 47, "b": 2, "c": 1}
    assert allocate({"a": 1000, "b": 1}, {"a": 1000, "b": 1}, 5) == {"a": 4, "b": 1}
    # an extension never takes lines away: floors are kept
    grown = allocate(weights, weights, 20, floors={"a": 6, "b": 2, "c": 2})
    assert grown == {"a": 14, "b": 4, "c": 2} and sum(grown.values()) == 20


@pytest.mark.parametrize(
    "methode,strata,per",
    [
        ("aselect", None, None),
        ("gestratificeerd", "aanbieder", None),
        ("gestratificeerd", "product", None),
        ("mus", None, None),
        ("mus", None, "aanbieder"),
        ("aselect", None, "aanbieder"),
    ],
)
def test_same_seed_same_sample_other_seed_other_sample(methode, strata, per):
    pop = population()
    options = {"methode": methode, "strata": strata, "per": per, "materialiteit": 0.05}
    first = trek(pop, Parameters(seed=11, **options))
    again = trek(pop.sample(fraction=1.0, shuffle=True, seed=3), Parameters(seed=11, **options))
    other = trek(pop, Parameters(seed=12, **options))
    refs = first.sample["referentie_nummer"].to_list()
    assert refs == again.sample["referentie_nummer"].to_list()
    assert refs != other.sample["referentie_nummer"].to_list()
    assert first.populatie_hash == again.populatie_hash
    assert first.rounds.equals(again.rounds)


def test_mus_selects_every_line_above_the_interval():
    pop = population()
    for seed in range(5):
        s = trek(pop, Parameters(methode="mus", seed=seed))
        interval = s.rounds["interval_cents"][0]
        big = set(pop.filter(pl.col("ingediend_bedrag_cents") >= interval)["referentie_nummer"])
        assert len(big) == 3 and big <= set(s.sample["referentie_nummer"])
        assert 0 <= s.rounds["start_cents"][0] < interval
        top = s.sample.filter(pl.col("boven_interval"))["referentie_nummer"].to_list()
        assert top == sorted(big)


def test_per_provider_each_provider_is_its_own_population():
    pop = population()
    s = trek(pop, Parameters(methode="mus", seed=4, per="aanbieder"))
    providers = sorted(pop["aanbieder_agb"].unique().to_list())
    assert s.rounds["stratum"].to_list() == providers
    assert s.rounds["n"].to_list() == [150, 150, 150] and s.n == 450
    for row in s.rounds.iter_rows(named=True):
        own = pop.filter(pl.col("aanbieder_agb") == row["stratum"])
        assert row["interval_cents"] == pytest.approx(own["ingediend_bedrag_cents"].sum() / 150)
        drawn = s.sample.filter(pl.col("stratum") == row["stratum"])
        assert set(drawn["aanbieder_agb"]) == {row["stratum"]}
        assert int(drawn["trekkingen"].sum()) == 150
    starts = s.rounds["start_cents"] / s.rounds["interval_cents"]
    assert starts.n_unique() == 3  # every provider its own random start


def test_per_provider_hypergeometric_sizes_follow_each_providers_size():
    pop = population()  # provider 00000001 with all its lines, 01000001 with a quarter
    pop = pop.filter((pl.col("aanbieder_agb") == "00000001") | (pl.int_range(pl.len()) % 12 == 1))
    s = trek(pop, Parameters("aselect", 2, per="aanbieder", likelihood="hypergeometric"))
    counts = dict(pop.group_by("aanbieder_agb").len().iter_rows())
    expected = {
        h: planning(0.02, likelihood="hypergeometric", population=c).n for h, c in counts.items()
    }
    assert dict(s.rounds.select("stratum", "n").iter_rows()) == expected
    assert expected["00000001"] != expected["01000001"]


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


def test_impossible_parameters_are_dutch_errors():
    with pytest.raises(SteekproefFout, match="Betrouwbaarheid"):
        Parameters(methode="mus", seed=1, betrouwbaarheid=1.5)
    with pytest.raises(SteekproefFout, match="strata"):
        Parameters(methode="gestratificeerd", seed=1)
    with pytest.raises(SteekproefFout, match="per aanbieder"):
        Parameters(methode="gestratificeerd", seed=1, strata="product", per="aanbieder")
    with pytest.raises(SteekproefFout, match="kleiner dan de materialiteit"):
        Parameters(methode="mus", seed=1, materialiteit=0.01, verwachte_fout=0.01)


# ---- Excel ----------------------------------------------------------------------------------


def test_excel_round_trip_keeps_text_as_text(tmp_path):
    s = trek(population(), Parameters(methode="aselect", seed=1, aantal=400))
    path = write_excel(s, tmp_path / "sp.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Steekproef"]
    headers = [c.value for c in sheet[1]]
    for header in ("Declaratienummer", "Referentienummer", "Toewijzing", "Aanbieder",
                   "Cliëntsleutel", "Bedrag (€)", "Ronde", "Bevinding", "Bedrag fout (€)",
                   "Toelichting"):  # fmt: skip
        assert header in headers
    key_cell = sheet.cell(row=2, column=headers.index("Cliëntsleutel") + 1)
    assert key_cell.value == FORMULA_KEY and key_cell.data_type == "s"
    assert key_cell.quotePrefix
    first = sheet.cell(row=2, column=2)
    assert first.value == "+D0000" and first.data_type == "s" and first.quotePrefix
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert '"juist,onjuist,onzeker"' in lists
    assert "€" in sheet.cell(row=2, column=headers.index("Bedrag (€)") + 1).number_format
    params = {r[0]: r[2] for r in book["Parameters"].iter_rows(min_row=2, values_only=True)}
    assert params["seed"] == 1 and params["populatie_hash"] == s.populatie_hash
    assert params["methode"] == "aselect" and params["likelihood"] == "poisson"
    assert params["peildatum"] is None
    assert "Ronden" in book.sheetnames
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert BSN not in [str(v) for v in row]


@pytest.mark.parametrize("start", FORMULA_START)
def test_excel_quotes_every_formula_start_including_nul_and_asvs(tmp_path, start):
    # OWASP: = + - @ tab CR; ASVS 5.0 V1.2.10 adds NUL
    assert set(FORMULA_START) >= {"=", "+", "-", "@", "\t", "\r", "\0"}
    value = f"{start}cmd|' /C calc'!A0"
    pop = population().with_columns(pl.lit(value).alias("client_key"))
    s = trek(pop, Parameters(methode="aselect", seed=1, aantal=3))
    sheet = openpyxl.load_workbook(write_excel(s, tmp_path / "x.xlsx"))["Steekproef"]
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("Cliëntsleutel") + 1)
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value.endswith("cmd|' /C calc'!A0")


def test_filled_in_file_is_evaluated_with_exact_factors(tmp_path):
    s = trek(population(), Parameters(methode="mus", seed=3, materialiteit=0.05))
    path = write_excel(s, tmp_path / "mus.xlsx")
    fill(path, {1: ("onjuist", 0.0)})
    data = read_excel(path)
    assert data.rounds["interval_cents"][0] == pytest.approx(s.rounds["interval_cents"][0])
    assert data.findings.height == s.sample.height
    result = evaluate(data.findings, data.params, data.strata, data.rounds)
    # no error amount: the bound is the basic precision R(0) x J, R(0) = -ln(0,05) exactly
    assert result.totaal.bovengrens_cents == pytest.approx(
        2.995732273553991 * s.rounds["interval_cents"][0]
    )
    assert result.voldoet


# ---- CLI ------------------------------------------------------------------------------------


def test_cli_plan_without_warehouse():
    assert run_json("plan", "--materialiteit", "0.02", "--betrouwbaarheid", "90")["n"] == 116
    issue = run_json("plan", "--betrouwbaarheid", "0.95", "--materialiteit", "0.02",
                     "--verwachte-fouten", "0.005")  # fmt: skip
    assert issue["n"] == 262 and issue["likelihood"] == "poisson"
    hyper = run_json("plan", "--likelihood", "hypergeometric", "--materialiteit", "1%",
                     "--populatie", "1000")  # fmt: skip
    assert hyper["n"] == 258 and hyper["populatie_fouten"] == 10
    assert run_json("plan", "--likelihood", "binomial", "--materialiteit", "0.05")["n"] == 59


def test_cli_trek_and_evalueer(warehouse_file, tmp_path):
    out = tmp_path / "a.xlsx"
    summary = run_json("trek", "--warehouse", str(warehouse_file), "--methode", "mus", "--seed",
                       "42", "--jaar", "2025", "--gemeente", "0505", "--uit", str(out))  # fmt: skip
    assert summary["methode"] == "mus" and summary["seed"] == 42 and summary["n"] == 150
    wanted = claims_frame().filter(
        (pl.col("gemeente_code") == "0505") & (pl.col("begindatum").dt.year() == 2025)
    )
    assert summary["populatie_aantal"] == wanted.height
    assert summary["interval_cents"] > 0 and out.exists()
    again = run_json("trek", "--warehouse", str(warehouse_file), "--seed", "42", "--jaar", "2025",
                     "--gemeente", "0505", "--uit", str(tmp_path / "b.xlsx"))  # fmt: skip
    assert again["populatie_hash"] == summary["populatie_hash"]
    first, second = (read_excel(p).findings for p in (out, tmp_path / "b.xlsx"))
    assert first["sleutel"].to_list() == second["sleutel"].to_list()
    result = run_json("evalueer", "--bestand", str(out))
    assert result["aantal_niet_beoordeeld"] == summary["n_regels"] and result["voldoet"] is False
    assert "stringer.poisson" in result["bovengrensmethode"]
    report = sheet_rows(tmp_path / "a_evaluatie.xlsx", "Evaluatie")
    values = {r["Onderdeel"]: r["Waarde"] for r in report}
    assert "stringer.poisson" in values["Methode van de bovengrens"]
    assert values["Voldoet (bovengrens onder de tolerantie)"] == "nee"


def test_cli_default_materiality_comes_from_the_gemeentes_rule_parameters(tmp_path, monkeypatch):
    monkeypatch.setenv("DECLARATIEMONITOR_HMAC_KEY", "test-sleutel")
    path = tmp_path / "wh.duckdb"
    build_warehouse(path, parameters={"0505": (0.03, 0.95), "1771": (0.02, 0.90)})
    base = ["trek", "--warehouse", str(path), "--seed", "1", "--uit", str(tmp_path / "x.xlsx")]
    assert run_json(*base, "--gemeente", "0505")["materialiteit"] == 0.03
    assert run_json(*base, "--gemeente", "0505")["n"] == planning(0.03).n == 100
    assert run_json(*base, "--gemeente", "1771")["betrouwbaarheid"] == 0.90
    assert run_json(*base, "--gemeente", "0505", "--materialiteit", "1%")["n"] == 300
    mixed = runner.invoke(steekproef_app, base)
    assert mixed.exit_code == 2 and "--gemeente" in mixed.stderr


def test_cli_default_output_and_stratified_by_severity(warehouse_file):
    summary = run_json("trek", "--warehouse", str(warehouse_file), "--methode", "gestratificeerd",
                       "--strata", "ernst", "--seed", "9", "--aantal", "20")  # fmt: skip
    path = warehouse_file.parent / "steekproef" / "steekproef_gestratificeerd_9.xlsx"
    assert summary["bestand"] == str(path) and path.exists()
    strata = read_excel(path).strata
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
    summary = run_json("trek", "--warehouse", str(warehouse_file), "--methode", "signalen",
                       "--seed", "1", "--uit", str(tmp_path / "s.xlsx"))  # fmt: skip
    assert summary["populatie_aantal"] == 4 and summary["n_regels"] == 4
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    values = [c.value for row in book["Steekproef"].iter_rows() for c in row]
    assert "@melding" in values and "-ck" in values
    result = run_json("evalueer", "--bestand", str(tmp_path / "s.xlsx"))
    assert result["methode"] == "signalen" and result["bovengrens_percentage"] == 1.0


def test_cli_uses_client_key_macro_when_the_column_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("DECLARATIEMONITOR_HMAC_KEY", "test-sleutel")
    path = tmp_path / "wh.duckdb"
    build_warehouse(path, with_client_key=False)
    run_json("trek", "--warehouse", str(path), "--methode", "aselect", "--seed", "2", "--aantal",
             "5", "--uit", str(tmp_path / "m.xlsx"))  # fmt: skip
    keys = [r["Cliëntsleutel"] for r in sheet_rows(tmp_path / "m.xlsx", "Steekproef")]
    assert len(keys) == 5 and all(len(k) == 64 for k in keys) and BSN not in keys


@pytest.mark.parametrize(
    "args,message",
    [
        (["trek", "--warehouse", "bestaat/niet.duckdb"], "Warehouse niet gevonden"),
        (["trek", "--methode", "alles"], "Onbekende methode"),
        (["trek", "--betrouwbaarheid", "0"], "Betrouwbaarheid 0.0 is ongeldig"),
        (["trek", "--betrouwbaarheid", "1.5"], "Betrouwbaarheid 1.5 is ongeldig"),
        (["trek", "--materialiteit", "2"], "materialiteit"),
        (["trek", "--materialiteit", "0.01", "--verwachte-fouten", "0.01"], "kleiner dan"),
        (["trek", "--likelihood", "normaal"], "Onbekende likelihood"),
        (["trek", "--strata", "aanbieder"], "Strata horen bij"),
        (["trek", "--methode", "signalen", "--per", "aanbieder"], "per aanbieder"),
        (["plan", "--likelihood", "hypergeometric"], "--populatie"),
        (["plan", "--betrouwbaarheid", "1.5"], "Betrouwbaarheid"),
        (["plan", "--materialiteit", "0.005", "--verwachte-fouten", "0.01"], "kleiner dan"),
        (["plan", "--materialiteit", "twee"], "geen getal"),
        (["evalueer", "--bestand", "bestaat/niet.xlsx"], "Bestand niet gevonden"),
        (["evalueer", "--bestand", "bestaat/niet.xlsx", "--schatter", "x"], "niet gevonden"),
        (["uitbreiden", "--bestand", "bestaat/niet.xlsx"], "Bestand niet gevonden"),
    ],
)
def test_cli_errors_are_dutch_without_traceback(args, message, warehouse_file, monkeypatch):
    monkeypatch.chdir(warehouse_file.parent.parent)
    result = runner.invoke(steekproef_app, args)
    assert result.exit_code == 2, result.output
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


def test_loading_the_steekproef_code_imports_no_scipy_stats_or_excel_libraries():
    # a pipeline run loads defs/steekproef.py; scipy.stats (~0,5 s) and the Excel libraries
    # are imported only when a sample is planned, evaluated or written
    script = (
        "import sys, declaratiemonitor.defs.steekproef, declaratiemonitor.cli_steekproef\n"
        "print(sorted(m for m in ('scipy.stats', 'openpyxl', 'xlsxwriter') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr[-2000:]


def test_dagster_job_writes_the_excel_file(warehouse_file, tmp_path):
    from dagster_duckdb import DuckDBResource

    from declaratiemonitor.defs.resources import PipelineSettings
    from declaratiemonitor.defs.steekproef import steekproef_job

    out = tmp_path / "job"
    config = {"methode": "mus", "seed": 7, "per": "aanbieder", "likelihood": "binomial"}
    result = steekproef_job.execute_in_process(
        run_config={"ops": {"trek_steekproef": {"config": config}}},
        resources={
            "duckdb": DuckDBResource(database=str(warehouse_file)),
            "settings": PipelineSettings(out_dir=str(out)),
        },
    )
    assert result.success
    path = out / "steekproef" / "steekproef_mus_7.xlsx"
    assert result.output_for_node("trek_steekproef") == str(path) and path.exists()
    data = read_excel(path)
    assert data.params["peildatum"] == "2025-12-31" and data.params["seed"] == 7
    assert data.params["per"] == "aanbieder" and data.rounds["n"].to_list() == [149, 149, 149]
