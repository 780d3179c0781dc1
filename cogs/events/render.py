"""What events look like in Discord: the announcement, reminders, the feedback call, DMs, the report.

Pure: every function takes `words` (a translate function in the right language) and returns text or
embeds within Discord's limits. Times are Discord timestamps, shown in each reader's own time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import discord

from agora.escaping import fit_escaped, join_within, truncate
from agora.i18n import Words
from agora.meetings import Session
from cogs.events.figures import (
    FeedbackReport,
    Turnout,
    format_nps,
    format_percent,
    format_rating,
)
from cogs.events.model import TrackedEvent
from cogs.events.programme.render import session_fields

# Topics members can ask for next time (the form's checkbox group holds at most 10).
TOPICS = (
    "customer_relationship",
    "employer_branding",
    "collective_intelligence",
    "social_media_roi",
    "digital_workplace",
    "community_management",
    "knowledge_sharing",
    "change_management",
    "social_selling",
    "ai_at_work",
)
EMBED_TOTAL = 5800  # below Discord's 6000, leaving room for the footer
DESCRIPTION = 4000
FIELD_VALUE = 1024
COMMENT_MAX = 300  # one comment's share of a report field, once escaped
LIST_NAME_MAX = 80
STARS = "★"


def escape(text: str) -> str:
    return discord.utils.escape_markdown(discord.utils.escape_mentions(text))


def when(starts_at: int, ends_at: int | None) -> str:
    if ends_at is None:
        return f"<t:{starts_at}:F>"
    return (
        f"<t:{starts_at}:F> → <t:{ends_at}:t>"
        if ends_at - starts_at < 86400
        else (f"<t:{starts_at}:F> → <t:{ends_at}:F>")
    )


def announcement_embed(
    event: TrackedEvent, words: Words, *, sessions: Sequence[Session] = ()
) -> discord.Embed:
    """The event, then one field per session of its programme (`sessions`, by start); the description
    is fitted last, in what the programme leaves of the embed's limit."""
    title = event.name
    if event.is_called_off:
        title = words("events.announcement.called_off", name=event.name)
    embed = discord.Embed(
        title=title[:256],
        url=event.link,
        colour=discord.Colour.light_grey() if event.is_called_off else discord.Colour.blurple(),
    )
    embed.add_field(name=words("events.field.when"), value=when(event.starts_at, event.ends_at), inline=False)
    if event.location:
        embed.add_field(
            name=words("events.field.where"), value=fit_escaped(event.location, FIELD_VALUE, escape=escape)
        )
    if not event.is_called_off:
        embed.add_field(
            name=words("events.field.link"), value=words("events.announcement.interested", link=event.link)
        )
    for name, value in session_fields(sessions, event.assumed_end, words):
        embed.add_field(name=name, value=value, inline=False)
    room = min(DESCRIPTION, EMBED_TOTAL - len(embed))
    if event.description and room > 1:
        embed.description = truncate(event.description, room)
    return embed


def reminder_text(event: TrackedEvent, words: Words) -> str:
    text = words(
        "events.reminder",
        name=escape(event.name),
        relative=f"<t:{event.starts_at}:R>",
        when=f"<t:{event.starts_at}:F>",
        link=event.link,
    )
    if event.location:
        text += "\n" + words("events.reminder_location", location=escape(event.location))
    return text[:2000]


def registered_reminder_text(event: TrackedEvent, words: Words) -> str:
    """The reminder a registered member gets by DM: the event's title literal, its link, the opt-out."""
    text = words(
        "events.reminder_dm",
        name=fit_escaped(event.name, LIST_NAME_MAX, escape=escape),
        relative=f"<t:{event.starts_at}:R>",
        when=f"<t:{event.starts_at}:F>",
        link=event.link,
    )
    if event.location:
        location = fit_escaped(event.location, LIST_NAME_MAX, escape=escape)
        text += "\n" + words("events.reminder_location", location=location)
    return text + "\n-# " + words("feedback.dm.optout_hint")


def call_embed(event: TrackedEvent, words: Words, *, closed: bool) -> discord.Embed:
    description = (
        words("feedback.call.closed")
        if closed
        else words(
            "feedback.call.body", closes=f"<t:{event.closes_at}:F>", relative=f"<t:{event.closes_at}:R>"
        )
    )
    return discord.Embed(
        title=words("feedback.call.title", name=event.name)[:256],
        url=event.link,
        description=description,
        colour=discord.Colour.light_grey() if closed else discord.Colour.green(),
    )


def invitation_text(event: TrackedEvent, words: Words, *, kind: str, call_link: str | None) -> str:
    key = "feedback.dm.call" if kind == "call" else "feedback.dm.reminder"
    text = words(key, name=escape(event.name), closes=f"<t:{event.closes_at}:F>")
    if call_link:
        text += "\n" + words("feedback.dm.channel_link", link=call_link)
    return (text + "\n-# " + words("feedback.dm.optout_hint"))[:2000]


def _bar(count: int, most: int, width: int = 10) -> str:
    filled = round(width * count / most) if most else 0
    return "█" * filled + "░" * (width - filled)


