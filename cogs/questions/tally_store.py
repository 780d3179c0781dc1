"""The Q&A's vote path: ▲ clicks, moderation and the close, decided in memory, in order, then written
together to SQLite (agora/batching.py).

The bot is the database's only writer, so what each question holds can be kept in memory once read:
a click is decided without a round trip, and every request that arrived meanwhile is written in one
transaction. A member's click is answered only after that transaction committed; if it fails, memory
is left as it was and every request of the batch gets the error.

Votes, moderation and the close go through the same queue, so they are totally ordered: a vote
decided before the close counts, one after it is refused; a vote never lands on a question hidden
before it. Each committed change gets a version from one counter, in commit order: the question's
message shows the change through the click's own answer, and the display (question_board.py) uses
the versions to notice an answer that reached Discord after a newer one.

A click counts only on the question's own message, in the board's server: each question's message id
is kept with its tally, so a forged `qa:vote:<id>` on another message (the board, an announcement) is
refused without a read. A question is votable as soon as its post comes back from Discord (`posted`),
before its message id is stored; a click that arrives while the post is still on its way (members see
the message before the bot reads Discord's answer) waits for it (`posting`).

Entry points: `vote(question_id, user_id, now, ...)` is the ▲ click (what bench/questions.py drives);
`moderate(...)`, `close(...)`, `shown(question_id)` (the question as it stands, for a redraw).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import aiosqlite

from agora.batching import Batcher
from agora.clock import epoch
from agora.database import Database
from cogs.questions.model import ANSWERED, HIDDEN, OPEN, Counted

# How long a click waits for its question's post to come back: well within the 3 s Discord gives the
# click's answer.
POST_WAIT = 2.0


class QuestionNotFound(Exception):
    pass


class NotItsMessage(Exception):
    """The click came from another message than the question's own, or from another server."""


class QuestionHidden(Exception):
    pass


class BoardClosed(Exception):
    pass


class AlreadyModerated(Exception):
    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


# Each request's own refusal: given to that request alone, the rest of its batch goes on.
REFUSALS = (QuestionNotFound, NotItsMessage, QuestionHidden, BoardClosed, AlreadyModerated)


@dataclass(slots=True)
class BoardTally:
    closed: bool
    language: str
    guild_id: int = 0


@dataclass(slots=True)
class QuestionTally:
    board_id: int
    state: str
    voters: set[int] = field(default_factory=set)
    version: int = 0  # of the last committed change
    message_id: int = 0  # where it is shown, and the only message its buttons count on


def decide_vote(board: BoardTally, question: QuestionTally, user_id: int) -> QuestionTally:
    """The question after the member's ▲: added, or withdrawn when they held it. Refused on a closed
    board or a hidden question."""
    if board.closed:
        raise BoardClosed
    if question.state == HIDDEN:
        raise QuestionHidden
    return replace(question, voters=question.voters ^ {user_id})


def decide_moderation(board: BoardTally, question: QuestionTally, state: str) -> QuestionTally:
    """Answered or hidden; a hidden question stays hidden, and nothing changes once the board closed."""
    if state not in (ANSWERED, HIDDEN):
        raise ValueError(state)
    if board.closed:
        raise BoardClosed
    if question.state in (state, HIDDEN):
        raise AlreadyModerated(question.state)
    return replace(question, state=state)


@dataclass(frozen=True, slots=True)
class Clicked:
    """Where a click came from: the message its button is on, in which server."""

    message_id: int
    guild_id: int


@dataclass(frozen=True, slots=True)
class Vote:
    question_id: int
    user_id: int
    at: int
    on: Clicked


@dataclass(frozen=True, slots=True)
class Moderate:
    question_id: int
    user_id: int
    state: str
    at: int
    on: Clicked


@dataclass(frozen=True, slots=True)
class Close:
    board_id: int
    at: int


Request = Vote | Moderate | Close
Outcome = Counted | bool


