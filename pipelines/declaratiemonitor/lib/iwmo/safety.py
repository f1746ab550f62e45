"""Safety limits and checks applied before and while a message is parsed.

The parser itself never expands entities, never loads a DTD and never touches the network
(see `new_parser`). On top of that, any DOCTYPE or ENTITY declaration rejects the whole file
before libxml2 sees it, so entity tricks (external entities, "billion laughs", parameter
entities in an internal subset) never reach the parser at all.
"""

import re
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree


@dataclass
class Limits:
    max_file_bytes: int = 1 << 30  # 1 GiB; a larger file is rejected unread
    max_depth: int = 20  # the deepest element in a 3.2 message is at depth 8
    max_value_chars: int = 4096  # longest text kept for one mapped element
    max_prolog_bytes: int = 1 << 20  # the root element must open within this many bytes
    chunk_bytes: int = 1 << 16  # bytes fed to the parser at a time
    flush_rows: int = 5_000  # rows buffered in Python lists before they become Arrow


LIMITS = Limits()
SNIFF_BYTES = 512  # the root start tag normally sits in the first few hundred bytes

_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_LOOKBEHIND = max(len(f) for f in _FORBIDDEN) - 1
_DECL_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']")
# ASCII-compatible encodings only: the DOCTYPE scan works on raw bytes.
_ENCODINGS = {
    "utf-8",
    "utf8",
    "us-ascii",
    "ascii",
    "iso-8859-1",
    "latin1",
    "iso-8859-15",
    "windows-1252",
    "cp1252",
}
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


class XmlRejected(Exception):
    """The file is rejected as a whole: the message is the Dutch reason, `regel` the element
    path where the problem showed."""

    def __init__(self, reden: str, regel: str = "/") -> None:
        super().__init__(reden)
        self.regel = regel


# Every parser of the package: no entity expansion, no DTD, no network, libxml2's own limits
# (huge_tree=False: depth 256, 10 MB per text node), comments and processing instructions
# dropped, whitespace-only text between elements dropped.
PARSER_SETTINGS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    "remove_blank_text": True,
    "collect_ids": False,
}


def new_parser(tags: list[str] | None = None, events=("start", "end")) -> etree.XMLPullParser:
    """A pull parser that cannot expand entities, load a DTD or reach the network."""
    return etree.XMLPullParser(events=events, tag=tags, **PARSER_SETTINGS)


def new_tree_parser() -> etree.XMLParser:
    """The same settings for a file parsed as a whole (the fast path, for small files)."""
    return etree.XMLParser(**PARSER_SETTINGS)


def sniff_root(f: BinaryIO) -> tuple[str | None, list[bytes]]:
    """The root element's tag, read from the start of `f`, and the bytes read so far.

    Checks the encoding and rejects any DOCTYPE/ENTITY declaration before libxml2 sees it.
    """
    guard, parser, head = PrologGuard(), new_parser(events=("start",)), []
    while sum(len(c) for c in head) < LIMITS.max_prolog_bytes:
        chunk = f.read(SNIFF_BYTES)
        if not chunk:
            return None, head
        if not head:
            check_encoding(chunk)
        guard.check(chunk)
        head.append(chunk)
        root = _first_start(parser, chunk)
        if root is not None:
            check_docinfo(root)
            return root.tag, head
    limit_mb = LIMITS.max_prolog_bytes // 2**20
    raise XmlRejected(
        f"Geen root-element gevonden in de eerste {limit_mb} MB; het bestand is niet gelezen."
    )


def _first_start(parser: etree.XMLPullParser, chunk: bytes) -> etree._Element | None:
    try:
        parser.feed(chunk)
    except etree.XMLSyntaxError as exc:
        for _, elem in parser.read_events():
            return elem  # the main parser meets the error again and reports it in context
        raise XmlRejected(
            f"Geen geldige XML vóór het root-element ({exc.msg}); het bestand is niet gelezen."
        ) from None
    for _, elem in parser.read_events():
        return elem
    return None


def check_encoding(first_chunk: bytes) -> None:
    if first_chunk.startswith(_WIDE_BOMS) or b"\x00" in first_chunk[:4]:
        raise XmlRejected(
            "Tekencodering niet ondersteund: alleen UTF-8 (of ASCII-compatibel) is toegestaan."
        )
    m = _DECL_ENCODING.match(first_chunk)
    if m and m.group(1).decode("ascii", "replace").lower() not in _ENCODINGS:
        raise XmlRejected(
            f"Tekencodering '{m.group(1).decode('ascii', 'replace')}' niet ondersteund: "
            "alleen UTF-8 is toegestaan."
        )


class PrologGuard:
    """Rejects DOCTYPE/ENTITY declarations in the bytes before the root element opens."""

    def __init__(self) -> None:
        self._tail = b""

    def check(self, chunk: bytes) -> None:
        window = (self._tail + chunk).upper()
        for needle in _FORBIDDEN:
            if needle in window:
                raise XmlRejected(
                    "Onveilige XML: een DOCTYPE- of ENTITY-declaratie is niet toegestaan "
                    "(mogelijke entity-aanval); het bestand is niet gelezen."
                )
        self._tail = window[-_LOOKBEHIND:]


def check_docinfo(root: etree._Element) -> None:
    """Second line of defence: libxml2 saw a document type after all."""
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise XmlRejected(
            "Onveilige XML: een DOCTYPE-declaratie is niet toegestaan; het bestand is niet gelezen."
        )
