"""`dsat bank import` of a generated 10,000-item bank vs a raw sqlite-utils insert_all of the
same rows, in the same run.

dsat's side is the whole import: read and parse the YAML, validate every item with
pydantic, hash each item, compare with what is stored and write everything in one
transaction. The baseline inserts the very rows dsat writes, already built in memory.

    python bench/import_speed.py [--items 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import sqlite_utils
import yaml

from _harness import report
from dsat.banks.native import load_bank
from dsat.domain.items import ITEM_TYPES
from dsat.services.banks import import_bank, shipped_bank_dir
from dsat.store import open_store as connect
from dsat.store.base import now_iso
from dsat.store.migrations import MIGRATIONS

# the seven question types of the earlier figures (practical tasks are generated per
# candidate and are few in any bank)
SCORED_TYPES = [t for t in ITEM_TYPES if t not in ("self_rating", "task")]


def _t(s: str) -> dict[str, str]:
    return {"vi": f"{s} (tiếng Việt)", "en": s}


def generate(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    comps = ["1.1", "1.2", "2.1", "3.1", "4.1", "4.2", "5.1", "6.2"]
    items = []
    for i in range(n):
        kind = SCORED_TYPES[i % len(SCORED_TYPES)]
        item = {
            "id": f"G-{i:05d}",
            "competency": rng.choice(comps),
            "level": rng.randint(1, 6),
            "type": kind,
            "stem": _t(f"Generated question number {i} about a work task?"),
            "explanation": _t(f"Explanation for item {i}, teaching the point."),
        }
        if kind in ("single", "multiple"):
            item["options"] = [{"id": k, "text": _t(f"Option {k} of {i}")} for k in "abcd"]
            item["key"] = "b" if kind == "single" else ["a", "c"]
        elif kind == "true_false":
            item["key"] = bool(i % 2)
        elif kind == "short_answer":
            item["answers"] = [f"answer {i}", f"đáp án {i}"]
        elif kind == "numerical":
            item.update(answer=i, tolerance=0.5)
        elif kind == "matching":
            item["pairs"] = [{"left": _t(f"L{j}"), "right": _t(f"R{j}")} for j in range(3)]
        else:
            item["steps"] = [_t(f"Step {j}") for j in range(4)]
        items.append(item)
    return items


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    bank = tmp / "bank"
    bank.mkdir()
    shutil.copy(shipped_bank_dir() / "framework.yaml", bank)
    (bank / "generated.yaml").write_text(
        yaml.safe_dump({"items": generate(args.items)}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    size = (bank / "generated.yaml").stat().st_size
    print(f"bank: {args.items} items, {size / 1e6:.1f} MB of YAML")

    # the rows dsat writes, for the baseline
    loaded = load_bank([bank])
    now = now_iso(__import__("datetime").datetime.now(__import__("datetime").UTC))
    rows = [
        {
            "item_id": it.id,
            "version": 1,
            "content_hash": it.content_hash(),
            "competency_id": it.competency,
            "area_id": it.competency.split(".")[0],
            "level": it.level,
            "type": it.type,
            "languages": "vi,en",
            "data": it.model_dump_json(),
            "status": "active",
            "source": "generated.yaml",
            "bank_id": 1,
            "created_at": now,
        }
        for it in loaded.items
    ]

    ours, base, phases = [], [], []
    for r in range(args.repeat):
        db = connect(tmp / f"ours{r}.db")
        start = time.perf_counter()
        import_bank(db, [bank], imported_by="bench")
        ours.append(time.perf_counter() - start)
        assert db.count("items") == args.items
        db.close()

        raw = sqlite_utils.Database(tmp / f"raw{r}.db")
        raw.conn.executescript(MIGRATIONS[0][1])
        raw["banks"].insert(
            {
                "id": 1,
                "path": "generated.yaml",
                "sha256": "x",
                "imported_at": now,
                "imported_by": "bench",
                "added": 0,
                "changed": 0,
                "retired": 0,
            }
        )
        start = time.perf_counter()
        with raw.conn:
            raw["items"].insert_all(rows, batch_size=500)
        base.append(time.perf_counter() - start)
        raw.close()

        start = time.perf_counter()
        load_bank([bank])
        phases.append(time.perf_counter() - start)

    report(f"bank import of {args.items} items", ours, base, target=3.0)
    best = min(ours)
    print(
        f"  dsat: {args.items / best:,.0f} items/s end to end (target >= 5,000 items/s); "
        f"read+parse+validate alone {min(phases) * 1000:.0f} ms of {best * 1000:.0f} ms"
    )
    again = connect(tmp / "ours0.db")
    start = time.perf_counter()
    import_bank(again, [bank], imported_by="bench")
    print(f"  re-import of the unchanged bank: {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