class TallyStore:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.boards: dict[int, BoardTally] = {}
        self.questions: dict[int, QuestionTally] = {}
        self._versions = itertools.count(1)
        self._batcher: Batcher[Request, Outcome] = Batcher(self._write, name="qa-votes")
        self._posting: dict[int, asyncio.Future[None]] = {}  # question → its post coming back

    async def vote(self, question_id: int, user_id: int, now: datetime, on: Clicked) -> Counted:
        """The ▲ click: adds the member's vote, or withdraws it. Raises QuestionNotFound, NotItsMessage,
        QuestionHidden, BoardClosed."""
        posting = self._posting.get(question_id)
        if posting is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(POST_WAIT):
                    await asyncio.shield(posting)
        outcome = await self._batcher.submit(Vote(question_id, user_id, epoch(now), on))
        assert isinstance(outcome, Counted)  # noqa: S101 — a Vote's outcome
        return outcome

    async def moderate(
        self, question_id: int, user_id: int, state: str, now: datetime, on: Clicked
    ) -> Counted:
        """Raises QuestionNotFound, NotItsMessage, BoardClosed, AlreadyModerated."""
        outcome = await self._batcher.submit(Moderate(question_id, user_id, state, epoch(now), on))
        assert isinstance(outcome, Counted)  # noqa: S101 — a Moderate's outcome
        return outcome

    async def close(self, board_id: int, now: datetime) -> bool:
        """Stops the board; False when it was already stopped (or does not exist)."""
        return bool(await self._batcher.submit(Close(board_id, epoch(now))))

    async def shown(self, question_id: int) -> Counted | None:
        """The question as it stands (committed), with the version of its last change; None if gone."""
        try:
            board, question = await self._load(question_id)
        except QuestionNotFound:
            return None
        return self._counted(question_id, board, question, question.version)

    def posting(self, question_id: int) -> None:
        """The question's message is being posted: a click on it waits for `posted` (or `not_posted`)."""
        self._posting[question_id] = asyncio.get_running_loop().create_future()

    def posted(self, question_id: int, board_id: int, message_id: int) -> None:
        """Its message is posted: votable at once, with no votes, before its message id is stored."""
        self.questions.setdefault(
            question_id, QuestionTally(board_id, OPEN, set(), next(self._versions), message_id)
        )
        self.not_posted(question_id)

    def not_posted(self, question_id: int) -> None:
        """Its post is over (refused, or done): clicks waiting for it go on."""
        future = self._posting.pop(question_id, None)
        if future is not None and not future.done():
            future.set_result(None)

    def removed(self, question_id: int) -> None:
        """Its row is gone (deleted while its message was being posted): not votable any more."""
        self.questions.pop(question_id, None)

    def forget(self) -> None:
        """Drop what memory holds: it is read again from SQLite (after a member was forgotten)."""
        self.boards.clear()
        self.questions.clear()

    @staticmethod
    def _counted(question_id: int, board: BoardTally, question: QuestionTally, version: int) -> Counted:
        return Counted(
            question_id=question_id,
            board_id=question.board_id,
            votes=len(question.voters),
            state=question.state,
            closed=board.closed,
            language=board.language,
            version=version,
        )

    async def _board(self, board_id: int) -> BoardTally:
        board = self.boards.get(board_id)
        if board is None:
            row = await self.database.fetch_one(
                "SELECT stopped_at IS NOT NULL AS closed, language, guild_id FROM qa_boards WHERE id = ?",
                (board_id,),
            )
            if row is None:
                raise QuestionNotFound
            board = BoardTally(bool(row["closed"]), row["language"], row["guild_id"])
            self.boards[board_id] = board
        return board

    async def _load(self, question_id: int) -> tuple[BoardTally, QuestionTally]:
        question = self.questions.get(question_id)
        if question is None:
            row = await self.database.fetch_one(
                "SELECT board_id, state, message_id FROM qa_questions "
                "WHERE id = ? AND message_id IS NOT NULL",
                (question_id,),
            )
            if row is None:
                raise QuestionNotFound
            voters = await self.database.fetch_all(
                "SELECT user_id FROM qa_votes WHERE question_id = ?", (question_id,)
            )
            # Read now, so as it stands: newer than anything shown of it before.
            question = QuestionTally(
                row["board_id"],
                row["state"],
                {v["user_id"] for v in voters},
                next(self._versions),
                row["message_id"],
            )
            board = await self._board(question.board_id)
            self.questions[question_id] = question
            return board, question
        return await self._board(question.board_id), question

    async def _write(self, requests: Sequence[Request]) -> list[Outcome | Exception]:
        """One transaction for the batch; memory takes the batch's changes only once it committed."""
        boards: dict[int, BoardTally] = {}  # the batch's overlay on memory
        questions: dict[int, QuestionTally] = {}
        outcomes: list[Outcome | Exception] = []
        voted: dict[tuple[int, int], int] = {}  # (question, member) → when their vote was added
        moderated: list[tuple[str, int, int, int]] = []
        stopped: list[tuple[int, int]] = []
        async with self.database.transaction() as connection:
            for request in requests:
                try:
                    outcomes.append(await self._decide(request, boards, questions, voted, moderated, stopped))
                except REFUSALS as refusal:
                    outcomes.append(refusal)
            await self._save(connection, questions, voted, moderated, stopped)
        self.boards.update(boards)
        self.questions.update(questions)
        return outcomes

    async def _decide(
        self,
        request: Request,
        boards: dict[int, BoardTally],
        questions: dict[int, QuestionTally],
        voted: dict[tuple[int, int], int],
        moderated: list[tuple[str, int, int, int]],
        stopped: list[tuple[int, int]],
    ) -> Outcome:
        if isinstance(request, Close):
            board = boards.get(request.board_id) or await self._board_or_none(request.board_id)
            if board is None or board.closed:
                return False
            boards[request.board_id] = replace(board, closed=True)
            stopped.append((request.at, request.board_id))
            version = next(self._versions)
            for question_id, question in [*self.questions.items(), *questions.items()]:
                if question.board_id == request.board_id:
                    questions[question_id] = replace(questions.get(question_id, question), version=version)
            return True
        saved_board, saved = await self._load(request.question_id)
        if request.on.message_id != saved.message_id or request.on.guild_id != saved_board.guild_id:
            raise NotItsMessage
        board = boards.get(saved.board_id, saved_board)
        question = questions.get(request.question_id, saved)
        if isinstance(request, Vote):
            after = decide_vote(board, question, request.user_id)
            voted[(request.question_id, request.user_id)] = request.at
        else:
            after = decide_moderation(board, question, request.state)
            moderated.append((request.state, request.user_id, request.at, request.question_id))
        version = next(self._versions)
        questions[request.question_id] = replace(after, version=version)
        return self._counted(request.question_id, board, after, version)

    async def _board_or_none(self, board_id: int) -> BoardTally | None:
        try:
            return await self._board(board_id)
        except QuestionNotFound:
            return None

    async def _save(
        self,
        connection: aiosqlite.Connection,
        questions: dict[int, QuestionTally],
        voted: dict[tuple[int, int], int],
        moderated: list[tuple[str, int, int, int]],
        stopped: list[tuple[int, int]],
    ) -> None:
        """Each (question, member) touched ends as memory will hold it: a vote clicked twice in one
        batch is neither inserted nor deleted."""
        added, withdrawn = [], []
        for (question_id, user_id), at in voted.items():
            before = self.questions.get(question_id)
            had = before is not None and user_id in before.voters
            has = user_id in questions[question_id].voters
            if has and not had:
                added.append((question_id, user_id, at))
            elif had and not has:
                withdrawn.append((question_id, user_id))
        if withdrawn:
            await connection.executemany(
                "DELETE FROM qa_votes WHERE question_id = ? AND user_id = ?", withdrawn
            )
        if added:
            await connection.executemany(
                "INSERT INTO qa_votes (question_id, user_id, voted_at) VALUES (?, ?, ?)", added
            )
        if moderated:
            await connection.executemany(
                "UPDATE qa_questions SET state = ?, moderated_by = ?, moderated_at = ? WHERE id = ?",
                moderated,
            )
        if stopped:
            await connection.executemany(
                "UPDATE qa_boards SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL", stopped
            )
