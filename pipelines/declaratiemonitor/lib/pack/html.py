"""The pack as one printable HTML page: offline (CSS inlined, no scripts, no external links),
every value escaped, no BSN (clients by a shortened client_key)."""

from datetime import datetime
from pathlib import Path

from declaratiemonitor.lib.dashboard_format import datum, esc, eur, periode
from declaratiemonitor.lib.pack import texts
from declaratiemonitor.lib.pack.data import Pack

CSS = Path(__file__).with_name("pakket.css")
KEY_SHOWN = 12  # characters of the client_key shown (the full key is in the tooltip)


def render(pack: Pack, xlsx_name: str | None = None, made: datetime | None = None) -> str:
    made = made or datetime.now()
    link = (
        f'<p class="scherm"><a href="{esc(xlsx_name)}">Dit overzicht in Excel</a></p>'
        if xlsx_name
        else ""
    )
    body = "\n".join(
        [
            f'<header><p class="afzender">{esc(texts.TITLE)}</p>',
            f"<h1>{esc(pack.provider.label)}</h1>",
            f'<p class="meta">Peildatum {datum(pack.peildatum)} · gemaakt op '
            f"{made:%d-%m-%Y %H:%M}</p>{link}</header>",
            "<main>",
            _summary(pack),
            _signals(pack),
            _evidence(pack),
            "</main>",
            f"<footer><p>{esc(texts.PRIVACY)}</p></footer>",
        ]
    )
    title = f"{texts.TITLE} — {pack.provider.label}"
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>\n{CSS.read_text(encoding='utf-8')}</style>\n"
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _table(headers: list[tuple[str, str]], rows: list[list[tuple[str, str]]], extra="") -> str:
    """headers: (text, css class); rows: cells of (html, css class)."""
    head = "".join(f'<th class="{c}">{esc(h)}</th>' for h, c in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="{c}">{v}</td>' for v, c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}{extra}</tbody></table>"


def _summary(pack: Pack) -> str:
    kern = "".join(
        f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>" for label, value in texts.summary_rows(pack)
    )
    money = texts.money_columns(pack)
    headers = [("Regel", ""), ("Gevraagde actie", ""), ("Signalen", "num")]
    headers += [(h, "num") for _, h in money]
    rows = [
        [
            (f'{esc(x["titel"])} <span class="code">({esc(x["rule_id"])})</span>', ""),
            (esc(x["actie"]), "kort"),
            (str(x["signalen"]), "num"),
            *((esc(eur(x[k])), "num") for k, _ in money),
        ]
        for x in pack.per_rule().iter_rows(named=True)
    ]
    total = "".join(
        [
            '<tr class="totaal"><td>Totaal</td><td></td>',
            f'<td class="num">{pack.signals.height}</td>',
            *(f'<td class="num">{esc(eur(pack.total(k)))}</td>' for k, _ in money),
            "</tr>",
        ]
    )
    return (
        f'<section id="samenvatting"><h2>Samenvatting</h2><dl class="kern">{kern}</dl>'
        f"{_table(headers, rows, total)}<p>{esc(texts.HOW_TO_REPLY)}</p></section>"
    )


def _signals(pack: Pack) -> str:
    headers = [
        ("Nr", "num"),
        ("Gemeente", ""),
        ("Toewijzing", ""),
        ("Cliënt (sleutel)", ""),
        ("Periode", ""),
        ("Bedrag", "num"),
        ("Afhandeling", ""),
        ("Melding", ""),
        ("Bewijs", ""),
    ]
    parts = ['<section id="signalen"><h2>Signalen per regel</h2>']
    for rule in pack.per_rule().iter_rows(named=True):
        rows = pack.signals.filter(pack.signals["rule_id"] == rule["rule_id"]).sort("nr")
        first = rows.row(0, named=True)
        parts.append(
            f'<div class="regelkop"><h3>{esc(rule["titel"])} '
            f'<span class="code">({esc(rule["rule_id"])})</span></h3>'
            f'<p class="uitleg">{esc(first["uitleg"])}</p>'
            f'<p class="grondslag"><strong>Grondslag:</strong> {esc(first["grondslag"])}</p>'
            f'<p class="actie"><strong>Gevraagde actie:</strong> '
            f'<span class="waarde">{esc(first["actie"])}</span></p></div>'
        )
        parts.append(_table(headers, [_signal_row(pack, x) for x in rows.iter_rows(named=True)]))
    parts.append("</section>")
    return "".join(parts)


def _signal_row(pack: Pack, x: dict) -> list[tuple[str, str]]:
    key = x["client_key"] or ""
    shown = key[:KEY_SHOWN] + ("…" if len(key) > KEY_SHOWN else "")
    return [
        (str(x["nr"]), "num"),
        (esc(x["gemeente"]), ""),
        (esc(x["toewijzing_nummer"] or "-"), "kort"),
        (f'<span title="{esc(key)}">{esc(shown)}</span>', "kort"),
        (esc(periode(x["period_start"], x["period_end"])), ""),
        (esc(eur(x["impact_cents"])), "num"),
        (esc(texts.afhandeling_label(pack, x["afhandeling"])), ""),
        (esc(x["message"]), ""),
        (esc(", ".join(x["evidence"] or [])), ""),
    ]


def _evidence(pack: Pack) -> str:
    headers = [
        ("Referentie", ""),
        ("Soort", ""),
        ("Declaratie", ""),
        ("Gemeente", ""),
        ("Toewijzing", ""),
        ("Periode", ""),
        ("Product", ""),
        ("Volume", "num"),
        ("Bedrag", "num"),
        ("Afhandeling (325)", ""),
        ("Omschrijving", ""),
        ("Bij signaal", ""),
    ]
    rows = []
    for x in pack.evidence.iter_rows(named=True):
        volume = "" if x["volume"] is None else f"{x['volume']:,} {texts.unit(x['eenheid'])}"
        rows.append(
            [
                (esc(x["referentie"]), "kort"),
                (esc(x["soort"]), ""),
                (esc(x["declaratie_nummer"] or ""), "kort"),
                (esc(pack.names.gemeente(x["gemeente_code"]) if x["gemeente_code"] else ""), ""),
                (esc(x["toewijzing_nummer"] or ""), "kort"),
                (esc(periode(x["periode_begin"], x["periode_eind"])), ""),
                (esc(x["product"] or ""), ""),
                (esc(volume.replace(",", ".")), "num"),
                (esc(eur(x["bedrag_cents"]) if x["bedrag_cents"] is not None else ""), "num"),
                (esc(texts.line_afhandeling(pack, x["afhandeling"], x["retourcodes"])), ""),
                (esc(_description(x)), ""),
                (esc(", ".join(str(n) for n in x["signalen"])), ""),
            ]
        )
    note = (
        '<p class="opmerking">Elke declaratieregel, elk contactmoment en elke afwezigheid '
        "waarop een signaal steunt, één keer; de laatste kolom noemt de signalen (Nr). "
        "Afhandeling (325): wat de gemeente met de declaratieregel deed (afgewezen, met de "
        "retourcodes; geaccepteerd; of nog geen antwoord).</p>"
    )
    return f'<section id="bewijs"><h2>Bewijsregels</h2>{note}{_table(headers, rows)}</section>'


def _description(x: dict) -> str:
    parts = [x["omschrijving"] or ""]
    if x["soort"] == "declaratieregel" and x["tarief_cents"] is not None:
        parts.insert(0, f"tarief {eur(x['tarief_cents'])}")
    return "; ".join(p for p in parts if p)
