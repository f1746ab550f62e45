"""The provider-facing texts of a rule, from its SQL header (`-- title:`, `-- uitleg:`,
`-- actie:`, `-- grondslag:`; lib/sql_header checks that every rule has them)."""

import functools
from dataclasses import dataclass

from declaratiemonitor.lib.sql_header import read_sql_file
from declaratiemonitor.paths import RULES_DIR


@dataclass(frozen=True)
class RuleText:
    rule_id: str
    title: str
    uitleg: str
    actie: str
    grondslag: str


@functools.cache
def rule_texts() -> dict[str, RuleText]:
    texts = {}
    for path in sorted(RULES_DIR.glob("*/*.sql")):
        sql = read_sql_file(path)
        rule_id = f"{path.parent.name}.{path.stem}"
        texts[rule_id] = RuleText(
            rule_id, sql.get("title"), sql.get("uitleg"), sql.get("actie"), sql.get("grondslag")
        )
    return texts


def rule_text(rule_id: str) -> RuleText:
    """The rule's texts; a rule without a file (e.g. one retired since) by its id only."""
    return rule_texts().get(rule_id) or RuleText(rule_id, rule_id, "", "toelichten", "")
