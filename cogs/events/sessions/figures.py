"""A session's ratings in figures: for the event's report and for the summary its speaker receives.

Pure, like figures.py: exact averages from integer counts, rounded only where shown (figures.format_*).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from agora.meetings import Session
from agora.spreadsheets import Cell, csv_bytes

RATINGS = range(1, 6)
# Keys the caller's `labels` must translate for sessions_csv: the header words, and "missed".
SESSION_CSV_COLUMNS = ("event", "session", "speaker", "starts_at", "rating", "comment", "updated_at")


@dataclass(frozen=True, slots=True)
class SessionRating:
    """One member's answer about one session: a rating 1–5, "I missed it", or a comment alone."""

    session_id: int
    user_id: int
    rating: int | None  # None: missed, or a comment alone
    missed: bool
    comment: str  # "a word for the speaker"; "" without
    updated_at: int  # epoch seconds, UTC


@dataclass(frozen=True, slots=True)
class SessionFigures:
    session_id: int
    answers: int  # members who rated it 1–5
    missed: int  # members who said they missed it
    average: float | None  # None without a rating
    distribution: tuple[int, int, int, int, int]  # how many rated 1, 2, 3, 4, 5
    comments: tuple[str, ...]  # newest first, stripped, never empty; no author

    def enough_for_speaker(self, minimum: int) -> bool:
        """Whether the speaker may see figures: fewer answers could let them recognise someone."""
        return self.answers >= minimum


def session_figures(session_id: int, ratings: Iterable[SessionRating]) -> SessionFigures:
    mine = [r for r in ratings if r.session_id == session_id]
    rated = [r.rating for r in mine if r.rating is not None]
    if any(rating not in RATINGS for rating in rated):
        raise ValueError(f"a session rating is 1 to 5, not {rated!r}")
    counts = Counter(rated)
    said = sorted((r for r in mine if r.comment.strip()), key=lambda r: r.updated_at, reverse=True)
    return SessionFigures(
        session_id=session_id,
        answers=len(rated),
        missed=sum(1 for r in mine if r.missed),
        average=sum(rated) / len(rated) if rated else None,
        distribution=(counts[1], counts[2], counts[3], counts[4], counts[5]),
        comments=tuple(r.comment.strip() for r in said),
    )


def sessions_csv(
    sessions: Sequence[Session],
    ratings: Iterable[SessionRating],
    *,
    event_name: str,
    speakers: Mapping[int, str],
    anonymous: bool,
    labels: Mapping[str, str],
    delimiter: str = ",",
) -> bytes:
    """One row per answer, session by session in the programme's order, oldest answer first; UTF-8
    with a BOM, CRLF rows, cells a spreadsheet would run as formulas prefixed with ', like the
    feedback's CSV. The rating column holds 1–5, the word for "missed", or nothing (a comment alone).
    `speakers` gives each session's speaker as the export shows them; member ids only when not
    `anonymous` (then `labels` translates "user_id" too)."""
    columns = SESSION_CSV_COLUMNS if anonymous else (*SESSION_CSV_COLUMNS, "user_id")
    by_session: dict[int, list[SessionRating]] = {}
    for rating in ratings:
        by_session.setdefault(rating.session_id, []).append(rating)
    rows: list[list[Cell]] = []
    for session in sessions:
        answers = sorted(by_session.get(session.id, ()), key=lambda r: (r.updated_at, r.user_id))
        for answer in answers:
            shown = labels["missed"] if answer.missed else answer.rating if answer.rating is not None else ""
            row: list[Cell] = [
                event_name,
                session.title,
                speakers.get(session.id, ""),
                datetime.fromtimestamp(session.starts_at, UTC).isoformat(),
                shown,
                answer.comment.strip(),
                datetime.fromtimestamp(answer.updated_at, UTC).isoformat(),
            ]
            if not anonymous:
                row.append(answer.user_id)
            rows.append(row)
    return csv_bytes([labels[column] for column in columns], rows, delimiter)
