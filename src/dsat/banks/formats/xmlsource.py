"""Reading XML from outside: line numbers per element, no entity declarations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)


class XmlProblem(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class XmlDoc:
    root: ET.Element
    lines: dict[int, int]  # id(element) -> line of its start tag

    def line(self, el: ET.Element | None) -> int:
        return self.lines.get(id(el), 0) if el is not None else 0


def parse(data: bytes) -> XmlDoc:
    """Parse XML bytes; raise XmlProblem with the line of the first error."""
    import xml.etree.ElementTree as ET
    import xml.parsers.expat as pyexpat

    m = _ENTITY_DECL.search(data)
    if m:
        line = data[: m.start()].count(b"\n") + 1
        raise XmlProblem(line, "entity declarations are not accepted in XML files")
    lines: dict[int, int] = {}
    keep: list[ET.Element] = []  # ids stay unique while the elements live
    builder = ET.TreeBuilder(insert_comments=True)
    expat = pyexpat.ParserCreate(namespace_separator="}")

    def start(tag: str, attrs: dict[str, str]) -> None:
        el = builder.start(_name(tag), {_name(k): v for k, v in attrs.items()})
        lines[id(el)] = expat.CurrentLineNumber
        keep.append(el)

    expat.StartElementHandler = start
    expat.EndElementHandler = lambda tag: builder.end(_name(tag))
    expat.CharacterDataHandler = builder.data
    expat.CommentHandler = builder.comment
    expat.buffer_text = True
    try:
        expat.Parse(data, True)
        root = builder.close()
    except pyexpat.ExpatError as exc:
        raise XmlProblem(
            exc.lineno, f"not well-formed XML: {pyexpat.errors.messages[exc.code]}"
        ) from None
    doc = XmlDoc(root, lines)
    doc._keep = keep  # type: ignore[attr-defined]
    return doc


def _name(raw: str) -> str:
    return "{" + raw if "}" in raw else raw


def local(tag: str) -> str:
    """A tag without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
