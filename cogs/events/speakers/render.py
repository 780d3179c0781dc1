"""What a speaker receives about their session, and the review organisers see before it goes.

Pure: every function takes `words` in the right language (the speaker's for the summary, the
community's for the review around it and for a guest's file) and returns text or an embed within
Discord's limits, measured after escaping. The summary is one embed, the same in the review message and
in the speaker's DM, so organisers see exactly what the speaker would receive.

Below the minimum of answers (AGORA_SPEAKER_MIN_ANSWERS), the summary says only that there were not
enough: no count, no average, no distribution, no comment, so no one can be recognised by a rating.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from agora.escaping import fit_escaped, join_within, link_text
from agora.i18n import Words
from agora.meetings import Session
from cogs.events.figures import format_rating
from cogs.events.programme.render import NO_SPEAKER, speaker_text
from cogs.events.sessions.figures import SessionFigures
from cogs.events.speakers.store import SEND, SpeakerReview

DESCRIPTION_MAX = 4096
CONTENT_MAX = 2000
TITLE_SHOWN = 200  # a session's title, once escaped, in a title or a line
NAME_SHOWN = 100  # an event's name, once escaped
COMMENT_MAX = 400  # one comment's share of the summary, once escaped
STARS = "★"


@dataclass(frozen=True, slots=True)
class Summary:
    """What a speaker's summary says, whatever its form (an embed, or a file for a guest)."""

    session: Session
    event_name: str
    event_link: str
    figures: SessionFigures
    minimum: int  # AGORA_SPEAKER_MIN_ANSWERS

    @property
    def enough(self) -> bool:
        return self.figures.enough_for_speaker(self.minimum)


def file_name(session_id: int) -> str:
    return f"speaker-{session_id}.txt"


def marker(session_id: int) -> str:
    """Ends the summary's footer: how a summary sent before a crash is recognised in the speaker's DMs."""
    return f"#{session_id}"


def is_summary_of(message: discord.Message, session_id: int) -> bool:
    return any((embed.footer.text or "").endswith(marker(session_id)) for embed in message.embeds)


def _bar(count: int, most: int, width: int = 10) -> str:
    filled = round(width * count / most) if most else 0
    return "█" * filled + "░" * (width - filled)


def _figure_lines(summary: Summary, words: Words, *, bold: bool) -> list[str]:
    figures = summary.figures

    def strong(value: object) -> str:
        return f"**{value}**" if bold else str(value)

    average = format_rating(figures.average, words("feedback.decimal_mark"))
    lines = [
        words("speakers.summary.answers", answers=strong(figures.answers), missed=figures.missed),
        words("speakers.summary.average", average=strong(average)),
    ]
    most = max(figures.distribution)
    for stars in range(5, 0, -1):
        count = figures.distribution[stars - 1]
        lines.append(
            f"`{stars} {STARS}` {_bar(count, most)} {count}" if bold else f"{stars} {STARS}  {count}"
        )
    return lines


def summary_embed(summary: Summary, words: Words) -> discord.Embed:
    """The summary a speaker receives (and organisers review), in the speaker's language."""
    session = summary.session
    event = f"[{fit_escaped(summary.event_name, NAME_SHOWN, escape=link_text)}]({summary.event_link})"
    head = [words("speakers.summary.event", event=event, when=f"<t:{session.starts_at}:f>")]
    embed = discord.Embed(
        title=words("speakers.summary.title", title=fit_escaped(session.title, TITLE_SHOWN)),
        colour=discord.Colour.gold(),
    )
    embed.set_footer(text=f"{words('speakers.summary.footer')} {marker(session.id)}")
    if not summary.enough:
        head += ["", words("speakers.summary.not_enough", minimum=summary.minimum)]
        embed.description = "\n".join(head)
        return embed
    head += ["", *_figure_lines(summary, words, bold=True)]
    comments = summary.figures.comments
    if comments:
        head += ["", f"**{words('speakers.summary.comments', count=len(comments))}**"]
    text = "\n".join(head)
    lines = [f"> {fit_escaped(' '.join(c.split()), COMMENT_MAX)}" for c in comments]
    room = DESCRIPTION_MAX - len(text) - 1
    shown = join_within(lines, room, lambda n: words("speakers.summary.more", count=n))
    embed.description = f"{text}\n{shown}" if shown else text
    return embed


def summary_file(summary: Summary, words: Words, zone: ZoneInfo, speaker: str) -> bytes:
    """A guest's summary as plain text (UTF-8), for the organiser to forward: every comment, whole."""
    session = summary.session
    day = datetime.fromtimestamp(session.starts_at, zone).strftime("%d.%m.%Y %H:%M")
    lines = [
        words("speakers.file.heading", title=session.title, speaker=speaker),
        words("speakers.file.event", event=summary.event_name, when=day),
        "",
    ]
    if not summary.enough:
        lines.append(words("speakers.summary.not_enough", minimum=summary.minimum))
    else:
        lines += _figure_lines(summary, words, bold=False)
        comments = summary.figures.comments
        if comments:
            lines += ["", words("speakers.summary.comments", count=len(comments))]
            lines += [f"- {' '.join(c.split())}" for c in comments]
    return ("\n".join(lines) + "\n").encode("utf-8")


def dm_text(summary: Summary, words: Words) -> str:
    """The words above the summary in the speaker's DM."""
    text = words(
        "speakers.dm.intro",
        title=fit_escaped(summary.session.title, TITLE_SHOWN),
        event=fit_escaped(summary.event_name, NAME_SHOWN),
    )
    return text[:CONTENT_MAX]


def speaker_label(session: Session, words: Words) -> str:
    """Who the speaker is, for organisers: as everywhere else, a guest marked as such (their summary is a
    file to forward)."""
    shown = speaker_text(session, words)
    if session.speaker_id is None and session.speaker_name:
        return words("speakers.review.guest", name=shown)
    return shown


def guest_name(session: Session, words: Words) -> str:
    """A guest's name as typed (for a file), or the words for a speaker not given."""
    return session.speaker_name or words(NO_SPEAKER)


def decided_by(review: SpeakerReview, words: Words) -> str:
    return f"<@{review.decided_by}>" if review.decided_by is not None else words("speakers.review.someone")


def status_line(review: SpeakerReview, words: Words) -> str:
    if review.decision is None:
        return words("speakers.status.pending")
    values = {"by": decided_by(review, words), "when": f"<t:{review.decided_at}:f>"}
    if review.decision != SEND:
        return words("speakers.status.withheld", **values)
    if review.delivery is None:
        return words("speakers.status.sending", **values)
    return words(f"speakers.status.sent_{review.delivery}", file=file_name(review.session_id), **values)


def review_content(summary: Summary, review: SpeakerReview, words: Words) -> str:
    """The review message's text, above the summary: which session, whose, and what was decided."""
    session = summary.session
    lines = [
        words(
            "speakers.review.heading",
            title=fit_escaped(session.title, TITLE_SHOWN),
            speaker=speaker_label(session, words),
        )
    ]
    if not summary.enough:
        lines.append(
            words("speakers.review.few_answers", answers=summary.figures.answers, minimum=summary.minimum)
        )
    lines += [words("speakers.review.below"), "", status_line(review, words)]
    return "\n".join(lines)[:CONTENT_MAX]


def decision_words(review: SpeakerReview, words: Words) -> str:
    """An earlier decision, for an organiser who clicked after it."""
    return words(
        "speakers.answer.already",
        by=decided_by(review, words),
        when=f"<t:{review.decided_at}:f>",
        decision=words(f"speakers.decision.{review.decision}"),
    )
