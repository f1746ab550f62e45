"""Issue 19: feedback packs per provider (`declaratiemonitor aanbieder rapport`), names people
recognise, the review round trip per provider and the nightly packs in OUT/aanbieders/.

Data: the generated run of the browser test (400 clients, planted violations of every rule,
the generator's fictional `aanbieders` table with two providers left out on purpose).
"""

import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from test_dashboards import bsns_in, input_bsns
from test_dashboards_browser import generated  # noqa: F401 - the shared session fixture
from typer.testing import CliRunner

from declaratiemonitor.cli import app
from declaratiemonitor.lib import names as name_lookup
from declaratiemonitor.lib import pack
from declaratiemonitor.lib.dashboard_format import eur
from declaratiemonitor.lib.warehouse import connect

runner = CliRunner()
OPEN = ("nieuw", "open", "in_behandeling")
UNNAMED = "73000010"  # left out of the generated aanbieders table


def cli(*args: str):
    return runner.invoke(app, list(args))


def rapport(warehouse: Path, uit: Path, *args: str):
    return cli("aanbieder", "rapport", "--warehouse", str(warehouse), "--uit", str(uit), *args)


@pytest.fixture
def warehouse(generated: Path, tmp_path: Path) -> Path:  # noqa: F811
    """A copy of the generated run's warehouse (tests may change it)."""
    return Path(shutil.copy(generated / "out" / "warehouse.duckdb", tmp_path / "wh.duckdb"))


@pytest.fixture
def busy(generated: Path) -> tuple[str, pl.DataFrame]:  # noqa: F811
    """The named provider with open signals of the most rules, and those signals."""
    agb = busiest(generated)
    return agb, signals_of(generated, agb)


def signals_of(generated: Path, agb: str) -> pl.DataFrame:  # noqa: F811
    frame = pl.read_parquet(generated / "out" / "signals.parquet")
    return frame.filter((pl.col("aanbieder_agb") == agb) & pl.col("status").is_in(OPEN))


def busiest(generated: Path, named: bool = True) -> str:  # noqa: F811
    """The provider whose open signals span the most rules (named or not)."""
    frame = pl.read_parquet(generated / "out" / "signals.parquet")
    per = (
        frame.filter(pl.col("status").is_in(OPEN))
        .group_by("aanbieder_agb")
        .agg(pl.col("rule_id").n_unique().alias("regels"))
        .filter((pl.col("aanbieder_agb") != UNNAMED) if named else pl.lit(True))
        .sort(["regels", "aanbieder_agb"], descending=[True, False])
    )
    return per["aanbieder_agb"][0]


def sheet(path: Path, name: str) -> list[dict]:
    rows = list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def summary_values(xlsx: Path) -> dict:
    rows = openpyxl.load_workbook(xlsx)["Samenvatting"].iter_rows(values_only=True)
    return {r[0]: r[1] for r in rows}


def written(result) -> tuple[Path, Path]:
    paths = [Path(line.strip()) for line in result.output.splitlines() if line.startswith("  ")]
    xlsx = next(p for p in paths if p.suffix == ".xlsx")
    return xlsx, xlsx.with_suffix(".html")


# ---------------------------------------------------------------- contents


