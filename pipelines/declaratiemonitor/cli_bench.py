"""`declaratiemonitor bench`: the benchmark of docs/performance.md (Dutch help texts).

Registered in cli.py with: app.command()(cli_bench.bench)
"""

from datetime import date
from pathlib import Path

import typer

from declaratiemonitor.lib.errors import InvoerFout


def bench(
    claims: int = typer.Option(
        1_000_000, "--claims", min=1, help="Aantal declaratieregels (eenmalig gegenereerd)."
    ),
    seed: int = typer.Option(1, "--seed", help="Startwaarde van de benchmarkdata."),
    peildatum: str = typer.Option("2026-11-23", "--peildatum", help="Peildatum JJJJ-MM-DD."),
    map_: Path | None = typer.Option(
        None, "--map", help="Map voor de benchmarkdata (standaard data/bench/)."
    ),
    geheugen: str | None = typer.Option(
        None,
        "--geheugen",
        help="Geheugenlimiet voor DuckDB, bv. 5GB (grote runs: DuckDB schrijft dan naar schijf).",
    ),
    zonder_pandas: bool = typer.Option(
        False, "--zonder-pandas", help="Sla de pandas-vergelijking over (bv. bij 100 M regels)."
    ),
    herhalingen: int = typer.Option(3, "--herhalingen", min=1, help="Metingen van de vloer."),
    xml: bool = typer.Option(
        False,
        "--xml",
        help="Meet de XML-stap: eerste run, herhaling zonder en met een maand nieuwe berichten, "
        "tegen de lxml-vloer (iWmo-berichten, eenmalig gegenereerd).",
    ),
    clienten: int = typer.Option(
        10_000, "--clienten", min=1, help="Met --xml: aantal cliënten van de berichten."
    ),
    xml_processen: int = typer.Option(
        0, "--xml-processen", min=0, help="Met --xml: processen die XML lezen; 0 = alle kernen."
    ),
) -> None:
    """Meet de hele pijplijn per stap (wandtijd, piekgeheugen, regels/s) tegen kale DuckDB en
    pandas; de data wordt eenmalig gemaakt en bewaard."""
    from declaratiemonitor.lib.bench.data import BENCH_DIR
    from declaratiemonitor.lib.bench.measure import ChildFailed
    from declaratiemonitor.lib.bench.report import format_report, run_bench

    try:
        day = date.fromisoformat(peildatum)
    except ValueError:
        raise InvoerFout(f"Ongeldige peildatum '{peildatum}': gebruik JJJJ-MM-DD.") from None
    if xml:
        _bench_xml(clienten, seed, day, map_ or BENCH_DIR, xml_processen or None)
        return
    try:
        report = run_bench(
            claims,
            seed,
            day,
            map_ or BENCH_DIR,
            floor_repeats=herhalingen,
            memory_limit=geheugen,
            with_pandas=not zonder_pandas,
            log=lambda text: typer.echo(text, err=True),
        )
    except ChildFailed as exc:
        typer.echo(f"Fout: een benchmarkonderdeel faalde: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(format_report(report))
    if report.comparison and not report.signals_equal:
        typer.echo("Fout: pandas en de pijplijn geven niet dezelfde signalen.", err=True)
        raise typer.Exit(1)


def _bench_xml(clients: int, seed: int, day: date, root: Path, workers: int | None) -> None:
    from declaratiemonitor.lib.bench.measure import ChildFailed
    from declaratiemonitor.lib.bench.xml_report import format_xml_report, run_xml_bench

    try:
        report = run_xml_bench(
            clients, seed, day, root, workers, log=lambda t: typer.echo(t, err=True)
        )
    except (ChildFailed, RuntimeError) as exc:
        typer.echo(f"Fout: een benchmarkonderdeel faalde: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(format_xml_report(report))
    if not report.signals_equal:
        typer.echo("Fout: de herhaling geeft andere signalen dan een volledige run.", err=True)
        raise typer.Exit(1)
