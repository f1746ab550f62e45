"""The kwaliteit page's 325 blocks: our integriteit rules beside the back office's retourcodes
(main.lekkage) and how the answers linked to the claims (models.antwoorden)."""

import duckdb

from declaratiemonitor.lib import dashboard as r

LEAK_SQL = """
select indeling, sleutel, omschrijving, afgewezen_gesignaleerd, afgewezen_niet_gesignaleerd,
    gesignaleerd_betaald, gesignaleerd_onbekend, lekkage_cents
from main.lekkage
order by indeling, coalesce(gesignaleerd_betaald, 0) desc, sleutel
"""
LINKS_SQL = """
select koppeling, count(*) as rijen from models.antwoorden group by all
"""
LINKS = {
    "regel": "afgewezen prestatie, gevonden in de declaratie",
    "declaratie": "antwoord op de declaratie als geheel",
    "regel_onbekend": "afgewezen prestatie die niet in de declaratie staat",
    "declaratie_onbekend": "antwoord op een onbekende declaratie",
}


def blocks(con: duckdb.DuckDBPyConnection) -> list:
    if not r.has_table(con, "main", "lekkage"):
        return []
    leak = r.query(con, LEAK_SQL)
    return [_rules(leak), _codes(leak), _links(con)]


def _rules(leak) -> r.Table:
    rows = [
        [
            r.c_link(x["sleutel"], f"signalen.html#regel={x['sleutel']}"),
            x["omschrijving"] or "-",
            r.c_num(x["afgewezen_gesignaleerd"]),
            r.c_num(x["afgewezen_niet_gesignaleerd"]),
            r.c_num(x["gesignaleerd_betaald"]),
            r.c_num(x["gesignaleerd_onbekend"]),
            r.c_eur(x["lekkage_cents"]),
        ]
        for x in leak.filter(leak["indeling"] == "regel").iter_rows(named=True)
    ]
    columns = [
        r.Column("regel", "Regel"),
        r.Column("codes", "Retourcodes"),
        r.Column("afg_sig", "Afgewezen en gesignaleerd", True),
        r.Column("afg_niet", "Afgewezen, niet gesignaleerd", True),
        r.Column("lek", "Gesignaleerd en toch betaald", True),
        r.Column("onb", "Gesignaleerd, nog geen antwoord", True),
        r.Column("lek_bedrag", "Betaald bedrag op het spel", True),
    ]
    return r.Table(
        "Integriteitsregels naast de retourcodes van de gemeente (declaratieregels)",
        columns,
        rows,
        per_page=20,
        note=(
            "Gesignaleerd en toch betaald: de gemeente betaalde regels die volgens een "
            "technische regel afgewezen hadden moeten worden (de formele controle lekte). "
            "Afgewezen, niet gesignaleerd: afgewezen met een retourcode van de technische regel "
            "die deze regel controleert, maar niet door deze regel gevonden."
        ),
    )


def _codes(leak) -> r.Table:
    rows = [
        [
            x["sleutel"],
            x["omschrijving"] or "-",
            r.c_num(x["afgewezen_gesignaleerd"]),
            r.c_num(x["afgewezen_niet_gesignaleerd"]),
        ]
        for x in leak.filter(leak["indeling"] == "retourcode").iter_rows(named=True)
    ]
    columns = [
        r.Column("code", "Retourcode"),
        r.Column("omschrijving", "Omschrijving (WJ001)", css="breed"),
        r.Column("sig", "Afgewezen en gesignaleerd", True),
        r.Column("niet", "Afgewezen, door geen regel verklaard", True),
    ]
    return r.Table(
        "Afgewezen declaratieregels per retourcode",
        columns,
        rows,
        per_page=20,
        note="Door geen regel verklaard: afwijzingen waarvoor geen van onze regels iets vond.",
    )


def _links(con) -> r.Table:
    found = dict(con.execute(LINKS_SQL).fetchall())
    rows = [[text, r.c_num(found.get(key, 0))] for key, text in LINKS.items()]
    columns = [r.Column("koppeling", "Declaratie-antwoord (325)"), r.Column("rijen", "Rijen", True)]
    return r.Table(
        "Hoe de declaratie-antwoorden bij de declaraties horen",
        columns,
        rows,
        note=(
            "Een antwoord hoort bij een declaratie met dezelfde gemeente, aanbieder en "
            "declaratienummer. Antwoorden die nergens bij horen worden gemeld, niet weggelaten."
        ),
    )
