"""Message-level helpers of the streaming reader (stream.py) and the fast path (fast.py): the
message type from the root's namespace, the release and BerichtCode check, the field trees of
a record and the Dutch reasons."""

import functools

from lxml import etree

from declaratiemonitor.lib.iwmo.safety import LIMITS, XmlRejected
from declaratiemonitor.lib.iwmo.standard import (
    ANSWER_FIELDS,
    BERICHT_CODES,
    BUDGET_EENHEID,
    BUDGET_FREQUENTIE,
    CONTAINERS,
    LIST_SEPARATOR,
    MESSAGE_LEAVES,
    NS_RE,
    SPECS,
    STANDARDS,
    SUPPORTED_RELEASE,
    MessageSpec,
)

UNKNOWN_TABLE = "xml"
XML_WHITESPACE = " \t\r\n"  # the S production of XML 1.0; no other character is stripped


def message_type(namespace: str | None, local: str) -> tuple[MessageSpec, str]:
    if not namespace:
        raise XmlRejected(
            f"Root-element '{local}' heeft geen namespace: dit is geen iWmo- of iJw-bericht."
        )
    m = NS_RE.match(namespace)
    if not m or m["std"] not in STANDARDS or STANDARDS[m["std"]][0] != m["prefix"]:
        raise XmlRejected(f"Onbekende namespace '{namespace}': dit is geen iWmo- of iJw-bericht.")
    display = STANDARDS[m["std"]][1]
    if (m["major"], m["minor"]) != SUPPORTED_RELEASE:
        raise XmlRejected(
            f"{display}-versie {m['major']}.{m['minor']} wordt niet ondersteund: "
            f"alleen {display} 3.2 wordt ingelezen (namespace '{namespace}')."
        )
    spec = SPECS.get(m["nummer"])
    if spec is None:
        raise XmlRejected(
            f"Berichttype {m['prefix']}{m['nummer']} wordt niet ingelezen: "
            "alleen 301, 305, 307, 323 en 325."
        )
    if local != "Bericht":
        raise XmlRejected(f"Root-element heet '{local}' in plaats van 'Bericht'.")
    return spec, m["std"]


