"""Item-writing checks beyond validity: what makes a valid item a poor one.

Errors (exit code 1): the same stem twice; "all/none of the above" options, which make no
sense once options are shuffled; enemies that name no item. Warnings: near-duplicate stems
in one competency; the key being the longest option too often; the key's written position
unbalanced; true/false keys mostly one way; multiple-response items that always have the
same number of right options, or all of them right; negative stems without emphasis;
options that repeat the stem's words; an item whose answer stands in another item of its
area; legal texts cited without a `basis`, superseded legal texts, and reviews older than
a year.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher

from dsat.domain.items import (
    Item,
    MatchingItem,
    MultipleChoiceItem,
    OrderingItem,
    ShortAnswerItem,
    SingleChoiceItem,
    TrueFalseItem,
)
from dsat.domain.text import LANGS, Lang, normalise

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
LONGEST_KEY_SHARE = 0.35
TRUE_SHARE = (0.4, 0.6)
SAME_COUNT_SHARE = 0.5  # of multiple-response items with one number of right options
MIN_ITEMS_FOR_BANK_RULES = 6
REVIEW_EVERY = timedelta(days=365)
MIN_CUE_LENGTH = 4  # shorter answers ("AI", "PDF") stand in many texts by chance
# A Vietnamese legal document number: 91/2025/QH15, 13/2023/NĐ-CP, 02/2025/TT-BGDĐT, ...
LEGAL_NUMBER = re.compile(r"\b\d{1,4}/\d{4}/(?:QH\d+|N[ĐD]-CP|TT-[A-ZĐ]+|Q[ĐD]-[A-ZĐ]+)", re.I)
SUPERSEDED = {
    "13/2023/NĐ-CP": "replaced from 1 January 2026 by Law 91/2025/QH15 on personal data "
    "protection and Decree 356/2025/ND-CP",
    "51/2005/QH11": "the Law on Electronic Transactions 2005, replaced from 1 July 2024 by "
    "Law 20/2023/QH15",
    "01/2011/TT-BNV": "replaced by Decree 30/2020/ND-CP on administrative documents",
    "130/2018/NĐ-CP": "replaced by Decree 23/2025/ND-CP on electronic signatures and trust "
    "services",
    "29/2018/QH14": "the Law on Protection of State Secrets 2018, replaced from 1 March 2026 by "
    "Law 117/2025/QH15",
    "24/2018/QH14": "the Law on Cybersecurity 2018, replaced from 1 July 2026 by Law 116/2025/QH15",
    "86/2015/QH13": "the Law on Network Information Security 2015, merged into the Law on "
    "Cybersecurity 116/2025/QH15 from 1 July 2026",
    "67/2006/QH11": "the Law on Information Technology 2006, replaced from 1 July 2026 by the "
    "Law on Digital Transformation 148/2025/QH15",
}
# Words that say an item rests on the law even where it cites no number.
LEGAL_WORDS = re.compile(
    r"\b(?:Luật|Bộ luật|Nghị định|Thông tư|pháp luật|(?i:theo quy định|quy định về))\b|"
    r"\b(?:Law|Decree|Circular|Civil Code|the law|legally|under Vietnam(?:'s|ese))\b"
)
# Absolute words: test-wise candidates drop the options that carry them.
ABSOLUTE = {
    "en": re.compile(
        r"\b(?i:always|never|all|only|every|everything|any|anyone|completely|entirely|"
        r"immediately|at once|no one|nothing|none|forever|for good|whatever)\b"
    ),
    "vi": re.compile(
        r"(?i:luôn luôn|luôn|không bao giờ|tất cả|mọi|chỉ cần|hoàn toàn|bất kỳ|ngay lập tức|"
        r"vĩnh viễn|không ai|không cần|chẳng cần|duy nhất)"
    ),
}
TOP_TWO_SHARE = 0.65  # the key among the two longest options (4 options: 50 % by chance)
SIXTY_THREE = re.compile(r"\b63 (tỉnh|provinces)\b", re.I)


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


def lint_items(located: list[tuple[Item, str]], today: date | None = None) -> list[Finding]:
    """Findings for (item, "PATH:LINE") pairs, plus bank-wide ones placed at the first path."""
    today = today or date.today()
    out: list[Finding] = []
    out += _duplicate_stems(located)
    known = {item.id for item, _ in located}
    for item, where in located:
        out += _item_findings(item, where)
        out += _fact_findings(item, where, today)
        out += [
            Finding("error", where, item.id, "enemy-unknown", f"enemies: no item {e!r}")
            for e in item.enemies
            if e not in known
        ]
    out += _cues(located)
    out += _bank_findings(located)
    return sorted(out, key=_order)


def texts_of(item: Item, lang: Lang) -> list[str]:
    """Every text a candidate reads of an item in one language."""
    out = [item.stem.get(lang)]
    if isinstance(item, SingleChoiceItem | MultipleChoiceItem):
        out += [o.text.get(lang) for o in item.options]
    elif isinstance(item, MatchingItem):
        out += [p.left.get(lang) for p in item.pairs] + [r.get(lang) for r in item.rights()]
    elif isinstance(item, OrderingItem):
        out += [s.get(lang) for s in item.steps]
    return out


def _all_texts(item: Item) -> list[str]:
    texts = [t for lang in LANGS for t in texts_of(item, lang)]
    if item.explanation is not None:
        texts += [item.explanation.vi, item.explanation.en]
    return texts


def _fact_findings(item: Item, where: str, today: date) -> list[Finding]:
    """Legal texts cited without a basis, superseded ones, and stale reviews."""
    out = []
    texts = _all_texts(item)
    joined = "\n".join(texts)
    cited = sorted(
        {m.group(0).upper().replace("ND-", "NĐ-") for m in LEGAL_NUMBER.finditer(joined)}
    )
    words = LEGAL_WORDS.search(joined)
    if (cited or words) and not item.basis:
        what = ", ".join(cited) if cited else repr(words.group(0)) if words else ""
        out.append(
            Finding(
                "warning", where, item.id, "basis-missing",
                f"rests on the law ({what}) but names no basis: (the legal texts) and "
                "reviewed: (the date they were checked)",
            )
        )  # fmt: skip
    basis_text = "\n".join(b.vi + "\n" + b.en for b in item.basis).upper().replace("ND-", "NĐ-")
    for number, why in SUPERSEDED.items():
        if number in cited or number in basis_text:
            out.append(Finding("warning", where, item.id, "superseded-law", f"{number} is {why}"))
    if SIXTY_THREE.search(joined):
        out.append(
            Finding(
                "warning", where, item.id, "outdated-fact",
                "Vietnam has 34 provinces since 1 July 2025, not 63",
            )
        )  # fmt: skip
    if item.reviewed is not None and today - item.reviewed > REVIEW_EVERY:
        out.append(
            Finding(
                "warning", where, item.id, "review-due",
                f"its legal basis was last reviewed on {item.reviewed.isoformat()}, "
                "more than 12 months ago",
            )
        )  # fmt: skip
    return out


def _answers_of(item: Item, lang: Lang) -> list[str]:
    """What a candidate must produce or pick to be right, where it is text."""
    if isinstance(item, ShortAnswerItem):
        return list(item.answers)
    if isinstance(item, SingleChoiceItem):
        return [_key_text(item, lang)]
    if isinstance(item, MultipleChoiceItem):
        return [o.text.get(lang) for o in item.options if o.id in item.key]
    return []


def _word(text: str) -> re.Pattern[str]:
    """`text` as a whole word or phrase: "site" is in "site:gov.vn", not in "website"."""
    left = r"(?<!\w)" if text[:1].isalnum() else ""
    right = r"(?!\w)" if text[-1:].isalnum() else ""
    return re.compile(left + re.escape(text) + right)


def _cues(located: list[tuple[Item, str]]) -> list[Finding]:
    """An item whose answer is written in another item of its area (areas share forms)."""
    out = []
    by_area: dict[str, list[tuple[Item, str]]] = defaultdict(list)
    for item, where in located:
        by_area[item.competency.split(".")[0]].append((item, where))
    for rows in by_area.values():
        for lang in LANGS:
            shown = [(it, [_norm(t) for t in texts_of(it, lang)]) for it, _ in rows]
            for item, where in rows:
                answers = {_norm(a) for a in _answers_of(item, lang)}
                found = [(a, _word(a)) for a in answers if len(a) >= MIN_CUE_LENGTH]
                if not found:
                    continue
                for other, texts in shown:
                    if other.id == item.id or other.id in item.enemies or item.id in other.enemies:
                        continue
                    # a chosen option is a cue only where another stem states it
                    where_shown = texts if isinstance(item, ShortAnswerItem) else texts[:1]
                    hit = next((a for a, rx in found for t in where_shown if rx.search(t)), None)
                    if hit:
                        out.append(
                            Finding(
                                "warning", where, item.id, "cue",
                                f"{lang}: its answer {hit!r} stands in item {other.id}; "
                                "rewrite one, or name them as enemies",
                            )
                        )  # fmt: skip
                        break
    return out


def _order(f: Finding) -> tuple[bool, str, int, str, str]:
    """Errors first, then by file and line number (not as text: 58 before 226)."""
    path, _, line = f.where.rpartition(":")
    if not line.isdigit():
        path, line = f.where, "0"
    return (f.severity != "error", path, int(line), f.item_id, f.rule)


def _duplicate_stems(located: list[tuple[Item, str]]) -> list[Finding]:
    out = []
    for lang in LANGS:
        first: dict[str, tuple[Item, str]] = {}
        by_comp: dict[str, list[tuple[str, Item, str]]] = defaultdict(list)
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


def _item_findings(item: Item, where: str) -> list[Finding]:
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
        if isinstance(item, SingleChoiceItem) and len(item.options) >= 3:
            wrong = [o for o in item.options if o.id != item.key]
            key = next(o for o in item.options if o.id == item.key)
            if not ABSOLUTE[lang].search(key.text.get(lang)) and all(
                ABSOLUTE[lang].search(o.text.get(lang)) for o in wrong
            ):
                out.append(
                    Finding(
                        "warning", where, item.id, "absolute-distractors",
                        f"{lang}: every wrong option has an absolute word (always, never, "
                        "all...) and the key has none: the key stands out",
                    )
                )  # fmt: skip
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


def _bank_findings(located: list[tuple[Item, str]]) -> list[Finding]:
    if not located:
        return []
    where = located[0][1].rsplit(":", 1)[0]
    out = _true_false_balance(located, where) + _multiple_patterns(located, where)
    singles = [(it, w) for it, w in located if isinstance(it, SingleChoiceItem)]
    if len(singles) < MIN_ITEMS_FOR_BANK_RULES:
        return out
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
        top_two = [
            it.id
            for it, _ in singles
            if sum(len(o.text.get(lang)) > len(_key_text(it, lang)) for o in it.options) <= 1
            and len(it.options) >= 4
        ]
        with_four = sum(1 for it, _ in singles if len(it.options) >= 4)
        if with_four and len(top_two) / with_four > TOP_TWO_SHARE:
            out.append(
                Finding(
                    "warning", where, "", "key-long",
                    f"{lang}: the key is one of the two longest options in {len(top_two)} "
                    f"of {with_four} single-choice items ({len(top_two) / with_four:.0%}); "
                    "padding one distractor does not hide it",
                )
            )  # fmt: skip
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


def _true_false_balance(located: list[tuple[Item, str]], where: str) -> list[Finding]:
    keys = [it.key for it, _ in located if isinstance(it, TrueFalseItem)]
    if len(keys) < MIN_ITEMS_FOR_BANK_RULES:
        return []
    share = sum(keys) / len(keys)
    if TRUE_SHARE[0] <= share <= TRUE_SHARE[1]:
        return []
    return [
        Finding(
            "warning", where, "", "true-false-balance",
            f"{sum(keys)} of {len(keys)} true/false items are true ({share:.0%}); keep it "
            f"between {TRUE_SHARE[0]:.0%} and {TRUE_SHARE[1]:.0%} so guessing one way pays "
            "nothing",
        )
    ]  # fmt: skip


def _multiple_patterns(located: list[tuple[Item, str]], where: str) -> list[Finding]:
    multis = [(it, w) for it, w in located if isinstance(it, MultipleChoiceItem)]
    out = [
        Finding(
            "warning", w, it.id, "multiple-all-right",
            "every option is right: ticking everything earns full marks",
        )
        for it, w in multis
        if len(it.key) == len(it.options)
    ]  # fmt: skip
    if len(multis) >= MIN_ITEMS_FOR_BANK_RULES:
        patterns = Counter(f"{len(it.key)} of {len(it.options)}" for it, _ in multis)
        pattern, n = patterns.most_common(1)[0]
        if n / len(multis) > SAME_COUNT_SHARE:
            out.append(
                Finding(
                    "warning", where, "", "multiple-pattern",
                    f"{n} of {len(multis)} multiple-response items have {pattern} options "
                    "right; vary the number of right options so it cannot be guessed",
                )
            )  # fmt: skip
    return out


def _key_text(item: SingleChoiceItem, lang: Lang) -> str:
    return next(o.text.get(lang) for o in item.options if o.id == item.key)
