"""Per message type: the fast path's XSLT stylesheet and document checks, generated from the
MessageSpec (standard.py), so that element paths and columns are described once.

The stylesheet walks only the message's path (root .. Client .. record element) and writes a
stream of tokens, each SEP + a one-character code + a value: `C` a Client, `M` the container of
the records in it, `R` a record element, a letter per mapped element (its own leading text, as
lxml's `.text`), `!` an element inside a mapped value. Templates mirror the streaming reader's
`walk`: mapped children and grandchildren of a record, anything else in a record ignored.
SEP is U+E000 (private use); the fast path only takes a file in which it cannot occur.
"""

import functools
from dataclasses import dataclass

from lxml import etree

from declaratiemonitor.lib.iwmo.message import text_of
from declaratiemonitor.lib.iwmo.safety import LIMITS
from declaratiemonitor.lib.iwmo.standard import (
    BERICHT_CODES,
    HEADER_FIELDS,
    INDEXED,
    MESSAGE_LEAVES,
    SPECS,
    MessageSpec,
    basis_namespace,
    namespace,
)

SEP = "\ue000"
META, CLIENT, MID, RECORD, NESTED = "H", "C", "M", "R", "!"
_META_AT = len(SEP.encode()) + 1
CODES = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class Shape:
    """Where things are in one message type (local names)."""

    spec: MessageSpec
    upper: tuple[str, ...]  # root .. the Client's parent
    mid: str  # the container of the record elements in a Client
    codes: dict[str, str]  # token code -> column (record fields and the Client's context)
    client_context: tuple[str, ...]  # columns read from the Client (e.g. bsn)
    doc_context: tuple[tuple[str, str, str], ...]  # (container, element before it, column)

    @property
    def record(self) -> str:
        return self.spec.record[-1]

    def code(self, column: str) -> str:
        return next(k for k, c in self.codes.items() if c == column)


def shape_of(spec: MessageSpec) -> Shape | None:
    """None for a message type the fast path does not read (325: the answer as a whole)."""
    rec = spec.record
    if spec.answer or spec.lists or "Client" not in rec:
        return None
    ci = rec.index("Client")
    if len(rec) != ci + 3 or rec[ci + 1] in INDEXED or rec[-1] not in INDEXED:
        return None
    client_ctx, doc_ctx = [], []
    for container, siblings in spec.context.items():
        for element, column in siblings.items():
            if rec.index(container) > ci:
                client_ctx.append((element, column))
            else:
                doc_ctx.append((container, element, column))
    columns = [c for _, c in client_ctx] + list(spec.fields.values())
    codes = dict(zip(CODES, columns, strict=False))
    return Shape(
        spec, rec[:ci], rec[ci + 1], codes, tuple(c for _, c in client_ctx), tuple(doc_ctx)
    )


