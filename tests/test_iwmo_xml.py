"""iWmo / iJw 3.2 XML messages: mapping, round trip through the writer, hostile files, memory."""

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from lxml import etree

from declaratiemonitor.lib.iwmo import XmlBatch, read_xml_folder, write_xml_messages
from declaratiemonitor.lib.iwmo.safety import LIMITS, new_parser
from declaratiemonitor.lib.iwmo.standard import COLUMNS

SAMPLES = Path(__file__).parent / "xml_samples"
HOSTILE = SAMPLES / "hostile"
D = dt.date


# -- helpers --------------------------------------------------------------------------
def read_one(tmp_path: Path, name: str, content: str | bytes) -> XmlBatch:
    folder = tmp_path / "xml"
    folder.mkdir(exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    (folder / name).write_bytes(data)
    return read_xml_folder(folder)


def rows(batch: XmlBatch, table: str) -> list[dict]:
    return batch.tables[table].to_pylist()


def rejected(batch: XmlBatch) -> list[dict]:
    return batch.rejected.to_pylist()


def no_table_rows(batch: XmlBatch) -> bool:
    return all(t.num_rows == 0 for t in batch.tables.values())


def sample(name: str) -> str:
    return (SAMPLES / "iwmo" / name).read_text(encoding="utf-8")


def all_text(batch: XmlBatch) -> str:
    parts = [json.dumps(t.to_pylist()) for t in batch.tables.values()]
    return "".join(parts) + json.dumps(batch.rejected.to_pylist())


# -- mapping of the hand-written samples ----------------------------------------------
def test_tables_have_exactly_the_contract_columns_as_strings():
    batch = read_xml_folder(SAMPLES / "iwmo")
    assert set(batch.tables) == {
        "toewijzingen",
        "declaraties",
        "zorgmeldingen",
        "declaratie_antwoorden",
    }
    for name, table in batch.tables.items():
        assert table.column_names == [*COLUMNS[name], "_bron", "_regel"]
        assert all(f.type == pa.string() for f in table.schema)
    assert batch.rejected.column_names == ["tabel", "_bron", "_regel", "reden"]
    assert all(f.type == pa.string() for f in batch.rejected.schema)


def test_empty_or_missing_folder_gives_empty_tables(tmp_path):
    for folder in (tmp_path, tmp_path / "bestaat_niet"):
        batch = read_xml_folder(folder)
        assert no_table_rows(batch) and batch.rejected.num_rows == 0
        assert batch.tables["declaraties"].column_names[-2:] == ["_bron", "_regel"]


def test_301_maps_header_client_and_products():
    toew = rows(read_xml_folder(SAMPLES / "iwmo"), "toewijzingen")
    assert [r["toewijzing_nummer"] for r in toew] == ["0000123", "0000124", "0000099"]
    specific, budget, removed = toew
    assert specific == {
        "toewijzing_nummer": "0000123",
        "toewijzing_datum": "2025-03-01",
        "gemeente_code": "0505",
        "aanbieder_agb": "12345678",
        "bsn": "999990019",
        "product_categorie": "02",
        "product_code": "02A01",
        "ingangsdatum": "2025-03-01",
        "einddatum": "2025-12-31",
        "volume": "4",
        "eenheid": "04",
        "frequentie": "2",
        "budget_cents": None,
        "reden_wijziging": None,
        "_bron": "wmo301_0505_12345678.xml",
        "_regel": "/Bericht/Client[1]/ToegewezenProducten/ToegewezenProduct[1]",
    }
    # category-level budget allocation: no Code, no Omvang -> euro's over the whole validity
    assert (budget["product_code"], budget["volume"], budget["budget_cents"]) == (
        None,
        None,
        "1250000",
    )
    assert (budget["eenheid"], budget["frequentie"]) == ("83", "6")
    assert (removed["reden_wijziging"], removed["eenheid"]) == ("13", "16")


def test_323_maps_prestaties_sign_and_header_direction():
    decl = rows(read_xml_folder(SAMPLES / "iwmo"), "declaraties")
    assert [r["referentie_nummer"] for r in decl] == ["RN0401", "RN0402", "RN0403"]
    debet, credit, other = decl
    # the aanbieder sends a 323: Afzender is the AGB code, Ontvanger the gemeente
    assert (debet["aanbieder_agb"], debet["gemeente_code"]) == ("12345678", "0505")
    assert (debet["declaratie_nummer"], debet["declaratie_dagtekening"]) == (
        "DN2025004",
        "2025-05-06",
    )
    assert (debet["debet_credit"], debet["ingediend_bedrag_cents"]) == ("D", "96000")
    assert (credit["debet_credit"], credit["ingediend_bedrag_cents"]) == ("C", "96000")
    assert credit["vorig_referentie_nummer"] == "RN0301"
    assert (credit["begindatum"], credit["einddatum"], credit["eenheid"]) == (
        "2025-03-01",
        "2025-03-31",
        "04",
    )
    assert (other["bsn"], other["product_tarief_cents"], other["geleverd_volume"]) == (
        "999990032",
        "19500",
        "2",
    )
    assert other["_regel"] == "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[1]"


def test_305_307_map_to_zorgmeldingen_and_status_3_is_rejected():
    batch = read_xml_folder(SAMPLES / "iwmo")
    zorg = rows(batch, "zorgmeldingen")
    start, stop = zorg
    assert (start["soort"], start["datum"], start["reden"]) == ("start", "2025-03-04", None)
    assert (stop["soort"], stop["datum"], stop["reden"]) == ("stop", "2025-06-27", "02")
    assert stop["aanbieder_agb"] == "12345678" and stop["toewijzing_nummer"] == "0000123"
    (withdrawn,) = rejected(batch)
    assert withdrawn["tabel"] == "zorgmeldingen"
    assert withdrawn["_regel"] == "/Bericht/Client[1]/StartProducten/StartProduct[2]"
    assert "StatusAanlevering 3" in withdrawn["reden"]


def test_ijw_messages_map_the_same_way():
    batch = read_xml_folder(SAMPLES / "ijw")
    assert {k: t.num_rows for k, t in batch.tables.items()} == {
        "toewijzingen": 3,
        "declaraties": 3,
        "zorgmeldingen": 2,
        "declaratie_antwoorden": 1,
    }
    decl = rows(batch, "declaraties")
    assert {r["gemeente_code"] for r in decl} == {"1771"}
    assert decl[0]["product_code"] == "45A03"
    assert rows(batch, "toewijzingen")[0]["_bron"] == "jw301_1771_12345678.xml"


def test_subfolders_and_non_xml_files(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    shutil.copy(SAMPLES / "iwmo" / "wmo323_0505_12345678.xml", tmp_path / "a" / "b" / "x.XML")
    (tmp_path / "leesmij.txt").write_text("geen bericht")
    batch = read_xml_folder(tmp_path)
    assert {r["_bron"] for r in rows(batch, "declaraties")} == {"a/b/x.XML"}
    assert batch.rejected.num_rows == 0


def test_default_namespace_bom_and_crlf_are_fine(tmp_path):
    text = (
        sample("wmo323_0505_12345678.xml").replace("wmo323:", "").replace("xmlns:wmo323=", "xmlns=")
    )
    data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    batch = read_one(tmp_path, "standaard_ns.xml", data)
    assert [r["referentie_nummer"] for r in rows(batch, "declaraties")] == [
        "RN0401",
        "RN0402",
        "RN0403",
    ]
    assert batch.rejected.num_rows == 0


# -- element-level problems ---------------------------------------------------------------
def test_duplicate_element_rejects_only_that_prestatie(tmp_path):
    text = sample("wmo323_0505_12345678.xml").replace(
        "<wmo323:GeleverdVolume>2</wmo323:GeleverdVolume>",
        "<wmo323:GeleverdVolume>2</wmo323:GeleverdVolume>"
        "<wmo323:GeleverdVolume>20</wmo323:GeleverdVolume>",
    )
    batch = read_one(tmp_path, "dubbel.xml", text)
    assert len(rows(batch, "declaraties")) == 2
    (bad,) = rejected(batch)
    assert bad["_regel"].endswith("Client[2]/Prestaties/Prestatie[1]")
    assert "GeleverdVolume komt meer dan eens voor" in bad["reden"]


def test_overlong_value_rejects_the_element(tmp_path):
    text = sample("wmo323_0505_12345678.xml").replace("RN0403", "R" * (LIMITS.max_value_chars + 1))
    batch = read_one(tmp_path, "lang.xml", text)
    assert len(rows(batch, "declaraties")) == 2
    assert "langer dan" in rejected(batch)[0]["reden"]


def test_missing_values_stay_null(tmp_path):
    text = (
        sample("wmo323_0505_12345678.xml")
        .replace("<wmo323:ProductTarief>19500</wmo323:ProductTarief>", "")
        .replace("<wmo323:Eenheid>82</wmo323:Eenheid>", "<wmo323:Eenheid> </wmo323:Eenheid>")
    )
    last = rows(read_one(tmp_path, "leeg.xml", text), "declaraties")[-1]
    assert last["product_tarief_cents"] is None and last["eenheid"] is None


# -- round trip through the writer --------------------------------------------------------
def contract_frames() -> dict[str, pl.DataFrame]:
    toew = pl.DataFrame(
        {
            "toewijzing_nummer": ["1001", "1002", "1001", "2001", "2002"],
            "toewijzing_datum": [
                D(2025, 1, 6),
                D(2025, 1, 6),
                D(2025, 3, 1),
                D(2025, 2, 1),
                D(2025, 2, 1),
            ],
            "gemeente_code": ["0505", "0505", "0505", "0498", "0498"],
            "aanbieder_agb": ["12345678", "12345678", "12345678", "87654321", "87654321"],
            "bsn": ["999990019", "999990019", "999990019", "999990032", "999990044"],
            "product_categorie": ["02", "08", "02", "15", "07"],
            "product_code": ["02A01", "08A05", "02A01", None, "07A01"],
            "ingangsdatum": [
                D(2025, 1, 1),
                D(2025, 1, 1),
                D(2025, 1, 1),
                D(2025, 2, 1),
                D(2025, 2, 1),
            ],
            "einddatum": [D(2025, 12, 31), None, D(2025, 6, 30), D(2026, 1, 31), None],
            "volume": [4, 10, 4, None, 8],
            "eenheid": ["04", "82", "04", "83", "16"],
            "frequentie": ["2", "4", "2", "6", "2"],
            "budget_cents": [None, None, None, 2_500_000, None],
            "reden_wijziging": [None, None, "01", None, None],
        }
    )
    n = 7
    decl = pl.DataFrame(
        {
            "declaratie_nummer": ["D1"] * 5 + ["D2"] * 2,
            "declaratie_dagtekening": [D(2025, 2, 5)] * 5 + [D(2025, 3, 4)] * 2,
            "referentie_nummer": [f"R{i}" for i in range(n)],
            "vorig_referentie_nummer": [None, None, None, None, None, "R0", None],
            "debet_credit": ["D", "D", "D", "D", "D", "C", "D"],
            "toewijzing_nummer": ["1001", "1002", "1001", "1002", "1001", "1001", "1001"],
            "gemeente_code": ["0505"] * n,
            "aanbieder_agb": ["12345678"] * n,
            "bsn": [
                "999990019",
                "999990019",
                "999990056",
                "999990019",
                "999990056",
                "999990019",
                "999990019",
            ],
            "product_categorie": ["02", "08", "02", "08", "02", "02", "02"],
            "product_code": ["02A01", "08A05", "02A01", "08A05", "02A01", "02A01", "02A01"],
            "begindatum": [
                D(2025, 1, 1),
                D(2025, 1, 7),
                D(2025, 1, 1),
                D(2025, 1, 8),
                D(2024, 12, 1),
                D(2025, 1, 1),
                D(2025, 2, 1),
            ],
            "einddatum": [
                D(2025, 1, 31),
                D(2025, 1, 7),
                D(2025, 1, 31),
                D(2025, 1, 8),
                D(2024, 12, 31),
                D(2025, 1, 31),
                D(2025, 2, 28),
            ],
            "geleverd_volume": [960, 2, 300, 2, 120, 960, 900],
            "eenheid": ["01", "82", "01", "82", "01", "01", "01"],
            "product_tarief_cents": [6000, 1950, 6000, 1950, 6000, 6000, None],
            "ingediend_bedrag_cents": [96000, 3900, 30000, 3900, 12000, 96000, 90000],
        }
    )
    zorg = pl.DataFrame(
        {
            "toewijzing_nummer": ["1001", "1001", "2001", "1001", "9999"],
            "aanbieder_agb": ["12345678", "12345678", "87654321", "12345678", "12345678"],
            "bsn": ["999990019", "999990019", "999990032", "999990019", "999990068"],
            "soort": ["start", "stop", "start", "stop", "start"],
            "datum": [D(2025, 1, 3), D(2025, 6, 30), D(2025, 2, 3), D(2025, 6, 27), D(2025, 1, 9)],
            "reden": [None, "02", None, "02", None],
        }
    )
    return {"toewijzingen": toew, "declaraties": decl, "zorgmeldingen": zorg}


def as_strings(table: str, df: pl.DataFrame) -> list[tuple]:
    cols = list(COLUMNS[table])
    df = df.select([pl.col(c).cast(pl.String) for c in cols])
    return sorted(df.rows(), key=lambda r: tuple("" if v is None else v for v in r))


@pytest.mark.parametrize("standard", ["iwmo", "ijw"])
@pytest.mark.parametrize("lines_per_file", [50_000, 2])
def test_round_trip_gives_back_the_same_rows(tmp_path, standard, lines_per_file):
    frames = contract_frames()
    paths = write_xml_messages(frames, tmp_path, standard=standard, lines_per_file=lines_per_file)
    assert paths and all(p.exists() and p.is_relative_to(tmp_path) for p in paths)
    batch = read_xml_folder(tmp_path)
    assert batch.rejected.num_rows == 0, rejected(batch)
    for table, df in frames.items():
        expected = as_strings(table, df)
        got = as_strings(table, pl.from_arrow(batch.tables[table]))
        assert got == expected, table


def test_round_trip_keeps_row_order_for_versions(tmp_path):
    """A later version of a toewijzing lands in a later file, so file order = row order."""
    write_xml_messages(contract_frames(), tmp_path)
    toew = rows(read_xml_folder(tmp_path), "toewijzingen")
    versions = [r["toewijzing_datum"] for r in toew if r["toewijzing_nummer"] == "1001"]
    assert versions == ["2025-01-06", "2025-03-01"]


def test_writer_follows_the_standard(tmp_path):
    paths = write_xml_messages(contract_frames(), tmp_path, standard="iwmo")
    by_type: dict[str, list[Path]] = {}
    for p in paths:
        by_type.setdefault(p.parent.name, []).append(p)
    assert set(by_type) == {"wmo301", "wmo305", "wmo307", "wmo323"}
    for path in by_type["wmo301"]:
        root = etree.parse(str(path)).getroot()
        ns = "{http://www.istandaarden.nl/iwmo/3_2/wmo301/schema}"
        assert root.tag == f"{ns}Bericht"
        assert root.findtext(f"{ns}Header/{ns}BerichtCode") == "414"
        assert len(root.findall(f"{ns}Client")) == 1  # a 301 holds exactly one client
    ns = "{http://www.istandaarden.nl/iwmo/3_2/wmo323/schema}"
    bns = "{http://www.istandaarden.nl/iwmo/3_2/basisschema/schema}"
    for path in by_type["wmo323"]:
        root = etree.parse(str(path)).getroot()
        total = 0
        for prestatie in root.iter(f"{ns}Prestatie"):
            amount = int(prestatie.findtext(f"{ns}IngediendBedrag/{bns}Bedrag"))
            sign = prestatie.findtext(f"{ns}IngediendBedrag/{bns}DebetCredit")
            total += -amount if sign == "C" else amount
        header_total = root.find(f"{ns}Declaratie/{ns}TotaalIngediendBedrag")
        dc = header_total.findtext(f"{bns}DebetCredit")
        assert int(header_total.findtext(f"{bns}TotaalBedrag")) * (-1 if dc == "C" else 1) == total
    # a 307 repeats the Begindatum of its start (TR382)
    stop = etree.parse(str(by_type["wmo307"][0])).getroot()
    ns7 = "{http://www.istandaarden.nl/iwmo/3_2/wmo307/schema}"
    assert stop.findtext(f".//{ns7}StopProduct/{ns7}Begindatum") == "2025-01-03"


# -- hostile files ------------------------------------------------------------------------
def test_external_entity_is_rejected_and_never_read(tmp_path):
    secret = tmp_path / "geheim.txt"
    marker = "GEHEIM-7f3a9c-NIET-LEZEN"
    secret.write_text(marker)
    text = (
        sample("wmo323_0505_12345678.xml")
        .replace(
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<!DOCTYPE wmo323:Bericht [<!ENTITY xxe SYSTEM "file://{secret}">]>',
        )
        .replace("999990019", "&xxe;")
    )
    batch = read_one(tmp_path, "xxe.xml", text)
    assert no_table_rows(batch)
    (row,) = rejected(batch)
    assert row["_bron"] == "xxe.xml" and "DOCTYPE" in row["reden"]
    assert marker not in all_text(batch)


def test_parser_itself_never_resolves_external_entities(tmp_path):
    """Defence in depth: even without the DOCTYPE check the parser does not read the file."""
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-parser")
    doc = (f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]><r><a>&xxe;</a></r>').encode()
    parser = new_parser()
    parser.feed(doc)
    texts = [el.text or "" for _, el in parser.read_events()]
    parser.close()
    assert not any("GEHEIM" in t for t in texts)


def run_isolated(code: str, timeout: int = 900) -> dict:
    """Run `code` in a fresh interpreter; it prints one JSON line as its last output."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


MEASURE = """
import json, resource, sys, time
from pathlib import Path
from declaratiemonitor.lib.iwmo import read_xml_folder
read_xml_folder(Path({warmup!r}))  # imports and one-off allocations before measuring
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
batch = read_xml_folder(Path({folder!r}))
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "delta_kb": after - before, "peak_kb": after,
    "rows": {{k: t.num_rows for k, t in batch.tables.items()}},
    "rejected": batch.rejected.column("reden").to_pylist()[:3]}}))
