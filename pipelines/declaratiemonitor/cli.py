"""Command line interface (Dutch help texts). Thin: parse arguments, call the work, report."""

import typer

app = typer.Typer(
    help="Declaratiemonitor: controleer Wmo-declaraties tegen toewijzingen en gemeentelijk beleid.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main() -> None:
    app()


# Subcommands live in their own modules and register themselves on `app`.
from declaratiemonitor import cli_steekproef  # noqa: E402,F401

app.add_typer(cli_steekproef.steekproef_app, name="steekproef")
