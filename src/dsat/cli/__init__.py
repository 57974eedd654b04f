"""The `dsat` command line: thin; parses arguments, calls services, prints.

One module per command group; heavy imports (Textual, the bank readers) happen inside the
commands that need them, so `dsat --help` and admin commands start fast.
"""

from dsat.cli import bank, operations, report, results, staff  # noqa: F401  (registers them)
from dsat.cli._common import main

__all__ = ["main"]