"""


def measure(folder: Path) -> dict:
    return run_isolated(MEASURE.format(warmup=str(SAMPLES / "iwmo"), folder=str(folder)))


def test_billion_laughs_is_rejected_fast_with_bounded_memory(tmp_path):
    folder = tmp_path / "xml"
    folder.mkdir()
    shutil.copy(HOSTILE / "billion_laughs.xml", folder)
    result = measure(folder)
    assert result["seconds"] < 1.0
    assert result["delta_kb"] < 20 * 1024
    assert sum(result["rows"].values()) == 0
    assert "DOCTYPE" in result["rejected"][0]


def test_parser_itself_does_not_expand_billion_laughs():
    start = time.perf_counter()
    parser = new_parser()
    try:
        parser.feed((HOSTILE / "billion_laughs.xml").read_bytes())
        texts = [el.text or "" for _, el in parser.read_events()]
        parser.close()
    except etree.XMLSyntaxError:
        texts = []
    assert time.perf_counter() - start < 1.0
    assert sum(len(t) for t in texts) < 10_000


def test_wrong_release_is_named_in_dutch():
    batch = read_xml_folder(HOSTILE)
    by_file = {r["_bron"]: r for r in rejected(batch)}
    reden = by_file["wmo301_versie_2_4.xml"]["reden"]
    assert "iWmo-versie 2.4 wordt niet ondersteund" in reden and "3.2" in reden
    assert by_file["wmo301_versie_2_4.xml"]["tabel"] == "toewijzingen"
    assert no_table_rows(batch)


def test_header_release_must_be_3_2(tmp_path):
    text = (
        sample("wmo323_0505_12345678.xml")
        .replace("<wmo323:BerichtVersie>3<", "<wmo323:BerichtVersie>2<")
        .replace("<wmo323:BerichtSubversie>2<", "<wmo323:BerichtSubversie>4<")
    )
    batch = read_one(tmp_path, "oud.xml", text)
    assert no_table_rows(batch)
    (row,) = rejected(batch)
    assert "versie 2.4" in row["reden"] and row["_regel"] == "/Bericht/Header"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "http://www.istandaarden.nl/iwmo/3_2/wmo323/schema",
            "http://example.org/factuur",
            "Onbekende namespace",
        ),
        ("iwmo/3_2/wmo323/schema", "iwmo/3_2/wmo315/schema", "Berichttype wmo315"),
        ("<wmo323:BerichtCode>484<", "<wmo323:BerichtCode>418<", "BerichtCode '418'"),
        (
            'xmlns:wmo323="http://www.istandaarden.nl/iwmo/3_2/wmo323/schema"',
            "",
            "heeft geen namespace",
        ),
    ],
)
def test_wrong_namespace_type_or_code_is_rejected(tmp_path, old, new, expected):
    text = sample("wmo323_0505_12345678.xml").replace(old, new)
    batch = read_one(tmp_path, "fout.xml", text)
    assert no_table_rows(batch)
    assert expected in rejected(batch)[0]["reden"]


def test_truncated_file_rejects_every_parsed_element(tmp_path):
    text = sample("wmo323_0505_12345678.xml")
    cut = text.index("<wmo323:Bsn>999990032")  # after the first client
    batch = read_one(tmp_path, "afgebroken.xml", text[:cut])
    assert no_table_rows(batch)
    file_row, *element_rows = rejected(batch)
    assert "afgebroken" in file_row["reden"]
    assert "na element /Bericht/Declaratie/Clienten/Client[1]" in file_row["reden"]
    assert [r["_regel"] for r in element_rows] == [
        "/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[1]",
        "/Bericht/Declaratie/Clienten/Client[1]/Prestaties/Prestatie[2]",
    ]
    assert all("afgebroken" in r["reden"] and r["tabel"] == "declaraties" for r in element_rows)


@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.2, 0.5, 0.8, 0.99])
def test_truncated_anywhere_never_yields_rows(tmp_path, fraction):
    data = (SAMPLES / "iwmo" / "wmo323_0505_12345678.xml").read_bytes().rstrip()
    batch = read_one(tmp_path, "kort.xml", data[: int(len(data) * fraction)])
    assert no_table_rows(batch)
    assert rejected(batch)[0]["_bron"] == "kort.xml"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "geen XML-bericht"),
        (b"dit is geen xml", "Geen geldige XML"),
        ('<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"), "Tekencodering"),
        (b'<?xml version="1.0" encoding="EBCDIC-CP-US"?><a/>', "Tekencodering"),
    ],
)
def test_unreadable_files_are_rejected(tmp_path, content, expected):
    batch = read_one(tmp_path, "raar.xml", content)
    assert no_table_rows(batch)
    assert expected in rejected(batch)[0]["reden"]


def test_not_well_formed_reports_line(tmp_path):
    text = sample("wmo323_0505_12345678.xml").replace(
        "</wmo323:ProductCode>", "</wmo323:ProductKode>", 1
    )
    row = rejected(read_one(tmp_path, "kapot.xml", text))[0]
    assert row["reden"].startswith("Geen geldige XML (regel ")


@pytest.mark.parametrize("levels", [30, 300])
def test_deep_nesting_is_rejected(tmp_path, levels):
    deep = "<wmo323:X>" * levels + "</wmo323:X>" * levels
    text = sample("wmo323_0505_12345678.xml").replace(
        "<wmo323:GeleverdVolume>960<", deep + "<wmo323:GeleverdVolume>960<"
    )
    batch = read_one(tmp_path, "diep.xml", text)
    assert no_table_rows(batch)
    reden = rejected(batch)[0]["reden"]
    assert "te diep genest" in reden or "Geen geldige XML" in reden


def test_file_over_size_limit_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(LIMITS, "max_file_bytes", 1000)
    batch = read_one(tmp_path, "groot.xml", sample("wmo323_0505_12345678.xml"))
    assert no_table_rows(batch)
    assert "te groot" in rejected(batch)[0]["reden"]


def test_missing_header_is_rejected(tmp_path):
    text = sample("wmo323_0505_12345678.xml")
    start, end = text.index("<wmo323:Header>"), text.index("</wmo323:Header>")
    batch = read_one(tmp_path, "kaal.xml", text[:start] + text[end + len("</wmo323:Header>") :])
    assert no_table_rows(batch)
    assert "Header ontbreekt" in rejected(batch)[0]["reden"]


def test_symlink_is_not_followed(tmp_path):
    folder = tmp_path / "xml"
    folder.mkdir()
    (folder / "link.xml").symlink_to(SAMPLES / "iwmo" / "wmo323_0505_12345678.xml")
    batch = read_xml_folder(folder)
    assert no_table_rows(batch)
    assert "Symbolische koppeling" in rejected(batch)[0]["reden"]


def test_good_files_survive_bad_neighbours(tmp_path):
    folder = tmp_path / "xml"
    folder.mkdir()
    shutil.copy(SAMPLES / "iwmo" / "wmo323_0505_12345678.xml", folder / "goed.xml")
    shutil.copy(HOSTILE / "billion_laughs.xml", folder / "aanval.xml")
    (folder / "stuk.xml").write_text(sample("wmo301_0505_12345678.xml")[:700])
    batch = read_xml_folder(folder)
    assert batch.tables["declaraties"].num_rows == 3
    assert {r["_bron"] for r in rejected(batch)} == {"aanval.xml", "stuk.xml"}
    for r in rejected(batch):
        assert all(isinstance(r[c], str) and r[c] for c in ("tabel", "_bron", "_regel", "reden"))


# -- large files: streaming in bounded memory ---------------------------------------------
def write_large_323(path: Path, target_bytes: int) -> int:
    """A pretty-printed 323 like a supplier's system sends, streamed to disk; returns rows."""
    ns = (
        'xmlns:iwmo="http://www.istandaarden.nl/iwmo/3_2/basisschema/schema" '
        'xmlns:wmo323="http://www.istandaarden.nl/iwmo/3_2/wmo323/schema"'
    )
    head = sample("wmo323_0505_12345678.xml")
    head = head[: head.index("<wmo323:Clienten>") + len("<wmo323:Clienten>")]
    head = head.replace(
        head[head.index("<wmo323:Bericht") : head.index(">", head.index("<wmo323:Bericht")) + 1],
        f"<wmo323:Bericht {ns}>",
    )
    prestatie = sample("wmo323_0505_12345678.xml")
    prestatie = prestatie[
        prestatie.index("\t\t\t\t\t<wmo323:Prestatie>") : prestatie.index("</wmo323:Prestatie>")
        + len("</wmo323:Prestatie>\n")
    ]
    rows_written = 0
    with path.open("w", encoding="utf-8") as f:
        f.write(head + "\n")
        client = 0
        while f.tell() < target_bytes:
            client += 1
            f.write(
                f"\t\t\t<wmo323:Client>\n\t\t\t\t<wmo323:Bsn>{client:09d}</wmo323:Bsn>\n"
                "\t\t\t\t<wmo323:Prestaties>\n"
            )
            block = []
            for k in range(5):
                block.append(prestatie.replace("RN0401", f"RN{client}x{k}"))
            f.write("".join(block))
            rows_written += 5
            f.write("\t\t\t\t</wmo323:Prestaties>\n\t\t\t</wmo323:Client>\n")
        f.write("\t\t</wmo323:Clienten>\n\t</wmo323:Declaratie>\n</wmo323:Bericht>\n")
    return rows_written


