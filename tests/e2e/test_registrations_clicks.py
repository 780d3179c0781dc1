"""Register clicks arriving together through the real bot: each member is told what is stored (their
place, or their rank on the waitlist in click order), a second click of the same member in the burst is
refused, and the answer names the event as it is after an organiser renamed or moved it in Discord."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.e2e.events_helpers import START, TITLE, events_cog
from tests.e2e.registration_helpers import add_members, create_with_places, register


async def test_a_burst_of_clicks_tells_each_member_what_is_stored_in_click_order(agora, fake, clock):
    members = await add_members(fake, *(f"membre{n}" for n in range(30)))
    async with agora.running() as bot:
        event, message = await create_with_places(fake, 10)
        custom_id = f"event:register:{event.id}"
        clicks = await asyncio.gather(*(fake.click(m, message, custom_id) for m in members))
        await asyncio.gather(*(c.final_message(timeout=10) for c in clicks))
        again = await register(fake, members[-1], message, event.id)
        stored = await events_cog(bot).registrations.places_of(event.id)
        # In the order Discord sent the clicks: interaction ids grow with it.
        assert [p.user_id for p in stored] == [c.member.id for c in sorted(clicks, key=lambda c: c.id)]
        assert [p.status for p in stored] == ["registered"] * 10 + ["waiting"] * 20
        told = {c.member.id: c.content for c in clicks}
        for place in stored:
            expected = (
                f"inscrit·e à **{TITLE}**"
                if place.status == "registered"
                else f"vous êtes n° {place.position} sur la liste d’attente"
            )
            assert expected in told[place.user_id], told[place.user_id]
        (last,) = [p for p in stored if p.user_id == members[-1].id]
        assert again.content == (
            "Vous êtes déjà inscrit·e à cet événement."
            if last.status == "registered"
            else f"Vous êtes déjà sur la liste d’attente de cet événement (n° {last.position})."
        )


async def test_the_answer_names_the_event_as_renamed_and_moved_in_discord(agora, fake, clock):
    async with agora.running():
        event, message = await create_with_places(fake, 10)
        first = await register(fake, "alice", message, event.id)
        assert f"**{TITLE}** (<t:{int(START.timestamp())}:F>)" in first.content
        moved = START + timedelta(hours=1)
        await fake.update_scheduled_event(event, name="Matinée RH", scheduled_start_time=moved.isoformat())
        await fake.wait_for(
            lambda: fake.message(message.id).embeds[0]["title"] == "Matinée RH",
            timeout=10,
            what="the announcement following the rename",
        )
        second = await register(fake, "bob", message, event.id)
        assert f"**Matinée RH** (<t:{int(moved.timestamp())}:F>)" in second.content, second.content
