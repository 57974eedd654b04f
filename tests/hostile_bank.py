"""A question bank whose every text is hostile: Rich markup that must show literally.

Competency 4.1 has exactly one self-rating and the eight scored items a fixed form of the
blueprint below draws (3 foundation, 3 intermediate, 2 advanced), one of each answer
widget kind among them, so one form shows every kind. The framework's names, bands,
feedback, scale and descriptions are hostile too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dsat.services.banks import shipped_bank_dir

# Markup that Rich would act on: a closing tag that was never opened (a MarkupError), an
# action that quits the app when clicked, a style, and a tag that is a style name.
MARKS = ("[/oops]", "[@click=app.quit]", "[bold red]")


def hostile(tag: str, lang: str = "en") -> str:
    return f"{tag}-{lang} [/oops] [@click=app.quit]q[/] [bold red]R[/bold red] [x]"


def text(tag: str) -> dict[str, str]:
    return {"vi": hostile(tag, "vi"), "en": hostile(tag, "en")}


def items() -> list[dict[str, Any]]:
    base = {"competency": "4.1"}

    def it(ident: str, level: int, kind: str, **more: Any) -> dict[str, Any]:
        out = {"id": ident, "level": level, "type": kind, "stem": text(f"S{ident}"),
               "explanation": text(f"E{ident}"), **base, **more}  # fmt: skip
        if kind == "self_rating":
            del out["explanation"]
        return out

    opts = [{"id": k, "text": text(f"O{k}")} for k in "abc"]
    return [
        it("h0", 3, "self_rating"),
        it("h1", 1, "single", options=opts, key="b"),
        it("h2", 2, "multiple", options=opts, key=["a", "c"]),
        it("h3", 1, "true_false", key=True),
        it("h4", 3, "short_answer", answers=["[/oops] answer"]),
        it("h5", 3, "numerical", answer=42, unit=text("U")),
        it(
            "h6",
            4,
            "matching",
            pairs=[{"left": text(f"L{i}"), "right": text(f"R{i}")} for i in range(2)],
        ),
        it("h7", 5, "ordering", steps=[text(f"T{i}") for i in range(3)]),
        it("h8", 6, "single", options=opts, key="a"),
    ]


def framework() -> dict[str, Any]:
    data = yaml.safe_load((shipped_bank_dir() / "framework.yaml").read_text(encoding="utf-8"))
    fw = data["framework"]
    fw["name"] = text("FW")
    for area in fw["areas"]:
        area["name"] = text(f"A{area['id']}")
        for comp in area["competencies"]:
            if comp["id"] == "4.1":
                comp["name"] = text("C41")
                comp["description"] = text("D41")
    for band in fw["bands"]:
        band["name"] = {lang: f"{band['id']}-{lang}[/oops][bold red]" for lang in ("vi", "en")}
        band["feedback"] = text(f"F{band['id']}")
    for i, step in enumerate(fw["self_rating_scale"]):
        step["label"] = text(f"K{i}")
    stages = {"foundation": 3, "intermediate": 3, "advanced": 2}
    for scope in ("competency", "area", "full"):
        bp = fw["blueprints"][scope]
        bp.update(mode="fixed", per_stage=stages, self_rating=1)
        bp.pop("adaptive", None)
    return data


def write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "framework.yaml").write_text(
        yaml.safe_dump(framework(), allow_unicode=True), encoding="utf-8"
    )
    (folder / "4.1-hostile.yaml").write_text(
        yaml.safe_dump({"items": items()}, allow_unicode=True), encoding="utf-8"
    )
    return folder
