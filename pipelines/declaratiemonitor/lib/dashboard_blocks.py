"""The page model of the dashboards: a Page is a list of blocks (charts, tables, notes, ...)."""

from dataclasses import dataclass, field

import plotly.graph_objects as go


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


def empty(title: str, text: str = "Geen gegevens voor deze grafiek in deze run.") -> Note:
    return Note(text, title)