def test_pack_has_every_open_signal_and_evidence_line_once(
    busy: tuple,
    warehouse: Path,
    tmp_path: Path,
) -> None:
    agb, expected = busy
    assert expected["rule_id"].n_unique() >= 3  # signals of several rules
    result = rapport(warehouse, tmp_path / "uit", "--aanbieder", agb)
    assert result.exit_code == 0, result.output
    xlsx, page = written(result)
    rows = sheet(xlsx, "Signalen")
    ids = [r["signal_id"] for r in rows]
    assert sorted(ids) == sorted(expected["signal_id"].to_list())  # each open signal, once
    assert [r["Nr"] for r in rows] == list(range(1, len(rows) + 1))
    by_id = {r["signal_id"]: r for r in rows}
    for s in expected.iter_rows(named=True):
        row = by_id[s["signal_id"]]
        assert row["Melding"] == s["message"] and row["Regelcode"] == s["rule_id"]
        assert round(row["Bedrag op het spel"] * 100) == s["impact_cents"]
        assert (
            row["Uitleg"]
            and row["Grondslag"]
            and row["Gevraagde actie"]
            in (
                "crediteren",
                "toelichten",
                "corrigeren en opnieuw declareren",
            )
        )
    # every evidence reference of those signals, each evidence line once
    evidence = sheet(xlsx, "Bewijsregels")
    refs = {ref for refs in expected["evidence"].to_list() for ref in refs}
    assert {r["Referentie"] for r in evidence} == refs
    keys = [
        (r["Soort"], r["Referentie"], r["Declaratienummer"], r["Periode begin"]) for r in evidence
    ]
    assert len(keys) == len(set(keys))
    with connect(warehouse, read_only=True) as con:
        lines = con.execute(
            "select count(*) from staging.declaraties "
            "where aanbieder_agb = ? and list_contains(?, referentie_nummer)",
            [agb, sorted(refs)],
        ).fetchall()[0][0]
    assert sum(r["Soort"] == "declaratieregel" for r in evidence) == lines > 0
    for r in evidence:  # the signal numbers point at signals that cite the reference
        for nr in str(r["Bij signaal (nr)"]).split(", "):
            cited = rows[int(nr) - 1]["Bewijs (referenties)"].split(", ")
            assert r["Referentie"] in cited
    assert page.is_file()


