"""What a bank file from outside must pass before it is parsed, and the limits it must keep.

Sizes, depths and expansion are bounded before any parser runs, so that a small hostile
file cannot make dsat use much time or memory; texts must be literal (no control or
bidirectional formatting characters); text files must be UTF-8. Every refusal is a
located `Problem`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dsat.banks.formats.model import Problem

MB = 1024 * 1024
MAX_FILE_BYTES = 64 * MB  # any one bank file, checked before it is read
MAX_YAML_DEPTH = 40  # nesting of YAML collections (a bank file needs about 6)
MAX_XML_DEPTH = 100  # nesting of XML elements (QTI items need about 15)
# zips: QTI content packages and XLSX workbooks
MAX_ZIP_ENTRIES = 20_000
MAX_QTI_MEMBER = 5 * MB  # the manifest, or one item's XML
MAX_QTI_TOTAL = 100 * MB  # uncompressed bytes read from one package
MAX_QTI_ITEMS = 10_000  # item files one manifest may list
MAX_XLSX_MEMBER = 64 * MB  # one part of a workbook (a sheet, the shared strings)
MAX_XLSX_TOTAL = 128 * MB  # all the parts of a workbook openpyxl reads
PROLOG_BYTES = 64 * 1024  # what is read of each XLSX part to find a DTD before its root
MAX_RATIO = 100  # uncompressed : compressed, for members over RATIO_FROM bytes
RATIO_FROM = MB
MAX_REPORTED = 5  # lines reported for one kind of problem in a file, then a count

# C0 controls but tab and line ends, DEL, C1 controls, and the bidirectional embeddings,
# overrides and isolates (which can make text read differently from what it says).
_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def size_text(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB / 10 else f"{n:,} bytes"


def describe(ch: str) -> str:
    """`U+001B (a control character)` and the like."""
    kind = (
        "a bidirectional formatting character"
        if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069"
        else "a control character"
    )
    return f"U+{ord(ch):04X} ({kind})"


def forbidden_message(ch: str) -> str:
    return f"{describe(ch)} is not allowed in bank text: remove it"


# ---------------------------------------------------------------- encodings


def wide_encoding(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' when the bytes are text in one (by its byte order mark, or by
    the zero bytes between ASCII characters), else None."""
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    head = data[:512]
    if len(head) < 8 or data[:4] == b"PK\x03\x04":
        return None
    for width, name in ((4, "UTF-32"), (2, "UTF-16")):
        units = [head[i : i + width] for i in range(0, len(head) - width + 1, width)]
        ascii_units = sum(1 for u in units if u.count(0) == width - 1 and any(u))
        if ascii_units >= 0.8 * len(units):
            return name
    return None


def encoding_problem(data: bytes) -> Problem | None:
    wide = wide_encoding(data)
    return Problem(1, f"{wide} text: save the file as UTF-8", "encoding") if wide else None


def decode_text(
    data: bytes, advice: str = "", *, newlines: bool = True
) -> tuple[str, list[Problem]]:
    """A text file's text, or the problems that stop it being read: UTF-16/32, bytes that
    are not UTF-8 (at the line of the first; `advice` says what to do), control and
    bidirectional formatting characters (at their lines). A BOM is dropped; line ends
    become \\n unless `newlines` is false."""
    wide = encoding_problem(data)
    if wide:
        return "", [wide]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return "", [Problem(line, f"not UTF-8 text: {advice}" if advice else "not UTF-8 text")]
    problems = raw_text_problems(text)
    if problems:
        return "", problems
    if newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def size_problem(size: int) -> Problem | None:
    """A file too large to be read at all."""
    if size <= MAX_FILE_BYTES:
        return None
    return Problem(
        0,
        f"the file is {size_text(size)}; a bank file may have at most {size_text(MAX_FILE_BYTES)}",
        "size",
    )


# ---------------------------------------------------------------- characters


def raw_text_problems(text: str) -> list[Problem]:
    """Control and bidirectional formatting characters in a text file, by line: the first
    `MAX_REPORTED` lines that have one, then how many more lines do."""
    if not _RAW.search(text):
        return []
    problems: list[Problem] = []
    more = 0
    for no, line in enumerate(text.split("\n"), 1):
        m = _RAW.search(line)
        if m is None:
            continue
        if len(problems) < MAX_REPORTED:
            where = f"{describe(m.group())} at column {m.start() + 1}"
            problems.append(Problem(no, f"{where} is not allowed: remove it", "text"))
        else:
            more += 1
    if more:
        problems.append(
            Problem(problems[-1].where, f"and {more} more lines with such characters", "text")
        )
    return problems


