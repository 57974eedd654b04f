r"""Moodle GIFT: reader and writer.

The reader follows Moodle's own importer (question/format/gift/format.php) so that a file
imports here as it does there: questions are separated by blank lines; `//` lines are
comments (their `[tag:…]` and `[id:…]` markers are kept); `$CATEGORY:` switches category;
`::name::`, `[html|moodle|plain|markdown]` text formats, `%n%` weights, `#` feedback,
`####` general feedback and the escapes `\\ \: \# \= \{ \} \~ \n` are understood.
A comment line `// dsat: {json}` carries dsat's own fields through a round trip.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from dsat.banks.formats.convert import item_meta
from dsat.banks.formats.guard import decode_text
from dsat.banks.formats.model import (
    Exported,
    ForeignAnswer,
    ForeignQuestion,
    ParseResult,
    Problem,
    SubQuestion,
    join_languages,
    strip_tags,
)
from dsat.banks.formats.spec import Spec

if TYPE_CHECKING:
    from dsat.domain.items import Item

# Escaped characters become private-use placeholders while the structure is read.
_ESCAPES = {
    ":": "\ue03a",
    "#": "\ue023",
    "=": "\ue03d",
    "{": "\ue07b",
    "}": "\ue07d",
    "~": "\ue07e",
}
_NEWLINE = "\ue00a"
_RESTORE = {v: k for k, v in _ESCAPES.items()} | {_NEWLINE: "\n"}
_RESTORE_TABLE = str.maketrans(_RESTORE)
_FORMATS = {"moodle", "html", "plain", "markdown"}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
# A marker never closed ends at its line's end (then is no marker): one scan, not one per
# opening of a long line.
_TAG_RE = re.compile(r"\[tag:((?:\\.|[^]\\\n])*)(\]|(?=\n)|\Z)")
_ID_RE = re.compile(r"\[id:((?:\\.|[^]\\\n])*)(\]|(?=\n)|\Z)")
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


_ESCAPED = re.compile(r"\\(.)", re.S)


def _unescape(m: re.Match[str]) -> str:
    ch = m.group(1)
    if ch == "\\":
        return "\\"
    if ch == "n":
        return _NEWLINE
    return _ESCAPES.get(ch, m.group())


def escape_pre(text: str) -> str:
    """GIFT's escapes as placeholders (`\\\\` as a backslash), others left as written."""
    return _ESCAPED.sub(_unescape, text)


def escape_post(text: str) -> str:
    return text.translate(_RESTORE_TABLE)


def tags_and_idnumber(comment: str) -> tuple[list[str], str]:
    """Moodle's `[tag:…]` / `[id:…]` markers in comment lines (`\\]` escapes a bracket)."""
    tags = [m.replace("\\]", "]").strip() for m, end in _TAG_RE.findall(comment) if end]
    ids = [m.replace("\\]", "]").strip() for m, end in _ID_RE.findall(comment) if end]
    return [t for t in tags if t], (ids[0] if ids else "")


def _with_format(text: str, default: str) -> tuple[str, str]:
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        if end > 0 and text[1:end] in _FORMATS:
            return escape_post(text[end + 1 :]).strip(), text[1:end]
    return escape_post(text).strip(), default


def _weight(answer: str) -> tuple[str, float | None]:
    m = _WEIGHT.match(answer)
    if not m:
        return answer, None
    return answer[m.end() :], float(m.group(1)) / 100


def _comment(answer: str, default: str) -> tuple[str, str, str]:
    """(answer, feedback, feedback format) split at the first '#'."""
    pos = answer.find("#")
    if pos > 0 or (pos == 0 and answer):
        fb, fmt = _with_format(answer[pos + 1 :], default)
        return answer[:pos].strip(), fb, fmt
    return answer.strip(), "", default


