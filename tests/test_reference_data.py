"""Checks on the reference data shipped under data/reference/ (CONTRACT.md "Reference tables").

Only stdlib + yaml: the files are read as plain text so codes keep their leading zeros.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

REF = Path(__file__).resolve().parents[1] / "data" / "reference"

PRODUCTEN_COLS = [
    "gemeente_code",
    "product_categorie",
    "product_code",
    "omschrijving",
    "soort",
    "eenheid",
    "tarief_cents",
    "geldig_van",
    "geldig_tot",
]
STAFFEL_COLS = [
    "gemeente_code",
    "product_code",
    "rolstoel",
    "km_van",
    "km_tot",
    "tarief_cents",
    "geldig_van",
    "geldig_tot",
]
STAPEL_COLS = ["gemeente_code", "soort_of_code_a", "soort_of_code_b"]
SOORTEN = {
    "ib",
    "ib_life_event",
    "groep",
    "dagbesteding",
    "vervoer",
    "vervoer_rolstoel",
    "bw",
    "kortdurend_verblijf",
    "hbh",
    "overig",
}
EENHEDEN = {"01", "04", "14", "16", "82", "83", "84"}

# RULES.md parameters and their defaults.
DEFAULTS = {
    "min_verstreken": 0.08,
    "prognose_drempel": 1.20,
    "onderbenutting_drempel": 0.80,
    "noshow_max_minuten": 15,
    "afzeg_uren": 24,
    "min_pogingen": 8,
    "min_dagen": 56,
    "max_km_passend": 10,
    "vervoer_km_afronden": False,
    "max_maanden": 6,
    "bw_afwezigheid_lezing": "standaard",
    "nadert_maanden": 5,
    "lifeevent_max_maanden": 3,
    "max_dagdelen_per_week": 7,
    "max_dagdelen_per_dag": 2,
    "max_etmalen_per_jaar": 156,
    "max_etmalen_per_week": None,
    "dagbesteding_samen_met_ib": False,
    "verloop_weken": 8,
    "materialiteit": 0.02,
    "betrouwbaarheid": 0.95,
}

REGIONS = {
    "drechtsteden": {"0482", "0505", "0523", "0531", "0590", "0610", "0642"},
    "geldrop-mierlo": {"1771"},
    "drechterland": {"0498"},
}
REGION_FILES = [
    "producten.csv",
    "vervoer_staffels.csv",
    "stapelregels.csv",
    "regelparameters.yaml",
    "BRON.md",
]


# ---------------------------------------------------------------- helpers
def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{path}: no BOM allowed"
    text = raw.decode("utf-8")
    reader = csv.DictReader(text.splitlines(), delimiter=",")
    rows = list(reader)
    for i, row in enumerate(rows, start=2):
        assert None not in row and all(v is not None for v in row.values()), (
            f"{path}:{i}: wrong field count"
        )
    return list(reader.fieldnames or []), rows


def date(s: str) -> dt.date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", s), f"not an ISO date: {s!r}"
    return dt.date.fromisoformat(s)


def cents(s: str) -> int:
    assert re.fullmatch(r"\d+", s), f"not a non-negative integer eurocent value: {s!r}"
    return int(s)


def km(s: str) -> float:
    assert re.fullmatch(r"\d+(\.\d+)?", s), f"not a km value: {s!r}"
    return float(s)


def boolean(s: str) -> bool:
    assert s in ("true", "false"), f"not a boolean: {s!r}"
    return s == "true"


def producten(region: str) -> list[dict[str, str]]:
    return read_csv(REF / region / "producten.csv")[1]


def staffels(region: str) -> list[dict[str, str]]:
    return read_csv(REF / region / "vervoer_staffels.csv")[1]


def load_yaml(path: Path):
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def valid_on(row: dict[str, str], day: dt.date) -> bool:
    return date(row["geldig_van"]) <= day and (
        row["geldig_tot"] == "" or day <= date(row["geldig_tot"])
    )


def band(region: str, gemeente: str, afstand_km: float, rolstoel: bool, day: dt.date) -> str | None:
    """Code of the band holding the one-way distance (km_van inclusive, km_tot exclusive)."""
    hits = [
        r["product_code"]
        for r in staffels(region)
        if r["gemeente_code"] == gemeente
        and boolean(r["rolstoel"]) == rolstoel
        and valid_on(r, day)
        and km(r["km_van"]) <= afstand_km < km(r["km_tot"])
    ]
    assert len(hits) <= 1, f"overlapping bands for {afstand_km} km: {hits}"
    return hits[0] if hits else None


def tarief(region: str, gemeente: str, code: str) -> int:
    (row,) = [
        r for r in producten(region) if r["gemeente_code"] == gemeente and r["product_code"] == code
    ]
    return int(row["tarief_cents"])


# ---------------------------------------------------------------- default parameters
def test_default_block_has_every_parameter_with_its_default():
    data = load_yaml(REF / "default" / "regelparameters.yaml")
    assert set(data) == {"default"}
    default = data["default"]
    assert default == DEFAULTS
    for name, value in default.items():
        assert value is None or isinstance(value, (int, float, str, bool)), name


def test_default_parameters_are_commented_with_rules_section():
    lines = (REF / "default" / "regelparameters.yaml").read_text(encoding="utf-8").splitlines()
    for name in DEFAULTS:
        (idx,) = [i for i, line in enumerate(lines) if line.strip().startswith(f"{name}:")]
        comment = lines[idx - 1].strip()
        assert comment.startswith("#") and re.search(r"\b[1-9]\.", comment), (
            f"{name}: no RULES.md section comment"
        )


# ---------------------------------------------------------------- per region: files and columns
@pytest.mark.parametrize("region", sorted(REGIONS))
def test_region_has_all_files(region):
    for name in REGION_FILES:
        assert (REF / region / name).is_file(), f"{region}/{name} missing"


def test_no_unknown_region_folders():
    assert {p.name for p in REF.iterdir() if p.is_dir()} == set(REGIONS) | {
        "default",
        "iwmo",
        "cbs",
    }


@pytest.mark.parametrize(
    ("name", "cols"),
    [
        ("producten.csv", PRODUCTEN_COLS),
        ("vervoer_staffels.csv", STAFFEL_COLS),
        ("stapelregels.csv", STAPEL_COLS),
    ],
)
@pytest.mark.parametrize("region", sorted(REGIONS))
def test_columns_are_exactly_the_contract(region, name, cols):
    header, rows = read_csv(REF / region / name)
    assert header == cols
    for row in rows:
        assert row["gemeente_code"] in REGIONS[region], (
            f"{region}/{name}: foreign gemeente {row['gemeente_code']}"
        )


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_producten_values(region):
    rows = producten(region)
    assert rows, f"{region}: no products"
    seen = {}
    for row in rows:
        assert re.fullmatch(r"\d{4}", row["gemeente_code"])
        assert re.fullmatch(r"\d{2}", row["product_categorie"])
        assert re.fullmatch(r"\d{2}[A-Z0-9]{3}", row["product_code"]), row["product_code"]
        assert row["product_code"][:2] == row["product_categorie"], row["product_code"]
        assert row["soort"] in SOORTEN, row["soort"]
        assert row["eenheid"] in EENHEDEN, row["eenheid"]
        assert cents(row["tarief_cents"]) > 0
        van = date(row["geldig_van"])
        if row["geldig_tot"]:
            assert date(row["geldig_tot"]) >= van
        assert row["omschrijving"].strip()
        key = (row["gemeente_code"], row["product_code"])
        seen.setdefault(key, []).append(row)
    # no overlapping validity for one gemeente + product
    for key, versions in seen.items():
        versions.sort(key=lambda r: r["geldig_van"])
        for a, b in zip(versions, versions[1:], strict=False):
            assert a["geldig_tot"] and date(a["geldig_tot"]) < date(b["geldig_van"]), (
                f"overlap {key}"
            )


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_every_gemeente_of_a_region_has_the_same_products(region):
    per_gemeente: dict[str, set] = {}
    for row in producten(region):
        per_gemeente.setdefault(row["gemeente_code"], set()).add(
            tuple(row[c] for c in PRODUCTEN_COLS if c != "gemeente_code")
        )
    assert set(per_gemeente) == REGIONS[region]
    assert len({frozenset(v) for v in per_gemeente.values()}) == 1


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_example_values_are_marked(region):
    bron = (REF / region / "BRON.md").read_text(encoding="utf-8")
    for row in producten(region):
        assert row["product_code"] in bron or row["product_code"][:4] in bron, (
            f"{row['product_code']} not in BRON.md"
        )
    if region in ("geldrop-mierlo", "drechterland"):  # seeds give no tariffs at all
        for row in producten(region):
            assert "voorbeeldtarief" in row["omschrijving"], row["product_code"]
    if region == "geldrop-mierlo":
        for row in producten(region):
            assert "geen contracttarief" in row["omschrijving"], row["product_code"]


# ---------------------------------------------------------------- staffels
@pytest.mark.parametrize("region", sorted(REGIONS))
def test_staffels_contiguous_and_non_overlapping(region):
    groups: dict[tuple, list[dict[str, str]]] = {}
    for row in staffels(region):
        assert re.fullmatch(r"\d{4}", row["gemeente_code"])
        rolstoel = boolean(row["rolstoel"])
        assert km(row["km_van"]) < km(row["km_tot"])
        cents(row["tarief_cents"])
        date(row["geldig_van"])
        if row["geldig_tot"]:
            date(row["geldig_tot"])
        groups.setdefault(
            (row["gemeente_code"], rolstoel, row["geldig_van"], row["geldig_tot"]), []
        ).append(row)
    for key, rows in groups.items():
        rows.sort(key=lambda r: km(r["km_van"]))
        assert km(rows[0]["km_van"]) == 0, f"{key}: first band must start at 0 km"
        for a, b in zip(rows, rows[1:], strict=False):
            assert km(a["km_tot"]) == km(b["km_van"]), f"{key}: gap or overlap at {a['km_tot']}"
        tarieven = [int(r["tarief_cents"]) for r in rows]
        assert tarieven == sorted(tarieven), f"{key}: tariff must not fall with distance"
        assert len({r["product_code"] for r in rows}) == len(rows), (
            f"{key}: one product code per band"
        )


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_staffel_products_match_producten(region):
    prod = {(r["gemeente_code"], r["product_code"], r["geldig_van"]): r for r in producten(region)}
    in_staffel = set()
    for row in staffels(region):
        key = (row["gemeente_code"], row["product_code"], row["geldig_van"])
        assert key in prod, f"staffel product {key} missing in producten"
        p = prod[key]
        assert p["tarief_cents"] == row["tarief_cents"], key
        assert p["geldig_tot"] == row["geldig_tot"], key
        assert p["soort"] == ("vervoer_rolstoel" if boolean(row["rolstoel"]) else "vervoer"), key
        in_staffel.add(key)
    for key, p in prod.items():
        if p["soort"] in ("vervoer", "vervoer_rolstoel"):
            assert key in in_staffel, f"transport product {key} has no band"


# ---------------------------------------------------------------- seed examples
GM = ("geldrop-mierlo", "1771")
D2026 = dt.date(2026, 6, 1)


def test_geldrop_mierlo_seed_examples():
    # seed 002 §5.4.5 voorbeeld 2: 15 km one way -> 08V04; nearer suitable location at 7 km -> 08V02
    assert band(*GM, 15, False, D2026) == "08V04"
    assert band(*GM, 7, False, D2026) == "08V02"
    # voorbeeld 1: 7 km in own wheelchair -> 08V10
    assert band(*GM, 7, True, D2026) == "08V10"


def test_geldrop_mierlo_band_layout():
    regulier = [band(*GM, k, False, D2026) for k in (0, 4.9, 5, 39.9)]
    assert regulier == ["08V01", "08V01", "08V02", "08V08"]
    assert band(*GM, 40, False, D2026) is None  # regular transport up to 40 km
    assert band(*GM, 0, True, D2026) == "08V09"
    assert band(*GM, 29.9, True, D2026) == "08V14"
    assert band(*GM, 30, True, D2026) is None  # wheelchair transport up to 30 km


def test_geldrop_mierlo_groepsbegeleiding_is_b3_divided_by_three():
    assert tarief(*GM, "02G01") * 3 == tarief(*GM, "02B03")  # seed 002 lines 5475-5476


@pytest.mark.parametrize("gemeente", sorted(REGIONS["drechtsteden"]))
def test_drechtsteden_bands_and_seed_tariffs(gemeente):
    r = "drechtsteden"
    assert band(r, gemeente, 10.9, False, D2026) == band(
        r, gemeente, 0, False, D2026
    )  # lowest band
    assert band(r, gemeente, 11.0, False, D2026) == band(
        r, gemeente, 20.9, False, D2026
    )  # middle band
    assert band(r, gemeente, 10.9, False, D2026) != band(r, gemeente, 11.0, False, D2026)
    assert (
        band(r, gemeente, 31, False, D2026) is None and band(r, gemeente, 31, True, D2026) is None
    )
    for rolstoel, expected in ((False, [1317, 2479, 3399]), (True, [2687, 3485, 4283])):  # seed 001
        codes = [band(r, gemeente, k, rolstoel, D2026) for k in (0, 10.9, 11.0, 21.0, 30.9)]
        got = [tarief(r, gemeente, c) for c in codes]
        assert got == [expected[0], expected[0], expected[1], expected[2], expected[2]]


@pytest.mark.parametrize("gemeente", sorted(REGIONS["drechtsteden"]))
def test_drechtsteden_life_event_has_ib_zwaar_tariff(gemeente):
    rows = producten("drechtsteden")
    (le,) = [r for r in rows if r["gemeente_code"] == gemeente and r["soort"] == "ib_life_event"]
    (zwaar,) = [
        r
        for r in rows
        if r["gemeente_code"] == gemeente and "IB-zwaar" in r["omschrijving"] and r["soort"] == "ib"
    ]
    assert le["tarief_cents"] == zwaar["tarief_cents"]  # seed 000 line 57
    assert "15D35" in {
        r["product_code"] for r in rows if r["gemeente_code"] == gemeente
    }  # seed 001 line 117


def test_drechterland_has_kortdurend_verblijf_in_etmalen():
    rows = [r for r in producten("drechterland") if r["soort"] == "kortdurend_verblijf"]
    assert rows and all(r["eenheid"] == "14" for r in rows)


# ---------------------------------------------------------------- stapelregels
@pytest.mark.parametrize("region", sorted(REGIONS))
def test_stapelregels_refer_to_soorten_or_known_codes(region):
    codes = {(r["gemeente_code"], r["product_code"]) for r in producten(region)}
    pairs = set()
    for row in read_csv(REF / region / "stapelregels.csv")[1]:
        a, b = row["soort_of_code_a"], row["soort_of_code_b"]
        assert a != b
        for v in (a, b):
            assert v in SOORTEN or (row["gemeente_code"], v) in codes, f"{region}: unknown {v!r}"
        pair = (row["gemeente_code"], frozenset((a, b)))
        assert pair not in pairs, f"duplicate pair {a}/{b}"
        pairs.add(pair)


def test_geldrop_mierlo_stapelmatrix():
    rows = read_csv(REF / "geldrop-mierlo" / "stapelregels.csv")[1]
    pairs = {frozenset((r["soort_of_code_a"], r["soort_of_code_b"])) for r in rows}
    expected = {
        frozenset(p)
        for p in [
            ("02B01", "02B02"),
            ("02B01", "02B03"),
            ("02B02", "02B03"),
            ("02B01", "bw"),
            ("02B02", "bw"),
            ("02B03", "bw"),
            ("07D01", "07D02"),
        ]
    }
    assert expected <= pairs
    assert frozenset(("02B01", "07D01")) not in pairs  # IB with dagbesteding is allowed


# ---------------------------------------------------------------- regelparameters overrides
@pytest.mark.parametrize("region", sorted(REGIONS))
def test_overrides_exist_in_default_block(region):
    data = load_yaml(REF / region / "regelparameters.yaml")
    assert set(data) == {"gemeenten"}
    gemeenten = data["gemeenten"] or {}
    assert isinstance(gemeenten, dict)
    for code, params in gemeenten.items():
        assert isinstance(code, str) and re.fullmatch(r"\d{4}", code), (
            f"gemeente key {code!r} must be a quoted string"
        )
        assert code in REGIONS[region]
        assert isinstance(params, dict) and params
        for name, value in params.items():
            assert name in DEFAULTS, f"{region}/{code}: unknown parameter {name}"
            assert value is None or isinstance(value, (int, float, str, bool)), name
            default = DEFAULTS[name]
            if isinstance(default, bool):
                assert isinstance(value, bool), name
            elif isinstance(default, (int, float)):
                assert isinstance(value, (int, float)) and not isinstance(value, bool), name
            elif isinstance(default, str):
                assert isinstance(value, str), name


def test_drechterland_overrides():
    data = load_yaml(REF / "drechterland" / "regelparameters.yaml")
    assert data["gemeenten"] == {
        "0498": {"max_etmalen_per_week": 3, "dagbesteding_samen_met_ib": True}
    }


def test_wj001_retourcodes_list():
    """The WJ001 code list that staging checks the 325 retourcodes against (iwmo/BRON.md)."""
    header, rows = read_csv(REF / "iwmo" / "wj001_retourcodes.csv")
    assert header == ["code", "omschrijving", "afwijzing"]
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)) == 59
    assert all(re.fullmatch(r"[0-9A-Z]{4}", c) for c in codes)
    assert all(r["omschrijving"].strip() for r in rows)
    not_rejecting = {r["code"] for r in rows if not boolean(r["afwijzing"])}
    assert not_rejecting == {"0200", "0233", "8001"}
    assert {"0001", "0611", "9307", "9339", "9340", "9341", "8187", "9366"} <= set(codes)
    assert "wj001_retourcodes.csv" in (REF / "iwmo" / "BRON.md").read_text(encoding="utf-8")


def test_cbs_gemeentecodes_list():
    """The CBS list behind "naam (code)" for a gemeente (cbs/BRON.md: indeling 1 januari 2025)."""
    header, rows = read_csv(REF / "cbs" / "gemeenten.csv")
    assert header == ["code", "naam", "provincie"]
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)) == 342
    assert all(re.fullmatch(r"[0-9]{4}", c) for c in codes) and codes == sorted(codes)
    assert all(r["naam"].strip() and r["provincie"].strip() for r in rows)
    names = {r["code"]: r["naam"] for r in rows}
    assert names["0505"] == "Dordrecht"
    assert names["1771"] == "Geldrop-Mierlo"
    assert names["0498"] == "Drechterland"
    assert names["0642"] == "Zwijndrecht"
    bron = (REF / "cbs" / "BRON.md").read_text(encoding="utf-8")
    assert "876f2e7eb925807e9a066ca156bfa5e18b4f65b9" in bron and "1 januari 2025" in bron
