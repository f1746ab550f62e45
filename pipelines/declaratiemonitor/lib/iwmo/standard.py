"""What the reader and writer know about iWmo / iJw 3.2 messages.

Element names, namespaces and message codes follow the 3.2 XSDs (WMO301/305/307/323/325 and
JW301/305/307/323/325): one `Bericht` root with a `Header` and either one `Client` (301, 305,
307), one `Declaratie` with `Clienten` (323) or one `DeclaratieAntwoord` with `Clienten`
(325). Codes in the basisschema (`Categorie`, `Code`, `Volume`, `Bedrag`, `DebetCredit`, ...)
live in the basisschema namespace, except `RetourCode` (message namespace); the reader matches
local names within those two namespaces only.
"""

import re
from dataclasses import dataclass, field

STANDARDS = {"iwmo": ("wmo", "iWmo"), "ijw": ("jw", "iJw")}  # standard -> (prefix, display)
SUPPORTED_RELEASE = ("3", "2")
NS_RE = re.compile(
    r"^http://www\.istandaarden\.nl/(?P<std>[a-z]+)/(?P<major>\d+)_(?P<minor>\d+)/"
    r"(?P<prefix>[a-z]+)(?P<nummer>\d{3})/schema$"
)
BERICHT_CODES = {
    "iwmo": {"301": "414", "305": "418", "307": "420", "323": "484", "325": "485"},
    "ijw": {"301": "436", "305": "438", "307": "440", "323": "490", "325": "491"},
}
# Elements whose position among same-named siblings is part of the element path (_regel).
INDEXED = frozenset({"Client", "ToegewezenProduct", "StartProduct", "StopProduct", "Prestatie"})
# Grandchildren of a record that are in the message namespace rather than the basisschema.
MESSAGE_LEAVES = frozenset({"RetourCode"})
LIST_SEPARATOR = ";"  # a repeated element (RetourCode) is one column, its values joined

COLUMNS = {
    "toewijzingen": (
        "toewijzing_nummer",
        "toewijzing_datum",
        "gemeente_code",
        "aanbieder_agb",
        "bsn",
        "product_categorie",
        "product_code",
        "ingangsdatum",
        "einddatum",
        "volume",
        "eenheid",
        "frequentie",
        "budget_cents",
        "reden_wijziging",
    ),
    "declaraties": (
        "declaratie_nummer",
        "declaratie_dagtekening",
        "referentie_nummer",
        "vorig_referentie_nummer",
        "debet_credit",
        "toewijzing_nummer",
        "gemeente_code",
        "aanbieder_agb",
        "bsn",
        "product_categorie",
        "product_code",
        "begindatum",
        "einddatum",
        "geleverd_volume",
        "eenheid",
        "product_tarief_cents",
        "ingediend_bedrag_cents",
    ),
    "zorgmeldingen": ("toewijzing_nummer", "aanbieder_agb", "bsn", "soort", "datum", "reden"),
    "declaratie_antwoorden": (
        "gemeente_code",
        "aanbieder_agb",
        "declaratie_nummer",
        "declaratie_dagtekening",
        "referentie_nummer",
        "retourcodes",
    ),
}
TABLES = tuple(COLUMNS)

# A budget allocation carries no Omvang (see "Toewijzingsvarianten"): its unit is euro's over
# the whole validity, which the contract writes as eenheid 83 / frequentie 6.
BUDGET_EENHEID, BUDGET_FREQUENTIE = "83", "6"


def namespace(standard: str, nummer: str) -> str:
    prefix = STANDARDS[standard][0]
    return f"http://www.istandaarden.nl/{standard}/3_2/{prefix}{nummer}/schema"


def basis_namespace(standard: str) -> str:
    return f"http://www.istandaarden.nl/{standard}/3_2/basisschema/schema"


def _paths(spec: dict[str, str]) -> dict[tuple[str, ...], str]:
    return {tuple(k.split("/")): v for k, v in spec.items()}


@dataclass(frozen=True)
class MessageSpec:
    """How one message type maps onto one contract table."""

    nummer: str
    table: str
    record: tuple[str, ...]  # local names from the root down to the element that is one row
    # container -> {earlier sibling -> column}: read when the container opens
    context: dict[str, dict[str, str]]
    fields: dict[tuple[str, ...], str]  # paths relative to the record -> column
    constants: dict[str, str] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)  # Afzender/Ontvanger -> column
    # further Header paths -> column (read once, like Afzender and Ontvanger)
    header_fields: dict[tuple[str, ...], str] = field(default_factory=dict)
    lists: frozenset[str] = frozenset()  # columns whose element may repeat (values joined)
    answer: bool = False  # a 325: an answer without listed prestaties is a row of its own

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS[self.table]


