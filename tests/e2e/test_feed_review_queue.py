"""The review queue's time and /feed queue: unreviewed articles expire after 7 days, and a click after
that publishes nothing though the pass has not run yet; /feed queue lists what waits and what expired,
and its menu offers the same decisions privately, so the queue is reviewed without an organisers'
channel too; a decision taken on that private card updates the card itself (what became of the article,
no buttons), as the review post is redrawn; /feed add and /feed edit say when review mode has no
organisers' channel."""

from __future__ import annotations

import pytest

from tests.e2e.feed_review_helpers import (
    ORGANISERS,
    answered,
    buttons,
    click,
    follow_for_review,
    listing,
    menu,
    menu_labels,
    new_articles,
    only_review,
    pick,
    publish_with_comment,
    review_id,
    reviews,
    showing,
    step,
    stored,
)
from tests.e2e.feeds_helpers import article, posts

ALREADY_PUBLISHED = "Déjà traité : cet article a été publié."


async def on_card(fake, member, card, action: str, *, comment: str | None = None):
    """A decision taken on `/feed queue`'s private card: Discord told at once that the card will be
    updated (a deferred update), then the private answer, a follow-up; returns (the answer, the card
    once edited)."""
    if comment is None:
        record = await click(fake, member, card, action)
    else:
        record = await publish_with_comment(fake, member, card, comment)
    assert (await record.response(timeout=10)).name == "DEFERRED_UPDATE_MESSAGE"
    [answer] = await record.followups(count=1, timeout=10)
    assert answer.is_ephemeral and not answer.pings_anyone
    edited = await record.final_message(timeout=10)
    assert edited.id == card.id and edited.is_ephemeral
    return answer, edited


def link_to(fake, post) -> str:
    return f"https://discord.com/channels/{fake.guild.id}/{post.channel_id}/{post.id}"


async def test_unreviewed_articles_expire_after_7_days_and_the_queue_lists_both(
    agora, fake, feed_server, clock
):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        first = only_review(fake)
        first_id = review_id(first)
        clock.advance(days=3)
        await new_articles(bot, feed_server, clock, [article(2), article(1)])
        second = reviews(fake)[1]
        second_id = review_id(second)
        clock.advance(days=4)
        await step(bot)

        shown = await showing(fake, first, "⌛ Expiré sans relecture")
        assert buttons(shown) == []
        assert (await stored(bot, first_id)).state == "expired"
        assert (await stored(bot, second_id)).state == "pending"
        assert len(buttons(fake.message(second.id))) == 3

        listed = await fake.run_command("olivia", "feed queue")
        await listed.response(timeout=10)
        assert listed.is_ephemeral
        [embed] = listed.embeds
        assert embed["title"] == "Articles à relire (1)"
        pending = await stored(bot, second_id)
        assert "[Article 2 sur le social business](https://blog.example.ch/2)" in embed["description"]
        assert f"expire <t:{pending.expires_at}:R>" in embed["description"]
        assert f"/{fake.channel(ORGANISERS).id}/{second.id})" in embed["description"]
        [expired] = embed["fields"]
        assert expired["name"] == "Expirés sans relecture ces 7 derniers jours (1)"
        assert "Article 1 sur le social business" in expired["value"]
        assert "Article 2" not in expired["value"]

        # A week later, the expired one has left the list.
        clock.advance(days=8)
        await step(bot)
        listed = await fake.run_command("olivia", "feed queue", locale="en-US")
        await listed.response(timeout=10)
        [embed] = listed.embeds
        assert embed["title"] == "Articles to review (0)"
        assert embed["description"] == "No article is waiting for review."
        assert len(embed.get("fields", [])) == 1  # the second one, expired yesterday
    assert posts(fake) == []


async def test_without_an_organisers_channel_the_article_waits_in_the_queue_alone(agora, fake, feed_server):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        await step(bot)
        listed = await listing(fake)
        assert "Article 1 sur le social business" in listed.embeds[0]["description"]
        assert "[relecture]" not in listed.embeds[0]["description"]
    assert reviews(fake) == [] and posts(fake) == []
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        review = only_review(fake)
        # The menu shown before the restart still works, and the private copy decides for the post.
        card = (await pick(fake, "olivia", listed, "Article 1 sur le social business")).message
        await answered(await click(fake, "olivia", card, "publish"))
        await showing(fake, review, "✅ Publié")
        assert len(posts(fake)) == 1


