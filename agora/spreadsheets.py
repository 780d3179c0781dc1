"""CSV files made for the spreadsheet an organiser opens them in: Excel, LibreOffice, Google Sheets.

Every export of the house (an event's feedback, its sessions' ratings, its attendees, a poll, a live
Q&A's questions) is written here, so each guards its cells the same way. Cells come from members
(a name, a comment, a question): one starting with = + - @, a tab or a carriage return is run as a
formula by a spreadsheet (OWASP "CSV injection"), so it is written with a leading ' that shows
nothing. Light: no discord, no I/O.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TypeAlias

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Numbers stay numbers (a member's id is written as text by its caller: spreadsheets round past 15 digits).
Cell: TypeAlias = str | int


def safe_cell(value: Cell) -> Cell:
    """`value` as a cell no spreadsheet runs as a formula: text prefixed with ' when it would be;
    numbers as they are (a negative number is a number, not a formula)."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_bytes(header: Sequence[Cell], rows: Iterable[Sequence[Cell]], delimiter: str = ",") -> bytes:
    """The file: UTF-8 with a BOM (without it Excel reads the accents as Windows-1252), CRLF rows
    (RFC 4180), `delimiter` between cells (";" where the decimal mark is a comma, as Excel expects
    in French), every cell of the header and the rows through `safe_cell`. An empty row is a blank
    line, to separate two tables in one file."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")
