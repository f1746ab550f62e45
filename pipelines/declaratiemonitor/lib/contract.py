"""The data contract (../shared/CONTRACT.md) as data: tables, columns, types and allowed codes.

Staging SQL is generated from this declaration (lib/staging.py), so a column is described once.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from declaratiemonitor.paths import REFERENCE_DIR

EENHEDEN = ("01", "04", "14", "16", "82", "83", "84")
FREQUENTIES = ("1", "2", "4", "6")
SOORTEN_PRODUCT = (
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
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "varchar"  # varchar | date | timestamp | bigint | double | boolean
    required: bool = True  # a value must be present
    allowed: tuple[str, ...] = ()  # allowed codes (after trimming), empty = any
    pattern: str | None = None  # regular expression the raw text must match fully
    positive: bool = False  # numeric value must be > 0
    separator: str | None = None  # a list in one cell: `allowed` applies to every item
    codelijst: str | None = None  # the code list `allowed` comes from (named in reasons)

    @property
    def staged_name(self) -> str:
        """The column's name from staging on: the BSN is staged as its pseudonym."""
        return PSEUDONYM if self.name == "bsn" else self.name


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    required_file: bool = False
    reference: bool = False
    # extra row checks: (sql condition that is TRUE when the row is wrong, Dutch reason)
    checks: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # rows repeating this key after the first are quarantined (they would double-count)
    unique_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """The columns as delivered (the landing layer)."""
        return [c.name for c in self.columns]

    @property
    def staged_column_names(self) -> list[str]:
        """The columns of the staged table: `bsn` became `client_key`."""
        return [c.staged_name for c in self.columns]


def _c(name: str, type_: str = "varchar", **kw) -> Column:
    return Column(name, type_, **kw)


# Only the landing layer holds the BSN; staging validates it and stores the keyed pseudonym
# `client_key` (HMAC-SHA256, macro client_key(bsn) in sql/macros.sql) in its place.
PSEUDONYM = "client_key"
BSN = _c("bsn", pattern="[0-9]{9}")
GEMEENTE = _c("gemeente_code", pattern="[0-9]{4}")
AGB = _c("aanbieder_agb", pattern="[0-9]{8}")
CATEGORIE = _c("product_categorie", pattern="[0-9]{2}")
PRODUCT = _c("product_code", required=False, pattern="[0-9A-Za-z]{5}")
EENHEID = _c("eenheid", allowed=EENHEDEN)


def _codes(path: Path) -> tuple[str, ...]:
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(row["code"] for row in csv.DictReader(f))


