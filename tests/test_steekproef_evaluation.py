"""Steekproef evaluation (MUS, lines, signals, per provider), the evaluation Excel, extension."""

import math

import polars as pl
import pytest
from steekproef_data import build_warehouse, fill, population, run_json, runner, sheet_rows

from declaratiemonitor.cli_steekproef import steekproef_app
from declaratiemonitor.lib.steekproef import (
    Parameters,
    SteekproefFout,
    evaluate,
    planning,
    read_excel,
    stringer,
    trek,
    uitbreiden,
    write_evaluation,
    write_excel,
)
from declaratiemonitor.lib.steekproef.distributions import upper_bound
from declaratiemonitor.lib.steekproef.excel_read import FINDINGS_SCHEMA
from declaratiemonitor.lib.steekproef.sample import ROUND_SCHEMA

R = [upper_bound("poisson", 0.95, 1, k) for k in range(4)]  # exact R(0..3)


def findings(rows: list[tuple]) -> pl.DataFrame:
    """(volgnummer, stratum, bedrag_cents, boven_interval, bevinding, bedrag_fout_cents)."""
    records = [
        {"volgnummer": nr, "sleutel": f"R{nr:06d}", "stratum": stratum, "bedrag_cents": amount,
         "boven_interval": top, "trekkingen": 1, "ronde": 0, "bevinding": finding,
         "bedrag_fout_cents": error, "toelichting": None}
        for nr, stratum, amount, top, finding, error in rows
    ]  # fmt: skip
    return pl.DataFrame(records, schema=FINDINGS_SCHEMA)


def mus_case(n: int = 150, value: int = 100_000_000, materiality: float = 0.02):
    params = {"methode": "mus", "betrouwbaarheid": 0.95, "materialiteit": materiality,
              "likelihood": "poisson", "populatie_bedrag_cents": value,
              "populatie_aantal": 5000}  # fmt: skip
    strata = pl.DataFrame(
        {
            "stratum": ["alle"],
            "populatie_aantal": [5000],
            "populatie_bedrag_cents": [value],
            "steekproef_aantal": [n],
        }  # fmt: skip
    )
    rounds = pl.DataFrame([("alle", 0, n, value / n, 0.0)], schema=ROUND_SCHEMA, orient="row")
    return params, strata, rounds


def clean(n: int, start: int = 1, stratum: str = "alle", amount: int = 20_000) -> list[tuple]:
    return [(i, stratum, amount, False, "juist", None) for i in range(start, start + n)]


# ---- MUS --------------------------------------------------------------------------------------


def test_mus_stringer_worked_example_through_the_findings():
    # issue 20: n = 150, EUR 1.000.000, 95 %, taints 0,5 and 0,2 -> EUR 27.867,89
    rows = [(1, "alle", 100_000, False, "onjuist", 50_000), (2, "alle", 50_000, False, "onjuist",
            10_000)] + clean(148, 3)  # fmt: skip
    result = evaluate(findings(rows), *mus_case())
    assert round(result.totaal.bovengrens_cents) == 2_786_789
    assert result.totaal.geprojecteerde_fout_cents == pytest.approx(0.7 * 100_000_000 / 150)
    assert result.totaal.tolerantie_cents == pytest.approx(2_000_000)
    assert not result.voldoet and "niet onder de tolerantie" in result.oordeel
    assert "stringer.poisson" in result.bovengrensmethode


def test_mus_bound_equal_to_the_tolerance_does_not_pass():
    # jfa: sufficient only when bound < materiality; here bound == tolerance to the last bit
    materiality = upper_bound("poisson", 0.95, 60, 0)
    result = evaluate(findings(clean(60)), *mus_case(60, materiality=materiality))
    assert result.totaal.bovengrens_cents == result.totaal.tolerantie_cents
    assert not result.voldoet


def test_mus_lines_above_the_interval_count_exactly():
    rows = clean(59) + [(60, "alle", 3_000_000, True, "onjuist", 100_000)]
    result = evaluate(findings(rows), *mus_case(60, materiality=0.05))
    assert result.totaal.bovengrens_cents == pytest.approx(R[0] * 100_000_000 / 60 + 100_000)
    assert result.totaal.geprojecteerde_fout_cents == pytest.approx(100_000)


