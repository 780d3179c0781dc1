"""The community's pulse end to end, with the real bot and every real feature: a week of the community's
life on the injected clock (pulse_week_helpers.py: three blogs in each mode, a workshop with
registrations, check-ins, a live question and feedback, a morning to come, polls opened and closed,
chat in two channels and in the articles' threads), the bot restarted before the digest's time → the
weekly digest checked item by item, posted once across restarts → the review queue's decisions of the
same week. The monthly report of the same life: test_pulse_month.py.

Every expected line is written here from what the scenario's constants say each member did."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from statistics import mean

from agora.clock import epoch
from tests.e2e import pulse_week_helpers as life
from tests.e2e.digest_helpers import digest_posts, step
from tests.e2e.events_helpers import START, TITLE
from tests.e2e.feed_review_helpers import answered, buttons, click, showing, stored
from tests.e2e.feed_review_helpers import step as review_step
from tests.e2e.pulse_week_helpers import (
    COMMENTED,
    DIGEST_CHANNEL,
    DIGEST_TIME,
    EXPIRING,
    PUBLISHED,
    RUSHED,
    SKIPPED,
)

UPCOMING, OPEN, CLOSED, LAST = (
    "📅 Les prochains événements",
    "📊 Sondages ouverts",
    "🗳️ Sondages clos dans la semaine",
    "📋 Le dernier événement",
)


def linked(number: int) -> str:
    return f"[Article {number} sur le social business](https://blog.example.ch/{number})"


def message_link(fake, message) -> str:
    return f"https://discord.com/channels/{fake.guild.id}/{message.channel_id}/{message.id}"


def winner(poll: tuple[str, str, str | None], votes: dict[str, int]) -> str:
    """The answer most voted for, counted here from who voted what."""
    [(position, count)] = Counter(votes.values()).most_common(1)
    return f"🏆 **{poll[1].split('; ')[position]}** ({count} voix)"


def expected_digest(fake, week: life.Week) -> list[tuple[str, str]]:
    guild = fake.guild.id
    left = life.MORNING_PLACES - len(life.MORNING_REGISTERED)
    morning = (
        f"**[{TITLE}](https://discord.com/events/{guild}/{week.morning.id})** — <t:{epoch(START)}:f>"
        f" · 📍 Genève · 🎟️ places restantes : {left} sur {life.MORNING_PLACES}"
    )
    still_open = week.polls["still_open"]
    deadline = epoch(life.STILL_OPEN_AT + timedelta(days=5))  # its duration
    link = message_link(fake, still_open)
    open_line = f"• [{life.STILL_OPEN[0]}]({link}) — clôture : <t:{deadline}:R> · <t:{deadline}:f>"
    # The latest closed first: by hand on Thursday afternoon, then the one closed at its deadline before.
    closed = [
        f"• [{poll[0]}]({message_link(fake, week.polls[key])}) — {winner(poll, votes)}"
        for key, poll, votes in (
            ("by_hand", life.BY_HAND, life.BY_HAND_VOTES),
            ("at_deadline", life.AT_DEADLINE, life.AT_DEADLINE_VOTES),
        )
    ]
    announcement = week.workshop_announcement
    rating = f"{mean(rating for rating, _ in life.FEEDBACK.values()):.1f}".replace(".", ",")
    workshop = (
        f"**[{life.WORKSHOP}]({message_link(fake, announcement)})** (<t:{epoch(life.WORKSHOP_START)}:D>)"
        f" · 👥 présent·e·s : {len(life.CHECKED_IN)} · 💬 avis : {len(life.FEEDBACK)} · ★ {rating} / 5"
    )
    return [
        # The week's articles by blog, in the order they reached members: instant, held for the digest,
        # and published after review — not the one skipped, nor the one still waiting for review.
        (life.INSTANT_BLOG, "\n".join(linked(n) for n in (1, 2, 3))),
        (life.DIGEST_BLOG, "\n".join(linked(n) for n in (11, 12))),
        (life.REVIEW_BLOG, "\n".join(linked(n) for n in (PUBLISHED, COMMENTED, RUSHED))),
        (UPCOMING, morning),  # the workshop started before the digest: only the morning is to come
        (OPEN, open_line),
        (CLOSED, "\n".join(closed)),
        (LAST, workshop),
    ]


async def digest_state(bot, period: str):
    return await bot.get_cog("DigestCog").store.state(bot.settings.guild_id, "digest", period)


async def test_a_week_of_the_community_is_in_its_digest_item_by_item_once_and_its_reviews_are_decided(
    agora, fake, clock, feed_server
):
    week = await life.live_the_week(agora, fake, clock, feed_server)

    clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))  # Sunday: the bot restarts before the digest
    async with life.running(agora) as bot:
        # Installed on the Monday after that day's digest time: that digest was not the bot's to post.
        assert await digest_state(bot, "2026-11-23") == ("skipped", "not_running")
        clock.set(DIGEST_TIME - timedelta(minutes=1))
        await step(bot)
        assert digest_posts(fake, DIGEST_CHANNEL) == []
        clock.set(DIGEST_TIME)
        await step(bot)
        [digest] = digest_posts(fake, DIGEST_CHANNEL)
        [embed] = digest.embeds
        assert embed["title"] == "La revue de la semaine, du 23 au 30 novembre 2026"
        assert [(f["name"], f["value"]) for f in embed["fields"]] == expected_digest(fake, week)
        assert embed["timestamp"] == DIGEST_TIME.isoformat()
        assert digest.allowed_mentions["parse"] == [] and not digest.pings_anyone
        clock.advance(minutes=1)
        await step(bot)
        assert len(digest_posts(fake, DIGEST_CHANNEL)) == 1

    clock.advance(hours=1)
    async with life.running(agora) as bot:
        await step(bot)
        assert len(digest_posts(fake, DIGEST_CHANNEL)) == 1  # posted once across restarts
        assert await digest_state(bot, "2026-11-30") == ("posted", None)
        await check_the_review_queue(fake, clock, bot, week)


async def check_the_review_queue(fake, clock, bot, week: life.Week) -> None:
    """Publish, publish with a comment, skip, two organisers at once, a member refused, expiry."""
    posted = life.article_posts(fake)
    # Instant articles and those published after review reached #général, each once; never the digest
    # blog's, the skipped one or the one left waiting.
    assert sorted(posted) == [1, 2, 3, PUBLISHED, COMMENTED, RUSHED]
    assert life.article_posts(fake, DIGEST_CHANNEL) == {}
    # In the organisers' channel, the review posts only (each showing its article as members would see it).
    in_review = life.article_posts(fake, life.ORGANISERS)
    assert {number: message.id for number, message in in_review.items()} == {
        number: message.id for number, message in week.reviews.items()
    }
    assert posted[PUBLISHED].content == "" and posted[COMMENTED].content == life.COMMENT
    assert not posted[COMMENTED].pings_anyone
    assert sum(answer.startswith("✅ Publié : ") for answer in week.rush_answers) == 1, week.rush_answers
    assert all(a.startswith(("✅ Publié : ", "Déjà traité : ")) for a in week.rush_answers), week.rush_answers
    states = {number: (await stored(bot, review)).state for number, review in week.review_ids.items()}
    assert states == {
        PUBLISHED: "published",
        COMMENTED: "published",
        SKIPPED: "skipped",
        EXPIRING: "pending",
        RUSHED: "published",
    }
    for number in (PUBLISHED, COMMENTED, RUSHED):
        link = message_link(fake, posted[number])
        assert f"✅ Publié : {link}" in fake.message(week.reviews[number].id).content
    skipped = await showing(fake, week.reviews[SKIPPED], "⏭️ Écarté")
    assert buttons(skipped) == []

    waiting = week.reviews[EXPIRING]
    refused = await answered(await click(fake, "alice", waiting, "publish"))
    assert refused.content == "Cette action est réservée aux organisateurs."
    review = await stored(bot, week.review_ids[EXPIRING])
    assert review.expires_at - review.created_at == 7 * 86400
    clock.set(datetime.fromtimestamp(review.expires_at - 60, UTC))
    await review_step(bot)
    assert (await stored(bot, review.id)).state == "pending" and len(buttons(fake.message(waiting.id))) == 3
    clock.set(datetime.fromtimestamp(review.expires_at, UTC))
    await review_step(bot)
    expired = await showing(fake, waiting, "⌛ Expiré sans relecture")
    assert buttons(expired) == []
    assert (await stored(bot, review.id)).state == "expired"
    assert sorted(life.article_posts(fake)) == sorted(posted)  # expiring posts nothing
