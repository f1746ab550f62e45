"""Dutch number formats for messages (same output as the SQL macros fmt_eur / fmt_num)."""

from decimal import ROUND_HALF_UP, Decimal


def fmt_num(x: float, decimals: int = 0) -> str:
    q = Decimal(1).scaleb(-decimals)
    value = Decimal(str(x)).quantize(q, rounding=ROUND_HALF_UP)
    text = f"{abs(value):,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"-{text}" if value < 0 else text


def fmt_eur(cents: float) -> str:
    return "€ " + fmt_num(cents / 100, 2)


def fmt_pct(fraction: float, decimals: int = 1) -> str:
    return fmt_num(fraction * 100, decimals) + " %"
