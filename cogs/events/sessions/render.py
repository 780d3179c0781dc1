"""What the sessions look like in Discord: the session step a member sees after the feedback form, and
each session's part of the event's report.

Pure: every function takes `words` (in the reader's language) and returns text within the limits the
caller gives. Titles, guests' names and comments are members' text: shown literally (escaped, never a
mention), measured after escaping, cut at a word. A member speaker is shown as a mention, which
renders their name and pings no one (the messages allow no mentions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agora.escaping import fit_escaped, literal
from agora.i18n import Words
from agora.meetings import Session
from cogs.events.figures import format_rating
from cogs.events.programme.render import speaker_text
from cogs.events.sessions.figures import SessionFigures, SessionRating

TITLE_MAX = 150  # a session's title once escaped, in the step and the report
COMMENT_MAX = 300  # one comment's share of a report field, once escaped
COMMENT_MIN = 40  # a comment given less room is left for the export ("and N more")
FIELD_VALUE = 1024
STAR = "★"


def title_text(session: Session) -> str:
    return fit_escaped(session.title, TITLE_MAX, escape=literal)


def choice_label(key: str, words: Words) -> str:
    """The label of a session menu's option: "1"…"5" (the form's words), "missed" or "clear"."""
    if key.isdigit():
        return words(f"feedback.form.rating_{key}")
    return words(f"session_feedback.choice.{key}")


def answer_text(answer: SessionRating | None, words: Words) -> str:
    """The member's saved answer about one session, as the step shows it."""
    if answer is None or (answer.rating is None and not answer.missed):
        state = words("session_feedback.answer.none")
    elif answer.missed:
        state = words("session_feedback.answer.missed")
    else:
        rating = answer.rating or 0
        state = words("session_feedback.answer.rated", stars=STAR * rating, rating=rating)
    if answer is not None and answer.comment.strip():
        state += " · " + words("session_feedback.answer.with_word")
    return state


def step_header(event_name: str, closes_at: int | None, page: int, pages: int, words: Words) -> str:
    text = words(
        "session_feedback.step.header",
        name=fit_escaped(event_name, TITLE_MAX, escape=literal),
        closes=f"<t:{closes_at}:f>" if closes_at else "—",
    )
    if pages > 1:
        text += "\n" + words("session_feedback.step.page", page=page + 1, pages=pages)
    return text


def step_session_text(session: Session, answer: SessionRating | None, words: Words) -> str:
    """One session in the step: its time, title and speaker, and the member's saved answer."""
    return (
        f"**<t:{session.starts_at}:t> · {title_text(session)}**\n"
        f"🎤 {speaker_text(session, words)}\n"
        f"-# {answer_text(answer, words)}"
    )


def modal_label(session: Session, limit: int = 45) -> str:
    """A form's label: plain text (a label shows no markdown), cut at a word."""
    return fit_escaped(" ".join(session.title.split()), limit, escape=lambda text: text) or "…"


# ---- the report ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionBlock:
    """One session's field of the report: `core` always shown, then as many comments as fit."""

    name: str  # the field's name, up to 256 characters
    core: str  # speaker, time, figures and distribution
    comments: tuple[str, ...]  # the words for the speaker as written (spaces collapsed), newest first

    def value(self, room: int, words: Words) -> str:
        """The field's value within `room` characters (and Discord's 1024): the core, then the newest
        comments, each escaped and cut at a word to what is left (at most COMMENT_MAX), and "and N more"
        for those that find no room."""
        room = min(room, FIELD_VALUE)
        if self.natural() <= room:
            return "\n".join((self.core, *(f"> {fit_escaped(c, COMMENT_MAX)}" for c in self.comments)))
        lines, used = [self.core], len(self.core)
        for position, comment in enumerate(self.comments):
            after = len(self.comments) - position - 1
            note = len(self._more(after, words)) + 1 if after else 0
            space = min(COMMENT_MAX, room - used - note - len("\n> "))
            if space < COMMENT_MIN:
                break
            shown = f"> {fit_escaped(comment, space, escape=literal)}"
            lines.append(shown)
            used += len(shown) + 1
        left_out = len(self.comments) - (len(lines) - 1)
        if left_out and used + 1 + len(self._more(left_out, words)) <= room:
            lines.append(self._more(left_out, words))
        return "\n".join(lines)

    def natural(self) -> int:
        """Its size with every comment (each within COMMENT_MAX)."""
        return len(self.core) + sum(
            len("\n> ") + min(len(literal(comment)), COMMENT_MAX) for comment in self.comments
        )

    @staticmethod
    def _more(count: int, words: Words) -> str:
        return words("session_feedback.report.more", count=count)


def session_block(session: Session, figures: SessionFigures, words: Words, decimal_mark: str) -> SessionBlock:
    distribution = " · ".join(
        f"{stars}{STAR} {count}" for stars, count in enumerate(figures.distribution, start=1)
    )
    core = "\n".join(
        (
            f"🎤 {speaker_text(session, words)} · <t:{session.starts_at}:t>",
            words(
                "session_feedback.report.figures",
                average=format_rating(figures.average, decimal_mark),
                answers=figures.answers,
                missed=figures.missed,
            ),
            distribution,
        )
    )
    comments = tuple(" ".join(comment.split()) for comment in figures.comments)
    return SessionBlock(name=title_text(session), core=core, comments=comments)


def session_blocks(
    sessions: Sequence[Session],
    figures: Sequence[SessionFigures],
    words: Words,
    decimal_mark: str,
) -> list[SessionBlock]:
    by_id = {f.session_id: f for f in figures}
    return [session_block(s, by_id[s.id], words, decimal_mark) for s in sessions if s.id in by_id]