def first_forbidden(text: str) -> str | None:
    """The first character item text may not hold (line breaks other than \\n included)."""
    m = _IN_TEXT.search(text)
    return m.group() if m else None


def text_fields(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, text) of every string in an item's dict, for checking them all."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from text_fields(v, (*path, k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from text_fields(v, (*path, i))


def _any_forbidden(value: Any) -> bool:
    """Whether some string in `value` holds a character text may not hold (one search)."""
    stack, strings = [value], []
    while stack:
        v = stack.pop()
        kind = type(v)
        if kind is str:
            strings.append(v)
        elif kind is dict:
            stack.extend(v.values())
        elif kind is list or kind is tuple:
            stack.extend(v)
    return _IN_TEXT.search("\n".join(strings)) is not None


def forbidden_in(value: Any) -> list[tuple[tuple[Any, ...], str]]:
    """(path, message) for each string in `value` holding a character text may not hold."""
    if not _any_forbidden(value):
        return []
    out = []
    for path, text in text_fields(value):
        ch = first_forbidden(text)
        if ch is not None:
            out.append((path, forbidden_message(ch)))
    return out


def dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# ---------------------------------------------------------------- YAML nesting

_ENDS_PLAIN_BLOCK = re.compile(r":(?=[ \t\n]|$)|(?<=[ \t])#|\n")
_ENDS_PLAIN_FLOW = re.compile(r":(?=[ \t\n]|$)|(?<=[ \t])#|[\n,\[\]{}]")
_BLANKS = re.compile(r"[ \t]*")
_TO_EOL = re.compile(r"[^\n]*")
_ANCHOR = re.compile(r"[0-9A-Za-z_-]*")
_TAG = re.compile(r"[^ \t\n,\[\]{}]*")
_SINGLE_END = re.compile(r"'(?!')|''|\n")
_DOUBLE_END = re.compile(r'["\\\n]')
_DEEP_START = re.compile(r"^(?:[ \t]|[-?:][ \t])")


def _run_end(pattern: re.Pattern[str], text: str, i: int) -> int:
    """Where the run of `pattern` at i ends: _BLANKS, _TO_EOL, _ANCHOR and _TAG match the
    empty string, so they always match."""
    m = pattern.match(text, i)
    assert m is not None
    return m.end()


def yaml_depth_problem(text: str, limit: int = MAX_YAML_DEPTH) -> Problem | None:
    """A problem at the first line where collections nest deeper than `limit`, found before
    any YAML parser runs: parsers take time that grows with the square of the depth of
    flow collections (`[[[[…`). Files that cannot be that deep (few brackets, little
    indentation) are passed at once; others are scanned once, by libyaml's rules."""
    brackets = text.count("[") + text.count("{")
    deep_lines = re.compile(f"{_DEEP_START.pattern}{{{(limit - 1) // 2}}}", re.M)
    if brackets <= limit and not deep_lines.search(text):
        return None
    line = _YamlDepth(text, limit).run()
    if line is None:
        return None
    return Problem(
        line, f"nested more than {limit} levels deep (a bank file needs about 6)", "nesting"
    )


