"""Planted scenarios, one module per rule family; each has `plant(ctx: ScenarioContext)`."""

import importlib
import pkgutil
from collections.abc import Callable

from declaratiemonitor.lib.generate.context import ScenarioContext


def all_planters() -> list[tuple[str, Callable[[ScenarioContext], None]]]:
    out = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        out.append((info.name, module.plant))
    return out