def _blocks(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first line number, lines) of each question: runs of lines between blank lines."""
    block: list[str] = []
    start = 0
    for no, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not block:
                start = no
            block.append(line.rstrip("\r"))
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def read(text: str) -> ParseResult:
    """Every question in a GIFT file, in order, with the category each one is in."""
    result = ParseResult()
    category = ""
    for start, lines in _blocks(text):
        comments: list[str] = []
        body: list[str] = []
        first = 0
        for offset, line in enumerate(lines):
            if line.strip().startswith("//"):
                comments.append(line.strip())
                body.append(" ")
            else:
                if not first:
                    first = start + offset
                body.append(line)
        joined = "\n".join(body).strip()
        if not joined:
            continue
        if joined.startswith("$CATEGORY:"):
            category = joined[len("$CATEGORY:") :].strip()
            continue
        q = _question(joined, first, result.problems)
        if q is None:
            continue
        q.category = category
        comment_text = "\n".join(comments)
        q.tags, q.idnumber = tags_and_idnumber(comment_text)
        for c in comments:
            if c.startswith("// dsat:"):
                try:
                    meta = json.loads(c[len("// dsat:") :])
                except json.JSONDecodeError as exc:
                    result.problems.append(Problem(first, f"dsat comment is not JSON: {exc.msg}"))
                    continue
                if isinstance(meta, dict):
                    q.meta = meta
        result.questions.append(q)
    return result


def _question(raw: str, line: int, problems: list[Problem]) -> ForeignQuestion | None:
    text = escape_pre(raw)
    name: str | None = None
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            problems.append(Problem(line, "question name opened with '::' is never closed"))
            return None
        name = escape_post(text[2:end]).strip()
        text = text[end + 2 :].strip()
    start = text.find("{")
    finish = text.find("}", start + 1) if start >= 0 else text.find("}")
    if start < 0 and finish >= 0:
        problems.append(Problem(line, "'}' without an opening '{' (write \\} for a brace)"))
        return None
    if start >= 0 and finish < 0:
        problems.append(Problem(line, "'{' without a closing '}' (write \\{ for a brace)"))
        return None
    description = start < 0
    if description:
        answertext, qtext = "", text
    else:
        answertext = text[start + 1 : finish].strip()
        after = text[finish + 1 :]
        if after.strip() == "" and text.rstrip().endswith("}"):
            qtext = text[:start]
        else:
            qtext = text[:start] + "_____" + after
    qtext, qformat = _with_format(qtext, "moodle")
    if name is None:
        name = strip_tags(qtext).strip().split("\n")[0][:80]
    general, general_format = "", qformat
    if "####" in answertext:
        pos = answertext.find("####")
        general, general_format = _with_format(answertext[pos + 4 :], qformat)
        answertext = answertext[:pos].strip()
    q = ForeignQuestion(
        qtype="description" if description else "",
        name=name,
        questiontext=qtext,
        questiontextformat=qformat,
        line=line,
        generalfeedback=general,
        generalfeedbackformat=general_format,
    )
    if description:
        return q
    try:
        _answers(q, answertext, qformat)
    except ValueError as exc:
        problems.append(Problem(line, f"{name}: {exc}"))
        return None
    return q


def _answers(q: ForeignQuestion, answertext: str, fmt: str) -> None:
    if answertext == "":
        q.qtype = "essay"
    elif answertext.startswith("#"):
        q.qtype = "numerical"
        _numerical(q, answertext[1:], fmt)
    elif "~" in answertext:
        q.qtype = "multichoice"
        q.single = "=" in answertext
        parts = answertext.replace("=", "~=").split("~")
        if parts and not parts[0].strip():
            parts = parts[1:]
        for part in parts:
            part = part.strip()
            if part.startswith("="):
                part, fraction = part[1:], 1.0
                part, w = _weight(part.strip())
                fraction = 1.0 if w is None else w
            else:
                part, w = _weight(part)
                fraction = 0.0 if w is None else w
            ans, fb, fb_fmt = _comment(part, fmt)
            text, afmt = _with_format(ans, fmt)
            q.answers.append(ForeignAnswer(text, fraction, fb, afmt, fb_fmt))
        if len(q.answers) < 2:
            raise ValueError("a multiple-choice question needs at least 2 answers")
    elif "=" in answertext and "->" in answertext:
        q.qtype = "match"
        parts = answertext.split("=")
        if parts and not parts[0].strip():
            parts = parts[1:]
        for part in parts:
            if "->" not in part:
                raise ValueError(f"matching pair {escape_post(part.strip())!r} has no '->'")
            left, right = part.split("->", 1)
            text, sfmt = _with_format(left, fmt)
            q.subquestions.append(SubQuestion(text, sfmt, escape_post(right).strip()))
        if sum(1 for s in q.subquestions if s.text) < 2:
            raise ValueError("a matching question needs at least 2 pairs")
    else:
        head = answertext.split("#", 1)[0] if answertext.find("#") > 0 else answertext
        if head.strip().upper() in _TF:
            q.qtype = "truefalse"
            q.correctanswer = _TF[head.strip().upper()]
            fbs = answertext.split("#")[1:]
            wrong_fb = _with_format(fbs[0], fmt) if fbs else ("", fmt)
            right_fb = _with_format(fbs[1], fmt) if len(fbs) > 1 else ("", fmt)
            true_fb, false_fb = (right_fb, wrong_fb) if q.correctanswer else (wrong_fb, right_fb)
            q.feedbacktrue, q.feedbacktrueformat = true_fb
            q.feedbackfalse, q.feedbackfalseformat = false_fb
        else:
            q.qtype = "shortanswer"
            parts = answertext.split("=")
            if parts and not parts[0].strip():
                parts = parts[1:]
            for part in parts:
                part, w = _weight(part.strip())
                ans, fb, fb_fmt = _comment(part, fmt)
                q.answers.append(
                    ForeignAnswer(
                        escape_post(ans).strip(), 1.0 if w is None else w, fb, None, fb_fmt
                    )
                )
            if not q.answers:
                raise ValueError("a short-answer question needs an answer")


def _number(raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(f"{raw.strip()!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{raw.strip()!r} is not a number")
    return value


def _numerical(q: ForeignQuestion, answertext: str, fmt: str) -> None:
    wrong = ""
    pos = answertext.find("~")
    if pos >= 0:
        wrong, answertext = answertext[pos + 1 :], answertext[:pos]
    parts = answertext.split("=")
    if parts and not parts[0].strip():
        parts = parts[1:]
    for part in parts:
        part, w = _weight(part.strip())
        ans, fb, fb_fmt = _comment(part, fmt)
        ans = escape_post(ans)
        if ".." in ans and ans.find("..") > 0:
            lo, hi = (_number(x) for x in ans.split("..", 1))
            if hi < lo:
                raise ValueError(f"range {ans!r} has its maximum below its minimum")
            mid = (lo + hi) / 2
            text, tol = _fmt(mid), hi - mid
        elif ":" in ans and ans.find(":") > 0:
            value_raw, tol_raw = ans.split(":", 1)
            text, tol = _fmt(_number(value_raw)), _number(tol_raw)
        else:
            text, tol = (ans.strip() if ans.strip() == "*" else _fmt(_number(ans))), 0.0
        q.answers.append(ForeignAnswer(text, 1.0 if w is None else w, fb, None, fb_fmt, tol))
    if wrong:
        _, fb, fb_fmt = (
            _comment("*#" + wrong.lstrip("#"), fmt)
            if wrong.startswith("#")
            else (
                "",
                *_with_format(wrong, fmt),
            )
        )
        q.answers.append(ForeignAnswer("*", 0.0, fb, None, fb_fmt, ""))
    if not any(a.text != "*" for a in q.answers):
        raise ValueError("a numerical question needs a number as its answer")


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) and abs(value) < 1e15 else repr(value)


# ---------------------------------------------------------------- writer


def escape(text: str) -> str:
    """Text as GIFT needs it written: every control character escaped."""
    out = text.replace("\\", "\\\\")
    for ch in "~=#{}:":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


def write_question(
    name: str,
    stem: str,
    answers: str,
    *,
    general_feedback: str = "",
    meta: dict[str, Any] | None = None,
    idnumber: str = "",
    tags: Iterable[str] = (),
) -> str:
    """One question in GIFT; texts already escaped where they are GIFT text."""
    lines = []
    markers = ([f"[id:{idnumber.replace(']', chr(92) + ']')}]"] if idnumber else []) + [
        f"[tag:{t.replace(']', chr(92) + ']')}]" for t in tags
    ]
    if markers:
        lines.append("// " + " ".join(markers))
    if meta:
        lines.append("// dsat: " + json.dumps(meta, ensure_ascii=False, separators=(",", ":")))
    body = answers
    if general_feedback:
        body += f"\n    ####{general_feedback}"
    lines.append(f"::{escape(name)}::[plain]{stem}{{\n{body}\n}}")
    return "\n".join(lines)


def _text(t: Any) -> str:
    """A text (a LocalizedText or a str) as GIFT text: {mlang} parts when languages differ."""
    return escape(t if isinstance(t, str) else join_languages({"vi": t.vi, "en": t.en}))


def _answer(text: str) -> str:
    """A short answer in GIFT: '*' is Moodle's wildcard, so an asterisk is written \\*."""
    return escape(text.replace("*", "\\*"))


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.7f}".rstrip("0").rstrip(".")


