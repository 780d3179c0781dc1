"""Bad input to an event's programme, refused clearly with nothing stored and the announcement left as
it was: times that overlap another session or fall outside the event, an eleventh session (also from
two organisers at once), a speaker who left the server or a bot, neither or both kinds of speaker,
forged forms and choices; mentions in titles never ping. The real bot against the fake Discord."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.programme_helpers import (
    add_id,
    add_session,
    answer,
    edit_id,
    form_id,
    form_values,
    open_form,
    open_panel,
    remove_id,
    remove_session,
    session_fields,
    shows_sessions,
    stored_sessions,
    submit,
)
from tests.e2e.registration_helpers import add_members, create_with_places

NOTHING = "Rien n’a été enregistré."


async def programme_of_two(fake, bot):
    """An event (08:30–11:30 in Geneva) whose programme is "Ouverture" 08:30–09:00 and "Keynote" from
    09:00 (no end: until the event ends); returns (event, announcement, panel, sessions)."""
    event, announcement = await create_with_places(fake)
    panel = await open_panel(fake, "olivia", event)
    await add_session(fake, "olivia", event, "Ouverture", "08:30", "09:00", guest="Anne", panel=panel)
    await add_session(fake, "olivia", event, "Keynote", "09:00", speaker="alice", panel=panel)
    announcement = await shows_sessions(fake, announcement, 2)
    return event, announcement, panel, await stored_sessions(bot, event)


async def refused(fake, panel, event, values, *, force=False, edit=None):
    """Fills in a new session's form (or, with `edit`, that session's) and returns the refusal."""
    custom_id, chosen = (add_id(event), None) if edit is None else (edit_id(event), [str(edit)])
    form = await open_form(fake, "olivia", panel, custom_id, chosen)
    _, shown = await submit(fake, "olivia", form, values, force=force)
    assert shown.is_ephemeral and shown.id != panel.message.id, shown.content
    return shown.content


@pytest.mark.parametrize(
    ("start", "end", "said"),
    [
        ("8:45", "", "chevaucherait « Ouverture » (<t:{opening}:t>–<t:{keynote}:t>)"),
        ("09:00", "9:30", "chevaucherait « Keynote »"),  # the same start
        ("8:00", "8:20", "avant le début de l’événement"),
        ("11:30", "", "quand l’événement est déjà terminé"),
        ("2026-12-04 09:00", "", "quand l’événement est déjà terminé"),
        ("10:00", "12:00", "après la fin de l’événement"),
        ("10:00", "9:50", "La fin (<t:"),
        ("demain", "", "Je ne comprends pas l’heure « demain »"),
    ],
)
async def test_times_that_do_not_fit_are_refused_and_nothing_is_stored(agora, fake, clock, start, end, said):
    async with agora.running() as bot:
        event, announcement, panel, sessions = await programme_of_two(fake, bot)
        opening, keynote = sessions
        values = form_values(title="Atelier", start=start, end=end, guest="Chloé")
        content = await refused(fake, panel, event, values)
        assert (
            said.format(opening=opening.starts_at, keynote=keynote.starts_at) in content
            and NOTHING in content
        )
        assert await stored_sessions(bot, event) == sessions
        assert fake.message(announcement.id).edits == announcement.edits


async def test_editing_a_session_into_another_is_refused_but_moving_it_within_its_own_times_is_not(
    agora, fake, clock
):
    async with agora.running() as bot:
        event, _, panel, (opening, keynote) = await programme_of_two(fake, bot)
        content = await refused(fake, panel, event, {"end": "9:30"}, edit=opening.id)
        assert "chevaucherait « Keynote »" in content
        assert await stored_sessions(bot, event) == [opening, keynote]
        form = await open_form(fake, "olivia", panel, edit_id(event), [str(opening.id)])
        _, shown = await submit(fake, "olivia", form, {"start": "8:45"})
        assert shown.id == panel.message.id
        assert (await stored_sessions(bot, event))[0].starts_at == opening.starts_at + 15 * 60


async def test_an_eleventh_session_is_refused_even_from_two_organisers_at_once(agora, fake, clock):
    async with agora.running() as bot:
        event, announcement = await create_with_places(fake)
        panel = await open_panel(fake, "olivia", event)
        for n in range(9):
            await add_session(
                fake, "olivia", event, f"Session {n + 1}", f"8:{30 + 2 * n}", guest="Anne", panel=panel
            )
        # Two forms open at nine sessions, sent at once: one is the tenth, the other is refused.
        first = await open_form(fake, "olivia", panel, add_id(event))
        second = await open_form(fake, "olivia", panel, add_id(event))
        records = await asyncio.gather(
            fake.submit_modal("olivia", first, form_values(title="Dixième", start="10:00", guest="Bruno")),
            fake.submit_modal("olivia", second, form_values(title="Onzième", start="10:30", guest="Chloé")),
        )
        shown = [await answer(fake, record) for record in records]
        full = "Le programme compte déjà 10 sessions, le maximum."
        assert sorted(full in s.content for s in shown) == [False, True]
        stored = await stored_sessions(bot, event)
        assert len(stored) == 10 and len({s.title for s in stored} & {"Dixième", "Onzième"}) == 1
        announcement = await shows_sessions(fake, announcement, 10)
        assert len(announcement.embeds[0]["fields"]) == 13

        # The panel's Add button is disabled at ten; a forged click on it is refused all the same.
        redrawn = fake.message(panel.message.id)
        assert redrawn.find_component(add_id(event))["disabled"] is True
        assert redrawn.embeds[0]["footer"]["text"] == "10 / 10 sessions : le programme est complet"
        click = await fake.forge_click("olivia", panel, add_id(event))
        assert full in (await answer(fake, click)).content and click.callback.type != 9
        assert len(await stored_sessions(bot, event)) == 10


async def test_speakers_who_left_or_are_bots_and_forms_with_neither_or_both_speakers_are_refused(
    agora, fake, clock
):
    (chloe,) = await add_members(fake, "chloe")
    async with agora.running() as bot:
        event, announcement, panel, sessions = await programme_of_two(fake, bot)
        await fake.remove_member(chloe)  # after the form's list of members was drawn
        left = await refused(
            fake,
            panel,
            event,
            {**form_values("Atelier", "10:00", guest=""), "speaker": [str(chloe.id)]},
            force=True,
        )
        assert f"<@{chloe.id}> n’est plus membre du serveur" in left
        a_bot = await refused(
            fake, panel, event, form_values("Atelier", "10:00", speaker=fake.bot.id, guest="")
        )
        assert f"<@{fake.bot.id}> est un bot" in a_bot
        neither = await refused(fake, panel, event, form_values("Atelier", "10:00", guest=""))
        assert neither.startswith("Indiquez l’intervenant·e")
        both = await refused(fake, panel, event, form_values("Atelier", "10:00", speaker="bob", guest="Anne"))
        assert both.startswith(
            "Choisissez un membre du serveur ou indiquez le nom d’un·e invité·e, pas les deux"
        )
        assert await stored_sessions(bot, event) == sessions
        assert fake.message(announcement.id).edits == announcement.edits


async def test_forged_or_empty_forms_and_choices_are_refused_and_nothing_is_stored(agora, fake, clock):
    async with agora.running() as bot:
        event, announcement, panel, sessions = await programme_of_two(fake, bot)
        other, _ = await create_with_places(fake, title="Un autre matin")
        empty = await refused(fake, panel, event, form_values(title="   ", start="10:00", guest="Anne"))
        assert empty == "Donnez un titre à la session. Rien n’a été enregistré."
        long = await refused(
            fake, panel, event, form_values(title="x" * 300, start="10:00", guest="Anne"), force=True
        )
        assert long.startswith("Le titre fait 300 caractères ; 100 au plus.")
        invalid = "Ce formulaire contient une valeur qu’il ne peut pas envoyer : rien n’a été enregistré."
        two = {**form_values("Atelier", "10:00", guest=""), "speaker": ["1", "2"]}
        assert await refused(fake, panel, event, two, force=True) == invalid
        wrong = {**form_values("Atelier", "10:00", guest=""), "speaker": ["１２"]}
        assert await refused(fake, panel, event, wrong, force=True) == invalid
        # A form lacking its inputs, and one naming an event Agora never made.
        for custom_id, said in (
            (form_id(event), invalid),
            (form_id(12345), "Ce formulaire n’est plus valide"),
        ):
            record = await fake.forge_modal_submit(
                "olivia", custom_id, {"title": "Atelier"}, message=panel.message.id
            )
            assert (await answer(fake, record)).content.startswith(said)
        # Choices naming another event's session, or no session at all.
        await add_session(fake, "olivia", other, "Ailleurs", "08:30", guest="Anne")
        (elsewhere,) = await stored_sessions(bot, other)
        gone = "Cette session n’est plus au programme"
        for value, said in ((str(elsewhere.id), gone), ("99", gone), ("abc", "Ce bouton n’est plus valide")):
            record = await fake.forge_click(
                "olivia", panel, remove_id(event), component_type=3, values=[value]
            )
            shown = await answer(fake, record)
            assert shown.is_ephemeral and shown.content.startswith(said), shown.content
        assert await stored_sessions(bot, event) == sessions
        assert await stored_sessions(bot, other) == [elsewhere]
        assert fake.message(announcement.id).edits == announcement.edits


async def test_mentions_and_markdown_in_titles_never_ping_and_show_as_typed(agora, fake, clock):
    alice = fake.member("alice")
    async with agora.running():
        event, announcement = await create_with_places(fake)
        panel = await open_panel(fake, "olivia", event)
        title = f"@everyone <@{alice.id}> **Bienvenue**"
        shown = await add_session(
            fake, "olivia", event, title, "08:30", "9:00", guest="@here _Anne_", panel=panel
        )
        assert (
            "@everyone" not in shown.embeds[0]["description"]
            and "\\*\\*Bienvenue\\*\\*" in shown.embeds[0]["description"]
        )
        (field,) = session_fields(await shows_sessions(fake, announcement, 1))
        assert field["name"] == f"@\u200beveryone <@\u200b{alice.id}> \\*\\*Bienvenue\\*\\*"
        assert field["value"].endswith(" · @\u200bhere \\_Anne\\_")
        message = fake.message(announcement.id)
        assert not message.pings_anyone and message.allowed_mentions == {"parse": []}
        clash = await refused(fake, panel, event, form_values("Atelier", "8:45", guest="Bruno"))
        assert f"« @\u200beveryone <@\u200b{alice.id}> \\*\\*Bienvenue\\*\\* »" in clash
        assert not fake.message(panel.message.id).pings_anyone


async def test_a_session_removed_while_another_organiser_edits_it_is_not_brought_back(agora, fake, clock):
    async with agora.running() as bot:
        event, announcement, panel, (opening, keynote) = await programme_of_two(fake, bot)
        form = await open_form(fake, "olivia", panel, edit_id(event), [str(opening.id)])
        other_panel = await open_panel(fake, "adam", event)
        await remove_session(fake, "adam", event, opening.id, panel=other_panel)
        await shows_sessions(fake, announcement, 1)
        _, shown = await submit(fake, "olivia", form, {"title": "Accueil"})
        assert shown.content.startswith("Cette session n’est plus au programme")
        assert await stored_sessions(bot, event) == [keynote]


async def test_a_forged_click_on_the_announcement_never_turns_it_into_the_panel(agora, fake, clock):
    async with agora.running() as bot:
        event, announcement, _, (opening, _) = await programme_of_two(fake, bot)
        asked = await fake.forge_click(
            "olivia",
            announcement,
            remove_id(event),
            component_type=3,
            values=[str(opening.id)],
            on_message=True,
        )
        question = await answer(fake, asked)
        assert question.is_ephemeral and question.id != announcement.id
        assert "**Ouverture**" in question.embeds[0]["description"]
        click = await fake.forge_click("olivia", announcement, add_id(event), on_message=True)
        form = await click.modal(timeout=10)
        _, shown = await submit(fake, "olivia", form, form_values("Atelier", "10:00", guest="Chloé"))
        assert (
            shown.is_ephemeral
            and shown.id != announcement.id
            and "**Atelier**" in shown.embeds[0]["description"]
        )
        after = await shows_sessions(fake, announcement, 3)
        assert after.embeds[0]["title"] == announcement.embeds[0]["title"]
        assert after.components == announcement.components