async def test_the_queue_menu_publishes_comments_and_skips_without_an_organisers_channel(
    agora, fake, feed_server, clock
):
    titles = [f"Article {n} sur le social business" for n in (1, 2, 3)]
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        await new_articles(bot, feed_server, clock, [article(3), article(2), article(1)])
        listed = await listing(fake)
        assert listed.is_ephemeral
        assert menu(listed)["placeholder"] == "Choisir un article à publier ou écarter…"
        assert menu_labels(listed) == titles  # the soonest to expire first
        assert {o["description"] for o in menu(listed)["options"]} == {"Social Business Romandie"}

        card = (await pick(fake, "olivia", listed, titles[0])).message
        assert card.is_ephemeral and not card.pings_anyone
        assert card.embeds[0]["title"] == titles[0]  # exactly what would be posted
        assert f"<#{fake.channel('général').id}>" in card.content
        assert [b["label"] for b in buttons(card)] == ["Publier", "Publier avec un commentaire", "Passer"]
        published, _ = await on_card(fake, "olivia", card, "publish")
        assert published.content.startswith("✅ Publié : https://discord.com/channels/")

        card = (await pick(fake, "olivia", listed, titles[1], locale="en-US")).message
        assert [b["label"] for b in buttons(card)] == ["Publish", "Publish with a comment", "Skip"]
        await on_card(fake, "olivia", card, "comment", comment="Bonne lecture")

        card = (await pick(fake, "olivia", listed, titles[2])).message
        skipped, _ = await on_card(fake, "olivia", card, "skip")
        assert skipped.content == "⏭️ C’est noté : cet article ne sera pas publié."

        # The list shown earlier is out of date: the article chosen again is said to be handled.
        again = await pick(fake, "olivia", listed, titles[0])
        assert again.is_ephemeral and again.content == ALREADY_PUBLISHED
        assert menu(await listing(fake)) is None  # nothing left to decide
    first, second = posts(fake)
    assert [post.embeds[0]["title"] for post in (first, second)] == titles[:2]
    assert second.content == "Bonne lecture"
    assert reviews(fake) == []


@pytest.mark.parametrize("comment", [None, "Bonne lecture"])
async def test_publishing_from_the_private_card_shows_it_published_with_its_link_and_no_buttons(
    agora, fake, feed_server, comment
):
    async with agora.running(organiser_channel=ORGANISERS):
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        card = (await pick(fake, "olivia", await listing(fake), "Article 1 sur le social business")).message
        action = "publish" if comment is None else "comment"
        answer, shown = await on_card(fake, "olivia", card, action, comment=comment)
        [post] = posts(fake)
        link = link_to(fake, post)
        assert answer.content == f"✅ Publié : {link}"
        assert f"✅ Publié : {link}" in shown.content
        assert buttons(shown) == []
        assert shown.embeds[0]["title"] == "Article 1 sur le social business"  # still the article
        assert buttons(await showing(fake, review, f"✅ Publié : {link}")) == []  # the post redrawn too
    assert post.content == (comment or "")