def split_tag(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag  # no namespace, or an undeclared prefix such as 'wmo323:Bericht'


def table_hint(namespace: str | None) -> str:
    """The table a message was meant for, judged by its number alone (for rejections)."""
    m = NS_RE.match(namespace or "")
    spec = SPECS.get(m["nummer"]) if m else None
    return spec.table if spec else UNKNOWN_TABLE


def check_release(standard: str, spec: MessageSpec, header: dict[str, str | None]) -> None:
    display = STANDARDS[standard][1]
    if (header["_versie"], header["_subversie"]) != SUPPORTED_RELEASE:
        raise XmlRejected(
            f"Header meldt {display}-versie {header['_versie']}."
            f"{header['_subversie']} (BerichtVersie.BerichtSubversie): alleen "
            f"{display} 3.2 wordt ingelezen.",
            "/Bericht/Header",
        )
    expected = BERICHT_CODES[standard][spec.nummer]
    if header["_code"] != expected:
        raise XmlRejected(
            f"BerichtCode '{header['_code']}' past niet bij bericht "
            f"{STANDARDS[standard][0]}{spec.nummer} (verwacht {expected}).",
            "/Bericht/Header",
        )


@functools.cache
def tag_maps(nummer: str, ns: str, bns: str) -> tuple[dict[str, str], dict, dict, dict]:
    """{namespaced container tag: local name} and the field trees of the record, the extra
    Header fields and (325) the answer, per namespace."""
    spec = SPECS[nummer]
    answer = _field_tree(ANSWER_FIELDS, ns, bns) if spec.answer else {}
    return (
        {f"{{{ns}}}{n}": n for n in CONTAINERS},
        _field_tree(spec.fields, ns, bns),
        _field_tree(spec.header_fields, ns, bns),
        answer,
    )


def _field_tree(
    fields: dict[tuple[str, ...], str], ns: str, bns: str
) -> dict[str, tuple[str | None, dict]]:
    """{child tag: (column or None, {grandchild tag: column})} for one element. Its children
    are in the message namespace, their children in the basisschema (but `MESSAGE_LEAVES`)."""
    tree: dict[str, tuple[str | None, dict]] = {}
    for path, column in fields.items():
        tag = f"{{{ns}}}{path[0]}"
        own, sub = tree.get(tag, (None, {}))
        if len(path) == 1:
            tree[tag] = (column, sub)
        else:
            leaf_ns = ns if path[1] in MESSAGE_LEAVES else bns
            sub[f"{{{leaf_ns}}}{path[1]}"] = column
            tree[tag] = (own, sub)
    return tree


_NOTHING = (None, None)


def walk(elem: etree._Element, tree: dict) -> list[tuple[str, str | None]]:
    """(column, raw text) for every mapped child and grandchild of a record element."""
    found = []
    for child in elem:
        own, sub = tree.get(child.tag, _NOTHING)
        if own is not None:
            found.append((own, child.text))
        if sub:
            for grandchild in child:
                column = sub.get(grandchild.tag)
                if column is not None:
                    found.append((column, grandchild.text))
    return found


def values_of(
    found: list[tuple[str, str | None]], fields: dict[tuple[str, ...], str]
) -> tuple[dict, list[str]]:
    """Column values from (column, raw text) pairs; problems: a mapped element that occurs
    twice (except a list element such as RetourCode, whose values are joined), or too long."""
    values = {column: text_of(text) for column, text in found}
    problems = []
    seen = [column for column, _ in found]
    for column in dict.fromkeys(seen):
        if seen.count(column) == 1:
            continue
        if column in LISTS:
            items = [text_of(text) for c, text in found if c == column]
            values[column] = LIST_SEPARATOR.join(t for t in items if t) or None
        else:
            problems.append(f"element {_element_name(fields, column)} komt meer dan eens voor")
    for column, text in found:
        if text is not None and len(text) > LIMITS.max_value_chars:
            problems.append(
                f"waarde van {_element_name(fields, column)} is langer dan "
                f"{LIMITS.max_value_chars} tekens"
            )
            values[column] = None
    return values, problems


LISTS = frozenset(c for spec in SPECS.values() for c in spec.lists)


def _element_name(fields: dict[tuple[str, ...], str], column: str) -> str:
    return next("/".join(p) for p, c in fields.items() if c == column)


def text_of(text: str | None) -> str | None:
    """A value without leading and trailing XML whitespace; empty = null."""
    return (text.strip(XML_WHITESPACE) or None) if text is not None else None


def element_problem(values: dict[str, str | None], problems: list[str]) -> str | None:
    if problems:
        return "Element niet verwerkt: " + "; ".join(problems) + "."
    if values.get("_status") == "3":
        return (
            "Element niet verwerkt: StatusAanlevering 3 (aanlevering verwijderen) trekt een "
            "eerdere melding in en is geen start- of stopmelding."
        )
    return None


def budget_unit(row: dict[str, str | None], values: dict[str, str | None]) -> None:
    """A budget allocation has no Omvang: its unit is euro's over the whole validity."""
    if "_omvang" not in values and row.get("budget_cents") is not None:
        row["eenheid"], row["frequentie"] = BUDGET_EENHEID, BUDGET_FREQUENTIE


_DEPTH_CHECKS: dict[int, etree.XPath] = {}


def deeper_than(levels: int) -> etree.XPath:
    """XPath that is true when the element has descendants more than `levels` levels down."""
    if levels not in _DEPTH_CHECKS:
        _DEPTH_CHECKS[levels] = etree.XPath("boolean(" + "*/" * levels + "*)")
    return _DEPTH_CHECKS[levels]


def free(elem: etree._Element) -> None:
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def _errors(parser: etree.XMLPullParser) -> list:
    return [e for e in parser.feed_error_log if e.level_name in ("ERROR", "FATAL")]


def error_position(parser: etree.XMLPullParser, exc: etree.XMLSyntaxError) -> tuple[int, int]:
    errors = _errors(parser)
    if errors:
        return errors[0].line, errors[0].column
    return exc.position or (0, 0)


def syntax_reason(parser: etree.XMLPullParser, exc: etree.XMLSyntaxError) -> str:
    errors = _errors(parser)
    message = (errors[0].message if errors else exc.msg).strip()
    line, column = error_position(parser, exc)
    return (
        f"Geen geldige XML (regel {line}, kolom {column}: {message}); het bestand is niet verwerkt."
    )


def first_sentence(text: str) -> str:
    return text.split("; ")[0].rstrip(".")
