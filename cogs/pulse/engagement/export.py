"""The engagement report's CSV: every figure of every section, one a row — key, label, value, the
previous period's value, the change — under the same "< 3" rule as the embeds (a hidden or withheld
value is written as the words the report shows, a change involving one is left empty).

Values are numbers a spreadsheet reads as numbers where it can: counts as integers, rates as
percentages (the label says "(%)"), averages with the language's decimal mark (the file's delimiter is
";" where that mark is a comma, as Excel expects in French). Written by agora/spreadsheets.py, like
every export of the house.
"""

from __future__ import annotations

from agora.pulse import Figure, Words
from agora.spreadsheets import Cell, csv_bytes
from cogs.pulse.engagement.figures import Report, Row, delta
from cogs.pulse.engagement.render import hidden_text, number


def report_csv(report: Report, words: Words, *, period: str, previous: str) -> bytes:
    header = [
        words(f"pulse.engagement.csv.{column}") for column in ("key", "label", "value", "previous", "delta")
    ]
    rows: list[list[Cell]] = [["period", words("pulse.engagement.csv.period"), period, previous, ""]]
    for block in report.blocks:
        for row in block.every_row():
            rows.append(_row(row, words))
    return csv_bytes(header, rows, delimiter=words("pulse.engagement.csv.delimiter"))


def _row(row: Row, words: Words) -> list[Cell]:
    figure = row.figure
    label = figure.label + (" (%)" if figure.kind == "rate" else "")
    previous = _value(row.previous, words, row.previous_withheld) if row.previous is not None else ""
    change = delta(row)
    change_cell = "" if change is None else _number(_scaled(figure, change), figure, words)
    return [figure.key, label, _value(figure, words, row.withheld), previous, change_cell]


def _value(figure: Figure, words: Words, withheld: bool) -> Cell:
    shown_instead = hidden_text(figure, words, withheld=withheld)
    if shown_instead is not None:
        return shown_instead
    if figure.value is None:
        return ""
    return _number(_scaled(figure, figure.value), figure, words)


def _scaled(figure: Figure, value: float) -> float:
    return 100 * value if figure.kind == "rate" else value


def _number(value: float, figure: Figure, words: Words) -> Cell:
    """An integer when the figure is one (a count, a score, a whole percentage), else one decimal in
    the language's decimal mark, as text."""
    places = 1 if figure.kind in ("rate", "average") else 0
    rounded = round(value, places)
    if places == 0 or rounded == int(rounded):
        return int(rounded)
    text = number(abs(rounded), words, places).replace(words("pulse.engagement.thousands"), "")
    return ("-" if rounded < 0 else "") + text
