"""Announcements: every bad input refused with a clear, localised, ephemeral message, and nothing
stored or posted. Refusals of the command's options come before the form opens (the answer is a
message, not a modal); refusals of what was typed come when the form is submitted. Mentions typed in
the body never ping anyone beyond the chosen role."""

from __future__ import annotations

import pytest

from tests.e2e.test_announcements import buttons, modal_values, posts, press, step
from tests.fake_discord import InvalidInteraction, Perm
from tests.fake_discord.actions import MESSAGE_COMPONENT
from tests.fake_discord.interactions import CHANNEL_MESSAGE

ALL_STATUSES = ("draft", "scheduled", "publishing", "done", "failed", "cancelled")
TITLE, BODY = "Matinée e-20", "Rendez-vous jeudi à Genève."


def fr(bot, key, **values):
    return bot.catalogue.translate(key, "fr", **values)


def en(bot, key, **values):
    return bot.catalogue.translate(key, "en", **values)


def bot_posts(fake, channel="général"):
    return [m for m in fake.messages(channel) if m.author_id == fake.bot.id]


def store(bot):
    return bot.get_cog("AnnouncementsCog").store


async def stored(bot, fake):
    return await store(bot).in_guild(fake.guild.id, ALL_STATUSES)


async def assert_nothing_stored_or_posted(bot, fake, *channels):
    assert await stored(bot, fake) == []
    for channel in ("général", "annonces", *channels):
        assert bot_posts(fake, channel) == []


async def refused_before_the_form(fake, member="olivia", locale=None, command="announce compose", **options):
    """The command answered with a message (a refusal), not with the form."""
    interaction = await fake.run_command(member, command, options, locale=locale)
    callback = await interaction.response(timeout=10)
    assert callback.type == CHANNEL_MESSAGE, f"expected a message, got {callback.name}: {callback.data}"
    assert interaction.is_ephemeral
    return interaction


async def submit_form(fake, member="olivia", locale=None, *, force=False, options=None, **fields):
    """Opens /announce compose and submits the form with `fields` (title, body, image, footer);
    ``force=True`` sends them as they are, past the lengths the form allows (a modified client)."""
    command = await fake.run_command(member, "announce compose", options or {}, locale=locale)
    modal = await command.modal(timeout=10)
    values = {"title": TITLE, "body": BODY, **fields}
    submit = await fake.submit_modal(member, modal, modal_values(modal, **values), locale=locale, force=force)
    await submit.response(timeout=10)
    return submit


async def schedule(fake, when="demain 9h", title=TITLE):
    """A scheduled announcement by olivia (compose → Publish); returns its id."""
    preview = await submit_form(fake, options={"when": when}, title=title)
    done = await press(fake, "olivia", preview, "Publier")
    assert "programmée" in done.message.content
    return int(buttons_id(preview))


def buttons_id(preview) -> str:
    # The preview's buttons are gone once handled: the id is in the interaction's first answer.
    data = preview.callback.data or {}
    custom_id = data["components"][0]["components"][0]["custom_id"]
    return custom_id.split(":")[1]


async def without_mention_everyone(fake, role="Organisateurs"):
    """The fake's organisers may mention everyone; the brief's olivia may not."""
    await fake.set_role_permissions(role, fake.role(role).permissions & ~Perm.MENTION_EVERYONE)


async def forged_click(fake, member, message, custom_id):
    """A click on a message ``member`` cannot see (someone else's ephemeral preview), as a modified
    client could send it: ``fake.click`` refuses that, so the interaction is built by hand."""
    who, chan = fake.world.member(member), fake.world.channel(message.channel_id)
    data = fake.builder.component_data(message, custom_id, None, member=who, channel=chan)
    return await fake._send_interaction(MESSAGE_COMPONENT, who, chan, None, data, source_message=message)


