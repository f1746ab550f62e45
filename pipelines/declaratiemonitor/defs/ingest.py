"""landing/* -> staging/*: read the landing folder (CSV, Parquet, XML) and the reference data."""

from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from declaratiemonitor.defs.resources import PipelineSettings, warehouse
from declaratiemonitor.lib import ingest, landing, reference, staging
from declaratiemonitor.lib.contract import DATA_TABLES, REFERENCE_TABLES, Table
from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.operations import incremental
from declaratiemonitor.lib.timing import timed_step
from declaratiemonitor.lib.warehouse import scalar

XML_TABLES = ("toewijzingen", "declaraties", "zorgmeldingen", "declaratie_antwoorden")


@dg.asset(
    key=["landing", "xml"],
    group_name="landing",
    kinds={"xml", "duckdb"},
    description="iWmo/iJw 3.2-berichten (301, 323, 325, 305, 307) uit landing/xml/, veilig "
    "gelezen.",
)
def landing_xml(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: PipelineSettings
) -> dg.MaterializeResult:
    from declaratiemonitor.lib.iwmo import cache

    workers, reparse = cache.settings_from_env()
    with warehouse(duckdb) as con, timed_step(con, "landing/xml"):
        ingest.ensure_meta(con)
        done = cache.refresh(con, settings.landing / "xml", workers, reparse)
        _quarantine_whole_messages(con)
    context.log.info(
        f"XML: {done.files} bestanden, {done.parsed} gelezen ({done.fast} snel), "
        f"{done.kept + done.same_content} ongewijzigd, {done.removed} verdwenen; "
        f"{done.rows} rijen, {done.rejected} afgewezen"
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": done.rows,
            "afgewezen": done.rejected,
            "bestanden": done.files,
            "gelezen": done.parsed,
            "ongewijzigd": done.kept + done.same_content,
            "verdwenen": done.removed,
            "processen": done.workers,
            "alles_opnieuw": done.full,
            "megabytes": round(done.megabytes, 1),
            "gelezen_megabytes": round(done.parsed_megabytes, 1),
            "snel_gelezen": done.fast,
            "lezen_seconden": round(done.seconds.get("lezen", 0.0), 3),
            "lezen_cpu_seconden": round(done.read_cpu_seconds, 3),
            "parallel": done.parallel,
            "gelezen_rijen": done.parsed_rows,
        }
    )


def _quarantine_whole_messages(con) -> None:
    """Messages rejected as a whole (unsafe, not well-formed, wrong version or type) are not
    rows of one table: they are quarantined and counted under the pseudo-table `xml`."""
    con.execute("delete from staging.quarantine where tabel = 'xml'")
    con.execute(
        f"""insert into staging.quarantine
            select 'xml', 'xml/' || _bron, _regel, reden, null from landing.xml_afgewezen
            where tabel not in ({", ".join(f"'{t}'" for t in XML_TABLES)})"""
    )
    n = scalar(con, "select count(*) from staging.quarantine where tabel = 'xml'")
    con.execute("delete from meta.tabel_tellingen where tabel = 'xml'")
    if n:
        con.execute(
            "insert into meta.tabel_tellingen values ('xml', [], ?, 0, ?, "
            "['berichten die als geheel zijn afgewezen'])",
            [n, n],
        )


def _xml_rows_into_landing(con, table: Table) -> int:
    if table.name not in XML_TABLES:
        return 0
    base = scalar(con, f"select coalesce(max(_volgnr), 0) from landing.{table.name}")
    cols = ", ".join(table.column_names)
    con.execute(
        f"""insert into landing.{table.name}
            select {cols}, 'xml/' || _bron, _regel, {base} + row_number() over ()
            from landing.xml_{table.name}"""
    )
    con.execute(
        f"""insert into landing.{table.name}__afgewezen
            select 'xml/' || _bron, _regel, reden from landing.xml_afgewezen where tabel = ?""",
        [table.name],
    )
    return scalar(con, f"select count(*) from landing.xml_{table.name}") + scalar(
        con, "select count(*) from landing.xml_afgewezen where tabel = ?", [table.name]
    )


def _landing_asset(table: Table) -> dg.AssetsDefinition:
    deps = [dg.AssetKey(["landing", "xml"])] if table.name in XML_TABLES else []

    @dg.asset(
        key=["landing", table.name],
        group_name="landing",
        deps=deps,
        kinds={"duckdb", "csv", "parquet"},
        description=f"Ruwe rijen van {table.name} (alle kolommen als tekst, met bron en regel).",
    )
    def _asset(duckdb: DuckDBResource, settings: PipelineSettings) -> dg.MaterializeResult:
        with warehouse(duckdb) as con, timed_step(con, f"landing/{table.name}"):
            ingest.ensure_meta(con)
            xml_rows = 0
            if single := _single_parquet(con, table, settings.landing):
                stats = landing.create_landing_view(con, table, single, settings.landing)
            else:
                landing.create_landing_table(con, table)
                stats = _load_sources(con, table, settings.landing)
                xml_rows = _xml_rows_into_landing(con, table)
            if table.required_file and not stats.files and not xml_rows:
                raise InvoerFout(
                    f"Verplicht bestand ontbreekt: {settings.landing / table.name}.csv "
                    f"(of .parquet, of XML-berichten in {settings.landing / 'xml'})."
                )
            # what the files hold by a count that does not trust the reader (lib/tabular):
            # a line a reader loses leaves read > landed + quarantined (run_summary `sluitend`)
            read = stats.expected + xml_rows
            con.execute(
                "insert or replace into meta.tabel_tellingen values (?, ?, ?, null, null, ?)",
                [table.name, stats.files, read, stats.notes],
            )
            ingest.record_readings(con, table.name, stats.readings)
        return dg.MaterializeResult(
            metadata={"dagster/row_count": read, "bestanden": ", ".join(stats.files) or "-"}
        )

    return _asset


