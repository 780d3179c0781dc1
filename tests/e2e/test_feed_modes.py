"""Feeds' delivery modes: posted at once, kept for the weekly digest, or changed with `/feed edit`;
every article that reached members is recorded, and the digest shows them by blog."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from agora.clock import epoch
from agora.pulse import DIGEST_ARTICLES, Span
from agora.settings import DeclaredFeed
from tests.e2e.feeds_helpers import article, poller, posts
from tests.feed_server import rss

ROOT = Path(__file__).resolve().parents[2]
WEEK = timedelta(days=7)


def cog(bot):
    return bot.get_cog("FeedsCog")


async def add_feed(fake, url, member="olivia", locale="fr", **options):
    interaction = await fake.run_command(member, "feed add", {"url": url, **options}, locale=locale)
    [answer] = await interaction.followups(count=1, timeout=20)
    return answer


async def the_feed(bot, fake):
    [feed] = await cog(bot).store.in_guild(fake.guild.id)
    return feed


async def recorded(bot, fake, clock):
    now = epoch(clock.now())
    return await cog(bot).articles.shared_in(fake.guild.id, Span(now - 7 * 86400, now + 1))


async def test_a_digest_feed_posts_nothing_and_records_its_articles(agora, fake, feed_server, clock):
    feed_server.set_feed("/feed", rss([article(2), article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        answer = await add_feed(fake, feed_server.url("/feed"), mode="digest")
        assert answer.is_ephemeral
        assert "revue hebdomadaire" in answer.content
        feed_server.set_feed("/feed", rss([article(4), article(3), article(2), article(1)]))
        clock.advance(minutes=16)
        report = await poller(bot).cycle_now()
        assert (report.posted, report.held) == (0, 2)
        articles = await recorded(bot, fake, clock)
    assert posts(fake) == []
    # the newest at the first fetch, then the two new ones; the back catalogue (article 1) never counts
    assert [a.title for a in articles] == [f"Article {n} sur le social business" for n in (2, 3, 4)]
    # Nothing posted, but the feed's channel is kept: the digest asks whether every member reads it.
    assert {(a.mode, a.channel_id, a.message_id, a.thread_id) for a in articles} == {
        ("digest", fake.channel("général").id, None, None)
    }
    assert {a.blog for a in articles} == {"Social Business Romandie"}


async def test_an_instant_feed_still_posts_and_records_the_thread(agora, fake, feed_server, clock):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"), thread=True)
        [shared] = await recorded(bot, fake, clock)
    [post] = posts(fake)
    assert post.thread_id is not None
    assert (shared.mode, shared.channel_id, shared.message_id, shared.thread_id) == (
        "instant",
        fake.channel("général").id,
        post.id,
        post.thread_id,
    )
    assert shared.link == "https://blog.example.ch/1"


async def test_feed_edit_changes_the_mode_for_the_next_articles(agora, fake, feed_server, clock):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"))
        feed = await the_feed(bot, fake)
        edited = await fake.run_command("olivia", "feed edit", {"feed": str(feed.id), "mode": "digest"})
        await edited.response()
        assert edited.is_ephemeral
        assert "« Immédiat » → « Revue hebdomadaire »" in edited.content
        assert "ne seront plus publiés" in edited.content
        assert (await the_feed(bot, fake)).mode == "digest"

        feed_server.set_feed("/feed", rss([article(2), article(1)]))
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
        articles = await recorded(bot, fake, clock)
        listed = await fake.run_command("olivia", "feed list", locale="en-US")
        await listed.response()
    assert len(posts(fake)) == 1  # only the first, before the change
    assert [a.mode for a in articles] == ["instant", "digest"]
    assert "Delivery: Weekly digest" in listed.embeds[0]["fields"][0]["value"]


async def test_a_member_cannot_edit_a_feed(agora, fake, feed_server):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"))
        feed = await the_feed(bot, fake)
        refused = await fake.run_command(
            "alice", "feed edit", {"feed": str(feed.id), "mode": "digest"}, force=True
        )
        await refused.response()
        assert refused.is_ephemeral
        assert refused.content == "Cette action est réservée aux organisateurs."
        assert (await the_feed(bot, fake)).mode == "instant"


async def test_a_feed_declared_for_the_digest_posts_nothing(agora, fake, feed_server, clock):
    feed_server.set_feed("/feed", rss([article(2), article(1)]))
    declared = (DeclaredFeed(url=feed_server.url("/feed"), channel="général", mode="digest"),)
    async with agora.running(feeds=declared) as bot:
        await poller(bot).cycle_now()
        assert (await the_feed(bot, fake)).mode == "digest"
        [held] = await recorded(bot, fake, clock)
    assert posts(fake) == []
    assert held.title == "Article 2 sur le social business"


async def test_the_digest_shows_the_weeks_articles_by_blog(agora, fake, feed_server, clock):
    feed_server.set_feed("/feed", rss([article(1)]))
    feed_server.set_feed("/other", rss([article(50, "*Gras* et _souligné_ [lien]")], title="Autre **blog**"))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        start = epoch(clock.now())
        await add_feed(fake, feed_server.url("/feed"), mode="digest")
        await add_feed(fake, feed_server.url("/other"), mode="digest")
        feed_server.set_feed("/feed", rss([article(n) for n in range(13, 0, -1)]))
        for _ in range(2):  # at most 10 entries per feed and cycle
            clock.advance(minutes=16)
            await poller(bot).cycle_now()
        words = bot.catalogue.words("fr")
        sections = await bot.pulse.digest_sections(fake.guild.id, Span(start, start + 7 * 86400), words)
        later = await bot.pulse.digest_sections(
            fake.guild.id, Span(start + 7 * 86400, start + 14 * 86400), words
        )
    other, social = sections
    assert other.order == social.order == DIGEST_ARTICLES
    assert other.title == "Autre \\*\\*blog\\*\\*"
    assert other.lines == ("[\\*Gras\\* et \\_souligné\\_ \\[lien\\]](https://blog.example.ch/50)",)
    assert social.title == "Social Business Romandie"
    assert len(social.lines) == 10 and social.more == 3
    assert social.lines[0] == "[Article 1 sur le social business](https://blog.example.ch/1)"
    assert later == []


async def test_a_digest_feed_followed_in_the_organisers_channel_stays_out_of_the_digest(
    agora, fake, feed_server, clock
):
    feed_server.set_feed("/feed", rss([article(1)]))
    feed_server.set_feed("/private", rss([article(60, "Entre organisateurs")], title="Blog interne"))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        start = epoch(clock.now())
        await add_feed(fake, feed_server.url("/feed"), mode="digest")
        # Followed where only organisers read, then switched to the digest: nothing is ever posted.
        await add_feed(fake, feed_server.url("/private"), channel="organisateurs")
        [private] = [f for f in await cog(bot).store.in_guild(fake.guild.id) if f.url.endswith("/private")]
        edited = await fake.run_command("olivia", "feed edit", {"feed": str(private.id), "mode": "digest"})
        await edited.response()
        feed_server.set_feed("/private", rss([article(61, "Budget"), article(60, "Entre organisateurs")]))
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
        held = await recorded(bot, fake, clock)
        words = bot.catalogue.words("fr")
        sections = await bot.pulse.digest_sections(fake.guild.id, Span(start, start + 7 * 86400), words)
    hidden = fake.channel("organisateurs").id
    assert [(a.title, a.mode, a.channel_id) for a in held if a.blog == "Blog interne"] == [
        ("Entre organisateurs", "instant", hidden),  # posted there, before the switch
        ("Budget", "digest", hidden),  # held, and still the organisers' own
    ]
    [social] = sections
    assert social.title == "Social Business Romandie"
    assert not any("Budget" in line or "organisateurs" in line for line in social.lines)


async def edit_mode(fake, feed, mode: str):
    edited = await fake.run_command("olivia", "feed edit", {"feed": str(feed.id), "mode": mode})
    await edited.response()
    return edited


async def test_digest_mode_says_so_when_no_weekly_digest_is_set_up(agora, fake, feed_server):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running(digest_channel=None) as bot:
        await fake.wait_for_commands()
        added = await add_feed(fake, feed_server.url("/feed"), mode="digest")
        assert "AGORA_DIGEST_CHANNEL" in added.content and "nulle part" in added.content
        feed = await the_feed(bot, fake)
    async with agora.running(digest_channel="général", digest_at=None):
        await fake.wait_until_ready(count=2)
        kept = await edit_mode(fake, feed, "digest")
        assert "déjà en diffusion" in kept.content and "AGORA_DIGEST_AT" in kept.content
    async with agora.running(digest_channel="général"):
        await fake.wait_until_ready(count=3)
        await edit_mode(fake, feed, "instant")
        back = await edit_mode(fake, feed, "digest")
        assert "ne seront plus publiés" in back.content and "AGORA_DIGEST" not in back.content


async def test_config_checks_no_posting_rights_in_a_digest_feeds_channel(agora, fake, feed_server):
    feed_server.set_feed("/digest", rss([article(1)]))
    feed_server.set_feed("/instant", rss([article(2)]))
    feed_server.set_feed("/digest-too", rss([article(3)]))
    declared = (
        DeclaredFeed(url=feed_server.url("/digest"), channel="général", mode="digest"),
        DeclaredFeed(url=feed_server.url("/instant"), channel="lecture-seule"),
        DeclaredFeed(url=feed_server.url("/digest-too"), channel="lecture-seule", mode="digest"),
    )
    async with agora.running(feeds=declared) as bot:
        await fake.wait_for_commands()
        await poller(bot).cycle_now()  # after the declared feeds are followed
        assert len(await cog(bot).store.in_guild(fake.guild.id)) == 3
        config = await fake.run_command("adam", "config", locale="fr")
        await config.response()
        fields = {field["name"]: field["value"] for field in config.embeds[0]["fields"]}
    lines = fields["Salons utilisés"].splitlines()
    read_only = f"<#{fake.channel('lecture-seule').id}>"
    # The instant feed's channel is checked, once; the digest feeds' are not (nothing is posted there).
    [checked] = [line for line in lines if "flux" in line]
    assert checked.startswith(f"⚠️ {read_only} (nouveaux articles des flux): Agora ne peut pas y écrire")


def test_a_malformed_mode_in_agora_feeds_stops_the_bot(tmp_path):
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(  # noqa: S603 — our own entry point
        [sys.executable, str(ROOT / "bot.py")],
        cwd=tmp_path,
        env={**base, "DISCORD_TOKEN": "abc.def.ghi", "AGORA_FEEDS": "https://x.org/feed #blog mode=weekly"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "AGORA_FEEDS" in line and "instant, digest or review" in line  # says what it takes
    assert "Traceback" not in result.stderr
