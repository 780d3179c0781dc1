"""Sharing new posts, driven as organisers and members would, with feeds from a local server."""

from __future__ import annotations

from tests.e2e.feeds_helpers import article, poller, posts, titles
from tests.feed_server import rss


async def add_feed(fake, url, member="olivia", locale="fr", **options):
    interaction = await fake.run_command(member, "feed add", {"url": url, **options}, locale=locale)
    [answer] = await interaction.followups(count=1, timeout=20)
    return answer


async def test_first_fetch_posts_only_the_newest_then_each_new_entry_once(agora, fake, feed_server, clock):
    feed_server.set_feed("/feed", rss([article(3), article(2), article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        answer = await add_feed(fake, feed_server.url("/feed"))
        assert answer.is_ephemeral
        assert answer.content.startswith("✅ Agora suit désormais **Social Business Romandie**")
        assert titles(fake) == ["Article 3 sur le social business"]

        feed_server.set_feed("/feed", rss([article(4), article(3), article(2), article(1)]))
        clock.advance(minutes=16)
        report = await poller(bot).cycle_now()
        assert report.posted == 1
        assert titles(fake)[1:] == ["Article 4 sur le social business"]

    # a restart on the same database shares nothing again
    async with agora.running() as bot:
        clock.advance(minutes=16)
        feed_server.set_feed("/feed", rss([article(4, comments=12), article(3), article(2), article(1)]))
        report = await poller(bot).cycle_now()
        assert report.parsed == 1
        assert report.posted == 0
    assert len(posts(fake)) == 2


async def test_an_unchanged_feed_is_asked_conditionally_and_not_parsed(agora, fake, feed_server, clock):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"))
        clock.advance(minutes=16)
        report = await poller(bot).cycle_now()
    assert (report.fetched, report.not_modified, report.parsed) == (1, 1, 0)
    second = feed_server.requests("/feed")[-1]
    assert second.headers.get("If-None-Match")
    assert "Agora" in second.headers["User-Agent"]
    assert len(posts(fake)) == 1


async def test_several_new_entries_are_posted_oldest_first(agora, fake, feed_server, clock):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"))
        feed_server.set_feed("/feed", rss([article(4), article(3), article(2), article(1)]))
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
    assert [t.split()[1] for t in titles(fake)] == ["1", "2", "3", "4"]


async def test_keyword_filters_ignore_case_and_accents(agora, fake, feed_server, clock):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"), include="réseaux, marque employeur", exclude="emploi")
        feed_server.set_feed(
            "/feed",
            rss(
                [
                    article(5, "Offre d'emploi : community manager RESEAUX"),
                    article(4, "La marque employeur à l'ère du digital"),
                    article(3, "Les Reseaux sociaux d'entreprise en 2026"),
                    article(2, "Recette de la fondue"),
                    article(1),
                ]
            ),
        )
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
    assert titles(fake) == [
        "Les Reseaux sociaux d'entreprise en 2026",
        "La marque employeur à l'ère du digital",
    ]


async def test_a_thread_named_after_the_article_is_opened_on_each_post(agora, fake, feed_server):
    feed_server.set_feed("/feed", rss([article(1, "Intelligence collective : retour sur la matinée")]))
    async with agora.running():
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"), thread=True)
    [post] = posts(fake)
    assert post.thread_id is not None
    assert fake.channel(post.thread_id).name == "Intelligence collective : retour sur la matinée"


async def test_only_the_chosen_role_is_pinged_whatever_the_feed_says(agora, fake, feed_server):
    veille = await fake.add_role("Veille", mentionable=True)
    feed_server.set_feed("/feed", rss([article(1, "@everyone venez ! <@&123> @here")]))
    async with agora.running():
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"), role=veille.id)
    [post] = posts(fake)
    assert post.content == f"<@&{veille.id}>"
    assert post.mention_roles == [veille.id]
    assert not post.mention_everyone
    assert post.allowed_mentions["parse"] == []
    assert "@everyone" not in post.embeds[0]["title"]  # neutralised: shown, never a mention


async def test_the_post_is_a_clean_embed(agora, fake, feed_server):
    feed_server.serve_fixture("/wp", "wordpress_fr.xml")
    async with agora.running():
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/wp"))
    [post] = posts(fake)
    embed = post.embeds[0]
    assert embed["url"].startswith("http")
    assert embed["author"]["name"]
    assert embed.get("timestamp")
    assert "<script" not in embed.get("description", "")
    assert len(embed.get("description", "")) <= 4096


async def test_feeds_declared_by_the_admin_are_subscribed_once(agora, fake, feed_server, clock):
    from agora.settings import DeclaredFeed

    feed_server.set_feed("/feed", rss([article(2), article(1)]))
    declared = (DeclaredFeed(url=feed_server.url("/feed"), channel="général", thread=True),)
    async with agora.running(feeds=declared) as bot:
        await poller(bot).cycle_now()
        assert titles(fake) == ["Article 2 sur le social business"]
    async with agora.running(feeds=declared) as bot:
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
        listed = await fake.run_command("olivia", "feed list", locale="en-US")
        await listed.response()
        [field] = listed.embeds[0]["fields"]
        assert "Declared by the admin (AGORA_FEEDS)" in field["value"]
    assert len(posts(fake)) == 1
    assert posts(fake)[0].thread_id is not None


async def test_a_permanent_redirect_becomes_the_feeds_address(agora, fake, feed_server, clock):
    feed_server.set_feed("/old", rss([article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/old"))
        feed_server.set_feed("/new", rss([article(2), article(1)]))
        feed_server.redirect("/old", "/new", status=301)
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
        listed = await fake.run_command("olivia", "feed list")
        await listed.response()
        assert listed.embeds[0]["fields"][0]["value"].startswith(feed_server.url("/new"))
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
    assert feed_server.requests("/old")[-1:] == feed_server.requests("/old")[1:2]  # not asked again
    assert titles(fake) == ["Article 1 sur le social business", "Article 2 sur le social business"]


async def test_an_entry_whose_post_reached_discord_before_a_crash_is_not_posted_again(
    agora, fake, feed_server, clock
):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"))
        store = bot.get_cog("FeedsCog").store
        [feed] = await store.in_guild(fake.guild.id)
        feed_server.set_feed("/feed", rss([article(3), article(2), article(1)]))
        # The crash: the post of article 2 reached Discord, but the bot died before recording it.
        real_mark_posted = store.mark_posted

        async def crash_on_article_2(feed_id, key, message_id):
            if key.endswith("p=2"):
                raise RuntimeError("power cut")
            await real_mark_posted(feed_id, key, message_id)

        store.mark_posted = crash_on_article_2
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
        store.mark_posted = real_mark_posted
        states = await store.entry_states(feed.id)
        assert states["https://blog.example.ch/?p=2"] == "posting"
    async with agora.running() as bot:
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
        states = await bot.get_cog("FeedsCog").store.entry_states(feed.id)
        assert set(states.values()) == {"posted"}
    assert [t.split()[1] for t in titles(fake)] == ["1", "2", "3"]


async def test_an_entry_posted_as_the_bot_stopped_gets_its_thread_after_the_restart(
    agora, fake, feed_server, clock
):
    feed_server.set_feed("/feed", rss([article(1)]))
    general = fake.channel("général")
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await add_feed(fake, feed_server.url("/feed"), thread=True)
        feed_server.set_feed("/feed", rss([article(2), article(1)]))
        # Discord takes the post of article 2; its answer is still on its way when the bot stops.
        held = fake.outages.hold("POST", rf"/channels/{general.id}/messages$", applied=True)
        clock.advance(minutes=16)
        poller(bot).wake()
        await fake.wait_for(lambda: held.waiting >= 1, what="the post of article 2")
    held.release()
    [first, second] = posts(fake)
    assert second.thread_id is None
    async with agora.running() as bot:
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
        [feed] = await bot.get_cog("FeedsCog").store.in_guild(fake.guild.id)
        shared = await bot.get_cog("FeedsCog").articles.find(feed.id, "https://blog.example.ch/?p=2")
    assert posts(fake) == [first, second]
    assert second.thread_id is not None
    assert fake.channel(second.thread_id).name == "Article 2 sur le social business"
    assert (shared.message_id, shared.thread_id) == (second.id, second.id)