def test_totals_match_signals_parquet(busy: tuple, warehouse: Path, tmp_path: Path) -> None:
    agb, expected = busy
    xlsx, _ = written(rapport(warehouse, tmp_path / "uit", "--aanbieder", agb))
    summary = list(openpyxl.load_workbook(xlsx)["Samenvatting"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(summary) if r[0] == "Regel")
    table = {r[0]: r for r in summary[head + 1 :] if r[0] and r[3] is not None}
    per_rule = expected.group_by("rule_id").agg(pl.len(), pl.col("impact_cents").sum())
    for rule_id, count, cents in per_rule.iter_rows():
        assert table[rule_id][3] == count and round(table[rule_id][4] * 100) == cents
    total = table["Totaal"]
    assert total[3] == expected.height
    assert round(total[4] * 100) == expected["impact_cents"].sum()
    values = {r[0]: r[1] for r in summary[:head] if r[0]}
    assert values["Signalen"] == str(expected.height)
    answered = expected.filter(
        pl.col("afhandeling").is_in(["afgewezen", "deels_afgewezen", "betaald"])
    )
    paid = answered["impact_betaald_cents"].sum()
    assert values["Afhandeling door de gemeente (325)"] == (
        f"al afgewezen: {eur(answered['impact_cents'].sum() - paid)}; op betaalde regels: "
        f"{eur(paid)}; nog geen antwoord of geen declaratieregels: "
        f"{eur(expected['impact_cents'].sum() - answered['impact_cents'].sum())}"
    )
    with connect(warehouse, read_only=True) as con:
        regels, cents = con.execute(
            "select count(*), sum(ingediend_bedrag_cents) from models.declaraties_netto "
            "where aanbieder_agb = ?",
            [agb],
        ).fetchall()[0]
    assert values["Declaratieregels"] == f"{regels:,}".replace(",", ".")
    assert values["Gedeclareerd bedrag"] == eur(cents)


def test_names_where_known_codes_where_not(
    generated: Path,  # noqa: F811
    warehouse: Path,
    tmp_path: Path,
) -> None:
    named = busiest(generated)
    xlsx, page = written(rapport(warehouse, tmp_path / "a", "--aanbieder", named))
    with connect(warehouse, read_only=True) as con:
        naam = con.execute(
            "select naam from staging.aanbieders where aanbieder_agb = ?", [named]
        ).fetchall()[0][0]
    values = {
        r[0]: r[1] for r in openpyxl.load_workbook(xlsx)["Samenvatting"].iter_rows(values_only=True)
    }
    assert values["Aanbieder"] == f"{naam} ({named})"
    gemeenten = {r["Gemeente"] for r in sheet(xlsx, "Signalen")}
    assert all(g.endswith(")") and " (" in g for g in gemeenten)  # "Dordrecht (0505)"
    assert f"<h1>{naam} ({named})</h1>" in page.read_text(encoding="utf-8")
    xlsx, page = written(rapport(warehouse, tmp_path / "b", "--aanbieder", UNNAMED))
    values = {
        r[0]: r[1] for r in openpyxl.load_workbook(xlsx)["Samenvatting"].iter_rows(values_only=True)
    }
    assert values["Aanbieder"] == UNNAMED
    assert f"<h1>{UNNAMED}</h1>" in page.read_text(encoding="utf-8")
    # a gemeente code that is not in the CBS list keeps showing the code
    names = name_lookup.load()
    assert names.gemeente("0505") == "Dordrecht (0505)" and names.gemeente("9999") == "9999"
    assert names.gemeente(None) == "-"


def test_no_formulas_no_bsn_and_injection_safe(
    generated: Path,  # noqa: F811
    busy: tuple,
    warehouse: Path,
    tmp_path: Path,
) -> None:
    agb = busy[0]
    hostile = '=HYPERLINK("https://voorbeeld.invalid","klik")<script>alert(1)</script>'
    con = duckdb.connect(str(warehouse))
    con.execute("update staging.aanbieders set naam = ? where aanbieder_agb = ?", [hostile, agb])
    con.close()
    xlsx, page = written(rapport(warehouse, tmp_path / "uit", "--aanbieder", agb))
    book = openpyxl.load_workbook(xlsx)
    assert [c for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
    cell = next(row[1] for row in book["Samenvatting"].iter_rows() if row[0].value == "Aanbieder")
    assert cell.value == f"{hostile} ({agb})" and cell.quotePrefix
    text = page.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "http" not in text.replace("https://voorbeeld.invalid", "")  # no link out
    bsns = input_bsns(generated / "landing")
    with zipfile.ZipFile(xlsx) as z:
        parts = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert bsns and not bsns_in(parts, bsns) and not bsns_in(text, bsns)


def test_afhandeling_from_the_325_columns_when_present(
    busy: tuple,
    warehouse: Path,
    tmp_path: Path,
) -> None:
    """signals.afhandeling and impact_betaald_cents (CONTRACT.md) split the money in the pack;
    here set by hand so that each value is present."""
    agb = busy[0]
    con = duckdb.connect(str(warehouse))
    con.execute("update main.signals set afhandeling = null, impact_betaald_cents = null")
    ids = con.execute(
        "select signal_id from main.signals where aanbieder_agb = ? and impact_cents > 0 "
        "order by signal_id",
        [agb],
    ).fetchall()
    assert len(ids) >= 3
    plan = [("afgewezen", 0.0), ("deels_afgewezen", 0.5), ("betaald", 1.0)]
    for (signal_id,), (afhandeling, paid) in zip(ids, plan, strict=False):
        con.execute(
            "update main.signals set afhandeling = ?, "
            "impact_betaald_cents = cast(round(impact_cents * ?) as bigint) where signal_id = ?",
            [afhandeling, paid, signal_id],
        )
    con.execute(
        "update main.signals set afhandeling = 'onbekend', impact_betaald_cents = impact_cents "
        "where afhandeling is null"
    )
    expected = con.execute(
        """select sum(impact_cents - impact_betaald_cents) filter (where afhandeling in
               ('afgewezen', 'deels_afgewezen', 'betaald')),
           sum(impact_betaald_cents) filter (where afhandeling in
               ('afgewezen', 'deels_afgewezen', 'betaald')),
           sum(impact_cents) filter (where afhandeling = 'onbekend'), sum(impact_cents)
           from main.signals where aanbieder_agb = ? and status in ('nieuw', 'open',
               'in_behandeling')""",
        [agb],
    ).fetchall()[0]
    con.close()
    with connect(warehouse, read_only=True) as con:
        built = pack.build(con, pack.Selection(agb))
    assert built.afhandeling_known
    got = tuple(built.total(c) for c in ("afgewezen_cents", "betaald_cents", "onbekend_cents"))
    assert got == expected[:3] and sum(got) == expected[3] == built.total("impact_cents")
    xlsx, page = written(rapport(warehouse, tmp_path / "uit", "--aanbieder", agb))
    rows = {r["signal_id"]: r for r in sheet(xlsx, "Signalen")}
    assert rows[ids[0][0]]["Afhandeling (325)"] == "afgewezen (325)"
    assert rows[ids[1][0]]["Afhandeling (325)"] == "deels afgewezen (325)"
    summary = list(openpyxl.load_workbook(xlsx)["Samenvatting"].iter_rows(values_only=True))
    assert "Al afgewezen (325)" in next(r for r in summary if r[0] == "Regel")
    text = page.read_text(encoding="utf-8")
    assert "al afgewezen: " in text and "geen 325-antwoorden ingelezen" not in text


LINE_LABELS = {
    "afgewezen": "afgewezen",
    "geaccepteerd": "geaccepteerd",
    "onbekend": "nog geen antwoord",
}


def test_evidence_lines_say_what_the_back_office_did(
    busy: tuple,
    warehouse: Path,
    tmp_path: Path,
) -> None:
    """Bewijsregels (Excel) and the evidence table (HTML): per claim line its afhandeling from
    models.declaratie_afhandeling, a rejection with its retourcodes; empty for other evidence.
    Three 323s of the provider's evidence are set by hand: one line rejected with two codes, one
    323 answered without rejections, one not answered."""
    agb, expected = busy
    refs = sorted({ref for refs in expected["evidence"].to_list() for ref in refs})
    con = duckdb.connect(str(warehouse))
    lines = con.execute(
        "select gemeente_code, declaratie_nummer, _volgnr, referentie_nummer "
        "from staging.declaraties where aanbieder_agb = ? and list_contains(?, referentie_nummer) "
        "order by _volgnr",
        [agb, refs],
    ).fetchall()
    claims = {}
    for g, d, volgnr, ref in lines:
        claims.setdefault((g, d), (volgnr, ref))
    assert len(claims) >= 3
    rejected, accepted, unanswered = list(claims.items())[:3]
    for (g, d), _ in (rejected, accepted, unanswered):
        for table in ("antwoorden", "afgewezen_regels"):
            con.execute(
                f"delete from models.{table} where gemeente_code = ? and aanbieder_agb = ? "
                "and declaratie_nummer = ?",
                [g, agb, d],
            )
    for (g, d), _ in (rejected, accepted):
        con.execute(
            "insert into models.antwoorden by name select ? as gemeente_code, "
            "? as aanbieder_agb, ? as declaratie_nummer, '0200' as retourcodes, "
            "'declaratie' as koppeling, false as geheel_afgewezen",
            [g, agb, d],
        )
    con.execute(
        "insert into models.afgewezen_regels by name select _volgnr, gemeente_code, "
        "aanbieder_agb, declaratie_nummer, referentie_nummer, debet_credit, "
        "ingediend_bedrag_cents, '0611;9346' as retourcodes, false as geheel "
        "from staging.declaraties where _volgnr = ?",
        [rejected[1][0]],
    )
    handled = {  # (referentie, declaratienummer, begindatum) -> afhandeling, retourcodes
        (r[0], r[1], r[2]): (r[3], r[4])
        for r in con.execute(
            "select d.referentie_nummer, d.declaratie_nummer, d.begindatum, h.afhandeling, "
            "h.retourcodes from staging.declaraties as d "
            "join models.declaratie_afhandeling as h using (_volgnr) where d.aanbieder_agb = ?",
            [agb],
        ).fetchall()
    }
    con.close()
    xlsx, page = written(rapport(warehouse, tmp_path / "uit", "--aanbieder", agb))
    rows = sheet(xlsx, "Bewijsregels")
    label = {}
    for r in rows:
        if r["Soort"] != "declaratieregel":
            assert r["Afhandeling (325)"] is None
            continue
        value, codes = handled[(r["Referentie"], r["Declaratienummer"], r["Periode begin"].date())]
        want = LINE_LABELS[value] + (f" ({codes.replace(';', ', ')})" if codes else "")
        assert r["Afhandeling (325)"] == want
        label[(r["Referentie"], r["Declaratienummer"])] = want
    assert label[(rejected[1][1], rejected[0][1])] == "afgewezen (0611, 9346)"
    assert label[(accepted[1][1], accepted[0][1])] == "geaccepteerd"
    assert label[(unanswered[1][1], unanswered[0][1])] == "nog geen antwoord"
    evidence = page.read_text(encoding="utf-8").split('<section id="bewijs">')[1]
    assert '<th class="">Afhandeling (325)</th>' in evidence
    for text in ("afgewezen (0611, 9346)", "geaccepteerd", "nog geen antwoord"):
        assert f'<td class="">{text}</td>' in evidence


def test_without_325_answers_the_pack_says_afhandeling_unknown(
    busy: tuple,
    warehouse: Path,
    tmp_path: Path,
) -> None:
    """A run that read no 325 answer: every signal is 'onbekend'; the pack says why, once."""
    agb = busy[0]
    con = duckdb.connect(str(warehouse))
    con.execute("delete from models.antwoorden")
    con.execute(
        "update main.signals set afhandeling = 'onbekend', impact_betaald_cents = impact_cents"
    )
    con.close()
    with connect(warehouse, read_only=True) as con:
        assert not pack.build(con, pack.Selection(agb)).afhandeling_known
    xlsx, page = written(rapport(warehouse, tmp_path / "uit", "--aanbieder", agb))
    assert summary_values(xlsx)["Afhandeling door de gemeente (325)"] == (
        "afhandeling onbekend (geen 325-antwoorden ingelezen)"
    )
    assert {r["Afhandeling (325)"] for r in sheet(xlsx, "Signalen")} == {"onbekend"}
    lines = [r for r in sheet(xlsx, "Bewijsregels") if r["Soort"] == "declaratieregel"]
    assert lines and {r["Afhandeling (325)"] for r in lines} == {"onbekend"}
    assert "geen 325-antwoorden ingelezen" in page.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the command


def test_provider_without_signals_gets_a_message_not_a_file(
    warehouse: Path, tmp_path: Path
) -> None:
    uit = tmp_path / "uit"
    with connect(warehouse, read_only=True) as con:
        agb = con.execute(
            "select aanbieder_agb from staging.aanbieders "
            "anti join main.signals using (aanbieder_agb) order by 1 limit 1"
        ).fetchall()[0][0]
    result = rapport(warehouse, uit, "--aanbieder", agb)
    assert result.exit_code == 0, result.output
    assert "Geen signalen voor " in result.output and "geen pakket geschreven" in result.output
    assert not uit.exists() or not any(uit.iterdir())
    result = rapport(warehouse, uit, "--aanbieder", busiest_any(warehouse), "--status", "terecht")
    assert "Geen signalen" in result.output and "(status terecht)" in result.output
    assert not uit.exists() or not any(uit.iterdir())


def busiest_any(warehouse: Path) -> str:
    with connect(warehouse, read_only=True) as con:
        return con.execute(
            "select aanbieder_agb from main.signals group by 1 order by count(*) desc, 1 limit 1"
        ).fetchall()[0][0]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--aanbieder", "99999999"], "Aanbieder 99999999 komt niet voor in het warehouse"),
        (["--aanbieder", "7300001"], "Ongeldige AGB-code '7300001': verwacht 8 cijfers"),
        (["--aanbieder", "73000001", "--gemeente", "505"], "Ongeldige gemeentecode '505'"),
        (["--aanbieder", "73000001", "--vanaf", "1-7-2026"], "Ongeldige datum voor --vanaf"),
        (["--aanbieder", "73000001", "--status", "dicht"], "Onbekende status 'dicht'"),
        ([], "Geef --aanbieder AGB of --alle"),
        (["--alle", "--aanbieder", "73000001"], "Geef --aanbieder AGB of --alle"),
    ],
)
def test_bad_input_is_one_dutch_sentence(
    warehouse: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = rapport(warehouse, tmp_path / "uit", *args)
    assert result.exit_code == 2, result.output
    assert f"Fout: {message}" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "uit").exists()


