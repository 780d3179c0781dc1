"""Voice and stage channels, members' voice states and voice/stage scheduled events, seen by a bare
discord.py client (default intents: GUILD_VOICE_STATES, no GUILD_MEMBERS) as it would see Discord."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import discord
import pytest

from tests.fake_discord import FakeDiscord, InvalidInteraction
from tests.fake_discord.gateway import INTENT_VOICE_STATES

START = dt.datetime(2031, 3, 15, 8, 30, tzinfo=dt.UTC)


@dataclass
class VoiceLog:
    """(member id, channel id before, channel id after) of each on_voice_state_update."""

    updates: list[tuple[int, int | None, int | None]] = field(default_factory=list)


def channel_id(state: discord.VoiceState) -> int | None:
    return state.channel.id if state.channel is not None else None


def make_client(log: VoiceLog, intents: discord.Intents | None = None) -> discord.Client:
    client = discord.Client(intents=intents or discord.Intents.default())

    @client.event
    async def on_voice_state_update(
        member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        log.updates.append((member.id, channel_id(before), channel_id(after)))

    return client


@pytest.fixture
def log() -> VoiceLog:
    return VoiceLog()


@pytest.fixture
async def client(fake: FakeDiscord, log: VoiceLog) -> AsyncIterator[discord.Client]:
    async with fake.run_bot(make_client(log)) as running:
        yield running


def guild_of(fake: FakeDiscord, client: discord.Client) -> discord.Guild:
    guild = client.get_guild(fake.guild.id)
    assert guild is not None
    return guild


async def test_voice_and_stage_channels_are_in_the_guild(fake, client):
    guild = guild_of(fake, client)
    vocal, stage = guild.get_channel(fake.channel("vocal").id), guild.get_channel(fake.channel("scène").id)
    assert isinstance(vocal, discord.VoiceChannel) and isinstance(stage, discord.StageChannel)
    alice = fake.member("alice")
    assert vocal.permissions_for(guild.default_role).connect
    assert stage.permissions_for(guild.me).mute_members  # the bot moderates the stage
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as http,
        http.get(f"{fake.api_url}/guilds/{fake.guild.id}/channels") as answer,
    ):
        types = {c["name"]: c["type"] for c in await answer.json()}
    assert types["vocal"] == 2 and types["scène"] == 13
    assert fake.voice_state(alice) is None and fake.voice_members("vocal") == []


async def test_a_member_joining_shows_in_their_voice_and_fires_the_event(fake, client, log):
    alice, vocal = fake.member("alice"), fake.channel("vocal")
    state = await fake.join_voice("alice", "vocal")
    await fake.wait_for(lambda: log.updates, what="on_voice_state_update")
    assert log.updates == [(alice.id, None, vocal.id)]
    member = guild_of(fake, client).get_member(alice.id)
    assert member is not None and member.voice is not None and member.voice.channel.id == vocal.id
    assert member.voice.session_id == state.session_id and not member.voice.suppress
    assert [m.id for m in guild_of(fake, client).get_channel(vocal.id).members] == [alice.id]
    assert fake.voice_members("vocal") == [alice]


async def test_a_member_moving_to_the_stage_joins_its_audience(fake, client, log):
    alice, vocal, stage = fake.member("alice"), fake.channel("vocal"), fake.channel("scène")
    first = await fake.join_voice(alice, vocal)
    moved = await fake.move_voice(alice, stage)
    await fake.wait_for(lambda: len(log.updates) == 2, what="two voice state updates")
    assert log.updates[1] == (alice.id, vocal.id, stage.id)
    voice = guild_of(fake, client).get_member(alice.id).voice
    assert voice.channel.id == stage.id and voice.suppress and voice.session_id == first.session_id
    assert moved.channel_id == stage.id and fake.voice_members(vocal) == []


async def test_a_member_leaving_fires_the_event_and_leaves_the_voice_only_cache(fake, client, log):
    alice, vocal = fake.member("alice"), fake.channel("vocal")
    await fake.join_voice(alice, vocal)
    await fake.leave_voice(alice)
    await fake.wait_for(lambda: len(log.updates) == 2, what="join and leave")
    assert log.updates[1] == (alice.id, vocal.id, None)
    # Without the members intent discord.py only caches members while they are in voice.
    assert guild_of(fake, client).get_member(alice.id) is None
    assert fake.voice_state(alice) is None


async def test_with_the_members_intent_a_member_who_left_stays_cached_without_voice():
    log = VoiceLog()
    async with FakeDiscord(privileged_intents=["members"]) as fake:
        intents = discord.Intents.default()
        intents.members = True
        async with fake.run_bot(make_client(log, intents)) as client:
            await fake.join_voice("bob", "vocal")
            await fake.leave_voice("bob")
            await fake.wait_for(lambda: len(log.updates) == 2, what="join and leave")
            member = guild_of(fake, client).get_member(fake.member("bob").id)
            assert member is not None and member.voice is None
        assert fake.internal_errors == []


async def test_muting_in_place_is_an_update_in_the_same_channel(fake, client, log):
    bob, vocal = fake.member("bob"), fake.channel("vocal")
    await fake.join_voice(bob, vocal)
    await fake.set_voice_state(bob, self_mute=True, self_video=True)
    await fake.wait_for(lambda: len(log.updates) == 2, what="join and mute")
    assert log.updates[1] == (bob.id, vocal.id, vocal.id)
    voice = guild_of(fake, client).get_member(bob.id).voice
    assert voice.self_mute and voice.self_video and not voice.self_deaf


async def test_members_already_in_voice_are_seen_by_a_bot_that_connects(fake):
    alice, olivia = fake.member("alice"), fake.member("olivia")
    await fake.join_voice(alice, "vocal", self_deaf=True)
    await fake.join_voice(olivia, "scène", suppress=False)  # a moderator speaking on stage
    async with fake.run_bot(make_client(VoiceLog())) as client:
        guild = guild_of(fake, client)
        voice = guild.get_member(alice.id).voice
        assert voice.channel.id == fake.channel("vocal").id and voice.self_deaf
        stage = guild.get_member(olivia.id).voice
        assert stage.channel.id == fake.channel("scène").id and not stage.suppress
        assert guild.get_member(fake.member("bob").id) is None  # not in voice, no members intent


async def test_a_restarted_bot_sees_who_stayed_in_voice(fake):
    first = VoiceLog()
    async with fake.run_bot(make_client(first)):
        await fake.join_voice("alice", "vocal")
        await fake.wait_for(lambda: first.updates, what="the join")
    async with fake.run_bot(make_client(VoiceLog())) as client:
        await fake.wait_until_ready(count=2)
        voice = guild_of(fake, client).get_member(fake.member("alice").id).voice
        assert voice is not None and voice.channel.id == fake.channel("vocal").id


async def test_without_the_voice_states_intent_nothing_about_voice_is_sent(fake):
    await fake.join_voice("alice", "vocal")
    intents = discord.Intents.default()
    intents.voice_states = False
    log = VoiceLog()
    async with fake.run_bot(make_client(log, intents)):
        session = await fake.wait_until_ready()
        assert not session.intents & INTENT_VOICE_STATES
        await fake.move_voice("alice", "scène")
        frames = list(session.buffer)
        guild_create = next(f["d"] for f in frames if f["t"] == "GUILD_CREATE")
        assert guild_create["voice_states"] == []
        assert not [f for f in frames if f["t"] == "VOICE_STATE_UPDATE"]
        assert log.updates == []


async def test_fetching_a_voice_state_over_rest(fake, client):
    alice = fake.member("alice")
    member = await guild_of(fake, client).fetch_member(alice.id)
    with pytest.raises(discord.NotFound) as missing:
        await member.fetch_voice()
    assert missing.value.code == 10065
    await fake.join_voice(alice, "vocal", self_mute=True)
    voice = await member.fetch_voice()
    assert voice.channel.id == fake.channel("vocal").id and voice.self_mute


async def test_the_bot_posts_in_a_voice_channels_text_chat(fake, client):
    vocal = guild_of(fake, client).get_channel(fake.channel("vocal").id)
    await vocal.send("Le check-in est ouvert")
    message = await fake.wait_for_message("vocal")
    assert message.content == "Le check-in est ouvert"


async def test_a_member_removed_from_the_server_leaves_voice_first(fake, client, log):
    alice = fake.member("alice")
    await fake.join_voice(alice, "vocal")
    await fake.remove_member(alice)
    await fake.wait_for(lambda: len(log.updates) == 2, what="the disconnection")
    assert log.updates[1] == (alice.id, fake.channel("vocal").id, None)
    assert fake.voice_members("vocal") == []


async def test_joining_what_a_discord_client_cannot_join_is_refused(fake, client):
    with pytest.raises(InvalidInteraction, match="not a voice or stage channel"):
        await fake.join_voice("alice", "général")
    await fake.set_overwrite("vocal", "bob", deny=["connect"])
    with pytest.raises(InvalidInteraction, match="may not connect"):
        await fake.join_voice("bob", "vocal")
    with pytest.raises(InvalidInteraction, match="not connected"):
        await fake.leave_voice("alice")
    with pytest.raises(InvalidInteraction, match="not connected"):
        await fake.move_voice("alice", "vocal")
    fake.channel("vocal").user_limit = 1
    await fake.join_voice("alice", "vocal")
    with pytest.raises(InvalidInteraction, match="already in"):
        await fake.join_voice("alice", "vocal")
    with pytest.raises(InvalidInteraction, match="full"):
        await fake.join_voice("olivia", "vocal")
    with pytest.raises(TypeError, match="unknown voice state"):
        await fake.set_voice_state("alice", muted=True)


# -- voice and stage scheduled events ------------------------------------------------------------


async def test_the_bot_creates_a_voice_event_bound_to_its_channel(fake, client):
    guild = guild_of(fake, client)
    vocal = guild.get_channel(fake.channel("vocal").id)
    created = await guild.create_scheduled_event(
        name="Matinée en ligne",
        start_time=START,
        channel=vocal,
        privacy_level=discord.PrivacyLevel.guild_only,
    )
    assert created.entity_type is discord.EntityType.voice and created.channel_id == vocal.id
    assert created.location is None and created.end_time is None
    [stored] = fake.scheduled_events()
    assert stored.entity_type == 2 and stored.channel_id == vocal.id and stored.location is None
    edited = await created.edit(name="Matinée en ligne (complet)")
    assert edited.channel_id == vocal.id and edited.entity_type is discord.EntityType.voice


async def test_members_create_voice_and_stage_events_in_discords_ui(fake, client):
    end = START + dt.timedelta(hours=3)
    voice = await fake.create_scheduled_event("olivia", "Café vocal", START, channel="vocal")
    stage = await fake.create_scheduled_event("olivia", "Conférence", START, end, channel="scène")
    external = await fake.create_scheduled_event("olivia", "Matinée à Genève", START, end, location="Genève")
    guild = guild_of(fake, client)
    await fake.wait_for(lambda: len(guild.scheduled_events) == 3, what="three events in the cache")
    seen = {e.id: e for e in guild.scheduled_events}
    assert seen[voice.id].entity_type is discord.EntityType.voice
    assert seen[voice.id].channel_id == fake.channel("vocal").id and seen[voice.id].location is None
    assert seen[stage.id].entity_type is discord.EntityType.stage_instance
    assert seen[stage.id].channel_id == fake.channel("scène").id
    assert seen[external.id].channel_id is None and seen[external.id].location == "Genève"


async def test_discords_ui_refuses_events_discord_refuses(fake, client):
    end = START + dt.timedelta(hours=1)
    with pytest.raises(InvalidInteraction, match="channel_id"):
        await fake.create_scheduled_event("olivia", "Texte", START, end, channel="général", entity_type=2)
    with pytest.raises(InvalidInteraction, match="channel_id"):
        await fake.create_scheduled_event("olivia", "Scène", START, channel="vocal", entity_type=1)
    with pytest.raises(InvalidInteraction, match="entity_metadata"):
        await fake.create_scheduled_event("olivia", "Lieu", START, channel="vocal", location="Genève")
    with pytest.raises(InvalidInteraction, match="scheduled_end_time"):
        await fake.create_scheduled_event("olivia", "Sans fin", START)
    with pytest.raises(InvalidInteraction, match="may not create"):
        await fake.create_scheduled_event("alice", "Pas organisatrice", START, channel="vocal")
    with pytest.raises(InvalidInteraction, match="may not create"):
        await fake.create_scheduled_event("alice", "Pas organisatrice", START, end)
    event = await fake.create_scheduled_event("olivia", "Café vocal", START, channel="vocal")
    with pytest.raises(InvalidInteraction, match="channel_id"):
        await fake.update_scheduled_event(event, entity_type=3, location="Genève")  # channel still set
    assert fake.scheduled_events() == [event] and event.entity_type == 2


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"entity_type": 2}, "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL"),
        ({"entity_type": 2, "channel_id": "général"}, "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL"),
        ({"entity_type": 1, "channel_id": "vocal"}, "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL"),
        ({"entity_type": 2, "channel_id": "vocal", "entity_metadata": {"location": "Genève"}},
         "ENTITY_METADATA"),
        ({"entity_type": 3, "entity_metadata": {"location": "Genève"}}, "BASE_TYPE_REQUIRED"),
        ({"entity_type": 3, "channel_id": "vocal", "entity_metadata": {"location": "Genève"},
          "scheduled_end_time": (START + dt.timedelta(hours=1)).isoformat()}, "channel_id must be null"),
    ],
)  # fmt: skip
async def test_the_api_refuses_events_against_the_entity_requirements(fake, change, error):
    body = {"name": "Matinée", "privacy_level": 2, "scheduled_start_time": START.isoformat(), **change}
    if "channel_id" in body:
        body["channel_id"] = str(fake.channel(body["channel_id"]).id)
    events = f"{fake.api_url}/guilds/{fake.guild.id}/scheduled-events"
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bot {fake.token}"}) as http,
        http.post(events, json=body) as answer,
    ):
        assert answer.status == 400
        assert error in await answer.text()
    assert fake.scheduled_events() == []


async def test_the_bot_needs_connect_for_a_voice_event(fake, client):
    await fake.set_overwrite("vocal", fake.role("Agora"), deny=["connect"])
    guild = guild_of(fake, client)
    with pytest.raises(discord.Forbidden):
        await guild.create_scheduled_event(
            name="Café vocal",
            start_time=START,
            channel=guild.get_channel(fake.channel("vocal").id),
            privacy_level=discord.PrivacyLevel.guild_only,
        )
    assert fake.scheduled_events() == []
