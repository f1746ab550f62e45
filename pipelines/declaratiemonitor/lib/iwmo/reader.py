"""Stream iWmo/iJw 3.2 messages (301, 305, 307, 323, 325) from a folder into contract tables.

Per file: the root element is sniffed first (namespace -> standard, release and message
type), then the file is fed in chunks to a non-validating pull parser that reports only the
message's container elements (Header, Client, Prestaties, Prestatie, ...). When a record element
(ToegewezenProduct, Prestatie, StartProduct, StopProduct) closes, its few children are read and
the element and its earlier siblings are freed, so memory stays bounded whatever the file size.
Values stay raw text: the SQL staging step validates them.

A file that fails as a whole (unsafe, not well-formed, truncated, wrong type or version) gives
no table rows: one `rejected` row for the file, plus one per element already parsed from it.
"""

import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from lxml import etree

from declaratiemonitor.lib.iwmo import answers
from declaratiemonitor.lib.iwmo.rows import RowBuffer, Sink
from declaratiemonitor.lib.iwmo.safety import LIMITS, XmlRejected, new_parser, sniff_root
from declaratiemonitor.lib.iwmo.standard import (
    ANSWER_FIELDS,
    BERICHT_CODES,
    BUDGET_EENHEID,
    BUDGET_FREQUENTIE,
    CONTAINERS,
    HEADER_FIELDS,
    INDEXED,
    LIST_SEPARATOR,
    MESSAGE_LEAVES,
    NS_RE,
    SPECS,
    STANDARDS,
    SUPPORTED_RELEASE,
    MessageSpec,
    basis_namespace,
)

log = logging.getLogger(__name__)
UNKNOWN_TABLE = "xml"


@dataclass
class XmlBatch:
    tables: dict[str, pa.Table]
    rejected: pa.Table


def read_xml_folder(xml_dir: Path) -> XmlBatch:
    """Read every *.xml file under `xml_dir` (recursively, in path order)."""
    xml_dir = Path(xml_dir)
    sink = Sink()
    for path in _xml_files(xml_dir):
        bron = path.relative_to(xml_dir).as_posix()
        if path.is_symlink():
            sink.reject(
                UNKNOWN_TABLE,
                bron,
                "/",
                "Symbolische koppeling: niet gevolgd, alleen gewone bestanden worden gelezen.",
            )
            continue
        MessageReader(path, bron, sink).run()
    return XmlBatch(sink.tables(), sink.rejected_table())


def _xml_files(xml_dir: Path) -> list[Path]:
    if not xml_dir.is_dir():
        return []
    found = []
    for root, dirs, files in os.walk(xml_dir, followlinks=False):
        dirs.sort()
        found += [Path(root) / f for f in files if f.lower().endswith(".xml")]
    return sorted(found, key=lambda p: p.relative_to(xml_dir).as_posix())


