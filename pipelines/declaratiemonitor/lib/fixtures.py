"""Complete rows from a few given values: used by the rule tests and the generator's scenarios.

Only the values that matter for a case are given; the rest gets a valid default, and the
tariff and amount of a claim follow the contract tariff unless given.
"""

from collections.abc import Iterable
from datetime import date

from declaratiemonitor.lib.contract import TABLES

DEFAULT_BSN = "999990019"
DEFAULT_AGB = "12345678"
DEFAULT_GEMEENTE = "1771"

DEFAULTS: dict[str, dict[str, object]] = {
    "toewijzingen": {
        "toewijzing_nummer": "T1",
        "toewijzing_datum": "2026-01-01",
        "gemeente_code": DEFAULT_GEMEENTE,
        "aanbieder_agb": DEFAULT_AGB,
        "bsn": DEFAULT_BSN,
        "product_categorie": "02",
        "product_code": "02B01",
        "ingangsdatum": "2026-01-01",
        "einddatum": "2026-12-31",
        "volume": 100,
        "eenheid": "04",
        "frequentie": "6",
        "budget_cents": None,
        "reden_wijziging": None,
    },
    "declaraties": {
        "declaratie_nummer": "D1",
        "declaratie_dagtekening": None,
        "referentie_nummer": None,
        "vorig_referentie_nummer": None,
        "debet_credit": "D",
        "toewijzing_nummer": "T1",
        "gemeente_code": DEFAULT_GEMEENTE,
        "aanbieder_agb": DEFAULT_AGB,
        "bsn": DEFAULT_BSN,
        "product_categorie": "02",
        "product_code": "02B01",
        "begindatum": "2026-01-01",
        "einddatum": None,
        "geleverd_volume": 10,
        "eenheid": "04",
        "product_tarief_cents": None,
        "ingediend_bedrag_cents": None,
    },
    "contactmomenten": {
        "contact_id": None,
        "toewijzing_nummer": "T1",
        "aanbieder_agb": DEFAULT_AGB,
        "bsn": DEFAULT_BSN,
        "gepland_begin": "2026-01-05T10:00",
        "soort": "direct",
        "kanaal": "huisbezoek",
        "resultaat": "inhoudelijk",
        "afgezegd_op": None,
        "minuten_gedeclareerd": 60,
    },
    "afwezigheden": {
        "afwezigheid_id": None,
        "bsn": DEFAULT_BSN,
        "begindatum": "2026-01-01",
        "einddatum": None,
        "reden": "ggz_opname",
        "terugkeer_beoogd": True,
        "andere_financiering": False,
    },
    "reisafstanden": {
        "bsn": DEFAULT_BSN,
        "aanbieder_agb": DEFAULT_AGB,
        "enkele_reis_km": 7.0,
        "rolstoel": False,
        "km_dichtstbijzijnde_passende_locatie": None,
    },
    "zorgmeldingen": {
        "toewijzing_nummer": "T1",
        "aanbieder_agb": DEFAULT_AGB,
        "bsn": DEFAULT_BSN,
        "soort": "start",
        "datum": "2026-01-01",
        "reden": None,
    },
    "declaratie_antwoorden": {  # an answer to D1 without rejected lines unless given
        "gemeente_code": DEFAULT_GEMEENTE,
        "aanbieder_agb": DEFAULT_AGB,
        "declaratie_nummer": "D1",
        "declaratie_dagtekening": "2026-02-05",
        "referentie_nummer": None,
        "retourcodes": None,
    },
}

ID_COLUMNS = {
    "declaraties": ("referentie_nummer", "R"),
    "contactmomenten": ("contact_id", "C"),
    "afwezigheden": ("afwezigheid_id", "A"),
}


def bsn_from_number(n: int) -> str:
    """A BSN that passes the 11-proof, derived from n (0 <= n < 8_900_000; synthetic only).

    The first eight digits are 10_000_000 + 10 n + k for the first k in 0..9 whose check digit
    is 0-9 (the weight of the eighth digit is 2, so the ten candidates give ten residues).
    """
    for k in range(10):
        body = f"{10_000_000 + 10 * n + k:08d}"
        check = sum(w * int(d) for w, d in zip(range(9, 1, -1), body, strict=True)) % 11
        if check <= 9:
            return body + str(check)
    raise AssertionError("unreachable")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def month_end(day: str) -> str:
    d = date.fromisoformat(day)
    nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1).isoformat()


def complete_rows(
    table: str,
    rows: Iterable[dict],
    tariffs: dict[tuple[str, str], int] | None = None,
    start_index: int = 1,
) -> list[dict[str, str | None]]:
    """Fill defaults (as CSV text). `tariffs`: (gemeente_code, product_code) -> cents."""
    out = []
    for i, given in enumerate(rows, start=start_index):
        unknown = set(given) - set(TABLES[table].column_names)
        if unknown:
            raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
        row = {**DEFAULTS[table], **given}
        if table in ID_COLUMNS:
            col, prefix = ID_COLUMNS[table]
            row[col] = row[col] if row[col] is not None else f"{prefix}{i}"
        if table == "declaraties":
            _complete_claim(row, tariffs or {})
        out.append({k: _text(v) for k, v in row.items()})
    return out


def _complete_claim(row: dict, tariffs: dict[tuple[str, str], int]) -> None:
    begin = _text(row["begindatum"])
    row["einddatum"] = row["einddatum"] or month_end(begin)
    row["declaratie_dagtekening"] = row["declaratie_dagtekening"] or _first_of_next_month(begin)
    if row["product_tarief_cents"] is None:
        row["product_tarief_cents"] = tariffs.get(
            (str(row["gemeente_code"]), str(row["product_code"])), 1000
        )
    if row["ingediend_bedrag_cents"] is None:
        row["ingediend_bedrag_cents"] = claim_amount(
            int(row["geleverd_volume"]), str(row["eenheid"]), int(row["product_tarief_cents"])
        )


def claim_amount(volume: int, eenheid: str, tarief_cents: int) -> int:
    """bedrag = volume × tarief; minutes: tarief × volume / 60, rounded half up (TR346)."""
    if eenheid == "01":
        return (volume * tarief_cents * 2 + 60) // 120
    return volume * tarief_cents


def _first_of_next_month(day: str) -> str:
    d = date.fromisoformat(day)
    return date(d.year + d.month // 12, d.month % 12 + 1, 5).isoformat()
