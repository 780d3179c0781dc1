"""Announcements end to end: compose → preview → edit → publish, scheduling across restarts, repeats
across a change of summer time, cancel, refusals; the real bot against the fake Discord."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fake_discord.models import FLAG_CROSSPOSTED
from tests.fake_discord.permissions import Perm

BODY = "Rendez-vous **jeudi** à Genève. @everyone <@&{role}> devraient venir !"
FIELDS = ("title", "body", "image", "footer")


def modal_values(modal, **values):
    """The form's inputs by field name; those not given keep what the form shows."""
    ids = dict(zip(FIELDS, modal.inputs(), strict=True))
    return {ids[name]: value for name, value in values.items()}


async def compose(fake, member="olivia", locale="fr", body="Rendez-vous jeudi à Genève.", **options):
    command = await fake.run_command(member, "announce compose", options, locale=locale)
    modal = await command.modal(timeout=10)
    submit = await fake.submit_modal(
        member, modal, modal_values(modal, body=body, **{"title": "Matinée e-20"})
    )
    await submit.response(timeout=10)
    return submit


def buttons(message) -> dict[str, str]:
    return {c["label"]: c["custom_id"] for row in message.components for c in row["components"]}


async def press(fake, member, preview, label):
    click = await fake.click(member, preview.message, buttons(preview.message)[label])
    await click.response(timeout=10)
    return click


def posts(fake, channel="général"):
    return [m for m in fake.messages(channel) if m.embeds and m.author_id == fake.bot.id]


async def step(bot) -> None:
    await bot.get_cog("AnnouncementsCog").passes.run_now()


async def test_compose_preview_edit_then_publish_pings_only_the_chosen_role(agora, fake, clock):
    veille = await fake.add_role("Veille", mentionable=True)
    async with agora.running():
        preview = await compose(fake, role=veille, thread=True, body=BODY.format(role=veille.id))
        assert preview.is_ephemeral and "Aperçu" in preview.content and "<@&" in preview.content
        assert preview.embeds[0]["title"] == "Matinée e-20"
        assert posts(fake) == []  # nothing before Publish
        edit = await fake.click("olivia", preview.message, buttons(preview.message)["Modifier"])
        modal = await edit.modal(timeout=10)
        assert next(iter(modal.inputs().values()))["value"] == "Matinée e-20"  # filled in
        changed = await fake.submit_modal(
            "olivia", modal, modal_values(modal, title="Matinée e-20 : programme")
        )
        await changed.response(timeout=10)
        assert preview.message.embeds[0]["title"] == "Matinée e-20 : programme"
        publish = await press(fake, "olivia", preview, "Publier")
        await publish.final_message(timeout=10, predicate=lambda m: "publiée" in m.content)
        (post,) = posts(fake)
        assert post.embeds[0]["title"] == "Matinée e-20 : programme"
        assert post.content == f"<@&{veille.id}>"
        assert post.mention_roles == [veille.id] and not post.mention_everyone and post.mentions == []
        assert post.allowed_mentions["parse"] == [] and post.allowed_mentions["roles"] == [veille.id]
        assert post.thread_id is not None
        assert preview.message.components == [] and "publiée" in preview.message.content


async def test_an_announcement_channel_cross_posts_and_silent_sends_no_notification(agora, fake):
    async with agora.running():
        preview = await compose(fake, channel="annonces", silent=True)
        await press(fake, "olivia", preview, "Publier")
        post = await fake.wait_for_message("annonces", lambda m: bool(m.embeds))
        await fake.wait_for(lambda: fake.message(post.id).flags & FLAG_CROSSPOSTED, what="the cross-post")
        assert fake.message(post.id).is_silent


async def test_scheduled_then_published_once_at_its_time_across_a_restart(agora, fake, clock):
    async with agora.running() as bot:
        preview = await compose(fake, when="2026-11-28 18:00")  # Geneva: 17:00 UTC
        done = await press(fake, "olivia", preview, "Publier")
        assert "programmée" in done.message.content
        clock.set(datetime(2026, 11, 28, 16, 59, tzinfo=UTC))
        await step(bot)
        assert posts(fake) == []
        listing = await fake.run_command("olivia", "announce list")
        await listing.response(timeout=10)
        assert "Matinée e-20" in listing.embeds[0]["description"]
    clock.set(datetime(2026, 11, 28, 17, 0, tzinfo=UTC))
    async with agora.running() as bot:
        await fake.wait_for(lambda: posts(fake), what="the publication")
        await step(bot)
    async with agora.running() as bot:
        await step(bot)
        (post,) = posts(fake)
        assert "retard" not in post.content


