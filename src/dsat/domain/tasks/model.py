"""What a generated practical task is: the candidate's view, the hidden key, the scoring.

A task item (type `task` in a bank) names a template; the template builds one variant of
the task from a seed (the attempt's, drawn when the form is made) and the item's settings.
The same seed always gives the same variant, so a resumed attempt and its result screen
rebuild exactly what the candidate saw. The variant has two parts kept apart: the view
(everything the candidate may see: a table, an inbox, a list of addresses, the question)
and the key (the right answer and how it was found), which no candidate screen receives.

Answer shapes: `number` and `text`: the text as typed; `marks`: one mark per message, in
the messages' order (None: not marked yet); `pick`: the chosen site ids.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from dsat.domain.text import LocalizedText, normalise, parse_number

AnswerKind = Literal["number", "text", "marks", "pick"]
ColumnKind = Literal["text", "int", "money", "date", "code", "label"]
Cell = str | int | float

# The three ways a message can be handled in an inbox task, in the order they are offered.
MARKS: tuple[str, ...] = ("safe", "phishing", "report")
MARK_NAMES: dict[str, LocalizedText] = {
    "safe": LocalizedText(vi="An toàn", en="Safe"),
    "phishing": LocalizedText(vi="Lừa đảo", en="Phishing"),
    "report": LocalizedText(vi="Báo cáo CNTT", en="Report to IT"),
}
# Credit per message for (right mark, given mark): a genuine message flagged costs credit,
# and telling a work lure from a personal one wrongly still earns half.
MARK_CREDIT: dict[tuple[str, str], float] = {
    ("safe", "safe"): 1.0,
    ("safe", "phishing"): -0.5,
    ("safe", "report"): -0.5,
    ("phishing", "phishing"): 1.0,
    ("phishing", "report"): 0.5,
    ("phishing", "safe"): 0.0,
    ("report", "report"): 1.0,
    ("report", "phishing"): 0.5,
    ("report", "safe"): 0.0,
}


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Column(_View):
    """A column of a data table. `label` columns hold codes shown by their `labels` in the
    candidate's language (a status, a course); the others are shown as they are (money as
    Vietnamese forms write it, dates as dd/mm/yyyy)."""

    name: LocalizedText
    kind: ColumnKind = "text"
    labels: dict[str, LocalizedText] = {}

    def show(self, cell: Cell, lang: Literal["vi", "en"]) -> str:
        if self.kind == "label":
            label = self.labels.get(str(cell))
            return label.get(lang) if label else str(cell)
        if self.kind == "money" and isinstance(cell, int | float):
            return f"{int(cell):,}".replace(",", ".")
        if self.kind == "date" and isinstance(cell, str) and len(cell) == 10:
            return f"{cell[8:10]}/{cell[5:7]}/{cell[0:4]}"  # stored ISO, so it sorts
        return str(cell)


class Table(_View):
    """A data table: shown sortable and filterable, and offered as CSV and XLSX files."""

    name: str  # file name stem, e.g. "training-records"
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


class Link(_View):
    text: str  # what the message shows
    target: str  # where it really goes (shown when the link is focused)


class Message(_View):
    sender_name: str
    sender_address: str
    subject: LocalizedText
    body: LocalizedText
    received: str  # dd/mm/yyyy hh:mm
    links: tuple[Link, ...] = ()
    attachments: tuple[str, ...] = ()


class Site(_View):
    id: str
    address: str  # the full address as the browser's bar would show it
    title: LocalizedText  # what the page says it is


class TaskView(_View):
    """Everything a candidate may see of one variant; never the key."""

    template: str
    kind: Literal["data", "inbox", "sites"]
    answer_kind: AnswerKind
    prompt: LocalizedText  # the variant's own question, under the item's stem
    table: Table | None = None
    messages: tuple[Message, ...] = ()
    sites: tuple[Site, ...] = ()
    unit: LocalizedText | None = None  # for a number answer


class TaskKey(BaseModel):
    """The right answer of one variant, and how it follows from the generated data."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    number: float | None = None
    tolerance: float = 0.0
    texts: tuple[str, ...] = ()  # accepted text answers (case and diacritics forgiven)
    marks: tuple[str, ...] = ()  # one per message
    picks: tuple[str, ...] = ()  # the genuine site ids
    working: LocalizedText  # how the answer is found, for the practice result screen


class AnswerProblem(ValueError):
    """An answer that does not fit the task (wrong shape, unknown mark or site)."""


def check_task_answer(view: TaskView, answer: Any) -> Any:
    """The answer in canonical form, or AnswerProblem."""
    if answer is None:
        return None
    match view.answer_kind:
        case "number" | "text":
            if not isinstance(answer, str):
                raise AnswerProblem("expected text")
            if len(answer) > 2000:
                raise AnswerProblem("answer longer than 2000 characters")
            return answer
        case "marks":
            if not isinstance(answer, list | tuple) or len(answer) != len(view.messages):
                raise AnswerProblem(f"expected {len(view.messages)} marks")
            bad = [m for m in answer if m is not None and m not in MARKS]
            if bad:
                raise AnswerProblem(f"unknown mark {bad[0]!r}")
            return list(answer)
        case "pick":
            if not isinstance(answer, list | tuple):
                raise AnswerProblem("expected a list of sites")
            ids = [s.id for s in view.sites]
            bad = [a for a in answer if a not in ids]
            if bad:
                raise AnswerProblem(f"unknown site {bad[0]!r}")
            return sorted(set(answer), key=ids.index)
    raise AnswerProblem(f"unknown answer kind {view.answer_kind}")


def _forgiving(text: str) -> str:
    return normalise(text, case_sensitive=False, ignore_diacritics=True, collapse_whitespace=True)


def score_task(view: TaskView, key: TaskKey, answer: Any) -> float:
    """The share of the task's credit an answer earns, in [0, 1]."""
    if answer is None:
        return 0.0
    match view.answer_kind:
        case "number":
            value = parse_number(answer) if isinstance(answer, str) else None
            if value is None or key.number is None:
                return 0.0
            slack = 1e-9 * max(1.0, abs(key.number))
            return 1.0 if abs(value - key.number) <= key.tolerance + slack else 0.0
        case "text":
            given = _forgiving(answer)
            return 1.0 if given and any(given == _forgiving(t) for t in key.texts) else 0.0
        case "marks":
            total = sum(
                MARK_CREDIT[(right, given)]
                for right, given in zip(key.marks, answer, strict=True)
                if given is not None
            )
            return min(1.0, max(0.0, round(total / len(key.marks), 9)))
        case "pick":
            genuine = set(key.picks)
            fake = [s.id for s in view.sites if s.id not in genuine]
            total = sum(
                1 / len(genuine) if a in genuine else -1 / max(1, len(fake)) for a in answer
            )
            return min(1.0, max(0.0, round(total, 9)))
    return 0.0