# ---- when ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "key", "expected"),
    [
        ("2026-11-27 08:00", "when.error.in_past", "« 2026-11-27 08:00 » est déjà passé"),
        # 10:00 in Geneva is the clock's 09:00 UTC: now is not to come.
        ("2026-11-28 10:00", "when.error.in_past", "« 2026-11-28 10:00 » est déjà passé"),
        ("hier 9h", "when.error.in_past", "« hier 9h » est déjà passé"),
        ("2026-13-45 08:00", "when.error.unreadable", "Je ne comprends pas « 2026-13-45 08:00 »"),
        ("xyz 12:00", "when.error.unreadable", "Je ne comprends pas « xyz 12:00 »"),
        pytest.param(
            "n'importe quoi",
            "when.error.unreadable",
            "Je ne comprends pas « n'importe quoi »",
        ),
        ("vendredi", "when.error.no_time", "Précisez l’heure : « vendredi 9h » par exemple."),
        ("2028-01-01 09:00", "when.error.too_far", "« 2028-01-01 09:00 » est à plus d’un an"),
        ("dans 400 jours", "when.error.too_far", "« dans 400 jours » est à plus d’un an"),
    ],
)
async def test_a_bad_time_is_refused_before_the_form_opens(agora, fake, when, key, expected):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        refused = await refused_before_the_form(fake, when=when)
        assert expected in refused.content
        assert refused.content == fr(bot, key, value=when)
        await assert_nothing_stored_or_posted(bot, fake)


# ---- the form -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "force", "key", "values"),
    [
        pytest.param(
            {"body": "b" * 4001},
            True,
            "announce.error.body_too_long",
            {"limit": 4000, "length": 4001},
            id="body-4001",
        ),
        pytest.param(
            {"title": "T" * 257},
            True,
            "announce.error.title_too_long",
            {"limit": 256, "length": 257},
            id="title-257",
        ),
        pytest.param(
            {"footer": "f" * 2049},
            True,
            "announce.error.footer_too_long",
            {"limit": 2048, "length": 2049},
            id="footer-2049",
        ),
        pytest.param(
            {"title": "T" * 256, "body": "b" * 4000, "footer": "f" * 2048},
            False,
            "announce.error.embed_too_long",
            {"limit": 6000},
            id="embed-6304",
        ),
        pytest.param({"title": "   "}, False, "announce.error.empty", {}, id="blank-title"),
        pytest.param({"body": " \n "}, False, "announce.error.empty", {}, id="blank-body"),
        pytest.param({"image": "ftp://example.org/a.png"}, False, "announce.error.image_url", {}, id="ftp"),
        pytest.param(
            {"image": "javascript:alert(1)"}, False, "announce.error.image_url", {}, id="javascript"
        ),
        pytest.param({"image": "not a url"}, False, "announce.error.image_url", {}, id="not-a-url"),
        pytest.param({"image": "https://"}, False, "announce.error.image_url", {}, id="no-host"),
        pytest.param(
            {"image": "https://example.org/a b.png"}, False, "announce.error.image_url", {}, id="space"
        ),
    ],
)
async def test_bad_text_in_the_form_is_refused_and_nothing_is_stored(agora, fake, fields, force, key, values):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        refused = await submit_form(fake, force=force, **fields)
        assert refused.callback.type == CHANNEL_MESSAGE
        assert refused.is_ephemeral and refused.embeds == [] and refused.components == []
        assert refused.content == fr(bot, key, **values)
        await assert_nothing_stored_or_posted(bot, fake)