class MessageReader:
    """Reads one file into rows of one contract table."""

    def __init__(self, path: Path, bron: str, sink: Sink) -> None:
        self.path, self.bron, self.sink = path, bron, sink
        self.spec: MessageSpec | None = None
        self.buffer: RowBuffer | None = None
        self.stack: list[str] = []  # container local names from the root
        self.segments: list[str] = []  # the same, with [n] for repeating elements
        self.counters: list[dict[str, int]] = [{}]
        self.context: dict[str, str | None] = {}
        self.fixed: dict[str, str | None] | None = None  # header columns once validated
        self.last_done = "/"
        self.table_hint = UNKNOWN_TABLE  # table named in rejections before the type is known
        self.lines, self.last_line_len = 1, 0
        self.records = 0  # record elements closed so far (rows and rejected elements)
        self.answers: list[int] = []  # 325: `records` when each DeclaratieAntwoord opened

    # -- driving the parser -------------------------------------------------------------
    def run(self) -> None:
        try:
            self._parse()
        except XmlRejected as exc:
            self._reject_file(str(exc), exc.regel)
            return
        self.sink.accept(self.buffer)
        log.info("xml %s: %d rows", self.bron, len(self.buffer))

    def _parse(self) -> None:
        size = self.path.stat().st_size
        if size > LIMITS.max_file_bytes:
            raise XmlRejected(
                f"Bestand is te groot ({size // 2**20} MB; de grens is "
                f"{LIMITS.max_file_bytes // 2**20} MB); het is niet gelezen."
            )
        with self.path.open("rb") as f:
            root_tag, head = sniff_root(f)
            if root_tag is None:
                raise XmlRejected("Bestand bevat geen XML-bericht (leeg of geen XML).")
            self._message_type(root_tag)
            parser = new_parser(self._tags())
            for chunk in head:
                self._feed(parser, chunk)
            while chunk := f.read(LIMITS.chunk_bytes):
                self._feed(parser, chunk)
        self._close(parser)

    def _message_type(self, root_tag: str) -> None:
        namespace, local = _split_tag(root_tag)
        self.table_hint = _table_hint(namespace)
        self.spec, self.standard = _message_type(namespace, local)
        self.buffer = RowBuffer(self.spec.table, self.bron)
        self.ns = namespace
        self.names, self.fields, self.header_tree, self.answer_tree = _tag_maps(
            self.spec.nummer, namespace, basis_namespace(self.standard)
        )

    def _tags(self) -> list[str]:
        return list(self.names)

    def _feed(self, parser: etree.XMLPullParser, chunk: bytes) -> None:
        self._count_lines(chunk)
        try:
            parser.feed(chunk)
        except etree.XMLSyntaxError as exc:
            self._drain(parser)
            raise XmlRejected(_syntax_reason(parser, exc), self._where()) from None
        self._drain(parser)

    def _close(self, parser: etree.XMLPullParser) -> None:
        try:
            parser.close()
        except etree.XMLSyntaxError as exc:
            self._drain(parser)
            if self._at_eof(parser, exc):
                where = f"na element {self.last_done}"
                if self.last_done == "/":
                    where = "voordat een element volledig was"
                raise XmlRejected(
                    f"Bestand is afgebroken (onvolledige XML) {where}; het bericht is niet "
                    "verwerkt.",
                    self.last_done,
                ) from None
            raise XmlRejected(_syntax_reason(parser, exc), self._where()) from None
        self._drain(parser)

    def _drain(self, parser: etree.XMLPullParser) -> None:
        for event, elem in parser.read_events():
            if event == "start":
                self._start(elem)
            else:
                self._end(elem)

    def _count_lines(self, chunk: bytes) -> None:
        newlines = chunk.count(b"\n")
        self.lines += newlines
        if newlines:
            self.last_line_len = len(chunk) - chunk.rfind(b"\n") - 1
        else:
            self.last_line_len += len(chunk)

    def _at_eof(self, parser: etree.XMLPullParser, exc: etree.XMLSyntaxError) -> bool:
        line, column = _error_position(parser, exc)
        return line >= self.lines and column >= self.last_line_len

    # -- container events -----------------------------------------------------------------
    def _start(self, elem: etree._Element) -> None:
        local = self.names[elem.tag]
        self.stack.append(local)
        counts = self.counters[-1]
        counts[local] = counts.get(local, 0) + 1
        self.segments.append(f"{local}[{counts[local]}]" if local in INDEXED else local)
        self.counters.append({})
        if local in self.spec.context:
            self._read_context(elem, self.spec.context[local])
        if self.spec.answer and local == "DeclaratieAntwoord":
            self.answers.append(self.records)

    def _end(self, elem: etree._Element) -> None:
        self._check_depth(elem)
        local = self.stack[-1]
        if local == "Header" and len(self.stack) == 2:
            self._check_header(elem)
        elif len(self.stack) == len(self.spec.record) and tuple(self.stack) == self.spec.record:
            self._record(elem)
        elif self.spec.answer and len(self.stack) <= 2:
            self._answer_end(elem, local)
        self.last_done = self._where()
        self.stack.pop()
        self.segments.pop()
        self.counters.pop()
        _free(elem)

    def _check_depth(self, elem: etree._Element) -> None:
        allowed = LIMITS.max_depth - len(self.stack)
        if allowed < 1 or _deeper_than(allowed)(elem):
            raise XmlRejected(
                f"XML is te diep genest (meer dan {LIMITS.max_depth} niveaus) "
                f"in {self._where()}; het bestand is niet verwerkt.",
                self._where(),
            )

    def _read_context(self, container: etree._Element, fields: dict[str, str]) -> None:
        """Values that apply to every record below `container`, read from its earlier siblings
        (in document order they are complete when the container opens)."""
        parent = container.getparent()
        for name, column in fields.items():
            found = parent.findall(f"{{{self.ns}}}{name}")
            if len(found) > 1:
                raise XmlRejected(
                    f"Element {name} komt meer dan eens voor; het bericht is niet "
                    "eenduidig en niet verwerkt.",
                    self._where(),
                )
            self.context[column] = _text(found[0].text) if found else None

    # -- header -----------------------------------------------------------------------------
    def _check_header(self, header: etree._Element) -> None:
        values = {
            column: _text(header.findtext(f"{{{self.ns}}}{name}"))
            for name, column in HEADER_FIELDS.items()
        }
        _check_release(self.standard, self.spec, values)
        self.fixed = {column: values[k] for k, column in self.spec.header.items()}
        if self.header_tree:
            extra, problems = _values(_walk(header, self.header_tree), self.spec.header_fields)
            if problems:
                raise XmlRejected(
                    "Header niet verwerkt: " + "; ".join(problems) + ".", "/Bericht/Header"
                )
            self.fixed.update(extra)

    # -- records ----------------------------------------------------------------------------
    def _record(self, elem: etree._Element) -> None:
        regel = self._where()
        self._require_header(regel)
        self.records += 1
        values, problems = _values(_walk(elem, self.fields), self.spec.fields)
        reason = _element_problem(values, problems)
        if reason:
            self.sink.reject(self.spec.table, self.bron, regel, reason)
            return
        row = {**self.context, **self.fixed, **values, **self.spec.constants}
        if self.spec.table == "toewijzingen":
            _budget_unit(row, values)
        self.buffer.append(row, regel)

    def _require_header(self, regel: str) -> None:
        if self.fixed is None:
            raise XmlRejected(
                "Header ontbreekt of staat niet aan het begin van het bericht; "
                "het bestand is niet verwerkt.",
                regel,
            )

    # -- 325: the answer as a whole ---------------------------------------------------------
    def _answer_end(self, elem: etree._Element, local: str) -> None:
        if len(self.stack) == 1:  # the root closes
            if not self.answers:
                self._require_header("/Bericht")
                reason = answers.unanswered_reason(self.fixed.get("_header_codes"))
                self.sink.reject(self.spec.table, self.bron, "/Bericht", reason)
            return
        if local != "DeclaratieAntwoord":
            return
        self._require_header(answers.ANSWER_REGEL)
        values, problems = _values(_walk(elem, self.answer_tree), ANSWER_FIELDS)
        if "Clienten" in self.counters[-1]:  # DeclaratieNummer was read when Clienten opened
            values["declaratie_nummer"] = self.context.get("declaratie_nummer")
        codes = answers.answer_codes(self.fixed.get("_header_codes"), values.get("_codes"))
        listed = self.records - self.answers[-1]
        if problems:
            reason = "Element niet verwerkt: " + "; ".join(problems) + "."
            self.sink.reject(self.spec.table, self.bron, answers.ANSWER_REGEL, reason)
        elif answers.is_row(listed, codes):
            row = {**self.fixed, **values, "referentie_nummer": None, "retourcodes": codes}
            self.buffer.append(row, self._where())

    # -- failure ------------------------------------------------------------------------
    def _where(self) -> str:
        return "/" + "/".join(self.segments) if self.segments else "/"

    def _reject_file(self, reden: str, regel: str) -> None:
        tabel = self.spec.table if self.spec else self.table_hint
        self.sink.reject(tabel, self.bron, regel, reden)
        if self.buffer is not None and len(self.buffer):
            self.sink.reject_all(
                self.buffer,
                f"Niet verwerkt: het bestand als geheel is afgewezen ({_first_sentence(reden)}).",
            )
        log.warning("xml %s rejected: %s", self.bron, _first_sentence(reden))


