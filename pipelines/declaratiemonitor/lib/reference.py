"""Reference data: the repo's defaults per municipality, overridden by the landing folder.

A landing file `producten.csv` (or vervoer_staffels, stapelregels) replaces the repo's rows of
the gemeenten it names; `regelparameters.yaml` in the landing folder is merged over the repo's.
"""

from pathlib import Path

import duckdb
import polars as pl
import yaml

from declaratiemonitor.lib.contract import Table
from declaratiemonitor.lib.errors import InvoerFout

PARAMS_FILE = "regelparameters.yaml"


def repo_files(reference_dir: Path, table: Table) -> list[Path]:
    return sorted(reference_dir.glob(f"*/{table.name}.csv"))


def drop_overridden(con: duckdb.DuckDBPyConnection, table: Table, repo_prefix: str) -> None:
    """Remove repo rows for gemeenten that the landing folder's own file covers."""
    con.execute(
        f"""delete from landing.{table.name}
            where _bron like ? || '%' and gemeente_code in (
                select gemeente_code from landing.{table.name} where _bron not like ? || '%')""",
        [repo_prefix, repo_prefix],
    )


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InvoerFout(f"{path.name} is geen geldige YAML: {exc}") from None
    if not isinstance(data, dict):
        raise InvoerFout(f"{path.name} moet een `default`- en/of `gemeenten`-blok bevatten.")
    return data


def load_parameters(reference_dir: Path, landing_dir: Path | None) -> tuple[dict, dict]:
    """(defaults, overrides per gemeente) from the repo files, then the landing file."""
    files = sorted(reference_dir.glob(f"*/{PARAMS_FILE}"))
    if landing_dir is not None and (landing_dir / PARAMS_FILE).exists():
        files.append(landing_dir / PARAMS_FILE)
    defaults: dict = {}
    overrides: dict[str, dict] = {}
    for path in files:
        data = _read_yaml(path)
        defaults.update(data.get("default") or {})
        for code, values in (data.get("gemeenten") or {}).items():
            overrides.setdefault(str(code).zfill(4), {}).update(values or {})
    if not defaults:
        raise InvoerFout("Geen standaardwaarden voor regelparameters gevonden (default-blok).")
    check_known(defaults, overrides)
    return defaults, overrides


def check_known(defaults: dict, overrides: dict) -> None:
    for code, values in overrides.items():
        unknown = sorted(set(values) - set(defaults))
        if unknown:
            raise InvoerFout(
                f"Onbekende regelparameter(s) voor gemeente {code}: {', '.join(unknown)}. "
                f"Bekend zijn: {', '.join(sorted(defaults))}."
            )


def parameters_frame(defaults: dict, overrides: dict, gemeenten: list[str]) -> pl.DataFrame:
    """One row per gemeente with every parameter; defaults merged in."""
    codes = sorted(set(gemeenten) | set(overrides))
    rows = [{"gemeente_code": c, **defaults, **overrides.get(c, {})} for c in codes]
    schema = {"gemeente_code": pl.String} | {k: _dtype(v) for k, v in defaults.items()}
    try:
        return pl.DataFrame(rows, schema=schema, orient="row" if not rows else None)
    except (TypeError, ValueError, pl.exceptions.PolarsError) as exc:
        raise InvoerFout(f"Een regelparameter heeft een onverwacht type: {exc}") from None


def _dtype(value) -> type[pl.DataType]:
    if isinstance(value, bool):
        return pl.Boolean
    if isinstance(value, int | float) or value is None:
        return pl.Float64
    return pl.String
