"""Names people recognise: a gemeente as "Dordrecht (0505)" (CBS list in data/reference/cbs/),
a provider as "Zorg Voorbeeld (73000002)" (the optional landing table `aanbieders`). A code
without a name is shown as the code itself."""

from declaratiemonitor.lib.names.lookup import (
    Names,
    gemeente_names,
    label,
    load,
    provider_names,
    with_labels,
)

__all__ = ["Names", "gemeente_names", "label", "load", "provider_names", "with_labels"]
