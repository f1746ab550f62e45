"""`declaratiemonitor steekproef`: plan, draw to Excel, evaluate the findings, extend.

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
from declaratiemonitor.lib.names import load as load_names
from declaratiemonitor.lib.steekproef import (
    Parameters,
    evaluate,
    load_population,
    planning,
    read_excel,
    trek,
    uitbreiden,
    write_evaluation,
    write_excel,
)
from declaratiemonitor.lib.steekproef.defaults import read_defaults
from declaratiemonitor.lib.steekproef.formatting import fmt_eur, fmt_num, fmt_pct
from declaratiemonitor.lib.steekproef.parameters import parse_materiality
from declaratiemonitor.lib.steekproef.population import read_peildatum

steekproef_app = typer.Typer(
    help=(
        "Steekproef voor controllers: plan en trek een onderbouwde, reproduceerbare steekproef "
        "uit de declaraties (of signalen) naar Excel, evalueer de ingevulde bevindingen en "
        "breid uit als de steekproef niet voldoet. Omvang en bovengrens zoals het R-pakket jfa."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_WAREHOUSE = Path("out/warehouse.duckdb")
LIKELIHOOD_HELP = "poisson (standaard), binomial of hypergeometric (met de populatieomvang)."
CONFIDENCE_HELP = "Betrouwbaarheid: 0.95 of 95. Standaard uit de regelparameters (95 %)."
MATERIALITY_HELP = (
    "Materialiteit als deel van de populatiewaarde: 0.02 of 2% (standaard uit de "
    "regelparameters van de gemeente: 2 %, fouten en onzekerheden samen; 1% en 3% zijn "
    "gangbare alternatieven)."
)
ESTIMATOR_HELP = "Schatter voor een steekproef van regels: verschil, quotient, regressie, direct."


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


def _echo(data: dict, as_json: bool, text: str) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str) if as_json else text)


@steekproef_app.command("plan")
def plan_command(
    likelihood: str = typer.Option("poisson", "--likelihood", help=LIKELIHOOD_HELP),
    betrouwbaarheid: float = typer.Option(0.95, "--betrouwbaarheid", help=CONFIDENCE_HELP),
    materialiteit: str = typer.Option("0.02", "--materialiteit", help=MATERIALITY_HELP),
    verwachte_fouten: float = typer.Option(
        0.0, "--verwachte-fouten", help="Verwachte fouten als deel van de populatie (0.005)."
    ),
    populatie: int | None = typer.Option(
        None, "--populatie", help="Populatieomvang N (regels, of eenheden bij MUS)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Uitkomst als JSON."),
) -> None:
    """Bereken de steekproefomvang (zonder warehouse), zoals planning() in jfa."""
    try:
        result = planning(
            parse_materiality(materialiteit),
            betrouwbaarheid,
            verwachte_fouten,
            likelihood,
            populatie,
        )
    except InvoerFout as exc:
        raise _fail(str(exc)) from None
    text = (
        f"Steekproefomvang n = {result.n} ({likelihood}, {fmt_pct(result.betrouwbaarheid)} "
        f"betrouwbaarheid, materialiteit {fmt_pct(result.materialiteit, 2)}, verwachte fouten "
        f"in de steekproef {fmt_num(result.verwachte_fouten_in_steekproef, 2)}); bovengrens "
        f"bij n: {fmt_pct(result.bovengrens, 3)}."
    )
    _echo(result.to_dict(), as_json, text)


@steekproef_app.command("trek")
def trek_command(
    warehouse: Path = typer.Option(DEFAULT_WAREHOUSE, "--warehouse", help="DuckDB-warehouse."),
    methode: str = typer.Option(
        "mus", "--methode", help="aselect, gestratificeerd, mus (monetary unit) of signalen."
    ),
    strata: str | None = typer.Option(
        None, "--strata", help="Strata: aanbieder, product of ernst (ernst van signalen)."
    ),
    per: str | None = typer.Option(
        None, "--per", help="aanbieder: een eigen steekproef per aanbieder (materiële controle)."
    ),
    allocatie: str = typer.Option(
        "aantal", "--allocatie", help="Verdeling over strata: naar aantal regels of naar bedrag."
    ),
    likelihood: str = typer.Option("poisson", "--likelihood", help=LIKELIHOOD_HELP),
    betrouwbaarheid: float | None = typer.Option(None, "--betrouwbaarheid", help=CONFIDENCE_HELP),
    materialiteit: str | None = typer.Option(None, "--materialiteit", help=MATERIALITY_HELP),
    verwachte_fouten: float = typer.Option(
        0.0, "--verwachte-fouten", help="Verwachte fouten als deel van de populatie (0.005)."
    ),
    aantal: int | None = typer.Option(
        None, "--aantal", help="Steekproefomvang zelf opgeven (per aanbieder bij --per)."
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
        with _warehouse(warehouse) as con:
            default_m, default_c = read_defaults(con, gemeente)
            params = Parameters(
                methode=methode,
                seed=seed,
                betrouwbaarheid=default_c if betrouwbaarheid is None else betrouwbaarheid,
                materialiteit=default_m
                if materialiteit is None
                else parse_materiality(materialiteit),
                verwachte_fout=verwachte_fouten,
                likelihood=likelihood,
                strata=strata,
                per=per,
                allocatie=allocatie,
                aantal=aantal,
                gemeente=gemeente,
                jaar=jaar,
            )
            population = load_population(con, methode, gemeente, jaar)
            steekproef = trek(population, params, read_peildatum(con))
            names = load_names(con)
        target = uit or warehouse.parent / "steekproef" / f"steekproef_{methode}_{seed}.xlsx"
        path = write_excel(steekproef, target, names)
    except InvoerFout as exc:
        raise _fail(str(exc)) from None
    summary = steekproef.summary() | {"bestand": str(path)}
    _echo(summary, as_json, _trek_text(summary))


def _trek_text(s: dict) -> str:
    text = (
        f"Steekproef ({s['methode']}) getrokken: {s['bestand']}\n"
        f"Populatie: {fmt_num(s['populatie_aantal'])} regels, "
        f"{fmt_eur(s['populatie_bedrag_cents'])}; n = {s['n']} ({s['n_regels']} regels); "
        f"seed {s['seed']}."
    )
    if s["interval_cents"] is not None:
        text += f"\nInterval: {fmt_eur(s['interval_cents'])}."
    for g in s.get("per_groep") or []:
        text += (
            f"\n  {g['stratum']}: {fmt_num(g['populatie_aantal'])} regels, "
            f"{fmt_eur(g['populatie_bedrag_cents'])}; {g['trekkingen']} trekkingen "
            f"({g['steekproef_aantal']} regels)"
        )
    return text


@steekproef_app.command("evalueer")
def evalueer_command(
    bestand: Path = typer.Option(..., "--bestand", help="Het ingevulde steekproefbestand (.xlsx)."),
    schatter: str = typer.Option("verschil", "--schatter", help=ESTIMATOR_HELP),
    uit: Path | None = typer.Option(
        None, "--uit", help="Evaluatie in Excel; standaard <bestand>_evaluatie.xlsx."
    ),
    as_json: bool = typer.Option(False, "--json", help="Uitkomst als JSON."),
) -> None:
    """Lees de bevindingen terug: geprojecteerde fout, bovengrens, oordeel, terugvordering."""
    try:
        data = read_excel(bestand)
        result = evaluate(data.findings, data.params, data.strata, data.rounds, schatter)
        target = uit or bestand.with_name(f"{bestand.stem}_evaluatie.xlsx")
        path = write_evaluation(result, target, str(bestand))
    except InvoerFout as exc:
        raise _fail(str(exc)) from None
    _echo(result.to_dict() | {"bestand": str(path)}, as_json, f"{result.oordeel}\n{path}")


@steekproef_app.command("uitbreiden")
def uitbreiden_command(
    bestand: Path = typer.Option(..., "--bestand", help="Het ingevulde steekproefbestand (.xlsx)."),
    warehouse: Path = typer.Option(DEFAULT_WAREHOUSE, "--warehouse", help="DuckDB-warehouse."),
    schatter: str = typer.Option("verschil", "--schatter", help=ESTIMATOR_HELP),
    uit: Path | None = typer.Option(
        None, "--uit", help="Uitgebreid bestand; standaard <bestand>_ronde<r>.xlsx."
    ),
    as_json: bool = typer.Option(False, "--json", help="Samenvatting als JSON."),
) -> None:
    """Trek de extra regels die een steekproef nodig heeft die niet voldoet."""
    try:
        data = read_excel(bestand)
        with _warehouse(warehouse) as con:
            params = data.params
            population = load_population(
                con, params["methode"], params.get("gemeente"), params.get("jaar")
            )
            extended = uitbreiden(data, population, schatter, read_peildatum(con))
            names = load_names(con)
        if extended is None:
            _echo(
                {"uitgebreid": False},
                as_json,
                "De steekproef voldoet al: uitbreiden is niet nodig.",
            )
            return
        target = uit or bestand.with_name(f"{bestand.stem}_ronde{extended.ronde}.xlsx")
        path = write_excel(extended, target, names)
    except InvoerFout as exc:
        raise _fail(str(exc)) from None
    summary = extended.summary() | {"bestand": str(path), "uitgebreid": True}
    extra = int(extended.rounds.filter(extended.rounds["ronde"] == extended.ronde)["n"].sum())
    summary["extra_trekkingen"] = extra
    _echo(summary, as_json, f"{extra} extra trekkingen (ronde {extended.ronde}): {path}")
