"""House style of the dashboard figures: layout, date axes, marker lines, hover texts."""

import plotly.graph_objects as go
import plotly.io as pio

from declaratiemonitor.lib.dashboard_format import PALETTE

FONT = '"Segoe UI", "Noto Sans", "DejaVu Sans", Arial, sans-serif'


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
