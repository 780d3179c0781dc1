"""The engagement report through the real bot: /engagement report shown to an organiser (its charts
and its CSV), refused to a member; the button that posts it in the organisers' channel, after a
restart too, checking the rank again; and the previous month's report posted on the 1st, once across
restarts, or at startup when the 1st passed while the bot was down; once too when the bot stops or
Discord fails mid-post, or when the button is clicked twice at once.

November 2026 has: a poll with alice, bob and olivia voting (3 active members), 6 messages in #général
by the same three, and a test feature's funnel (tests/e2e/engagement_source.py); October has nothing,
Agora not yet counting."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from datetime import UTC, datetime

from tests.e2e.activity_helpers import flushed, post
from tests.e2e.polls_helpers import create_poll, poll_message, vote

NOVEMBER_10 = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
DECEMBER_2 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
BUTTON = "engagement:post:month:2026-11"
SOURCE = "tests.e2e.engagement_source"
TITLE = "Engagement — novembre 2026"


async def live_november(fake, bot, clock) -> None:
    """November's life, as members live it through the bot."""
    await fake.wait_for_commands()
    await create_poll(fake, question="Quel réseau ?")
    poll = poll_message(fake)
    for member, choice in (("alice", 0), ("bob", 1), ("olivia", 0)):
        await vote(fake, member, poll, choice)
    await post(fake, "alice", "général", 3, at=clock.now())
    await post(fake, "bob", "général", 2, at=clock.now())
    await post(fake, "olivia", "général", 1, at=clock.now())
    await flushed(fake, bot, 6)  # written on the clock's day: Discord dates a message by its id


def read_csv(data: bytes) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    return {row[0]: row[1:] for row in rows}


def files_of(message) -> dict[str, bytes]:
    return {attachment.filename: attachment.data for attachment in message.attachments}


def engagement(bot):
    return bot.get_cog("EngagementCog")


def reports(fake) -> list:
    """The reports posted in the organisers' channel."""
    return [m for m in fake.messages("organisateurs") if m.embeds]


async def recorded(bot, period="2026-11"):
    row = await bot.database.fetch_one(
        "SELECT state, message_id FROM pulse_posts WHERE kind = 'engagement' AND period = ?", (period,)
    )
    return (row[0], row[1]) if row else None


async def ask_report(fake, member="olivia", **options):
    interaction = await fake.run_command(member, "engagement report", options, force=True)
    return interaction, await interaction.final_message(timeout=15)


async def test_an_organiser_gets_the_months_report_with_its_charts_and_every_figure_in_csv(
    agora, fake, clock
):
    clock.set(NOVEMBER_10)
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        await live_november(fake, bot, clock)
        clock.set(DECEMBER_2)
        interaction, report = await ask_report(fake)

        assert interaction.is_ephemeral
        assert report.embeds[0]["title"] == TITLE
        assert "octobre 2026" in report.embeds[0]["description"]
        files = files_of(report)
        assert sorted(files) == ["engagement-month-2026-11.csv", "funnel.png", "trend.png"]
        assert files["funnel.png"].startswith(b"\x89PNG") and files["trend.png"].startswith(b"\x89PNG")
        figures = read_csv(files["engagement-month-2026-11.csv"])
        assert figures["clé"] == ["chiffre", "valeur", "période précédente", "évolution"]
        assert figures["period"][1:3] == ["novembre 2026", "octobre 2026"]
        members = len(fake.world.members)
        assert figures["members"][1:] == [str(members), "", ""]  # counted once, in November
        assert figures["active"][1:] == ["3", "0", "3"]
        assert figures["active.first_time"][1:] == ["3", "0", "3"]
        assert figures["active.returning"][1:] == ["0", "0", "0"]
        # Agora counted from 10 November: no chat of October's to compare with.
        assert figures["chat.messages"][1:] == ["6", "", ""]
        assert figures["chat.authors"][1:] == ["3", "", ""]
        general = fake.channel("général").id
        assert figures[f"chat.channel.{general}.messages"] == ["#général — messages", "6", "", ""]
        assert figures["polls.voters"][1:] == ["3", "", ""]  # no poll before November: no section
        assert figures["workshops.funnel.feedback"][1:] == ["< 3", "", ""]  # 2 people
        assert figures["workshops.funnel.came"][1:] == ["5", "", ""]
        button = report.components[0]["components"][0]
        assert (button["custom_id"], button["label"]) == (BUTTON, "Publier dans le salon des organisateurs")
        assert not [m for m in fake.messages("organisateurs") if m.embeds]  # shown, not posted


async def test_a_member_is_refused_the_report(agora, fake, clock):
    async with agora.running(organiser_channel="organisateurs") as bot:
        await fake.wait_for_commands()
        interaction = await fake.run_command("alice", "engagement report", force=True)
        answer = await interaction.final_message(timeout=10)
        assert interaction.is_ephemeral
        assert answer.content == "Cette action est réservée aux organisateurs."
        assert not answer.attachments
        assert engagement(bot) is not None


