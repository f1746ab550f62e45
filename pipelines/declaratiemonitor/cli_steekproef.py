"""`declaratiemonitor steekproef`: draw an audit sample to Excel and evaluate the findings.

Registered on the main app in cli.py with `app.add_typer(steekproef_app, name="steekproef")`.
"""

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import typer

from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.steekproef import (
    Parameters,
    evaluate,
    load_population,
    read_excel,
    trek,
    write_excel,
)
from declaratiemonitor.lib.steekproef.formatting import fmt_eur, fmt_num
from declaratiemonitor.lib.steekproef.population import read_peildatum

steekproef_app = typer.Typer(
    help=(
        "Steekproef voor controllers: trek een onderbouwde, reproduceerbare steekproef uit de "
        "declaraties (of signalen) naar Excel, en evalueer de ingevulde bevindingen."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_WAREHOUSE = Path("out/warehouse.duckdb")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Fout: {message}", err=True)
    return typer.Exit(code=2)


@contextmanager
def _warehouse(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection with the project's macros (client_key) loaded."""
    if not path.exists():
        raise InvoerFout(f"Warehouse niet gevonden: {path}. Draai eerst `declaratiemonitor run`.")
    from declaratiemonitor.lib.warehouse import connect

    try:
        with connect(path, read_only=True) as con:
            yield con
    except duckdb.Error as exc:
        raise InvoerFout(f"Het warehouse {path} kan niet worden gelezen: {exc}") from None


def _print_summary(summary: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    typer.echo(f"Steekproef ({summary['methode']}) getrokken: {summary['bestand']}")
    typer.echo(
        f"Populatie: {fmt_num(summary['populatie_aantal'])} regels, "
        f"{fmt_eur(summary['populatie_bedrag_cents'])}; n = {summary['n']} "
        f"({summary['n_regels']} regels); seed {summary['seed']}."
    )
    if summary["interval_cents"] is not None:
        typer.echo(f"Interval: {fmt_eur(summary['interval_cents'])}.")


@steekproef_app.command("trek")
def trek_command(
    warehouse: Path = typer.Option(DEFAULT_WAREHOUSE, "--warehouse", help="DuckDB-warehouse."),
    methode: str = typer.Option(
        "mus", "--methode", help="aselect, gestratificeerd, mus (monetary unit) of signalen."
    ),
    strata: str | None = typer.Option(
        None, "--strata", help="Strata: aanbieder, product of ernst (ernst van signalen)."
    ),
    allocatie: str = typer.Option(
        "aantal", "--allocatie", help="Verdeling over strata: naar aantal regels of naar bedrag."
    ),
    betrouwbaarheid: int = typer.Option(95, "--betrouwbaarheid", help="90, 95 of 99 (%)."),
    materialiteit: float = typer.Option(
        0.02, "--materialiteit", help="Tolerantie als deel van de populatiewaarde (0.02 = 2 %)."
    ),
    verwachte_fouten: float = typer.Option(
        0.0,
        "--verwachte-fouten",
        help="Verwachte fout als deel van de populatiewaarde (MUS) of van de regels (aselect).",
    ),
    aantal: int | None = typer.Option(
        None, "--aantal", help="Steekproefomvang zelf opgeven in plaats van berekenen."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Startwaarde voor het toeval; leeg = willekeurig (wordt vastgelegd)."
    ),
    gemeente: str | None = typer.Option(None, "--gemeente", help="CBS-code, bijv. 0505."),
    jaar: int | None = typer.Option(None, "--jaar", help="Alleen declaraties uit dit jaar."),
    uit: Path | None = typer.Option(
        None, "--uit", help="Excel-bestand; standaard <warehousemap>/steekproef/…xlsx."
    ),
    as_json: bool = typer.Option(False, "--json", help="Samenvatting als JSON."),
) -> None:
    """Trek een steekproef en schrijf die naar Excel."""
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    try:
        params = Parameters(
            methode=methode,
            seed=seed,
            betrouwbaarheid=betrouwbaarheid,
            materialiteit=materialiteit,
            verwachte_fout=verwachte_fouten,
            strata=strata,
            allocatie=allocatie,
            aantal=aantal,
            gemeente=gemeente,
            jaar=jaar,
        )
        with _warehouse(warehouse) as con:
            population = load_population(con, methode, gemeente, jaar)
            steekproef = trek(population, params, read_peildatum(con))
        target = uit or warehouse.parent / "steekproef" / f"steekproef_{methode}_{seed}.xlsx"
        path = write_excel(steekproef, target)
    except InvoerFout as exc:
        raise _fail(str(exc)) from None
    _print_summary(steekproef.summary() | {"bestand": str(path)}, as_json)


@steekproef_app.command("evalueer")
def evalueer_command(
    bestand: Path = typer.Option(..., "--bestand", help="Het ingevulde steekproefbestand (.xlsx)."),
    as_json: bool = typer.Option(False, "--json", help="Uitkomst als JSON."),
) -> None:
    """Lees de bevindingen terug en bereken de geprojecteerde fout en de bovengrens."""
    try:
        params, findings, strata = read_excel(bestand)
        result = evaluate(findings, params, strata)
    except InvoerFout as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(result.oordeel)
