"""House style of the dashboard figures: layout, date axes, marker lines, hover texts."""

import functools
from collections.abc import Iterator
from contextlib import contextmanager

import plotly.graph_objects as go
import plotly.io as pio

from declaratiemonitor.lib.dashboard_format import PALETTE

FONT = '"Segoe UI", "Noto Sans", "DejaVu Sans", Arial, sans-serif'


@functools.cache
def _template_json() -> dict:
    """plotly_white as a plain dict, made once. Every figure refers to this one dict (plotly
    would copy it into each figure): the pages never change a figure's template."""
    return pio.templates["plotly_white"].to_plotly_json()


@contextmanager
def _unchecked(fig: go.Figure) -> Iterator[go.Layout]:
    """The figure's layout with plotly's property checks off, for values the house style builds
    itself (checking costs ~30-50 ms a figure; a page can have a hundred figures)."""
    layout = fig.layout
    layout._validate = False
    try:
        yield layout
    finally:
        layout._validate = True


def _template(fig: go.Figure) -> None:
    """plotly_white, set the way plotly sets its default template: without validating it again."""
    with _unchecked(fig) as layout:
        layout.template = _template_json()  # replaces the default template go.Figure() set


def _merged(old, new):
    """`new` merged into `old` the way update_layout merges: dicts key by key, the rest replaced."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return new
    return {**old, **{k: _merged(old.get(k), v) for k, v in new.items()}}


def update_layout_unchecked(fig: go.Figure, values: dict) -> None:
    """fig.update_layout(values) for values that are known to be valid, without plotly's checks
    and change bookkeeping (~30 ms a call on a figure with many shapes: a page has up to 40
    figures). Only for the house style's own constant properties."""
    with _unchecked(fig) as layout:
        for key, value in values.items():
            layout[key] = _merged(layout._props.get(key), value)


def _axes(fig: go.Figure, letter: str) -> list[str]:
    """The axes update_xaxes / update_yaxes change: the first one and every numbered one."""
    axis = f"{letter}axis"
    return [axis] + [k for k in fig.layout._props if k.startswith(axis) and k[5:].isdigit()]


def style(fig: go.Figure, title: str, height: int = 430, x: str = "", y: str = "") -> go.Figure:
    """House layout: a title that says what the chart shows, Dutch separators, readable type."""
    _template(fig)
    values = {
        "title": {
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "y": 0.985,
            "yanchor": "top",
            "font": {"size": 16},
        },
        "height": height,
        "separators": ",.",
        "font": {"family": FONT, "size": 13, "color": "#1f2933"},
        "colorway": list(PALETTE),
        "margin": {"l": 70, "r": 30, "t": 96, "b": 60},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "xanchor": "left"},
        "hoverlabel": {"bgcolor": "white", "font": {"size": 13, "family": FONT}},
    }
    for letter, text in (("x", x), ("y", y)):
        for axis in _axes(fig, letter):
            values[axis] = {"title": {"text": text}, "automargin": True}
    update_layout_unchecked(fig, values)
    return fig


def date_axis(fig: go.Figure, axis: str = "x") -> None:
    update_layout_unchecked(fig, {f"{axis}axis": {"type": "date", "tickformat": "%d-%m-%Y"}})


def add_unchecked(fig: go.Figure, shapes: list[dict] = (), annotations: list[dict] = ()) -> None:
    """fig.add_shape / add_annotation for shapes and annotations the house style builds itself,
    without plotly's checks (adding one by one re-checks every earlier one: quadratic)."""
    props = fig.layout._props
    values = {}
    if shapes:
        values["shapes"] = [*props.get("shapes", []), *shapes]
    if annotations:
        values["annotations"] = [*props.get("annotations", []), *annotations]
    update_layout_unchecked(fig, values)


def vline(
    fig: go.Figure, x, text: str, color: str = "#52606d", dash: str = "dot", top: bool = True
) -> None:
    """A vertical marker line with a label (works on date axes, unlike add_vline's label)."""
    shape, annotation = vline_parts(x, text, color, dash, top)
    add_unchecked(fig, [shape], [annotation])


def hline(fig: go.Figure, y, line: dict, text: str = "") -> None:
    """fig.add_hline(y, line=line, annotation_text=text, annotation_position="top left"): the
    same shape and label, without plotly's checks."""
    shape = {"line": line, "type": "line", "x0": 0, "x1": 1, "xref": "x domain"}
    shape |= {"y0": y, "y1": y, "yref": "y"}
    label = {"showarrow": False, "text": text, "x": 0, "xanchor": "left", "xref": "x domain"}
    label |= {"y": y, "yanchor": "bottom", "yref": "y"}
    add_unchecked(fig, [shape], [label] if text else [])


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
