"""The landing table `aanbieders` of a generated folder: fictional provider names.

Every name is made up for the demo (none is meant to be a real provider); e-mail addresses
use the reserved top-level domain `.example`. Two providers that do have claims are left out
on purpose (73000010 and the unknown provider of the geen_toewijzing scenario, 11112222), so
the demo shows how a provider without a known name looks: its AGB code only.
"""

import re

import polars as pl

NAMES = {
    "73000001": ("Begeleiding Merwestroom", "M. de Vries"),
    "73000002": ("Zorgcollectief De Wielewaal", "S. Bakker"),
    "73000003": ("Stichting Thuis aan de Kil", "R. Jansen"),
    "73000004": ("Woonbegeleiding Het Kompasveld", "A. Visser"),
    "73000005": ("Dagbesteding De Zeven Eiken", "L. Smit"),
    "73000006": ("Beschermd Wonen Huize Rietland", "K. Meijer"),
    "73000007": ("Ambulant Team Vlietzicht", "J. Mulder"),
    "73000008": ("Zorgboerderij Hooiwagen-Oost", "H. de Boer"),
    "73000009": ("Begeleidingsdienst Kadeplein", "E. Bos"),
    "41000001": ("Stichting Heidebloem Begeleiding", "N. Vos"),
    "41000002": ("Zorgkring Molenakker", "P. Peters"),
    "41000003": ("Dagcentrum De Koperwiek", "W. Hendriks"),
    "41000004": ("Thuisbegeleiding Vennenland", "D. van Dijk"),
    "41000005": ("Groepsbegeleiding Korenbloemhof", "F. van Leeuwen"),
    "41000006": ("Zorgteam Eikelenbosch", "G. Dekker"),
    "52000001": ("Zorgwerkplaats De Tuinderij", "T. Brouwer"),
    "52000002": ("Logeerhuis De Dijkpaal", "B. de Wit"),
    "52000003": ("Begeleiding Polderlicht", "C. Dijkstra"),
    "52000004": ("Stichting Zeedijkhoeve", "I. Smits"),
    "41009901": ("Zorggroep Stapelveld", None),
    "41009902": ("Dagbesteding Het Tweede Huis", None),
    "52009901": ("Dagbesteding De Ooievaarsnest", None),
    "52009902": ("Begeleiding Nieuwe Weide", None),
    "87650000": ("Vervolgzorg Lindelaan", None),
    "87650002": ("Beschermd Wonen Het Baken-West", None),
}


def providers_frame() -> pl.DataFrame:
    rows = [
        {
            "aanbieder_agb": agb,
            "naam": naam,
            "contactpersoon": contact,
            "email": f"contractbeheer@{_slug(naam)}.example" if contact else None,
        }
        for agb, (naam, contact) in sorted(NAMES.items())
    ]
    return pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
