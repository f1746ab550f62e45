"""Planted scenarios, one module per rule family; each has `plant(ctx: ScenarioContext)`."""

import importlib
import pkgutil
from collections.abc import Callable

from declaratiemonitor.lib.generate.context import ScenarioContext


def all_planters() -> list[tuple[str, Callable[[ScenarioContext], None]]]:
    """In name order; a module with PLANT_LAST = True after the others (it answers what they
    planted, as scenarios/afhandeling.py does)."""
    modules = [
        (info.name, importlib.import_module(f"{__name__}.{info.name}"))
        for info in pkgutil.iter_modules(__path__)
    ]
    modules.sort(key=lambda m: (getattr(m[1], "PLANT_LAST", False), m[0]))
    return [(name, module.plant) for name, module in modules]
