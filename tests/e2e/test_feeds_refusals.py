"""Bad input to the feeds feature: refused clearly, nothing stored, nothing posted."""

from __future__ import annotations

import pytest

from tests.e2e.feeds_helpers import article, poller, posts
from tests.feed_server import rss


async def refusal(fake, url, member="olivia", locale="fr", **options):
    interaction = await fake.run_command(member, "feed add", {"url": url, **options}, locale=locale)
    [answer] = await interaction.followups(count=1, timeout=20)
    assert answer.is_ephemeral
    return answer.content


async def feeds_listed(fake, locale="fr"):
    interaction = await fake.run_command("olivia", "feed list", locale=locale)
    await interaction.response()
    return interaction.embeds[0]


async def test_a_member_cannot_add_a_feed(agora, fake, feed_server):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running():
        await fake.wait_for_commands()
        interaction = await fake.run_command(
            "alice", "feed add", {"url": feed_server.url("/feed")}, force=True
        )
        await interaction.response()
        assert interaction.content == "Cette action est réservée aux organisateurs."
        assert feed_server.requests("/feed") == []
        assert posts(fake) == []


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/status/404", "le serveur a répondu par une erreur 404"),
        ("/status/410", "le serveur a répondu par une erreur 410"),
        ("/status/500", "le serveur a répondu par une erreur 500"),
        ("/fixtures/error_page.html", "ne renvoie pas un flux RSS ou Atom"),
        ("/logo.png", "ne renvoie pas un flux RSS ou Atom"),
        ("/fixtures/malformed.xml", "mal formé"),
        ("/loop/a", "redirige en boucle"),
        ("/too-large", "trop volumineuse"),
        ("/endless", "trop volumineuse"),
        ("/truncated", "incomplète"),
    ],
)
async def test_an_unusable_address_is_refused_with_its_reason(agora, fake, feed_server, path, expected):
    async with agora.running():
        await fake.wait_for_commands()
        content = await refusal(fake, feed_server.url(path))
        assert content.startswith("Ce flux ne peut pas être suivi")
        assert expected in content
        assert (await feeds_listed(fake)).get("fields") is None
    assert posts(fake) == []