def test_missing_or_empty_warehouse(tmp_path: Path) -> None:
    result = rapport(tmp_path / "nergens.duckdb", tmp_path / "uit", "--aanbieder", "73000001")
    assert result.exit_code == 2 and "Warehouse niet gevonden" in result.output
    duckdb.connect(str(tmp_path / "leeg.duckdb")).close()
    result = rapport(tmp_path / "leeg.duckdb", tmp_path / "uit", "--aanbieder", "73000001")
    assert result.exit_code == 2, result.output
    assert "Het warehouse bevat nog geen signalen" in result.output


def test_alle_one_pack_per_provider_with_open_signals(
    generated: Path,  # noqa: F811
    warehouse: Path,
    tmp_path: Path,
) -> None:
    frame = pl.read_parquet(generated / "out" / "signals.parquet")
    providers = set(frame.filter(pl.col("status").is_in(OPEN))["aanbieder_agb"].drop_nulls())
    result = rapport(warehouse, tmp_path / "uit", "--alle")
    assert result.exit_code == 0, result.output
    xlsx = sorted((tmp_path / "uit").glob("*.xlsx"))
    assert {p.name.split("_")[1] for p in xlsx} == providers
    assert len(list((tmp_path / "uit").glob("*.html"))) == len(providers)
    assert f"{len(providers)} pakketten geschreven" in result.output


