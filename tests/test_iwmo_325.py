"""325 (declaratie-antwoord) messages: mapping, the answer as a whole, writer round trip,
hostile files, and staging of `declaratie_antwoorden` (WJ001 retourcodes, duplicates)."""

import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from lxml import etree

from declaratiemonitor.lib.iwmo import read_xml_folder, write_xml_messages
from declaratiemonitor.lib.iwmo.standard import COLUMNS
from declaratiemonitor.pipeline import run_pipeline

SAMPLES = Path(__file__).parent / "xml_samples"
EXAMPLE = SAMPLES / "jaapjunior" / "WMO325.xml"  # the iWmo 3.2 sources' example (BRON.md)
SAMPLE = SAMPLES / "iwmo" / "wmo325_0505_12345678.xml"
TABLE = "declaratie_antwoorden"


def read_text(tmp_path: Path, text: str, name: str = "a.xml"):
    folder = tmp_path / "xml"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return read_xml_folder(folder)


def answers(batch) -> list[dict]:
    return batch.tables[TABLE].to_pylist()


def without_clienten(text: str, prefix: str = "wmo325") -> str:
    start = text.index(f"<{prefix}:Clienten>")
    end = text.index(f"</{prefix}:Clienten>") + len(f"</{prefix}:Clienten>")
    return text[:start] + text[end:]


def answer_codes(text: str, codes: str, prefix: str = "wmo325") -> str:
    """Replace the DeclaratieAntwoord's own RetourCodes (the last in the file)."""
    tag = f"<{prefix}:RetourCode>0200</{prefix}:RetourCode>"
    head, _, tail = text.rpartition(tag)
    items = "".join(f"<{prefix}:RetourCode>{c}</{prefix}:RetourCode>" for c in codes.split(";"))
    return head + items + tail


# -- mapping ----------------------------------------------------------------------------
def test_example_of_the_istandaarden_sources_reads_into_the_expected_rows():
    batch = read_xml_folder(EXAMPLE.parent)
    assert batch.rejected.num_rows == 0
    common = {
        "gemeente_code": "0384",  # Header/Afzender: the gemeente sends the 325
        "aanbieder_agb": "65656055",  # Header/Ontvanger
        "declaratie_nummer": "DN001",  # DeclaratieAntwoord/DeclaratieNummer
        "declaratie_dagtekening": "2023-05-06",  # Header/DeclaratieIdentificatie/Dagtekening
        "_bron": "WMO325.xml",
    }
    path = "/Bericht/DeclaratieAntwoord/Clienten/Client[{}]/Prestaties/Prestatie[{}]"
    assert answers(batch) == [
        {
            **common,
            "referentie_nummer": "RN001",
            "retourcodes": "0611",
            "_regel": path.format(1, 1),
        },
        {
            **common,
            "referentie_nummer": "RN002",
            "retourcodes": "9339;9340;9341",
            "_regel": path.format(1, 2),
        },
        {
            **common,
            "referentie_nummer": "RN003",
            "retourcodes": "9307",
            "_regel": path.format(2, 1),
        },
    ]
    assert batch.tables[TABLE].column_names == [*COLUMNS[TABLE], "_bron", "_regel"]


def test_answer_without_rejected_prestaties_is_one_row_without_referentie(tmp_path):
    batch = read_text(tmp_path, without_clienten(SAMPLE.read_text()))
    ((row),) = answers(batch)
    assert (row["referentie_nummer"], row["retourcodes"]) == (None, "0200")
    assert (row["declaratie_nummer"], row["_regel"]) == ("DN2025004", "/Bericht/DeclaratieAntwoord")
    ijw = answers(read_xml_folder(SAMPLES / "ijw"))
    assert [(r["gemeente_code"], r["referentie_nummer"], r["retourcodes"]) for r in ijw] == [
        ("1771", None, "0200")
    ]


def test_whole_declaratie_rejected_at_answer_level(tmp_path):
    """TR342: a rejection on DeclaratieAntwoord lists no prestaties; the answer row carries the
    codes (0200 dropped), so a downstream model sees that every line of the 323 is rejected."""
    text = answer_codes(without_clienten(SAMPLE.read_text()), "9333;0200")
    ((row),) = answers(read_text(tmp_path, text))
    assert (row["referentie_nummer"], row["retourcodes"]) == (None, "9333")


