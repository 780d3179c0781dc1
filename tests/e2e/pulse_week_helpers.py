"""The community's life for the whole-loop tests of the pulse (test_pulse_week.py, test_pulse_month.py):
October seeded through the bot (a poll three members vote on, a few messages), then a week of November
through every real feature — three blogs (instant with threads, digest, review), a workshop with
registrations, check-ins, a live question and feedback whose report comes out, a morning to come,
polls opened and closed, chat in two channels and in the articles' threads — on the injected clock.

Who does what is named once, in this module's constants: the scenario acts them out, and the tests
compute every expected figure by hand from the same names."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.e2e import checkin_helpers as checkin
from tests.e2e import polls_helpers as polls
from tests.e2e import questions_helpers as qa
from tests.e2e.activity_helpers import activity, flushed, post
from tests.e2e.digest_helpers import step as digest_step
from tests.e2e.events_helpers import answer, calls, step
from tests.e2e.feed_review_helpers import (
    answered,
    click,
    follow_for_review,
    new_articles,
    publish_with_comment,
    review_id,
    reviews,
)
from tests.e2e.feeds_helpers import article, poller
from tests.e2e.registration_helpers import create_with_places, register, registration_message
from tests.e2e.test_feed_modes import add_feed
from tests.feed_server import rss

OCTOBER_20 = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Zurich: that Monday's digest time is past
DIGEST_TIME = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # Monday 08:00 in Zurich, AGORA_DIGEST_AT's default
END_OF_NOVEMBER = datetime(2026, 11, 30, 22, 59, tzinfo=UTC)  # 23:59 on 30 November in Zurich
FIRST_OF_DECEMBER = datetime(2026, 11, 30, 23, 1, tzinfo=UTC)  # 00:01 on 1 December in Zurich

DIGEST_CHANNEL, ORGANISERS, CAFE = "annonces", "organisateurs", "café"
SETTINGS = {
    "organiser_channel": ORGANISERS,
    "event_reminders": (),  # the events' own tests check reminders; here they would only add posts
    "feedback_window_seconds": 2 * 86400,  # so the workshop's report comes out within the week
}

# October: members there since before, who voted on October's poll, who wrote in #général.
JOINED_BEFORE = ("chloe", "david")
OCTOBER_POLL = ("Un apéro en octobre ?", "Oui; Non", None)
OCTOBER_VOTERS = ("alice", "bob", "adam")
OCTOBER_MESSAGES = {"alice": 2, "bob": 1}
JOINING = ("emma", "gina")  # join on the Monday of the week

# The workshop held during the week; the morning of 3 December (events_helpers' event) to come.
WORKSHOP = "Atelier : recruter par les réseaux"
WORKSHOP_START = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # Tuesday 18:00 in Zurich
WORKSHOP_END = WORKSHOP_START + timedelta(hours=2)
WORKSHOP_PLACES, MORNING_PLACES = 10, 5
INTERESTED = ("alice", "bob", "chloe", "david", "emma")
REGISTERED = ("alice", "bob", "chloe", "david")
CHECKED_IN = ("alice", "bob", "chloe")
FEEDBACK = {"alice": (5, 10), "bob": (4, 9), "chloe": (4, 6)}  # rating, would-recommend score
ASKER, QUESTION_VOTERS = "gina", ("alice", "bob")
MORNING_REGISTERED = ("emma", "david")

# Polls: question, answers, duration; and each voter's answer (its position).
BY_HAND = ("Quel réseau pour la communauté ?", "LinkedIn; Slack; Teams", None)
BY_HAND_VOTES = {"alice": 0, "bob": 0, "chloe": 1, "emma": 0}
AT_DEADLINE = ("Quel format pour la prochaine rencontre ?", "Matinée; Soirée", "1d")
AT_DEADLINE_VOTES = {"david": 1, "gina": 1}
STILL_OPEN = ("Quel thème pour décembre ?", "IA; Marque employeur; ROI", "5d")
STILL_OPEN_VOTES = {"alice": 1, "bob": 1}
STILL_OPEN_AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)

# Chat: messages by member in #général and #café; replies in the instant articles' threads.
GENERAL = {"alice": 3, "bob": 2, "olivia": 1}
IN_CAFE = {"chloe": 2, "david": 2}
THREAD_REPLIES = {1: {"david": 2}, 2: {"alice": 1, "bob": 1, "chloe": 1}, 3: {"emma": 1}}

# The blogs (articles numbered as feeds_helpers.article numbers them): instant with a thread on each
# post, digest only, and review (the review helpers follow /feed).
INSTANT, DIGEST, REVIEW = "/instant", "/revue", "/feed"
INSTANT_BLOG, DIGEST_BLOG, REVIEW_BLOG = "Carnet RH", "Lettre du lundi", "Social Business Romandie"
COMMENT = "À lire avant l’atelier de mardi"
# The review blog's articles by what the organisers do with them.
PUBLISHED, COMMENTED, SKIPPED, EXPIRING, RUSHED = 21, 22, 23, 24, 25


@dataclass
class Week:
    """What the scenario made, for the tests to find and check."""

    workshop: object = None
    morning: object = None
    workshop_announcement: object = None
    polls: dict[str, object] = field(default_factory=dict)  # "by_hand", "at_deadline", "still_open"
    threads: dict[int, int] = field(default_factory=dict)  # instant article number → its thread
    shared: list[int] = field(default_factory=list)  # article numbers, in the order they reached members
    reviews: dict[int, object] = field(default_factory=dict)  # review blog's article number → review post
    review_ids: dict[int, int] = field(default_factory=dict)
    rush_answers: list[str] = field(default_factory=list)
    members_in_october: int = 0
    members_in_november: int = 0

    def keep_reviews(self, posts: dict[int, object]) -> None:
        """Review posts by article, with their review ids, read while they still have their buttons."""
        self.reviews.update(posts)
        self.review_ids.update({number: review_id(message) for number, message in posts.items()})


def running(agora, **overrides):
    return agora.running(**{**SETTINGS, "digest_channel": DIGEST_CHANNEL, **overrides})


def article_posts(fake, channel="général") -> dict[int, object]:
    """The articles Agora posted in a channel (not its other embeds), by article number."""
    return {
        int(m.embeds[0]["url"].rsplit("/", 1)[1]): m
        for m in fake.messages(channel)
        if m.author_id == fake.bot.id and m.embeds and m.embeds[0].get("url", "").startswith("https://blog.")
    }


def reports(fake, title: str) -> list:
    """Engagement reports posted in the organisers' channel under `title`."""
    return [m for m in fake.messages(ORGANISERS) if m.embeds and m.embeds[0].get("title") == title]


