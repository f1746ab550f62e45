"""Dashboards: every page is written, Dutch formats, a peildatum on every page, offline, no BSN.

The example warehouse comes from a small landing folder run through the real pipeline; signals
of rules that are not written yet are added by hand so that every page has something to show.
`build_example` is also used by the browser test.
"""

import csv
import json
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pytest
from filelock import FileLock

from declaratiemonitor.defs.resources import make_resources
from declaratiemonitor.lib import dashboard as render
from declaratiemonitor.lib.fixtures import DEFAULTS, bsn_from_number, complete_rows
from declaratiemonitor.lib.warehouse import connect
from declaratiemonitor.paths import REFERENCE_DIR
from declaratiemonitor.pipeline import QUIET_LOGGERS, run_pipeline

PEILDATUM = "2026-11-23"
A, B, C = "12345678", "87654321", "24681357"
BSN = {n: bsn_from_number(n) for n in range(1, 10)}


@dataclass
class Example:
    landing: Path
    out: Path
    warehouse: Path

    @property
    def folder(self) -> Path:
        return self.out / "dashboards"


def _tariffs() -> dict[tuple[str, str], int]:
    tariffs = {}
    for path in REFERENCE_DIR.glob("*/producten.csv"):
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                tariffs[(row["gemeente_code"], row["product_code"])] = int(row["tarief_cents"])
    return tariffs


def _alloc(nr, gemeente, agb, bsn, code, volume, eenheid, freq, start, end) -> dict:
    return {
        "toewijzing_nummer": nr,
        "gemeente_code": gemeente,
        "aanbieder_agb": agb,
        "bsn": bsn,
        "product_categorie": code[:2],
        "product_code": code,
        "volume": volume,
        "eenheid": eenheid,
        "frequentie": freq,
        "ingangsdatum": start,
        "einddatum": end,
    }


def _allocations() -> list[dict]:
    return [
        _alloc("T1", "1771", A, BSN[1], "02B01", 100, "04", "6", "2026-01-01", "2026-12-31"),
        _alloc("T2", "1771", B, BSN[2], "02B02", 200, "04", "6", "2026-01-01", "2026-12-31"),
        _alloc("T3", "1771", A, BSN[3], "02B01", 4, "04", "4", "2026-03-01", "2027-02-28"),
        _alloc("T4", "1771", B, BSN[4], "02B03", 150, "04", "6", "2026-06-01", "2027-05-31"),
        _alloc("T5", "1771", A, BSN[5], "07D01", 4, "16", "2", "2026-01-01", "2026-12-31"),
        _alloc("T6", "1771", A, BSN[5], "08V03", 4, "84", "2", "2026-01-01", "2026-12-31"),
        _alloc("T7", "1771", C, BSN[6], "08V02", 4, "84", "2", "2026-01-01", "2026-12-31"),
        _alloc("T8", "0505", C, BSN[7], "15D01", 1, "14", "1", "2026-01-01", None),
        _alloc("T9", "0505", C, BSN[8], "15D02", 1, "14", "1", "2026-01-01", "2026-12-31"),
    ]


def _monthly(nr, gemeente, agb, bsn, code, eenheid, months, volume) -> list[dict]:
    rows = []
    for m in months:
        start = date(2026, m, 1)
        vol = volume(start) if callable(volume) else volume
        rows.append(
            {
                "toewijzing_nummer": nr,
                "gemeente_code": gemeente,
                "aanbieder_agb": agb,
                "bsn": bsn,
                "product_categorie": code[:2],
                "product_code": code,
                "begindatum": start.isoformat(),
                "geleverd_volume": vol,
                "eenheid": eenheid,
            }
        )
    return rows


def _days_in_month(d: date) -> int:
    return ((d.replace(day=28) + timedelta(days=4)).replace(day=1) - d).days