def test_gemeente_and_vanaf_narrow_the_pack(
    busy: tuple,
    warehouse: Path,
    tmp_path: Path,
) -> None:
    """--vanaf: signals whose period ends on or after the date (or is open-ended)."""
    agb, expected = busy
    gemeente = expected["gemeente_code"].mode()[0]
    vanaf = sorted(expected["period_end"].drop_nulls().to_list())[expected.height // 2]
    result = rapport(
        warehouse, tmp_path, "--aanbieder", agb, "--gemeente", gemeente, "--vanaf", str(vanaf)
    )
    xlsx, _ = written(result)
    assert xlsx.name == f"terugkoppeling_{agb}_{gemeente}_2026-11-23.xlsx"
    want = expected.filter(
        (pl.col("gemeente_code") == gemeente)
        & (pl.col("period_end").is_null() | (pl.col("period_end") >= vanaf))
    )
    assert 0 < want.height < expected.height
    assert {r["signal_id"] for r in sheet(xlsx, "Signalen")} == set(want["signal_id"])


# ---------------------------------------------------------------- review round trip


def fill(path: Path, verdicts: dict[str, tuple[str, str, str]]) -> None:
    book = openpyxl.load_workbook(path)
    ws = book["Signalen"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        signal_id = row[header.index("signal_id")].value
        if signal_id in verdicts:
            for col, value in zip(
                ("status", "notitie", "reviewer"), verdicts[signal_id], strict=True
            ):
                row[header.index(col)].value = value
    book.save(path)


def test_pack_signal_sheet_imports_as_verdicts_all_or_nothing(
    busy: tuple,
    warehouse: Path,
    tmp_path: Path,
) -> None:
    agb = busy[0]
    xlsx, _ = written(rapport(warehouse, tmp_path, "--aanbieder", agb))
    ids = [r["signal_id"] for r in sheet(xlsx, "Signalen")][:3]
    fill(
        xlsx, {ids[0]: ("terecht", "Creditering toegezegd", "j.jansen"), ids[1]: ("fout", "", "x")}
    )
    bad = cli("review", "importeer", "--warehouse", str(warehouse), "--bestand", str(xlsx))
    assert bad.exit_code == 2 and "onbekende status 'fout'" in bad.output
    with connect(warehouse, read_only=True) as con:
        assert (
            con.execute(
                "select count(*) from main.signal_history where review_status is not null"
            ).fetchall()[0][0]
            == 0
        )
    fill(xlsx, {ids[1]: ("onterecht", "Afspraak in gesprek", "j.jansen")})
    ok = cli("review", "importeer", "--warehouse", str(warehouse), "--bestand", str(xlsx))
    assert ok.exit_code == 0, ok.output
    assert "2 gewijzigd" in ok.output
    with connect(warehouse, read_only=True) as con:
        got = dict(
            con.execute(
                "select signal_id, status from main.signals where list_contains(?, signal_id)",
                [ids],
            ).fetchall()
        )
    assert got[ids[0]] == "terecht" and got[ids[1]] == "onterecht" and got[ids[2]] in OPEN


def test_review_export_per_provider_with_names(
    busy: tuple, warehouse: Path, tmp_path: Path
) -> None:
    agb, expected = busy
    path = tmp_path / "beoordeling.xlsx"
    args = ["--warehouse", str(warehouse), "--bestand", str(path), "--aanbieder", agb]
    result = cli("review", "exporteer", *args)
    assert result.exit_code == 0, result.output
    rows = sheet(path, "Beoordeling")
    assert {r["signal_id"] for r in rows} == set(expected["signal_id"])
    with connect(warehouse, read_only=True) as con:
        label = name_lookup.load(con).aanbieder(agb)
    assert label.endswith(f" ({agb})") and {r["aanbieder"] for r in rows} == {label}
    assert all(r["gemeente"].endswith(")") for r in rows)  # "Dordrecht (0505)"
    bad = cli("review", "exporteer", *args[:4], "--aanbieder", "12")
    assert bad.exit_code == 2 and "Ongeldige AGB-code" in bad.output


# ---------------------------------------------------------------- the nightly packs


def test_nightly_run_writes_packs_for_providers_with_new_signals(generated: Path) -> None:  # noqa: F811
    out = generated / "out"
    frame = pl.read_parquet(out / "signals.parquet")
    new = set(frame.filter(pl.col("status") == "nieuw")["aanbieder_agb"].drop_nulls())
    folder = out / "aanbieders"
    assert {p.name.split("_")[1] for p in folder.glob("*.html")} == new
    assert {p.name.split("_")[1] for p in folder.glob("*.xlsx")} == new
    con = duckdb.connect(str(out / "warehouse.duckdb"), read_only=True)
    try:
        recorded = con.execute(
            "select aanbieder_agb, html from main.aanbieder_pakketten"
        ).fetchall()
    finally:
        con.close()
    assert {agb for agb, _ in recorded} == new
    page = (out / "dashboards" / "aanbieders.html").read_text(encoding="utf-8")
    for _, html in recorded:
        assert (out / html).is_file()
        assert f'"../{html}"' in page  # the provider page links the latest pack
    assert not (out / ".uitvoer.werk").exists()


# ---------------------------------------------------------------- names elsewhere

LABEL = r"[A-Z][A-Za-z'. -]+ \((?:73|41|52)\d{6}\)"  # "Zorgteam Eikelenbosch (41000006)"


@pytest.mark.parametrize(
    "page",
    ["signalen", "aanbieders", "overzicht", "noshow", "uitnutting", "vervoer", "beschermd_wonen"],
)
def test_dashboards_show_names_and_codes(generated: Path, page: str) -> None:  # noqa: F811
    text = (generated / "out" / "dashboards" / f"{page}.html").read_text(encoding="utf-8")
    assert re.search(LABEL, text), f"{page}: geen aanbieder met naam (code)"
    assert re.search(r"(Dordrecht \(0505\)|Geldrop-Mierlo \(1771\)|Drechterland \(0498\))", text)
    assert "aanbieder (AGB)" not in text and "gemeente (CBS-code)" not in text


def test_unnamed_provider_shows_its_code(generated: Path) -> None:  # noqa: F811
    text = (generated / "out" / "dashboards" / "signalen.html").read_text(encoding="utf-8")
    assert f'"{UNNAMED}"' in text and f"({UNNAMED})" not in text


def test_steekproef_excel_shows_names(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "steekproef.xlsx"
    args = ["--warehouse", str(warehouse), "--methode", "mus", "--per", "aanbieder"]
    result = cli("steekproef", "trek", *args, "--seed", "3", "--uit", str(path))
    assert result.exit_code == 0, result.output
    with connect(warehouse, read_only=True) as con:
        names = name_lookup.load(con)
    rows = sheet(path, "Steekproef")
    assert rows and all(r["Gemeente"].endswith(")") for r in rows)  # "Dordrecht (0505)"
    labels = {r["Aanbieder"] for r in rows}
    assert labels & {names.aanbieder(a) for a in names.aanbieders}  # named providers by name
    strata = sheet(path, "Strata")
    assert [r["Aanbieder"] for r in strata] == [names.aanbieder(r["Stratum"]) for r in strata]
    evalueer = cli("steekproef", "evalueer", "--bestand", str(path))  # still reads back
    assert evalueer.exit_code == 0, evalueer.output
