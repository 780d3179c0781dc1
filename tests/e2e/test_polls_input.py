"""Poll creation from the modal and the topic library, and every bad input refused cleanly."""

from __future__ import annotations

import pytest

from tests.e2e.polls_helpers import create_poll, custom_ids, poll_message, vote


def bot_posts(fake, channel="général"):
    return [m for m in fake.messages(channel) if m.author_id == fake.bot.id]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"options": "Oui"}, "Il faut au moins 2 réponses"),
        ({"options": ";".join(f"R{n}" for n in range(21))}, "21 réponses, c’est trop : 20 au plus."),
        ({"options": "Oui;;Non"}, "Une des réponses est vide"),
        ({"options": "Oui; OUI"}, "La réponse « OUI » figure deux fois."),
        ({"options": "Oui; " + "n" * 81}, "est trop longue : 80 caractères au plus"),
        ({"duration": "-3h"}, "La durée doit être positive."),
        ({"duration": "la semaine prochaine"}, "Durée illisible"),
        ({"duration": "100d"}, "Un sondage dure au plus 90 jours."),
        ({"duration": "2020-01-01 10:00"}, "Cette date est déjà passée."),
        ({"choices": 4}, "Le nombre de choix doit être compris entre 1 et 3."),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_created(agora, fake, options, expected):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        interaction = await create_poll(fake, **options)
        assert interaction.is_ephemeral
        assert expected in interaction.content
        assert bot_posts(fake) == []
        assert await bot.database.fetch_all("SELECT id FROM polls") == []


async def test_a_question_over_300_characters_cannot_even_be_sent(agora, fake):
    from tests.fake_discord import InvalidInteraction

    async with agora.running():
        await fake.wait_for_commands()
        with pytest.raises(InvalidInteraction):
            await create_poll(fake, question="q" * 301)


async def test_a_channel_the_bot_cannot_post_in_is_refused(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        interaction = await create_poll(fake, channel=fake.channel("lecture-seule").id, locale="en-US")
        assert "Agora cannot send messages there" in interaction.content
        assert await bot.database.fetch_all("SELECT id FROM polls") == []


async def test_without_options_a_modal_asks_one_per_line(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        opened = await fake.run_command("alice", "poll create", {"question": "Quel format ?"}, locale="fr")
        modal = await opened.modal()
        assert modal.title == "Nouveau sondage"
        submitted = await fake.submit_modal(
            "alice",
            opened,
            {
                "poll:modal:question": "Quel format pour la prochaine matinée ?",
                "poll:modal:options": "Conférence\nAtelier\n\nTable ronde\n",
            },
        )
        await submitted.response()
        assert submitted.content.startswith("Une des réponses est vide")
        submitted = await fake.submit_modal(
            "alice",
            opened,
            {
                "poll:modal:question": "Quel format pour la prochaine matinée ?",
                "poll:modal:options": "Conférence\nAtelier\nTable ronde",
            },
        )
        await submitted.final_message(timeout=10)
        assert submitted.content.startswith("📊 Sondage publié")
        message = poll_message(fake)
        assert "Quel format pour la prochaine matinée ?" in message.embeds[0]["description"]
        assert len(custom_ids(message)) == 3


async def test_a_topic_from_the_library_is_posted_and_not_repeated_soon(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        themes = await fake.autocomplete("alice", "poll topic", focused="theme", value="reseaux")
        assert themes and themes[0]["value"] == "reseaux_entreprise"
        library = bot.get_cog("PollsCog").library
        count = len([t for t in library.topics if t.theme == "reseaux_entreprise"])
        questions = []
        for _ in range(count):
            interaction = await fake.run_command("alice", "poll topic", {"theme": "reseaux_entreprise"})
            await interaction.final_message(timeout=10)
            questions.append(poll_message(fake).embeds[0]["description"].split("**")[1])
        assert len(set(questions)) == count  # every topic of the theme once before any repeats
        unknown = await fake.run_command("alice", "poll topic", {"theme": "cuisine"})
        await unknown.response()
        assert unknown.content.startswith("Thème inconnu")


async def test_list_shows_open_polls_with_their_deadline(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        empty = await fake.run_command("alice", "poll list")
        await empty.response()
        assert empty.content == "Aucun sondage ouvert pour l’instant."
        await create_poll(fake, duration="3d")
        listed = await fake.run_command("alice", "poll list")
        await listed.response()
        assert "Quel réseau pour la communauté ?" in listed.embeds[0]["description"]
        assert "<t:" in listed.embeds[0]["description"]


async def test_a_vote_on_an_unknown_option_or_poll_is_refused(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        await create_poll(fake)
        message = poll_message(fake)
        await vote(fake, "alice", message, 0)
        results = await fake.run_command("alice", "poll results", {"poll": "999"})
        await results.response()
        assert results.content.startswith("Sondage introuvable")
