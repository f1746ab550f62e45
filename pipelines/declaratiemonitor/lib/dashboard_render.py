"""Shared rendering of the dashboards: Dutch formats, colours, the page model, the HTML shell,
the one local copy of plotly.js, and loading the page modules from the repo's dashboards/ folder.

A page module (dashboards/<slug>.py) has TITLE, DESCRIPTION, ORDER and `build(con) -> Page`;
optionally `prepare(con)` that runs first on a writable connection (e.g. to keep a history).
"""

import functools
import html
import importlib.util
import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from string import Template
from types import ModuleType

import duckdb
import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from plotly.offline import get_plotlyjs

from declaratiemonitor.lib.sql_header import read_sql_file
from declaratiemonitor.lib.steekproef.formatting import fmt_eur, fmt_num, fmt_pct
from declaratiemonitor.paths import DASHBOARDS_DIR, RULES_DIR

ASSETS = DASHBOARDS_DIR / "_assets"
PLOTLY_JS = "plotly.min.js"
MODULE_PREFIX = "declaratiemonitor_dashboards"

SEVERITIES = ("hoog", "midden", "laag")
SEVERITY_COLORS = {"hoog": "#b2182b", "midden": "#ef8a62", "laag": "#4393c3"}
# Okabe-Ito: distinguishable for colour-blind readers
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D31", "#000000"]
GOED, LET_OP, FOUT, NEUTRAAL = "#1a9850", "#fdae61", "#d73027", "#9aa5b1"
MAANDEN = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
EENHEDEN = {
    "01": "minuten",
    "04": "uur",
    "14": "etmalen",
    "16": "dagdelen",
    "82": "stuks",
    "83": "euro",
    "84": "stuks",
}
CONFIG = {
    "locale": "nl",
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}
FONT = '"Segoe UI", "Noto Sans", "DejaVu Sans", Arial, sans-serif'


# ---------------------------------------------------------------- Dutch formats
def eur(cents: float | None) -> str:
    return "-" if cents is None else fmt_eur(cents)


def num(x: float | None, decimals: int = 0) -> str:
    return "-" if x is None else fmt_num(x, decimals)


def pct(fraction: float | None, decimals: int = 0) -> str:
    return "-" if fraction is None else fmt_pct(fraction, decimals)


def datum(d: date | datetime | None) -> str:
    return "-" if d is None else d.strftime("%d-%m-%Y")


def maand(d: date) -> str:
    return f"{MAANDEN[d.month - 1]} {d.year}"


def periode(start: date | None, end: date | None) -> str:
    if start is None:
        return "-"
    return datum(start) if end in (None, start) else f"{datum(start)} t/m {datum(end)}"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------- table cells (text, sort key)
def c_eur(cents: float | None) -> dict:
    return {"t": eur(cents), "s": cents or 0}


def c_num(x: float | None, decimals: int = 0, suffix: str = "") -> dict:
    return {"t": num(x, decimals) + (suffix if x is not None else ""), "s": x or 0}


def c_pct(fraction: float | None, decimals: int = 0) -> dict:
    return {"t": pct(fraction, decimals), "s": -1 if fraction is None else fraction}


def c_date(d: date | None) -> dict:
    return {"t": datum(d), "s": d.isoformat() if d else ""}


def c_link(text: str, href: str) -> dict:
    return {"t": text, "h": href}


def c_severity(severity: str) -> dict:
    return {
        "t": severity,
        "c": f"ernst ernst-{severity}",
        "s": SEVERITIES.index(severity) if severity in SEVERITIES else 9,
    }


def c_key(client_key: str | None) -> dict:
    """A client pseudonym, shortened for display; the full key is in the tooltip."""
    key = client_key or ""
    return {"t": key[:10] + ("…" if len(key) > 10 else ""), "s": key, "title": key}


# ---------------------------------------------------------------- page model
@dataclass
class Chart:
    figure: go.Figure
    note: str = ""


