"""The format-neutral records: what every reader produces (in Moodle's terms) and what
every writer returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Text formats as Moodle names them; readers map their own spellings onto these.
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")


@dataclass
class ForeignAnswer:
    text: str
    fraction: float = 0.0
    feedback: str = ""
    format: str | None = None  # only where the format gives answers a text format
    feedbackformat: str = "moodle"
    tolerance: float | str | None = None  # numerical only; "" = none (Moodle's catch-all)


@dataclass
class SubQuestion:
    text: str
    format: str
    answer: str


@dataclass
class ForeignQuestion:
    """One question as its format states it.

    qtype is Moodle's name (multichoice, truefalse, shortanswer, numerical, match, essay,
    description, cloze, ...) or, for formats Moodle lacks, ordering / gapmatch.
    """

    qtype: str
    name: str
    questiontext: str
    questiontextformat: str = "moodle"
    line: int = 0
    generalfeedback: str = ""
    generalfeedbackformat: str = "moodle"
    single: bool | None = None
    answers: list[ForeignAnswer] = field(default_factory=list)
    correctanswer: bool | None = None
    feedbacktrue: str = ""
    feedbacktrueformat: str = "moodle"
    feedbackfalse: str = ""
    feedbackfalseformat: str = "moodle"
    subquestions: list[SubQuestion] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    category: str = ""
    case_sensitive: bool | None = None
    shuffle: bool | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # dsat's own fields, when it wrote the file
    location: str = ""  # how problems are located when not by line (XLSX: SHEET!ROW)


@dataclass
class Problem:
    """A problem in a source file; `where` is a line number or a sheet!row reference, `inner`
    the file inside a package (shown as PKG.zip:INNER:LINE)."""

    where: int | str
    message: str
    field: str = ""
    inner: str = ""


@dataclass
class ParseResult:
    """What a question format's reader gives: questions in Moodle's terms, and problems."""

    questions: list[ForeignQuestion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class SheetRows:
    """What a spreadsheet reader gives: each row's cells by column, where it is, problems."""

    rows: list[tuple[int | str, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Native:
    """dsat's own bank files: read together with the framework by `dsat.banks.native`."""

    problems: list[Problem] = field(default_factory=list)


# Patterns of marks that open and close end in (close|\Z): a mark never closed then costs
# one scan to the end of the text, not one per opening (which made such texts take time in
# the square of their length); what reached the end unclosed is kept as it is.
_TAG = re.compile(r"<[^>]*(>|\Z)")
# removed whole, before tags: a comment (to the end when it is never closed), and scripts
# and styles with what they hold
_HIDDEN = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style)\b.*?(?:</\1\s*>|\Z)", re.S | re.I)
_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*(>|\Z)", re.I)
_ITEM = re.compile(r"<\s*li\b[^>]*(>|\Z)", re.I)
_BLANKS = re.compile(r"[ \t\r\f\v]+")
_MANY_LINES = re.compile(r"\n\s*\n\s*\n+")
_LOOKS_TAG = re.compile(r"</?[A-Za-z][^>]*(>|\Z)")
_LOOKS_OTHER = re.compile(r"&[#\w]+;|<!--")


def _closed_sub(pattern: re.Pattern[str], new: str, text: str) -> str:
    """`pattern.sub(new, text)` for the matches whose mark was closed."""
    return pattern.sub(lambda m: new if m.group(1) else m.group(), text)


def strip_tags(text: str) -> str:
    return _closed_sub(_TAG, "", text)


def _looks_html(text: str) -> bool:
    return bool(_LOOKS_OTHER.search(text)) or any(m.group(1) for m in _LOOKS_TAG.finditer(text))


_CHAR_REF = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9a-fA-F]{1,6}));")


def _control_ref(m: re.Match[str]) -> str:
    """A character reference to a control character as the character itself, which the
    item checks then refuse by name (html.unescape would drop it without a word)."""
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    if (code < 0x20 and code not in (0x09, 0x0A)) or code == 0x7F:
        return chr(code)
    return m.group()


def to_plain(text: str, fmt: str) -> str:
    """Text as dsat shows it: literal characters, markup turned into line breaks."""
    import html

    if fmt in ("html", "moodle") and _looks_html(text):
        text = _closed_sub(_ITEM, "\n• ", _HIDDEN.sub("", text))
        text = _closed_sub(_BREAK, "\n", text.replace("\n", " ") if fmt == "html" else text)
        text = _CHAR_REF.sub(_control_ref, strip_tags(text))
        text = html.unescape(text).replace("\u00a0", " ")
        lines = [_BLANKS.sub(" ", ln).strip() for ln in text.split("\n")]
        text = _MANY_LINES.sub("\n\n", "\n".join(lines))
    return text.strip()


_MLANG2 = re.compile(r"\{mlang\s+([A-Za-z_-]+)\}(.*?)(\{mlang\}|\Z)", re.S)
_MLANG1 = re.compile(
    r"<span\s+(?:lang=\"([A-Za-z_-]+)\"\s+class=\"multilang\"|class=\"multilang\"\s+"
    r"lang=\"([A-Za-z_-]+)\")\s*>(.*?)(</span>|\Z)",
    re.S,
)
_XMLLANG = re.compile(r"<span\s+xml:lang=\"([A-Za-z_-]+)\"\s*>(.*?)(</span>|\Z)", re.S)


def _closed(pattern: re.Pattern[str], text: str) -> list[tuple[str, ...]]:
    """The groups of each match whose mark was closed (its last group), that one left out."""
    return [m.groups()[:-1] for m in pattern.finditer(text) if m.groups()[-1]]


def split_languages(text: str) -> dict[str, str]:
    """Texts per language from Moodle's multi-language markup, or {'': text} when none.

    Understands `{mlang vi}…{mlang}` (filter_multilang2), `<span lang="vi"
    class="multilang">…</span>` (Moodle's core filter) and `<span xml:lang="vi">…</span>`.
    """
    for pattern in (_MLANG2, _XMLLANG):
        found = _closed(pattern, text)
        if found:
            return {lang.lower()[:2]: body for lang, body in found}
    found1 = _closed(_MLANG1, text)
    if found1:
        return {(a or b).lower()[:2]: body for a, b, body in found1}
    return {"": text}


def join_languages(texts: dict[str, str]) -> str:
    """The inverse of split_languages: plain text when all languages agree."""
    values = list(dict.fromkeys(texts.values()))
    if len(values) == 1:
        return values[0]
    return "".join(f"{{mlang {lang}}}{body}{{mlang}}" for lang, body in texts.items())


@dataclass
class Exported:
    """A writer's output: the file's bytes, how many items it holds, which were left out."""

    data: bytes
    written: int
    skipped: list[str] = field(default_factory=list)  # "why: id"

    def skipped_summary(self) -> list[str]:
        """One line per reason: 'why (n): id, id, ...'."""
        groups: dict[str, list[str]] = {}
        for s in self.skipped:
            why, _, ident = s.rpartition(": ")
            groups.setdefault(why, []).append(ident)
        return [f"{why} ({len(ids)}): {', '.join(ids)}" for why, ids in groups.items()]