def test_understatements_are_evaluated_not_dropped():
    over = [(1, "alle", 100_000, False, "onjuist", 50_000)]
    under = [(2, "alle", 100_000, False, "onjuist", -30_000)]
    j = 100_000_000 / 150
    result = evaluate(findings(over + under + clean(148, 3)), *mus_case())
    # the verdict counts |fout|: taints 0,5 and 0,3
    assert result.totaal.bovengrens_cents == pytest.approx(
        j * (R[0] + (R[1] - R[0]) * 0.5 + (R[2] - R[1]) * 0.3)
    )
    assert result.tellingen["aantal_onderschattingen"] == 1
    assert result.totaal.bovengrens_onderschattingen_cents == pytest.approx(
        j * (R[0] + (R[1] - R[0]) * 0.3)
    )
    # the recovery nets them: 0,5 - 0,3 of the interval
    assert result.totaal.netto_overschatting_cents == pytest.approx(j * 0.2)
    assert result.totaal.terugvordering_cents == pytest.approx(j * 0.2)
    only_under = evaluate(findings(under + clean(149, 3)), *mus_case())
    assert only_under.totaal.terugvordering_cents == 0
    assert only_under.totaal.netto_overschatting_cents == pytest.approx(-j * 0.3)
    assert "absolute bedrag" in result.onderschattingen


def test_uncertainties_are_not_recovered_and_unassessed_lines_count_as_uncertain():
    rows = [(1, "alle", 100_000, False, None, None), (2, "alle", 100_000, False, "onzeker",
            -40_000)] + clean(58, 3)  # fmt: skip
    result = evaluate(findings(rows), *mus_case(60, materiality=0.05))
    j = 100_000_000 / 60
    assert result.tellingen["aantal_niet_beoordeeld"] == 1
    assert result.totaal.bovengrens_onzekerheden_cents == pytest.approx(
        j * (R[0] + (R[1] - R[0]) * 1.0 + (R[2] - R[1]) * 0.4)
    )
    assert result.totaal.terugvordering_cents == 0
    assert "nog niet beoordeeld" in result.oordeel
    with pytest.raises(SteekproefFout, match="Regel 2"):
        evaluate(findings([(2, "alle", 1, False, "misschien", None)]), *mus_case())


def test_mus_likelihood_variants_follow_jfa():
    rows = [(1, "alle", 100_000, False, "onjuist", 50_000)] + clean(59, 2)
    params, strata, rounds = mus_case(60, materiality=0.05)
    value = params["populatie_bedrag_cents"]
    for likelihood in ("binomial", "hypergeometric"):
        params["likelihood"] = likelihood
        result = evaluate(findings(rows), params, strata, rounds)
        units = value if likelihood == "hypergeometric" else None
        assert result.totaal.bovengrens_cents == pytest.approx(
            stringer([0.5], 60, 0.95, likelihood, units).bovengrens * value
        )
        assert f"stringer.{likelihood}" in result.bovengrensmethode


# ---- lines ----------------------------------------------------------------------------------


def line_case(strata_rows: list[tuple], estimator: str = "verschil"):
    strata = pl.DataFrame(
        strata_rows,
        schema=["stratum", "populatie_aantal", "populatie_bedrag_cents", "steekproef_aantal"],
        orient="row",
    )
    params = {"methode": "gestratificeerd", "betrouwbaarheid": 0.95, "materialiteit": 0.02,
              "populatie_bedrag_cents": int(strata["populatie_bedrag_cents"].sum()),
              "strata": "product"}  # fmt: skip
    return params, strata


