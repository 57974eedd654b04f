"""`dsat bank lint`: each item-writing rule, located; the shipped bank lints clean."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from dsat.cli import main


def _t(en: str, vi: str | None = None) -> dict[str, str]:
    return {"en": en, "vi": vi or f"{en} (vi)"}


TOPICS = [
    "passwords and accounts",
    "software updates on laptops",
    "phishing e-mails at work",
    "backups of shared folders",
    "screen locks on phones",
    "public Wi-Fi in cafés",
    "USB sticks found in the car park",
    "antivirus alerts",
    "browser extensions",
    "two-factor codes sent by text",
]


def _single(i: int, key: str = "a", **over) -> dict:
    item = {
        "id": f"L-{i}",
        "competency": "4.1",
        "level": 2,
        "type": "single",
        "stem": _t(f"What should you know about {TOPICS[i]}?"),
        "options": [
            {"id": "a", "text": _t("A long and detailed right answer for this one")},
            {"id": "b", "text": _t("Short")},
            {"id": "c", "text": _t("Shorter")},
            {"id": "d", "text": _t("Tiny")},
        ],
        "key": key,
        "explanation": _t("Because."),
    }
    item.update(over)
    return item


def _write(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "bank.yaml"
    path.write_text(
        yaml.safe_dump({"items": items}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return path


def _lint(path: Path, *args: str):
    return CliRunner().invoke(main, ["bank", "lint", str(path), *args])


def test_each_rule_is_reported_with_its_place(tmp_path: Path):
    items = [_single(i) for i in range(8)]  # key always a, always the longest
    items.append(_single(8, stem=items[0]["stem"]))  # duplicate stem
    items.append(_single(9, stem=_t("What should you know about software updates on laptop?")))
    items[2]["options"][3]["text"] = _t("All of the above", "Tất cả các đáp án trên")
    items[3]["stem"] = _t(
        "Which of these is not a strong password?", "Mật khẩu nào sau đây KHÔNG mạnh?"
    )
    items[4]["options"][1]["text"] = _t("screen locks on phones")
    path = _write(tmp_path, items)
    result = _lint(path)
    out = result.output
    assert result.exit_code == 1
    assert f"{path}:" in out
    assert "L-8: error: duplicate-stem: the en stem is the same as item L-0's" in out
    assert "L-9: warning: near-duplicate-stem: the en stem is nearly item L-1's" in out
    assert "L-2: error: all-none-of-the-above: en: option d 'All of the above'" in out
    assert "L-2: error: all-none-of-the-above: vi: option d 'Tất cả các đáp án trên'" in out
    assert "L-3: warning: negative-stem: en: a negative question; write 'NOT'" in out
    assert "L-3: warning: negative-stem: vi" not in out  # KHÔNG is in capitals
    assert "L-4: warning: option-repeats-stem: en: option b" in out
    assert "warning: key-longest: en: the key is the longest option in 10 of 10" in out
    assert "warning: key-position: keys by written position are unbalanced (a: 10, b: 0" in out
    assert "warning: key-long: en: the key is one of the two longest options in 10 of 10" in out
    assert out.strip().endswith("4 errors, 9 warnings")  # counted per language
    first_lines = [int(ln.split(":")[1]) for ln in out.splitlines()[:4]]
    assert first_lines == sorted(first_lines)  # errors first, in file order
    # located at the line where the item starts in the file
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines, 1) if ln.strip() == "- id: L-2")
    assert f"{path}:{start}: L-2: error: all-none-of-the-above" in out


def test_warnings_fail_only_with_strict(tmp_path: Path):
    items = [_single(i, key="abcd"[i % 4]) for i in range(8)]
    items[0]["stem"] = _t("Which of these is not safe?")
    path = _write(tmp_path, items)
    assert _lint(path).exit_code == 0
    assert _lint(path, "--strict").exit_code == 1


def test_invalid_files_are_reported_as_validation_problems(tmp_path: Path):
    path = _write(tmp_path, [_single(0, key="z")])
    result = _lint(path)
    assert result.exit_code == 1
    assert "'z' is not among the option ids" in result.stderr


def test_the_shipped_bank_lints_clean():
    result = CliRunner().invoke(main, ["bank", "lint", "question_banks", "--strict"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0 errors, 0 warnings"


def _tf(i: int, key: bool) -> dict:
    return {
        "id": f"T-{i}", "competency": "4.1", "level": 2, "type": "true_false",
        "stem": _t(f"Statement number {i} about {TOPICS[i % len(TOPICS)]} at work."),
        "key": key, "explanation": _t("Because."),
    }  # fmt: skip


def _multi(i: int, keys: list[str], n: int = 4) -> dict:
    return {
        "id": f"M-{i}", "competency": "4.1", "level": 3, "type": "multiple",
        "stem": _t(f"Which practices help with {TOPICS[i % len(TOPICS)]}? Choose all."),
        "options": [{"id": k, "text": _t(f"Practice {k} of item {i}")} for k in "abcdef"[:n]],
        "key": keys, "explanation": _t("Because."),
    }  # fmt: skip


def test_true_false_and_multiple_response_patterns_are_flagged(tmp_path: Path):
    items = [_tf(i, True) for i in range(7)] + [_tf(7, False)]
    items += [_multi(i, ["a", "b", "c"]) for i in range(6)] + [_multi(6, list("abcd"))]
    out = _lint(_write(tmp_path, items)).output
    assert "true-false-balance: 7 of 8 true/false items are true (88%)" in out
    assert "multiple-pattern: 6 of 7 multiple-response items have 3 of 4 options right" in out
    assert "M-6: warning: multiple-all-right: every option is right" in out


def test_cues_between_items_unless_they_are_enemies(tmp_path: Path):
    short = {
        "id": "S-1", "competency": "4.2", "level": 3, "type": "short_answer",
        "stem": _t("Which principle keeps only the data a purpose needs?"),
        "answers": ["data minimisation"], "explanation": _t("Because."),
    }  # fmt: skip
    teller = _single(0, stem=_t("Data minimisation means what for a web form?"))
    teller["competency"] = "4.3"  # same area, another competence: they share forms
    out = _lint(_write(tmp_path, [short, teller])).output
    assert "S-1: warning: cue: en: its answer 'data minimisation' stands in item L-0" in out
    short["enemies"] = ["L-0"]
    assert "cue" not in _lint(_write(tmp_path, [short, teller])).output
    short["enemies"] = ["NOPE"]
    out = _lint(_write(tmp_path, [short, teller])).output
    assert "S-1: error: enemy-unknown: enemies: no item 'NOPE'" in out


def test_legal_texts_need_a_current_basis_and_a_recent_review(tmp_path: Path):
    cites = _single(0, stem=_t("Under Decree 13/2023/NĐ-CP, what must a form ask?"))
    rests = _single(1, explanation=_t("Theo quy định, every unit does this.", "Theo quy định, x."))
    current = _single(2, basis=[_t("Law 91/2025/QH15")], reviewed="2024-01-15")
    old_secret = _single(3, basis=[_t("Law on Protection of State Secrets 29/2018/QH14")],
                         reviewed="2026-11-30")  # fmt: skip
    provinces = _single(4, stem=_t("Which of the 63 provinces runs the portal?"))
    out = _lint(_write(tmp_path, [cites, rests, current, old_secret, provinces])).output
    assert "L-0: warning: basis-missing: rests on the law (13/2023/NĐ-CP)" in out
    assert "L-0: warning: superseded-law: 13/2023/NĐ-CP is replaced from 1 January 2026" in out
    assert "L-1: warning: basis-missing: rests on the law ('Theo quy định')" in out
    assert "L-2: warning: review-due: its legal basis was last reviewed on 2024-01-15" in out
    assert "L-3: warning: superseded-law: 29/2018/QH14 is the Law on Protection of State" in out
    assert "L-4: warning: outdated-fact: Vietnam has 34 provinces since 1 July 2025" in out
    missing_date = _single(5, basis=[_t("Law 91/2025/QH15")])
    invalid = _lint(_write(tmp_path, [missing_date]))
    assert invalid.exit_code == 1 and "reviewed: required with basis" in invalid.stderr


def test_a_key_that_alone_avoids_absolute_words_is_flagged(tmp_path: Path):
    item = _single(
        0,
        options=[
            {"id": "a", "text": _t("Check the sender's address in the mail header first")},
            {"id": "b", "text": _t("Always click the link to see where it leads")},
            {"id": "c", "text": _t("Never open any mail from outside the agency")},
            {"id": "d", "text": _t("Forward it to everyone so all colleagues are warned")},
        ],
    )
    out = _lint(_write(tmp_path, [item])).output
    assert "L-0: warning: absolute-distractors: en: every wrong option has an absolute word" in out
