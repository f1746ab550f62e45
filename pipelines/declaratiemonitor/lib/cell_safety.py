"""Formula injection: text that a spreadsheet would run as a formula is neutralised the same way
in every export (review CSV and Excel, steekproef Excel; dashboard.js does the same for the
tables' CSV download).

A text cell that starts with = + - @, a tab, CR, LF or NUL (OWASP "CSV Injection", ASVS 5.0
V1.2.10), or with the full-width ＝ ＋ － ＠ that Excel also accepts, gets a leading apostrophe
in CSV (shown as text, not run) and Excel's quote prefix in xlsx. A plain number ("-12,50")
is left alone: a spreadsheet reads it as a number, not a formula.
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d.,]*")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def neutralise(text: str) -> str:
    """The CSV form: a leading apostrophe before formula-looking text."""
    return "'" + text if looks_like_formula(text) else text


def restore(text: str) -> str:
    """Undo `neutralise` for a value read back from our own export."""
    if text.startswith("'") and looks_like_formula(text[1:]):
        return text[1:]
    return text