def test_line_errors_project_with_their_own_stratum():
    # issue 20: a wrong line among EUR 100 lines and one among EUR 10.000 lines no longer
    # project the same. Stratum 'klein': 1.000 lines of EUR 100; 'groot': 10 lines of EUR 10.000.
    params, strata = line_case([("klein", 1000, 10_000_000, 5), ("groot", 10, 10_000_000, 5)])
    small = clean(5, 1, "klein", 10_000) + clean(5, 6, "groot", 1_000_000)
    wrong_small = evaluate(findings([(1, "klein", 10_000, False, "onjuist", None)] + small[1:]),
                           params, strata)  # fmt: skip
    wrong_large = evaluate(findings(small[:5] + [(6, "groot", 1_000_000, False, "onjuist", None)]
                                    + small[6:]), params, strata)  # fmt: skip
    assert wrong_small.totaal.geprojecteerde_fout_cents == pytest.approx(1000 * 10_000 / 5)
    assert wrong_large.totaal.geprojecteerde_fout_cents == pytest.approx(10 * 1_000_000 / 5)
    assert "per stratum geprojecteerd" in wrong_small.bovengrensmethode
    assert [g.groep for g in wrong_small.groepen] == ["groot", "klein"]
    assert "Let op: er zijn 1 regel(s)" in wrong_small.oordeel


@pytest.mark.parametrize("estimator", ["verschil", "quotient", "regressie", "direct"])
def test_line_estimators_are_selectable_and_named(estimator):
    params, strata = line_case([("a", 200, 2_000_000, 10)])
    rows = [(i, "a", 10_000 + 100 * i, False, "juist", None) for i in range(1, 11)]
    rows[0] = (1, "a", 10_100, False, "onjuist", 5_000)
    rows[4] = (5, "a", 10_500, False, "onjuist", 2_000)
    result = evaluate(findings(rows), params, strata, estimator=estimator)
    assert result.totaal.bovengrens_cents > result.totaal.geprojecteerde_fout_cents
    assert estimator[:5] in result.bovengrensmethode.lower()


def test_signals_use_the_exact_attribute_bound():
    params = {"methode": "signalen", "betrouwbaarheid": 0.95, "materialiteit": 0.05,
              "likelihood": "binomial", "populatie_bedrag_cents": 0,
              "populatie_aantal": 500}  # fmt: skip
    rows = [(1, "alle", 0, False, "onjuist", None)] + clean(58, 2, amount=0)
    result = evaluate(findings(rows), params, pl.DataFrame())
    assert result.bovengrens_percentage == pytest.approx(upper_bound("binomial", 0.95, 59, 1))
    assert "binomial" in result.bovengrensmethode and not result.voldoet


# ---- per provider, the evaluation Excel -----------------------------------------------------


def test_per_provider_evaluation_reports_each_provider_and_the_total(tmp_path):
    s = trek(population(), Parameters(methode="mus", seed=8, per="aanbieder", materialiteit=0.05))
    path = write_excel(s, tmp_path / "per.xlsx")
    first = s.sample.filter(~pl.col("boven_interval") & (pl.col("stratum") == "01000001")).row(
        0, named=True
    )
    amount = first["ingediend_bedrag_cents"]
    fill(path, {first["volgnummer"]: ("onjuist", round(amount / 200, 2))})
    taint = round(amount / 200, 2) * 100 / amount  # the error as entered, in cents
    data = read_excel(path)
    result = evaluate(data.findings, data.params, data.strata, data.rounds)
    groups = {g.groep: g for g in result.groepen}
    assert sorted(groups) == ["00000001", "01000001", "02000001"] and result.indeling == "aanbieder"
    wrong = groups["01000001"]
    value = float(data.strata.filter(pl.col("stratum") == "01000001")["populatie_bedrag_cents"][0])
    assert wrong.geprojecteerde_fout_cents == pytest.approx(value / 60 * taint)
    assert wrong.terugvordering_cents == pytest.approx(value / 60 * taint)
    assert wrong.bovengrens_cents == pytest.approx(stringer([taint], 60, 0.95).bovengrens * value)
    assert groups["00000001"].terugvordering_cents == 0 and groups["00000001"].voldoet
    # every provider its own verdict; the sample passes only when every provider passes
    assert not wrong.voldoet and not result.voldoet and result.to_dict()["voldoet"] is False
    assert "2 van de 3 voldoen" in result.oordeel and "Niet: 01000001" in result.oordeel
    for key in ("geprojecteerde_fout_cents", "bovengrens_cents", "terugvordering_cents"):
        assert getattr(result.totaal, key) == pytest.approx(
            sum(getattr(g, key) for g in result.groepen)
        )
    report = write_evaluation(result, tmp_path / "evaluatie.xlsx", str(path))
    summary = {r["Onderdeel"]: r["Waarde"] for r in sheet_rows(report, "Evaluatie")}
    assert "stringer.poisson" in summary["Methode van de bovengrens"]
    assert "puntschatting" in summary["Terugvordering: welke schatting en waarom"]
    assert summary["Voorgestelde terugvordering (€)"] == pytest.approx(
        wrong.terugvordering_cents / 100, abs=0.01
    )
    rows = sheet_rows(report, "Per aanbieder")
    assert [r["Groep"] for r in rows] == ["00000001", "01000001", "02000001", "Totaal"]
    assert rows[1]["Voorgestelde terugvordering (€)"] == pytest.approx(
        wrong.terugvordering_cents / 100, abs=0.01
    )
    json_result = result.to_dict()
    assert json_result["per_groep"][1]["terugvordering_cents"] == round(
        wrong.terugvordering_cents, 2
    )


