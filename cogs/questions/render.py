"""What Discord shows of a Q&A: the board, each question's message, the final list. Members' text is
escaped and neutralised (agora/escaping.py), and fitted to Discord's limits after escaping."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from agora.escaping import fit_escaped, fit_together, join_within, literal
from agora.i18n import Words
from cogs.questions.model import ANSWERED, HIDDEN, OPEN, Board, Question, ranked

TOP = 10  # open questions on the board
DESCRIPTION = 4096
FIELD = 1024
TITLE = 256
# A question's text in a list that may be long (the answered ones, the final list), once escaped.
CAPPED_TEXT = 150
SESSION_TITLE = 100
COLOUR = discord.Colour.from_rgb(88, 101, 242)


def flat(text: str) -> str:
    """A question on one line: its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def counts_text(questions: Sequence[Question], words: Words) -> str:
    return words(
        "questions.board.counts",
        questions=len(questions),
        votes=sum(q.votes for q in questions),
        answered=sum(q.state == ANSWERED for q in questions),
        hidden=sum(q.state == HIDDEN for q in questions),
    )


def _line(rank: int, question: Question, text: str, link: str | None, *, marks: bool) -> str:
    mark = {ANSWERED: " ✅", HIDDEN: " 🙈"}.get(question.state, "") if marks else ""
    tail = f" [↗]({link})" if link else ""
    return f"**{rank}.** `▲ {question.votes}` {text}{mark}{tail}"


def ranked_lines(
    questions: Sequence[Question],
    *,
    budget: int | None = None,
    cap: int = CAPPED_TEXT,
    links: dict[int, str] | None = None,
    marks: bool = False,
) -> list[str]:
    """One line per question, in the order given: with `budget`, the lines (joined by line breaks)
    share it, texts cut equally when they must; without, each text is cut at `cap` once escaped."""
    links = links or {}
    if budget is None:
        texts = [fit_escaped(flat(q.text), cap) for q in questions]
    else:
        frames = sum(
            len(_line(rank, q, "", links.get(q.id), marks=marks)) + 1
            for rank, q in enumerate(questions, start=1)
        )
        texts = fit_together([flat(q.text) for q in questions], max(0, budget - frames))
    return [
        _line(rank, question, text, links.get(question.id), marks=marks)
        for rank, (question, text) in enumerate(zip(questions, texts, strict=True), start=1)
    ]


def board_title(event_name: str | None, words: Words, *, closed: bool) -> str:
    title = (
        words("questions.board.title", event=event_name)
        if event_name
        else words("questions.board.title_plain")
    )
    suffix = words("questions.board.closed_suffix") if closed else ""
    return fit_escaped(title, TITLE - len(suffix), escape=lambda text: text) + suffix


def board_embed(
    board: Board,
    event_name: str | None,
    questions: Sequence[Question],
    words: Words,
    links: dict[int, str],
) -> discord.Embed:
    """The top TOP open questions by votes (ties: oldest first), the answered ones, the counts."""
    closed = not board.is_open
    thread = f"<#{board.questions_channel_id}>"
    intro = words("questions.board.intro_closed" if closed else "questions.board.intro", thread=thread)
    ordered = ranked(list(questions))
    waiting = [q for q in ordered if q.state == OPEN]
    top = waiting[:TOP]
    if top:
        heading = words("questions.board.top")
        lines = ranked_lines(top, budget=DESCRIPTION - len(intro) - len(heading) - 4, links=links)
        description = f"{intro}\n\n{heading}\n" + "\n".join(lines)
    else:
        description = f"{intro}\n\n{words('questions.board.empty')}"
    embed = discord.Embed(
        title=board_title(event_name, words, closed=closed), description=description, colour=COLOUR
    )
    answered = [q for q in ordered if q.state == ANSWERED]
    if answered:
        more = lambda count: words("questions.board.more", count=count)  # noqa: E731
        value = join_within(ranked_lines(answered, cap=CAPPED_TEXT // 2), FIELD, more)
        embed.add_field(name=words("questions.board.answered"), value=value, inline=False)
    embed.set_footer(text=counts_text(questions, words))
    return embed


def results_embed(event_name: str | None, questions: Sequence[Question], words: Words) -> discord.Embed:
    """The final ranked list: every question left on the board (hidden ones are not), answered marked."""
    shown = ranked([q for q in questions if q.state != HIDDEN])
    title = (
        words("questions.results.title", event=event_name)
        if event_name
        else words("questions.results.title_plain")
    )
    if shown:
        more = lambda count: words("questions.board.more", count=count)  # noqa: E731
        description = join_within(ranked_lines(shown, marks=True), DESCRIPTION, more)
    else:
        description = words("questions.results.empty")
    embed = discord.Embed(
        title=fit_escaped(title, TITLE, escape=lambda text: text), description=description, colour=COLOUR
    )
    embed.set_footer(text=counts_text(questions, words))
    return embed


def question_content(question: Question, words: Words, *, state: str, session_title: str | None) -> str:
    """A question's message: its text as typed (escaped, never pinging), who asked it unless anonymous,
    the session it is for, whether it was answered. A hidden question shows only that it was hidden."""
    if state == HIDDEN:
        return words("questions.message.hidden")
    lines = [words("questions.message.heading")]
    if session_title:
        lines.append(words("questions.message.session", session=fit_escaped(session_title, SESSION_TITLE)))
    lines.extend(f"> {line}" if line.strip() else ">" for line in literal(question.text.strip()).split("\n"))
    author = (
        words("questions.message.anonymous")
        if question.anonymous
        else words("questions.message.asked_by", author=f"<@{question.author_id}>")
    )
    if state == ANSWERED:
        author = f"{author} · {words('questions.message.answered')}"
    lines.append(author)
    return "\n".join(lines)
