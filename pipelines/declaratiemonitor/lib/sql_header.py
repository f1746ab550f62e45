"""Parse the metadata header of a rule or model SQL file (`-- key: value` lines at the top)."""

from dataclasses import dataclass, field
from pathlib import Path

# uitleg / actie / grondslag: one line each in Dutch for the provider (feedback pack, lib/pack)
REQUIRED_RULE_KEYS = (
    "rule",
    "title",
    "source",
    "severity",
    "reads",
    "uitleg",
    "actie",
    "grondslag",
)
SEVERITIES = ("hoog", "midden", "laag")
ACTIES = ("crediteren", "toelichten", "corrigeren en opnieuw declareren")


@dataclass(frozen=True)
class SqlFile:
    path: Path
    header: dict[str, str]
    body: str
    reads: list[str] = field(default_factory=list)

    def get(self, key: str, default: str = "") -> str:
        return self.header.get(key, default)


def read_sql_file(path: Path) -> SqlFile:
    header: dict[str, str] = {}
    body_lines: list[str] = []
    key = None
    in_header = True
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if in_header and stripped.startswith("--"):
            raw = stripped[2:]
            text = raw.strip()
            head, sep, value = text.partition(":")
            # `-- key: value`; an indented line (`--   more text`) continues the value, also
            # when it starts with "word:"
            if sep and head.isidentifier() and not raw.startswith("  "):
                key = head
                header[key] = value.strip()
            elif key and text:
                header[key] += " " + text
            continue
        if in_header and not stripped:
            continue
        in_header = False
        body_lines.append(line)
    reads = [r.strip() for r in header.get("reads", "").split(",") if r.strip()]
    body = "\n".join(body_lines).strip().rstrip(";")
    return SqlFile(path, header, body, reads)


def rule_problems(sql: SqlFile, expected_id: str) -> list[str]:
    """What is wrong with a rule file's header (empty list = fine)."""
    problems = [f"header mist '{k}'" for k in REQUIRED_RULE_KEYS if not sql.get(k)]
    if sql.get("rule") and sql.get("rule") != expected_id:
        problems.append(f"rule '{sql.get('rule')}' past niet bij het pad ({expected_id})")
    if sql.get("severity") and sql.get("severity") not in SEVERITIES:
        problems.append(f"severity '{sql.get('severity')}' is niet hoog/midden/laag")
    if sql.get("actie") and sql.get("actie") not in ACTIES:
        problems.append(f"actie '{sql.get('actie')}' is niet {' / '.join(ACTIES)}")
    return problems