def test_header_rejection_is_kept_next_to_listed_prestaties(tmp_path):
    text = SAMPLE.read_text().replace(
        "<wmo325:RetourCode>0200</wmo325:RetourCode>",
        "<wmo325:RetourCode>0001</wmo325:RetourCode>",
        1,
    )
    rows = answers(read_text(tmp_path, text))
    assert [(r["referentie_nummer"], r["retourcodes"]) for r in rows] == [
        ("RN0403", "0611;9321"),
        (None, "0001"),
    ]


def test_rejected_prestatie_element_is_still_a_listed_prestatie(tmp_path):
    """A listed prestatie that cannot be read is rejected as an element; the answer does not
    turn into 'nothing rejected'."""
    text = SAMPLE.read_text().replace(
        "<iwmo:ReferentieNummer>RN0403</iwmo:ReferentieNummer>",
        "<iwmo:ReferentieNummer>RN0403</iwmo:ReferentieNummer>"
        "<iwmo:ReferentieNummer>RN0404</iwmo:ReferentieNummer>",
    )
    batch = read_text(tmp_path, text)
    assert answers(batch) == []
    ((bad),) = batch.rejected.to_pylist()
    assert bad["tabel"] == TABLE and "ReferentieNummer komt meer dan eens voor" in bad["reden"]


def test_325_without_declaratieantwoord_cannot_be_linked_and_is_quarantined(tmp_path):
    text = SAMPLE.read_text()
    start = text.index("<wmo325:DeclaratieAntwoord>")
    end = text.index("</wmo325:DeclaratieAntwoord>") + len("</wmo325:DeclaratieAntwoord>")
    text = (text[:start] + text[end:]).replace(">0200<", ">0001<", 1)
    batch = read_text(tmp_path, text)
    assert answers(batch) == []
    ((row),) = batch.rejected.to_pylist()
    assert (row["tabel"], row["_regel"]) == (TABLE, "/Bericht")
    assert "zonder DeclaratieAntwoord" in row["reden"] and "0001" in row["reden"]


# -- writer -----------------------------------------------------------------------------
def claims() -> pl.DataFrame:
    n = 5
    return pl.DataFrame(
        {
            "declaratie_nummer": ["D1", "D1", "D1", "D2", "D3"],
            "declaratie_dagtekening": ["2025-02-05"] * 3 + ["2025-03-04", "2025-04-02"],
            "referentie_nummer": [f"R{i}" for i in range(n)],
            "vorig_referentie_nummer": [None] * n,
            "debet_credit": ["D"] * n,
            "toewijzing_nummer": ["1001"] * n,
            "gemeente_code": ["0505"] * n,
            "aanbieder_agb": ["12345678"] * n,
            "bsn": ["999990019", "999990056", "999990019", "999990019", "999990019"],
            "product_categorie": ["02"] * n,
            "product_code": ["02A01"] * n,
            "begindatum": ["2025-01-01"] * n,
            "einddatum": ["2025-01-31"] * n,
            "geleverd_volume": [60] * n,
            "eenheid": ["01"] * n,
            "product_tarief_cents": [6000] * n,
            "ingediend_bedrag_cents": [6000, 3000, 1000, 6000, 6000],
        }
    )


def answer_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "gemeente_code": ["0505"] * 5,
            "aanbieder_agb": ["12345678"] * 5,
            "declaratie_nummer": ["D1", "D1", "D2", "D3", "D9"],
            "declaratie_dagtekening": ["2025-02-05"] * 2
            + ["2025-03-04", "2025-04-02", "2025-05-01"],
            "referentie_nummer": ["R0", "R1", None, None, "R77"],
            "retourcodes": ["0611", "9339;9340", "0200", "9333", None],
        }
    )


def sorted_rows(df: pl.DataFrame) -> list[tuple]:
    df = df.select([pl.col(c).cast(pl.String) for c in COLUMNS[TABLE]])
    return sorted(df.rows(), key=lambda r: tuple("" if v is None else v for v in r))


@pytest.mark.parametrize("standard", ["iwmo", "ijw"])
@pytest.mark.parametrize("lines_per_file", [50_000, 1])
@pytest.mark.parametrize("with_claims", [True, False])
def test_writer_reader_round_trip(tmp_path, standard, lines_per_file, with_claims):
    tables = {TABLE: answer_frame(), **({"declaraties": claims()} if with_claims else {})}
    write_xml_messages(tables, tmp_path, standard=standard, lines_per_file=lines_per_file)
    batch = read_xml_folder(tmp_path)
    assert batch.rejected.num_rows == 0, batch.rejected.to_pylist()
    assert sorted_rows(pl.from_arrow(batch.tables[TABLE])) == sorted_rows(answer_frame())


