"""The 325 (declaratie-antwoord) as a whole: when it is a row of its own, and with which codes.

A 325 lists only the rejected prestaties of the answered 323 (TR342); each becomes a row with
its own retourcodes. The answer itself becomes a row without referentie_nummer when it lists no
prestatie (nothing rejected: every line of the 323 is accepted) or when its Header or
DeclaratieAntwoord carries a code other than 0200 (the answer as a whole has a remark; a
rejection there rejects the whole 323 and its prestaties are then not listed, TR342). That row's
retourcodes are the Header's and the DeclaratieAntwoord's codes without 0200, or `0200` when
there is no other.
"""

from declaratiemonitor.lib.iwmo.standard import LIST_SEPARATOR

NO_REMARK = "0200"  # WJ001: geen opmerking over deze berichtklasse
ANSWER_REGEL = "/Bericht/DeclaratieAntwoord"


def codes_of(*joined: str | None) -> list[str]:
    """The distinct codes of `;`-joined values, in order."""
    codes = [c for value in joined if value for c in value.split(LIST_SEPARATOR) if c]
    return list(dict.fromkeys(codes))


def answer_codes(header_codes: str | None, answer_codes_: str | None) -> str | None:
    codes = codes_of(header_codes, answer_codes_)
    remarks = [c for c in codes if c != NO_REMARK]
    return LIST_SEPARATOR.join(remarks or codes) or None


def is_row(listed_prestaties: int, codes: str | None) -> bool:
    """True when the answer as a whole is a row (see the module text)."""
    return listed_prestaties == 0 or codes_of(codes) not in ([], [NO_REMARK])


def unanswered_reason(header_codes: str | None) -> str:
    shown = ", ".join(codes_of(header_codes)) or "geen"
    return (
        "Declaratie-antwoord (325) zonder DeclaratieAntwoord: het bericht noemt geen "
        "DeclaratieNummer en kan aan geen declaratie worden gekoppeld (retourcodes in de "
        f"Header: {shown}); het antwoord is niet verwerkt."
    )