def check_large(tmp_path: Path, target_bytes: int) -> dict:
    folder = tmp_path / "xml"
    folder.mkdir()
    expected = write_large_323(folder / "groot.xml", target_bytes)
    size = (folder / "groot.xml").stat().st_size
    result = measure(folder)
    assert result["rows"]["declaraties"] == expected and not result["rejected"]
    delta = result["delta_kb"] * 1024
    print(
        f"\n{size / 2**20:.0f} MB, {expected} rows: {result['seconds']:.1f} s "
        f"({expected / result['seconds']:.0f} rows/s), peak RSS {result['peak_kb'] / 1024:.0f} "
        f"MB, growth {delta / 2**20:.0f} MB ({delta / size:.0%} of the file)"
    )
    assert delta < 0.4 * size  # a DOM would need several times the file size
    return result


def test_30mb_message_streams_in_bounded_memory(tmp_path):
    check_large(tmp_path, 30 * 2**20)


def slow_selected(config: pytest.Config) -> bool:
    expr = config.getoption("markexpr") or ""
    return ("slow" in expr and "not slow" not in expr) or os.environ.get("IWMO_SLOW") == "1"


@pytest.mark.slow
def test_500mb_message_streams_in_bounded_memory(tmp_path, request):
    """Opt-in: `pytest -m slow tests/test_iwmo_xml.py` (about a minute)."""
    if not slow_selected(request.config):
        pytest.skip("opt-in: run with -m slow")
    check_large(tmp_path, 500 * 2**20)