async def test_only_http_and_https_are_accepted(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        content = await refusal(fake, "ftp://blog.example.ch/feed", locale="en-US")
        assert content == "This feed cannot be followed: only http:// and https:// addresses are accepted"


async def test_private_addresses_are_refused_when_not_allowed(agora, fake, feed_server):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running(feed_allow_private=False):
        await fake.wait_for_commands()
        for url in (feed_server.url("/feed"), feed_server.url("/feed", host="localhost")):
            content = await refusal(fake, url)
            assert "réseau privé" in content
    assert feed_server.requests("/feed") == []


async def test_a_page_advertising_its_feed_offers_to_follow_that_feed(agora, fake, feed_server):
    feed_server.set_feed("/feed/", rss([article(1)]))
    async with agora.running():
        await fake.wait_for_commands()
        interaction = await fake.run_command("olivia", "feed add", {"url": feed_server.url("/page")})
        [offer] = await interaction.followups(count=1, timeout=20)
        assert "est une page web, pas un flux" in offer.content
        button = offer.components[0]["components"][0]
        assert button["label"] == feed_server.url("/feed/")
        click = await fake.click("olivia", offer, button["custom_id"])
        [answer] = await click.followups(count=1, timeout=20)
        assert answer.content.startswith("✅ Agora suit désormais")
    assert len(posts(fake)) == 1


async def test_the_same_feed_twice_in_a_channel_is_refused(agora, fake, feed_server):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running():
        await fake.wait_for_commands()
        await refusal(fake, feed_server.url("/feed"))
        content = await refusal(fake, feed_server.url("/feed"))
        assert content == f"Ce flux est déjà suivi dans <#{fake.channel('général').id}>."
    assert len(posts(fake)) == 1


async def test_a_channel_the_bot_cannot_post_in_is_refused_before_fetching(agora, fake, feed_server):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running():
        await fake.wait_for_commands()
        interaction = await fake.run_command(
            "olivia",
            "feed add",
            {"url": feed_server.url("/feed"), "channel": fake.channel("lecture-seule").id},
        )
        await interaction.response()
        assert interaction.is_ephemeral
        assert "Agora ne peut pas y écrire" in interaction.content
    assert feed_server.requests("/feed") == []


async def test_a_role_the_bot_cannot_mention_is_refused(agora, fake, feed_server):
    quiet = await fake.add_role("Discrets", mentionable=False)
    async with agora.running():
        await fake.wait_for_commands()
        interaction = await fake.run_command(
            "olivia", "feed add", {"url": feed_server.url("/feed"), "role": quiet.id}, locale="en-US"
        )
        await interaction.response()
        assert "make the role mentionable" in interaction.content


async def test_a_failing_feed_backs_off_shows_its_error_then_pauses_and_tells_organisers_once(
    agora, fake, feed_server, clock
):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running(organiser_channel="organisateurs") as bot:
        await fake.wait_for_commands()
        await refusal(fake, feed_server.url("/feed"))
        feed_server.remove("/feed")  # now answers 404
        clock.advance(minutes=16)
        await poller(bot).cycle_now()
        field = (await feeds_listed(fake))["fields"][0]
        assert "1 échec(s) de suite : le serveur a répondu par une erreur 404" in field["value"]

        # exponential backoff: not due again after one interval, due after two
        clock.advance(minutes=16)
        assert (await poller(bot).cycle_now()).fetched == 0
        clock.advance(minutes=16)
        assert (await poller(bot).cycle_now()).fetched == 1

        for _ in range(12):  # a day and more of failures
            clock.advance(hours=6)
            await poller(bot).cycle_now()
        notices = [m for m in fake.messages("organisateurs") if "échoue depuis plus d’un jour" in m.content]
        assert len(notices) == 1
        assert notices[0].allowed_mentions == {"parse": []}
        field = (await feeds_listed(fake))["fields"][0]
        assert field["value"].splitlines()[-1].startswith("⏸️ en pause")

        # paused: never fetched again until resumed
        requests_before = len(feed_server.requests("/feed"))
        clock.advance(hours=12)
        await poller(bot).cycle_now()
        assert len(feed_server.requests("/feed")) == requests_before

        feed_server.set_feed("/feed", rss([article(2), article(1)]))
        choices = await fake.autocomplete("olivia", "feed resume", focused="feed", value="social")
        resumed = await fake.run_command("olivia", "feed resume", {"feed": choices[0]["value"]})
        await resumed.response()
        assert "est relancé" in resumed.content
        await poller(bot).cycle_now()
        assert (await feeds_listed(fake))["fields"][0]["value"].splitlines()[-1].startswith("✅")
    assert [p.embeds[0]["title"] for p in posts(fake)][-1] == "Article 2 sur le social business"


async def test_remove_stops_a_feed_and_a_member_gets_no_autocomplete(agora, fake, feed_server, clock):
    feed_server.set_feed("/feed", rss([article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await refusal(fake, feed_server.url("/feed"))
        assert await fake.autocomplete("alice", "feed remove", focused="feed", value="", force=True) == []
        choices = await fake.autocomplete("olivia", "feed remove", focused="feed", value="romandie")
        assert len(choices) == 1
        removed = await fake.run_command("olivia", "feed remove", {"feed": choices[0]["value"]})
        await removed.response()
        assert removed.content == "Agora ne suit plus **Social Business Romandie**."
        feed_server.set_feed("/feed", rss([article(2), article(1)]))
        clock.advance(minutes=16)
        assert (await poller(bot).cycle_now()).fetched == 0
    assert len(posts(fake)) == 1


async def test_preview_shows_the_latest_entry_without_following(agora, fake, feed_server):
    feed_server.set_feed("/feed", rss([article(2), article(1)]))
    async with agora.running():
        await fake.wait_for_commands()
        interaction = await fake.run_command("olivia", "feed preview", {"url": feed_server.url("/feed")})
        [preview] = await interaction.followups(count=1, timeout=20)
        assert preview.is_ephemeral
        assert preview.embeds[0]["title"] == "Article 2 sur le social business"
        assert (await feeds_listed(fake)).get("fields") is None
    assert posts(fake) == []