def _day_lines(nr, agb, bsn, code, eenheid, days) -> list[dict]:
    return [
        {
            "toewijzing_nummer": nr,
            "gemeente_code": "1771",
            "aanbieder_agb": agb,
            "bsn": bsn,
            "product_categorie": code[:2],
            "product_code": code,
            "begindatum": d.isoformat(),
            "einddatum": d.isoformat(),
            "geleverd_volume": 1,
            "eenheid": eenheid,
        }
        for d in days
    ]


def _claims() -> list[dict]:
    tuesdays = [date(2026, 9, 1) + timedelta(days=7 * i) for i in range(10)]
    days = tuesdays + [d + timedelta(days=2) for d in tuesdays]
    return [
        *_monthly("T1", "1771", A, BSN[1], "02B01", "04", range(1, 11), 12),
        *_monthly("T2", "1771", B, BSN[2], "02B02", "01", range(1, 11), 180),
        *_monthly("T3", "1771", A, BSN[3], "02B01", "04", range(3, 11), 4),
        *_monthly("T4", "1771", B, BSN[4], "02B03", "04", range(6, 12), 20),
        *_day_lines("T5", A, BSN[5], "07D01", "16", days),
        *_day_lines("T6", A, BSN[5], "08V03", "84", days),
        *_day_lines("T7", C, BSN[6], "08V02", "84", days[:8]),
        *_monthly("T8", "0505", C, BSN[7], "15D01", "14", range(1, 11), _days_in_month),
        *_monthly("T9", "0505", C, BSN[8], "15D02", "14", range(1, 11), _days_in_month),
        *_monthly("T99", "1771", C, BSN[9], "02B01", "04", [10], 5),
    ]


def _contact(nr, agb, bsn, when: date, soort, kanaal, resultaat, minuten) -> dict:
    return {
        "toewijzing_nummer": nr,
        "aanbieder_agb": agb,
        "bsn": bsn,
        "gepland_begin": f"{when.isoformat()}T10:00",
        "soort": soort,
        "kanaal": kanaal,
        "resultaat": resultaat,
        "minuten_gedeclareerd": minuten,
    }


def _streak(nr, agb, bsn, first: date, attempts: int) -> list[dict]:
    rows = []
    for i in range(attempts):
        day = first + timedelta(days=7 * i)
        if i % 2:
            rows.append(_contact(nr, agb, bsn, day, "no_show", "huisbezoek", "geen_contact", 30))
        else:
            rows.append(
                _contact(nr, agb, bsn, day, "contactpoging", "telefoon", "geen_contact", 10)
            )
    return rows


def _contacts() -> list[dict]:
    direct = "direct", "huisbezoek", "inhoudelijk", 60
    return [
        _contact("T1", A, BSN[1], date(2026, 2, 2), *direct),
        *_streak("T1", A, BSN[1], date(2026, 2, 9), 10),
        _contact("T1", A, BSN[1], date(2026, 5, 4), *direct),
        _contact("T1", A, BSN[1], date(2026, 6, 1), *direct),
        _contact("T4", B, BSN[4], date(2026, 8, 3), *direct),
        *_streak("T4", B, BSN[4], date(2026, 8, 10), 15),
    ]


def _absences() -> list[dict]:
    return [
        {
            "afwezigheid_id": "A1",
            "bsn": BSN[7],
            "begindatum": "2026-04-01",
            "einddatum": None,
            "reden": "ggz_opname",
        },
        {
            "afwezigheid_id": "A2",
            "bsn": BSN[8],
            "begindatum": "2026-06-10",
            "einddatum": None,
            "reden": "detentie",
        },
        {
            "afwezigheid_id": "A3",
            "bsn": BSN[8],
            "begindatum": "2026-02-02",
            "einddatum": "2026-02-15",
            "reden": "vakantie",
            "terugkeer_beoogd": True,
        },
    ]


def _distances() -> list[dict]:
    return [
        {"bsn": BSN[5], "aanbieder_agb": A, "enkele_reis_km": 7.0},
        {"bsn": BSN[6], "aanbieder_agb": C, "enkele_reis_km": 7.5},
    ]