def _single_parquet(con, table: Table, landing_dir: Path) -> Path | None:
    """The table's only source when that is one Parquet file: it is then landed as a view
    (no copy). Reference tables (merged with the repo's rows) and tables with XML rows, which
    are appended, get a table."""
    if table.reference or not landing_dir.is_dir():
        return None
    files = landing.table_files(landing_dir, table)
    if len(files) != 1 or files[0].suffix != ".parquet":
        return None
    if table.name in XML_TABLES and scalar(
        con,
        f"select (select count(*) from landing.xml_{table.name}) "
        "+ (select count(*) from landing.xml_afgewezen where tabel = ?)",
        [table.name],
    ):
        return None
    return files[0]


def _load_sources(con, table: Table, landing_dir: Path) -> landing.LandingStats:
    if not landing_dir.is_dir():
        raise InvoerFout(f"Landingsmap bestaat niet: {landing_dir}")
    own = landing.table_files(landing_dir, table)
    if not table.reference:
        return landing.load_files(con, table, own, landing_dir)
    stats = ingest.load_repo_reference(con, table)
    own_stats = landing.load_files(con, table, own, landing_dir)
    reference.drop_overridden(con, table, ingest.REPO_PREFIX)
    replaced = (
        stats.rows + own_stats.rows - scalar(con, f"select count(*) from landing.{table.name}")
    )
    notes = stats.notes + own_stats.notes
    if replaced:
        notes.append(f"{replaced} standaardrijen vervangen door de landingsmap")
    return landing.LandingStats(
        stats.files + own_stats.files,
        stats.rows + own_stats.rows - replaced,
        stats.unreadable + own_stats.unreadable,
        notes,
        stats.expected + own_stats.expected - replaced,
        stats.readings + own_stats.readings,
    )


def _staging_asset(table: Table) -> dg.AssetsDefinition:
    monthly = table.name in incremental.MONTH_COLUMNS
    description = f"Getypeerde, gevalideerde rijen van {table.name}; rest naar quarantaine."
    if monthly:
        description += " Per declaratiemaand: alleen gewijzigde maanden worden opnieuw geladen."

    @dg.asset(
        key=["staging", table.name],
        group_name="staging",
        deps=[dg.AssetKey(["landing", table.name])],
        kinds={"duckdb"},
        description=description,
    )
    def _asset(duckdb: DuckDBResource) -> dg.MaterializeResult:
        metadata = {}
        with warehouse(duckdb) as con, timed_step(con, f"staging/{table.name}"):
            if monthly:
                load = incremental.stage_by_month(con, table)
                landed, quarantined = load.landed, load.quarantined
                metadata = {
                    "maanden_geladen": ", ".join(load.loaded_months) or "-",
                    "maanden_ongewijzigd": load.kept_months,
                    "volledig_geladen": load.full,
                }
            else:
                landed, quarantined = staging.stage_table(con, table)
            if table.name == "toewijzingen":
                ingest.keep_latest_allocation(con)
            if table.name == "declaratie_antwoorden":  # the codes' meaning, for the models
                ingest.load_retourcodes(con)
            con.execute(
                "update meta.tabel_tellingen set geland = ?, quarantaine = ? where tabel = ?",
                [landed, quarantined, table.name],
            )
        return dg.MaterializeResult(
            metadata={"dagster/row_count": landed, "quarantaine": quarantined, **metadata}
        )

    return _asset


@dg.asset(
    key=["staging", "regelparameters"],
    group_name="staging",
    deps=[dg.AssetKey(["staging", t]) for t in ("toewijzingen", "declaraties", "producten")],
    kinds={"duckdb", "yaml"},
    description="Regelparameters per gemeente: standaardwaarden met de gemeentelijke afwijkingen.",
)
def regelparameters(duckdb: DuckDBResource, settings: PipelineSettings) -> dg.MaterializeResult:
    with warehouse(duckdb) as con:
        rows = ingest.build_parameters(con, settings.landing)
    return dg.MaterializeResult(metadata={"dagster/row_count": rows})


@dg.asset(
    key=["meta", "run_context"],
    group_name="staging",
    deps=[dg.AssetKey(["staging", "declaraties"])],
    kinds={"duckdb"},
    description="Peildatum van de run: opgegeven, of de laatste declaratie_dagtekening.",
)
def run_context(duckdb: DuckDBResource, settings: PipelineSettings) -> dg.MaterializeResult:
    with warehouse(duckdb) as con:
        peildatum = ingest.set_run_context(con, settings.peildatum_value())
    return dg.MaterializeResult(metadata={"peildatum": str(peildatum)})


landing_assets = [_landing_asset(t) for t in DATA_TABLES + REFERENCE_TABLES]
staging_assets = [_staging_asset(t) for t in DATA_TABLES + REFERENCE_TABLES]
