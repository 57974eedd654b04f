"""Item-writing checks beyond validity: what makes a valid item a poor one.

Errors (exit code 1): the same stem twice; "all/none of the above" options, which make no
sense once options are shuffled. Warnings: near-duplicate stems in one competency; the key
being the longest option too often; the key's written position unbalanced; negative
stems without emphasis; options that repeat the stem's words.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from dsat.domain.items import MultipleChoiceItem, SingleChoiceItem
from dsat.domain.text import LANGS, normalise

ALL_NONE = re.compile(
    r"\b(all|none|both|neither) of (the )?(above|these|them)\b|"
    r"\btất cả (các )?(đáp án|phương án|ý)( ở)? trên\b|\btất cả đều (đúng|sai)\b|"
    r"\bkhông (có )?(đáp án|phương án|ý) nào\b|\bcả [a-d], [a-d]\b",
    re.I,
)
# The question word in any case; the negative word as written, so capitals count as emphasis.
NEGATIVE = {
    "en": re.compile(r"\b(?i:which|what)\b[^?]*?\b((?i:not|never|except|least))\b"),
    "vi": re.compile(r"\b(?i:nào|gì)\b[^?]*?\b((?i:không|ngoại trừ|trừ))\b"),
}
NEAR_DUPLICATE = 0.9
LONGEST_KEY_SHARE = 0.5
MIN_ITEMS_FOR_BANK_RULES = 6


@dataclass(frozen=True, order=True)
class Finding:
    severity: str  # "error" or "warning"
    where: str  # "PATH:LINE" or "PATH"
    item_id: str
    rule: str
    message: str

    def __str__(self) -> str:
        item = f" {self.item_id}:" if self.item_id else ""
        return f"{self.where}:{item} {self.severity}: {self.rule}: {self.message}"


def _norm(text: str) -> str:
    return normalise(text, case_sensitive=False, ignore_diacritics=False, collapse_whitespace=True)


def lint_items(located: list[tuple[Any, str]]) -> list[Finding]:
    """Findings for (item, "PATH:LINE") pairs, plus bank-wide ones placed at the first path."""
    out: list[Finding] = []
    out += _duplicate_stems(located)
    for item, where in located:
        out += _item_findings(item, where)
    out += _bank_findings(located)
    return sorted(out, key=_order)


def _order(f: Finding) -> tuple[bool, str, int, str, str]:
    """Errors first, then by file and line number (not as text: 58 before 226)."""
    path, _, line = f.where.rpartition(":")
    if not line.isdigit():
        path, line = f.where, "0"
    return (f.severity != "error", path, int(line), f.item_id, f.rule)


def _duplicate_stems(located: list[tuple[Any, str]]) -> list[Finding]:
    out = []
    for lang in LANGS:
        first: dict[str, tuple[Any, str]] = {}
        by_comp: dict[str, list[tuple[str, Any, str]]] = defaultdict(list)
        for item, where in located:
            stem = _norm(item.stem.get(lang))
            if stem in first:
                other = first[stem][0].id
                out.append(
                    Finding(
                        "error",
                        where,
                        item.id,
                        "duplicate-stem",
                        f"the {lang} stem is the same as item {other}'s",
                    )
                )
                continue
            first[stem] = (item, where)
            by_comp[item.competency].append((stem, item, where))
        for rows in by_comp.values():
            for i, (stem_a, item_a, _) in enumerate(rows):
                for stem_b, item_b, where_b in rows[i + 1 :]:
                    m = SequenceMatcher(None, stem_a, stem_b, autojunk=False)
                    if m.real_quick_ratio() >= NEAR_DUPLICATE and m.ratio() >= NEAR_DUPLICATE:
                        out.append(
                            Finding(
                                "warning",
                                where_b,
                                item_b.id,
                                "near-duplicate-stem",
                                f"the {lang} stem is nearly item {item_a.id}'s",
                            )
                        )
    return out


def _item_findings(item: Any, where: str) -> list[Finding]:
    out = []
    for lang in LANGS:
        stem = item.stem.get(lang)
        neg = NEGATIVE[lang].search(stem)
        if neg and not neg.group(1).isupper():  # the negative word as written
            out.append(
                Finding(
                    "warning",
                    where,
                    item.id,
                    "negative-stem",
                    f"{lang}: a negative question; write '{neg.group(1).upper()}' "
                    "in capitals so no one misses it",
                )
            )
        if not isinstance(item, SingleChoiceItem | MultipleChoiceItem):
            continue
        stem_norm = _norm(stem)
        for option in item.options:
            text = option.text.get(lang)
            if ALL_NONE.search(text):
                out.append(
                    Finding(
                        "error",
                        where,
                        item.id,
                        "all-none-of-the-above",
                        f"{lang}: option {option.id} {text!r} makes no sense once "
                        "options are shuffled",
                    )
                )
            opt = _norm(text)
            if len(opt) >= 12 and opt in stem_norm:
                out.append(
                    Finding(
                        "warning",
                        where,
                        item.id,
                        "option-repeats-stem",
                        f"{lang}: option {option.id} repeats words of the stem",
                    )
                )
    return out


def _bank_findings(located: list[tuple[Any, str]]) -> list[Finding]:
    singles = [(it, w) for it, w in located if isinstance(it, SingleChoiceItem)]
    if len(singles) < MIN_ITEMS_FOR_BANK_RULES:
        return []
    where = located[0][1].rsplit(":", 1)[0]
    out = []
    for lang in LANGS:  # a candidate reads one language: each is checked on its own
        longest = [
            it.id
            for it, _ in singles
            if all(
                len(o.text.get(lang)) < len(_key_text(it, lang))
                for o in it.options
                if o.id != it.key
            )
        ]
        share = len(longest) / len(singles)
        if share > LONGEST_KEY_SHARE:
            out.append(
                Finding(
                    "warning",
                    where,
                    "",
                    "key-longest",
                    f"{lang}: the key is the longest option in {len(longest)} of "
                    f"{len(singles)} single-choice items ({share:.0%}); test-wise "
                    "candidates notice",
                )
            )
    positions = Counter([o.id for o in it.options].index(it.key) for it, _ in singles)
    n_options = round(sum(len(it.options) for it, _ in singles) / len(singles))
    expected = len(singles) / n_options
    worst = max(positions.values())
    if worst > 2 * expected or len(positions) < min(n_options, len(singles)):
        counts = ", ".join(f"{chr(97 + p)}: {positions.get(p, 0)}" for p in range(n_options))
        shuffled = sum(1 for it, _ in singles if it.shuffle)
        out.append(
            Finding(
                "warning",
                where,
                "",
                "key-position",
                f"keys by written position are unbalanced ({counts}); "
                f"{shuffled} of {len(singles)} items are shuffled when shown, "
                "but exports to other platforms keep the written order",
            )
        )
    return out


def _key_text(item: SingleChoiceItem, lang: str) -> str:
    return next(o.text.get(lang) for o in item.options if o.id == item.key)  # type: ignore[arg-type]
