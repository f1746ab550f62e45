"""The only place where repository paths live."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]
SQL_DIR = REPO_ROOT / "sql"
RULES_DIR = SQL_DIR / "rules"
MODELS_DIR = SQL_DIR / "models"
STAGING_SQL_DIR = SQL_DIR / "staging"
MACROS_SQL = SQL_DIR / "macros.sql"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
DASHBOARDS_DIR = REPO_ROOT / "dashboards"
DATA_DIR = REPO_ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEMO_DIR = DATA_DIR / "demo"
