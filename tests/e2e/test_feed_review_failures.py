"""The review queue when things go wrong: a feed removed, a channel become read-only, Discord failing for
a moment, a restart, and crashes in the middle of a publishing or of a review post: the article is
neither lost nor posted twice."""

from __future__ import annotations

import copy

import aiosqlite

from tests.e2e.feed_review_helpers import (
    ORGANISERS,
    answered,
    buttons,
    click,
    follow_for_review,
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


async def test_a_post_discord_did_not_confirm_stays_publishing_until_the_pass_finishes_it_once(
    agora, fake, feed_server
):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        # A 5xx may come after Discord took the post: neither skipped nor expired before it is looked for.
        fake.outages.fail("POST", rf"/channels/{fake.channel('général').id}/messages$")
        failed = await answered(await click(fake, "olivia", review, "publish"))
        assert failed.content.startswith("⏳ Discord n’a pas confirmé la publication")
        kept = await stored(bot, rid)
        assert (kept.state, kept.last_error) == ("publishing", "discord_error")
        shown = await showing(fake, review, "Discord ne l’a pas confirmée")
        assert buttons(shown) == []
        listed = await fake.run_command("olivia", "feed queue")
        await listed.response(timeout=10)
        assert "⏳ publication en cours" in listed.embeds[0]["description"]
        await step(bot)
        assert len(posts(fake)) == 1
        assert (await stored(bot, rid)).state == "published"
        await showing(fake, review, "✅ Publié")


async def test_a_publishing_the_pass_cannot_finish_goes_back_to_the_queue_with_the_reason(
    agora, fake, feed_server
):
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        rid = review_id(review)
        fake.outages.fail("POST", rf"/channels/{fake.channel('général').id}/messages$")
        await answered(await click(fake, "olivia", review, "publish"))
        await fake.set_overwrite("général", fake.role("Agora"), deny=Perm.SEND_MESSAGES)
        await step(bot)
        kept = await stored(bot, rid)
        assert (kept.state, kept.last_error) == ("pending", "discord_forbidden")
        shown = await showing(fake, review, "⚠️ La dernière publication a échoué")
        assert len(buttons(shown)) == 3  # waiting for a decision again
        assert posts(fake) == []


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


async def rewind_to_publishing(agora, comment: str | None) -> None:
    """The database as a crash in the middle of publishing left it: claimed, the article unrecorded."""
    async with aiosqlite.connect(agora.base_settings.database_path) as db:
        await db.execute(
            "UPDATE feed_reviews SET state = 'publishing', comment = ?, decided_at = NULL", (comment,)
        )
        await db.execute("DELETE FROM feed_articles")
        await db.commit()
