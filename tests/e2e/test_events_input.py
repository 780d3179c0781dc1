"""Events: every bad input refused with a clear, localised, ephemeral message, and nothing created —
no Discord event, no message, nothing in the store; forged feedback answers refused; no pings, even
from a title written to ping everyone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cogs.events.rules import IMPROVE, RATING, RECOMMEND, TOPICS, USEFUL
from tests.e2e.events_helpers import (
    END,
    START,
    create_event,
    events_cog,
    forged_command,
    is_call,
    open_form,
    reminders,
    step,
)
from tests.fake_discord import Perm

ACTIVE, COMPLETED = 2, 3
VALID = {"title": "Matinée e-20", "start": "2026-12-03 08:30", "end": "11:30", "location": "Genève"}
VALID_ANSWERS = {RATING: "4", RECOMMEND: ["9"], USEFUL: "", IMPROVE: "", TOPICS: []}


def bot_posts(fake, channel="général"):
    return [m for m in fake.messages(channel) if m.author_id == fake.bot.id]


def fr(bot, key, **values):
    return bot.catalogue.translate(key, "fr", **values)


async def assert_nothing_created(bot, fake, *channels):
    assert fake.scheduled_events(include_deleted=True) == []
    assert [r for r in fake.find_requests("POST", r"/scheduled-events") if r.status < 300] == []
    for channel in ("général", *channels):
        assert bot_posts(fake, channel) == []
    assert await events_cog(bot).store.recent_first(fake.guild.id) == []


# ---- /event create ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected", "key", "values"),
    [
        ({"title": "   "}, "Donnez un titre à l’événement.", "events.error.empty_title", {}),
        ({"end": "07:00"}, "La fin doit venir après le début.", "events.error.end_before_start", {}),
        ({"end": "08:30"}, "La fin doit venir après le début.", "events.error.end_before_start", {}),
        (
            {"start": "2026-12-03 08:30", "end": "2026-12-02 12:00"},
            "La fin doit venir après le début.",
            "events.error.end_before_start",
            {},
        ),
        (
            {"start": "2026-11-27 10:00", "end": "11:00"},
            "Le début est déjà passé",
            "events.error.start_in_past",
            {},
        ),
        # 09:30 in Geneva is 08:30 UTC: already passed at the clock's 09:00 UTC.
        (
            {"start": "2026-11-28 09:30", "end": "11:00"},
            "Le début est déjà passé",
            "events.error.start_in_past",
            {},
        ),
        (
            {"start": "2032-01-01 08:00", "end": "09:00"},
            "Le début est trop lointain",
            "events.error.too_far_ahead",
            {},
        ),
        (
            {"start": "demain matin"},
            "Je ne comprends pas la date « demain matin »",
            "events.error.unreadable_time",
            {"value": "demain matin"},
        ),
        (
            {"start": "2026-13-45 08:00"},
            "Je ne comprends pas la date « 2026-13-45 08:00 »",
            "events.error.unreadable_time",
            {"value": "2026-13-45 08:00"},
        ),
        (
            {"end": "midi"},
            "Je ne comprends pas la date « midi »",
            "events.error.unreadable_time",
            {"value": "midi"},
        ),
        (
            {"end": "25:00"},
            "Je ne comprends pas la date « 25:00 »",
            "events.error.unreadable_time",
            {"value": "25:00"},
        ),
    ],
)
async def test_bad_times_are_refused_and_nothing_is_created(agora, fake, options, expected, key, values):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        refused = await create_event(fake, **options)
        assert refused.is_ephemeral
        assert expected in refused.content
        assert refused.content == fr(bot, key, **values)
        await assert_nothing_created(bot, fake)


@pytest.mark.parametrize(
    ("forged", "expected"),
    [
        ({"title": "T" * 101}, "Le titre fait 101 caractères ; 100 au plus."),
        ({"description": "d" * 1001}, "La description fait 1001 caractères ; 1000 au plus."),
        ({"location": "L" * 101}, "Le lieu fait 101 caractères ; 100 au plus."),
    ],
)
async def test_text_past_discords_limits_is_refused_by_the_bot_too(agora, fake, forged, expected):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        refused = await forged_command(fake, "olivia", "event create", VALID, forged)
        await refused.final_message(timeout=10)
        assert refused.is_ephemeral
        assert refused.content == expected
        await assert_nothing_created(bot, fake)


async def test_a_channel_the_bot_cannot_post_in_is_refused(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        channel = fake.channel("lecture-seule")
        refused = await create_event(fake, channel=channel.id)
        assert refused.is_ephemeral
        assert refused.content.startswith(f"Impossible de publier dans <#{channel.id}> : ")
        assert refused.content.endswith("Rien n’a été créé.")
        await assert_nothing_created(bot, fake, "lecture-seule")


async def test_without_the_manage_events_permission_nothing_is_created(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        allowed = fake.role("Agora").permissions & ~(Perm.MANAGE_EVENTS | Perm.CREATE_EVENTS)
        await fake.set_role_permissions("Agora", allowed)
        refused = await create_event(fake)
        assert refused.is_ephemeral
        assert refused.content == fr(bot, "events.error.cannot_create")
        await assert_nothing_created(bot, fake)


async def test_an_announcement_refused_after_all_undoes_the_event(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        # Changed without a CHANNEL_UPDATE: the bot still believes it may post, Discord refuses.
        fake.world.set_overwrite("général", fake.role("Agora"), deny=Perm.SEND_MESSAGES)
        refused = await create_event(fake)
        assert refused.is_ephemeral
        general = fake.channel("général")
        assert refused.content == fr(bot, "events.error.announcement_refused", channel=f"<#{general.id}>")
        (undone,) = fake.scheduled_events(include_deleted=True)
        assert undone.deleted
        guild = bot.get_guild(fake.guild.id)
        await fake.wait_for(lambda: guild.get_scheduled_event(undone.id) is None, what="the delete")
        await step(bot)
        assert bot_posts(fake) == []
        assert await events_cog(bot).store.recent_first(fake.guild.id) == []
        # Forgotten, or (had Discord's CREATE arrived after the undo) known only as deleted.
        known = await events_cog(bot).store.get(undone.id)
        assert known is None or known.status == "deleted"


async def test_members_are_refused_since_only_organisers_create_events(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        refused = await create_event(fake, member="alice")
        assert refused.is_ephemeral
        assert refused.content == "Cette action est réservée aux organisateurs."
        await assert_nothing_created(bot, fake)


async def test_refusals_are_in_english_for_an_english_speaking_member(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        refused = await create_event(fake, member="bob", locale="en-US")
        assert refused.is_ephemeral and refused.content == "Only organisers can do this."
        await fake.set_member_roles("bob", ["Organisateurs"])
        refused = await create_event(fake, member="bob", locale="en-US", start="tomorrow morning")
        assert refused.is_ephemeral
        assert refused.content.startswith("I cannot read the time “tomorrow morning”. Write, for example,")
        refused = await create_event(fake, member="bob", locale="en-US", end="07:00")
        assert refused.content == "The end must come after the start."
        await assert_nothing_created(bot, fake)


async def test_a_start_and_end_in_the_swiss_format_are_read_in_genevas_time(agora, fake):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        created = await create_event(fake, start="5.12.2026 8h30", end="5.12.2026 12h")
        assert created.is_ephemeral and "Événement créé" in created.content
        (event,) = fake.scheduled_events()
        assert event.scheduled_start_time.startswith("2026-12-05T07:30")
        assert event.scheduled_end_time.startswith("2026-12-05T11:00")
        (tracked,) = await events_cog(bot).store.recent_first(fake.guild.id)
        assert tracked.id == event.id
        assert len(bot_posts(fake)) == 1


# ---- forged feedback answers --------------------------------------------------------------------


async def post_call(fake, bot, clock, title="Matinée e-20"):
    """An event created with /event create, run and completed: returns it with its call message."""
    await create_event(fake, title=title)
    (event,) = fake.scheduled_events()
    await fake.set_event_interest(event, "alice")
    clock.set(START + timedelta(minutes=1))
    await fake.update_scheduled_event(event, status=ACTIVE)
    await step(bot)
    clock.set(END - timedelta(minutes=5))
    await fake.update_scheduled_event(event, status=COMPLETED)
    call = await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
    return event, call


@pytest.mark.parametrize(
    "forged",
    [
        {RATING: "7"},
        {RATING: "0"},
        {RATING: " 4"},
        {RECOMMEND: ["11"]},
        {RECOMMEND: ["-1"]},
        {RECOMMEND: ["9", "10"]},
        {RECOMMEND: []},
        {RATING: None},
        {RATING: 4},
        {USEFUL: 5},
        {TOPICS: "ai_at_work"},
        {TOPICS: ["cuisine"]},
        {TOPICS: ["ai_at_work", "ai_at_work"]},
        {USEFUL: "u" * 1001},
        {IMPROVE: "i" * 1001},
    ],
    ids=lambda forged: next(iter(forged)) + "=" + repr(next(iter(forged.values())))[:12],
)
async def test_a_forged_answer_is_refused_and_nothing_is_saved(agora, fake, clock, forged):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event, call = await post_call(fake, bot, clock)
        _, modal = await open_form(fake, "alice", call, event.id)
        submit = await fake.submit_modal("alice", modal, {**VALID_ANSWERS, **forged}, force=True)
        await submit.final_message(timeout=10)
        assert submit.is_ephemeral
        assert submit.content == fr(bot, "feedback.error.invalid_answer")
        assert submit.content.startswith("Cette réponse n’est pas valable")
        assert await events_cog(bot).answers.responses(event.id) == []


async def test_after_a_refused_answer_the_form_still_works(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event, call = await post_call(fake, bot, clock)
        _, modal = await open_form(fake, "alice", call, event.id)
        forged = await fake.submit_modal("alice", modal, {**VALID_ANSWERS, RATING: "7"}, force=True)
        await forged.final_message(timeout=10)
        _, modal = await open_form(fake, "alice", call, event.id)
        genuine = await fake.submit_modal("alice", modal, VALID_ANSWERS)
        await genuine.final_message(timeout=10)
        assert genuine.is_ephemeral and genuine.content.startswith("Merci !")
        (response,) = await events_cog(bot).answers.responses(event.id)
        assert (response.rating, response.recommend) == (4, 9)


async def test_a_member_who_left_cannot_answer_from_a_dm(agora, fake, clock):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        event, _ = await post_call(fake, bot, clock)
        alice = fake.member("alice")
        dm = await fake.wait_for_dm(alice, lambda m: is_call(m, event.id), timeout=10)
        await fake.remove_member(alice)
        # Invited, so the form opens at once (no lookup within Discord's 3 s); the answer is refused.
        _, modal = await open_form(fake, alice, dm, event.id)
        submit = await fake.submit_modal(alice, modal, VALID_ANSWERS)
        await submit.final_message(timeout=10)
        assert submit.is_ephemeral and submit.content == fr(bot, "feedback.error.not_a_member")
        assert await events_cog(bot).answers.responses(event.id) == []


# ---- /event report and /event export ------------------------------------------------------------


@pytest.mark.parametrize("command", ["event report", "event export"])
@pytest.mark.parametrize(
    "value",
    [
        "123",
        "abc",
        "-5",
        pytest.param("9" * 25, id="25-digits"),
        pytest.param("²", id="superscript-two"),
    ],
)
async def test_an_unknown_event_is_refused(agora, fake, command, value):
    async with agora.running() as bot:
        await fake.wait_for_commands()
        await create_event(fake)
        refused = await fake.run_command("olivia", command, {"event": value})
        await refused.response(timeout=10)
        assert refused.is_ephemeral and refused.files == []
        assert refused.content == fr(bot, "events.error.unknown_event")
        assert refused.content == "Je ne trouve pas cet événement. Choisissez-le dans la liste proposée."


@pytest.mark.parametrize("command", ["event report", "event export"])
async def test_members_cannot_read_reports(agora, fake, command):
    async with agora.running():
        await fake.wait_for_commands()
        await create_event(fake)
        (event,) = fake.scheduled_events()
        refused = await fake.run_command("alice", command, {"event": str(event.id)})
        await refused.response(timeout=10)
        assert refused.is_ephemeral and refused.embeds == [] and refused.files == []
        assert refused.content == "Cette action est réservée aux organisateurs."


# ---- no pings -----------------------------------------------------------------------------------


async def test_a_title_written_to_ping_pings_nobody(agora, fake, clock):
    role = fake.role("Organisateurs")
    title = f"@everyone <@&{role.id}> @here matinée"
    async with agora.running() as bot:
        await fake.wait_for_commands()
        created = await create_event(fake, title=title, location="@everyone à Genève")
        assert created.is_ephemeral
        (event,) = fake.scheduled_events()
        assert event.name == title
        announcement = bot_posts(fake)[-1]
        await fake.set_event_interest(event, "alice")
        clock.set(START - timedelta(hours=23))
        await step(bot)
        clock.set(START - timedelta(minutes=30))
        await step(bot)
        assert len(reminders(fake)) == 2
        clock.set(START + timedelta(minutes=1))
        await fake.update_scheduled_event(event, status=ACTIVE)
        clock.set(END - timedelta(minutes=5))
        await fake.update_scheduled_event(event, status=COMPLETED)
        call = await fake.wait_for_message("général", lambda m: is_call(m, event.id), timeout=10)
        dm = await fake.wait_for_dm("alice", lambda m: is_call(m, event.id), timeout=10)
        posted = [announcement, *reminders(fake), call, dm]
        for message in posted:
            assert message.allowed_mentions == {"parse": []}, message.content
            assert not message.pings_anyone, message.content
        assert all("@everyone" not in m.content for m in posted)
        assert all(m.embeds for m in (announcement, call))

        # A refusal quoting what was typed pings nobody either.
        refused = await create_event(fake, start=f"@everyone <@&{role.id}>")
        response = await refused.response()
        assert "@everyone" in refused.content and refused.is_ephemeral
        assert response.data["allowed_mentions"] == {"parse": []}