# -- helpers ------------------------------------------------------------------------------
def _message_type(namespace: str | None, local: str) -> tuple[MessageSpec, str]:
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


def _split_tag(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag  # no namespace, or an undeclared prefix such as 'wmo323:Bericht'


def _table_hint(namespace: str | None) -> str:
    """The table a message was meant for, judged by its number alone (for rejections)."""
    m = NS_RE.match(namespace or "")
    spec = SPECS.get(m["nummer"]) if m else None
    return spec.table if spec else UNKNOWN_TABLE


def _check_release(standard: str, spec: MessageSpec, header: dict[str, str | None]) -> None:
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
def _tag_maps(nummer: str, ns: str, bns: str) -> tuple[dict[str, str], dict, dict, dict]:
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


def _walk(elem: etree._Element, tree: dict) -> list[tuple[str, str | None]]:
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


def _values(
    found: list[tuple[str, str | None]], fields: dict[tuple[str, ...], str]
) -> tuple[dict, list[str]]:
    """Column values from (column, raw text) pairs; problems: a mapped element that occurs
    twice (except a list element such as RetourCode, whose values are joined), or too long."""
    values = {column: _text(text) for column, text in found}
    problems = []
    seen = [column for column, _ in found]
    for column in dict.fromkeys(seen):
        if seen.count(column) == 1:
            continue
        if column in LISTS:
            items = [_text(text) for c, text in found if c == column]
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


def _text(text: str | None) -> str | None:
    return (text.strip() or None) if text is not None else None


def _element_problem(values: dict[str, str | None], problems: list[str]) -> str | None:
    if problems:
        return "Element niet verwerkt: " + "; ".join(problems) + "."
    if values.get("_status") == "3":
        return (
            "Element niet verwerkt: StatusAanlevering 3 (aanlevering verwijderen) trekt een "
            "eerdere melding in en is geen start- of stopmelding."
        )
    return None


def _budget_unit(row: dict[str, str | None], values: dict[str, str | None]) -> None:
    """A budget allocation has no Omvang: its unit is euro's over the whole validity."""
    if "_omvang" not in values and row.get("budget_cents") is not None:
        row["eenheid"], row["frequentie"] = BUDGET_EENHEID, BUDGET_FREQUENTIE


_DEPTH_CHECKS: dict[int, etree.XPath] = {}


def _deeper_than(levels: int) -> etree.XPath:
    """XPath that is true when the element has descendants more than `levels` levels down."""
    if levels not in _DEPTH_CHECKS:
        _DEPTH_CHECKS[levels] = etree.XPath("boolean(" + "*/" * levels + "*)")
    return _DEPTH_CHECKS[levels]


def _free(elem: etree._Element) -> None:
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def _errors(parser: etree.XMLPullParser) -> list:
    return [e for e in parser.feed_error_log if e.level_name in ("ERROR", "FATAL")]


def _error_position(parser: etree.XMLPullParser, exc: etree.XMLSyntaxError) -> tuple[int, int]:
    errors = _errors(parser)
    if errors:
        return errors[0].line, errors[0].column
    return exc.position or (0, 0)


def _syntax_reason(parser: etree.XMLPullParser, exc: etree.XMLSyntaxError) -> str:
    errors = _errors(parser)
    message = (errors[0].message if errors else exc.msg).strip()
    line, column = _error_position(parser, exc)
    return (
        f"Geen geldige XML (regel {line}, kolom {column}: {message}); het bestand is niet verwerkt."
    )


def _first_sentence(text: str) -> str:
    return text.split("; ")[0].rstrip(".")