class Plan:
    """The compiled stylesheet and document checks of one message type in one standard."""

    def __init__(self, standard: str, shape: Shape) -> None:
        self.standard, self.shape, self.spec = standard, shape, shape.spec
        self.table = shape.spec.table
        self.ns = {"p": namespace(standard, shape.spec.nummer), "b": basis_namespace(standard)}
        names, expressions = zip(*self._meta_parts(), strict=True)
        self.meta_names = names
        joined = "concat(" + ", '\t', ".join(expressions) + ", '')"
        self.meta_expression = joined.replace("<", "&lt;").replace("\t", "&#9;")
        self.xslt = etree.XSLT(
            etree.XML(self._stylesheet().encode()),
            access_control=etree.XSLTAccessControl.DENY_ALL,
        )

    # -- the stylesheet -------------------------------------------------------------------
    def _stylesheet(self) -> str:
        s = self.shape
        code = {column: k for k, column in s.codes.items()}
        client_elements = {e: c for e, c in _client_context(s.spec)}
        templates = [
            f'<xsl:template match="/"><xsl:text>{SEP}{META}</xsl:text>'
            f'<xsl:value-of select="{self.meta_expression}"/>'
            f'<xsl:apply-templates select="/{_steps(s.upper)}/p:Client"/></xsl:template>',
            _template(
                "p:Client",
                CLIENT,
                " | ".join([*(f"p:{e}" for e in client_elements), f"p:{s.mid}"]),
            ),
            _template(f"p:{s.mid}", MID, f"p:{s.record}"),
            _template(f"p:{s.record}", RECORD, "*", mode_out="veld"),
        ]
        templates += [_leaf(f"p:{e}", code[c], "") for e, c in client_elements.items()]
        groups: dict[str, list[tuple[str, str]]] = {}
        for path, column in s.spec.fields.items():
            if len(path) == 2:
                groups.setdefault(path[0], []).append((path[1], column))
        for path, column in s.spec.fields.items():
            if len(path) == 1 and path[0] not in groups:
                templates.append(_leaf(f"p:{path[0]}", code[column], "veld"))
        for group, leaves in groups.items():
            own = s.spec.fields.get((group,))
            token = f"<xsl:text>{SEP}{code[own]}</xsl:text>" if own else ""
            templates.append(
                f'<xsl:template match="p:{group}" mode="veld">{token}'
                f'<xsl:apply-templates select="*" mode="g_{group}"/></xsl:template>'
                f'<xsl:template match="*" mode="g_{group}"/>'
            )
            for leaf, column in leaves:
                prefix = "p" if leaf in MESSAGE_LEAVES else "b"
                templates.append(_leaf(f"{prefix}:{leaf}", code[column], f"g_{group}"))
        templates += [
            '<xsl:template match="*" mode="veld"/>',
            f'<xsl:template match="*" mode="waarde"><xsl:text>{SEP}{NESTED}</xsl:text>'
            "</xsl:template>",
        ]
        head = (
            '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" '
            f'xmlns:p="{self.ns["p"]}" xmlns:b="{self.ns["b"]}">'
            '<xsl:output method="text" encoding="UTF-8"/>'
        )
        return head + "".join(templates) + "</xsl:stylesheet>"

    # -- the document checks --------------------------------------------------------------
    def _meta_parts(self) -> list[tuple[str, str]]:
        s = self.shape
        header = "/p:Bericht/p:Header"
        parts = [(col, _text(f"{header}/p:{name}")) for name, col in HEADER_FIELDS.items()]
        parts += [
            ("headers", f"count({header})"),
            ("header_first", "count(/*/*[1][self::p:Header])"),
            ("deep", "boolean(/*" + "/*" * LIMITS.max_depth + ")"),
        ]
        parts += [
            (f"upper{k}", f"count(/{_steps(s.upper[:k])})") for k in range(2, len(s.upper) + 1)
        ]
        for container, element, column in s.doc_context:
            parent = "/" + _steps(s.spec.record[: s.spec.record.index(container)])
            here, before = f"{parent}/p:{element}", f"{parent}/p:{container}[1]"
            parts.append((column, _text(here)))
            parts.append(
                (
                    f"ok:{column}",
                    f"count({here}) <= 1 and count({here}) = "
                    f"count({before}/preceding-sibling::p:{element})",
                )
            )
        return parts

    def read_meta(self, out: bytes) -> dict[str, str] | None:
        """Header values, document-level context and checks (the stream's first token);
        None when a value held a tab."""
        end = out.find(SEP.encode(), _META_AT)
        values = out[_META_AT : end if end >= 0 else len(out)].decode("utf-8").split("\t")
        if len(values) != len(self.meta_names):
            return None
        return dict(zip(self.meta_names, values, strict=True))

    def meta_ok(self, meta: dict[str, str]) -> bool:
        """One Header, first, release 3.2 and the right BerichtCode; nesting within the
        limit; at most one of each element above the Client; document context once and
        before its container."""
        code = BERICHT_CODES[self.standard][self.spec.nummer]
        return (
            meta["headers"] == "1"
            and meta["header_first"] == "1"
            and meta["deep"] == "false"
            and (text_of(meta["_versie"]), text_of(meta["_subversie"])) == ("3", "2")
            and text_of(meta["_code"]) == code
            and all(meta[k] in ("0", "1") for k in meta if k.startswith("upper"))
            and all(meta[k] == "true" for k in meta if k.startswith("ok:"))
        )


def _client_context(spec: MessageSpec) -> list[tuple[str, str]]:
    ci = spec.record.index("Client")
    return [
        (element, column)
        for container, siblings in spec.context.items()
        if spec.record.index(container) > ci
        for element, column in siblings.items()
    ]


def _template(match: str, token: str, select: str, mode_out: str = "") -> str:
    mode = f' mode="{mode_out}"' if mode_out else ""
    text = f"<xsl:text>{SEP}{token}</xsl:text>" if token else ""
    return (
        f'<xsl:template match="{match}">{text}'
        f'<xsl:apply-templates select="{select}"{mode}/></xsl:template>'
    )


def _leaf(match: str, code: str, mode: str) -> str:
    """A mapped element: its token, then its text (child elements give `!`)."""
    mode_in = f' mode="{mode}"' if mode else ""
    return (
        f'<xsl:template match="{match}"{mode_in}><xsl:text>{SEP}{code}</xsl:text>'
        '<xsl:apply-templates mode="waarde"/></xsl:template>'
    )


def _text(path: str) -> str:
    """XPath: the first such element's own leading text (lxml's `.text`), '' when absent."""
    return f"string(({path})[1]/node()[1][self::text()])"


def _steps(names) -> str:
    return "/".join(f"p:{n}" for n in names)


@functools.cache
def plan_for(standard: str, nummer: str) -> Plan | None:
    shape = shape_of(SPECS[nummer])
    return Plan(standard, shape) if shape else None
