"""The engagement report at its edges, through the real bot: a month where only members joined; a live
Q&A with one question and one vote and a poll with two voters, whose counts give no one away; the
features never used having no section; the report in English naming its season as a title; the
channels linked in the embed and named in the CSV; and the 1st of the month with no organisers'
channel, said once in the log."""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, datetime

from tests.e2e import questions_helpers as qa
from tests.e2e.activity_helpers import activity
from tests.e2e.polls_helpers import create_poll, poll_message, vote
from tests.e2e.test_engagement import live_november

OCTOBER_20 = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
NOVEMBER_10 = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
DECEMBER_2 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
CSV = "engagement-month-2026-11.csv"


async def report(fake, period: str = "month", locale: str = "fr"):
    interaction = await fake.run_command("olivia", "engagement report", {"period": period}, locale=locale)
    return await interaction.final_message(timeout=20)


def csv_of(message, delimiter: str = ";") -> dict[str, list[str]]:
    """Each CSV row by key: label, value, previous period's value, change (";" in French, "," in
    English)."""
    [data] = [a.data for a in message.attachments if a.filename.endswith(".csv")]
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter)
    return {row[0]: row[1:] for row in rows}


def embed(message, title: str) -> dict:
    [found] = [e for e in message.embeds if e["title"] == title]
    return found


async def test_a_month_where_only_members_joined_is_reported(agora, fake, clock):
    clock.set(OCTOBER_20)
    async with agora.running(organiser_channel="organisateurs") as bot:
        await fake.wait_for_commands()
        await activity(bot).member_counts.run_now()
        before = len(fake.world.members)
        clock.set(NOVEMBER_10)
        for name in ("emma", "gina", "hugo", "ines"):
            await fake.add_member(name)
        await activity(bot).member_counts.run_now()
        clock.set(DECEMBER_2)
        shown = await report(fake)

    figures = csv_of(shown)
    assert figures["members"][1:] == [str(before + 4), str(before), "4"]
    assert figures["members.growth"][1] == "4"
    summary = shown.embeds[0]["description"]
    assert "Évolution du nombre de membres : **+4**" in summary
    assert not summary.startswith("Rien à")


async def test_one_question_and_a_poll_of_two_voters_give_no_one_away(agora, fake, clock):
    clock.set(NOVEMBER_10)
    async with agora.running(organiser_channel="organisateurs") as bot:
        await fake.wait_for_commands()
        await activity(bot).member_counts.run_now()
        await qa.start_qa(fake)
        board = qa.board_message(fake)
        await qa.ask(fake, "alice", board, "Une seule question ?")
        [question] = qa.questions(fake, qa.thread_of(fake, board))
        await qa.vote(fake, "bob", question)
        await create_poll(fake, question="Quel réseau ?", options="LinkedIn; Slack")
        poll = poll_message(fake)
        await vote(fake, "alice", poll, 0)
        await vote(fake, "bob", poll, 1)
        clock.set(DECEMBER_2)
        shown = await report(fake)

    values = {key: row[1] for key, row in csv_of(shown).items()}
    # alice and bob: 2 active members, 2 voters, 1 asker, 1 question voter — each "< 3"; and what rests
    # on them alone is withheld: 2 votes on a single-choice poll would tell the 2 voters, 1 question
    # its asker, 1 vote its voter, and the share of active members the active members.
    assert (values["active"], values["polls.voters"], values["questions.askers"]) == ("< 3",) * 3
    assert [values[key] for key in ("polls.votes", "questions.asked", "questions.votes")] == ["masqué"] * 3
    assert values["active.share"] == "masqué"
    assert "Part des membres actifs : **masqué**" in shown.embeds[0]["description"]
    questions = embed(shown, "Questions en direct")["description"]
    assert "Questions posées : **masqué**" in questions


async def test_a_feature_never_used_has_no_section(agora, fake, clock):
    clock.set(NOVEMBER_10)
    async with agora.running(organiser_channel="organisateurs") as bot:
        await live_november(fake, bot, clock)  # a poll; no event, no live Q&A, no feed
        clock.set(DECEMBER_2)
        shown = await report(fake)

    titles = [e["title"] for e in shown.embeds]
    assert titles == ["Engagement — novembre 2026", "Discussions dans les salons", "Sondages"]
    assert not [key for key in csv_of(shown) if key.split(".")[0] in ("events", "questions", "articles")]


async def test_an_english_report_names_its_season_as_a_title(agora, fake, clock):
    clock.set(NOVEMBER_10)
    async with agora.running(organiser_channel="organisateurs") as bot:
        await live_november(fake, bot, clock)
        clock.set(DECEMBER_2)
        shown = await report(fake, "season", locale="en-GB")

    assert shown.embeds[0]["title"] == "Engagement — Autumn 2026"
    assert shown.embeds[0]["description"].startswith("**Autumn 2026**, compared with summer 2026")
    assert csv_of(shown, ",")["period"][1:3] == ["autumn 2026", "summer 2026"]


async def test_channels_are_linked_in_the_embed_and_named_in_the_csv(agora, fake, clock):
    clock.set(NOVEMBER_10)
    async with agora.running(organiser_channel="organisateurs") as bot:
        await live_november(fake, bot, clock)
        clock.set(DECEMBER_2)
        shown = await report(fake)

    general = fake.channel("général").id
    chat = embed(shown, "Discussions dans les salons")["description"].split("\n")
    assert f"<#{general}> — **6** messages · **3** auteurs" in chat
    assert csv_of(shown)[f"chat.channel.{general}.messages"][0] == "#général — messages"
    assert not shown.pings_anyone


async def test_the_first_of_the_month_without_an_organisers_channel_is_logged_once(
    agora, fake, clock, caplog
):
    clock.set(NOVEMBER_10)
    with caplog.at_level(logging.INFO, logger="cogs.pulse.engagement"):
        async with agora.running() as bot:
            await live_november(fake, bot, clock)
            clock.set(DECEMBER_2)
            monthly = bot.get_cog("EngagementCog").monthly
            assert await monthly.run_now() == 0
            assert await monthly.run_now() == 0

    waits = [r for r in caplog.records if "2026-11" in r.getMessage() and "waits" in r.getMessage()]
    assert [(r.levelno, r.getMessage()) for r in waits] == [
        (
            logging.INFO,
            f"engagement report of 2026-11 for guild {fake.guild.id} waits: "
            "no organisers' channel (AGORA_ORGANISER_CHANNEL)",
        )
    ]
    assert not [m for m in fake.messages("général") if m.embeds and "Engagement" in m.embeds[0]["title"]]
