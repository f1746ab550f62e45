"""What the back office did with the claims (325 answers), counted for run_summary.json and the
dashboards. The line and signal readings live in SQL: sql/models/antwoorden.sql,
afgewezen_regels.sql, declaratie_afhandeling.sql and sql/signals/ (signaal_regels, afhandeling,
lekkage)."""

from declaratiemonitor.lib.afhandeling.summary import summary

__all__ = ["summary"]
