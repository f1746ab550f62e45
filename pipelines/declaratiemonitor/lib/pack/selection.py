"""What goes into a feedback pack: one provider, optionally one gemeente, a start date and the
signal statuses (as the review export: by default the signals still to be judged)."""

import re
from dataclasses import dataclass
from datetime import date

from declaratiemonitor.lib.errors import InvoerFout
from declaratiemonitor.lib.operations.review_export import OPEN_STATUSES

STATUSES = (*OPEN_STATUSES, "terecht", "onterecht")


@dataclass(frozen=True)
class Selection:
    aanbieder: str
    gemeente: str | None = None
    vanaf: date | None = None  # signals whose period ends on or after it (or is still open)
    statuses: tuple[str, ...] = OPEN_STATUSES

    def describe(self) -> str:
        """The selection in Dutch, e.g. for a message that nothing matched."""
        parts = [f"status {', '.join(s.replace('_', ' ') for s in self.statuses)}"]
        if self.gemeente:
            parts.append(f"gemeente {self.gemeente}")
        if self.vanaf:
            parts.append(f"periode tot of na {self.vanaf:%d-%m-%Y}")
        return "; ".join(parts)


def check_agb(agb: str) -> str:
    agb = agb.strip()
    if not re.fullmatch(r"[0-9]{8}", agb):
        raise InvoerFout(f"Ongeldige AGB-code '{agb}': verwacht 8 cijfers, bijv. 73000002.")
    return agb


def check_gemeente(code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip()
    if not re.fullmatch(r"[0-9]{4}", code):
        raise InvoerFout(f"Ongeldige gemeentecode '{code}': verwacht 4 cijfers (CBS), bijv. 0505.")
    return code


def parse_statuses(text: str | None) -> tuple[str, ...]:
    """'open,nieuw' -> ('nieuw', 'open') in the order of STATUSES; empty -> the open ones."""
    if not text or not text.strip():
        return OPEN_STATUSES
    given = [s.strip().lower().replace(" ", "_") for s in text.split(",") if s.strip()]
    unknown = [s for s in given if s not in STATUSES]
    if unknown:
        shown = ", ".join(repr(s) for s in unknown)
        raise InvoerFout(f"Onbekende status {shown}: kies uit {', '.join(STATUSES)}.")
    return tuple(s for s in STATUSES if s in given)
