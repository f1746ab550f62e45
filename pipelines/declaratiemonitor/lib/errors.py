"""Errors a user can act on. Their message is Dutch and shown as it is, without a traceback."""


class InvoerFout(Exception):
    """The input (landing folder, file, column, parameter) is not usable as given."""


def user_error_in(exc: BaseException) -> InvoerFout | None:
    """The InvoerFout behind an exception (Dagster wraps the ones raised inside assets)."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, InvoerFout):
            return e
        stack += [e.__cause__, e.__context__]
        user_exc = getattr(e, "user_exception", None)
        if isinstance(user_exc, BaseException):
            stack.append(user_exc)
    return None
