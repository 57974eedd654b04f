"""The documentation stays true: its full example bank validates, the README's commands
are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from dsat.domain.items import ITEM_TYPES
from dsat.services.banks import shipped_bank_dir, validate

ROOT = Path(__file__).resolve().parents[1]


def test_the_bank_format_example_validates(tmp_path: Path):
    text = (ROOT / "docs" / "bank-format.md").read_text(encoding="utf-8")
    example = re.search(r"## A full example.*?```yaml\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    loaded = validate([shipped_bank_dir() / "framework.yaml", path])
    assert {i.type for i in loaded.items} == set(ITEM_TYPES)
    # the docs never print a live item with its key: no example is close to a bank item
    from difflib import SequenceMatcher

    bank = validate([shipped_bank_dir()]).items
    for ex in loaded.items:
        for it in bank:
            for lang in ("vi", "en"):
                ratio = SequenceMatcher(None, ex.stem.get(lang), it.stem.get(lang)).ratio()
                assert ratio < 0.6, (ex.id, it.id, lang)


def test_readme_opens_with_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    run, test = blocks[0].strip(), blocks[1].strip()
    assert readme.index(blocks[0]) < readme.index("## ")
    assert run.endswith(".venv/bin/dsat")
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
