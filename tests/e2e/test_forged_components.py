"""Buttons and forms nobody should be able to press still get an answer: a polite refusal, never the
apology and never "This interaction failed".

A modified client can send any custom_id; Discord normally only lets through those on the message, so
each forged click is sent both ways: with the message as stored, and with the forged button shown on
it (`on_message=True`), as if Discord had not checked.
"""

from __future__ import annotations

import logging

import pytest

from tests.e2e.feeds_helpers import article
from tests.e2e.polls_helpers import create_poll, poll_id, poll_message, vote
from tests.feed_server import rss

STALE_FR = "Ce bouton n’est plus valide : relancez la commande qui l’a affiché si besoin."
STALE_EN = "This button is no longer valid: run the command that showed it again if needed."
STALE_FORM_FR = "Ce formulaire n’est plus valide : rouvrez-le pour recommencer."
STALE_FORM_EN = "This form is no longer valid: open it again to start over."
UNKNOWN_OPTION = "Cette réponse ne fait pas partie du sondage : votre vote n’a pas été pris en compte."
FORTY_DIGITS = "1" * 40
PAST_64_BITS = str(2**63)


@pytest.fixture(autouse=True)
def no_unexpected_errors(caplog):
    """None of these clicks is an error of Agora's: nothing is logged as unexpected, nothing dropped."""
    caplog.set_level(logging.INFO)
    yield
    for record in caplog.records:
        message = record.getMessage()
        assert "unexpected error" not in message, message
        assert not message.startswith("Ignoring exception"), message


async def answer_to(click):
    """The bot's first answer to a click (well within Discord's 3 seconds): private, with its text."""
    await click.response(timeout=3)
    assert click.is_ephemeral
    assert click.rejections == []
    return click.content


async def stored_votes(bot):
    return [tuple(row) for row in await bot.database.fetch_all("SELECT poll_id, position FROM poll_votes")]


@pytest.mark.parametrize("on_message", [False, True], ids=["as-stored", "shown-on-message"])
async def test_a_vote_past_the_polls_options_is_refused_and_nothing_is_stored(agora, fake, on_message):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await create_poll(fake)  # three options
        message = poll_message(fake)
        click = await fake.forge_click("alice", message, f"poll:{poll_id(message)}:25", on_message=on_message)
        # Shown on the message, the vote button's own refusal; otherwise nothing of Agora's has it.
        assert await answer_to(click) == (UNKNOWN_OPTION if on_message else STALE_FR)
        assert await stored_votes(bot) == []


@pytest.mark.parametrize("on_message", [False, True], ids=["as-stored", "shown-on-message"])
@pytest.mark.parametrize(
    "custom_id",
    [
        f"poll:{FORTY_DIGITS}:0",
        f"poll:{PAST_64_BITS}:0",
        f"poll:{PAST_64_BITS}:close",
        f"announce:{PAST_64_BITS}:publish",
        f"feedback:open:{FORTY_DIGITS}",
        f"feedback:open:{PAST_64_BITS}",
        "poll:١:0",  # Arabic-Indic digit one: not an id Agora writes
    ],
)
async def test_ids_past_64_bits_get_the_stale_answer(agora, fake, custom_id, on_message):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await create_poll(fake)
        click = await fake.forge_click("alice", poll_message(fake), custom_id, on_message=on_message)
        assert await answer_to(click) == STALE_FR
        assert await stored_votes(bot) == []


@pytest.mark.parametrize(("locale", "expected"), [("fr", STALE_FR), ("en-US", STALE_EN)])
async def test_a_custom_id_matching_nothing_is_no_longer_valid(agora, fake, locale, expected):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake)
        click = await fake.forge_click("alice", poll_message(fake), "nope:1", on_message=True, locale=locale)
        assert await answer_to(click) == expected


async def test_a_select_matching_nothing_is_no_longer_valid(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake)
        click = await fake.forge_click(
            "alice", poll_message(fake), "nope:select", component_type=3, values=["a"], on_message=True
        )
        assert await answer_to(click) == STALE_FR


