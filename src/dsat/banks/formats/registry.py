"""Every bank format dsat reads or writes, in one list.

Each format is one module of `dsat.banks.formats` defining an object with the attributes
and methods of `Format` (its reader and, where the format can hold items, its writer).
`FORMATS` below lists them, one line each; detection, the command line's `--format` /
`--from` choices, the export suffixes and the table of formats in docs/formats.md all come
from that list. Adding a format is one new module and one line here.

The format modules import nothing heavy when they are imported (parsers, openpyxl and
pydantic come in when a file is read or written), because the command line builds its
choices from this list before it knows what it will do.

    python -m dsat.banks.formats.registry    # prints the table for docs/formats.md
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from dsat.banks.formats import aiken, dsatyaml, gift, guard, moodlexml, qti, qtipackage, sheet
from dsat.banks.formats.model import Exported, Native, ParseResult, Problem, SheetRows

if TYPE_CHECKING:
    from dsat.domain.items import Item

Records = ParseResult | SheetRows | Native


class Format(Protocol):
    """One bank format: how files are recognised, read and (maybe) written. Read-only:
    each format's entry is a frozen `Spec`."""

    # the value of --format / --from
    @property
    def name(self) -> str: ...
    # what trainers call it
    @property
    def label(self) -> str: ...
    # a file named so is in this format; the first is export's
    @property
    def suffixes(self) -> tuple[str, ...]: ...
    # what a folder given to `bank import` is searched for
    @property
    def searched(self) -> tuple[str, ...]: ...
    # how a file is recognised (Markdown, for docs/formats.md)
    @property
    def detected(self) -> str: ...
    # what the reader understands (Markdown)
    @property
    def reads(self) -> str: ...
    # what `bank export --format NAME` writes (Markdown); None: no writer
    @property
    def writes(self) -> str | None: ...
    # item type -> why the writer leaves such items out
    @property
    def cannot_hold(self) -> Mapping[str, str]: ...
    # dsat's own bank files: they say everything (read by dsat.banks.native)
    @property
    def native(self) -> bool: ...
    # `bank template --format NAME` writes an example file in it
    @property
    def template(self) -> bool: ...
    # None where the format has no writer
    @property
    def write(self) -> Callable[[Sequence[Item]], Exported] | None: ...
    # native formats: read all the run's files together with the framework (a LoadedBank)
    @property
    def read_bank(self) -> Callable[[Sequence[Path], Any], Any] | None: ...

    def sniff(self, path: Path, data: bytes) -> bool:
        """Whether the content says it is this format (the name too where content is not
        enough); tried in the order of `FORMATS` before the suffix."""
        ...

    def read(self, data: bytes) -> Records:
        """Questions in the format's own terms (ParseResult), spreadsheet rows (SheetRows),
        or Native: read with the framework and the other bank files by dsat.banks.native."""
        ...

    def estimate(self, data: bytes) -> int:
        """A cheap guess of the number of items, for the progress bar (0: no guess)."""
        ...


# In this order formats sniff a file (Aiken before GIFT: both may be .txt files), are
# offered on the command line and listed in docs/formats.md.
FORMATS: tuple[Format, ...] = (
    dsatyaml.FORMAT,
    aiken.FORMAT,
    gift.FORMAT,
    moodlexml.FORMAT,
    qtipackage.FORMAT,
    sheet.CSV,
    sheet.XLSX,
)
_BY_NAME = {f.name: f for f in FORMATS}


def get(name: str) -> Format:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}") from None


def names(*, writable: bool = False, template: bool = False) -> list[str]:
    """Format names in the registry's order: all, those with a writer, or the template ones."""
    return [
        f.name
        for f in FORMATS
        if (not writable or f.write is not None) and (not template or f.template)
    ]


def native() -> Format:
    """dsat's own format, whose files are read together with the framework."""
    return next(f for f in FORMATS if f.native)


def by_suffix(path: Path) -> Format | None:
    suffix = path.suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), None)


@dataclass(frozen=True)
class Refused:
    """Files dsat recognises and does not read: `check` gives the problem, or None."""

    label: str
    check: Callable[[Path, bytes], Problem | None]


def _wide(path: Path, data: bytes) -> Problem | None:
    return guard.encoding_problem(data)


def _qti12(path: Path, data: bytes) -> Problem | None:
    """An item file of QTI 1.2 (in a package, the package reader says it at the manifest)."""
    if data[:4] == b"PK\x03\x04" or b"<questestinterop" not in data[:4096]:
        return None
    return Problem(1, qti.QTI12, "format")


# Tried before the formats: a file that is one of these is refused with the reason.
REFUSED = (
    Refused("UTF-16 and UTF-32 text", _wide),
    Refused("IMS QTI 1.2 (Canvas, Blackboard)", _qti12),
)


def detect(path: Path, data: bytes) -> Format | Problem | None:
    """The format of a file: what its content says first (a zip holding imsmanifest.xml is
    a QTI package whatever its name), then its suffix; a Problem says why dsat does not
    read it (UTF-16 text, QTI 1.2); None when the format is unknown."""
    for r in REFUSED:
        problem = r.check(path, data)
        if problem:
            return problem
    for f in FORMATS:
        if f.sniff(path, data):
            return f
    return by_suffix(path)


def searched_suffixes() -> tuple[str, ...]:
    """What a folder is searched for (.txt is too common to be taken for GIFT unasked)."""
    return tuple(dict.fromkeys(s for f in FORMATS for s in f.searched))


def export(items: Sequence[Item], name: str) -> Exported:
    """Items in format `name`; items of a type the format cannot hold are left out, named in
    `Exported.skipped` with the reason."""
    fmt = get(name)
    if fmt.write is None:
        raise ValueError(f"dsat does not write {fmt.label}")
    held = [i for i in items if i.type not in fmt.cannot_hold]
    out = fmt.write(held)
    skipped = [f"{fmt.cannot_hold[i.type]}: {i.id}" for i in items if i.type in fmt.cannot_hold]
    out.skipped[:0] = skipped
    return out


def docs_table() -> str:
    """The table of formats in docs/formats.md (tests/test_format_registry.py checks it)."""
    rows = [
        "| format | `--format` | recognised by | reads | writes (`bank export --format`) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in FORMATS:
        if f.write is None or f.writes is None:
            writes = "—"
        else:
            held = f"all but {', '.join(f.cannot_hold)}" if f.cannot_hold else "every type"
            writes = f"`{f.name}`: {f.writes}; {held}"
        rows.append(f"| {f.label} | `{f.name}` | {f.detected} | {f.reads} | {writes} |")
    searched = ", ".join(f"`{s}`" for s in searched_suffixes())
    rows += ["", f"A folder is searched for files named {searched}."]
    refused = "; ".join(r.label for r in REFUSED)
    rows += ["", f"Recognised and refused with the reason: {refused}."]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(docs_table(), end="")