def test_writer_follows_the_standard(tmp_path):
    paths = write_xml_messages({TABLE: answer_frame(), "declaraties": claims()}, tmp_path)
    ns = "{http://www.istandaarden.nl/iwmo/3_2/wmo325/schema}"
    bns = "{http://www.istandaarden.nl/iwmo/3_2/basisschema/schema}"
    answers_by_nummer = {}
    for path in (p for p in paths if p.parent.name == "wmo325"):
        root = etree.parse(str(path)).getroot()
        assert root.findtext(f"{ns}Header/{ns}BerichtCode") == "485"
        answer = root.find(f"{ns}DeclaratieAntwoord")
        answers_by_nummer[answer.findtext(f"{ns}DeclaratieNummer")] = (root, answer)
    root, d1 = answers_by_nummer["D1"]
    total = lambda el, name: int(el.findtext(f"{ns}{name}/{bns}TotaalBedrag"))  # noqa: E731
    # TR342: ingediend - toegekend = the listed (rejected) prestaties: 10000 - (6000 + 3000)
    assert (total(d1, "TotaalIngediendBedrag"), total(d1, "TotaalToegekendBedrag")) == (10000, 1000)
    assert len(d1.findall(f"{ns}Clienten/{ns}Client")) == 2  # per BSN of the 323 lines
    # TR337: DeclaratieIdentificatie is the BerichtIdentificatie of the answered 323
    ident = root.findtext(f"{ns}Header/{ns}DeclaratieIdentificatie/{bns}Identificatie")
    d1_323 = [p for p in paths if p.parent.name == "wmo323"][0]
    ns3 = "{http://www.istandaarden.nl/iwmo/3_2/wmo323/schema}"
    assert ident == etree.parse(str(d1_323)).getroot().findtext(
        f"{ns3}Header/{ns3}BerichtIdentificatie/{bns}Identificatie"
    )
    _, d3 = answers_by_nummer["D3"]  # rejected as a whole: nothing awarded
    assert total(d3, "TotaalToegekendBedrag") == 0 and d3.find(f"{ns}Clienten") is None
    _, d2 = answers_by_nummer["D2"]  # nothing rejected: everything awarded
    assert total(d2, "TotaalToegekendBedrag") == total(d2, "TotaalIngediendBedrag") == 6000
    jw = write_xml_messages({TABLE: answer_frame()}, tmp_path / "jw", standard="ijw")
    jw_root = etree.parse(str(jw[0])).getroot()
    assert jw_root.findtext("{*}Header/{*}BerichtCode") == "491"


# -- hostile files ----------------------------------------------------------------------
def test_external_entity_in_a_325_is_rejected_and_never_read(tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-325-xxe")
    text = (
        SAMPLE.read_text()
        .replace(
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<!DOCTYPE wmo325:Bericht [<!ENTITY xxe SYSTEM "file://{secret}">]>',
        )
        .replace("RN0403", "&xxe;")
    )
    batch = read_text(tmp_path, text)
    assert answers(batch) == []
    ((row),) = batch.rejected.to_pylist()
    assert "DOCTYPE" in row["reden"] and "GEHEIM" not in json.dumps(row)


def test_billion_laughs_in_a_325_is_rejected(tmp_path):
    laughs = (SAMPLES / "hostile" / "billion_laughs.xml").read_text()
    prolog = laughs[: laughs.index("]>") + 2]
    text = (
        SAMPLE.read_text()
        .replace('<?xml version="1.0" encoding="UTF-8"?>', prolog)
        .replace("RN0403", "&lol9;")
    )
    batch = read_text(tmp_path, text)
    assert answers(batch) == [] and "DOCTYPE" in batch.rejected.to_pylist()[0]["reden"]


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.75, 0.95])
def test_truncated_325_yields_no_rows_and_rejects_every_parsed_element(tmp_path, fraction):
    data = EXAMPLE.read_bytes()
    folder = tmp_path / "xml"
    folder.mkdir()
    (folder / "kort.xml").write_bytes(data[: int(len(data) * fraction)])
    batch = read_xml_folder(folder)
    assert answers(batch) == []
    file_row, *elements = batch.rejected.to_pylist()
    assert file_row["_bron"] == "kort.xml"
    if fraction >= 0.75:  # RN001 and RN002 were complete before the cut
        assert "afgebroken" in file_row["reden"] and file_row["tabel"] == TABLE
        assert [e["_regel"][-12:] for e in elements][:2] == ["Prestatie[1]", "Prestatie[2]"]
        assert all(e["tabel"] == TABLE and "afgebroken" in e["reden"] for e in elements)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("iwmo/3_2/wmo325", "iwmo/2_4/wmo325", "iWmo-versie 2.4 wordt niet ondersteund"),
        ("<wmo325:BerichtSubversie>2<", "<wmo325:BerichtSubversie>1<", "versie 3.1"),
        ("<wmo325:BerichtCode>485<", "<wmo325:BerichtCode>484<", "BerichtCode '484'"),
    ],
)
def test_wrong_version_or_code_rejects_the_325(tmp_path, old, new, expected):
    batch = read_text(tmp_path, SAMPLE.read_text().replace(old, new))
    assert answers(batch) == []
    ((row),) = batch.rejected.to_pylist()
    assert expected in row["reden"] and row["tabel"] == TABLE