@dataclass
class ChartChoice:
    """One chart with a drop-down: each option is a complete figure (e.g. one per allocation)."""

    title: str
    label: str
    options: dict[str, go.Figure]
    note: str = ""


@dataclass
class Column:
    key: str
    label: str
    numeric: bool = False
    css: str = ""  # "kort" (no wrapping) or "breed" (wide text column)


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list]
    filters: list[str] = field(default_factory=list)
    details: list[list[str]] | None = None
    per_page: int = 25
    csv: str | None = None
    note: str = ""
    max_rows: int = 5_000  # the rows come first-most-relevant; the rest is left out of the page
    total: int | None = None  # rows before a limit in the query (None: len(rows))


@dataclass
class Kpis:
    items: list[tuple[str, str, str]]  # label, value, css class ("", "hoog", "midden")


@dataclass
class Note:
    text: str
    title: str = ""


@dataclass
class Cards:
    items: list[tuple[str, str, str]]  # href, title, text


@dataclass
class Row:
    """Blocks shown side by side (two columns on a wide screen)."""

    blocks: list


@dataclass
class Page:
    title: str
    intro: str
    blocks: list = field(default_factory=list)


# ---------------------------------------------------------------- figures
def _template(fig: go.Figure) -> None:
    """plotly_white, set the way plotly sets its default template: without validating it again
    (validating the template costs ~50 ms a figure; a page can have a hundred figures)."""
    layout = fig.layout
    layout._validate = False
    try:
        layout.template = pio.templates["plotly_white"]
    finally:
        layout._validate = True


def style(fig: go.Figure, title: str, height: int = 430, x: str = "", y: str = "") -> go.Figure:
    """House layout: a title that says what the chart shows, Dutch separators, readable type."""
    _template(fig)
    fig.update_layout(
        title={
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "y": 0.985,
            "yanchor": "top",
            "font": {"size": 16},
        },
        height=height,
        separators=",.",
        font={"family": FONT, "size": 13, "color": "#1f2933"},
        colorway=PALETTE,
        margin={"l": 70, "r": 30, "t": 96, "b": 60},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "xanchor": "left"},
        hoverlabel={"bgcolor": "white", "font": {"size": 13, "family": FONT}},
    )
    fig.update_xaxes(title_text=x, automargin=True)
    fig.update_yaxes(title_text=y, automargin=True)
    return fig


def date_axis(fig: go.Figure, axis: str = "x") -> None:
    fig.update_layout({f"{axis}axis": {"type": "date", "tickformat": "%d-%m-%Y"}})


def vline(
    fig: go.Figure, x, text: str, color: str = "#52606d", dash: str = "dot", top: bool = True
) -> None:
    """A vertical marker line with a label (works on date axes, unlike add_vline's label)."""
    shape, annotation = vline_parts(x, text, color, dash, top)
    fig.add_shape(**shape)
    fig.add_annotation(**annotation)


def vline_parts(
    x, text: str, color: str = "#52606d", dash: str = "dot", top: bool = True
) -> tuple[dict, dict]:
    """The shape and annotation of `vline`, to set many at once (adding one by one re-checks
    every earlier shape: quadratic)."""
    shape = {
        "type": "line",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "yref": "paper",
        "line": {"color": color, "dash": dash, "width": 2},
    }
    annotation = {
        "x": x,
        "y": 1 if top else 0,
        "yref": "paper",
        "text": text,
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "top" if top else "bottom",
        "font": {"color": color, "size": 12},
        "bgcolor": "rgba(255,255,255,0.85)",
    }
    return shape, annotation


def hover(texts) -> dict:
    """Trace arguments that show preformatted Dutch hover texts."""
    return {"customdata": list(texts), "hovertemplate": "%{customdata}<extra></extra>"}


def empty(title: str, text: str = "Geen gegevens voor deze grafiek in deze run.") -> Note:
    return Note(text, title)


