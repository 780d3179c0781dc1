"""The review queue of feeds in review mode: each new article waits in the organisers' channel for
*Publish*, *Publish with a comment* or *Skip*; published once whoever clicks and however fast; refused to
members; kept with the reason when the channel refuses it; expired after 7 days; listed in /feed queue;
and neither lost nor doubled by a restart or a crash."""

from __future__ import annotations

import asyncio
import copy

import aiosqlite

from tests.e2e.feed_review_helpers import (
    BUTTONS,
    ORGANISERS,
    answered,
    buttons,
    click,
    follow_for_review,
    new_articles,
    only_review,
    publish_with_comment,
    recorded,
    review_id,
    reviews,
    showing,
    step,
    stored,
)
from tests.e2e.feeds_helpers import article, posts
from tests.fake_discord import Perm


async def test_an_article_goes_to_the_organisers_with_three_buttons_not_to_members(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(2), article(1)])
        review = only_review(fake)
        rid = review_id(review)
        assert review.embeds[0]["title"] == "Article 2 sur le social business"
        assert review.embeds[0]["url"] == "https://blog.example.ch/2"
        assert f"<#{fake.channel('général').id}>" in review.content
        assert [b["custom_id"].split(":")[1] for b in buttons(review)] == list(BUTTONS)
        assert [b["label"] for b in buttons(review)] == ["Publier", "Publier avec un commentaire", "Passer"]
        assert not review.pings_anyone
        assert posts(fake) == []
        assert (await stored(bot, rid)).state == "pending"


async def test_publish_posts_the_article_once_in_the_feeds_channel_and_records_it(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)], thread=True)
        review = only_review(fake)
        rid = review_id(review)
        answer = await answered(await click(fake, "olivia", review, "publish"))
        [post] = posts(fake)
        assert post.embeds[0] == review.embeds[0]  # exactly what the organisers reviewed
        link = f"https://discord.com/channels/{fake.guild.id}/{post.channel_id}/{post.id}"
        assert answer.content == f"✅ Publié : {link}"
        assert post.thread_id is not None
        shown = only_review(fake)
        assert f"✅ Publié : {link}" in shown.content
        assert buttons(shown) == []
        done = await stored(bot, rid)
        assert (done.state, done.comment, done.decided_at is not None) == ("published", None, True)
        article_row = await recorded(bot, done.feed_id, done.entry_key)
        assert (article_row.mode, article_row.message_id, article_row.thread_id) == (
            "review",
            post.id,
            post.id,
        )
        assert article_row.title == "Article 1 sur le social business"
        await step(bot)
    assert len(posts(fake)) == 1


async def test_a_comment_shows_above_the_embed_and_pings_no_one_else(agora, fake, feed_server):
    veille = await fake.add_role("Veille", mentionable=True)
    comment = f"À lire avant jeudi @everyone <@&123> *important* — merci <@{fake.member('alice').id}>"
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)], role=veille.id)
        review = only_review(fake)
        rid = review_id(review)
        assert f"<@&{veille.id}>" in review.content and not review.pings_anyone  # shown, not pinged
        answer = await answered(await publish_with_comment(fake, "olivia", review, comment))
        assert answer.content.startswith("✅ Publié : https://discord.com/channels/")
        [post] = posts(fake)
        ping, shown = post.content.split("\n", 1)
        assert ping == f"<@&{veille.id}>"  # the feed's role, as each of its articles
        assert "À lire avant jeudi" in shown and r"\*important\*" in shown
        assert "@everyone" not in shown.replace("@\u200beveryone", "")
        assert post.mention_roles == [veille.id]
        assert post.mentions == [] and not post.mention_everyone
        assert (await stored(bot, rid)).comment is None  # it lives in the post now