def write_landing(landing: Path) -> None:
    landing.mkdir(parents=True, exist_ok=True)
    tables = {
        "toewijzingen": _allocations(),
        "declaraties": _claims(),
        "contactmomenten": _contacts(),
        "afwezigheden": _absences(),
        "reisafstanden": _distances(),
    }
    for name, given in tables.items():
        rows = complete_rows(name, given, _tariffs())
        with (landing / f"{name}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(DEFAULTS[name]))
            writer.writeheader()
            writer.writerows(rows)


# rule, severity, toewijzing, impact, evidence query (list), status
HAND_SIGNALS = [
    ("uitnutting.overschrijding", "hoog", "T1", 124_500, "claims", "open"),
    ("uitnutting.prognose", "midden", "T4", 0, "", "nieuw"),
    ("uitnutting.onderbenutting", "laag", "T2", 0, "", "nieuw"),
    ("noshow.boven_15_minuten", "midden", "T1", 4_250, "no_show", "nieuw"),
    ("escalatie.opschalen", "hoog", "T4", 0, "attempts", "nieuw"),
    ("escalatie.doordeclareren", "hoog", "T4", 153_600, "claims", "in_behandeling"),
    ("vervoer.staffel_te_hoog", "midden", "T6", 12_340, "claims", "open"),
    ("bw_afwezigheid.langer_dan_6_maanden", "hoog", "T8", 987_650, "absence", "nieuw"),
    ("bw_afwezigheid.nadert_6_maanden", "laag", "T9", 0, "absence", "nieuw"),
]
EVIDENCE = {
    "": "select []::varchar[]",
    "claims": "select list(referentie_nummer order by referentie_nummer) "
    "from models.declaraties_netto where toewijzing_nummer = $nr",
    "no_show": "select list(contact_id order by contact_id) from staging.contactmomenten "
    "where toewijzing_nummer = $nr and soort = 'no_show'",
    "attempts": "select list(contact_id order by contact_id) from staging.contactmomenten "
    "where toewijzing_nummer = $nr and resultaat <> 'inhoudelijk'",
    "absence": "select list(afwezigheid_id order by afwezigheid_id) from staging.afwezigheden "
    "where client_key = (select client_key from models.toewijzingen where toewijzing_nummer = $nr)",
}


def add_hand_signals(con) -> None:
    """Signals of rules still being written, so that every page has something to show."""
    for rule, severity, nr, impact, evidence, status in HAND_SIGNALS:
        con.execute(
            f"""insert into main.signals by name
            select md5($rule || $nr) as signal_id, $rule as rule_id, '1' as rule_version,
                $severity as severity, gemeente_code, aanbieder_agb, toewijzing_nummer,
                client_key, ingangsdatum as period_start,
                geldig_tot as period_end, 10.0 as measured, 8.0 as threshold, 'uren' as unit,
                $impact as impact_cents, ({EVIDENCE[evidence]}) as evidence,
                'Voorbeeldsignaal ' || $rule || ' bij toewijzing ' || $nr || ' ('
                || fmt_eur($impact) || ').' as message,
                getvariable('peildatum') as peildatum, getvariable('peildatum') - 7 as first_seen,
                getvariable('peildatum') as last_seen, $status as status
            from models.toewijzingen where toewijzing_nummer = $nr""",
            {"rule": rule, "severity": severity, "nr": nr, "impact": impact, "status": status},
        )
    con.execute(
        """insert or replace into main.signal_trend values
        (getvariable('peildatum') - 14, 'uitnutting.overschrijding', 'hoog', 1, 1, 90000),
        (getvariable('peildatum') - 7, 'uitnutting.overschrijding', 'hoog', 1, 0, 110000),
        (getvariable('peildatum') - 7, 'vervoer.staffel_te_hoog', 'midden', 2, 2, 20000)"""
    )


def render_dashboards(example: Example) -> None:
    """Materialise only the dashboard assets, as the pipeline does after `signals`."""
    from declaratiemonitor.defs import dashboards as defs

    resources = make_resources(str(example.landing), str(example.out), str(example.warehouse))
    result = dg.materialize(
        [*defs.page_assets, defs.dashboards_index], resources=resources, run_config=QUIET_LOGGERS
    )
    assert result.success


def build_example(root: Path) -> Example:
    example = Example(root / "landing", root / "out", root / "out" / "warehouse.duckdb")
    write_landing(example.landing)
    run_pipeline(example.landing, example.out, peildatum=PEILDATUM)
    with connect(example.warehouse) as con:
        add_hand_signals(con)
    render_dashboards(example)
    return example


def input_bsns(landing: Path) -> set[str]:
    bsns = set()
    for path in landing.glob("*.csv"):
        with path.open(encoding="utf-8") as f:
            bsns |= {row["bsn"] for row in csv.DictReader(f) if row.get("bsn")}
    if any(landing.glob("*.parquet")):
        import polars as pl

        for path in landing.glob("*.parquet"):
            frame = pl.read_parquet(path)
            if "bsn" in frame.columns:
                bsns |= set(frame["bsn"].drop_nulls().to_list())
    return bsns


def bsns_in(text: str, bsns: set[str]) -> set[str]:
    """Every BSN of the input found anywhere in the text, also inside longer digit runs."""
    found = set()
    for run in re.findall(r"\d{9,}", text):
        found |= {run[i : i + 9] for i in range(len(run) - 8)} & bsns
    return found


def pages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


def shared_dir(tmp_path_factory, name: str) -> Path:
    """A folder of this test run that all xdist workers share (one build, not one per worker)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name


@pytest.fixture(scope="session")
def example(tmp_path_factory) -> Example:
    root = shared_dir(tmp_path_factory, "dashboards-voorbeeld")
    with FileLock(f"{root}.lock"):
        if not (root / "klaar").exists():
            build_example(root)
            (root / "klaar").touch()
    return Example(root / "landing", root / "out", root / "out" / "warehouse.duckdb")


# ---------------------------------------------------------------- tests
def test_every_page_and_the_index_are_written(example: Example) -> None:
    slugs = [render.slug_of(m) for m in render.page_modules()]
    assert len(slugs) == 8
    names = {p.stem for p in pages(example.folder)}
    assert names == {*slugs, "index"}
    index = (example.folder / "index.html").read_text(encoding="utf-8")
    for slug in slugs:
        assert f'href="{slug}.html"' in index


def test_peildatum_on_every_page(example: Example) -> None:
    for page in pages(example.folder):
        text = page.read_text(encoding="utf-8")
        assert "Peildatum: 23-11-2026" in text, page.name


def test_no_bsn_in_any_page(example: Example) -> None:
    bsns = input_bsns(example.landing)
    assert len(bsns) >= 9
    for page in pages(example.folder):
        assert not bsns_in(page.read_text(encoding="utf-8"), bsns), page.name
    assert bsns_in(f"x{BSN[1]}y", bsns) == {BSN[1]}  # the scan itself works


def test_offline_one_local_plotly(example: Example) -> None:
    js = example.folder / render.PLOTLY_JS
    assert js.stat().st_size > 1_000_000
    for page in pages(example.folder):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", text, re.I), page.name
        assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", text, re.I), page.name
        assert '<script src="plotly.min.js"></script>' in text
        assert "cdn.plot.ly" not in text


def test_dutch_formats_in_pages(example: Example) -> None:
    text = (example.folder / "overzicht.html").read_text(encoding="utf-8")
    assert "€ 9.876,50" in text  # the BW signal
    assert re.search(r"€ \d{1,3}(\.\d{3})*,\d{2}", text)
    assert not re.search(r"€ ?\d{1,3}(,\d{3})+\.\d{2}", text)
    assert '"separators":",."' in text.replace(" ", "")
    uitnutting = (example.folder / "uitnutting.html").read_text(encoding="utf-8")
    assert re.search(r"\b\d{2}-\d{2}-2026\b", uitnutting)


def test_dutch_format_helpers() -> None:
    assert render.eur(123456) == "€ 1.234,56"
    assert render.eur(-5) == "€ -0,05"
    assert render.num(1234567.891, 1) == "1.234.567,9"
    assert render.datum(date(2026, 11, 23)) == "23-11-2026"
    assert render.periode(date(2026, 10, 1), date(2026, 10, 31)) == "01-10-2026 t/m 31-10-2026"
    assert render.maand(date(2026, 3, 1)) == "mrt 2026"


def _json_block(text: str, element_id: str) -> dict:
    match = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', text, re.S
    )
    return json.loads(match.group(1))


def test_signal_table_filters_and_evidence(example: Example) -> None:
    text = (example.folder / "signalen.html").read_text(encoding="utf-8")
    table_id = re.search(r'data-tabel="([^"]+)"', text).group(1)
    spec = _json_block(text, table_id)
    assert spec["filters"] == ["gemeente", "aanbieder", "regel", "ernst", "status", "afhandeling"]
    labels = [c["l"] for c in spec["kolommen"]]
    assert "Afhandeling" in labels and "Waarvan betaald" in labels
    assert len(spec["rijen"]) >= len(HAND_SIGNALS) + 1
    details = " ".join(" ".join(d) for d in spec["details"])
    assert "Declaratieregel" in details
    assert "Contactmoment" in details
    assert "Afwezigheid A1: ggz opname van 01-04-2026, loopt nog" in details
    assert "integriteit.geen_toewijzing" in {row[1] for row in spec["rijen"]}


def test_money_split_into_paid_and_rejected(example: Example) -> None:
    """Overzicht splits the money (betaald / al afgewezen, per rule and per afhandeling);
    kwaliteit sets our integriteit rules beside the back office's retourcodes."""
    overzicht = (example.folder / "overzicht.html").read_text(encoding="utf-8")
    for text in ("Waarvan al afgewezen door de gemeente", "Signalen naar afhandeling"):
        assert text in overzicht
    assert "signalen.html#afhandeling=" in overzicht
    kwaliteit = (example.folder / "kwaliteit.html").read_text(encoding="utf-8")
    for text in (
        "Integriteitsregels naast de retourcodes van de gemeente",
        "Gesignaleerd en toch betaald",
        "Afgewezen declaratieregels per retourcode",
        "antwoord op een onbekende declaratie",
    ):
        assert text in kwaliteit, text


def test_trend_is_upserted_per_peildatum(example: Example) -> None:
    overzicht = next(m for m in render.page_modules() if render.slug_of(m) == "overzicht")
    with connect(example.warehouse) as con:
        overzicht.prepare(con)
        overzicht.prepare(con)
        rows = con.execute(
            "select peildatum, count(*), sum(aantal) from main.signal_trend "
            "group by peildatum order by peildatum"
        ).fetchall()
        signals = con.execute("select count(*) from main.signals").fetchall()[0][0]
    assert [str(r[0]) for r in rows] == ["2026-11-09", "2026-11-16", "2026-11-23"]
    assert rows[-1][2] == signals


def test_dashboard_assets_in_definitions() -> None:
    from declaratiemonitor.definitions import defs

    graph = defs().resolve_asset_graph()
    slugs = [render.slug_of(m) for m in render.page_modules()]
    for slug in [*slugs, "index"]:
        key = dg.AssetKey(["dashboards", slug])
        assert graph.has(key), key
        node = graph.get(key)
        assert node.group_name == "dashboards"
        assert {dg.AssetKey("signals"), dg.AssetKey(["meta", "run_context"])} <= node.parent_keys
