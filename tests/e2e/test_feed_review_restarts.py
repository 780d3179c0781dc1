"""The review queue across a bot stopped mid-way: an article Discord took while the bot stopped is found
and recorded (with its discussion thread) before anyone may skip it or the queue expire it; a review post
whose redraw was lost is redrawn after the restart."""

from __future__ import annotations

import pytest

from tests.e2e.feed_review_helpers import (
    ORGANISERS,
    answered,
    buttons,
    click,
    follow_for_review,
    only_review,
    recorded,
    review_id,
    showing,
    step,
    stored,
)
from tests.e2e.feeds_helpers import article, posts
from tests.e2e.test_feed_review_failures import rewind_to_publishing

BEING_PUBLISHED = "Déjà en cours : cet article est en train d’être publié"


@pytest.mark.parametrize("decision", ["publish", "skip", "expiry"])
async def test_an_article_discord_took_as_the_bot_stopped_is_recorded_published_whatever_comes_next(
    agora, fake, feed_server, clock, decision
):
    general = fake.channel("général")
    async with agora.running(organiser_channel=ORGANISERS):
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)], thread=True)
        review = only_review(fake)
        rid = review_id(review)
        # Discord takes the post; its answer is still on its way when the bot stops.
        held = fake.outages.hold("POST", rf"/channels/{general.id}/messages$", applied=True)
        opened = await click(fake, "olivia", review, "comment")
        modal = await opened.modal(timeout=10)
        await fake.submit_modal("olivia", modal, {"comment": "À lire absolument"})
        await fake.wait_for(lambda: held.waiting >= 1, what="the article's post")
    held.release()
    [post] = posts(fake)
    if decision == "expiry":
        clock.advance(days=8)  # the first pass after the restart finds the review past its time
    # The pass after the restart looks for the post first; whatever comes meanwhile waits for it.
    looking = fake.outages.hold("GET", rf"/channels/{general.id}/messages$")
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await fake.wait_for(lambda: looking.waiting >= 1, what="the search for the article's post")
        if decision != "expiry":
            answer = await answered(await click(fake, "olivia", review, decision))
            assert answer.content.startswith(BEING_PUBLISHED)
            assert (await stored(bot, rid)).state == "publishing"
        looking.release()
        await step(bot)
        assert posts(fake) == [post]
        assert post.content == "À lire absolument"
        assert post.thread_id is not None  # the discussion thread the crash cost it
        done = await stored(bot, rid)
        assert (done.state, done.comment) == ("published", None)
        article_record = await recorded(bot, done.feed_id, done.entry_key)
        assert (article_record.message_id, article_record.thread_id) == (post.id, post.id)
        shown = await showing(fake, review, f"✅ Publié : https://discord.com/channels/{fake.guild.id}/")
        assert buttons(shown) == []


async def test_a_review_post_whose_redraw_was_lost_with_the_bot_is_redrawn_after_the_restart(
    agora, fake, feed_server
):
    async with agora.running(organiser_channel=ORGANISERS):
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)])
        review = only_review(fake)
        fake.stalled_edits.stall(review)
        await click(fake, "olivia", review, "publish")
        await fake.wait_for(lambda: fake.stalled_edits.stalled >= 1, what="the review post's redraw")
    fake.stalled_edits.release()
    assert len(buttons(fake.message(review.id))) == 3  # still asking, though published
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        [post] = posts(fake)
        shown = await showing(fake, review, f"✅ Publié : https://discord.com/channels/{fake.guild.id}/")
        assert shown.content.endswith(f"/{post.channel_id}/{post.id}")
        assert buttons(shown) == []
        edits = shown.edits
        await step(bot)  # redrawn once: the pass knows what the post shows now
        assert fake.message(review.id).edits == edits


async def test_a_post_found_with_its_thread_is_recorded_without_opening_another(agora, fake, feed_server):
    async with agora.running(organiser_channel=ORGANISERS):
        await fake.wait_for_commands()
        await follow_for_review(fake, feed_server, [article(1)], thread=True)
        review = only_review(fake)
        rid = review_id(review)
        await answered(await click(fake, "olivia", review, "publish"))
        [post] = posts(fake)
        thread = post.thread_id
    # The crash came after the post and its thread, before the store recorded them.
    await rewind_to_publishing(agora, None)
    async with agora.running(organiser_channel=ORGANISERS) as bot:
        await step(bot)
        done = await stored(bot, rid)
        assert done.state == "published"
        assert (await recorded(bot, done.feed_id, done.entry_key)).thread_id == thread
    assert posts(fake) == [post] and post.thread_id == thread
    assert len(fake.find_requests("POST", rf"/messages/{post.id}/threads$")) == 1
