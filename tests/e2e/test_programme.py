"""An event's programme end to end: an organiser adds, edits and removes sessions through the
`/event programme` panel; the announcement shows them (one field per session, Discord timestamps) and
follows each change; a member can neither open nor use the panel; the panel and a form opened before a
restart keep working; a called-off event's programme no longer changes; a speaker's data is exported
and forgotten. The real bot against the fake Discord, on the injected clock. (Bad input: in
test_programme_input.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.e2e.events_helpers import START, TITLE
from tests.e2e.privacy_helpers import export, forget
from tests.e2e.programme_helpers import (
    add_id,
    add_session,
    answer,
    back_id,
    drop_id,
    edit_id,
    edit_session,
    form_id,
    open_form,
    open_panel,
    remove_id,
    remove_session,
    session_fields,
    shows_sessions,
    stored_sessions,
    submit,
)
from tests.e2e.registration_helpers import add_members, create_with_places, registration_message, run

NEEDS_ORGANISER = "Cette action est réservée aux organisateurs."


def at(hour: int, minute: int = 0, day: int = 3) -> int:
    """Epoch seconds of a Geneva wall-clock time in December 2026 (UTC+1)."""
    return int((datetime(2026, 12, day, hour, minute, tzinfo=UTC) - timedelta(hours=1)).timestamp())


def pairs(message) -> list[tuple[str, str]]:
    return [(f["name"], f["value"]) for f in session_fields(message)]


async def test_an_organiser_adds_edits_and_removes_sessions_and_the_announcement_follows(agora, fake, clock):
    alice = fake.member("alice")
    async with agora.running() as bot:
        event, announcement = await create_with_places(fake)
        panel = await open_panel(fake, "olivia", event)
        assert panel.is_ephemeral and panel.message.allowed_mentions == {"parse": []}
        assert panel.embeds[0]["title"] == f"Programme — {TITLE}"
        assert "Aucune session pour l’instant" in panel.embeds[0]["description"]
        assert panel.message.custom_ids() == [add_id(event)]  # no menus without sessions

        shown = await add_session(
            fake, "olivia", event, "Ouverture", "08:30", guest="Anne Dupont", panel=panel
        )
        assert shown.id == panel.message.id  # the panel, redrawn in place
        assert (
            f"<t:{at(8, 30)}:t>–<t:{at(11, 30)}:t> · **Ouverture** · Anne Dupont"
            in (shown.embeds[0]["description"])
        )
        # Without an end, the only session runs until the event ends.
        one = await shows_sessions(fake, announcement, 1)
        assert pairs(one) == [("Ouverture", f"<t:{at(8, 30)}:t>–<t:{at(11, 30)}:t> · Anne Dupont")]
        assert one.embeds[0]["title"] == TITLE and one.embeds[0]["fields"][0]["name"] == "Quand"

        await add_session(
            fake, "olivia", event, "La marque employeur", "9h15", "10:00", speaker="alice", panel=panel
        )
        two = await shows_sessions(fake, announcement, 2)
        assert pairs(two) == [
            ("Ouverture", f"<t:{at(8, 30)}:t>–<t:{at(9, 15)}:t> · Anne Dupont"),  # until the next one starts
            ("La marque employeur", f"<t:{at(9, 15)}:t>–<t:{at(10)}:t> · <@{alice.id}>"),
        ]
        opening, talk = await stored_sessions(bot, event)
        assert (talk.speaker_id, talk.speaker_name, talk.ends_at) == (alice.id, None, at(10))
        assert set(panel.message.custom_ids()) == {add_id(event), edit_id(event), remove_id(event)}

        # Editing: the form comes filled in, speaker included; only what changes is typed again.
        form = await open_form(fake, "olivia", panel, edit_id(event), [str(talk.id)])
        inputs = form.inputs()
        assert (inputs["title"]["value"], inputs["start"]["value"], inputs["end"]["value"]) == (
            "La marque employeur",
            "09:15",
            "10:00",
        )
        assert [str(d["id"]) for d in inputs["speaker"]["default_values"]] == [str(alice.id)]
        _, shown = await submit(
            fake, "olivia", form, {"title": "La marque employeur en pratique", "end": "10:30"}
        )
        assert "**La marque employeur en pratique**" in shown.embeds[0]["description"]
        edited = await fake.wait_for(
            lambda: (
                pairs(fake.message(announcement.id))[1][0] == "La marque employeur en pratique"
                and fake.message(announcement.id)
            ),
            timeout=10,
            what="the announcement showing the edited session",
        )
        assert pairs(edited)[1][1] == f"<t:{at(9, 15)}:t>–<t:{at(10, 30)}:t> · <@{alice.id}>"

        # Removing asks first; "Keep it" goes back to the panel with nothing removed.
        asked = await fake.select("olivia", panel, remove_id(event), [str(opening.id)])
        question = await answer(fake, asked)
        assert (
            question.id == panel.message.id
            and "**Ouverture** · Anne Dupont" in question.embeds[0]["description"]
        )
        assert question.custom_ids() == [drop_id(event, opening.id), back_id(event)]
        kept = await answer(fake, await fake.click("olivia", question, back_id(event)))
        assert (
            "**Ouverture**" in kept.embeds[0]["description"] and len(await stored_sessions(bot, event)) == 2
        )

        removed = await remove_session(fake, "olivia", event, opening.id, panel=panel)
        assert "Ouverture" not in removed.embeds[0]["description"]
        last = await shows_sessions(fake, announcement, 1)
        assert pairs(last) == [
            ("La marque employeur en pratique", f"<t:{at(9, 15)}:t>–<t:{at(10, 30)}:t> · <@{alice.id}>")
        ]
        assert [s.id for s in await stored_sessions(bot, event)] == [talk.id]
        assert not fake.message(announcement.id).pings_anyone


async def test_the_panel_speaks_the_organiser_s_language_and_the_announcement_the_event_s(agora, fake, clock):
    english = await fake.add_member("erin", roles=["Organisateurs"], locale="en-US")
    async with agora.running():
        event, announcement = await create_with_places(fake)
        panel = await open_panel(fake, english, event)
        assert "No session yet" in panel.embeds[0]["description"]
        shown = await add_session(fake, english, event, "Welcome", "8:30", guest="Anne", panel=panel)
        assert shown.embeds[0]["footer"]["text"].startswith("1 / 10 sessions")
        assert shown.components[0]["components"][0]["label"] == "Add a session"
        one = await shows_sessions(fake, announcement, 1)
        assert one.embeds[0]["fields"][0]["name"] == "Quand"  # the announcement stays in French


async def test_a_member_can_neither_open_nor_use_the_panel(agora, fake, clock):
    async with agora.running() as bot:
        event, announcement = await create_with_places(fake)
        panel = await open_panel(fake, "olivia", event)
        await add_session(fake, "olivia", event, "Ouverture", "08:30", guest="Anne", panel=panel)
        (session,) = await stored_sessions(bot, event)
        await shows_sessions(fake, announcement, 1)
        edits = fake.message(announcement.id).edits

        refused = await run(fake, "alice", "event programme", {"event": str(event.id)})
        assert refused.is_ephemeral and refused.content == NEEDS_ORGANISER and refused.embeds == []

        # Forged clicks of the panel's buttons and menus, as if they were on a message alice can see.
        forged = [
            await fake.forge_click("alice", announcement, add_id(event), on_message=True),
            await fake.forge_click("alice", announcement, drop_id(event, session.id), on_message=True),
            await fake.forge_click(
                "alice",
                announcement,
                remove_id(event),
                component_type=3,
                values=[str(session.id)],
                on_message=True,
            ),
            await fake.forge_modal_submit(
                "alice",
                form_id(event, session.id),
                {"title": "Piraté", "guest": "x", "start": "9:00", "end": "", "speaker": ""},
            ),
        ]
        for record in forged:
            shown = await answer(fake, record)
            assert shown.is_ephemeral and shown.content == NEEDS_ORGANISER, (record, shown.content)
        assert await stored_sessions(bot, event) == [session]
        assert fake.message(announcement.id).edits == edits

        # An organiser who is one no longer: the panel she still has refuses her clicks.
        await fake.set_member_roles("olivia", [])
        click = await fake.click("olivia", panel, add_id(event))
        assert (await answer(fake, click)).content == NEEDS_ORGANISER and click.callback.type != 9
        assert await stored_sessions(bot, event) == [session]


async def test_the_panel_and_a_form_opened_before_a_restart_still_work(agora, fake, clock):
    async with agora.running() as bot:
        event, announcement = await create_with_places(fake)
        panel = await open_panel(fake, "olivia", event)
        await add_session(fake, "olivia", event, "Ouverture", "08:30", "09:00", guest="Anne", panel=panel)
        form = await open_form(fake, "olivia", panel, add_id(event))
    async with agora.running() as bot:
        _, shown = await submit(fake, "olivia", form, {"title": "Keynote", "guest": "Bruno", "start": "9:00"})
        assert shown.id == panel.message.id and "**Keynote** · Bruno" in shown.embeds[0]["description"]
        await shows_sessions(fake, announcement, 2)
        opening, _ = await stored_sessions(bot, event)
        edited = await edit_session(fake, "olivia", event, opening.id, panel=panel, title="Accueil")
        assert "**Accueil**" in edited.embeds[0]["description"]
        await remove_session(fake, "olivia", event, opening.id, panel=panel)
        last = await shows_sessions(fake, announcement, 1)
        assert pairs(last) == [("Keynote", f"<t:{at(9)}:t>–<t:{at(11, 30)}:t> · Bruno")]


async def test_a_called_off_event_keeps_its_programme_and_takes_no_change(agora, fake, clock):
    async with agora.running() as bot:
        event, announcement = await create_with_places(fake)
        panel = await open_panel(fake, "olivia", event)
        await add_session(fake, "olivia", event, "Ouverture", "08:30", guest="Anne", panel=panel)
        (session,) = await stored_sessions(bot, event)
        form = await open_form(fake, "olivia", panel, add_id(event))

        await fake.delete_scheduled_event(event)
        cancelled = await fake.wait_for(
            lambda: (
                fake.message(announcement.id).embeds[0]["title"].startswith("[Annulé]")
                and fake.message(announcement.id)
            ),
            timeout=10,
            what="the announcement called off",
        )
        assert pairs(cancelled) == [("Ouverture", f"<t:{at(8, 30)}:t>–<t:{at(11, 30)}:t> · Anne")]

        called_off = "Cet événement a été annulé : son programme ne se change plus."
        assert (await run(fake, "olivia", "event programme", {"event": str(event.id)})).content == called_off
        for record in (
            await fake.click("olivia", panel, add_id(event)),
            await fake.select("olivia", panel, remove_id(event), [str(session.id)]),
            await fake.submit_modal("olivia", form, {"title": "Après", "guest": "Bruno", "start": "10:00"}),
        ):
            assert (await answer(fake, record)).content == called_off
        assert await stored_sessions(bot, event) == [session]


async def test_an_event_made_in_discord_shows_its_programme_on_its_registration_message(agora, fake, clock):
    async with agora.running() as bot:
        event = await fake.create_scheduled_event("olivia", "Apéro", START, START + timedelta(hours=2))
        await fake.wait_for(
            lambda: bot.get_guild(fake.guild.id).get_scheduled_event(event.id), what="the event"
        )
        placed = await run(fake, "olivia", "event places", {"event": str(event.id), "places": 40})
        assert "**0 / 40** places" in placed.content
        message = await fake.wait_for(
            lambda: registration_message(fake, event.id), what="the registration message"
        )
        await add_session(fake, "olivia", event, "Tour de table", "8:30", guest="Anne")
        shown = await shows_sessions(fake, message, 1)
        assert pairs(shown) == [("Tour de table", f"<t:{at(8, 30)}:t>–<t:{at(10, 30)}:t> · Anne")]


async def test_a_speaker_s_talks_are_exported_and_forgetting_takes_their_name_off_the_programme(
    agora, fake, clock
):
    (chloe,) = await add_members(fake, "chloe")
    async with agora.running() as bot:
        event, announcement = await create_with_places(fake)
        await add_session(fake, "olivia", event, "La marque employeur", "9:00", "9:45", speaker=chloe)
        await shows_sessions(fake, announcement, 1)
        (talk,) = await stored_sessions(bot, event)
        document, _ = await export(fake, chloe)
        assert document["programme"] == {
            "speaking_at": [
                {
                    "event_id": str(event.id),
                    "event": TITLE,
                    "session_id": str(talk.id),
                    "title": "La marque employeur",
                    "starts_at": "2026-12-03T08:00:00Z",
                    "ends_at": "2026-12-03T08:45:00Z",
                }
            ]
        }
        answer_text = await forget(fake, chloe)
        assert "restent au programme de leur événement" in answer_text
        (session,) = await stored_sessions(bot, event)
        assert (session.title, session.speaker_id, session.speaker_name) == (
            "La marque employeur",
            None,
            None,
        )
        redrawn = await fake.wait_for(
            lambda: (
                f"<@{chloe.id}>" not in str(session_fields(fake.message(announcement.id)))
                and fake.message(announcement.id)
            ),
            timeout=10,
            what="the announcement without the forgotten speaker",
        )
        assert pairs(redrawn) == [
            ("La marque employeur", f"<t:{at(9)}:t>–<t:{at(9, 45)}:t> · intervenant·e non indiqué·e")
        ]
        assert (await export(fake, chloe))[0]["programme"] == {"speaking_at": []}