async def member_count_read(fake, bot) -> None:
    counts = activity(bot).member_counts
    await fake.wait_for(lambda: counts.last_result is not None, timeout=10, what="the startup member count")


async def live_the_week(agora, fake, clock, feed_server) -> Week:
    """October, then November from Monday 23 to Friday 27; the bot is stopped at the end."""
    week = Week()
    await live_october(agora, fake, clock, week)
    clock.set(MONDAY)
    async with running(agora) as bot:
        await fake.wait_for_commands()
        await member_count_read(fake, bot)
        # October's report, missed while the bot was down, is posted at startup: out of the way first.
        await fake.wait_for(lambda: reports(fake, "Engagement — octobre 2026"), timeout=15, what="October")
        await digest_step(bot)
        await live_monday(fake, feed_server, clock, bot, week)
        await live_tuesday(fake, feed_server, clock, bot, week)
        await live_wednesday_to_friday(fake, feed_server, clock, bot, week)
    return week


async def live_october(agora, fake, clock, week: Week) -> None:
    """No digest channel yet (the community sets AGORA_DIGEST_CHANNEL in November)."""
    for name in JOINED_BEFORE:
        await fake.add_member(name)
    await fake.add_channel(CAFE)
    clock.set(OCTOBER_20)
    async with running(agora, digest_channel=None) as bot:
        await fake.wait_for_commands()
        await member_count_read(fake, bot)
        week.members_in_october = len(fake.world.members)
        message = await open_poll(fake, OCTOBER_POLL, dict.fromkeys(OCTOBER_VOTERS, 0))
        await close_poll(fake, message)
        await flushed(fake, bot, await chat(fake, "général", OCTOBER_MESSAGES, clock))


