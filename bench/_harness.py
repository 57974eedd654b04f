"""Helpers for bench scripts: repeated timing and a one-line report."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def report(name: str, ours: list[float], baseline: list[float], target: float, unit="ms") -> str:
    scale = 1000 if unit == "ms" else 1
    a, b = statistics.median(ours), statistics.median(baseline)
    ratio = a / b
    verdict = "meets" if ratio <= target else "MISSES"
    line = (
        f"{name}: dsat {a * scale:.1f} {unit}, baseline {b * scale:.1f} {unit}, "
        f"ratio {ratio:.2f}x (target <= {target}x: {verdict}); medians of {len(ours)}"
    )
    print(line)
    return line
