"""XML text for 3.2 messages, built as strings (no DOM per row).

Element order follows the 3.2 XSDs. The contract has no personal data beyond the BSN, so the
XSD-required person elements carry neutral placeholders: birth date unknown (1900-01-01 with
DatumGebruik 3, the standard's convention, TR002), Geslacht 0 (onbekend), a placeholder name
and address. Optional elements are left out when the value is null; a null in a required
element leaves the element out too, so `read_xml_folder` gives the null back.
"""

from xml.sax.saxutils import escape

from declaratiemonitor.lib.iwmo.standard import BERICHT_CODES, STANDARDS, basis_namespace, namespace

XSD_VERSIE = "1.0.0"


class Template:
    """Element builders for one standard (iwmo/ijw) and message number."""

    def __init__(self, standard: str, nummer: str) -> None:
        self.standard, self.nummer = standard, nummer
        self.p = f"{STANDARDS[standard][0]}{nummer}"  # message prefix, e.g. wmo323
        self.b = "iwmo" if standard == "iwmo" else "ijw"  # basisschema prefix

    def el(self, name: str, value: str | None) -> str:
        return "" if value is None else f"<{self.p}:{name}>{escape(value)}</{self.p}:{name}>"

    def bel(self, name: str, value: str | None) -> str:
        return "" if value is None else f"<{self.b}:{name}>{escape(value)}</{self.b}:{name}>"

    def wrap(self, name: str, inner: str) -> str:
        return f"<{self.p}:{name}>{inner}</{self.p}:{name}>" if inner else ""

    def open(
        self, afzender: str | None, ontvanger: str | None, ident: str, dag: str, extra: str = ""
    ) -> str:
        """XML declaration, root and Header; `extra`: the Header's elements after XsdVersie."""
        p, b = self.p, self.b
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<{p}:Bericht xmlns:{p}="{namespace(self.standard, self.nummer)}" '
            f'xmlns:{b}="{basis_namespace(self.standard)}">\n'
            f"<{p}:Header>{self.el('BerichtCode', BERICHT_CODES[self.standard][self.nummer])}"
            f"{self.el('BerichtVersie', '3')}{self.el('BerichtSubversie', '2')}"
            f"{self.el('Afzender', afzender)}{self.el('Ontvanger', ontvanger)}"
            f"<{p}:BerichtIdentificatie>{self.bel('Identificatie', ident)}"
            f"{self.bel('Dagtekening', dag)}</{p}:BerichtIdentificatie>"
            f"<{p}:XsdVersie>{self.bel('BasisschemaXsdVersie', XSD_VERSIE)}"
            f"{self.bel('BerichtXsdVersie', XSD_VERSIE)}</{p}:XsdVersie>{extra}</{p}:Header>\n"
        )

    def close(self) -> str:
        return f"</{self.p}:Bericht>\n"

    def person(self, bsn: str | None, full_name: bool) -> str:
        """Bsn plus the XSD-required person elements, with placeholders."""
        name = (
            f"<{self.b}:Geslachtsnaam>{self.bel('Achternaam', 'Onbekend')}</{self.b}:Geslachtsnaam>"
        )
        if full_name:
            name += self.bel("NaamGebruik", "1")
        return (
            f"{self.el('Bsn', bsn)}<{self.p}:Geboortedatum>{self.bel('Datum', '1900-01-01')}"
            f"{self.bel('DatumGebruik', '3')}</{self.p}:Geboortedatum>{self.el('Geslacht', '0')}"
            f"<{self.p}:Naam>{name}</{self.p}:Naam>"
        )

    def contact(self) -> str:
        b = self.b
        adres = (
            f"<{b}:Huis>{self.bel('Huisnummer', '1')}</{b}:Huis>"
            f"{self.bel('Postcode', '9999ZZ')}{self.bel('Plaatsnaam', 'Onbekend')}"
        )
        return (
            f"<{self.p}:Contactgegevens><{self.p}:Contact>{self.el('Soort', '01')}"
            f"<{self.p}:Adres>{adres}</{self.p}:Adres></{self.p}:Contact>"
            f"</{self.p}:Contactgegevens>"
        )

    def product(self, categorie: str | None, code: str | None) -> str:
        inner = self.bel("Categorie", categorie) + self.bel("Code", code)
        return self.wrap("Product", inner)

    # -- 301 ----------------------------------------------------------------------------
    def toegewezen_product(self, r: dict) -> str:
        return (
            f"<{self.p}:ToegewezenProduct>{self.el('ToewijzingNummer', r['toewijzing_nummer'])}"
            f"{self.product(r['product_categorie'], r['product_code'])}"
            f"{self.el('Toewijzingsdatum', r['toewijzing_datum'])}"
            f"{self.el('Toewijzingstijd', '00:00:00')}{self.el('Ingangsdatum', r['ingangsdatum'])}"
            f"{self.el('Einddatum', r['einddatum'])}"
            f"{self.el('RedenWijziging', r['reden_wijziging'])}"
            f"{self.omvang(r)}{self.el('Budget', r['budget_cents'])}</{self.p}:ToegewezenProduct>\n"
        )

    def omvang(self, r: dict) -> str:
        """No Omvang for a budget allocation (83 / 6, restored by the reader); an empty one
        when a budget row has no unit at all, so that the nulls come back as nulls."""
        if _budget_only(r):
            return ""
        inner = (
            self.bel("Volume", r["volume"])
            + self.bel("Eenheid", r["eenheid"])
            + self.bel("Frequentie", r["frequentie"])
        )
        if not inner and r["budget_cents"] is not None:
            return f"<{self.p}:Omvang/>"
        return self.wrap("Omvang", inner)

    # -- 323 ----------------------------------------------------------------------------
    def declaratie_open(self, nummer, periode: tuple[str, str], dag, totaal: int) -> str:
        return (
            f"<{self.p}:Declaratie>{self.el('DeclaratieNummer', nummer)}"
            f"<{self.p}:DeclaratiePeriode>{self.bel('Begindatum', periode[0])}"
            f"{self.bel('Einddatum', periode[1])}</{self.p}:DeclaratiePeriode>"
            f"{self.el('DeclaratieDagtekening', dag)}<{self.p}:TotaalIngediendBedrag>"
            f"{self.bel('TotaalBedrag', str(abs(totaal)))}"
            f"{self.bel('DebetCredit', 'C' if totaal < 0 else 'D')}"
            f"</{self.p}:TotaalIngediendBedrag>"
            f"<{self.p}:Clienten>\n"
        )

    def declaratie_close(self) -> str:
        return f"</{self.p}:Clienten></{self.p}:Declaratie>\n"

    def prestatie(self, r: dict, extra: str = "") -> str:
        """A Prestatie (323); a 325 repeats it with its RetourCodes as `extra`."""
        p = self.p
        referentie = self.bel("ReferentieNummer", r["referentie_nummer"]) + self.bel(
            "VorigReferentieNummer", r["vorig_referentie_nummer"]
        )
        return (
            f"<{p}:Prestatie>{self.wrap('ProductReferentie', referentie)}"
            f"{self.el('ToewijzingNummer', r['toewijzing_nummer'])}"
            f"{self.el('ProductCategorie', r['product_categorie'])}"
            f"{self.el('ProductCode', r['product_code'])}"
            f"{self.wrap('ProductPeriode', self.bel('Begindatum', r['begindatum']) + self.bel('Einddatum', r['einddatum']))}"  # noqa: E501
            f"{self.el('GeleverdVolume', r['geleverd_volume'])}{self.el('Eenheid', r['eenheid'])}"
            f"{self.el('ProductTarief', r['product_tarief_cents'])}"
            f"{self.wrap('IngediendBedrag', self.bel('Bedrag', r['ingediend_bedrag_cents']) + self.bel('DebetCredit', r['debet_credit']))}"  # noqa: E501
            f"{extra}</{p}:Prestatie>\n"
        )

    # -- 325 ----------------------------------------------------------------------------
    def retourcodes(self, codes: str | None) -> str:
        """RetourCodes with one RetourCode per `;`-separated code; nothing for null."""
        items = [c.strip() for c in (codes or "").split(";") if c.strip()]
        return self.wrap("RetourCodes", "".join(self.el("RetourCode", c) for c in items))

    def answer_header(self, ident: str | None, dag: str | None, codes: str | None) -> str:
        """The 325's Header elements after XsdVersie: the answered 323 and the Header codes."""
        b = self.bel
        xsd = b("BasisschemaXsdVersie", XSD_VERSIE) + b("BerichtXsdVersie", XSD_VERSIE)
        declaratie = b("Identificatie", ident) + b("Dagtekening", dag)
        return (
            self.wrap("DeclaratieIdentificatie", declaratie)
            + self.wrap("XsdVersieDeclaratie", xsd)
            + self.retourcodes(codes)
        )

    def total(self, name: str, cents: int | None) -> str:
        if cents is None:
            return ""
        sign = "C" if cents < 0 else "D"
        inner = self.bel("TotaalBedrag", str(abs(cents))) + self.bel("DebetCredit", sign)
        return self.wrap(name, inner)

    # -- 305 / 307 ------------------------------------------------------------------------
    def zorg_product(self, r: dict) -> str:
        if self.nummer == "305":
            body = self.el("Begindatum", r["datum"])
            tag = "StartProduct"
        else:
            body = (
                self.el("Begindatum", r["_begindatum"])
                + self.el("RedenBeeindiging", r["reden"])
                + self.el("Einddatum", r["datum"])
            )
            tag = "StopProduct"
        return (
            f"<{self.p}:{tag}>{self.el('ToewijzingNummer', r['toewijzing_nummer'])}{body}"
            f"{self.el('StatusAanlevering', '1')}</{self.p}:{tag}>\n"
        )


def _budget_only(r: dict) -> bool:
    """A budget allocation is written without Omvang; the reader restores eenheid 83 / freq 6."""
    return (
        r["volume"] is None
        and r["budget_cents"] is not None
        and r["eenheid"] == "83"
        and r["frequentie"] == "6"
    )
