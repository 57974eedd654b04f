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


# --- the measurement numbers in docs/levels.md and docs/reports.md are the code's -----------
def _shipped_framework():
    from dsat.banks.native import read_framework

    return read_framework(shipped_bank_dir() / "framework.yaml")[0]


def _section(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def test_levels_doc_gives_the_cut_points_bands_and_blueprints_of_the_code():
    import math

    from dsat.domain.measure import area_cuts, band_of_level, proficient_cut, proficient_level

    text = (ROOT / "docs" / "levels.md").read_text(encoding="utf-8")
    fw = _shipped_framework()
    scale = fw.scale
    offset = math.log(scale.response_probability / (1 - scale.response_probability))
    assert f"{offset / scale.prior_discrimination:.3f}" in text
    for area in fw.areas:
        assert area_cuts(fw, area.id) == area_cuts(fw, fw.areas[0].id)  # one table for all
    cuts = area_cuts(fw, fw.areas[0].id)
    for level in range(1, 9):
        stage_name = next(s.name.en for s in fw.stages if level in s.levels)
        band = fw.band(band_of_level(fw, level)).name.en
        b = scale.level_difficulty[level - 1]
        row = f"| {level} | {b:g} | {cuts[level - 1]:.2f} | {stage_name} | {band} |"
        assert row in text, row
        assert f"| {level} | {b:g} | {1 / (1 + math.exp(b)):.2f} |" in text
    level = proficient_level(fw)
    assert f"| {proficient_cut(fw, fw.areas[0].id):.2f} (level {level}) |" in text
    # the information of a prior partial-credit item with the most steps, at its difficulty
    from dsat.domain.irt import MAX_STEPS, ItemParams, information, prior_params
    from dsat.domain.items import ITEM_ADAPTER

    def both(s: str) -> dict[str, str]:
        return {"vi": s, "en": s}

    pairs = [{"left": both(f"l{i}"), "right": both(f"r{i}")} for i in range(MAX_STEPS)]
    matching = ITEM_ADAPTER.validate_python(
        {"id": "doc-01", "competency": "1.1", "level": 4, "type": "matching",
         "stem": both("stem"), "explanation": both("why"), "pairs": pairs}
    )  # fmt: skip
    prior = prior_params(matching, scale)
    shown = ", ".join(f"{d:+.1f}".replace("-", "−") for d in prior.steps or ())
    flat = " ".join(text.split())  # the prose wraps lines anywhere
    assert f"K = {MAX_STEPS}: {shown})" in flat, shown
    top = float(information(ItemParams(prior.a, 0.0, prior.steps), 0.0)[0])
    assert f"K = {MAX_STEPS} up to {top:.2f}" in flat
    for b in fw.bands:
        assert f"| {b.name.en} ({b.name.vi}) | {b.min_percent:g}% |" in text, b.id
    for kind in ("competency", "area", "full"):
        bp = getattr(fw.blueprints, kind)
        r = bp.adaptive
        row = (
            f"| {kind} | {bp.feedback} | {r.se_target:g} | {r.clear:.2f} | {r.max_items} | "
            f"{r.min_per_competency} | {r.randomesque} | {r.exposure_cap:g} | {r.pretest} | "
            f"{r.avoid_seen_days} | {bp.seconds_per_item} |"
        )
        assert bp.mode == "adaptive" and row in text, row


def test_levels_doc_numbers_table_matches_the_code():
    import importlib

    import numpy as np

    text = (ROOT / "docs" / "levels.md").read_text(encoding="utf-8")
    table = _section(text, "## 9. The numbers in one place")
    rows = re.findall(r"^\| [^|]+ \| ([^|]+) \| `([^`]+)` \|$", table, re.M)
    assert len(rows) >= 18
    scale = _shipped_framework().scale
    for value, source in rows:
        if source.startswith("scale."):
            actual = getattr(scale, source.split(".", 1)[1])
        else:
            module, name = source.rsplit(".", 1)
            actual = getattr(importlib.import_module(module), name)
        if isinstance(actual, np.ndarray):
            actual = [len(actual), actual[0], actual[-1]]
        expected = [float(v) for v in value.split(", ")]
        got = [float(v) for v in (actual if isinstance(actual, list | tuple) else [actual])]
        assert got == expected, source


def test_reports_doc_gives_the_provinces_and_draws_of_the_code():
    from dsat.domain.places import PROVINCES
    from dsat.domain.report import PV_DRAWS

    text = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    assert f"across the {len(PROVINCES)} provinces" in text
    assert f"for each of M = {PV_DRAWS} draws" in text
    assert f"({PV_DRAWS} plausible values" in text