async def test_a_period_with_nothing_in_it_says_so_without_charts_or_button(agora, fake, clock):
    clock.set(DECEMBER_2)
    async with agora.running(organiser_channel="organisateurs"):
        await fake.wait_for_commands()
        interaction, report = await ask_report(fake, period="quarter")
        assert interaction.is_ephemeral
        [embed] = report.embeds
        assert embed["title"] == "Engagement — T3 2026"
        assert embed["description"].startswith("Rien à rapporter pour T3 2026")
        assert not report.attachments and not report.components


async def test_the_button_posts_the_report_in_the_organisers_channel_even_after_a_restart(agora, fake, clock):
    clock.set(NOVEMBER_10)
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        await live_november(fake, bot, clock)
        clock.set(DECEMBER_2)
        shown, _ = await ask_report(fake)
        click = await fake.click("olivia", shown, BUTTON)
        answer = await click.final_message(timeout=15)
        [posted] = [m for m in fake.messages("organisateurs") if m.embeds]
        assert click.is_ephemeral
        organisers = fake.channel("organisateurs").id
        assert answer.content.startswith(f"Le rapport est publié dans <#{organisers}>")
        assert str(posted.id) in answer.content
        assert posted.embeds[0]["title"] == TITLE
        assert sorted(files_of(posted)) == ["engagement-month-2026-11.csv", "funnel.png", "trend.png"]
        assert not posted.components and not posted.pings_anyone

    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        # Restarted in December: November's report is the monthly one, posted already by the button.
        assert await engagement(bot).monthly.run_now() == 0
        again = await fake.click("olivia", shown, BUTTON)
        told = await again.final_message(timeout=15)
        assert told.content.startswith(f"Ce rapport est déjà publié dans <#{organisers}>")
        assert str(posted.id) in told.content
        assert [m.embeds[0]["title"] for m in reports(fake)] == [TITLE]

        # The rank is checked again at the click: an organiser no longer is one.
        await fake.set_member_roles("olivia", [])
        refused = await fake.click("olivia", shown, BUTTON)
        assert (
            await refused.final_message(timeout=10)
        ).content == "Cette action est réservée aux organisateurs."
        assert len(reports(fake)) == 1


async def test_the_button_says_so_when_there_is_no_organisers_channel(agora, fake, clock):
    clock.set(NOVEMBER_10)
    async with agora.running(extra_extensions=[SOURCE]) as bot:
        await live_november(fake, bot, clock)
        clock.set(DECEMBER_2)
        shown, _ = await ask_report(fake)
        click = await fake.click("olivia", shown, BUTTON)
        answer = await click.final_message(timeout=10)
        assert answer.content.startswith("Aucun salon des organisateurs n’est configuré")


async def test_the_previous_months_report_is_posted_on_the_first_once_across_restarts(agora, fake, clock):
    clock.set(NOVEMBER_10)
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        await live_november(fake, bot, clock)
        # 23:59 on 30 November in Zurich: November is not over.
        clock.set(datetime(2026, 11, 30, 22, 59, tzinfo=UTC))
        assert await engagement(bot).monthly.run_now() == 0
        # 00:01 on 1 December in Zurich.
        clock.set(datetime(2026, 11, 30, 23, 1, tzinfo=UTC))
        assert await engagement(bot).monthly.run_now() == 1
        assert await engagement(bot).monthly.run_now() == 0
        [posted] = [m for m in fake.messages("organisateurs") if m.embeds]
        assert posted.embeds[0]["title"] == TITLE
        assert "engagement-month-2026-11.csv" in files_of(posted)

    clock.set(DECEMBER_2)
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        assert await engagement(bot).monthly.run_now() == 0
        assert len([m for m in fake.messages("organisateurs") if m.embeds]) == 1


async def test_a_report_missed_while_the_bot_was_down_is_posted_at_startup(agora, fake, clock):
    clock.set(NOVEMBER_10)
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        await live_november(fake, bot, clock)

    clock.set(datetime(2026, 12, 14, 8, 0, tzinfo=UTC))  # down from November to the 14th
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]):
        posted = await fake.wait_for_message("organisateurs", lambda m: bool(m.embeds), timeout=15)
        assert posted.embeds[0]["title"] == TITLE


async def test_the_command_and_its_periods_are_named_in_french(agora, fake):
    async with agora.running():
        await fake.wait_for_commands()
        command = fake.command("engagement")
        [report] = command["options"]
        [period] = report["options"]
        assert (command["name_localizations"]["fr"], report["name_localizations"]["fr"]) == (
            "engagement",
            "rapport",
        )
        assert period["name_localizations"]["fr"] == "periode"
        names = {choice["value"]: choice["name_localizations"]["fr"] for choice in period["choices"]}
        assert names == {"month": "mois", "quarter": "trimestre", "season": "saison"}
        assert [choice["name"] for choice in period["choices"]] == ["month", "quarter", "season"]