async def test_a_comment_too_long_for_the_form_is_refused_and_nothing_is_posted(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        opened = await click(fake, "olivia", review, "comment")
        modal = await opened.modal(timeout=10)
        forged = await fake.submit_modal("olivia", modal, {"comment": "_" * 2000}, force=True)
        await forged.response(timeout=10)
        assert forged.is_ephemeral and "900" in forged.content
        assert posts(fake) == []
        assert (await stored(bot, rid)).state == "pending"


async def test_skip_publishes_nothing_and_closes_the_review(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        answer = await answered(await click(fake, "adam", review, "skip"))
        assert answer.content == "⏭️ C’est noté : cet article ne sera pas publié."
        shown = await showing(fake, review, "⏭️ Écarté")
        assert buttons(shown) == []
        assert (await stored(bot, rid)).state == "skipped"
        await step(bot)
    assert posts(fake) == []


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


async def test_two_organisers_clicking_publish_at_once_post_it_once(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        # The first click's post is on its way when the others arrive: adam's, and olivia's double click.
        held = fake.outages.hold("POST", rf"/channels/{fake.channel('général').id}/messages$")
        custom_id = f"feed:publish:{rid}"
        clicks = await asyncio.gather(
            fake.click("olivia", review, custom_id),
            fake.click("adam", review, custom_id, locale="en-US"),
            fake.click("olivia", review, custom_id),
        )
        await fake.wait_for(lambda: held.waiting >= 1, timeout=10, what="the first post on its way")
        for record in clicks:
            await record.response(timeout=10)  # each answered at once, although one holds the review
        held.release()
        answers = [(await answered(record)).content for record in clicks]
        assert sum(answer.startswith("✅ Publié : ") for answer in answers) == 1, answers
        # The others are told it was handled: being published, or published once they waited for it.
        assert all(a.startswith(("✅ Publié : ", "Déjà traité : ", "Already handled: ")) for a in answers)
        assert len(posts(fake)) == 1
        assert held.waiting == 1
        assert (await stored(bot, rid)).state == "published"


async def test_a_members_click_is_refused_and_changes_nothing(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        for action in ("publish", "skip"):
            refused = await click(fake, "alice", review, action)
            assert refused.is_ephemeral and refused.content == "Cette action est réservée aux organisateurs."
        refused = await click(fake, "bob", review, "comment")
        assert refused.is_ephemeral and refused.content == "Only organisers can do this."
        assert posts(fake) == []
        assert (await stored(bot, rid)).state == "pending"
        assert len(buttons(fake.message(review.id))) == 3


async def test_publishing_an_article_whose_feed_was_removed_says_so(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        feed_id = (await stored(bot, rid)).feed_id
        removed = await fake.run_command("olivia", "feed remove", {"feed": str(feed_id)})
        await removed.response(timeout=10)
        answer = await answered(await click(fake, "adam", review, "publish"))
        assert answer.content.startswith("Ce flux n’est plus suivi : l’article ne peut plus être publié.")
        shown = await showing(fake, review, "🗑️ Ce flux n’est plus suivi")
        assert buttons(shown) == []
        closed = await stored(bot, rid)
        assert (closed.state, closed.feed_id) == ("skipped", None)
        await step(bot)
    assert posts(fake) == []


async def test_a_channel_now_read_only_keeps_the_article_in_the_queue_with_the_reason(
    agora, fake, feed_server
):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        await fake.set_overwrite("général", fake.role("Agora"), deny=Perm.SEND_MESSAGES)
        answer = await answered(await click(fake, "olivia", review, "publish"))
        assert answer.content.startswith("⚠️ Publication refusée : Agora n’a pas le droit de publier")
        shown = await showing(fake, review, "⚠️ La dernière publication a échoué")
        assert len(buttons(shown)) == 3  # still waiting for a decision
        kept = await stored(bot, rid)
        assert (kept.state, kept.last_error) == ("pending", "discord_forbidden")
        listed = await fake.run_command("olivia", "feed queue")
        await listed.response(timeout=10)
        assert "Agora n’a pas le droit de publier dans le salon" in listed.embeds[0]["description"]
        await step(bot)  # the pass never tries a refused post again on its own
        assert posts(fake) == []

        await fake.set_overwrite("général", fake.role("Agora"))
        again = await answered(await click(fake, "olivia", review, "publish"))
        assert again.content.startswith("✅ Publié")
        assert len(posts(fake)) == 1
        await showing(fake, review, "✅ Publié")
        assert "⚠️" not in fake.message(review.id).content


async def test_discord_failing_for_a_moment_leaves_the_article_for_the_next_click(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        fake.outages.fail("POST", rf"/channels/{fake.channel('général').id}/messages$")
        failed = await answered(await click(fake, "olivia", review, "publish"))
        assert failed.content.startswith("⚠️ La publication n’a pas abouti : Discord n’a pas répondu")
        kept = await stored(bot, rid)
        assert (kept.state, kept.last_error) == ("pending", "discord_error")
        await answered(await click(fake, "olivia", review, "publish"))
        assert len(posts(fake)) == 1
        assert (await stored(bot, rid)).state == "published"


async def test_the_buttons_still_work_after_a_restart(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS):
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_until_ready(count=2)
        await answered(await publish_with_comment(fake, "olivia", review, "Bonne lecture"))
        [post] = posts(fake)
        assert post.content == "Bonne lecture"
        assert (await stored(bot, rid)).state == "published"


async def test_a_publishing_a_crash_interrupted_after_the_post_is_finished_without_posting_again(
    agora, fake, feed_server
):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        await answered(await publish_with_comment(fake, "olivia", review, "Bonne lecture"))
        [post] = posts(fake)
    # The crash came between Discord accepting the post and the store recording it.
    await rewind_to_publishing(agora, "Bonne lecture")
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        assert posts(fake) == [post]
        done = await stored(bot, rid)
        assert (done.state, done.comment) == ("published", None)
        assert (await recorded(bot, done.feed_id, done.entry_key)).message_id == post.id
        await showing(fake, review, f"/{post.channel_id}/{post.id}")


async def test_a_publishing_a_crash_interrupted_before_the_post_is_posted_once(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        await answered(await click(fake, "olivia", review, "publish"))
        [lost] = posts(fake)
    # The crash came before the post reached Discord.
    fake.world.messages[lost.id].deleted = True
    await rewind_to_publishing(agora, None)
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        await step(bot)
        [post] = posts(fake)
        assert post.id != lost.id
        assert (await stored(bot, rid)).state == "published"


async def test_a_review_post_is_not_taken_for_the_article_in_a_channel_they_share(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)], channel=ORGANISERS)
        review = only_review(fake)
        rid = review_id(review)
        waiting = copy.deepcopy(review.components)
        await answered(await click(fake, "olivia", review, "publish"))
        [lost] = [m for m in posts(fake, ORGANISERS) if m.id != review.id]
    # The crash came before the post reached Discord: only the review post, with its buttons and the
    # same embed, is in the channel.
    fake.world.messages[lost.id].deleted = True
    fake.world.messages[review.id].components = waiting
    await rewind_to_publishing(agora, None)
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        [post] = [m for m in posts(fake, ORGANISERS) if m.id != review.id]
        assert post.id != lost.id and post.embeds[0]["url"] == "https://blog.example.ch/1"
        assert (await stored(bot, rid)).state == "published"


async def test_a_review_post_discord_failed_to_take_is_sent_by_the_next_pass_once(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        fake.outages.fail("POST", rf"/channels/{fake.channel(ORGANISERS).id}/messages$")
        await follow_for_review(fake, feed_server, [article(1)])
        assert reviews(fake) == []
        await step(bot)
        review = only_review(fake)
        assert (await stored(bot, review_id(review))).review_message_id == review.id
    # A crash between the post and its record: the next pass finds it rather than posting another.
    async with aiosqlite.connect(agora.base_settings.database_path) as db:
        await db.execute("UPDATE feed_reviews SET review_channel_id = NULL, review_message_id = NULL")
        await db.commit()
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        assert reviews(fake) == [review]
        assert (await stored(bot, review_id(review))).review_message_id == review.id


async def test_without_an_organisers_channel_the_article_waits_in_the_queue_alone(agora, fake, feed_server):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        await step(bot)
        listed = await fake.run_command("olivia", "feed queue")
        await listed.response(timeout=10)
        assert "Article 1 sur le social business" in listed.embeds[0]["description"]
        assert "[relecture]" not in listed.embeds[0]["description"]
    assert reviews(fake) == [] and posts(fake) == []
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        assert len(reviews(fake)) == 1


async def rewind_to_publishing(agora, comment: str | None) -> None:
    """The database as a crash in the middle of publishing left it: claimed, the article unrecorded."""
    async with aiosqlite.connect(agora.base_settings.database_path) as db:
        await db.execute(
            "UPDATE feed_reviews SET state = 'publishing', comment = ?, decided_at = NULL", (comment,)
        )
        await db.execute("DELETE FROM feed_articles")
        await db.commit()


async def test_forged_clicks_and_forms_name_no_review_and_change_nothing(agora, fake, feed_server, clock):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        await new_articles(bot, feed_server, clock, [article(2), article(1)])
        first, second = reviews(fake)
        stale = "Ce bouton n’est plus valide : relancez la commande qui l’a affiché si besoin."
        # Another review's button shown on this one's post, and a review that does not exist.
        for custom_id in (f"feed:publish:{review_id(second)}", "feed:skip:999999"):
            forged = await fake.forge_click("olivia", first, custom_id, on_message=True)
            await forged.response(timeout=3)
            assert forged.is_ephemeral and forged.content == stale
        form = await fake.forge_modal_submit(
            "olivia", "feed:comment-form:999999", {"comment": "Bonjour"}, channel=ORGANISERS, message=first
        )
        await form.response(timeout=3)
        assert form.content == "Ce formulaire n’est plus valide : rouvrez-le pour recommencer."
        assert posts(fake) == []
        assert [(await stored(bot, review_id(m))).state for m in (first, second)] == ["pending", "pending"]
