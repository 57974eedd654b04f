"""`dsat bank import` of 10,000 questions as Moodle GIFT and as an XLSX workbook, against
the native YAML import of the same items, in the same run.

The items are generated (every scored type GIFT can hold: all but ordering), validated,
then written by dsat's own exporters, so the three files hold exactly the same items.
Each import is the whole job: read, parse, map onto items, validate, hash, write in one
transaction to a fresh database.

    python bench/format_import.py [--items 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _harness import report
from dsat.banks.export import export
from dsat.banks.foreign import ImportOptions
from dsat.domain.items import ITEM_ADAPTER
from dsat.services.banks import import_bank, shipped_bank_dir
from dsat.store import open_store as connect
from import_speed import generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    # GIFT has no ordering type: generate extra items and keep the types all three can hold
    drawn = [i for i in generate(args.items * 2) if i["type"] != "ordering"][: args.items]
    items = [ITEM_ADAPTER.validate_python(i) for i in drawn]
    files = {}
    for fmt, suffix in (("yaml", ".yaml"), ("gift", ".gift"), ("xlsx", ".xlsx")):
        folder = tmp / fmt
        folder.mkdir()
        shutil.copy(shipped_bank_dir() / "framework.yaml", folder)
        path = folder / f"bank{suffix}"
        exported = export(items, fmt)
        path.write_bytes(exported.data)
        files[fmt] = (folder, path)
        print(f"{fmt}: {exported.written} items, {len(exported.data) / 1e6:.1f} MB")

    times: dict[str, list[float]] = {fmt: [] for fmt in files}
    for r in range(args.repeat):
        for fmt, (folder, path) in files.items():
            db = connect(tmp / f"{fmt}{r}.db")
            start = time.perf_counter()
            summary = import_bank(
                db, [folder / "framework.yaml", path], imported_by="bench", options=ImportOptions()
            )
            times[fmt].append(time.perf_counter() - start)
            added = sum(f.added for f in summary.files)
            assert added == len(items), (fmt, added, summary.notes[:3])
            db.close()
    for fmt in ("gift", "xlsx"):
        report(f"{fmt} import of {args.items} items vs native YAML", times[fmt], times["yaml"], 3.0)
    for fmt, t in times.items():
        print(f"  {fmt}: {args.items / statistics.median(t):,.0f} items/s")


if __name__ == "__main__":
    main()