# iWmo/iJw 3.2 code list WJ001 (data/reference/iwmo/BRON.md)
RETOURCODES = _codes(REFERENCE_DIR / "iwmo" / "wj001_retourcodes.csv")

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "toewijzingen",
            (
                _c("toewijzing_nummer"),
                _c("toewijzing_datum", "date"),
                GEMEENTE,
                AGB,
                BSN,
                CATEGORIE,
                PRODUCT,
                _c("ingangsdatum", "date"),
                _c("einddatum", "date", required=False),
                _c("volume", "bigint", required=False, positive=True),
                EENHEID,
                _c("frequentie", allowed=FREQUENTIES),
                _c("budget_cents", "bigint", required=False, positive=True),
                _c("reden_wijziging", required=False, pattern="[0-9]{2}"),
            ),
            required_file=True,
            checks=(
                ("einddatum < ingangsdatum", "einddatum ligt voor de ingangsdatum"),
                ("volume is null and budget_cents is null", "volume en budget ontbreken allebei"),
            ),
        ),
        Table(
            "declaraties",
            (
                _c("declaratie_nummer"),
                _c("declaratie_dagtekening", "date"),
                _c("referentie_nummer"),
                _c("vorig_referentie_nummer", required=False),
                _c("debet_credit", allowed=("D", "C")),
                _c("toewijzing_nummer"),
                GEMEENTE,
                AGB,
                BSN,
                CATEGORIE,
                PRODUCT,
                _c("begindatum", "date"),
                _c("einddatum", "date"),
                _c("geleverd_volume", "bigint", positive=True),
                EENHEID,
                _c("product_tarief_cents", "bigint"),
                _c("ingediend_bedrag_cents", "bigint"),
            ),
            required_file=True,
            checks=(
                ("einddatum < begindatum", "einddatum ligt voor de begindatum"),
                (
                    "ingediend_bedrag_cents < 0",
                    "ingediend bedrag is negatief (het teken hoort in debet_credit)",
                ),
                ("product_tarief_cents < 0", "producttarief is negatief"),
                (
                    "debet_credit = 'C' and vorig_referentie_nummer is null",
                    "creditregel zonder vorig_referentie_nummer",
                ),
            ),
        ),
        Table(
            "contactmomenten",
            (
                _c("contact_id"),
                _c("toewijzing_nummer"),
                AGB,
                BSN,
                _c("gepland_begin", "timestamp"),
                _c("soort", allowed=("direct", "no_show", "contactpoging")),
                _c("kanaal", allowed=("huisbezoek", "telefoon", "video", "locatie", "overig")),
                _c("resultaat", allowed=("inhoudelijk", "vluchtig", "geen_contact")),
                _c("afgezegd_op", "timestamp", required=False),
                _c("minuten_gedeclareerd", "bigint"),
            ),
            checks=(("minuten_gedeclareerd < 0", "minuten_gedeclareerd is negatief"),),
            unique_key=("contact_id",),
        ),
        Table(
            "afwezigheden",
            (
                _c("afwezigheid_id"),
                BSN,
                _c("begindatum", "date"),
                _c("einddatum", "date", required=False),
                _c(
                    "reden",
                    allowed=(
                        "ggz_opname",
                        "detentie",
                        "ziekenhuis",
                        "vakantie",
                        "logeren",
                        "overig",
                    ),
                ),
                _c("terugkeer_beoogd", "boolean"),
                _c("andere_financiering", "boolean"),
            ),
            checks=(("einddatum < begindatum", "einddatum ligt voor de begindatum"),),
            unique_key=("afwezigheid_id",),
        ),
        Table(
            "reisafstanden",
            (
                BSN,
                AGB,
                _c("enkele_reis_km", "double"),
                _c("rolstoel", "boolean"),
                _c("km_dichtstbijzijnde_passende_locatie", "double", required=False),
            ),
            checks=(
                ("enkele_reis_km < 0", "enkele_reis_km is negatief"),
                (
                    "km_dichtstbijzijnde_passende_locatie < 0",
                    "km_dichtstbijzijnde_passende_locatie is negatief",
                ),
            ),
        ),
        Table(
            "zorgmeldingen",
            (
                _c("toewijzing_nummer"),
                AGB,
                BSN,
                _c("soort", allowed=("start", "stop")),
                _c("datum", "date"),
                _c("reden", required=False),
            ),
            # a 305/307 delivered twice: the repeat is quarantined (it changes nothing)
            unique_key=("toewijzing_nummer", "aanbieder_agb", "soort", "datum"),
        ),
        Table(
            "declaratie_antwoorden",
            (
                GEMEENTE,
                AGB,
                _c("declaratie_nummer"),
                _c("declaratie_dagtekening", "date"),
                _c("referentie_nummer", required=False),
                _c(
                    "retourcodes",
                    required=False,
                    allowed=RETOURCODES,
                    separator=";",
                    codelijst="WJ001",
                ),
            ),
            # an exact repeat (a 325 delivered twice) would count twice; two answers that
            # differ are both kept (docs/iwmo.md, "325 answers")
            unique_key=(
                "gemeente_code",
                "aanbieder_agb",
                "declaratie_nummer",
                "referentie_nummer",
                "retourcodes",
            ),
        ),
        Table(
            "aanbieders",
            (AGB, _c("naam"), _c("contactpersoon", required=False), _c("email", required=False)),
            # the names people know (lib/names); a second row for the same AGB is quarantined
            unique_key=("aanbieder_agb",),
        ),
        Table(
            "producten",
            (
                GEMEENTE,
                CATEGORIE,
                _c("product_code", pattern="[0-9A-Za-z]{5}"),
                _c("omschrijving", required=False),
                _c("soort", allowed=SOORTEN_PRODUCT),
                EENHEID,
                _c("tarief_cents", "bigint", required=False),
                _c("geldig_van", "date"),
                _c("geldig_tot", "date", required=False),
            ),
            reference=True,
            unique_key=("gemeente_code", "product_code", "geldig_van"),
        ),
        Table(
            "vervoer_staffels",
            (
                GEMEENTE,
                _c("product_code"),
                _c("rolstoel", "boolean"),
                _c("km_van", "double"),
                _c("km_tot", "double"),
                _c("tarief_cents", "bigint"),
                _c("geldig_van", "date"),
                _c("geldig_tot", "date", required=False),
            ),
            reference=True,
            checks=(("km_tot <= km_van", "km_tot is niet groter dan km_van"),),
            unique_key=("gemeente_code", "product_code", "geldig_van"),
        ),
        Table(
            "stapelregels",
            (GEMEENTE, _c("soort_of_code_a"), _c("soort_of_code_b")),
            reference=True,
        ),
    )
}

DATA_TABLES = [t for t in TABLES.values() if not t.reference]
REFERENCE_TABLES = [t for t in TABLES.values() if t.reference]

# plausible range for every date in the input; outside it a row is quarantined
MIN_DATE = "2000-01-01"
MAX_DATE = "2099-12-31"
