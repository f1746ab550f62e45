"""`declaratiemonitor review`: contract managers judge signals in Excel or CSV.

    review exporteer --warehouse W --bestand signalen.xlsx   # open signals, review columns empty
    review exporteer ... --aanbieder 73000002                # one provider's signals only
    review importeer --warehouse W --bestand signalen.xlsx   # verdicts back into the history
                                                             # (also a feedback pack's Excel)

Registered on the main app in cli.py with `app.add_typer(cli_review.review_app, name="review")`.
"""

import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path

import duckdb
import typer

from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.faults import disk
from declaratiemonitor.lib.operations import review, review_export
from declaratiemonitor.lib.operations.lock import default_wait, warehouse_lock

review_app = typer.Typer(
    help=(
        "Beoordeling van signalen: exporteer de open signalen naar Excel of CSV, vul per signaal "
        "status (in_behandeling, terecht, onterecht), notitie en reviewer in, en importeer het "
        "bestand weer. Beoordelingen blijven over de nachtelijke runs heen bewaard."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WAREHOUSE = typer.Option(..., "--warehouse", help="Het DuckDB-warehouse van de runs.")


def _user_errors(func: Callable) -> Callable:
    """Bad input: one Dutch sentence, exit code 2; a bug: exit code 1 and a log file."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except InvoerFout as exc:
            typer.echo(f"Fout: {exc}", err=True)
            raise typer.Exit(2) from None
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            log = Path.cwd() / "declaratiemonitor-fout.log"
            log.write_text(traceback.format_exc(), encoding="utf-8")
            typer.echo(
                f"Fout: onverwachte fout ({type(exc).__name__}). Technische details: {log}",
                err=True,
            )
            raise typer.Exit(1) from None

    return wrapper


def _existing(warehouse: Path) -> Path:
    if not warehouse.is_file():
        raise InvoerFout(
            f"Warehouse niet gevonden: {warehouse}. Draai eerst `declaratiemonitor run`."
        )
    return warehouse


@review_app.command("exporteer")
@_user_errors
def exporteer(
    warehouse: Path = WAREHOUSE,
    bestand: Path = typer.Option(..., "--bestand", help="Uitvoerbestand, .xlsx of .csv."),
    alle: bool = typer.Option(
        False, "--alle", help="Ook signalen met een eindoordeel (terecht, onterecht)."
    ),
    aanbieder: str | None = typer.Option(
        None, "--aanbieder", help="Alleen de signalen van deze aanbieder (AGB-code, 8 cijfers)."
    ),
) -> None:
    """Schrijf de open signalen (nieuw, open, in behandeling) met lege beoordelingskolommen."""
    from declaratiemonitor.lib.pack.selection import check_agb
    from declaratiemonitor.lib.warehouse import connect

    agb = check_agb(aanbieder) if aanbieder is not None else None
    try:
        with connect(_existing(warehouse), read_only=True) as con:
            frame = review_export.export_frame(con, include_closed=alle, aanbieder=agb)
    except duckdb.Error as exc:
        raise InvoerFout(f"Het warehouse {warehouse} kan niet worden gelezen: {exc}") from None
    with disk.as_disk_full(bestand, 0, f"het bestand {bestand.name}"):
        review_export.write_export(frame, bestand)
    typer.echo(f"{frame.height} signalen geschreven naar {bestand}.")


@review_app.command("importeer")
@_user_errors
def importeer(
    warehouse: Path = WAREHOUSE,
    bestand: Path = typer.Option(
        ...,
        "--bestand",
        help="Ingevuld bestand (.xlsx of .csv) met signal_id, status, notitie, reviewer; ook "
        "de Excel van een terugkoppeling (tabblad Signalen).",
    ),
) -> None:
    """Lees beoordelingen in; alles of niets: bij één fout wordt niets overgenomen."""
    from declaratiemonitor.lib.warehouse import connect

    _existing(warehouse)
    verdicts, skipped = review.read_verdicts(bestand)
    with (
        disk.as_disk_full(warehouse, 0, "de import"),
        warehouse_lock(warehouse, default_wait()),
        connect(warehouse) as con,
    ):
        result = review.apply_verdicts(con, verdicts, bestand.name)
    changed = ", ".join(f"{s} {n}" for s, n in sorted(result.changed.items())) or "geen"
    typer.echo(
        f"Beoordelingen uit {bestand.name}: {sum(result.changed.values())} gewijzigd ({changed}), "
        f"{result.unchanged} ongewijzigd, {skipped} regels zonder status overgeslagen."
    )
