"""The foundation, driven as a member would: startup, sync, languages, ranks, errors, restarts."""

from __future__ import annotations

import logging
import re

from tests.e2e.faulty_extension import SECRET_DETAIL

FAULTY = "tests.e2e.faulty_extension"


async def test_bot_starts_and_syncs_its_commands_to_the_guild(agora, fake):
    async with agora.running():
        commands = await fake.wait_for_commands()
        names = {command["name"] for command in commands}
        assert {"about", "config"} <= names
        assert fake.sync_counts == {fake.guild.id: 1}


async def test_commands_carry_french_names_and_descriptions(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        about = fake.command("about")
        assert about["name_localizations"]["fr"] == "apropos"
        assert about["description_localizations"]["fr"].startswith("Ce qu’est Agora")
        config = fake.command("config")
        assert int(config["default_member_permissions"]) & (1 << 5)  # manage_guild: hidden from members


async def test_restart_without_changes_does_not_sync_again(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
    async with agora.running():
        await fake.wait_until_ready(count=2)
    assert fake.identify_count == 2
    assert fake.sync_counts == {fake.guild.id: 1}
    assert not fake.find_requests("PUT", r"/commands$")[1:]


async def test_a_changed_command_tree_is_synced_again_on_restart(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
    async with agora.running(extra_extensions=[FAULTY]):
        await fake.wait_for_commands(syncs=2)
        assert "boom" in {command["name"] for command in fake.registered_commands()}
    assert fake.sync_counts == {fake.guild.id: 2}


async def test_about_answers_in_french_for_a_french_member(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        interaction = await fake.run_command("alice", "about", locale="fr")
        await interaction.response()
        assert interaction.is_ephemeral
        embed = interaction.embeds[0]
        field_names = [field["name"] for field in embed["fields"]]
        assert "En service depuis" in field_names
        assert "Latence" in field_names
        assert "matinée de conférences" in embed["description"]


async def test_about_answers_in_english_for_an_english_member(agora, fake, clock):
    async with agora.running():
        await fake.wait_for_commands()
        clock.advance(hours=2, minutes=5)
        interaction = await fake.run_command("bob", "about", locale="en-US")
        await interaction.response()
        fields = {field["name"]: field["value"] for field in interaction.embeds[0]["fields"]}
        assert fields["Up for"] == "2 h 5 min"
        assert "Version" in fields
        features = fields["What Agora does"]
        assert "waitlist, check-in and programme" in features and "questions live" in features


async def test_a_member_is_refused_config_in_their_language(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        # The member count Agora reads once connected (cogs/pulse/activity) is not the refusal's doing.
        await fake.wait_for(lambda: fake.find_requests("GET", r"^/guilds/\d+$"), what="the member count")
        before = len(fake.requests)
        interaction = await fake.run_command("alice", "config", locale="fr", force=True)
        await interaction.response()
        assert interaction.is_ephemeral
        assert interaction.content == "Cette action est réservée aux administrateurs du serveur."
        assert not interaction.embeds
        # the refusal was the only thing the bot did
        assert [r.method for r in fake.requests[before:] if "/callback" not in r.path] == []


async def test_an_organiser_is_refused_config_too(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        interaction = await fake.run_command("olivia", "config", locale="en-GB", force=True)
        await interaction.response()
        assert interaction.content == "Only server admins can do this."


async def test_config_shows_settings_without_the_token_and_checks_channels(agora, fake):
    async with agora.running(organiser_channel="lecture-seule"):
        await fake.wait_for_commands()
        interaction = await fake.run_command("adam", "config", locale="fr")
        await interaction.response()
        assert interaction.is_ephemeral
        fields = {field["name"]: field["value"] for field in interaction.embeds[0]["fields"]}
        settings_text = fields["Réglages en vigueur"]
        assert fake.token not in settings_text
        assert "••••••" in settings_text
        assert f"<@&{fake.role('Organisateurs').id}>" in fields["Rôle des organisateurs"]
        assert "✅" in fields["Rôle des organisateurs"]
        channels = fields["Salons utilisés"]
        assert "⚠️" in channels
        assert "Agora ne peut pas y écrire" in channels


async def test_config_reports_a_missing_role_and_channel(agora, fake):
    async with agora.running(organiser_role="Comité", organiser_channel="nulle-part"):
        await fake.wait_for_commands()
        interaction = await fake.run_command("adam", "config", locale="en-US")
        await interaction.response()
        fields = {field["name"]: field["value"] for field in interaction.embeds[0]["fields"]}
        assert "“Comité” was not found" in fields["Organiser role"]
        assert "“nulle-part” was not found" in fields["Channels in use"]


async def test_a_good_organiser_channel_passes_the_self_check(agora, fake):
    async with agora.running(organiser_channel="organisateurs"):
        await fake.wait_for_commands()
        interaction = await fake.run_command("adam", "config", locale="en-US")
        await interaction.response()
        fields = {field["name"]: field["value"] for field in interaction.embeds[0]["fields"]}
        assert fields["Channels in use"].startswith("✅")
        assert "all good" in fields["Channels in use"]


async def test_an_unexpected_exception_gives_an_apology_with_an_error_id(agora, fake, caplog):
    caplog.set_level(logging.ERROR, logger="errors")
    async with agora.running(extra_extensions=[FAULTY]):
        await fake.wait_for_commands()
        interaction = await fake.run_command("alice", "boom", locale="fr")
        await interaction.response()
        assert interaction.is_ephemeral
        assert SECRET_DETAIL not in interaction.content
        error_id = re.search(r"`([0-9a-f]{8})`", interaction.content).group(1)
        assert interaction.content.startswith("Désolé")
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert len(logged) == 1
    message = logged[0].getMessage()
    assert str(fake.member("alice").id) in message
    assert str(fake.channel("général").id) in message
    assert str(fake.guild.id) in message


async def test_an_exception_after_deferring_is_answered_in_a_followup(agora, fake):
    async with agora.running(extra_extensions=[FAULTY]):
        await fake.wait_for_commands()
        interaction = await fake.run_command("bob", "boom-after-defer", locale="en-US")
        [followup] = await interaction.followups(count=1)
        assert followup.is_ephemeral
        assert followup.content.startswith("Sorry, something went wrong")
        assert SECRET_DETAIL not in followup.content


async def test_a_user_error_is_answered_in_the_member_language(agora, fake):
    async with agora.running(extra_extensions=[FAULTY]):
        await fake.wait_for_commands()
        interaction = await fake.run_command("bob", "fixable", locale="en-US")
        await interaction.response()
        assert interaction.is_ephemeral
        assert interaction.content == "Only organisers can do this."


async def test_no_reply_pings_anyone(agora, fake):
    async with agora.running(extra_extensions=[FAULTY]):
        await fake.wait_for_commands()
        for member, command in [("alice", "about"), ("adam", "config"), ("bob", "boom")]:
            interaction = await fake.run_command(member, command)
            await interaction.response()
        callbacks = fake.find_requests("POST", r"/callback$")
        assert len(callbacks) == 3
        for request in callbacks:
            allowed = (request.json or {}).get("data", {}).get("allowed_mentions")
            assert allowed == {"parse": []}, request.json


async def test_a_restart_on_the_same_database_keeps_everything(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        version = await bot.database.user_version()
        state = [tuple(row) for row in await bot.database.fetch_all("SELECT key, value FROM bot_state")]
    assert state  # the sync was recorded
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        assert await bot.database.user_version() == version
        assert [
            tuple(row) for row in await bot.database.fetch_all("SELECT key, value FROM bot_state")
        ] == state


async def test_a_failing_button_gives_the_apology_not_interaction_failed(agora, fake):
    async with agora.running(extra_extensions=[FAULTY]):
        await fake.wait_for_commands()
        post = await fake.run_command("olivia", "faulty-components")
        await post.response()
        for custom_id in ("faulty:view", "faulty:dynamic:2"):
            click = await fake.click("alice", post, custom_id)
            await click.response()
            assert click.is_ephemeral
            assert click.content.startswith("Désolé")
            assert SECRET_DETAIL not in click.content


async def test_a_refusal_on_a_button_is_polite_and_localised(agora, fake):
    async with agora.running(extra_extensions=[FAULTY]):
        await fake.wait_for_commands()
        post = await fake.run_command("olivia", "faulty-components")
        await post.response()
        refused = await fake.click("bob", post, "faulty:dynamic:1", locale="en-US")
        await refused.response()
        assert refused.content == "Only organisers can do this."
        allowed = await fake.click("olivia", post, "faulty:dynamic:1")
        await allowed.response()
        assert allowed.content == "organiser ok"


async def test_buttons_keep_working_after_a_restart(agora, fake):
    async with agora.running(extra_extensions=[FAULTY]):
        await fake.wait_for_commands()
        post = await fake.run_command("olivia", "faulty-components")
        await post.response()
    async with agora.running(extra_extensions=[FAULTY]):
        await fake.wait_until_ready(count=2)
        click = await fake.click("olivia", post, "faulty:dynamic:1")
        await click.response()
        assert click.content == "organiser ok"


async def test_a_failing_modal_gives_the_apology(agora, fake):
    async with agora.running(extra_extensions=[FAULTY]):
        await fake.wait_for_commands()
        opened = await fake.run_command("bob", "faulty-modal", locale="en-US")
        await opened.modal()
        submitted = await fake.submit_modal("bob", opened, {"faulty:answer": "hello"}, locale="en-US")
        await submitted.response()
        assert submitted.is_ephemeral
        assert submitted.content.startswith("Sorry, something went wrong")


def command_text_length(payload) -> int:
    """What Discord counts against its 8000-character limit: names, descriptions, values, localisations."""
    if isinstance(payload, list):
        return sum(command_text_length(item) for item in payload)
    total = 0
    for key, value in payload.items():
        if key in ("name", "description", "value"):
            total += len(str(value))
        elif key in ("name_localizations", "description_localizations"):
            total += sum(len(text) for text in (value or {}).values())
        elif key in ("options", "choices"):
            total += command_text_length(value)
    return total


async def test_every_command_fits_discords_size_limit(agora, fake):
    async with agora.running():
        commands = await fake.wait_for_commands()
    sizes = {command["name"]: command_text_length(command) for command in commands}
    assert sizes["poll"] > 2000  # the count sees the localisations
    assert all(size <= 8000 for size in sizes.values()), sizes


async def test_agora_asks_discord_for_the_servers_message_events_without_their_content(agora, fake):
    # The server's message events, to count them (cogs/pulse/activity); never their content, nor DMs.
    # The edits Agora makes itself (a vote's count, a board) come back as MESSAGE_UPDATE, dropped
    # unparsed (agora/client.py).
    async with agora.running():
        (session,) = [s for s in fake.gateway.sessions.values() if s.ready]
    guilds, voice, events, guild_messages = 1 << 0, 1 << 7, 1 << 16, 1 << 9
    dm_messages, message_content, members = 1 << 12, 1 << 15, 1 << 1
    wanted = guilds | voice | events | guild_messages
    assert session.intents & wanted == wanted
    assert session.intents & (dm_messages | message_content | members) == 0
