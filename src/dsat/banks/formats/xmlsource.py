"""Reading XML from outside: line numbers per element; no DTD, entity declaration or deep
nesting; no control or bidirectional formatting characters in texts; UTF-8 (or another
encoding expat reads that is not UTF-16/32)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dsat.banks.formats.guard import MAX_XML_DEPTH, describe, wide_encoding

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

# C0 controls but tab and line ends, and DEL: bytes no ASCII-compatible encoding uses
# inside other characters, so they are found before any decoding.
_C0 = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class XmlProblem(ValueError):
    def __init__(self, line: int, message: str, field: str = "xml"):
        super().__init__(message)
        self.line = line
        self.field = field


@dataclass
class XmlDoc:
    root: ET.Element
    lines: dict[int, int]  # id(element) -> line of its start tag

    def line(self, el: ET.Element | None) -> int:
        return self.lines.get(id(el), 0) if el is not None else 0


def _check_bytes(data: bytes) -> None:
    wide = wide_encoding(data)
    if wide:
        raise XmlProblem(1, f"{wide} text: save the file as UTF-8", "encoding")
    m = _C0.search(data)
    if m:
        line = data[: m.start()].count(b"\n") + 1
        ch = chr(data[m.start()])
        raise XmlProblem(line, f"{describe(ch)} is not allowed: remove it", "text")


def parse(data: bytes, max_depth: int = MAX_XML_DEPTH) -> XmlDoc:
    """Parse XML bytes; raise XmlProblem with the line of the first problem.

    A document type declaration (<!DOCTYPE …>, and with it every entity declaration) is
    refused by expat's own handler as it is met, whatever the file's encoding.
    """
    import xml.etree.ElementTree as ET
    import xml.parsers.expat as pyexpat

    _check_bytes(data)
    lines: dict[int, int] = {}
    keep: list[ET.Element] = []  # ids stay unique while the elements live
    builder = ET.TreeBuilder(insert_comments=True)
    expat = pyexpat.ParserCreate(namespace_separator="}")
    depth = [0]

    def literal(text: str, field: str, line: int | None = None) -> None:
        m = _IN_TEXT.search(text)
        if m:
            at = expat.CurrentLineNumber if line is None else line
            raise XmlProblem(at, f"{describe(m.group())} is not allowed: remove it", field)

    def start(tag: str, attrs: dict[str, str]) -> None:
        depth[0] += 1
        if depth[0] > max_depth:
            raise XmlProblem(
                expat.CurrentLineNumber, f"elements nested more than {max_depth} deep", "nesting"
            )
        for k, v in attrs.items():
            literal(v, _name(k).rsplit("}", 1)[-1])
        el = builder.start(_name(tag), {_name(k): v for k, v in attrs.items()})
        lines[id(el)] = expat.CurrentLineNumber
        keep.append(el)

    def end(tag: str) -> None:
        depth[0] -= 1
        builder.end(_name(tag))

    def data_handler(text: str) -> None:
        m = _IN_TEXT.search(text)
        if m:  # buffered text is handed over at the next markup: count back its lines
            line = expat.CurrentLineNumber - text.count("\n", m.start())
            literal(text, "text", line)
        builder.data(text)

    def comment(text: str) -> None:
        literal(text, "comment", expat.CurrentLineNumber - text.count("\n"))
        builder.comment(text)

    def doctype(*_: object) -> None:
        raise XmlProblem(
            expat.CurrentLineNumber,
            "a document type declaration (<!DOCTYPE …>) is not accepted in XML files",
            "DOCTYPE",
        )

    def entity(*_: object) -> None:
        raise XmlProblem(
            expat.CurrentLineNumber, "entity declarations are not accepted in XML files", "ENTITY"
        )

    expat.StartElementHandler = start
    expat.EndElementHandler = end
    expat.CharacterDataHandler = data_handler
    expat.CommentHandler = comment
    expat.StartDoctypeDeclHandler = doctype
    expat.EntityDeclHandler = entity
    expat.buffer_text = True
    try:
        expat.Parse(data, True)
        root = builder.close()
    except pyexpat.ExpatError as exc:
        raise XmlProblem(
            exc.lineno, f"not well-formed XML: {pyexpat.errors.messages[exc.code]}"
        ) from None
    except AssertionError:  # TreeBuilder: no element at all
        raise XmlProblem(1, "not well-formed XML: no element found") from None
    doc = XmlDoc(root, lines)
    doc._keep = keep  # type: ignore[attr-defined]
    return doc


def prolog_problem(head: bytes) -> XmlProblem | None:
    """A DTD (and with it any entity declaration) or a wide encoding in XML another library
    will parse (the parts of an XLSX workbook), from the first bytes of the file: a DTD can
    stand only before the root element, which must begin within `head`."""
    import xml.parsers.expat as pyexpat

    wide = wide_encoding(head)
    if wide:
        return XmlProblem(1, f"{wide} text: save the file as UTF-8", "encoding")
    expat = pyexpat.ParserCreate()

    class _Found(Exception):
        def __init__(self, problem: XmlProblem | None):
            self.problem = problem

    def doctype(*_: object) -> None:
        raise _Found(
            XmlProblem(
                expat.CurrentLineNumber,
                "a document type declaration (<!DOCTYPE …>) is not accepted",
                "DOCTYPE",
            )
        )

    def root(*_: object) -> None:
        raise _Found(None)

    expat.StartDoctypeDeclHandler = doctype
    expat.StartElementHandler = root
    try:
        expat.Parse(head, False)
    except _Found as found:
        return found.problem
    except pyexpat.ExpatError as exc:
        return XmlProblem(exc.lineno, f"not well-formed XML: {pyexpat.errors.messages[exc.code]}")
    return XmlProblem(
        expat.CurrentLineNumber, f"no root element in the first {len(head):,} bytes", "xml"
    )


def _name(raw: str) -> str:
    return "{" + raw if "}" in raw else raw


def local(tag: str) -> str:
    """A tag without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
