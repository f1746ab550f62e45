"""Command line interface (Dutch help texts). Thin: parse arguments, call the work, report."""

import json
import os
import traceback
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path

import typer

from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.paths import DEMO_DIR

app = typer.Typer(
    help="Declaratiemonitor: controleer Wmo-declaraties tegen toewijzingen en gemeentelijk beleid.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_PEILDATUM = "2026-11-23"


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"Fout: {message}", err=True)
    raise typer.Exit(code)


def user_errors(func: Callable) -> Callable:
    """Bad input ends in one Dutch sentence and exit code 2; a bug in exit code 1 with the
    technical details in a log file, never a traceback on screen."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except InvoerFout as exc:
            fail(str(exc))
        except Exception as exc:  # noqa: BLE001 - the last line of defence for users
            log = Path.cwd() / "declaratiemonitor-fout.log"
            log.write_text(traceback.format_exc(), encoding="utf-8")
            fail(f"onverwachte fout ({type(exc).__name__}). Technische details: {log}", code=1)

    return wrapper


def _parse_date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvoerFout(f"Ongeldige {name} '{value}': gebruik JJJJ-MM-DD.") from None


@app.command()
@user_errors
def generate(
    out: Path = typer.Option(..., "--out", help="Map waarin de landingsbestanden komen."),
    clients: int = typer.Option(2000, "--clients", min=1, help="Aantal cliënten."),
    seed: int = typer.Option(42, "--seed", help="Startwaarde: dezelfde seed geeft dezelfde data."),
    peildatum: str = typer.Option(DEFAULT_PEILDATUM, "--peildatum", help="Peildatum JJJJ-MM-DD."),
    formaat: str = typer.Option("parquet", "--formaat", help="parquet of csv."),
    xml: bool = typer.Option(False, "--xml", help="Toewijzingen en declaraties als iWmo-XML."),
) -> None:
    """Maak een synthetische landingsmap met geplante overtredingen en ground_truth.csv."""
    from declaratiemonitor.lib.generate import generate as run_generate

    if formaat not in ("parquet", "csv"):
        raise InvoerFout(f"Onbekend formaat '{formaat}': kies parquet of csv.")
    try:
        result = run_generate(out, clients, seed, _parse_date(peildatum, "peildatum"), formaat, xml)
    except ValueError as exc:
        raise InvoerFout(str(exc)) from None
    rows = ", ".join(f"{k}: {v:,}".replace(",", ".") for k, v in sorted(result.counts.items()))
    typer.echo(
        f"Landingsmap geschreven: {out} ({rows}); {result.expected} verwachte signalen "
        f"in ground_truth.csv ({result.seconds:.1f} s)."
    )


@app.command()
@user_errors
def run(
    landing: Path = typer.Option(
        ..., "--landing", help="Landingsmap met de aangeleverde bestanden."
    ),
    out: Path = typer.Option(..., "--out", help="Uitvoermap (signalen, quarantaine, dashboards)."),
    warehouse: Path | None = typer.Option(
        None, "--warehouse", help="DuckDB-bestand; standaard OUT/warehouse.duckdb."
    ),
    peildatum: str | None = typer.Option(
        None, "--peildatum", help="Peildatum JJJJ-MM-DD; standaard de laatste dagtekening."
    ),
    xml_processen: int = typer.Option(
        0,
        "--xml-processen",
        min=0,
        help="Processen die XML-berichten lezen; 0 = alle kernen.",
    ),
    xml_opnieuw: bool = typer.Option(
        False,
        "--xml-opnieuw",
        help="Lees alle XML-berichten opnieuw, ook bestanden die sinds de vorige run "
        "niet veranderd zijn.",
    ),
) -> None:
    """Draai de hele pijplijn (Dagster-assets, in dit proces) op een landingsmap."""
    _xml_settings(xml_processen, xml_opnieuw)
    summary = _run(landing, out, warehouse, peildatum)
    _print_summary(summary, out)


def _xml_settings(processen: int, opnieuw: bool) -> None:
    """For the landing/xml step of this run (lib/iwmo/cache.settings_from_env)."""
    from declaratiemonitor.lib.iwmo.cache import REPARSE_ENV, WORKERS_ENV

    if processen:
        os.environ[WORKERS_ENV] = str(processen)
    if opnieuw:
        os.environ[REPARSE_ENV] = "1"


def _run(landing: Path, out: Path, warehouse: Path | None, peildatum: str | None) -> dict:
    from declaratiemonitor.pipeline import run_pipeline

    if peildatum:
        _parse_date(peildatum, "peildatum")
    if not landing.is_dir():
        raise InvoerFout(f"Landingsmap bestaat niet: {landing}")
    run_pipeline(landing, out, warehouse, peildatum)
    return json.loads((out / "run_summary.json").read_text(encoding="utf-8"))


def _euro(cents: int) -> str:
    text = f"{cents / 100:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {text}"


def _print_summary(summary: dict, out: Path) -> None:
    typer.echo(f"Peildatum: {summary['peildatum']}")
    for name, t in summary["tabellen"].items():
        if t["gelezen"] or t.get("bestanden"):
            typer.echo(
                f"  {name:<22} gelezen {t['gelezen']:>9}  geland {t['geland']:>9}  "
                f"quarantaine {t['quarantaine']:>6}"
            )
            for note in t.get("opmerkingen", []):
                typer.echo(f"      {note}")
    total, paid = summary["impact_cents_totaal"], summary["impact_betaald_cents_totaal"]
    typer.echo(
        f"Signalen: {summary['signalen_totaal']} (financieel belang {_euro(total)}, "
        f"waarvan niet afgewezen {_euro(paid)}, al afgewezen door de gemeente "
        f"{_euro(total - paid)})"
    )
    for rule, r in summary["regels"].items():
        if r["signalen"]:
            typer.echo(
                f"  {rule:<45} {r['signalen']:>6}  {_euro(r['impact_cents'])}"
                f"  (niet afgewezen {_euro(r.get('impact_betaald_cents', r['impact_cents']))})"
            )
    _print_leakage(summary)
    _print_not_judged(summary)
    typer.echo(f"Signalen:    {out / 'signals.parquet'}")
    typer.echo(f"Quarantaine: {out / 'quarantine'}")
    index = out / "dashboards" / "index.html"
    if index.exists():
        typer.echo(f"Dashboards:  {index}")
    packs = sorted((out / "aanbieders").glob(f"terugkoppeling_*_{summary['peildatum']}.html"))
    if packs:
        typer.echo(
            f"Terugkoppeling: {out / 'aanbieders'} ({len(packs)} aanbieders met nieuwe signalen)"
        )


def _print_leakage(summary: dict) -> None:
    """Integriteit findings the back office paid anyway (the formal control leaked)."""
    leaks = {
        rule: r
        for rule, r in summary.get("afhandeling", {}).get("lekkage_per_regel", {}).items()
        if r.get("gesignaleerd_betaald")
    }
    if leaks:
        lines = sum(r["gesignaleerd_betaald"] for r in leaks.values())
        money = sum(r["lekkage_cents"] for r in leaks.values())
        typer.echo(
            f"Gesignaleerd en toch betaald (lekkage): {lines} declaratieregels, {_euro(money)} "
            f"bij {len(leaks)} integriteitsregels (zie dashboard Datakwaliteit)"
        )


def _print_not_judged(summary: dict) -> None:
    """Rules that did not run because a table they read was (nearly) all quarantined."""
    for table, why in summary.get("onbruikbare_tabellen", {}).items():
        rules = [r for r, reason in summary["niet_beoordeeld"].items() if table in reason]
        typer.echo(f"Let op: {why}.", err=True)
        if rules:
            typer.echo(f"  niet beoordeeld: {table} onbruikbaar — {', '.join(rules)}", err=True)


@app.command()
@user_errors
def demo(
    clients: int = typer.Option(3000, "--clients", min=1, help="Aantal cliënten."),
    seed: int = typer.Option(42, "--seed", help="Startwaarde voor de synthetische data."),
) -> None:
    """Genereer voorbeelddata en draai de pijplijn in data/demo/; toont waar de uitvoer staat."""
    from declaratiemonitor.lib.generate import generate as run_generate

    landing, out = DEMO_DIR / "landing", DEMO_DIR / "out"
    result = run_generate(landing, clients, seed, date.fromisoformat(DEFAULT_PEILDATUM))
    typer.echo(
        f"Synthetische data: {landing} ({result.counts.get('declaraties', 0)} declaratieregels)"
    )
    summary = _run(landing, out, None, DEFAULT_PEILDATUM)
    _print_summary(summary, out)


def main() -> None:
    """The `declaratiemonitor` command: the Typer app, then a quick exit (lib/process.py)."""
    from declaratiemonitor.lib.process import exit_now

    try:
        app(prog_name="declaratiemonitor")
    except SystemExit as exc:
        exit_now(exc.code)
    exit_now(0)


if __name__ == "__main__":
    main()


# Subcommands live in their own modules and register themselves on `app`.
from declaratiemonitor import cli_aanbieder, cli_bench, cli_review, cli_steekproef  # noqa: E402

app.command()(cli_bench.bench)
app.add_typer(cli_steekproef.steekproef_app, name="steekproef")
app.add_typer(cli_review.review_app, name="review")
app.add_typer(cli_aanbieder.aanbieder_app, name="aanbieder")
