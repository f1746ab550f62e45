"""The HTML of a dashboard page: the blocks, the shell from dashboards/_assets and the one
local copy of plotly.js (no CDN: the pages work offline)."""

import json
from datetime import date, datetime
from pathlib import Path
from string import Template

import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import convert_to_base64
from plotly.offline import get_plotlyjs

from declaratiemonitor.lib.dashboard_blocks import (
    Cards,
    Chart,
    ChartChoice,
    Kpis,
    Note,
    Page,
    Row,
    Table,
)
from declaratiemonitor.lib.dashboard_format import datum, esc, num
from declaratiemonitor.paths import DASHBOARDS_DIR

ASSETS = DASHBOARDS_DIR / "_assets"
PLOTLY_JS = "plotly.min.js"
CONFIG = {
    "locale": "nl",
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def next(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"


def _figure_dict(fig: go.Figure) -> dict:
    """fig.to_dict() without its deep copy of every trace and the template (~10 ms a figure):
    the page is written once. As to_dict, numpy arrays become plotly's typed arrays (in place)."""
    fig_dict = {"data": fig._data, "layout": fig._layout}
    convert_to_base64(fig_dict)
    return fig_dict


def _json_script(element_id: str, payload: str) -> str:
    safe = payload.replace("</", "<\\/")
    return f'<script type="application/json" id="{element_id}">{safe}</script>'


def _render_block(block, ids: _Ids) -> str:
    if isinstance(block, Row):
        inner = "\n".join(_render_block(b, ids) for b in block.blocks)
        return f'<div class="raster">\n{inner}\n</div>'
    if isinstance(block, Cards):
        cards = "".join(
            f'<a class="kaart" href="{esc(href)}"><h2>{esc(title)}</h2><p>{esc(text)}</p></a>'
            for href, title, text in block.items
        )
        return f'<div class="kaarten">{cards}</div>'
    if isinstance(block, Kpis):
        cards = "".join(
            f'<div class="kpi {esc(cls)}"><div class="label">{esc(label)}</div>'
            f'<div class="waarde">{esc(value)}</div></div>'
            for label, value, cls in block.items
        )
        return f'<div class="kpis">{cards}</div>'
    return f'<section class="blok">\n{_section_body(block, ids)}\n</section>'


def _section_body(block, ids: _Ids) -> str:
    if isinstance(block, Chart):
        div = pio.to_html(
            _figure_dict(block.figure),
            validate=False,
            full_html=False,
            include_plotlyjs=False,
            div_id=ids.next("grafiek"),
            config=CONFIG,
        )
        return div + _note(block.note)
    if isinstance(block, ChartChoice):
        return _choice(block, ids)
    if isinstance(block, Table):
        return _table(block, ids)
    if isinstance(block, Note):
        head = f"<h2>{esc(block.title)}</h2>" if block.title else ""
        return f'{head}<p class="leeg">{esc(block.text)}</p>'
    raise TypeError(f"unknown dashboard block {type(block).__name__}")


def _note(text: str) -> str:
    return f'<p class="toelichting">{esc(text)}</p>' if text else ""


def _choice(block: ChartChoice, ids: _Ids) -> str:
    data_id = ids.next("keuze")
    options = ",".join(
        f'{{"label": {json.dumps(label, ensure_ascii=False)}, '
        f'"fig": {pio.to_json(_figure_dict(fig), validate=False)}}}'
        for label, fig in block.options.items()
    )
    return (
        f'<h2>{esc(block.title)}</h2>\n<div data-keuze="{data_id}">'
        f'<div class="keuze"><label>{esc(block.label)}: <select></select></label></div>'
        f'<div class="grafiek"></div></div>\n'
        + _json_script(data_id, f'{{"opties": [{options}]}}')
        + _note(block.note)
    )


def _table(block: Table, ids: _Ids) -> str:
    """The rows go into the page as JSON; dashboard.js draws, filters and pages them."""
    data_id = ids.next("tabel")
    note = block.note
    limit = block.max_rows
    total = max(block.total or 0, len(block.rows))
    if total > limit:
        note = f"De eerste {num(limit)} van {num(total)} rijen staan hier. {note}"
    spec = {
        "kolommen": [{"k": c.key, "l": c.label, "n": c.numeric, "c": c.css} for c in block.columns],
        "rijen": block.rows[:limit],
        "filters": block.filters,
        "details": block.details[:limit] if block.details else None,
        "per_pagina": block.per_page,
        "csv": block.csv,
    }
    payload = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), default=str)
    return (
        f'<h2>{esc(block.title)}</h2>\n<div data-tabel="{data_id}"></div>\n'
        + _json_script(data_id, payload)
        + _note(note.strip())
    )


def render_page(
    page: Page, slug: str, nav: list[tuple[str, str]] | None, peildatum: date, banner: str = ""
) -> str:
    """The page's HTML; `banner` is a warning shown above everything (e.g. rules not judged);
    nav None: a page on its own, without the menu."""
    ids = _Ids()
    body = [f'<div class="banier" role="alert">{esc(banner)}</div>'] if banner else []
    body += [f'<p class="intro">{esc(page.intro)}</p>'] if page.intro else []
    body += [_render_block(b, ids) for b in page.blocks]
    active = ' class="actief"'
    menu = "\n".join(
        f'<a href="{esc(s)}.html"{active if s == slug else ""}>{esc(t)}</a>'
        for s, t in ([] if nav is None else [("index", "Start"), *nav])
    )
    return Template((ASSETS / "pagina.html").read_text(encoding="utf-8")).substitute(
        titel=esc(page.title),
        peildatum=datum(peildatum),
        gemaakt=datetime.now().strftime("%d-%m-%Y %H:%M"),
        css=(ASSETS / "dashboard.css").read_text(encoding="utf-8"),
        js=(ASSETS / "dashboard.js").read_text(encoding="utf-8"),
        plotly_js=PLOTLY_JS,
        menu=menu,
        inhoud="\n".join(body),
    )


def write_plotly_js(folder: Path) -> Path:
    """The one local copy of plotly.js that every page loads (no CDN: the pages work offline)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PLOTLY_JS
    script = get_plotlyjs()
    if not path.exists() or path.stat().st_size != len(script.encode()):
        path.write_text(script, encoding="utf-8")
    return path