HEADER_FIELDS = {
    "BerichtCode": "_code",
    "BerichtVersie": "_versie",
    "BerichtSubversie": "_subversie",
    "Afzender": "_afzender",
    "Ontvanger": "_ontvanger",
}
_FROM_GEMEENTE = {"_afzender": "gemeente_code", "_ontvanger": "aanbieder_agb"}
_FROM_AANBIEDER = {"_afzender": "aanbieder_agb", "_ontvanger": "gemeente_code"}
_BSN = {"Bsn": "bsn"}

SPECS = {
    "301": MessageSpec(
        "301",
        "toewijzingen",
        ("Bericht", "Client", "ToegewezenProducten", "ToegewezenProduct"),
        {"ToegewezenProducten": _BSN},
        _paths(
            {
                "ToewijzingNummer": "toewijzing_nummer",
                "Product/Categorie": "product_categorie",
                "Product/Code": "product_code",
                "Toewijzingsdatum": "toewijzing_datum",
                "Ingangsdatum": "ingangsdatum",
                "Einddatum": "einddatum",
                "RedenWijziging": "reden_wijziging",
                "Omvang": "_omvang",
                "Omvang/Volume": "volume",
                "Omvang/Eenheid": "eenheid",
                "Omvang/Frequentie": "frequentie",
                "Budget": "budget_cents",
            }
        ),
        header=_FROM_GEMEENTE,
    ),
    "323": MessageSpec(
        "323",
        "declaraties",
        ("Bericht", "Declaratie", "Clienten", "Client", "Prestaties", "Prestatie"),
        {
            "Clienten": {
                "DeclaratieNummer": "declaratie_nummer",
                "DeclaratieDagtekening": "declaratie_dagtekening",
            },
            "Prestaties": _BSN,
        },
        _paths(
            {
                "ProductReferentie/ReferentieNummer": "referentie_nummer",
                "ProductReferentie/VorigReferentieNummer": "vorig_referentie_nummer",
                "ToewijzingNummer": "toewijzing_nummer",
                "ProductCategorie": "product_categorie",
                "ProductCode": "product_code",
                "ProductPeriode/Begindatum": "begindatum",
                "ProductPeriode/Einddatum": "einddatum",
                "GeleverdVolume": "geleverd_volume",
                "Eenheid": "eenheid",
                "ProductTarief": "product_tarief_cents",
                "IngediendBedrag/Bedrag": "ingediend_bedrag_cents",
                "IngediendBedrag/DebetCredit": "debet_credit",
            }
        ),
        header=_FROM_AANBIEDER,
    ),
    "305": MessageSpec(
        "305",
        "zorgmeldingen",
        ("Bericht", "Client", "StartProducten", "StartProduct"),
        {"StartProducten": _BSN},
        _paths(
            {
                "ToewijzingNummer": "toewijzing_nummer",
                "Begindatum": "datum",
                "StatusAanlevering": "_status",
            }
        ),
        constants={"soort": "start"},
        header=_FROM_AANBIEDER,
    ),
    "307": MessageSpec(
        "307",
        "zorgmeldingen",
        ("Bericht", "Client", "StopProducten", "StopProduct"),
        {"StopProducten": _BSN},
        _paths(
            {
                "ToewijzingNummer": "toewijzing_nummer",
                "Einddatum": "datum",
                "RedenBeeindiging": "reden",
                "StatusAanlevering": "_status",
            }
        ),
        constants={"soort": "stop"},
        header=_FROM_AANBIEDER,
    ),
}
SPECS["325"] = MessageSpec(
    "325",
    "declaratie_antwoorden",
    ("Bericht", "DeclaratieAntwoord", "Clienten", "Client", "Prestaties", "Prestatie"),
    {"Clienten": {"DeclaratieNummer": "declaratie_nummer"}},
    _paths(
        {
            "ProductReferentie/ReferentieNummer": "referentie_nummer",
            "RetourCodes/RetourCode": "retourcodes",
        }
    ),
    header=_FROM_GEMEENTE,
    header_fields=_paths(
        {
            "DeclaratieIdentificatie/Dagtekening": "declaratie_dagtekening",
            "RetourCodes/RetourCode": "_header_codes",
        }
    ),
    lists=frozenset({"retourcodes", "_header_codes", "_codes"}),
    answer=True,
)
# The answer as a whole (325): DeclaratieAntwoord's own children, read when it closes.
ANSWER_FIELDS = _paths(
    {"DeclaratieNummer": "declaratie_nummer", "RetourCodes/RetourCode": "_codes"}
)
# Every element the reader follows with parse events; everything else is read from these.
CONTAINERS = frozenset(
    {"Header"}
    | {n for spec in SPECS.values() for n in spec.record}
    | {n for spec in SPECS.values() for n in spec.context}
)
