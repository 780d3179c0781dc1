"""The review queue's decisions on a feed in review mode: each new article waits in the organisers' channel
for *Publish*, *Publish with a comment* or *Skip*; published once whoever clicks and however fast; refused
to members and to forged clicks. The queue's time and /feed queue are in test_feed_review_queue.py; what
Discord, a restart or a crash does to it in test_feed_review_failures.py."""

from __future__ import annotations

import asyncio

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
    queue,
    recorded,
    review_id,
    reviews,
    showing,
    step,
    stored,
)
from tests.e2e.feeds_helpers import article, posts


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
        # No lock is kept for a review once its clicks are done: one per review would pile up for ever.
        await fake.wait_for(lambda: len(queue(bot)._locks) == 0, what="the review's lock let go")


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