class _YamlDepth:
    """How deep YAML collections nest, in one pass over the characters.

    Follows the token rules of libyaml's scanner (which ryaml's parser is a port of): block
    collections open at the columns of `- `, `? ` and keys and close on less indentation;
    `[` and `{` open flow collections; quoted, plain and block scalars and comments are
    text. Depth is block levels plus flow levels.
    """

    def __init__(self, text: str, limit: int):
        self.text, self.limit = text, limit
        self.indents: list[int] = []
        self.flow = 0
        self.allowed = True  # a simple key may start here (libyaml's simple_key_allowed)
        self.key: tuple[int, int] | None = None  # (line, column) of the block-level key
        self.line, self.line_start = 1, 0

    def too_deep(self) -> bool:
        return len(self.indents) + self.flow > self.limit

    def newline(self, i: int) -> None:
        self.line += 1
        self.line_start = i + 1

    def roll(self, column: int) -> bool:
        if not self.indents or column > self.indents[-1]:
            self.indents.append(column)
        return self.too_deep()

    def save_key(self, column: int) -> None:
        if self.allowed and self.flow == 0:
            self.key = (self.line, column)

    def run(self) -> int | None:
        text, n = self.text, len(self.text)
        i = 0
        while i < n:
            ch = text[i]
            if ch in " \t":
                i = _run_end(_BLANKS, text, i)
                continue
            if ch == "#":
                i = _run_end(_TO_EOL, text, i)
                continue
            if ch == "\n":
                self.newline(i)
                if self.flow == 0:
                    self.allowed = True
                i += 1
                continue
            col = i - self.line_start
            if self.key and self.key[0] != self.line:
                self.key = None  # a simple key ends with its line
            if self.flow == 0:
                while self.indents and self.indents[-1] > col:
                    self.indents.pop()
            nxt = text[i + 1] if i + 1 < n else "\n"
            blank_next = nxt in " \t\n"
            if col == 0 and ch == "%":
                i = _run_end(_TO_EOL, text, i)
            elif col == 0 and text.startswith(("---", "..."), i) and text[i + 3 : i + 4] in " \t\n":
                self.indents.clear()
                self.key, self.allowed = None, False
                i += 3
            elif ch in "[{":
                self.save_key(col)
                self.flow += 1
                if self.too_deep():
                    return self.line
                self.allowed = True
                i += 1
            elif ch in "]}":
                self.flow = max(0, self.flow - 1)
                self.allowed = False
                i += 1
            elif ch == ",":
                if self.flow == 0:
                    self.key = None
                self.allowed = True
                i += 1
            elif (ch == "-" and blank_next) or (ch == "?" and (self.flow or blank_next)):
                if self.flow == 0 and self.roll(col):
                    return self.line
                self.key = None
                self.allowed = True if ch == "-" else self.flow == 0
                i += 1
            elif ch == ":" and (self.flow or blank_next):
                if self.flow == 0:
                    if self.roll(self.key[1] if self.key else col):
                        return self.line
                    self.key = None
                self.allowed = self.flow == 0
                i += 1
            elif ch in "&*!":
                self.save_key(col)
                self.allowed = False
                i = _run_end(_TAG if ch == "!" else _ANCHOR, text, i + 1)
            elif ch in "|>" and self.flow == 0:
                i = self.block_scalar(i)
            elif ch in "'\"":
                self.save_key(col)
                i = self.quoted(i)
                self.allowed = False
            else:
                self.save_key(col)
                i = self.plain(i)
        return None

    def quoted(self, i: int) -> int:
        text, n = self.text, len(self.text)
        end = _SINGLE_END if text[i] == "'" else _DOUBLE_END
        i += 1
        while i < n:
            m = end.search(text, i)
            if m is None:
                return n
            tok = m.group()
            if tok == "\n":
                self.newline(m.start())
                i = m.end()
            elif tok in ("''", "\\"):
                i = m.end() + (1 if tok == "\\" else 0)
                if tok == "\\" and i - 1 < n and text[i - 1] == "\n":
                    self.newline(i - 1)
            else:
                return m.end()
        return n

    def plain(self, i: int) -> int:
        """The end of a plain scalar starting at i (it may go on over lines)."""
        text, n = self.text, len(self.text)
        ends = _ENDS_PLAIN_FLOW if self.flow else _ENDS_PLAIN_BLOCK
        consumed_break = False
        while True:
            m = ends.search(text, i)
            if m is None:
                return n
            if m.group() != "\n":
                j = m.start()
                # text before a ':' or '#' ends with the blanks the scalar does not hold
                self.allowed = consumed_break
                return j
            # a line break: the scalar goes on if the next text is indented enough
            j = m.start()
            k = j
            while k < n and text[k] in " \t\n":
                if text[k] == "\n":
                    self.newline(k)
                k += 1
            consumed_break = True
            self.allowed = True
            if k >= n:
                return n
            col = k - self.line_start
            indent = (self.indents[-1] if self.indents else -1) + 1
            if (
                text[k] == "#"
                or (
                    col == 0
                    and text.startswith(("---", "..."), k)
                    and text[k + 3 : k + 4] in " \t\n"
                )
                or (self.flow == 0 and col < indent)
            ):
                return k
            i = k

    def block_scalar(self, i: int) -> int:
        text, n = self.text, len(self.text)
        header = _run_end(_TO_EOL, text, i)
        digits = [c for c in text[i:header].split("#")[0] if c.isdigit()]
        parent = self.indents[-1] if self.indents else -1
        self.key, self.allowed = None, True
        if header >= n:
            return n
        self.newline(header)
        i = header + 1
        if digits and digits[0] != "0":
            indent = (parent if parent >= 0 else 0) + int(digits[0])
        else:  # the first line with text sets the indentation
            indent, k = 0, i
            while k < n:
                e = _run_end(_BLANKS, text, k)
                indent = max(indent, e - k)
                if e < n and text[e] == "\n":
                    k = e + 1
                    continue
                break
            indent = max(indent, parent + 1, 1)
        while i < n:
            e = _run_end(_BLANKS, text, i)
            if e < n and text[e] != "\n" and e - i < indent:
                return i  # a line indented less: the scalar has ended
            eol = text.find("\n", i)
            if eol < 0:
                return n
            self.newline(eol)
            i = eol + 1
        return n