async def live_monday(fake, feed_server, clock, bot, week: Week) -> None:
    """The three blogs followed (each first fetch shares its newest article), the reviews of the first
    day, the events announced and registered for."""
    feed_server.set_feed(INSTANT, rss([article(1)], title=INSTANT_BLOG))
    await add_feed(fake, feed_server.url(INSTANT), thread=True)
    clock.advance(minutes=1)
    feed_server.set_feed(DIGEST, rss([article(11)], title=DIGEST_BLOG))
    await add_feed(fake, feed_server.url(DIGEST), mode="digest")
    clock.advance(minutes=1)
    await follow_for_review(fake, feed_server, [article(PUBLISHED)])
    await review_blog(bot, feed_server, clock, EXPIRING, SKIPPED, COMMENTED, PUBLISHED)
    week.keep_reviews(dict(zip((PUBLISHED, COMMENTED, SKIPPED, EXPIRING), reviews(fake), strict=True)))
    week.shared += [1, 11]
    clock.advance(minutes=5)
    published = await answered(await click(fake, "olivia", week.reviews[PUBLISHED], "publish"))
    assert published.content.startswith("✅ Publié"), published.content
    week.shared.append(PUBLISHED)

    for name in JOINING:
        await fake.add_member(name)
    week.workshop, week.workshop_announcement = await create_with_places(
        fake, WORKSHOP_PLACES, title=WORKSHOP, start="2026-11-24 18:00", end="20:00", location="Lausanne"
    )
    week.morning, _ = await create_with_places(fake, MORNING_PLACES)
    for member in INTERESTED:
        await fake.set_event_interest(week.workshop, member)
    for event, members in ((week.workshop, REGISTERED), (week.morning, MORNING_REGISTERED)):
        for member in members:
            await register(fake, member, registration_message(fake, event.id), event.id)


async def live_tuesday(fake, feed_server, clock, bot, week: Week) -> None:
    """A new day's member count, a poll, two reviews decided, new articles and their discussions, chat;
    in the evening the workshop: check-in, a live question, then feedback."""
    clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    assert await activity(bot).member_counts.run_now() == 1
    week.members_in_november = len(fake.world.members)
    week.polls["by_hand"] = await open_poll(fake, BY_HAND, BY_HAND_VOTES)

    clock.advance(minutes=30)
    commented = await publish_with_comment(fake, "adam", week.reviews[COMMENTED], COMMENT)
    assert (await answered(commented)).content.startswith("✅ Publié")
    week.shared.append(COMMENTED)
    await answered(await click(fake, "olivia", week.reviews[SKIPPED], "skip"))

    await share(bot, feed_server, clock, INSTANT, INSTANT_BLOG, [3, 2, 1])
    week.shared += [2, 3]
    posted = article_posts(fake)
    week.threads = {number: posted[number].thread_id for number in THREAD_REPLIES}
    written = 0
    for number, authors in THREAD_REPLIES.items():
        written += await chat(fake, week.threads[number], authors, clock)
    written += await chat(fake, "général", GENERAL, clock)
    written += await chat(fake, CAFE, IN_CAFE, clock)
    await flushed(fake, bot, written)

    message = await checkin.open_window(fake, bot, clock, week.workshop.id, at=WORKSHOP_START - checkin.OPENS)
    for member in CHECKED_IN:
        await checkin.click(fake, member, message, week.workshop.id)
    clock.set(WORKSHOP_START + timedelta(minutes=30))
    await qa.start_qa(fake)
    board = qa.board_message(fake)
    await qa.ask(fake, ASKER, board, "Faut-il une charte pour les ambassadeurs de la marque ?")
    [question] = qa.questions(fake, qa.thread_of(fake, board))
    for member in QUESTION_VOTERS:
        await qa.vote(fake, member, question)

    clock.set(WORKSHOP_END + timedelta(minutes=15))  # the feedback call, AGORA_FEEDBACK_DELAY after the end
    await step(bot)
    call = await fake.wait_for_message("général", lambda m: m in calls(fake, week.workshop.id), timeout=10)
    for member, (rating, recommend) in FEEDBACK.items():
        await answer(fake, member, call, week.workshop.id, rating, recommend)


