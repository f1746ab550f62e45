"""Errors a user can act on. Their message is Dutch and shown as it is, without a traceback."""


class InvoerFout(Exception):
    """The input (landing folder, file, column, parameter) is not usable as given."""