async def test_skipping_from_the_private_card_shows_it_skipped_without_buttons(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        card = (await pick(fake, "olivia", await listing(fake), "Article 1 sur le social business")).message
        answer, shown = await on_card(fake, "olivia", card, "skip")
        assert answer.content == "⏭️ C’est noté : cet article ne sera pas publié."
        assert "⏭️ Écarté : il ne sera pas publié." in shown.content and buttons(shown) == []
        assert buttons(await showing(fake, review, "⏭️ Écarté")) == []
        assert (await stored(bot, rid)).state == "skipped"
    assert posts(fake) == []


async def test_a_click_on_the_private_card_after_7_days_shows_it_expired(agora, fake, feed_server, clock):
    async with agora.running(organiser_channel=ORGANISERS):
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        card = (await pick(fake, "olivia", await listing(fake), "Article 1 sur le social business")).message
        clock.advance(days=7)  # the card stayed open past the article's time; the pass has not run
        answer, shown = await on_card(fake, "olivia", card, "publish")
        assert answer.content == "Trop tard : cet article a expiré sans relecture."
        assert "⌛ Expiré sans relecture" in shown.content and buttons(shown) == []
        assert buttons(await showing(fake, review, "⌛ Expiré sans relecture")) == []
    assert posts(fake) == []


async def test_a_click_on_the_private_card_of_a_removed_feed_shows_it_closed(agora, fake, feed_server):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        card = (await pick(fake, "olivia", await listing(fake), "Article 1 sur le social business")).message
        [feed] = await bot.get_cog("FeedsCog").store.in_guild(fake.guild.id)
        removed = await fake.run_command("olivia", "feed remove", {"feed": str(feed.id)})
        await removed.response(timeout=10)
        answer, shown = await on_card(fake, "olivia", card, "skip")
        assert answer.content.startswith("Ce flux n’est plus suivi")
        assert "🗑️ Ce flux n’est plus suivi" in shown.content and buttons(shown) == []
    assert posts(fake) == []


async def test_a_card_decided_elsewhere_meanwhile_shows_what_became_of_it_when_clicked(
    agora, fake, feed_server
):
    async with agora.running(organiser_channel=ORGANISERS):
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        card = (await pick(fake, "olivia", await listing(fake), "Article 1 sur le social business")).message
        await answered(await click(fake, "olivia", only_review(fake), "publish"))  # on the review post
        answer, shown = await on_card(fake, "olivia", card, "skip")
        assert answer.content == ALREADY_PUBLISHED
        [post] = posts(fake)
        assert f"✅ Publié : {link_to(fake, post)}" in shown.content and buttons(shown) == []


async def test_a_pick_by_a_member_or_of_no_review_changes_nothing(agora, fake, feed_server):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        listed = await listing(fake)
        [option] = menu(listed)["options"]
        anchor = await fake.run_command("alice", "about")  # a message of hers, to forge the menu on
        await anchor.response(timeout=10)
        forged = await fake.forge_click(
            "alice", anchor, "feed:queue-pick", component_type=3, values=[option["value"]], on_message=True
        )
        await forged.response(timeout=10)
        assert forged.is_ephemeral and forged.content == "Cette action est réservée aux organisateurs."
        for value in ("999999", "abc", "99999999999999999999"):
            forged = await fake.forge_click(
                "olivia", listed, "feed:queue-pick", component_type=3, values=[value], on_message=True
            )
            await forged.response(timeout=10)
            assert forged.content.startswith("Ce bouton n’est plus valide"), value
        assert (await stored(bot, int(option["value"]))).state == "pending"
    assert posts(fake) == []


@pytest.mark.parametrize("action", ["publish", "comment", "skip"])
async def test_a_click_once_7_days_are_past_is_too_late_though_the_pass_has_not_run(
    agora, fake, feed_server, clock, action
):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        clock.advance(days=7)  # its time exactly; the pass, minutes apart, has not run since
        late = await answered(await click(fake, "olivia", review, action))
        assert late.content == "Trop tard : cet article a expiré sans relecture."
        shown = await showing(fake, review, "⌛ Expiré sans relecture")
        assert buttons(shown) == []
        assert (await stored(bot, rid)).state == "expired"
    assert posts(fake) == []


async def test_a_comment_sent_once_7_days_are_past_publishes_nothing(agora, fake, feed_server, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        opened = await click(fake, "olivia", review, "comment")
        modal = await opened.modal(timeout=10)
        clock.advance(days=7, seconds=1)  # the form stayed open past the article's time
        sent = await fake.submit_modal("olivia", modal, {"comment": "Bonne lecture"})
        late = await answered(sent)
        assert late.content == "Trop tard : cet article a expiré sans relecture."
        await showing(fake, review, "⌛ Expiré sans relecture")
        assert (await stored(bot, rid)).state == "expired"
    assert posts(fake) == []


async def test_the_queue_lists_an_article_past_its_time_as_expired_before_the_pass(
    agora, fake, feed_server, clock
):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        rid = review_id(only_review(fake))
        clock.advance(days=7)
        listed = await listing(fake)
        [embed] = listed.embeds
        assert embed["title"] == "Articles à relire (0)"
        [expired] = embed["fields"]
        assert expired["name"] == "Expirés sans relecture ces 7 derniers jours (1)"
        assert "Article 1 sur le social business" in expired["value"]
        waited = await stored(bot, rid)
        assert f"expiré <t:{waited.expires_at}:R>" in expired["value"]
        assert menu(listed) is None  # nothing to decide on
        assert waited.state == "pending"  # listing decides nothing; the pass marks it


async def test_review_mode_without_an_organisers_channel_says_where_its_articles_wait(
    agora, fake, feed_server
):
    async with agora.running(organiser_channel="nulle-part") as bot:
        await fake.wait_for_commands()
        added = await follow_for_review(fake, feed_server, [article(1)])
        assert "AGORA_ORGANISER_CHANNEL" in added.content and "`/flux relecture`" in added.content
        [feed] = await bot.get_cog("FeedsCog").store.in_guild(fake.guild.id)
        edit = {"feed": str(feed.id), "mode": "instant"}
        instant = await fake.run_command("olivia", "feed edit", edit)
        await instant.response(timeout=10)
        assert "AGORA_ORGANISER_CHANNEL" not in instant.content
        back = await fake.run_command("olivia", "feed edit", {**edit, "mode": "review"}, locale="en-US")
        await back.response(timeout=10)
        assert "AGORA_ORGANISER_CHANNEL" in back.content and "`/feed queue`" in back.content
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_until_ready(count=2)
        again = await fake.run_command("olivia", "feed edit", {**edit, "mode": "review"})
        await again.response(timeout=10)
        assert again.content.startswith("**Social Business Romandie** est déjà en diffusion")
        assert "AGORA_ORGANISER_CHANNEL" not in again.content
