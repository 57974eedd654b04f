"""`dsat report share --by province,area` on a 1,000,000-result database against one
hand-written SQL GROUP BY of the same figures, in the same run; and peak memory of the
report at 100,000 and 1,000,000 results (each in a fresh process).

The databases are built once by `dsat simulate` (seeded; the real bank and scoring path)
and kept in bench/out/.

    python bench/report_share.py [--results 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from _harness import report

OUT = Path(__file__).parent / "out"

HAND_SQL = """
WITH latest AS (
  SELECT employee_id AS emp, area_id AS area, proficient AS prof, MAX(submitted_local)
  FROM area_results
  WHERE superseded = 0
  GROUP BY emp, area
)
SELECT s.province, l.area, COUNT(*) AS assessed, SUM(l.prof) AS proficient
FROM latest l
JOIN staff s ON s.employee_id = l.emp AND s.active = 1
GROUP BY s.province, l.area
"""


def build(results: int, seed: int = 11) -> Path:
    """A database with about `results` results (24 per full attempt)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"share-{results}.db"
    if path.exists():
        return path
    people = max(1, round(results / 24 / 1.53))  # about 1.53 yearly attempts per person
    # (competency results; each full attempt also has 6 area results, which this report reads)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dsat", "simulate", "--candidates", str(people), "--seed",
         str(seed), "--db", str(path)],
        check=True,
    )  # fmt: skip
    print(f"built {path.name} in {time.perf_counter() - start:.0f} s")
    return path


def _child(path: str, repeat: int) -> None:
    """Run the report `repeat` times; print timings and peak memory as JSON."""
    import resource

    from dsat.services.banks import default_framework
    from dsat.services.report import ShareOptions, share
    from dsat.store import open_store as connect

    db = connect(Path(path), create=False)
    fw = default_framework(db)
    times, hand = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        rep = share(db, fw, ShareOptions(by=["province", "area"]))
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        rows = db.conn.execute(HAND_SQL).fetchall()
        hand.append(time.perf_counter() - start)
    n = db.conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    base = [r for r in rep.rows if not r.total]
    check = {(r.group["province"], r.group["area"]): (r.assessed, r.proficient) for r in base}
    agree = all(
        check.get((p, a)) in ((n_a, k), (None, None)) for p, a, n_a, k in rows
    )  # suppressed cells print None
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"results": n, "ours": times, "hand": hand, "rows": len(rep.rows),
                      "agree": agree, "peak_mib": peak_kib / 1024}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.repeat)
        return
    runs = {}
    for size in (args.small, args.results):
        path = build(size)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path), "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        runs[size] = json.loads(out.stdout.strip().splitlines()[-1])
    for r in runs.values():
        report(
            f"report share by province x area, {r['results']:,} results ({r['rows']} rows)",
            r["ours"], r["hand"], target=1.2,
        )  # fmt: skip
        print(f"  same figures as the hand query: {r['agree']}; "
              f"fastest {min(r['ours']) * 1000:.0f} ms (target < 1 s); "
              f"peak memory of the whole process {r['peak_mib']:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
