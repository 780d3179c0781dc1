"""Plain data shared by the live Q&A's modules: a board, a question, what a question's message shows."""

from __future__ import annotations

from dataclasses import dataclass

OPEN, ANSWERED, HIDDEN = "open", "answered", "hidden"
STATES = (OPEN, ANSWERED, HIDDEN)


@dataclass(frozen=True, slots=True)
class Board:
    """A Q&A board: its message in `channel_id`, its questions in `thread_id` (or in the channel itself
    when the board was started inside a thread)."""

    id: int
    guild_id: int
    event_id: int | None
    channel_id: int
    thread_id: int | None
    message_id: int | None
    language: str
    started_by: int | None
    started_at: int
    stopped_at: int | None
    results_message_id: int | None

    @property
    def is_open(self) -> bool:
        return self.stopped_at is None

    @property
    def questions_channel_id(self) -> int:
        """Where its questions are posted."""
        return self.thread_id if self.thread_id is not None else self.channel_id


@dataclass(frozen=True, slots=True)
class NewBoard:
    guild_id: int
    event_id: int | None
    channel_id: int
    language: str
    started_by: int


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    board_id: int
    session_id: int | None
    author_id: int
    anonymous: bool
    text: str
    message_id: int | None
    asked_at: int
    state: str
    votes: int = 0


@dataclass(frozen=True, slots=True)
class NewQuestion:
    board_id: int
    guild_id: int
    session_id: int | None
    author_id: int
    anonymous: bool
    text: str


@dataclass(frozen=True, slots=True)
class Counted:
    """A question as its message shows it after a change (a click, a moderation, the close), and the
    version of that change: versions grow in the order changes were committed, so the display can tell
    an answer that reached Discord after a newer one."""

    question_id: int
    board_id: int
    votes: int
    state: str
    closed: bool
    language: str
    version: int


def ranked(questions: list[Question]) -> list[Question]:
    """Most votes first; ties: the oldest question first (then the first stored)."""
    return sorted(questions, key=lambda q: (-q.votes, q.asked_at, q.id))