async def test_form_refusals_are_clear_in_french(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        refused = await submit_form(fake, force=True, body="b" * 4001)
        assert refused.content == "Le texte fait 4001 caractères ; 4000 au plus."
        refused = await submit_form(fake, image="javascript:alert(1)")
        assert refused.content.startswith("L’image doit être une adresse http(s)")


async def test_an_http_image_and_the_longest_fields_are_accepted(agora, fake):
    """The limits are not too strict: exactly at each limit, and http as well as https."""
    async with agora.running() as bot:
        await fake.wait_for_commands()
        preview = await submit_form(fake, title="T" * 256, body="b" * 4000, image="http://example.org/a.png")
        assert preview.is_ephemeral and "Aperçu" in preview.content
        assert preview.embeds[0]["image"]["url"] == "http://example.org/a.png"
        (draft,) = await stored(bot, fake)
        assert draft.status == "draft" and len(draft.body) == 4000


async def test_editing_a_scheduled_announcement_with_bad_text_changes_nothing(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        announcement_id = await schedule(fake)
        before = await store(bot).get(announcement_id)
        edit = await fake.run_command("olivia", "announce edit", {"announcement": str(announcement_id)})
        modal = await edit.modal(timeout=10)
        for fields, key, values in [
            ({"body": "b" * 4001}, "announce.error.body_too_long", {"limit": 4000, "length": 4001}),
            ({"image": "ftp://example.org/a.png"}, "announce.error.image_url", {}),
        ]:
            refused = await fake.submit_modal("olivia", modal, modal_values(modal, **fields), force=True)
            await refused.response(timeout=10)
            assert refused.is_ephemeral and refused.content == fr(bot, key, **values)
        assert await store(bot).get(announcement_id) == before


@pytest.mark.parametrize(
    ("when", "key"),
    [
        ("hier 9h", "when.error.in_past"),
        ("n'importe quoi 9h", "when.error.unreadable"),
        ("vendredi", "when.error.no_time"),
        ("2028-01-01 09:00", "when.error.too_far"),
    ],
)
async def test_editing_a_scheduled_announcement_to_a_bad_time_is_refused_before_the_form(
    agora, fake, when, key
):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        announcement_id = await schedule(fake)
        before = await store(bot).get(announcement_id)
        refused = await refused_before_the_form(
            fake, command="announce edit", announcement=str(announcement_id), when=when
        )
        assert refused.content == fr(bot, key, value=when)
        assert await store(bot).get(announcement_id) == before


# ---- channels -----------------------------------------------------------------------------------


async def test_a_channel_the_bot_cannot_post_in_is_refused(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        channel = fake.channel("lecture-seule")
        refused = await refused_before_the_form(fake, channel=channel.id)
        problem = fr(bot, "config.problem.cannot_send")
        assert refused.content == fr(
            bot, "announce.error.cannot_post", channel=f"<#{channel.id}>", problem=problem
        )
        assert refused.content == (
            f"Impossible de publier dans <#{channel.id}> : Agora ne peut pas y écrire. "
            "Rien n’a été enregistré."
        )
        await assert_nothing_stored_or_posted(bot, fake, "lecture-seule")


async def test_a_channel_where_the_bot_cannot_embed_is_refused(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await fake.set_overwrite("général", fake.role("Agora"), deny=Perm.EMBED_LINKS)
        general = fake.channel("général")
        refused = await refused_before_the_form(fake)  # default: the channel the command is used in
        problem = fr(bot, "config.problem.cannot_embed")
        assert refused.content == fr(
            bot, "announce.error.cannot_post", channel=f"<#{general.id}>", problem=problem
        )
        assert "intégrer" in refused.content
        await assert_nothing_stored_or_posted(bot, fake)


async def test_a_thread_where_the_bot_cannot_open_one_is_refused(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await fake.set_overwrite("général", fake.role("Agora"), deny=Perm.CREATE_PUBLIC_THREADS)
        general = fake.channel("général")
        refused = await refused_before_the_form(fake, thread=True)
        problem = fr(bot, "config.problem.cannot_thread")
        assert refused.content == fr(
            bot, "announce.error.cannot_post", channel=f"<#{general.id}>", problem=problem
        )
        await assert_nothing_stored_or_posted(bot, fake)
        # Without a thread the same channel is fine: the form opens.
        opened = await fake.run_command("olivia", "announce compose", {"thread": False})
        await opened.modal(timeout=10)


# ---- roles and pings ----------------------------------------------------------------------------


async def test_an_organiser_without_mention_everyone_cannot_pick_a_role_that_is_not_mentionable(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await without_mention_everyone(fake)
        quiet = await fake.add_role("Comité", mentionable=False)
        refused = await refused_before_the_form(fake, role=quiet)
        assert refused.content == fr(bot, "announce.error.role_not_allowed", role=f"<@&{quiet.id}>")
        assert refused.content.startswith(f"Vous ne pouvez pas mentionner <@&{quiet.id}> :")
        assert not refused.message.pings_anyone
        await assert_nothing_stored_or_posted(bot, fake)


async def test_an_organiser_without_mention_everyone_cannot_pick_everyone(agora, fake):
    everyone = fake.role("@everyone")
    assert everyone.id == fake.guild.id
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await without_mention_everyone(fake)
        refused = await refused_before_the_form(fake, role=everyone)
        # How @everyone is written in it is pinned by the next test.
        assert refused.content in (
            fr(bot, "announce.error.role_not_allowed", role="@everyone"),
            fr(bot, "announce.error.role_not_allowed", role=f"<@&{everyone.id}>"),
        )
        assert not refused.message.pings_anyone and not refused.message.mention_everyone
        await assert_nothing_stored_or_posted(bot, fake)


EVERYONE_AS_ROLE_MENTION = (
    "cogs/announcements/cog.py check_options: the refusals role_not_allowed / bot_cannot_ping are "
    "given role=role.mention, and discord.py 2.7's Role.mention is '<@&id>' even for the default "
    "role, so @everyone is written '<@&guild_id>' (shown '@@everyone' by Discord) instead of "
    "'@everyone'"
)


async def test_a_refusal_about_everyone_names_it_everyone(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await without_mention_everyone(fake)
        refused = await refused_before_the_form(fake, role=fake.role("@everyone"))
        assert refused.content == fr(bot, "announce.error.role_not_allowed", role="@everyone")


async def test_a_role_the_bot_itself_cannot_ping_is_refused(agora, fake):
    """Olivia may mention anyone (the fake's organisers can), but Agora lacks the permission."""
    async with agora.running() as bot:
        await fake.wait_for_commands()
        quiet = await fake.add_role("Comité", mentionable=False)
        general = fake.channel("général")
        refused = await refused_before_the_form(fake, role=quiet)
        assert refused.content == fr(
            bot, "announce.error.bot_cannot_ping", role=f"<@&{quiet.id}>", channel=f"<#{general.id}>"
        )
        await assert_nothing_stored_or_posted(bot, fake)


async def test_an_admin_may_ping_everyone_once_the_bot_may(agora, fake):
    everyone = fake.role("@everyone")
    async with agora.running() as bot:
        await fake.wait_for_commands()
        general = fake.channel("général")
        refused = await refused_before_the_form(fake, member="adam", role=everyone)
        assert refused.content in (
            fr(bot, "announce.error.bot_cannot_ping", role=name, channel=f"<#{general.id}>")
            for name in ("@everyone", f"<@&{everyone.id}>")  # see EVERYONE_AS_ROLE_MENTION
        )
        await assert_nothing_stored_or_posted(bot, fake)

        await fake.set_role_permissions("Agora", fake.role("Agora").permissions | Perm.MENTION_EVERYONE)
        preview = await submit_form(
            fake, member="adam", options={"role": everyone}, body="@here et <@&1> : venez !"
        )
        assert preview.is_ephemeral and "mentionne @everyone" in preview.content
        assert not preview.message.pings_anyone
        publish = await press(fake, "adam", preview, "Publier")
        await publish.final_message(timeout=10, predicate=lambda m: "publiée" in m.content)
        (post,) = posts(fake)
        assert post.content == "@everyone"
        assert post.mention_everyone and post.pings_anyone
        assert post.allowed_mentions["parse"] == ["everyone"]
        assert not post.allowed_mentions.get("roles") and not post.allowed_mentions.get("users")
        assert post.mention_roles == [] and post.mentions == []


async def test_mentions_typed_in_the_body_ping_only_the_chosen_role(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await without_mention_everyone(fake)
        veille = await fake.add_role("Veille", mentionable=True)
        other = await fake.add_role("Autres", mentionable=True)
        alice = fake.member("alice")
        body = f"@everyone @here <@&{other.id}> <@{alice.id}> <@!{alice.id}> venez !"
        preview = await submit_form(fake, options={"role": veille}, body=body)
        assert preview.is_ephemeral and not preview.message.pings_anyone
        publish = await press(fake, "olivia", preview, "Publier")
        await publish.final_message(timeout=10, predicate=lambda m: "publiée" in m.content)
        (post,) = posts(fake)
        assert post.embeds[0]["description"] == body  # shown as written...
        assert post.content == f"<@&{veille.id}>"  # ...but only the chosen role is pinged
        assert post.mention_roles == [veille.id]
        assert post.mentions == [] and not post.mention_everyone
        assert post.allowed_mentions["parse"] == [] and post.allowed_mentions["roles"] == [veille.id]
        assert post.allowed_mentions.get("users") in (None, [])
        (done,) = await stored(bot, fake)
        assert done.status == "done" and done.role_id == veille.id


async def test_mentions_typed_in_the_body_ping_nobody_without_a_role(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await fake.set_role_permissions("Agora", fake.role("Agora").permissions | Perm.MENTION_EVERYONE)
        organisers, alice = fake.role("Organisateurs"), fake.member("alice")
        body = f"@everyone @here <@&{organisers.id}> <@{alice.id}>"
        preview = await submit_form(fake, title=f"@everyone {TITLE}", body=body, footer="@here")
        await press(fake, "olivia", preview, "Publier")
        post = await fake.wait_for_message("général", lambda m: bool(m.embeds) and m.author_id == fake.bot.id)
        assert post.content == ""
        assert not post.pings_anyone and post.mention_roles == [] and post.mentions == []
        assert post.allowed_mentions["parse"] == []


# ---- members ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("announce compose", {}),
        ("announce compose", {"when": "demain 9h", "channel": "annonces"}),
        ("announce list", {}),
        ("announce cancel", {"announcement": "1"}),
        ("announce edit", {"announcement": "1"}),
    ],
)
async def test_a_member_cannot_use_announce(agora, fake, command, options):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        announcement_id = await schedule(fake)
        assert announcement_id == 1
        before = await stored(bot, fake)
        refused = await fake.run_command("alice", command, options, force=True)
        callback = await refused.response(timeout=10)
        assert callback.type == CHANNEL_MESSAGE
        assert refused.is_ephemeral and refused.embeds == []
        assert refused.content == "Cette action est réservée aux organisateurs."
        assert await stored(bot, fake) == before
        assert bot_posts(fake) == [] and bot_posts(fake, "annonces") == []


async def test_refusals_for_a_member_are_in_english_for_bob(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        refused = await fake.run_command("bob", "announce compose", force=True)
        await refused.response(timeout=10)
        assert refused.is_ephemeral and refused.content == "Only organisers can do this."


@pytest.mark.parametrize("label", ["Publier", "Modifier", "Annuler"])
async def test_a_member_cannot_press_the_buttons_of_an_organisers_preview(agora, fake, label):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        preview = await submit_form(fake)
        custom_id = buttons(preview.message)[label]
        # The client shows alice nothing: the preview is olivia's ephemeral message.
        with pytest.raises(InvalidInteraction):
            await fake.click("alice", preview.message, custom_id)
        forged = await forged_click(fake, "alice", preview.message, custom_id)
        callback = await forged.response(timeout=10)
        assert callback.type == CHANNEL_MESSAGE
        assert forged.is_ephemeral and forged.content == fr(bot, "announce.error.not_yours")
        assert forged.content == "Cette annonce n’est pas la vôtre."
        (draft,) = await stored(bot, fake)
        assert draft.status == "draft"
        assert posts(fake) == []
        assert buttons(preview.message)  # olivia's preview is untouched
        # Olivia still can.
        publish = await press(fake, "olivia", preview, "Publier")
        await publish.final_message(timeout=10, predicate=lambda m: "publiée" in m.content)
        assert len(posts(fake)) == 1


# ---- unknown announcements ----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["announce cancel", "announce edit"])
@pytest.mark.parametrize(
    "value",
    [
        "123",
        "abc",
        "-1",
        "1.0",
        pytest.param("9" * 25, id="25-digits"),
        pytest.param("²", id="superscript-two"),
    ],
)
async def test_an_unknown_announcement_is_refused(agora, fake, command, value):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await schedule(fake)
        before = await stored(bot, fake)
        refused = await refused_before_the_form(fake, command=command, announcement=value)
        assert refused.content == fr(bot, "announce.error.unknown")
        assert refused.content == "Je ne trouve pas cette annonce. Choisissez-la dans la liste proposée."
        assert await stored(bot, fake) == before


@pytest.mark.parametrize("command", ["announce cancel", "announce edit"])
async def test_drafts_and_handled_announcements_are_not_pending_ones(agora, fake, clock, command):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        draft = await submit_form(fake, title="Brouillon")
        draft_id = buttons_id(draft)
        published = await submit_form(fake, title="Publiée")
        await press(fake, "olivia", published, "Publier")
        cancelled_id = await schedule(fake, title="Annulée")
        cancel = await fake.run_command("olivia", "announce cancel", {"announcement": str(cancelled_id)})
        await cancel.response(timeout=10)
        before = await stored(bot, fake)
        assert sorted(a.status for a in before) == ["cancelled", "done", "draft"]
        for announcement in (draft_id, buttons_id(published), str(cancelled_id)):
            refused = await refused_before_the_form(fake, command=command, announcement=announcement)
            assert refused.content == fr(bot, "announce.error.unknown")
        assert await stored(bot, fake) == before
        await step(bot)
        assert len(posts(fake)) == 1


# ---- English ------------------------------------------------------------------------------------


async def test_refusals_are_in_english_for_an_english_speaking_organiser(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await fake.set_member_roles("bob", ["Organisateurs"])
        refused = await refused_before_the_form(fake, member="bob", when="yesterday 9am")
        assert refused.content == "“yesterday 9am” has already passed: pick a future time."
        refused = await refused_before_the_form(fake, member="bob", when="friday")
        assert refused.content == en(bot, "when.error.no_time", value="friday")
        channel = fake.channel("lecture-seule")
        refused = await refused_before_the_form(fake, member="bob", channel=channel.id)
        assert refused.content == (
            f"Cannot post in <#{channel.id}>: Agora cannot send messages there. Nothing was saved."
        )
        refused = await submit_form(fake, member="bob", force=True, body="b" * 4001)
        assert refused.is_ephemeral and refused.content == "The text is 4001 characters long; 4000 at most."
        refused = await submit_form(fake, member="bob", image="not a url")
        assert refused.content == en(bot, "announce.error.image_url")
        await without_mention_everyone(fake)
        quiet = await fake.add_role("Comité", mentionable=False)
        refused = await refused_before_the_form(fake, member="bob", role=quiet)
        assert refused.content.startswith(f"You cannot ping <@&{quiet.id}>:")
        await assert_nothing_stored_or_posted(bot, fake, "lecture-seule")


async def test_editing_a_preview_with_bad_text_leaves_the_draft_as_it_was(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        preview = await submit_form(fake)
        (before,) = await stored(bot, fake)
        edit = await fake.click("olivia", preview.message, buttons(preview.message)["Modifier"])
        modal = await edit.modal(timeout=10)
        refused = await fake.submit_modal("olivia", modal, modal_values(modal, title="T" * 257), force=True)
        await refused.response(timeout=10)
        assert refused.is_ephemeral
        assert refused.content == fr(bot, "announce.error.title_too_long", limit=256, length=257)
        assert await stored(bot, fake) == [before]
        assert preview.message.embeds[0]["title"] == TITLE and buttons(preview.message)
        assert posts(fake) == []


# ---- bugs found ---------------------------------------------------------------------------------


async def test_publishing_at_once_after_a_pause_at_the_preview_is_not_called_late(agora, fake, clock):
    async with agora.running():
        await fake.wait_for_commands()
        preview = await submit_form(fake)
        clock.advance(minutes=10)  # reading the preview, asking a colleague...
        publish = await press(fake, "olivia", preview, "Publier")
        await publish.final_message(timeout=10, predicate=lambda m: "publiée" in m.content)
        (post,) = posts(fake)
        assert "retard" not in post.content and "hors ligne" not in post.content


# Discord checks an embed's image URL more strictly than rules.check_content: the fake, like
# Discord's validator, wants the text to start with "http://" or "https://", while
# urlsplit("HTTPS://…").scheme is "https" (lower-cased), so the bot lets the URL through.
REFUSED_URL = "HTTPS://example.org/a.png"


async def test_an_image_url_discord_refuses_gets_a_clear_answer_and_stores_nothing(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        submit = await submit_form(fake, image=REFUSED_URL)
        assert submit.is_ephemeral
        if "Aperçu" not in submit.content:  # either shown (URL normalised) or refused clearly
            assert submit.content == fr(bot, "announce.error.image_url")
            assert await stored(bot, fake) == []


async def test_an_image_address_discord_would_refuse_is_refused_at_edit_and_blocks_nothing(
    agora, fake, clock
):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        bad_id = await schedule(fake, when="2h", title="Mal formée")
        await schedule(fake, when="3h", title="Correcte")
        edit = await fake.run_command("olivia", "announce edit", {"announcement": str(bad_id)})
        modal = await edit.modal(timeout=10)
        changed = await fake.submit_modal("olivia", modal, modal_values(modal, image=REFUSED_URL))
        await changed.response(timeout=10)
        assert changed.is_ephemeral and changed.content == fr(bot, "announce.error.image_url")
        assert (await store(bot).get(bad_id)).image_url is None
        clock.advance(hours=3)
        await step(bot)
        assert sorted(p.embeds[0]["title"] for p in posts(fake)) == ["Correcte", "Mal formée"]
