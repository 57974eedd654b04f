"""CSV files from spreadsheets: the header and the non-blank rows, with their lines."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator


def csv_table(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """(header in lower case, (first line, cells) of each non-blank row).

    The separator is the one the header line uses most of comma, semicolon and tab (Excel
    writes semicolons where the decimal mark is a comma). A row's line is where it starts;
    quoted cells may span lines.
    """
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max(",;\t", key=first.count))
    header = [h.strip().lower() for h in next(reader, [])]

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if any(c.strip() for c in cells):
                yield start, cells

    return header, rows()