# ---- extension --------------------------------------------------------------------------------


@pytest.fixture
def mus_file(tmp_path):
    """A filled-in MUS sample (5 %, n = 60) with one line half wrong: it does not pass."""
    s = trek(population(), Parameters(methode="mus", seed=21, materialiteit=0.05))
    path = write_excel(s, tmp_path / "mus.xlsx")
    first = s.sample.filter(~pl.col("boven_interval")).row(0, named=True)
    fill(path, {first["volgnummer"]: ("onjuist", first["ingediend_bedrag_cents"] / 200)})
    return path, s


def test_mus_extension_is_reproducible_and_a_superset(mus_file):
    path, s = mus_file
    data = read_excel(path)
    assert not evaluate(data.findings, data.params, data.strata, data.rounds).voldoet
    extended = uitbreiden(data, population())
    again = uitbreiden(read_excel(path), population().sample(fraction=1.0, shuffle=True, seed=1))
    assert (
        extended.sample["referentie_nummer"].to_list()
        == again.sample["referentie_nummer"].to_list()
    )
    assert extended.rounds.equals(again.rounds)
    old = set(s.sample["referentie_nummer"])
    assert old < set(extended.sample["referentie_nummer"])
    # the new size: planning with the taint found (0,5) as expected errors in the sample
    assert extended.n == planning(0.05, expected_count=0.5).n
    assert extended.rounds["ronde"].to_list() == [0, 1]
    # old lines keep their number, round and finding; new lines follow, empty
    kept = extended.sample.filter(pl.col("referentie_nummer").is_in(list(old)))
    assert kept.sort("volgnummer")["volgnummer"].to_list() == list(range(1, len(old) + 1))
    assert (
        set(kept["ronde"]) == {0} and kept["bevinding"].drop_nulls().to_list().count("onjuist") == 1
    )
    new = extended.sample.filter(pl.col("ronde") == 1)
    assert new["volgnummer"].min() == len(old) + 1 and new["bevinding"].null_count() == new.height


def test_extended_mus_sample_passes_when_the_extra_lines_are_correct(mus_file, tmp_path):
    path, _ = mus_file
    extended = uitbreiden(read_excel(path), population())
    target = write_excel(extended, tmp_path / "ronde1.xlsx")
    fill(target, {})
    data = read_excel(target)
    result = evaluate(data.findings, data.params, data.strata, data.rounds)
    assert result.voldoet and result.totaal.n == extended.n
    assert uitbreiden(data, population()) is None