async def test_a_monthly_report_a_crash_left_unrecorded_is_found_in_the_channel_not_posted_again(
    agora, fake, clock
):
    clock.set(NOVEMBER_10)
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        await live_november(fake, bot, clock)
        clock.set(DECEMBER_2)
        assert await engagement(bot).monthly.run_now() == 1
        # As if the bot had stopped between the post and its record: claimed, not marked posted.
        async with bot.database.transaction() as db:
            await db.execute(
                "UPDATE pulse_posts SET state = 'posting', message_id = NULL WHERE kind = 'engagement'"
            )

    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        assert await engagement(bot).monthly.run_now() == 0
        [posted] = [m for m in fake.messages("organisateurs") if m.embeds]
        row = await bot.database.fetch_one(
            "SELECT state, message_id FROM pulse_posts WHERE kind = 'engagement' AND period = '2026-11'"
        )
        assert (row[0], row[1]) == ("posted", posted.id)


async def test_a_forged_button_naming_a_period_not_over_or_none_posts_nothing(agora, fake, clock):
    clock.set(NOVEMBER_10)
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        await live_november(fake, bot, clock)
        clock.set(DECEMBER_2)
        shown, _ = await ask_report(fake)
        await engagement(bot).monthly.run_now()  # November's own post, out of the way
        before = len([m for m in fake.messages("organisateurs") if m.embeds])
        # A period not over, one that is no quarter, one whose end is past the last date there is.
        for forged in (
            "engagement:post:month:2026-12",
            "engagement:post:quarter:2026-11",
            "engagement:post:quarter:9999-10",
        ):
            click = await fake.forge_click("olivia", shown, forged, on_message=True)
            answer = await click.final_message(timeout=10)
            assert answer.content.startswith("Ce bouton n’est plus valide")
        assert len([m for m in fake.messages("organisateurs") if m.embeds]) == before


async def test_a_monthly_report_the_bot_stopped_sending_is_found_after_the_restart_not_posted_again(
    agora, fake, clock
):
    clock.set(NOVEMBER_10)
    organisers = fake.channel("organisateurs")
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        await live_november(fake, bot, clock)
        clock.set(DECEMBER_2)
        # Discord applies the post, but its answer never reaches the bot before it stops.
        held = fake.outages.hold("POST", rf"/channels/{organisers.id}/messages$", applied=True)
        passing = asyncio.create_task(engagement(bot).monthly.run_now())
        await fake.wait_for(lambda: held.waiting >= 1, what="the report's post")
        assert len(reports(fake)) == 1
    passing.cancel()
    with contextlib.suppress(asyncio.CancelledError, TimeoutError):
        await passing
    held.release()

    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        assert await engagement(bot).monthly.run_now() == 0
        [posted] = reports(fake)
        assert await recorded(bot) == ("posted", posted.id)
        assert fake.find_requests("GET", rf"/channels/{organisers.id}/messages")  # looked before posting


async def test_a_monthly_report_discord_failed_is_posted_by_the_next_pass_once(agora, fake, clock):
    clock.set(NOVEMBER_10)
    organisers = fake.channel("organisateurs")
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        await live_november(fake, bot, clock)
        clock.set(DECEMBER_2)
        fake.outages.fail("POST", rf"/channels/{organisers.id}/messages$", times=1)
        assert await engagement(bot).monthly.run_now() == 0
        assert reports(fake) == [] and await recorded(bot) == ("posting", None)
        assert await engagement(bot).monthly.run_now() == 1
        assert await engagement(bot).monthly.run_now() == 0
        [posted] = reports(fake)
        assert await recorded(bot) == ("posted", posted.id)


async def test_two_clicks_at_once_post_the_report_once(agora, fake, clock):
    clock.set(NOVEMBER_10)
    organisers = fake.channel("organisateurs")
    async with agora.running(organiser_channel="organisateurs", extra_extensions=[SOURCE]) as bot:
        await live_november(fake, bot, clock)
        clock.set(DECEMBER_2)
        shown, _ = await ask_report(fake)
        # The first click's post is on its way when the second arrives.
        held = fake.outages.hold("POST", rf"/channels/{organisers.id}/messages$")
        clicks = await asyncio.gather(
            fake.click("olivia", shown, BUTTON), fake.click("olivia", shown, BUTTON)
        )
        await fake.wait_for(lambda: held.waiting >= 1, timeout=15, what="the first post on its way")
        being_posted = f"Ce rapport est en cours de publication dans <#{organisers.id}>."
        await fake.wait_for(
            lambda: any(c.message and c.message.content == being_posted for c in clicks),
            timeout=15,
            what="the second click answered while the first posts",
        )
        held.release()
        answers = sorted([(await click.final_message(timeout=15)).content for click in clicks])
        [posted] = reports(fake)
        assert held.waiting == 1
        assert answers[0] == being_posted
        assert answers[1].startswith(f"Le rapport est publié dans <#{organisers.id}>")
        assert str(posted.id) in answers[1]
        assert await recorded(bot) == ("posted", posted.id)
