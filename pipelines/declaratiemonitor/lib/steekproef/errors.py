"""The steekproef's user error: a Dutch message, shown without a traceback."""

from declaratiemonitor.lib.errors import InvoerFout


class SteekproefFout(InvoerFout):
    """Parameters, population or findings file not usable as given."""