async def test_overdue_at_startup_is_published_once_with_a_note_of_the_delay(agora, fake, clock):
    async with agora.running():
        preview = await compose(fake, when="2h")
        await press(fake, "olivia", preview, "Publier")
    clock.advance(hours=5)
    async with agora.running() as bot:
        await fake.wait_for(lambda: posts(fake), what="the late publication")
        await step(bot)
        (post,) = posts(fake)
        assert "publiée en retard" in post.content


async def test_a_weekly_announcement_keeps_its_local_time_across_the_change_of_summer_time(
    agora, fake, clock
):
    clock.set(datetime(2027, 3, 20, 12, 0, tzinfo=UTC))
    async with agora.running() as bot:
        preview = await compose(fake, when="2027-03-22 09:00", every="week")  # Monday 09:00, UTC+1
        await press(fake, "olivia", preview, "Publier")
        first, second = datetime(2027, 3, 22, 8, 0, tzinfo=UTC), datetime(2027, 3, 29, 7, 0, tzinfo=UTC)
        clock.set(first)
        await step(bot)
        clock.set(second - timedelta(minutes=1))
        await step(bot)
        assert len(posts(fake)) == 1
        clock.set(second)  # 09:00 summer time (UTC+2)
        await step(bot)
        assert len(posts(fake)) == 2
        stamps = [p.embeds[0]["timestamp"] for p in posts(fake)]
        assert stamps[0].startswith("2027-03-22T08:00") and stamps[1].startswith("2027-03-29T07:00")


async def test_cancel_removes_a_scheduled_announcement(agora, fake, clock):
    async with agora.running() as bot:
        preview = await compose(fake, when="demain 9h")
        await press(fake, "olivia", preview, "Publier")
        (choice,) = await fake.autocomplete("olivia", "announce cancel", "announcement", "Mat")
        cancel = await fake.run_command("olivia", "announce cancel", {"announcement": choice["value"]})
        await cancel.response(timeout=10)
        assert cancel.is_ephemeral and "annulée" in cancel.content
        clock.advance(days=2)
        await step(bot)
        assert posts(fake) == []


async def test_a_refused_publication_is_kept_as_failed_told_and_not_retried(agora, fake, clock):
    async with agora.running() as bot:
        preview = await compose(fake, when="2h")
        await press(fake, "olivia", preview, "Publier")
        fake.world.set_overwrite("général", fake.role("Agora"), deny=Perm.SEND_MESSAGES)
        clock.advance(hours=2)
        await step(bot)
        dm = await fake.wait_for_dm("olivia", lambda m: "n’a pas pu être publiée" in m.content)
        assert "permission" in dm.content
        refusals = len(fake.rejected_requests)
        clock.advance(hours=1)
        await step(bot)
        assert len(fake.rejected_requests) == refusals
        listing = await fake.run_command("olivia", "announce list")
        await listing.response(timeout=10)
        assert "n’a pas pu être publiée" not in listing.embeds[0]["description"]
        assert "refusée" in listing.embeds[0]["description"]
        # A refused one can be cleared from the list.
        (choice,) = await fake.autocomplete("olivia", "announce cancel", "announcement", "")
        assert choice["name"].startswith("⚠️")
        cancel = await fake.run_command("olivia", "announce cancel", {"announcement": choice["value"]})
        await cancel.response(timeout=10)
        listing = await fake.run_command("olivia", "announce list")
        await listing.response(timeout=10)
        assert listing.content == "Aucune annonce en attente."


async def test_a_member_cannot_announce(agora, fake):
    async with agora.running():
        refused = await fake.run_command("alice", "announce compose", force=True)
        await refused.response(timeout=10)
        assert refused.is_ephemeral and "organisateurs" in refused.content


async def test_the_author_is_told_of_a_refusal_in_their_own_language(agora, fake, clock):
    await fake.set_member_roles("bob", [fake.role("Organisateurs")])
    async with agora.running() as bot:
        preview = await compose(fake, member="bob", locale="en-US", when="2h")
        assert "Preview" in preview.content
        await press(fake, "bob", preview, "Publish")
        fake.world.set_overwrite("général", fake.role("Agora"), deny=Perm.SEND_MESSAGES)
        clock.advance(hours=2)
        await step(bot)
        dm = await fake.wait_for_dm("bob", lambda m: "could not be published" in m.content)
        assert "permission" in dm.content
