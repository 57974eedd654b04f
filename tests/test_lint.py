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
    assert out.strip().endswith("4 errors, 7 warnings")  # counted per language
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
