"""Many candidates at once: N candidates (threads with their own connections, spread over
several processes) each sit the full assessment against one database, with think time.

Measures the time the service takes to validate and commit each answer (the time between
"confirm" and "saved"), under load and, as the baseline in the same run, for one candidate
alone. Afterwards every answer must be in the database and `integrity_check` must be ok.

    python bench/load.py [--candidates 200] [--processes 4] [--think 0.5]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path


def _candidate(path: str, n: int, think: float, out: list, errors: list) -> None:
    from dsat.domain.irt import steps_of
    from dsat.domain.tasks import concrete
    from dsat.services.assessment import AssessmentService
    from dsat.services.banks import default_framework
    from dsat.services.simulate import answer_for
    from dsat.store import open_store as connect

    rng = random.Random(n)
    try:
        db = connect(Path(path))
        fw = default_framework(db)
        service = AssessmentService(db, fw)
        emp = f"LOAD{n:05d}"
        service.identify(emp, f"Candidate {n}", "Unit")
        state = service.start(emp, "full", "all", "vi", seed=n)  # adaptive: item by item
        attempt = state.attempt.id
        scale = len(fw.self_rating_scale)
        while not state.finished:
            slot = state.slots[state.current]
            shown = db.attempts.item_at(attempt, slot.position)
            assert shown is not None
            item = concrete(service.item(shown[0], shown[1]), shown[2])
            steps = steps_of(item)
            answer = answer_for(item, steps if rng.random() < 0.6 else 0, steps, rng, scale)
            time.sleep(rng.uniform(0.5, 1.5) * think)
            start = time.perf_counter()
            service.answer(attempt, slot.position, answer)
            out.append(time.perf_counter() - start)
            state = service.state(attempt)
        service.submit(attempt)
        db.close()
    except Exception as exc:  # counted and reported, never hidden
        errors.append(f"{type(exc).__name__}: {exc}")


def _process(path: str, ids: list[int], think: float, queue: mp.Queue) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=_candidate, args=(path, n, think, latencies, errors)) for n in ids
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(json.dumps({"lat": latencies, "errors": errors}))


def run(path: str, ids: list[int], processes: int, think: float) -> tuple[list[float], list[str]]:
    queue: mp.Queue = mp.Queue()
    chunks = [ids[i::processes] for i in range(processes)]
    procs = [mp.Process(target=_process, args=(path, c, think, queue)) for c in chunks if c]
    for p in procs:
        p.start()
    lat: list[float] = []
    errs: list[str] = []
    for _ in procs:
        data = json.loads(queue.get())
        lat += data["lat"]
        errs += data["errors"]
    for p in procs:
        p.join()
    return lat, errs


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds per item")
    args = parser.parse_args()
    from dsat.services.banks import ensure_bank
    from dsat.store import open_store as connect

    out = Path(__file__).parent / "out"  # on the project's disk, not a RAM disk
    out.mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(dir=out)) / "load.db"
    db = connect(path)
    ensure_bank(db)
    db.close()
    alone, errs0 = run(str(path), [0], 1, args.think / 10)
    start = time.perf_counter()
    lat, errors = run(str(path), list(range(1, args.candidates + 1)), args.processes, args.think)
    wall = time.perf_counter() - start
    db = connect(path)
    answered = db.conn.execute(
        "SELECT COUNT(*) FROM responses WHERE answered_at IS NOT NULL"
    ).fetchone()[0]
    expected = len(lat) + len(alone)
    integrity = db.conn.execute("PRAGMA integrity_check").fetchone()[0]
    submitted = db.conn.execute(
        "SELECT COUNT(*) FROM attempts WHERE status = 'submitted'"
    ).fetchone()[0]
    print(
        f"{args.candidates} candidates in {args.processes} processes, {len(lat)} answers in "
        f"{wall:.0f} s ({len(lat) / wall:.0f} answers/s); errors {len(errors) + len(errs0)}; "
        f"answers in the database {answered}/{expected}; submitted {submitted}; "
        f"integrity_check {integrity}"
    )
    print(
        f"save latency under load: p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms, "
        f"max {max(lat) * 1000:.1f} ms (target p99 < 50 ms)"
    )
    a50, a99, l50, l99 = pct(alone, 50), pct(alone, 99), pct(lat, 50), pct(lat, 99)
    print(
        f"one candidate alone (baseline): p50 {a50:.1f} ms, p99 {a99:.1f} ms; "
        f"ratio of p50 {l50 / a50:.2f}x, of p99 {l99 / a99:.2f}x"
    )
    for e in (errors + errs0)[:5]:
        print("  error:", e)


if __name__ == "__main__":
    main()