def _num(value: float) -> str:
    return f"{value:.15g}"


def write(items: Sequence[Item]) -> Exported:
    """Items as a GIFT file; types GIFT has no form for are left out (`Exported.skipped`)."""
    out: list[str] = ["// dsat question bank (exported). Moodle GIFT format.", ""]
    skipped = []
    written = 0
    for item in items:
        lines = _answers_of(item)
        if lines is None:
            skipped.append(f"{item.type} items have no GIFT form: {item.id}")
            continue
        meta = item_meta(item)
        if item.type == "self_rating":
            if item.explanation is not None:  # a description has no place for feedback
                meta["explanation"] = item.explanation.model_dump()
            question = (
                f"// dsat: {json.dumps(meta, ensure_ascii=False, separators=(',', ':'))}\n"
                f"::{escape(item.id)}::[plain]{_text(item.stem)}"
            )
        else:
            question = write_question(
                item.id,
                _text(item.stem),
                "\n".join(f"    {ln}" for ln in lines),
                general_feedback="[plain]" + _text(item.explanation),
                meta=meta,
                idnumber=item.id,
                tags=(),
            )
        out += [question, ""]
        written += 1
    return Exported("\n".join(out).encode(), written, skipped)


def _answers_of(item: Item) -> list[str] | None:
    match item.type:
        case "single":
            return [("=" if o.id == item.key else "~") + _text(o.text) for o in item.options]
        case "multiple":
            fr = item.fractions()
            return [f"~%{_pct(fr[o.id])}%{_text(o.text)}" for o in item.options]
        case "true_false":
            return ["TRUE" if item.key else "FALSE"]
        case "short_answer":
            full = [f"={_answer(a)}" for a in item.answers]
            return full + [f"=%{_pct(p.fraction)}%{_answer(p.text)}" for p in item.partial]
        case "numerical":
            return [f"#{_num(item.answer)}:{_num(item.tolerance)}"]
        case "matching":
            pairs = [f"={_text(p.left)} -> {_text(p.right)}" for p in item.pairs]
            return pairs + [f"= -> {_text(d)}" for d in item.distractors]
        case "self_rating":
            return []
    return None