def report_embed(
    event: TrackedEvent,
    report: FeedbackReport,
    words: Words,
    *,
    topic_names: Mapping[str, str],
    chart_name: str | None,
    decimal_mark: str,
    budget: int = EMBED_TOTAL,
) -> discord.Embed:
    """The report's main embed; its comments take what is left of `budget` characters (the whole
    message's embeds share Discord's 6000: the sessions and other features' parts come after it)."""
    if report.interested:
        summary = words(
            "feedback.report.summary",
            responses=report.responses,
            interested=report.interested,
            rate=format_percent(report.response_rate),
        )
    else:
        summary = words("feedback.report.summary_no_interest", responses=report.responses)
    embed = discord.Embed(
        title=words("feedback.report.title", name=event.name)[:256],
        url=event.link,
        description=f"{when(event.starts_at, event.ends_at)}\n{summary}\n{_status(event, words)}",
        colour=discord.Colour.gold(),
    )
    most = max(report.rating_counts)
    distribution = "\n".join(
        f"`{stars} {STARS}` {_bar(count, most)} {count}"
        for stars, count in reversed(list(enumerate(report.rating_counts, start=1)))
    )
    embed.add_field(
        name=words("feedback.report.rating"),
        value=f"**{format_rating(report.average_rating, decimal_mark)}** / 5\n{distribution}",
        inline=True,
    )
    nps = report.nps
    embed.add_field(
        name=words("feedback.report.nps"),
        value=words(
            "feedback.report.nps_value",
            score=format_nps(nps.score),
            promoters=nps.promoters,
            passives=nps.passives,
            detractors=nps.detractors,
        ),
        inline=True,
    )
    if report.turnout is not None and report.turnout.anything:
        embed.add_field(
            name=words("feedback.report.turnout"), value=turnout_text(report.turnout, words), inline=False
        )
    topics = [f"{topic_names.get(t, t)} — **{n}**" for t, n in report.topic_counts]
    embed.add_field(
        name=words("feedback.report.topics"),
        value=join_within(topics, FIELD_VALUE, lambda n: words("feedback.report.more", count=n)) or "—",
        inline=False,
    )
    for key, pick in (("useful", lambda c: c.useful), ("improve", lambda c: c.improve)):
        lines = [
            f"> {fit_escaped(' '.join(pick(c).split()), COMMENT_MAX, escape=escape)}"
            + (f" — <@{c.author_id}>" if c.author_id else "")
            for c in report.comments
            if pick(c)
        ]
        room = min(FIELD_VALUE, budget - len(embed))
        if room < 100:
            break
        embed.add_field(
            name=words(f"feedback.report.{key}"),
            value=join_within(lines, room - 40, lambda n: words("feedback.report.more_in_export", count=n))
            or "—",
            inline=False,
        )
    if chart_name:
        embed.set_image(url=f"attachment://{chart_name}")
    return embed


def turnout_text(turnout: Turnout, words: Words) -> str:
    """The report's attendance field: counts only, never a name (whatever the anonymity setting)."""
    if turnout.no_show_rate is None:
        no_shows = words("feedback.report.turnout_no_shows_none")
    else:
        no_shows = words(
            "feedback.report.turnout_no_shows",
            no_shows=turnout.no_shows,
            registered=turnout.registered,
            rate=format_percent(turnout.no_show_rate),
        )
    return "\n".join(
        (
            words(
                "feedback.report.turnout_registered",
                registered=turnout.registered,
                waitlisted=turnout.waitlisted,
            ),
            words(
                "feedback.report.turnout_attended",
                attended=turnout.attended,
                checked_in=turnout.checked_in,
                in_voice=turnout.in_voice,
                walk_ins=turnout.walk_ins,
            ),
            no_shows,
            words(
                "feedback.report.turnout_returning",
                first_time=turnout.first_time,
                returning=turnout.returning,
            ),
        )
    )


def season_turnout(turnout: Turnout | None, words: Words) -> str:
    """What `/event compare` adds to an event's line: empty without registration or attendance."""
    if turnout is None or not turnout.anything:
        return ""
    return words(
        "feedback.season.turnout",
        registered=turnout.registered,
        waitlisted=turnout.waitlisted,
        attended=turnout.attended,
        first_time=turnout.first_time,
        returning=turnout.returning,
        no_show_rate=format_percent(turnout.no_show_rate),
    )


def _status(event: TrackedEvent, words: Words) -> str:
    if event.is_called_off:
        return words("feedback.status.called_off")
    if event.call_at is None:
        return words("feedback.status.waiting")
    if event.closed_at is None:
        return words("feedback.status.open", closes=f"<t:{event.closes_at}:R>")
    return words("feedback.status.closed", closed=f"<t:{event.closed_at}:d>")


def list_line(event: TrackedEvent, responses: int, words: Words) -> str:
    name = fit_escaped(event.name, LIST_NAME_MAX, escape=escape)
    return words(
        "events.list.line",
        name=name,
        link=event.link,
        when=f"<t:{event.starts_at}:f>",
        status=_status(event, words),
        responses=responses,
    )


def chart_labels(words: Words) -> dict[str, Any]:
    return {
        "rating_title": words("feedback.chart.rating_title"),
        "nps_title": words("feedback.chart.nps_title"),
        "nps_labels": (
            words("feedback.chart.detractors"),
            words("feedback.chart.passives"),
            words("feedback.chart.promoters"),
        ),
    }
