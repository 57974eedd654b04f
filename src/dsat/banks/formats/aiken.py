"""Aiken: single-answer multiple choice, one question per block.

Follows Moodle's reader (question/format/aiken/format.php): a question line, choice lines
`A) text` or `A. text` (the space is optional), then `ANSWER: X`. Bad blocks are reported
with Moodle's wording at the line where they are found.
"""

from __future__ import annotations

import re
from pathlib import Path

from dsat.banks.formats.guard import decode_text
from dsat.banks.formats.model import (
    ForeignAnswer,
    ForeignQuestion,
    ParseResult,
    Problem,
)
from dsat.banks.formats.spec import Spec

_CHOICE = re.compile(r"^([A-Z])[).][ \t]?(.*)$")
_ANSWER = re.compile(r"^ANSWER:\s*(.*)$")


def read(text: str) -> ParseResult:
    result = ParseResult()
    current: ForeignQuestion | None = None
    letters: list[str] = []
    for no, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if len(line) < 2:
            continue
        choice = _CHOICE.match(line)
        answer = _ANSWER.match(line)
        if choice and not answer:
            if current is None:
                result.problems.append(Problem(no, "Question not started"))
                continue
            letters.append(choice.group(1))
            current.answers.append(ForeignAnswer(choice.group(2).strip(), 0.0, "", "plain"))
        elif answer:
            if current is None:
                result.problems.append(Problem(no, "Question not started"))
                continue
            if len(current.answers) < 2:
                result.problems.append(
                    Problem(
                        no,
                        f"Error importing question {current.name}: "
                        "Question must have at least 2 answers",
                    )
                )
                current = None
                continue
            letter = answer.group(1).strip()[:1].upper()
            if letter not in letters:
                result.problems.append(
                    Problem(
                        no,
                        f"Error importing question {current.name}: ANSWER {letter or '(none)'} "
                        f"is not one of the choices {', '.join(letters)}",
                    )
                )
                current = None
                continue
            current.answers[letters.index(letter)].fraction = 1.0
            result.questions.append(current)
            current = None
        else:
            if current is not None:
                result.problems.append(
                    Problem(
                        no,
                        f"Error importing question {current.name}: "
                        "Question not completed before next question start",
                    )
                )
            current = ForeignQuestion(
                qtype="multichoice",
                name=line[:80],
                questiontext=line,
                questiontextformat="plain",
                generalfeedbackformat="plain",
                single=True,
                line=no,
            )
            letters = []
    if current is not None:
        result.problems.append(
            Problem(current.line, f"Error importing question {current.name}: no ANSWER line")
        )
    return result


def write_question(stem: str, options: list[str], key_index: int) -> str:
    lines = [" ".join(stem.split())]
    lines += [f"{chr(65 + i)}) {' '.join(o.split())}" for i, o in enumerate(options)]
    lines.append(f"ANSWER: {chr(65 + key_index)}")
    return "\n".join(lines)


def _read_file(data: bytes) -> ParseResult:
    text, problems = decode_text(data, "Aiken files must be saved as UTF-8")
    return ParseResult(problems=problems) if problems else read(text)


def _sniff(path: Path, data: bytes) -> bool:
    """A .txt file with `ANSWER:` lines and no GIFT braces."""
    if path.suffix.lower() != ".txt":
        return False
    head = data[:4096].decode("utf-8", "replace")
    lines = [ln.strip() for ln in head.splitlines()]
    return any(ln.startswith("ANSWER:") for ln in lines) and "{" not in head


FORMAT = Spec(
    name="aiken",
    label="Aiken",
    suffixes=(".aiken",),
    searched=(".aiken",),
    detected="`.aiken`; `.txt` with `ANSWER:` lines and no `{`",
    reads="single-answer multiple choice",
    read=_read_file,
    sniff=_sniff,
    estimate=lambda data: data.count(b"ANSWER:"),
)
