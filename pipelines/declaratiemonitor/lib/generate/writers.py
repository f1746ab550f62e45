"""Append generated rows per table to one Parquet or CSV file each (chunked, typed)."""

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from declaratiemonitor.lib.contract import TABLES

POLARS_TYPES = {
    "varchar": pl.String,
    "date": pl.Date,
    "timestamp": pl.Datetime("us"),
    "bigint": pl.Int64,
    "double": pl.Float64,
    "boolean": pl.Boolean,
}


def contract_schema(table: str) -> dict[str, pl.DataType]:
    return {c.name: POLARS_TYPES[c.type] for c in TABLES[table].columns}


def conform(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Exactly the contract's columns, in order and typed (text rows are parsed)."""
    schema = contract_schema(table)
    exprs = []
    for name, dtype in schema.items():
        col = pl.col(name) if name in frame.columns else pl.lit(None)
        if name in frame.columns and frame.schema[name] == pl.String and dtype != pl.String:
            col = _parse_text(col, dtype)
        exprs.append(col.cast(dtype).alias(name))
    return frame.select(exprs)


def _parse_text(col: pl.Expr, dtype) -> pl.Expr:
    if dtype == pl.Date:
        return col.str.to_date("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        return col.str.to_datetime(strict=True)
    if dtype == pl.Boolean:
        return col == "true"
    return col


class TableWriters:
    def __init__(self, out: Path, fmt: str) -> None:
        if fmt not in ("parquet", "csv"):
            raise ValueError(f"onbekend formaat {fmt}")
        self.out, self.fmt = out, fmt
        self._parquet: dict[str, pq.ParquetWriter] = {}
        self.counts: dict[str, int] = {}

    def write(self, table: str, frame: pl.DataFrame) -> None:
        frame = conform(table, frame)
        self.counts[table] = self.counts.get(table, 0) + frame.height
        path = self.out / f"{table}.{self.fmt}"
        if self.fmt == "csv":
            first = not path.exists()
            with path.open("a" if not first else "w", encoding="utf-8", newline="") as f:
                frame.write_csv(
                    f,
                    include_header=first,
                    datetime_format="%Y-%m-%dT%H:%M:%S",
                    date_format="%Y-%m-%d",
                )
            return
        arrow = frame.to_arrow()
        if table not in self._parquet:
            self._parquet[table] = pq.ParquetWriter(path, arrow.schema, compression="zstd")
        self._parquet[table].write_table(arrow)

    def close(self) -> None:
        for writer in self._parquet.values():
            writer.close()
        self._parquet.clear()
