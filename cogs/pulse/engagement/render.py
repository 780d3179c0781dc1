"""What Discord shows of the engagement report: a summary with the members' figures, the chat, then
one embed per feature's part, within Discord's limits after escaping (10 embeds, 6,000 characters in
all): each embed keeps whole lines and says how many it left for the CSV. And the words every figure
is shown with, in the embeds and the CSV alike ("< 3", percentages, changes)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import discord

from agora.escaping import LINK_MAX, fit_escaped, join_within, largest_cap, markdown_link
from agora.pulse import Figure, Words
from cogs.pulse.engagement.figures import SIGNED, Block, ChannelRow, Report, Row, delta
from cogs.pulse.engagement.hiding import Hidden, hidden

log = logging.getLogger(__name__)

MAX_EMBEDS = 10
TOTAL = 6000
DESCRIPTION = 4096
MARGIN = 100  # below Discord's total, for what Discord counts that Agora might not
CHANNELS_SHOWN = 10
NAME_LIMIT = 60  # a channel's name, escaped
TITLE_LIMIT = 90  # an article's title, escaped
LINKED_TITLE_LIMIT = TITLE_LIMIT + len("[]()") + LINK_MAX  # and the longest address linked to it
LABEL_LIMIT = 120  # a feature's figure label, escaped
MINUS = "\u2212"
COLOUR = discord.Colour.teal()

TREND_FILE, FUNNEL_FILE = "trend.png", "funnel.png"


@dataclass(frozen=True, slots=True)
class Part:
    """One embed before it is fitted: its title, its lines, how to say what was left out."""

    title: str
    lines: list[str]
    more: Callable[[int], str]
    image: str | None = None


def number(value: float, words: Words, places: int = 0) -> str:
    """1234.5 as "1 234,5" or "1,234.5", with a real minus sign."""
    text = f"{abs(value):,.{places}f}"
    text = text.replace(",", "\0").replace(".", words("pulse.engagement.decimal_mark"))
    text = text.replace("\0", words("pulse.engagement.thousands"))
    return (MINUS if round(value, places) < 0 else "") + text


def signed(value: float, words: Words, places: int = 0) -> str:
    if round(value, places) == 0:
        return "±" + number(0, words, places)
    return ("+" if value > 0 else "") + number(value, words, places)


# What stands instead of a figure not shown, by the reason `hidden` gives.
HIDDEN_WORDS: dict[Hidden, str] = {
    "people": "pulse.engagement.fewer_than_three",
    "answers": "pulse.engagement.too_few_answers",
    "withheld": "pulse.engagement.withheld",
}


def hidden_text(figure: Figure, words: Words, *, withheld: bool = False) -> str | None:
    """ "< 3", "< 3 réponses" or "masqué" when the figure is not shown (the same in the embed and the
    CSV); None when it is."""
    reason = hidden(figure, withheld=withheld)
    return None if reason is None else words(HIDDEN_WORDS[reason])


def value_text(figure: Figure, words: Words, *, withheld: bool = False) -> str:
    """How a figure is shown: "< 3", "< 3 réponses", "masqué" (`withheld`: it would give a hidden one
    away), "—" (nothing to measure), or its value."""
    shown_instead = hidden_text(figure, words, withheld=withheld)
    if shown_instead is not None:
        return shown_instead
    value = figure.value
    if value is None:
        return "—"
    if figure.kind == "rate":
        return words("pulse.engagement.percent", value=number(100 * value, words))
    if figure.kind == "average":
        return number(value, words, 1)
    if figure.kind == "score" or figure.key in SIGNED:
        return signed(value, words)
    return number(round(value), words)


def change_text(row: Row, words: Words) -> str | None:
    """The change since the previous period, or None when it is not shown."""
    change = delta(row)
    if change is None:
        return None
    kind = row.figure.kind
    if kind == "rate":
        return words("pulse.engagement.points", value=signed(100 * change, words))
    return signed(change, words, 1 if kind == "average" else 0)


def shown(row: Row, words: Words) -> str:
    """ "**42** (+5)": a figure's value, and its change when it has one."""
    value, change = value_text(row.figure, words, withheld=row.withheld), change_text(row, words)
    return f"**{value}** ({change})" if change else f"**{value}**"


def line(row: Row, words: Words) -> str:
    label = fit_escaped(row.figure.label, LABEL_LIMIT)
    return words("pulse.engagement.line", label=label, value=shown(row, words))


