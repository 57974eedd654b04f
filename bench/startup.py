"""`dsat take` start to its first interactive screen, vs a bare Textual hello app.

Both run as real processes in a pseudo-terminal; the clock stops when the first screen's
text has been drawn. The database already holds the shipped bank (the usual case); the
first run, which also imports the bank, is reported on its own.

    python bench/startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import pexpect

from _harness import report

ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[A-Za-z~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")
HELLO = """
from textual.app import App
from textual.widgets import Input, Label
class Hello(App):
    def compose(self):
        yield Label("Employee ID")
        yield Input()
Hello().run()
"""


def until_drawn(cmd: list[str], text: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = pexpect.spawn(
        cmd[0],
        cmd[1:],
        env=env,
        dimensions=(32, 100),
        encoding="utf-8",
        codec_errors="replace",
        timeout=30,
    )
    seen = ""
    while text not in seen:
        try:
            seen += ANSI.sub("", proc.read_nonblocking(65536, timeout=5)).replace("\xa0", " ")
        except pexpect.TIMEOUT:
            continue
    elapsed = time.perf_counter() - start
    proc.terminate(force=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    env = {**os.environ, "TERM": "xterm-256color", "DSAT_DB": str(tmp / "bench.db")}
    dsat = str(Path(sys.executable).with_name("dsat"))
    hello = tmp / "hello.py"
    hello.write_text(HELLO)
    first = until_drawn([dsat, "take", "--lang", "en"], "Employee ID", env)
    print(f"first run (creates the database, imports the shipped bank): {first * 1000:.0f} ms")
    ours, base = [], []
    for _ in range(args.repeat):  # interleaved, so drift hits both alike
        base.append(until_drawn([sys.executable, str(hello)], "Employee ID", env))
        ours.append(until_drawn([dsat, "take", "--lang", "en"], "Employee ID", env))
    report("startup to first screen", ours, base, target=1.5)


if __name__ == "__main__":
    main()
