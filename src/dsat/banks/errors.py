"""Problems found in a bank file, each located as PATH:LINE: field: message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BankIssue:
    """`line` is a line number, or a place such as `Items!12` (a spreadsheet row)."""

    path: str
    line: int | str
    field: str
    message: str

    def sort_key(self) -> tuple[str, int, str, str, str]:
        if isinstance(self.line, int):
            return (self.path, self.line, "", self.field, self.message)
        sheet, _, row = self.line.rpartition("!")
        return (self.path, int(row) if row.isdigit() else 0, sheet, self.field, self.message)

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return f"{self.path}:{self.line}:{field} {self.message}"


class BankError(Exception):
    """Raised with every issue found; nothing has been written when it is raised."""

    def __init__(self, issues: list[BankIssue]):
        self.issues = sorted(issues, key=BankIssue.sort_key)
        super().__init__("\n".join(str(i) for i in self.issues))


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
