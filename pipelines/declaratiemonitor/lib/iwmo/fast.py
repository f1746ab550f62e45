"""The fast path: a clean message parsed as a whole, its values written by XSLT in libxslt.

Per message type (301, 305, 307, 323; a 325 always goes to the streaming reader) the
stylesheet of stylesheet.py writes a token stream; the streams of many files are read together
by tokens.py with pyarrow and numpy, so no Python runs per record or per value.

The fast path only takes a file it reads exactly as the streaming reader would: at most
FAST_MAX_BYTES, nothing but the XML declaration and processing instructions before the root
(so no DOCTYPE or entity declaration ever reaches the parser) and the root well within the
prolog limit, no U+E000 (the token separator, also not as a character reference), an
ASCII-compatible encoding, well-formed, nested at most LIMITS.max_depth deep, one Header
(first) with release 3.2 and the right BerichtCode, at most one of each element above the
Client, context elements once and before their container, no element inside a mapped value,
each mapped element at most once per record or Client, no value longer than
LIMITS.max_value_chars and no StatusAanlevering 3. Comments and CDATA inside the document are
no reason to leave: the parser drops comments and merges CDATA into the text, for both readers
alike. Any other file is read by the streaming reader (the reference), so every rejection and
its Dutch reason is that reader's.
"""

import functools
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from lxml import etree

from declaratiemonitor.lib.iwmo import tokens
from declaratiemonitor.lib.iwmo.message import message_type, split_tag
from declaratiemonitor.lib.iwmo.safety import LIMITS, XmlRejected, check_encoding, new_tree_parser
from declaratiemonitor.lib.iwmo.stylesheet import SEP, Plan, plan_for

PARSER = new_tree_parser()
FAST_MAX_BYTES = 16 << 20  # a larger file streams (bounded memory)
_PROLOG_MARGIN = 64 << 10  # a root this close to the prolog limit: the streaming reader decides
_SEP = SEP.encode()
_SEP_REF = re.compile(rb"&#(?:x0*e000|0*57344);", re.IGNORECASE)


@dataclass
class Parsed:
    """One document through its stylesheet, to be read with the others of its plan."""

    position: int  # in the caller's list of files
    plan: Plan
    out: bytes  # the token stream
    meta: dict[str, str]


def prepare(position: int, data: bytes) -> Parsed | None:
    """Parse and transform one file; None when the streaming reader must read it."""
    if not _plain(data):
        return None
    try:
        check_encoding(data[:512])
        root = etree.fromstring(data, PARSER)
        spec, standard = _message_type(root.tag)
    except (XmlRejected, etree.XMLSyntaxError):
        return None
    plan = plan_for(standard, spec.nummer)
    if plan is None:
        return None
    out = bytes(plan.xslt(root))
    meta = plan.read_meta(out)
    if meta is None or not plan.meta_ok(meta):
        return None
    return Parsed(position, plan, out, meta)


@functools.lru_cache(maxsize=64)
def _message_type(tag: str):
    return message_type(*split_tag(tag))


def _plain(data: bytes) -> bool:
    """Small, no U+E000 (the token separator, also as a character reference), and a root
    element that starts well within the prolog limit after nothing but the XML declaration
    and processing instructions: no DOCTYPE can reach the parser. (Comments and CDATA inside
    the document are harmless: the parser merges their text as the streaming reader's does.)"""
    # a one-byte search is memchr: test the rare first byte before the whole sequence
    if len(data) > FAST_MAX_BYTES or (b"\xee" in data and _SEP in data):
        return False
    if b"&" in data and b"&#" in data and _SEP_REF.search(data):
        return False
    pos, limit = 0, LIMITS.max_prolog_bytes - _PROLOG_MARGIN
    while True:
        lt = data.find(b"<", pos, limit)
        if lt < 0 or data[lt + 1 : lt + 2] == b"!":
            return False
        if data[lt + 1 : lt + 2] != b"?":
            return True
        end = data.find(b"?>", lt + 2, limit)
        if end < 0:
            return False
        pos = end + 2


def finish(parsed: list[Parsed], brons: list[str]) -> dict[int, pa.Table | None]:
    """Rows per file (by position), or None for a file the streaming reader must read.
    All of `parsed` share one plan; `brons` belong to `parsed` one by one."""
    if not parsed:
        return {}
    plan = parsed[0].plan
    rows = tokens.read(plan, [p.out.count(_SEP) for p in parsed], [p.out for p in parsed])
    table = tokens.contract_table(rows, plan, [p.meta for p in parsed], brons)
    offsets = np.concatenate([[0], np.cumsum(rows.per_file)])
    out: dict[int, pa.Table | None] = {}
    for k, p in enumerate(parsed):
        ok = not rows.failed[k]
        out[p.position] = table.slice(offsets[k], rows.per_file[k]) if ok else None
    return out
