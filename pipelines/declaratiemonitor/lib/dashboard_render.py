"""Loading the page modules from the repo's dashboards/ folder and writing the pages and the
start page. The modules share the dashboard API in declaratiemonitor.lib.dashboard.

A page module (dashboards/<slug>.py) has TITLE, DESCRIPTION, ORDER and `build(con) -> Page`;
optionally `prepare(con)` that runs first on a writable connection (e.g. to keep a history),
and FAMILIES, the rule families it shows (the warning about rules not judged in this run is
limited to those; without it the page shows every family's).
"""

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import duckdb

from declaratiemonitor.lib.dashboard_blocks import Cards, Kpis, Page
from declaratiemonitor.lib.dashboard_format import eur, num
from declaratiemonitor.lib.dashboard_html import render_page, write_plotly_js
from declaratiemonitor.lib.dashboard_queries import peildatum
from declaratiemonitor.lib.faults import gates
from declaratiemonitor.paths import DASHBOARDS_DIR

MODULE_PREFIX = "declaratiemonitor_dashboards"


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
    con: duckdb.DuckDBPyConnection,
    module: ModuleType,
    folder: Path,
    nav: list[tuple[str, str]] | None,
) -> Path:
    write_plotly_js(folder)
    if hasattr(module, "prepare"):
        module.prepare(con)
    slug = slug_of(module)
    banner = gates.banner(con, getattr(module, "FAMILIES", None))  # None: every family
    text = render_page(module.build(con), slug, nav, peildatum(con), banner)
    path = folder / f"{slug}.html"
    path.write_text(text, encoding="utf-8")
    return path


INDEX_TOTALS = """
select count(*), count(*) filter (where status = 'nieuw'), coalesce(sum(impact_cents), 0),
    count(distinct aanbieder_agb)
from main.signals
"""


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
            Cards([(f"{slug_of(m)}.html", m.TITLE, m.DESCRIPTION) for m in modules]),
        ],
    )
    path = folder / "index.html"
    text = render_page(page, "index", nav_of(modules), peildatum(con), gates.banner(con))
    path.write_text(text, encoding="utf-8")
    return path
