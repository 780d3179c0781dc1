"""End-to-end self-test: a real discord.py ``commands.Bot`` against the fake Discord."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from dataclasses import dataclass, field

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from tests.fake_discord import FakeDiscord, InvalidInteraction, Perm

FEEDS = ["example.org/rss", "exemple.ch/atom", "news.test/feed"]
FRENCH = {"Who made this bot": "Qui a créé ce bot", "about": "a-propos"}


@dataclass
class BotLog:
    """What the bot's callbacks saw (filled before they answer, so awaiting the answer is enough)."""

    feed_add: dict = field(default_factory=dict)
    clicks: list[int] = field(default_factory=list)
    feedback: tuple | None = None
    signup: tuple | None = None
    messages: list[discord.Message] = field(default_factory=list)
    events: list[tuple[str, str]] = field(default_factory=list)


class FrenchTranslator(app_commands.Translator):
    async def translate(self, string, locale, context):
        return FRENCH.get(string.message) if locale is discord.Locale.french else None


class PollView(discord.ui.View):
    def __init__(self, log: BotLog) -> None:
        super().__init__(timeout=None)
        self.log = log

    @discord.ui.button(label="Oui", custom_id="poll:yes", style=discord.ButtonStyle.success)
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        self.log.clicks.append(interaction.user.id)
        await interaction.response.send_message("Vote enregistré", ephemeral=True)

    @discord.ui.button(label="Fermé", custom_id="poll:closed", disabled=True)
    async def closed(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        raise AssertionError("a disabled button cannot be clicked")


class SettingsView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=60)

    @discord.ui.select(
        custom_id="settings:lang",
        options=[
            discord.SelectOption(label="Français", value="fr"),
            discord.SelectOption(label="English", value="en"),
        ],
    )
    async def lang(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.defer()  # DEFERRED_UPDATE_MESSAGE, then edit the message
        await interaction.edit_original_response(content=f"Langue : {select.values[0]}")

    @discord.ui.button(label="Fermer", custom_id="settings:close")
    async def close(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="Réglages fermés", view=None)  # UPDATE_MESSAGE


class FeedbackModal(discord.ui.Modal, title="Votre avis"):
    text = discord.ui.TextInput(label="Commentaire", custom_id="feedback:text", style=discord.TextStyle.long)
    topic = discord.ui.Label(
        text="Sujet",
        component=discord.ui.Select(
            custom_id="feedback:topic",
            options=[
                discord.SelectOption(label="Événements", value="events"),
                discord.SelectOption(label="Autre", value="other"),
            ],
        ),
    )
    mood = discord.ui.Label(
        text="Humeur",
        component=discord.ui.RadioGroup(
            custom_id="feedback:mood",
            options=[
                discord.RadioGroupOption(label="Bien", value="good"),
                discord.RadioGroupOption(label="Bof", value="meh"),
            ],
        ),
    )

    def __init__(self, log: BotLog) -> None:
        super().__init__()
        self.log = log

    async def on_submit(self, interaction: discord.Interaction) -> None:
        self.log.feedback = (self.text.value, self.topic.component.values, self.mood.component.value)
        await interaction.response.send_message("Merci !", ephemeral=True)


class SignupModal(discord.ui.Modal, title="Inscription"):
    days = discord.ui.Label(
        text="Jours",
        component=discord.ui.CheckboxGroup(
            custom_id="signup:days",
            min_values=1,
            max_values=2,
            options=[discord.CheckboxGroupOption(label=d, value=d) for d in ("lundi", "mardi", "jeudi")],
        ),
    )
    newsletter = discord.ui.Label(text="Newsletter", component=discord.ui.Checkbox(custom_id="signup:news"))
    buddy = discord.ui.Label(text="Binôme", component=discord.ui.UserSelect(custom_id="signup:buddy"))
    cv = discord.ui.Label(text="CV", component=discord.ui.FileUpload(custom_id="signup:cv"))

    def __init__(self, log: BotLog) -> None:
        super().__init__()
        self.log = log

    async def on_submit(self, interaction: discord.Interaction) -> None:
        [cv] = self.cv.component.values
        buddy = self.buddy.component.values[0]
        content = await cv.read()  # downloaded from the fake's CDN
        self.log.signup = (self.days.component.values, self.newsletter.component.value, buddy.id, content)
        receipt = discord.File(io.BytesIO(b"ok"), filename="recu.txt")
        await interaction.response.send_message("Inscrit", file=receipt, ephemeral=True)


def make_bot(fake: FakeDiscord, log: BotLog, *, sync: str = "always") -> commands.Bot:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)
    guild = discord.Object(fake.guild.id)

    admin = app_commands.Group(
        name="admin",
        description="Administration",
        default_permissions=discord.Permissions(manage_events=True),
    )
    feed = app_commands.Group(name="feed", description="Feeds", parent=admin)

    @feed.command(name="add", description="Add a feed")
    async def feed_add(
        interaction: discord.Interaction,
        url: str,
        interval: app_commands.Range[int, 1, 60],
        public: bool,
        weight: float,
        who: discord.Member,
        where: discord.TextChannel,
        role: discord.Role,
    ) -> None:
        log.feed_add = {"url": url, "interval": interval, "public": public, "weight": weight}
        log.feed_add.update(who=who, where=where, role=role)
        await interaction.response.send_message(
            f"Flux {url} ajouté par {interaction.user.name}", ephemeral=True
        )

    @feed.command(name="remove", description="Remove a feed")
    async def feed_remove(interaction: discord.Interaction, feed: str) -> None:
        await interaction.response.send_message(f"{feed} supprimé", ephemeral=True)

    @feed_remove.autocomplete("feed")
    async def feed_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f, value=f) for f in FEEDS if current in f]

    @app_commands.command(
        name=app_commands.locale_str("about"), description=app_commands.locale_str("Who made this bot")
    )
    async def about(interaction: discord.Interaction) -> None:
        text = (
            "Agora, le bot de la communauté"
            if interaction.locale is discord.Locale.french
            else "Agora, the bot"
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="report", description="Monthly report")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        embed = discord.Embed(title="Rapport", description="3 événements")
        data = discord.File(io.BytesIO(b"mois,evenements\nmars,3\n"), filename="report.csv")
        await interaction.followup.send(embed=embed, file=data)

    @app_commands.command(name="feedback", description="Give feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal(log))

    @app_commands.command(name="signup", description="Sign up")
    async def signup(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(SignupModal(log))

    @app_commands.command(name="poll", description="Post a poll")
    async def poll(interaction: discord.Interaction) -> None:
        await interaction.channel.send("On mange une pizza ?", view=PollView(log))
        await interaction.response.send_message("Sondage publié", ephemeral=True)

    @app_commands.command(name="settings", description="Settings")
    async def settings(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Réglages", view=SettingsView(), ephemeral=True)

    @app_commands.command(name="announce", description="Announce")
    async def announce(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = interaction.guild.get_channel(fake.channel("annonces").id)
        message = await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
        await message.publish()
        thread = await message.create_thread(name="Discussion")
        await thread.send("Réagissez ici")
        await interaction.user.send("Annonce publiée")
        await interaction.edit_original_response(content="Annonce publiée")

    for command in (admin, about, report, feedback, signup, poll, settings, announce):
        bot.tree.add_command(command, guild=guild)

    @bot.event
    async def on_message(message: discord.Message) -> None:
        log.messages.append(message)

    @bot.event
    async def on_scheduled_event_update(
        before: discord.ScheduledEvent, after: discord.ScheduledEvent
    ) -> None:
        log.events.append(("update", after.name))

    async def setup_hook() -> None:
        bot.add_view(PollView(log))  # persistent: routed by custom_id, whatever the message
        await bot.tree.set_translator(FrenchTranslator())
        if sync == "always":
            await bot.tree.sync(guild=guild)
        else:  # "if-changed": what a restart-friendly bot does
            remote = {c.name for c in await bot.tree.fetch_commands(guild=guild)}
            if remote != {c.name for c in bot.tree.get_commands(guild=guild)}:
                await bot.tree.sync(guild=guild)

    bot.setup_hook = setup_hook
    return bot


@pytest.fixture
def discord_urls(fake):
    """Points discord.py at the fake, restores the real URLs afterwards."""
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


@pytest.fixture
def log():
    return BotLog()


@pytest.fixture
async def bot(fake, discord_urls, log):
    client = make_bot(fake, log)
    task = asyncio.create_task(client.start(fake.token))
    ready = asyncio.create_task(client.wait_until_ready())
    await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    assert ready.done(), f"bot not ready: {task}"
    yield client
    await client.close()
    await asyncio.wait_for(task, 5)


async def test_login_ready_and_guild_commands_synced(fake, bot):
    assert bot.is_ready() and fake.connected
    assert bot.user.id == fake.bot.id and bot.application_id == fake.application_id
    assert fake.sessions[0].intents == discord.Intents.default().value
    guild = bot.get_guild(fake.guild.id)
    assert guild.name == "E-20 Suisse romande" and guild.preferred_locale is discord.Locale.french
    assert {c.name for c in guild.text_channels} >= {"général", "annonces", "organisateurs", "lecture-seule"}
    assert guild.me.guild_permissions.embed_links

    commands_ = await fake.wait_for_commands()
    puts = fake.find_requests("PUT", r"^/applications/\d+/guilds/\d+/commands$", status=200)
    assert len(puts) == 1 and fake.sync_counts == {fake.guild.id: 1}
    assert not fake.find_requests("PUT", r"^/applications/\d+/commands$")
    names = {"admin", "about", "report", "feedback", "signup", "poll", "settings", "announce"}
    assert {c["name"] for c in commands_} == names
    assert fake.gateway.connections[0].compress == "zlib-stream"
    about = fake.command("about")
    assert about["name_localizations"] == {"fr": "a-propos"}
    assert about["description_localizations"] == {"fr": "Qui a créé ce bot"}
    admin = fake.command("admin")
    assert admin["default_member_permissions"] == str(Perm.MANAGE_EVENTS.value)
    group = admin["options"][0]
    assert group["type"] == 2 and [o["name"] for o in group["options"]] == ["add", "remove"]
    types = {o["name"]: o["type"] for o in group["options"][0]["options"]}
    assert types == {"url": 3, "interval": 4, "public": 5, "weight": 10, "who": 6, "where": 7, "role": 8}


async def test_subcommand_group_with_typed_options(fake, bot, log):
    inter = await fake.run_command(
        "olivia",
        "admin feed add",
        {"url": "https://e20.ch/rss", "interval": 15, "public": True, "weight": 2.5, "who": "alice"}
        | {"where": "annonces", "role": "Organisateurs"},
    )
    response = await inter.response()
    assert response.type == 4 and inter.is_ephemeral
    assert inter.content == "Flux https://e20.ch/rss ajouté par olivia"
    assert log.feed_add["interval"] == 15 and log.feed_add["weight"] == 2.5 and log.feed_add["public"] is True
    assert (
        isinstance(log.feed_add["who"], discord.Member) and log.feed_add["who"].id == fake.member("alice").id
    )
    assert isinstance(log.feed_add["where"], discord.TextChannel) and log.feed_add["where"].name == "annonces"
    assert log.feed_add["role"].name == "Organisateurs"

    with pytest.raises(InvalidInteraction, match="cannot see /admin"):
        await fake.run_command("alice", "admin feed remove", {"feed": "x"})
    with pytest.raises(InvalidInteraction, match="outside"):
        await fake.run_command(
            "olivia", "admin feed add", {"url": "u", "interval": 0, "public": True} | {"weight": 1.0}
        )
    choices = await fake.autocomplete("olivia", "admin feed remove", focused="feed", value="ex")
    assert [c["value"] for c in choices] == ["example.org/rss", "exemple.ch/atom"]


async def test_ephemeral_reply_follows_user_locale(fake, bot):
    fr = await fake.run_command("alice", "about")
    en = await fake.run_command("bob", "about")
    assert (await fr.response()).flags & 64 and fr.content == "Agora, le bot de la communauté"
    await en.response()
    assert en.is_ephemeral and en.content == "Agora, the bot"
    assert fake.messages("général") == []  # ephemeral answers are not channel messages
    assert len(fake.messages("général", include_ephemeral=True)) == 2


async def test_defer_then_followup_with_embed_and_file(fake, bot, log):
    inter = await fake.run_command("alice", "report")
    assert (await inter.response()).name == "DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE"
    [followup] = await inter.followups(count=1)
    final = await inter.final_message()
    assert followup.id == final.id  # the first follow-up replaces the "thinking" message
    assert not final.is_ephemeral and not final.is_loading
    assert final.embeds[0]["title"] == "Rapport"
    assert [(f.filename, f.text) for f in final.files] == [("report.csv", "mois,evenements\nmars,3\n")]
    assert not final.pings_anyone
    assert await fake.wait_for_message("général", lambda m: m.embeds) is final
    assert final.interaction_metadata["name"] == "report"


async def test_modal_submit_reaches_the_bot(fake, bot, log):
    inter = await fake.run_command("alice", "feedback")
    modal = await inter.modal()
    assert modal.title == "Votre avis"
    assert set(modal.inputs()) == {"feedback:text", "feedback:topic", "feedback:mood"}
    with pytest.raises(InvalidInteraction, match="required"):
        await fake.submit_modal("alice", modal, {"feedback:topic": ["events"], "feedback:mood": "good"})
    submit = await fake.submit_modal(
        "alice",
        modal,
        {"feedback:text": "Super soirée", "feedback:topic": ["events"], "feedback:mood": "good"},
    )
    await submit.response()
    assert submit.content == "Merci !" and submit.is_ephemeral
    assert log.feedback == ("Super soirée", ["events"], "good")


async def test_modal_with_2_7_components(fake, bot, log):
    inter = await fake.run_command("bob", "signup")
    modal = await inter.modal()
    assert [c["type"] for c in modal.components] == [18, 18, 18, 18]
    with pytest.raises(InvalidInteraction, match="between 1 and 2"):
        await fake.submit_modal("bob", modal, {"signup:days": ["lundi", "mardi", "jeudi"]})
    values = {"signup:days": ["lundi", "jeudi"], "signup:news": True, "signup:buddy": ["alice"]}
    submit = await fake.submit_modal("bob", modal, values | {"signup:cv": [("cv.pdf", b"%PDF-1.7")]})
    await submit.response()
    assert log.signup == (["lundi", "jeudi"], True, fake.member("alice").id, b"%PDF-1.7")
    assert [(f.filename, f.data) for f in submit.files] == [("recu.txt", b"ok")]


async def test_persistent_button_reaches_the_bot(fake, bot, log):
    inter = await fake.run_command("olivia", "poll")
    await inter.response()
    message = await fake.wait_for_message("général", lambda m: "pizza" in m.content)
    assert message.custom_ids() == ["poll:yes", "poll:closed"]
    click = await fake.click("bob", message, "poll:yes")
    assert (await click.response()).type == 4 and click.content == "Vote enregistré"
    assert log.clicks == [fake.member("bob").id]
    with pytest.raises(InvalidInteraction, match="disabled"):
        await fake.click("bob", message, "poll:closed")
    # the bot's own message also reached it over the gateway (MESSAGE_CREATE)
    assert any(m.id == message.id for m in log.messages)


async def test_limits_and_permissions_through_the_real_client(fake, bot):
    general = bot.get_channel(fake.channel("général").id)
    with pytest.raises(discord.HTTPException) as too_long:
        await general.send("x" * 2001)
    assert too_long.value.status == 400 and too_long.value.code == 50035
    assert "In content: Must be 2000 or fewer in length." in str(too_long.value)
    embed = discord.Embed(title="t" * 257)
    with pytest.raises(discord.HTTPException, match=r"In embeds\.0\.title: Must be 256 or fewer"):
        await general.send(embed=embed)

    with pytest.raises(discord.Forbidden) as forbidden:
        await bot.get_channel(fake.channel("lecture-seule").id).send("hello")
    assert forbidden.value.code == 50013
    sent = await bot.get_channel(fake.channel("organisateurs").id).send("réservé", silent=True)
    stored = fake.message(sent.id)
    assert stored.is_silent and stored.allowed_mentions is None

    fake.set_dms_open("bob", False)
    bob = await bot.get_guild(fake.guild.id).fetch_member(fake.member("bob").id)
    with pytest.raises(discord.Forbidden) as closed:
        await bob.send("coucou")
    assert closed.value.code == 50007
    assert fake.rejected_requests[-1].status == 403


async def test_interaction_token_rules(fake, bot):
    inter = await fake.run_command("alice", "about")
    await inter.response()
    async with aiohttp.ClientSession() as http:
        url = f"{fake.api_url}/interactions/{inter.id}/{inter.token}/callback"
        async with http.post(url, json={"type": 4, "data": {"content": "again"}}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 40060
        async with http.post(
            f"{fake.api_url}/webhooks/{fake.application_id}/nope", json={"content": "x"}
        ) as resp:
            assert resp.status == 404 and (await resp.json())["code"] == 10015
        async with http.get(f"{fake.api_url}/users/@me", headers={"Authorization": "Bot wrong"}) as resp:
            assert resp.status == 401 and resp.headers["Content-Type"] == "application/json"


async def test_resume_replays_missed_events_and_scheduled_events(fake, bot, log):
    await fake.disconnect(code=4000)
    await fake.post_user_message("alice", "général", f"<@{fake.bot.id}> tu es là ?")
    await fake.wait_for(lambda: fake.resume_count == 1 and fake.connected, what="a RESUME")
    assert fake.identify_count == 1
    await fake.wait_for(
        lambda: any("tu es là" in m.content for m in log.messages), what="the replayed message"
    )

    guild = bot.get_guild(fake.guild.id)
    start = discord.utils.utcnow() + dt.timedelta(days=7)
    created = await guild.create_scheduled_event(
        name="Apéro E-20",
        start_time=start,
        end_time=start + dt.timedelta(hours=2),
        entity_type=discord.EntityType.external,
        privacy_level=discord.PrivacyLevel.guild_only,
        location="Lausanne",
    )
    [event] = fake.scheduled_events()
    assert event.id == created.id and event.location == "Lausanne"
    await fake.update_scheduled_event(event, name="Apéro E-20 (complet)")
    await fake.wait_for(lambda: log.events, what="the scheduled event update callback")
    assert log.events == [("update", "Apéro E-20 (complet)")]
    # (discord.py drops GUILD_SCHEDULED_EVENT_USER_ADD for users it has not cached: ask the REST API)
    await fake.set_event_interest(event, "alice")
    assert [u.name async for u in created.users()] == ["alice"]


async def test_bot_restart_connects_again_without_resync(fake):
    first_log, second_log = BotLog(), BotLog()
    async with fake.run_bot(make_bot(fake, first_log, sync="if-changed")):
        await fake.wait_for_commands()
    await fake.wait_until_disconnected()
    # discord.py's close() races its own poll loop and sends close code 4000, so the old
    # session is merely disconnected (resumable), exactly as Discord would see it.
    assert not fake.connected and fake.sessions[0].conn is None

    async with fake.run_bot(make_bot(fake, second_log, sync="if-changed")) as second:
        session = await fake.wait_until_ready(count=2)
        assert second.is_ready() and fake.identify_count == 2 and session.number == 2
        assert fake.sync_count == 1  # unchanged commands: no second bulk overwrite
        click_source = await fake.run_command("olivia", "poll")
        await click_source.response()
        message = await fake.wait_for_message("général", lambda m: m.components)
        click = await fake.click("alice", message, "poll:yes")
        await click.response()
        assert second_log.clicks == [fake.member("alice").id] and first_log.clicks == []


async def test_select_defer_update_and_update_message(fake, bot):
    settings = await fake.run_command("bob", "settings")
    await settings.response()
    assert settings.is_ephemeral and settings.message.custom_ids() == ["settings:lang", "settings:close"]
    with pytest.raises(InvalidInteraction, match="cannot see the ephemeral"):
        await fake.click("alice", settings, "settings:close")
    with pytest.raises(InvalidInteraction, match="not an option"):
        await fake.select("bob", settings, "settings:lang", ["de"])
    chosen = await fake.select("bob", settings, "settings:lang", ["en"])
    assert (await chosen.response()).name == "DEFERRED_UPDATE_MESSAGE"
    assert (await chosen.final_message()).content == "Langue : en"
    closing = await fake.click("bob", settings, "settings:close")
    assert (await closing.response()).name == "UPDATE_MESSAGE"
    assert settings.message.content == "Réglages fermés" and settings.message.components == []


async def test_crosspost_thread_dm_and_mentions(fake, bot):
    mark = fake.checkpoint()
    inter = await fake.run_command(
        "olivia", "announce", {"text": "AG le 12 <@&" + str(fake.role("Admin").id) + "> @everyone"}
    )
    final = await inter.final_message()
    assert final.content == "Annonce publiée" and inter.is_ephemeral
    post = await fake.wait_for_message("annonces", after=mark)
    assert post.flags & 1 and post.thread_id == post.id  # crossposted, thread started from it
    assert post.allowed_mentions == {"parse": []} and not post.pings_anyone
    thread = fake.channel("Discussion")
    assert thread.parent_id == fake.channel("annonces").id and thread.type == 10
    assert [m.content for m in fake.messages(thread)] == ["Réagissez ici"]
    assert [m.content for m in fake.dm_messages("olivia")] == ["Annonce publiée"]
    assert bot.get_channel(thread.id) is not None  # THREAD_CREATE reached the bot


async def test_late_answer_and_bad_token(fake, bot):
    fake.interaction_deadline = 0  # every callback is now "after 3 s"
    inter = await fake.run_command("alice", "about")
    await fake.wait_for(lambda: inter.rejections, what="the rejected callback")
    assert inter.rejections[0][1:] == (404, {"message": "Unknown interaction", "code": 10062})
    with pytest.raises(TimeoutError):
        await inter.response(timeout=0.05)

    intruder = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    with pytest.raises(discord.LoginFailure):
        await intruder.login("wrong-token")
    await intruder.close()


async def test_resync_of_identical_commands_keeps_ids_and_versions(fake, bot):
    before = await fake.wait_for_commands()
    await bot.tree.sync(guild=discord.Object(fake.guild.id))
    after = await fake.wait_for_commands(syncs=2)
    assert [(c["id"], c["version"]) for c in after] == [(c["id"], c["version"]) for c in before]