# ---------------------------------------------------------------- the registry's entry


def _read_file(data: bytes) -> ParseResult:
    text, problems = decode_text(data, "GIFT files must be saved as UTF-8")
    return ParseResult(problems=problems) if problems else read(text)


FORMAT = Spec(
    name="gift",
    label="Moodle GIFT",
    suffixes=(".gift",),
    searched=(".gift",),
    detected="`.gift`; `.txt` unless it is Aiken",
    reads="multiple choice (single and multiple answers, `%n%` weights), true/false with "
    "feedback, short answer (with part marks), numerical (`n:tolerance`, `min..max`), "
    "matching, missing word; `$CATEGORY:`, `::titles::`, `[html]/[moodle]/[plain]/[markdown]`, "
    "`#` and `####` feedback, escapes `\\\\ \\: \\# \\= \\{ \\} \\~ \\n`, "
    "`[tag:…]`/`[id:…]` in comments",
    read=_read_file,
    write=write,
    writes="a GIFT file",
    cannot_hold={
        "ordering": "ordering items have no GIFT form",
        "task": "practical tasks have no GIFT form",
    },
    sniff=lambda path, data: path.suffix.lower() == ".txt",  # after Aiken's
    estimate=lambda data: data.replace(b"\r\n", b"\n").count(b"\n\n") + 1,
)
