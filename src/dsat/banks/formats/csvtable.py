"""CSV files from spreadsheets: the header and the non-blank rows, with their lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator


class CsvProblem(csv.Error):
    """A row the csv module cannot read, with the line where the row starts."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _explain(exc: csv.Error) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters, far more than a "
            "question needs (is a quote left open?)"
        )
    return f"not a CSV row: {message}"


def csv_table(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """(header in lower case, (first line, cells) of each non-blank row).

    The separator is the one the header line uses most of comma, semicolon and tab (Excel
    writes semicolons where the decimal mark is a comma). A row's line is where it starts;
    quoted cells may span lines. A row the csv module cannot read (a cell over its field
    limit, 128 KB) raises CsvProblem at that row's line.
    """
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max(",;\t", key=first.count))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise CsvProblem(1, _explain(exc)) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise CsvProblem(line + 1, _explain(exc)) from None
            start, line = line + 1, reader.line_num
            if any(c.strip() for c in cells):
                yield start, cells

    return header, rows()