def test_line_extension_keeps_every_stratum_and_adds_the_next_keys(tmp_path):
    params = Parameters("gestratificeerd", 5, strata="product", aantal=20)
    s = trek(population(), params)
    path = write_excel(s, tmp_path / "lijn.xlsx")
    rows = s.sample.head(3).iter_rows(named=True)  # three lines 20 % too high
    fill(path, {r["volgnummer"]: ("onjuist", r["ingediend_bedrag_cents"] / 500) for r in rows})
    extended = uitbreiden(read_excel(path), population())
    before = dict(s.strata.select("stratum", "steekproef_aantal").iter_rows())
    after = dict(extended.strata.select("stratum", "steekproef_aantal").iter_rows())
    assert all(after[h] >= before[h] for h in before) and sum(after.values()) > 20
    assert set(s.sample["referentie_nummer"]) < set(extended.sample["referentie_nummer"])
    bigger = trek(population(), Parameters("gestratificeerd", 5, strata="product",
                                           aantal=sum(after.values())))  # fmt: skip
    assert set(bigger.sample["referentie_nummer"]) == set(extended.sample["referentie_nummer"])


def test_extension_refuses_a_changed_population(mus_file):
    path, _ = mus_file
    changed = population().with_columns(pl.col("ingediend_bedrag_cents") + 1)
    with pytest.raises(SteekproefFout, match="populatie-hash"):
        uitbreiden(read_excel(path), changed)


def test_cli_uitbreiden_and_evalueer_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv("DECLARATIEMONITOR_HMAC_KEY", "test-sleutel")
    warehouse = tmp_path / "wh.duckdb"
    build_warehouse(warehouse)
    path = tmp_path / "sp.xlsx"
    run_json("trek", "--warehouse", str(warehouse), "--seed", "3", "--materialiteit", "5%",
             "--uit", str(path))  # fmt: skip
    line = next(r for r in sheet_rows(path, "Steekproef") if r["Boven interval"] == "nee")
    fill(path, {line["Nr"]: ("onjuist", line["Bedrag (€)"] / 2)})
    before = run_json("evalueer", "--bestand", str(path))
    extended = run_json("uitbreiden", "--bestand", str(path), "--warehouse", str(warehouse))
    assert before["voldoet"] is False and extended["uitgebreid"] is True
    assert extended["ronde"] == 1 and extended["extra_trekkingen"] == extended["n"] - 60
    second = run_json("uitbreiden", "--bestand", str(path), "--warehouse", str(warehouse),
                      "--uit", str(tmp_path / "again.xlsx"))  # fmt: skip
    assert second["n"] == extended["n"]
    assert (
        read_excel(tmp_path / "again.xlsx").findings["sleutel"].to_list()
        == read_excel(extended["bestand"]).findings["sleutel"].to_list()
    )
    fill(tmp_path / "again.xlsx", {})
    after = run_json("evalueer", "--bestand", str(tmp_path / "again.xlsx"))
    assert after["voldoet"] is True
    done = runner.invoke(steekproef_app, ["uitbreiden", "--bestand", str(tmp_path / "again.xlsx"),
                                          "--warehouse", str(warehouse)])  # fmt: skip
    assert done.exit_code == 0 and "voldoet al" in done.stdout
    assert math.isclose(after["materialiteit"], 0.05)


def test_signal_extension_takes_the_next_signals(tmp_path, monkeypatch):
    monkeypatch.setenv("DECLARATIEMONITOR_HMAC_KEY", "test-sleutel")
    warehouse = tmp_path / "wh.duckdb"
    build_warehouse(warehouse)
    path = tmp_path / "s.xlsx"
    first = run_json("trek", "--warehouse", str(warehouse), "--methode", "signalen", "--seed",
                     "1", "--aantal", "2", "--uit", str(path))  # fmt: skip
    fill(path, {1: ("onjuist", None)})
    extended = run_json("uitbreiden", "--bestand", str(path), "--warehouse", str(warehouse))
    assert first["n_regels"] == 2 and extended["n_regels"] == 4  # all four signals
    keys = read_excel(extended["bestand"]).findings["sleutel"].to_list()
    assert set(read_excel(path).findings["sleutel"]) < set(keys)
    fill(extended["bestand"], {})
    done = runner.invoke(steekproef_app, ["uitbreiden", "--bestand", extended["bestand"],
                                          "--warehouse", str(warehouse)])  # fmt: skip
    assert done.exit_code == 2 and "al beoordeeld" in done.stderr
