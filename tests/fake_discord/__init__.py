"""A fake Discord (REST API v10 + gateway websocket) for end-to-end tests of a real discord.py bot.

Everything runs on 127.0.0.1 inside the test's event loop; the bot under test is a real
``commands.Bot`` with its real HTTPClient and DiscordWebSocket.

Quick start::

    async with FakeDiscord() as fake:                 # token "fake-token"
        async with fake.run_bot(make_bot()) as bot:   # patches Route.BASE / DEFAULT_GATEWAY, waits on_ready
            await fake.wait_for_commands()            # the bot's bulk PUT of guild commands
            inter = await fake.run_command("alice", "poll create", {"question": "Pizza ?"})
            response = await inter.response()         # CallbackRecord(type, data, files)
            assert inter.is_ephemeral and "Pizza" in inter.content
            click = await fake.click("bob", inter, "poll:yes")
            await click.response()

World (deterministic ids): guild "E-20 Suisse romande" (preferred_locale "fr", owner adam) with
roles @everyone / Organisateurs / Admin (administrator) / the bot's managed role "Agora";
channels général, annonces (news; only organisers and the bot may post), organisateurs
(hidden from @everyone, visible to Organisateurs and the bot), lecture-seule (nobody, not even
the bot, may send), vocal (voice, type 2) and scène (stage, type 13; Organisateurs and the bot are
its moderators); @everyone may connect and speak; members alice (fr), bob (en-US), olivia
(Organisateurs, fr), adam (Admin, fr) and the bot. Without the GUILD_MEMBERS intent GUILD_CREATE
only carries the bot's own member and the members in voice (as on Discord); interactions carry the
invoking member.

Main API (all waits raise ``WaitTimeout`` — an AssertionError and TimeoutError — with details):

Lifecycle / connection
    FakeDiscord(token="fake-token", *, privileged_intents=(), interaction_deadline=3.0,
                validate_event_times=True, gateway_compression=True,
                channel_post_limit=None, channel_post_window=5.0)
    await fake.start() / await fake.stop() / ``async with FakeDiscord() as fake``
    fake.api_url, fake.gateway_url, fake.base_url
    patch_discord(fake)                      context manager patching discord.py's URLs
    fake.run_bot(bot, *, guild_ready_timeout=0.05, ready_timeout=10) -> BotRunner (async ctx manager)
    await fake.wait_until_identified(timeout=10, count=1) / wait_until_ready(timeout=10, count=1)
        (``count``: the n-th IDENTIFY since start, e.g. 2 for a restarted bot)
    await fake.wait_until_disconnected(timeout=10); fake.connected; fake.identify_count;
    fake.resume_count; fake.sessions (intents, presence, identify payload)
    await fake.dispatch(event, data) -> int  any gateway event to connected bots (intent-filtered)
    await fake.wait_for(predicate, timeout=5, what="...")  re-checked on each change and every 10 ms
    await fake.disconnect(code=4000, invalidate=False); await fake.send_reconnect()

Lookups / state changes (gateway events are sent like Discord does)
    fake.guild (.id, .name, .preferred_locale), fake.bot, fake.application_id
    fake.channel("général"), fake.member("alice"), fake.role("Organisateurs"), fake.message(id)
    fake.permissions(member, channel=None) -> int (see ``Perm``)
    await fake.add_channel(name, type=0, parent=None, topic=None), add_role(name, permissions, mentionable=)
    await fake.add_member(name, roles=(), locale="fr"), remove_member(m), set_member_roles(m, roles)
    await fake.set_overwrite(channel, role_or_member, allow=..., deny=...), set_role_permissions(role, perms)
    fake.set_dms_open(member, False)         the bot's DMs then fail with 403 / 50007
    fake.fail_dms(member, times=1)           the bot's next DMs to them fail with 503 (a passing outage)

Application commands
    fake.registered_commands(guild=True) -> list[dict]; fake.command(name, guild=None) -> dict
    await fake.wait_for_commands(timeout=10, guild=True, syncs=1) -> list[dict]
    fake.sync_count (all scopes), fake.sync_counts {guild_id or None: n}

Users acting (each returns an InteractionRecord unless noted)
    await fake.run_command(member, "feed add", {"url": ...}, channel="général", locale=None, force=False)
    await fake.autocomplete(member, "feed remove", focused="feed", value="ab", options=None) -> choices
    await fake.click(member, message_or_record_or_id, custom_id)
    await fake.select(member, message_or_record_or_id, custom_id, values)
    await fake.submit_modal(member, modal_or_record_or_custom_id, {custom_id: value}, force=False)
        (``force=True`` sends the values unchecked, as a modified client could)
    await fake.post_user_message(member, channel, content) -> FakeMessage
    await fake.create_scheduled_event(creator, name, start, end=None, *, location=None, description=None,
        channel=None, entity_type=None): external at ``location`` (default "En ligne", ``end`` required),
        or with ``channel`` a voice (2) / stage (1) event hosted there (entity_type from the channel's
        type); refused (InvalidInteraction) where Discord refuses it (scheduled_events.py)
    await fake.update_scheduled_event(ev, **changes), delete_scheduled_event(ev),
    set_event_interest(ev, member, True); fake.scheduled_events()

Voice (voice.py; VOICE_STATE_UPDATE only to bots whose IDENTIFY has GUILD_VOICE_STATES, 1 << 7)
    await fake.join_voice(member, channel, **flags) -> FakeVoiceState   (joining elsewhere = a move)
    await fake.move_voice(member, channel, **flags); await fake.leave_voice(member)
    await fake.set_voice_state(member, **flags)   stays connected: self_mute, self_deaf, self_video,
        self_stream, mute, deaf, suppress (True by default on a stage), request_to_speak (datetime)
    fake.voice_state(member) -> FakeVoiceState | None; fake.voice_members(channel) -> [FakeMember]
    Members already in voice are in GUILD_CREATE's voice_states (and members) when a bot connects;
    GET /guilds/{id}/voice-states/{user_id|@me} answers them (404 10065 when not connected);
    remove_member disconnects a member from voice first. Refused (InvalidInteraction): a channel
    that is not voice or stage, no View Channel or Connect, a full channel (user_limit), leaving or
    moving while not connected.

InteractionRecord
    await rec.response(timeout=5) -> CallbackRecord (.type, .name, .data, .flags, .files)
    await rec.followups(count=1, timeout=5) -> list[FakeMessage]
    await rec.final_message(timeout=5, predicate=None) -> FakeMessage (original response, not "thinking")
    await rec.modal(timeout=5) -> FakeModal (.custom_id, .title, .components, .inputs(), .labels())
    await rec.choices(timeout=5) -> autocomplete choices
    rec.is_ephemeral, rec.content, rec.embeds, rec.components, rec.files, rec.message, rec.rejections
    rec.expired (the deadline for a first answer passed), rec.saw_interaction_failed (no answer was
        accepted within it: what the member's client shows as "This interaction failed")

Rate limits (tests/fake_discord/rate_limits.py; off by default)
    fake.post_limits.enable(limit=5, per=5.0)   Discord's limit on a bot's POST /channels/{id}/messages,
        per channel, in real time; answers carry X-RateLimit-* headers, an excess post gets a 429
        (``retry_after``) that discord.py sleeps on and retries. Interaction callbacks and
        follow-ups are not under it. .saturate(channel_id) uses up a channel's current window (posts
        Discord counts but discord.py does not know of); .accepted / .refused list channel ids;
        .remaining(channel_id); .disable()

Messages and requests
    fake.messages(channel, include_ephemeral=False, include_deleted=False) -> list[FakeMessage]
    await fake.wait_for_message(channel, predicate=None, *, after=None, timeout=5, include_ephemeral=False)
    fake.checkpoint() -> marker for ``after=``; fake.dm_messages(member); await fake.wait_for_dm(member, ...)
    FakeMessage: content, embeds, components, attachments/files (filename, data, text), allowed_mentions
        (as sent), mentions / mention_roles / mention_everyone / pings_anyone (who really gets pinged),
        flags, is_ephemeral, is_silent, thread_id, interaction_metadata, edits, deleted, reactions
    fake.requests (RecordedRequest: method, path relative to /api/v10, query, json, files, status,
        response); fake.find_requests(method, path_regex, status); fake.rejected_requests;
        fake.internal_errors (fake bugs, answered with 418 so discord.py never retries)
    fake.stalled_edits.stall(message) / .release()   edits of a message hang and are never applied,
        as when the bot dies mid-edit (stalls.py)
    fake.outages.fail(method, path_regex, times=1)   the next matching requests are answered 503
    fake.outages.hold(method, path_regex, applied=False) -> Hold (.waiting, .release())   matching
        requests wait (``applied``: applied first, only the answer waits) until released (outages.py)

Notes: ``privileged_intents`` lists what is "enabled in the developer portal" ({"members",
"presences", "message_content"}); without "members", GET /guilds/{id}/members answers 403 and an
IDENTIFY asking for it is closed with 4014. discord.py's own ``Client.close()`` closes the
websocket with code 4000 (its poll loop wins the race), so the fake keeps such sessions resumable,
as Discord does; a restarted bot IDENTIFYs again (``identify_count`` grows).

Discord behaviours reproduced: 401 on a bad token (4004 close on the gateway, 4014 for privileged
intents not enabled), 403 50001/50013 from the permission computation, 403 50007 closed DMs,
400 50035 for Discord's limits (content, embeds, components, modals and their radio/checkbox
groups, commands, autocomplete, scheduled events; an edit checked on the message it would leave, so
Components V2 is never set beside content or embeds and never removed), 50006 empty message, 40060 double
acknowledgement, 10062 unknown or expired (3 s, real time, from when the interaction was sent)
interaction, 429 with X-RateLimit-* headers over the per-channel post limit (when enabled),
10015 unknown webhook token, first follow-up after a defer edits the "thinking" message,
MESSAGE_CREATE/UPDATE/DELETE for non-ephemeral messages, message content hidden without the
message_content intent, RESUME with replay of missed events, VOICE_STATE_UPDATE and GUILD_CREATE's
voice_states under the GUILD_VOICE_STATES intent, scheduled events' field requirements and write
permissions by entity type (stage: a stage moderator; voice: View Channel and Connect), text chat in
voice and stage channels.
"""

from __future__ import annotations

from .builders import InvalidInteraction
from .http_common import RecordedRequest
from .interactions import CallbackRecord, FakeModal, InteractionRecord
from .models import FakeAttachment, FakeChannel, FakeMember, FakeMessage, FakeRole, FakeScheduledEvent
from .permissions import ALL_PERMISSIONS, Overwrite, Perm
from .runner import BotRunner, patch_discord
from .server import FakeDiscord
from .sync import WaitTimeout
from .voice_state import FakeVoiceState
from .world import NotFoundError

__all__ = [
    "ALL_PERMISSIONS",
    "BotRunner",
    "CallbackRecord",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeMember",
    "FakeMessage",
    "FakeModal",
    "FakeRole",
    "FakeScheduledEvent",
    "FakeVoiceState",
    "InteractionRecord",
    "InvalidInteraction",
    "NotFoundError",
    "Overwrite",
    "Perm",
    "RecordedRequest",
    "WaitTimeout",
    "patch_discord",
]
