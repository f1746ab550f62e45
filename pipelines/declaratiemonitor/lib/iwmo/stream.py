"""The streaming reader: one message file read in chunks by a pull parser, in bounded memory.

Per file: the root element is sniffed first (namespace -> standard, release and message
type), then the file is fed in chunks to a non-validating pull parser that reports only the
message's container elements (Header, Client, Prestaties, Prestatie, ...). When a record element
(ToegewezenProduct, Prestatie, StartProduct, StopProduct) closes, its few children are read and
the element and its earlier siblings are freed, so memory stays bounded whatever the file size.
Values stay raw text: the SQL staging step validates them.

A file that fails as a whole (unsafe, not well-formed, truncated, wrong type or version) gives
no table rows: one `rejected` row for the file, plus one per element already parsed from it.
This reader is the reference: the fast path (fast.py) hands every file it is not sure about
to it, so rejections and their reasons are always this reader's.
"""

import io
import logging
from pathlib import Path

from lxml import etree

from declaratiemonitor.lib.iwmo import answers
from declaratiemonitor.lib.iwmo.message import (
    UNKNOWN_TABLE,
    budget_unit,
    check_release,
    deeper_than,
    element_problem,
    error_position,
    first_sentence,
    free,
    message_type,
    split_tag,
    syntax_reason,
    table_hint,
    tag_maps,
    text_of,
    values_of,
    walk,
)
from declaratiemonitor.lib.iwmo.rows import RowBuffer, Sink
from declaratiemonitor.lib.iwmo.safety import LIMITS, XmlRejected, new_parser, sniff_root
from declaratiemonitor.lib.iwmo.standard import (
    ANSWER_FIELDS,
    HEADER_FIELDS,
    INDEXED,
    MessageSpec,
    basis_namespace,
)

log = logging.getLogger(__name__)


class MessageReader:
    """Reads one file into rows of one contract table."""

    def __init__(self, path: Path, bron: str, sink: Sink, data: bytes | None = None) -> None:
        """`data`: the file's bytes when the caller has read them already (else `path`)."""
        self.path, self.bron, self.sink, self.data = path, bron, sink, data
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
        size = self.path.stat().st_size if self.data is None else len(self.data)
        if size > LIMITS.max_file_bytes:
            raise XmlRejected(
                f"Bestand is te groot ({size // 2**20} MB; de grens is "
                f"{LIMITS.max_file_bytes // 2**20} MB); het is niet gelezen."
            )
        with self.path.open("rb") if self.data is None else io.BytesIO(self.data) as f:
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
        namespace, local = split_tag(root_tag)
        self.table_hint = table_hint(namespace)
        self.spec, self.standard = message_type(namespace, local)
        self.buffer = RowBuffer(self.spec.table, self.bron)
        self.ns = namespace
        self.names, self.fields, self.header_tree, self.answer_tree = tag_maps(
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
            raise XmlRejected(syntax_reason(parser, exc), self._where()) from None
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
            raise XmlRejected(syntax_reason(parser, exc), self._where()) from None
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
        line, column = error_position(parser, exc)
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
        free(elem)

    def _check_depth(self, elem: etree._Element) -> None:
        allowed = LIMITS.max_depth - len(self.stack)
        if allowed < 1 or deeper_than(allowed)(elem):
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
            self.context[column] = text_of(found[0].text) if found else None

    # -- header -----------------------------------------------------------------------------
    def _check_header(self, header: etree._Element) -> None:
        values = {
            column: text_of(header.findtext(f"{{{self.ns}}}{name}"))
            for name, column in HEADER_FIELDS.items()
        }
        check_release(self.standard, self.spec, values)
        self.fixed = {column: values[k] for k, column in self.spec.header.items()}
        if self.header_tree:
            extra, problems = values_of(walk(header, self.header_tree), self.spec.header_fields)
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
        values, problems = values_of(walk(elem, self.fields), self.spec.fields)
        reason = element_problem(values, problems)
        if reason:
            self.sink.reject(self.spec.table, self.bron, regel, reason)
            return
        row = {**self.context, **self.fixed, **values, **self.spec.constants}
        if self.spec.table == "toewijzingen":
            budget_unit(row, values)
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
        values, problems = values_of(walk(elem, self.answer_tree), ANSWER_FIELDS)
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
                f"Niet verwerkt: het bestand als geheel is afgewezen ({first_sentence(reden)}).",
            )
        log.warning("xml %s rejected: %s", self.bron, first_sentence(reden))