async def test_a_feed_offer_button_after_a_restart_is_no_longer_valid(agora, fake, feed_server):
    async with agora.running():
        await fake.wait_for_commands()
        interaction = await fake.run_command("olivia", "feed add", {"url": feed_server.url("/page")})
        [offer] = await interaction.followups(count=1, timeout=20)
        button = offer.components[0]["components"][0]["custom_id"]
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        click = await fake.click("olivia", offer, button, locale="en-US")
        assert await answer_to(click) == STALE_EN
        assert await bot.database.fetch_all("SELECT id FROM feeds") == []


async def test_a_form_matching_nothing_is_no_longer_valid(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        submitted = await fake.forge_modal_submit("alice", "nope:form", {"answer": "Bonjour"})
        assert await answer_to(submitted) == STALE_FORM_FR
        submitted = await fake.forge_modal_submit("alice", "nope:form", locale="en-US")
        assert await answer_to(submitted) == STALE_FORM_EN


async def test_a_poll_form_opened_before_a_restart_is_no_longer_valid(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        opened = await fake.run_command("alice", "poll create", {"question": "Quel format ?"})
        await opened.modal()
    async with agora.running() as bot:
        await fake.wait_until_ready(count=2)
        options = {"poll:modal:question": "Quel format ?", "poll:modal:options": "Conférence\nAtelier"}
        submitted = await fake.submit_modal("alice", opened, options)
        assert await answer_to(submitted) == STALE_FORM_FR
        assert await bot.database.fetch_all("SELECT id FROM polls") == []


async def test_a_real_vote_gets_only_its_own_answer(agora, fake, caplog):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await create_poll(fake)
        message = poll_message(fake)
        click = await vote(fake, "alice", message, 1)
        assert (await answer_to(click)).startswith("✅ Votre vote est enregistré")
        assert await stored_votes(bot) == [(poll_id(message), 1)]
    # The stale check runs as the click is routed, before any answer: had it misjudged, it said so.
    assert not [r for r in caplog.records if r.name == "stale_components"]


async def everything_said(interaction) -> list[str]:
    """The text of each answer to an interaction: its own response and every follow-up."""
    said = [interaction.content] if interaction.message is not None else []
    return said + [message.content for message in await interaction.followups(count=0)]


async def test_a_live_feed_offer_button_gets_only_its_own_answer(agora, fake, feed_server, caplog):
    feed_server.set_feed("/feed/", rss([article(1)]))
    async with agora.running() as bot:
        await fake.wait_for_commands()
        interaction = await fake.run_command("olivia", "feed add", {"url": feed_server.url("/page")})
        [offer] = await interaction.followups(count=1, timeout=20)
        click = await fake.click("olivia", offer, offer.components[0]["components"][0]["custom_id"])
        # The view stops itself before it answers: it is no longer in discord.py's store by then.
        [answer] = await click.followups(count=1, timeout=20)
        assert answer.content.startswith("✅ Agora suit désormais")
        assert click.rejections == []
        assert len(await bot.database.fetch_all("SELECT id FROM feeds")) == 1
        assert not [text for text in await everything_said(click) if "plus valide" in text]
    assert not [r for r in caplog.records if r.name == "stale_components"]


async def test_a_poll_form_gets_only_its_own_answer(agora, fake, caplog):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        opened = await fake.run_command("alice", "poll create", {"question": "Quel format ?"})
        await opened.modal()
        options = {"poll:modal:question": "Quel format ?", "poll:modal:options": "Conférence\nAtelier"}
        submitted = await fake.submit_modal("alice", opened, options)
        await submitted.final_message(timeout=10)
        assert submitted.is_ephemeral
        assert submitted.rejections == []
        assert len(await bot.database.fetch_all("SELECT id FROM polls")) == 1
        assert not [text for text in await everything_said(submitted) if "plus valide" in text]
    assert not [r for r in caplog.records if r.name == "stale_components"]