def report_embeds(
    report: Report,
    words: Words,
    *,
    period: str,
    previous: str,
    trend: bool,
    funnel: bool,
    heading: str | None = None,
) -> list[discord.Embed]:
    """The report's embeds; `trend` and `funnel` say which charts are attached to show in them.
    `heading`: the period's name where it stands as a title or opens a sentence (Period.label's
    `title`), `period` where it is within one."""
    heading = heading or period
    title = words("pulse.engagement.title", period=heading)
    if not report.has_data:
        # After periods with something in them, an empty one is news; before any, it is early days.
        key = "pulse.engagement.nothing_happened" if report.history else "pulse.engagement.nothing_yet"
        return [discord.Embed(title=title, description=words(key, period=period), colour=COLOUR)]
    blocks = list(report.blocks)
    parts = [_summary(blocks[0], words, title, heading, previous, trend), _chat(blocks[1], words)]
    parts += [_feature(block, words, funnel) for block in blocks[2:]]
    if len(parts) > MAX_EMBEDS:
        log.warning("engagement report: %d sections, %d shown", len(parts), MAX_EMBEDS)
        parts = parts[:MAX_EMBEDS]
    footer = words("pulse.engagement.footer")
    return _fitted(parts, footer)


def _more(words: Words) -> Callable[[int], str]:
    return lambda count: words("pulse.engagement.more", count=count)


def _summary(block: Block, words: Words, title: str, period: str, previous: str, trend: bool) -> Part:
    """The report's title, the periods compared, and the members' figures."""
    intro = words("pulse.engagement.intro", period=period, previous=previous)
    lines = [intro, "", *(line(row, words) for row in block.rows)]
    return Part(title, lines, _more(words), TREND_FILE if trend else None)


def _chat(block: Block, words: Words) -> Part:
    lines = [line(row, words) for row in block.rows]
    if block.channels:
        lines += ["", words("pulse.engagement.by_channel")]
    for channel in block.channels[:CHANNELS_SHOWN]:
        lines.append(
            words(
                "pulse.engagement.channel_line",
                channel=_channel(channel),
                messages=shown(channel.messages, words),
                authors=shown(channel.authors, words),
            )
        )
    hidden_channels = len(block.channels) - CHANNELS_SHOWN
    if hidden_channels > 0:
        lines.append(words("pulse.engagement.more_channels", count=hidden_channels))
    return Part(fit_escaped(block.title, 256), lines, _more(words))


def _channel(channel: ChannelRow) -> str:
    """A link to the channel (a mention in an embed pings no one); its name, escaped, once it is gone."""
    return f"<#{channel.channel_id}>" if channel.found else fit_escaped(channel.name, NAME_LIMIT)


def _feature(block: Block, words: Words, funnel: bool) -> Part:
    lines = [line(row, words) for row in block.rows]
    if block.top:
        lines += ["", words("pulse.engagement.most_discussed")]
    for position, article in enumerate(block.top, start=1):
        # The web's title and address: escaped, and the address made safe in a markdown link.
        title = markdown_link(article.title, article.link, LINKED_TITLE_LIMIT, title_limit=TITLE_LIMIT)
        lines.append(
            words(
                "pulse.engagement.discussion_line",
                position=position,
                title=title,
                replies=number(article.replies, words),
            )
        )
    image = FUNNEL_FILE if funnel and block.funnel else None
    return Part(
        fit_escaped(block.title, 256), lines or [words("pulse.engagement.nothing")], _more(words), image
    )


def _fitted(parts: Sequence[Part], footer: str) -> list[discord.Embed]:
    """The parts as embeds, their descriptions sharing what Discord allows: short ones whole, the
    longest ones cut (at a line) to the same length."""
    fixed = sum(len(part.title) for part in parts) + len(footer)
    budget = max(0, TOTAL - MARGIN - fixed)
    texts = ["\n".join(part.lines) for part in parts]
    cap = min(DESCRIPTION, largest_cap([len(text) for text in texts], budget))
    embeds = []
    for part, text in zip(parts, texts, strict=True):
        description = text if len(text) <= cap else join_within(part.lines, cap, part.more)
        embed = discord.Embed(title=part.title, description=description or None, colour=COLOUR)
        if part.image:
            embed.set_image(url=f"attachment://{part.image}")
        embeds.append(embed)
    embeds[-1].set_footer(text=footer)
    return embeds
