"""Problems found in a bank file, each located as PATH:LINE: field: message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class BankIssue:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return f"{self.path}:{self.line}:{field} {self.message}"


class BankError(Exception):
    """Raised with every issue found; nothing has been written when it is raised."""

    def __init__(self, issues: list[BankIssue]):
        self.issues = sorted(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
