"""The feeds' part of the community's pulse, read from the articles recorded: the digest's sections and
the engagement report's "articles" section."""

from __future__ import annotations

import pytest

from agora.database import Database
from agora.i18n import Catalogue
from agora.pulse import Discussion, Span
from cogs.feeds.article_store import ArticleStore
from cogs.feeds.model import SharedArticle
from cogs.feeds.pulse import FeedsPulse

GUILD = 111111111111111111
PUBLIC = 222222222222222222
ORGANISERS = 333333333333333333
T0 = 1_790_000_000
DAY = 86400


@pytest.fixture
async def articles(tmp_path):
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield ArticleStore(database)


@pytest.fixture
def words():
    return Catalogue.load("fr").words("fr")


def article(n: int, **changes: object) -> SharedArticle:
    values: dict[str, object] = {
        "guild_id": GUILD,
        "feed_id": None,  # as after the feed's removal: the article still counts
        "entry_key": f"k{n}",
        "blog": "Blog",
        "title": f"Article {n}",
        "link": f"https://blog.example.ch/{n}",
        "mode": "instant",
        "shared_at": T0 + n * DAY,
        "channel_id": PUBLIC,
        "message_id": 5000 + n,
        "thread_id": 5000 + n,
    }
    return SharedArticle(**{**values, **changes})  # type: ignore[arg-type]


def pulse(articles: ArticleStore) -> FeedsPulse:
    return FeedsPulse(articles, visible=lambda _guild, channel: channel != ORGANISERS)


async def test_reading_articles_is_not_taking_part(articles):
    await articles.record(article(1))
    assert await pulse(articles).participants(GUILD, Span(0, T0 + 10 * DAY)) == frozenset()


async def test_the_report_counts_the_articles_shared_and_lists_their_discussions(articles, words):
    await articles.record(article(1))
    await articles.record(article(2, mode="digest", message_id=None, thread_id=None))
    await articles.record(article(3, mode="review", thread_id=None))
    await articles.record(article(9))  # after the span
    part = await pulse(articles).engagement(GUILD, Span(T0, T0 + 5 * DAY), words)
    assert part is not None
    assert (part.section, part.title) == ("articles", "Articles")
    [figure] = part.figures
    assert (figure.key, figure.value, figure.kind, figure.people) == ("articles.shared", 3, "count", False)
    assert part.discussions == (
        Discussion("Article 1", "https://blog.example.ch/1", 5001, T0 + DAY),
        Discussion("Article 2", "https://blog.example.ch/2", None, T0 + 2 * DAY),
        Discussion("Article 3", "https://blog.example.ch/3", None, T0 + 3 * DAY),
    )


async def test_a_period_without_articles_shows_zero_once_articles_were_shared(articles, words):
    assert await pulse(articles).engagement(GUILD, Span(T0, T0 + DAY), words) is None  # never any
    await articles.record(article(1))
    part = await pulse(articles).engagement(GUILD, Span(T0 + 5 * DAY, T0 + 6 * DAY), words)
    assert part is not None and part.figures[0].value == 0 and part.discussions == ()


async def test_the_digest_leaves_out_articles_posted_where_members_cannot_read(articles, words):
    await articles.record(article(1, channel_id=ORGANISERS))
    await articles.record(article(2))
    await articles.record(article(3, mode="digest", message_id=None, thread_id=None))
    [section] = await pulse(articles).digest_sections(GUILD, Span(T0, T0 + 7 * DAY), words)
    assert section.lines == (
        "[Article 2](https://blog.example.ch/2)",
        "[Article 3](https://blog.example.ch/3)",
    )


async def test_the_digest_leaves_out_articles_held_for_it_from_a_feed_members_cannot_read(articles, words):
    # A feed followed in the organisers' channel, then switched to digest mode: nothing was posted, and
    # its articles still are the organisers' own.
    await articles.record(article(1, mode="digest", channel_id=ORGANISERS, message_id=None, thread_id=None))
    await articles.record(article(2, mode="digest", message_id=None, thread_id=None))
    [section] = await pulse(articles).digest_sections(GUILD, Span(T0, T0 + 7 * DAY), words)
    assert section.lines == ("[Article 2](https://blog.example.ch/2)",)


async def test_the_digest_leaves_out_an_article_recorded_without_a_channel(articles, words):
    await articles.record(article(1, mode="digest", channel_id=None, message_id=None, thread_id=None))
    assert await pulse(articles).digest_sections(GUILD, Span(T0, T0 + 7 * DAY), words) == []


async def test_the_digest_has_nothing_to_say_about_a_week_without_articles(articles, words):
    await articles.record(article(1))
    assert await pulse(articles).digest_sections(GUILD, Span(T0 + 7 * DAY, T0 + 14 * DAY), words) == []