async def live_wednesday_to_friday(fake, feed_server, clock, bot, week: Week) -> None:
    """A poll closed at its deadline, one closed by hand, the digest blog's second article, a review two
    organisers publish at once, the workshop's report out, a poll left open past the digest."""
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    week.polls["at_deadline"] = await open_poll(fake, AT_DEADLINE, AT_DEADLINE_VOTES)
    clock.set(datetime(2026, 11, 26, 10, 30, tzinfo=UTC))
    assert await bot.get_cog("PollsCog").deadlines.run_now() == 1
    clock.set(datetime(2026, 11, 26, 14, 0, tzinfo=UTC))
    await close_poll(fake, week.polls["by_hand"])

    await share(bot, feed_server, clock, DIGEST, DIGEST_BLOG, [12, 11])
    week.shared.append(12)
    await review_blog(bot, feed_server, clock, RUSHED, EXPIRING, SKIPPED, COMMENTED, PUBLISHED)
    [rushed] = [m for m in reviews(fake) if m.id not in {r.id for r in week.reviews.values()}]
    week.keep_reviews({RUSHED: rushed})
    week.rush_answers = await publish_at_once(fake, rushed)
    week.shared.append(RUSHED)

    clock.set(datetime(2026, 11, 26, 19, 30, tzinfo=UTC))  # two days after the call: feedback closes
    await step(bot)
    await fake.wait_for(
        lambda: [m for m in fake.messages(ORGANISERS) if m.embeds and WORKSHOP in str(m.embeds[0])],
        timeout=10,
        what="the workshop's report",
    )
    clock.set(STILL_OPEN_AT)
    week.polls["still_open"] = await open_poll(fake, STILL_OPEN, STILL_OPEN_VOTES)


async def open_poll(fake, poll: tuple[str, str, str | None], votes: dict[str, int]):
    """Olivia's poll in #général, and its votes; returns its message."""
    question, options, duration = poll
    extra = {"duration": duration} if duration else {}
    await polls.create_poll(fake, question=question, options=options, **extra)
    message = polls.poll_message(fake)
    for member, position in votes.items():
        await polls.vote(fake, member, message, position)
    return message


async def close_poll(fake, message) -> None:
    closing = await fake.run_command("olivia", "poll close", {"poll": str(polls.poll_id(message))})
    await closing.final_message(timeout=10)


async def share(bot, feed_server, clock, path: str, blog: str, numbers: list[int]) -> None:
    """The blog at `path` now lists articles `numbers` (newest first); the poller fetches it."""
    feed_server.set_feed(path, rss([article(n) for n in numbers], title=blog))
    clock.advance(minutes=16)
    await poller(bot).cycle_now()


async def review_blog(bot, feed_server, clock, *numbers: int) -> None:
    """The review blog now lists articles `numbers` (newest first); the poller fetches it."""
    await new_articles(bot, feed_server, clock, [article(n) for n in numbers])


async def chat(fake, channel, authors: dict[str, int], clock) -> int:
    """Each member writes their messages now (Discord dates a message by its id); how many."""
    for member, times in authors.items():
        await post(fake, member, channel, times, at=clock.now())
    return sum(authors.values())


async def publish_at_once(fake, review) -> list[str]:
    """Olivia and adam click *Publish* together, olivia twice, while the first post is on its way."""
    held = fake.outages.hold("POST", rf"/channels/{fake.channel('général').id}/messages$")
    custom_id = f"feed:publish:{review_id(review)}"
    clicks = await asyncio.gather(
        fake.click("olivia", review, custom_id),
        fake.click("adam", review, custom_id),
        fake.click("olivia", review, custom_id),
    )
    await fake.wait_for(lambda: held.waiting >= 1, timeout=10, what="the first post on its way")
    for record in clicks:
        await record.response(timeout=10)  # each answered at once, although one holds the review
    held.release()
    return [(await answered(record)).content for record in clicks]
