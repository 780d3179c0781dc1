"""How a poll looks: the live tally embed, its buttons, the CSV export. No I/O.

Words come from a `Words` callable (the catalogue bound to the poll's language), so the same code
draws the French and the English poll.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import discord

from agora.escaping import fit_escaped, fit_together, join_within, link_text, literal
from agora.i18n import Words
from agora.spreadsheets import Cell, csv_bytes
from cogs.polls.store import Poll, Tally

BAR_WIDTH = 12
COLOUR_OPEN = discord.Colour(0x2B6CB0)
COLOUR_CLOSED = discord.Colour(0x4A5568)
BUTTONS_PER_ROW = 5
DESCRIPTION_MAX = 4096
BALLOT_MAX = 1500  # within a reply's 2,000 characters, with the catalogue's sentence around it
LIST_QUESTION_MAX = 100


def letter(position: int) -> str:
    """🇦, 🇧, … — one regional-indicator letter per option (20 options fit: A to T)."""
    return chr(0x1F1E6 + position)


def percent(count: int, total: int) -> float:
    return 100.0 * count / total if total else 0.0


def bar(count: int, total: int, width: int = BAR_WIDTH) -> str:
    filled = round(width * count / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def winners(tally: Tally) -> set[int]:
    best = max(tally.counts, default=0)
    return {position for position, count in enumerate(tally.counts) if best and count == best}


def option_lines(
    poll: Poll, tally: Tally, *, show_counts: bool, final: bool, names: Sequence[str] | None = None
) -> str:
    """One line per option (and its bar when counts show); `names` are the options already escaped and
    fitted, else they are escaped whole."""
    total = sum(tally.counts)
    top = winners(tally) if final else set()
    shown = names if names is not None else [literal(label) for label in poll.options]
    lines = []
    for position, name in enumerate(shown):
        trophy = " 🏆" if position in top else ""
        lines.append(f"{letter(position)} **{name}**{trophy}")
        if show_counts:
            count = tally.counts[position]
            lines.append(f"`{bar(count, total)}` {count} · {percent(count, total):.0f} %")
    return "\n".join(lines)


def poll_description(poll: Poll, tally: Tally, words: Words, *, final: bool) -> str:
    """The question and the options, within Discord's 4,096 characters once escaped.

    The bars, counts and percentages are always whole; what does not fit is taken from the texts: the
    question first keeps up to half of the room, then the longest options are cut to the same length
    (each option is also on its own button, in full).
    """
    show_counts = final or not poll.hide_results

    def draw(question: str, names: Sequence[str]) -> str:
        body = option_lines(poll, tally, show_counts=show_counts, final=final, names=names)
        if not show_counts:
            body += "\n\n" + words("polls.embed.hidden")
        return f"**{question}**\n\n{body}"

    room = DESCRIPTION_MAX - len(draw("", [""] * len(poll.options)))
    question = fit_escaped(poll.question, max(room // 2, room - sum(len(literal(o)) for o in poll.options)))
    return draw(question, fit_together(poll.options, room - len(question)))


def poll_embed(
    poll: Poll, tally: Tally, words: Words, *, member_count: int | None, final: bool
) -> discord.Embed:
    embed = discord.Embed(
        title=words("polls.embed.closed_title" if final else "polls.embed.title"),
        description=poll_description(poll, tally, words, final=final),
        colour=COLOUR_CLOSED if final else COLOUR_OPEN,
    )
    if member_count:
        voters = words("polls.embed.voters_of_members", voters=tally.voters, members=member_count)
    else:
        voters = words("polls.embed.voters", voters=tally.voters)
    embed.add_field(name=words("polls.embed.participation"), value=voters)
    if final and poll.closed_at:
        embed.add_field(name=words("polls.embed.closed_at"), value=f"<t:{poll.closed_at}:f>")
    elif poll.closes_at:
        embed.add_field(
            name=words("polls.embed.deadline"), value=f"<t:{poll.closes_at}:R> · <t:{poll.closes_at}:f>"
        )
    else:
        embed.add_field(name=words("polls.embed.deadline"), value=words("polls.embed.no_deadline"))
    if poll.role_id:
        # A role mention renders in a field but not in a footer; fields never ping.
        embed.add_field(
            name=words("polls.embed.who"), value=words("polls.embed.role_only", role=f"<@&{poll.role_id}>")
        )
    rules = [words("polls.embed.private" if poll.anonymous else "polls.embed.public")]
    if poll.choices > 1:
        rules.append(words("polls.embed.choices", choices=poll.choices))
    embed.set_footer(text=" · ".join(rules))
    return embed


def ballot_text(poll: Poll, positions: tuple[int, ...], limit: int = BALLOT_MAX) -> str:
    """The options a member holds, for a reply: within `limit` characters once escaped."""
    marks = [f"{letter(p)} ****" for p in positions]
    room = limit - len(", ".join(marks))
    names = fit_together([poll.options[p] for p in positions], room)
    return ", ".join(f"{letter(p)} **{name}**" for p, name in zip(positions, names, strict=True))


def poll_link(poll: Poll) -> str:
    """The address of the poll's message."""
    return f"https://discord.com/channels/{poll.guild_id}/{poll.channel_id}/{poll.message_id}"


def list_line(poll: Poll, words: Words, deadline: str) -> str:
    """`/poll list`: the question (its first 100 characters) linked to the poll's message."""
    question = fit_escaped(poll.question, LIST_QUESTION_MAX, escape=link_text)
    return words("polls.list.line", question=question, link=poll_link(poll), deadline=deadline)


def list_embed(polls: Sequence[Poll], words: Words) -> discord.Embed:
    """`/poll list`: one line per open poll with its deadline, whole lines within the description."""
    lines = [
        list_line(
            poll, words, f"<t:{poll.closes_at}:R>" if poll.closes_at else words("polls.list.no_deadline")
        )
        for poll in polls
    ]
    description = join_within(lines, 4000, lambda count: words("polls.list.more", count=count))
    return discord.Embed(title=words("polls.list.title"), description=description)


def export_csv(poll: Poll, tally: Tally, votes: list[tuple[int, int, int]]) -> bytes:
    """A spreadsheet-friendly CSV (UTF-8 with BOM): counts, then, after a blank line, each vote when the
    poll is not anonymous."""
    total = sum(tally.counts)
    rows: list[Sequence[Cell]] = [
        [position + 1, label, tally.counts[position], f"{percent(tally.counts[position], total):.1f}"]
        for position, label in enumerate(poll.options)
    ]
    if not poll.anonymous:
        rows += [[], ["option", "label", "user_id", "voted_at_utc"]]
        for position, user_id, voted_at in votes:
            moment = datetime.fromtimestamp(voted_at, UTC).strftime("%Y-%m-%d %H:%M:%S")
            rows.append([position + 1, poll.options[position], str(user_id), moment])
    return csv_bytes(["option", "label", "votes", "percent"], rows)
