"""Confirming an answer until the next item is painted, vs a bare Textual screen swap.

Both sides get the same treatment: the Enter key event is posted to the running app, then
the clock runs until the next page's widgets are mounted and show the next item (polled
every 0.5 ms). dsat's side includes validating and committing the answer to SQLite
(WAL, synchronous=FULL) and building the next item's widgets; in an adaptive test also
choosing the next item (EAP on the grid, information of every candidate item) and
appending it in the same write.

    python bench/answer_latency.py [--repeat 60]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from textual import events
from textual.app import App
from textual.screen import Screen
from textual.widgets import Label, Static

from _harness import report
from dsat.services.banks import default_framework, ensure_bank
from dsat.services.clock import FixedClock
from dsat.store import open_store as connect
from dsat.tui.app import DsatApp

SIZE = (100, 32)


class Page(Screen):
    def __init__(self, n: int):
        super().__init__()
        self.n = n

    def compose(self):
        yield Label(f"Item {self.n}")
        yield Static("A question stem of a realistic length, " * 4)
        for i in range(4):
            yield Label(f" {i + 1}  ( ) option {i}")

    def key_enter(self) -> None:
        self.app.switch_screen(Page(self.n + 1))


class Bare(App):
    def on_mount(self) -> None:
        self.push_screen(Page(1))


async def until(predicate, timeout: float = 5.0) -> None:
    end = time.perf_counter() + timeout
    while not predicate():
        if time.perf_counter() > end:
            raise TimeoutError
        await asyncio.sleep(0.0005)


def enter() -> events.Key:
    return events.Key("enter", "\r")


def page_shown(app: App, n: int) -> bool:
    screen = app.screen
    if not isinstance(screen, Page) or screen.n != n or not screen.is_mounted:
        return False
    labels = screen.query(Label)
    return bool(labels) and labels.first().is_mounted


async def bare(repeat: int) -> list[float]:
    app = Bare()
    out = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(repeat):
            n = app.screen.n
            start = time.perf_counter()
            app.post_message(enter())
            await until(lambda n=n: page_shown(app, n + 1))
            out.append(time.perf_counter() - start)
            await pilot.pause()
    return out


def item_shown(screen, index: int) -> bool:
    if screen.index != index:
        return False
    found = screen.query("#progress")
    shown = str(found.first().render()) if found else ""
    return f"Item {index + 1}/" in shown or f"Item {index + 1} (" in shown


def framework(db, mode: str):
    fw = default_framework(db)
    blueprint = fw.blueprints.competency.model_copy(update={"mode": mode})
    return fw.model_copy(
        update={"blueprints": fw.blueprints.model_copy(update={"competency": blueprint})}
    )


async def ours(repeat: int, mode: str) -> list[float]:
    tmp = Path(tempfile.mkdtemp())
    db = connect(tmp / "bench.db")
    clock = FixedClock(datetime(2026, 11, 22, 2, 0, tzinfo=UTC))
    ensure_bank(db, clock)
    app = DsatApp(db, framework(db, mode), lang="en", seed=1, clock=clock)
    out = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for value in ("CB1", "A", "U"):
            for ch in value:
                await pilot.press(ch)
            await pilot.press("enter")
        await pilot.pause()
        for i in range(repeat):
            # a fresh attempt, opened at a choice item that has a next item
            state = app.service.start("CB1", "competency", "4.2", "en", seed=i)
            if mode == "adaptive":  # the self-rating: confirming it chooses the first item
                pos = state.current
            else:
                pos = next(s.position for s in state.slots[:-1] if s.item.kind == "choice")
            app.service.move(state.attempt.id, pos)
            app.open_attempt(state.attempt.id)
            await pilot.pause()
            await pilot.press("1")
            await pilot.pause()
            screen = app.screen
            start = time.perf_counter()
            app.post_message(enter())
            await until(lambda s=screen, p=pos: item_shown(s, p + 1))
            out.append(time.perf_counter() - start)
            await pilot.pause()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    b = asyncio.run(bare(args.repeat))
    for mode in ("fixed", "adaptive"):
        o = asyncio.run(ours(args.repeat, mode))
        report(f"confirm -> next item painted ({mode} form)", o, b, target=1.2)
        print(
            f"  dsat p90 {statistics.quantiles(o, n=10)[-1] * 1000:.1f} ms, "
            f"baseline p90 {statistics.quantiles(b, n=10)[-1] * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
