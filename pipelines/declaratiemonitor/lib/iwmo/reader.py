"""Stream iWmo/iJw 3.2 messages (301, 305, 307, 323) from a folder into contract tables.

Each file is fed to a non-validating pull parser in chunks; one row is emitted when the record
element (ToegewezenProduct, Prestatie, StartProduct, StopProduct) closes, after which the
element and its earlier siblings are freed. Values are kept as raw text: the SQL staging step
validates them. A file that fails as a whole (unsafe, not well-formed, truncated, wrong type or
version) lands in `rejected` with no table rows; rows already parsed from it are listed there
one by one so nothing silently disappears.
"""

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from lxml import etree

from declaratiemonitor.lib.iwmo.rows import RowBuffer, Sink
from declaratiemonitor.lib.iwmo.safety import (
    LIMITS,
    PrologGuard,
    Unsafe,
    check_docinfo,
    check_encoding,
    new_parser,
)
from declaratiemonitor.lib.iwmo.standard import (
    BERICHT_CODES,
    BUDGET_EENHEID,
    BUDGET_FREQUENTIE,
    INDEXED,
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


class FileRejected(Exception):
    """The whole file is rejected: `reden` in Dutch, `regel` the element path where it showed."""

    def __init__(self, reden: str, regel: str = "/") -> None:
        super().__init__(reden)
        self.reden = reden
        self.regel = regel


class MessageReader:
    """Reads one file: message type from the root, rows from the record elements."""

    def __init__(self, path: Path, bron: str, sink: Sink) -> None:
        self.path, self.bron, self.sink = path, bron, sink
        self.spec: MessageSpec | None = None
        self.buffer: RowBuffer | None = None
        self.names: dict[str, str] = {}  # tag -> local name (only for the two 3.2 namespaces)
        self._ns: set[str] = set()
        self.standard = ""
        self.stack: list[str] = []  # local names from the root
        self.segments: list[str] = []  # path segments with [n] down to the record level
        self.counters: list[dict[str, int]] = [{}]
        self.context: dict[tuple[str, ...], str | None] = {}
        self.fixed: dict[str, str | None] | None = None  # header columns once validated
        self.record: dict[str, str | None] | None = None
        self.problems: list[str] = []  # element-level reasons for the open record
        self.last_done = "/"
        self.lines, self.last_line_len = 1, 0

    # -- driving the parser -------------------------------------------------------------
    def run(self) -> None:
        try:
            self._parse()
        except (Unsafe, FileRejected) as exc:
            self._reject_file(str(exc), getattr(exc, "regel", self._where()))
            return
        if self.buffer is not None:
            self.sink.accept(self.buffer)
            log.info("xml %s: %d rows", self.bron, len(self.buffer))

    def _parse(self) -> None:
        size = self.path.stat().st_size
        if size > LIMITS.max_file_bytes:
            raise FileRejected(
                f"Bestand is te groot ({size // 2**20} MB; de grens is "
                f"{LIMITS.max_file_bytes // 2**20} MB); het is niet gelezen."
            )
        parser, guard = new_parser(), PrologGuard()
        with self.path.open("rb") as f:
            first = True
            while chunk := f.read(LIMITS.chunk_bytes):
                if first:
                    check_encoding(chunk)
                    first = False
                if self.spec is None:
                    guard.check(chunk)
                self._feed(parser, chunk)
        self._close(parser)

    def _feed(self, parser: etree.XMLPullParser, chunk: bytes) -> None:
        self._count_lines(chunk)
        try:
            parser.feed(chunk)
        except etree.XMLSyntaxError as exc:
            self._drain(parser)
            raise FileRejected(_syntax_reason(parser, exc), self._where()) from None
        self._drain(parser)

    def _close(self, parser: etree.XMLPullParser) -> None:
        try:
            parser.close()
        except etree.XMLSyntaxError as exc:
            self._drain(parser)
            if self.spec is None and not self.stack:
                raise FileRejected("Bestand bevat geen XML-bericht (leeg of geen XML).") from None
            if self._at_eof(parser, exc):
                raise FileRejected(
                    f"Bestand is afgebroken (onvolledige XML) na element "
                    f"{self.last_done}; het bericht is niet verwerkt.",
                    self.last_done,
                ) from None
            raise FileRejected(_syntax_reason(parser, exc), self._where()) from None
        self._drain(parser)
        if self.spec is None:
            raise FileRejected("Bestand bevat geen XML-bericht (leeg of geen XML).")

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

    # -- events ---------------------------------------------------------------------------
    def _start(self, elem: etree._Element) -> None:
        if self.spec is None:
            self._root(elem)
        depth = len(self.stack) + 1
        if depth > LIMITS.max_depth:
            raise FileRejected(
                f"XML is te diep genest (meer dan {LIMITS.max_depth} niveaus) "
                "bij " + self._where() + "; het bestand is niet verwerkt."
            )
        local = self._local(elem.tag)
        self.stack.append(local)
        if self.record is None:
            self._open_container(local, depth)

    def _open_container(self, local: str, depth: int) -> None:
        counts = self.counters[-1]
        counts[local] = counts.get(local, 0) + 1
        self.segments.append(f"{local}[{counts[local]}]" if local in INDEXED else local)
        self.counters.append({})
        self._forget_context(depth)
        if depth == len(self.spec.record) and tuple(self.stack) == self.spec.record:
            if self.fixed is None:
                raise FileRejected(
                    "Header ontbreekt of staat niet aan het begin van het "
                    "bericht; het bestand is niet verwerkt.",
                    self._where(),
                )
            self.record, self.problems = {}, []

    def _end(self, elem: etree._Element) -> None:
        depth = len(self.stack)
        record_depth = len(self.spec.record)
        if self.record is not None and depth > record_depth:
            self._record_value(tuple(self.stack[record_depth:]), elem.text)
        else:
            self._close_container(elem, depth, record_depth)
        self.stack.pop()

    def _close_container(self, elem: etree._Element, depth: int, record_depth: int) -> None:
        key = tuple(self.stack)
        if key in self.spec.context:
            self._context_value(key, elem.text)
        elif key == ("Bericht", "Header"):
            self._check_header()
        if self.record is not None and depth == record_depth:
            self._emit()
        self.last_done = self._where()
        self.segments.pop()
        self.counters.pop()
        _free(elem)

    # -- values -------------------------------------------------------------------------
    def _value(self, name: str, text: str | None) -> str | None:
        if text is None:
            return None
        text = text.strip()
        if len(text) > LIMITS.max_value_chars:
            self.problems.append(f"waarde van {name} is langer dan {LIMITS.max_value_chars} tekens")
            return None
        return text or None

    def _record_value(self, rel: tuple[str, ...], text: str | None) -> None:
        column = self.spec.fields.get(rel)
        if column is None:
            return
        if column in self.record:
            self.problems.append(f"element {'/'.join(rel)} komt meer dan eens voor")
        self.record[column] = self._value(rel[-1], text)

    def _context_value(self, key: tuple[str, ...], text: str | None) -> None:
        if key in self.context:
            raise FileRejected(
                f"Element {key[-1]} komt meer dan eens voor; het bericht is "
                "niet eenduidig en niet verwerkt.",
                self._where(),
            )
        self.context[key] = self._value(key[-1], text)

    def _forget_context(self, depth: int) -> None:
        """A new Client (or other container) starts: values of the previous one no longer apply."""
        prefix = tuple(self.stack[:depth])
        stale = [k for k in self.context if len(k) > depth and k[:depth] == prefix]
        for k in stale:
            del self.context[k]

    # -- message type and header ----------------------------------------------------------
    def _root(self, elem: etree._Element) -> None:
        check_docinfo(elem)
        qname = etree.QName(elem)
        spec, standard = _message_type(qname.namespace, qname.localname)
        self.spec, self.standard = spec, standard
        self.buffer = RowBuffer(spec.table, self.bron)
        self._ns = {qname.namespace, basis_namespace(standard)}

    def _local(self, tag: str) -> str:
        local = self.names.get(tag)
        if local is None:
            ns, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
            local = name if ns in self._ns else tag
            if len(self.names) < 10_000:
                self.names[tag] = local
        return local

    def _check_header(self) -> None:
        header = {
            column: value
            for (*_, name), value in self.context.items()
            if (column := _HEADER_COLUMNS.get(name))
        }
        _check_release(self.standard, self.spec, header)
        self.fixed = {self.spec.header[k]: header.get(k) for k in self.spec.header}

    # -- rows -------------------------------------------------------------------------
    def _emit(self) -> None:
        regel = self._where()
        reason = self._element_problem()
        if reason:
            self.sink.reject(self.spec.table, self.bron, regel, reason)
        else:
            self.buffer.append(self._row(), regel)
        self.record = None

    def _element_problem(self) -> str | None:
        if self.problems:
            return "Element niet verwerkt: " + "; ".join(self.problems) + "."
        if self.record.get("_status") == "3":
            return (
                "Element niet verwerkt: StatusAanlevering 3 (aanlevering verwijderen) trekt "
                "een eerdere melding in en is geen start- of stopmelding."
            )
        return None

    def _row(self) -> dict[str, str | None]:
        row = {
            self.spec.context[k]: v
            for k, v in self.context.items()
            if not self.spec.context[k].startswith("_")
        }
        row.update(self.fixed)
        row.update(self.record)
        row.update(self.spec.constants)
        if self.spec.table == "toewijzingen":
            _budget_unit(row, self.record)
        return row

    # -- failure ------------------------------------------------------------------------
    def _where(self) -> str:
        return "/" + "/".join(self.segments) if self.segments else "/"

    def _reject_file(self, reden: str, regel: str) -> None:
        tabel = self.spec.table if self.spec else UNKNOWN_TABLE
        self.sink.reject(tabel, self.bron, regel, reden)
        if self.buffer is not None and len(self.buffer):
            self.sink.reject_all(
                self.buffer,
                f"Niet verwerkt: het bestand als geheel is afgewezen ({_first_sentence(reden)}).",
            )
        log.warning("xml %s rejected: %s", self.bron, _first_sentence(reden))


_HEADER_COLUMNS = {
    "BerichtCode": "_code",
    "BerichtVersie": "_versie",
    "BerichtSubversie": "_subversie",
    "Afzender": "_afzender",
    "Ontvanger": "_ontvanger",
}


def _message_type(namespace: str | None, local: str) -> tuple[MessageSpec, str]:
    if not namespace:
        raise FileRejected("Geen namespace op het root-element: dit is geen iWmo- of iJw-bericht.")
    m = NS_RE.match(namespace)
    if not m or m["std"] not in STANDARDS or STANDARDS[m["std"]][0] != m["prefix"]:
        raise FileRejected(f"Onbekende namespace '{namespace}': dit is geen iWmo- of iJw-bericht.")
    display = STANDARDS[m["std"]][1]
    if (m["major"], m["minor"]) != SUPPORTED_RELEASE:
        raise FileRejected(
            f"{display}-versie {m['major']}.{m['minor']} wordt niet ondersteund: "
            f"alleen {display} 3.2 wordt ingelezen (namespace '{namespace}')."
        )
    spec = SPECS.get(m["nummer"])
    if spec is None:
        raise FileRejected(
            f"Berichttype {m['prefix']}{m['nummer']} wordt niet ingelezen: "
            "alleen 301, 305, 307 en 323."
        )
    if local != "Bericht":
        raise FileRejected(f"Root-element heet '{local}' in plaats van 'Bericht'.")
    return spec, m["std"]


def _check_release(standard: str, spec: MessageSpec, header: dict[str, str | None]) -> None:
    display = STANDARDS[standard][1]
    versie = f"{header.get('_versie')}.{header.get('_subversie')}"
    if (header.get("_versie"), header.get("_subversie")) != SUPPORTED_RELEASE:
        raise FileRejected(
            f"Header meldt {display}-versie {versie} (BerichtVersie."
            f"BerichtSubversie): alleen {display} 3.2 wordt ingelezen.",
            "/Bericht/Header",
        )
    expected = BERICHT_CODES[standard][spec.nummer]
    if header.get("_code") != expected:
        raise FileRejected(
            f"BerichtCode '{header.get('_code')}' past niet bij bericht "
            f"{STANDARDS[standard][0]}{spec.nummer} (verwacht {expected}).",
            "/Bericht/Header",
        )


def _budget_unit(row: dict[str, str | None], record: dict[str, str | None]) -> None:
    """A budget allocation has no Omvang: its unit is euro's over the whole validity."""
    if "_omvang" not in record and row.get("budget_cents") is not None:
        row["eenheid"], row["frequentie"] = BUDGET_EENHEID, BUDGET_FREQUENTIE


def _free(elem: etree._Element) -> None:
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def _error_position(parser: etree.XMLPullParser, exc: etree.XMLSyntaxError) -> tuple[int, int]:
    errors = [e for e in parser.feed_error_log if e.level_name in ("ERROR", "FATAL")]
    if errors:
        return errors[0].line, errors[0].column
    return exc.position or (0, 0)


def _syntax_reason(parser: etree.XMLPullParser, exc: etree.XMLSyntaxError) -> str:
    errors = [e for e in parser.feed_error_log if e.level_name in ("ERROR", "FATAL")]
    message = errors[0].message if errors else exc.msg
    line, column = _error_position(parser, exc)
    return (
        f"Geen geldige XML (regel {line}, kolom {column}: {message.strip()}); "
        "het bestand is niet verwerkt."
    )


def _first_sentence(text: str) -> str:
    return text.split("; ")[0].rstrip(".")