# ---------------------------------------------------------------- HTML
class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def next(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"


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
            block.figure,
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
        f'{{"label": {json.dumps(label, ensure_ascii=False)}, "fig": {fig.to_json()}}}'
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


def render_page(page: Page, slug: str, nav: list[tuple[str, str]], peildatum: date) -> str:
    ids = _Ids()
    body = [f'<p class="intro">{esc(page.intro)}</p>'] if page.intro else []
    body += [_render_block(b, ids) for b in page.blocks]
    active = ' class="actief"'
    menu = "\n".join(
        f'<a href="{esc(s)}.html"{active if s == slug else ""}>{esc(t)}</a>'
        for s, t in [("index", "Start"), *nav]
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


# ---------------------------------------------------------------- page modules
@functools.cache
def _load(path: Path) -> ModuleType:
    name = f"{MODULE_PREFIX}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def page_modules(folder: Path = DASHBOARDS_DIR) -> list[ModuleType]:
    """Every dashboards/<slug>.py (not starting with _), in menu order."""
    modules = [_load(p.resolve()) for p in sorted(folder.glob("*.py")) if p.name[0] != "_"]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 99), slug_of(m)))


def slug_of(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def nav_of(modules: list[ModuleType]) -> list[tuple[str, str]]:
    return [(slug_of(m), m.TITLE) for m in modules]


def write_page(
    con: duckdb.DuckDBPyConnection, module: ModuleType, folder: Path, nav: list[tuple[str, str]]
) -> Path:
    write_plotly_js(folder)
    if hasattr(module, "prepare"):
        module.prepare(con)
    slug = slug_of(module)
    text = render_page(module.build(con), slug, nav, peildatum(con))
    path = folder / f"{slug}.html"
    path.write_text(text, encoding="utf-8")
    return path


INDEX_TOTALS = """
select count(*), count(*) filter (where status = 'nieuw'), coalesce(sum(impact_cents), 0),
    count(distinct aanbieder_agb)
from main.signals
"""


QUALITY_CARD = (
    "kwaliteit/index.html",
    "Datakwaliteit (Great Expectations)",
    "Welke kwaliteitseisen de aangeleverde bestanden deze run haalden, per tabel.",
)


def write_index(con: duckdb.DuckDBPyConnection, modules: list[ModuleType], folder: Path) -> Path:
    """The start page: headline figures and a card per dashboard page."""
    write_plotly_js(folder)
    total, new, impact, providers = con.execute(INDEX_TOTALS).fetchall()[0]
    page = Page(
        "Declaratiemonitor: dashboards",
        (
            "Dagelijks overzicht van de Wmo-declaraties die afwijken van de toewijzingen en het "
            "beleid van de gemeente. Kies een pagina; elke pagina toont de peildatum van de run."
        ),
        [
            Kpis(
                [
                    ("Signalen", num(total), ""),
                    ("Bedrag op het spel", eur(impact), "hoog"),
                    ("Nieuw in deze run", num(new), "midden"),
                    ("Aanbieders met signalen", num(providers), ""),
                ]
            ),
            Cards(
                [(f"{slug_of(m)}.html", m.TITLE, m.DESCRIPTION) for m in modules] + [QUALITY_CARD]
            ),
        ],
    )
    path = folder / "index.html"
    path.write_text(render_page(page, "index", nav_of(modules), peildatum(con)), encoding="utf-8")
    return path


# ---------------------------------------------------------------- queries
def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params).pl()


def sql_text(name: str) -> str:
    """A shared dashboard query from dashboards/sql/<name>.sql (header stripped)."""
    return read_sql_file(DASHBOARDS_DIR / "sql" / f"{name}.sql").body


def peildatum(con: duckdb.DuckDBPyConnection) -> date:
    return con.execute("select getvariable('peildatum')").fetchall()[0][0]


@functools.cache
def rule_titles() -> dict[str, str]:
    titles = {}
    for path in sorted(RULES_DIR.glob("*/*.sql")):
        titles[f"{path.parent.name}.{path.stem}"] = read_sql_file(path).get("title")
    return titles


def rule_title(rule_id: str) -> str:
    return rule_titles().get(rule_id) or rule_id


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    rows = con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return rows[0][0] > 0
