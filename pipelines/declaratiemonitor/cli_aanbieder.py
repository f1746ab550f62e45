"""`declaratiemonitor aanbieder rapport`: a feedback pack per provider for the contractgesprek.

    aanbieder rapport --warehouse W --aanbieder 73000002 --uit MAP   # Excel + HTML, one provider
    aanbieder rapport --warehouse W --alle --uit MAP                  # every provider with signals

Registered on the main app in cli.py with `app.add_typer(cli_aanbieder.aanbieder_app, ...)`.
"""

from datetime import date
from pathlib import Path

import duckdb
import typer

from declaratiemonitor.cli_review import WAREHOUSE, _existing, _user_errors
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.faults import disk

aanbieder_app = typer.Typer(
    help=(
        "Terugkoppeling per aanbieder voor het contractgesprek: een Excel-bestand en een "
        "afdrukbare HTML-pagina met de signalen, de uitleg en grondslag per regel, de gevraagde "
        "actie en alle declaratieregels waarop ze steunen. Geen BSN: cliënten als sleutel."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@aanbieder_app.command("rapport")
@_user_errors
def rapport(
    warehouse: Path = WAREHOUSE,
    aanbieder: str | None = typer.Option(
        None, "--aanbieder", help="AGB-code van de aanbieder (8 cijfers)."
    ),
    alle: bool = typer.Option(
        False, "--alle", help="Eén pakket per aanbieder met signalen (in plaats van --aanbieder)."
    ),
    gemeente: str | None = typer.Option(
        None, "--gemeente", help="Alleen deze gemeente (CBS-code, 4 cijfers); standaard alle."
    ),
    vanaf: str | None = typer.Option(
        None,
        "--vanaf",
        help="Alleen signalen waarvan de periode op of na deze datum eindigt (JJJJ-MM-DD), en "
        "declaratieregels met een einddatum vanaf deze datum.",
    ),
    status: str | None = typer.Option(
        None,
        "--status",
        help="Statussen van de signalen, met komma's: nieuw, open, in_behandeling, terecht, "
        "onterecht. Standaard nieuw,open,in_behandeling (nog te beoordelen).",
    ),
    uit: Path = typer.Option(..., "--uit", help="Map waarin de bestanden komen."),
) -> None:
    """Schrijf per aanbieder een terugkoppeling (Excel en HTML) met de geselecteerde signalen."""
    from declaratiemonitor.lib import pack
    from declaratiemonitor.lib.dashboard_format import eur
    from declaratiemonitor.lib.warehouse import connect

    if alle == (aanbieder is not None):
        raise InvoerFout("Geef --aanbieder AGB of --alle (één van beide).")
    selection = pack.Selection(
        pack.check_agb(aanbieder) if aanbieder else "",
        pack.check_gemeente(gemeente),
        _date(vanaf),
        pack.parse_statuses(status),
    )
    try:
        with (
            connect(_existing(warehouse), read_only=True) as con,
            disk.as_disk_full(uit, 0, f"de map {uit}"),
        ):
            if alle:
                written = pack.write_all(con, selection, uit)
            else:
                built = pack.build(con, selection)
                if built.empty:
                    typer.echo(
                        f"Geen signalen voor {built.provider.label} ({selection.describe()}): "
                        "er is geen pakket geschreven."
                    )
                    return
                written = [pack.write_pack(built, uit)]
    except duckdb.Error as exc:
        raise InvoerFout(f"Het warehouse {warehouse} kan niet worden gelezen: {exc}") from None
    if not written:
        typer.echo(f"Geen aanbieders met signalen ({selection.describe()}): niets geschreven.")
    for w in written:
        p = w.pack
        typer.echo(
            f"{p.provider.label}: {p.signals.height} signalen, {eur(p.total('impact_cents'))} "
            f"op het spel, {p.evidence.height} bewijsregels.\n  {w.xlsx}\n  {w.html}"
        )
    if alle:
        typer.echo(f"{len(written)} pakketten geschreven in {uit}.")


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvoerFout(f"Ongeldige datum voor --vanaf '{value}': gebruik JJJJ-MM-DD.") from None