# -- staging through a pipeline run -----------------------------------------------------
CSV = """\
gemeente_code,aanbieder_agb,declaratie_nummer,declaratie_dagtekening,referentie_nummer,retourcodes
0505,12345678,DN2025004,2025-05-06,RN0401, 9339 ; 9340
0505,12345678,DN2025004,2025-05-06,RN0401, 9339 ; 9340
0505,12345678,DN2025005,2025-06-05,RN0501,0611;X123
0505,12345678,DN2025006,2025-06-05,,
"""


def test_pipeline_stages_answers_and_quarantines_unknown_codes(tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLES / "iwmo", landing / "xml")
    shutil.copy(EXAMPLE, landing / "xml" / "WMO325.xml")
    unknown = SAMPLE.read_text().replace(">9321<", ">9999<")
    (landing / "xml" / "onbekend.xml").write_text(unknown, encoding="utf-8")
    (landing / "xml" / "kort.xml").write_bytes(EXAMPLE.read_bytes()[:4000])
    (landing / "declaratie_antwoorden.csv").write_text(CSV, encoding="utf-8")
    out, warehouse = tmp_path / "out", tmp_path / "wh.duckdb"
    run_pipeline(landing, out, warehouse=warehouse, peildatum="2026-06-30")

    with duckdb.connect(str(warehouse), read_only=True) as con:
        staged = con.execute(
            f"select declaratie_nummer, referentie_nummer, retourcodes, _bron from staging.{TABLE} "
            "order by _volgnr"
        ).fetchall()
    assert staged == [
        ("DN2025004", "RN0401", "9339 ; 9340", "declaratie_antwoorden.csv"),
        ("DN2025006", None, None, "declaratie_antwoorden.csv"),
        ("DN001", "RN001", "0611", "xml/WMO325.xml"),
        ("DN001", "RN002", "9339;9340;9341", "xml/WMO325.xml"),
        ("DN001", "RN003", "9307", "xml/WMO325.xml"),
        ("DN2025004", "RN0403", "0611;9321", "xml/wmo325_0505_12345678.xml"),
    ]
    quarantine = pl.read_parquet(out / "quarantine" / f"{TABLE}.parquet")
    reasons = dict(
        zip(quarantine["bron"] + " " + quarantine["regel"], quarantine["reden"], strict=True)
    )
    assert reasons[
        "xml/onbekend.xml /Bericht/DeclaratieAntwoord/Clienten/Client[1]/Prestaties/Prestatie[1]"
    ] == ("onbekende code in kolom retourcodes (niet in codelijst WJ001): '9999'")
    assert reasons["declaratie_antwoorden.csv 4"].endswith("(niet in codelijst WJ001): 'X123'")
    assert reasons["declaratie_antwoorden.csv 3"].startswith("dubbele sleutel")
    assert any(
        b == "xml/kort.xml" and "afgebroken" in r
        for b, r in zip(quarantine["bron"], quarantine["reden"], strict=True)
    )
    summary = json.loads((out / "run_summary.json").read_text(encoding="utf-8"))
    counts = summary["tabellen"][TABLE]
    assert counts["sluitend"] and counts["geland"] == 6
    assert counts["gelezen"] == 6 + quarantine.height
