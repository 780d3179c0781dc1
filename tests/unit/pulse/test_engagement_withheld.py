"""No figure of the engagement report gives a hidden one away: by a subtraction (the active members are
the first-time ones plus the returning ones, so when either is "< 3" the other is withheld, with the
changes of both, in the embed and in the CSV; a channel's messages from the server's), by resting on 1
or 2 people (votes, questions, a channel's messages) or on a count hidden (the share of active
members). And what the report says of a period with nothing in it, or of one Agora did not count from
its start. The figures here are set by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agora.i18n import Catalogue
from agora.pulse import EngagementPart, Figure, FunnelStep
from cogs.pulse.engagement.export import report_csv
from cogs.pulse.engagement.figures import (
    ChannelCount,
    Measured,
    Report,
    Row,
    build_report,
    delta,
    funnel_counts,
)
from cogs.pulse.engagement.render import change_text, report_embeds, value_text


@pytest.fixture(scope="module")
def words():
    return Catalogue.load("fr").words("fr")


def measured(active: int, first_time: int, parts: tuple[EngagementPart, ...] = ()) -> Measured:
    return Measured(
        members=100,
        members_before=90,
        active=active,
        first_time=first_time,
        messages=50,
        authors=9,
        parts=parts,
    )


def rows(report: Report) -> dict[str, Row]:
    return {row.figure.key: row for block in report.blocks for row in block.every_row()}


def csv_rows(report: Report, words) -> dict[str, list[str]]:
    text = report_csv(report, words, period="novembre 2026", previous="octobre 2026").decode("utf-8-sig")
    return {line.split(";")[0]: line.split(";")[1:] for line in text.split("\r\n") if line}


def summary(report: Report, words) -> str:
    embeds = report_embeds(
        report, words, period="novembre 2026", previous="octobre 2026", trend=False, funnel=False
    )
    return embeds[0].description


def test_one_returning_member_among_ten_active_withholds_the_first_timers(words):
    # November: 10 active, 9 of them first-time, so 1 returning; October: 5 active, all first-time.
    report = build_report(measured(10, 9), measured(5, 5), words)
    figures = rows(report)
    first_time, returning = figures["active.first_time"], figures["active.returning"]
    assert (first_time.figure.value, returning.figure.value) == (9, 1)
    assert value_text(returning.figure, words) == "< 3"
    # 10 − 9 would tell the returning member is alone: the 9 is not shown either, nor either change.
    assert value_text(first_time.figure, words, withheld=first_time.withheld) == "masqué"
    assert delta(first_time) is None and delta(returning) is None
    assert change_text(first_time, words) is None and change_text(returning, words) is None
    # October's own figures (5 and 0) are shown: neither was hidden then.
    assert value_text(first_time.previous, words, withheld=first_time.previous_withheld) == "5"
    assert value_text(returning.previous, words, withheld=returning.previous_withheld) == "0"
    # The total and its change stay: they give neither part away.
    assert value_text(figures["active"].figure, words) == "10"
    assert delta(figures["active"]) == 10 - 5

    text = summary(report, words)
    assert "Membres actifs (votes, inscriptions, présences, avis, questions) : **10** (+5)" in text
    assert "Actifs pour la première fois : **masqué**\n" in text + "\n"
    assert "Actifs déjà auparavant : **< 3**\n" in text + "\n"

    cells = csv_rows(report, words)
    assert cells["active.first_time"][1:] == ["masqué", "5", ""]
    assert cells["active.returning"][1:] == ["< 3", "0", ""]
    assert cells["active"][1:] == ["10", "5", "5"]


def test_two_first_timers_among_twelve_active_withhold_the_returning_members(words):
    report = build_report(measured(12, 2), measured(4, 4), words)
    figures = rows(report)
    assert value_text(figures["active.first_time"].figure, words) == "< 3"
    returning = figures["active.returning"]
    assert returning.figure.value == 10 and returning.withheld
    assert csv_rows(report, words)["active.returning"][1:] == ["masqué", "0", ""]


def test_a_previous_period_with_a_hidden_part_withholds_its_other_part_and_the_change(words):
    # November: 20 active, 15 first-time, 5 returning (all shown); October: 8 active, 6 and 2.
    report = build_report(measured(20, 15), measured(8, 6), words)
    figures = rows(report)
    first_time = figures["active.first_time"]
    assert value_text(first_time.figure, words, withheld=first_time.withheld) == "15"
    assert first_time.previous_withheld and delta(first_time) is None
    assert csv_rows(report, words)["active.first_time"][1:] == ["15", "masqué", ""]
    assert csv_rows(report, words)["active.returning"][1:] == ["5", "< 3", ""]


def test_parts_both_shown_keep_their_values_and_changes(words):
    report = build_report(measured(20, 15), measured(12, 6), words)
    cells = csv_rows(report, words)
    assert cells["active.first_time"][1:] == ["15", "6", "9"]
    assert cells["active.returning"][1:] == ["5", "6", "-1"]


def test_both_parts_hidden_stay_hidden_without_anything_withheld(words):
    report = build_report(measured(3, 2, ()), measured(0, 0), words)
    figures = rows(report)
    assert (figures["active.first_time"].withheld, figures["active.returning"].withheld) == (False, False)
    assert csv_rows(report, words)["active.first_time"][1] == "< 3"
    assert csv_rows(report, words)["active.returning"][1] == "< 3"


def test_the_funnel_chart_draws_no_bar_for_a_step_the_report_hides(words):
    steps = (FunnelStep("interested", "Intéressés", 12), FunnelStep("feedback", "Avis", 2))
    part = EngagementPart(
        "events",
        "Événements",
        figures=(Figure("events.feedback", "Avis", 2, people=True),),
        funnel=(*steps, FunnelStep("came", "Présents", 1)),
    )
    report = build_report(measured(10, 10, (part,)), measured(0, 0), words)
    [events] = [block for block in report.blocks if block.key == "events"]
    assert funnel_counts(events) == [12, None, None]


def polls(voters: int, votes: int) -> EngagementPart:
    return EngagementPart(
        "polls",
        "Sondages",
        figures=(
            Figure("polls.voters", "Votant·e·s", voters, people=True),
            Figure("polls.votes", "Votes exprimés", votes, base=voters),
        ),
    )


def test_a_count_resting_on_one_or_two_people_is_withheld_with_its_change(words):
    # November: 2 voters cast 2 votes (one each, on a single-choice poll); October: 4 voters, 5 votes.
    report = build_report(measured(10, 10, (polls(2, 2),)), measured(5, 5, (polls(4, 5),)), words)
    votes = rows(report)["polls.votes"]
    assert value_text(votes.figure, words) == "masqué"
    assert delta(votes) is None
    assert value_text(votes.previous, words) == "5"
    assert csv_rows(report, words)["polls.votes"][1:] == ["masqué", "5", ""]
    assert csv_rows(report, words)["polls.voters"][1:] == ["< 3", "4", ""]


def test_a_count_resting_on_no_one_or_on_three_shows(words):
    report = build_report(measured(10, 10, (polls(3, 4),)), measured(5, 5, (polls(0, 0),)), words)
    assert csv_rows(report, words)["polls.votes"][1:] == ["4", "0", "4"]


def test_the_share_of_active_members_is_withheld_when_they_are_fewer_than_three(words):
    report = build_report(measured(2, 2), measured(0, 0), words)
    share = rows(report)["active.share"]
    # It rests on the 2 active members (2 % of 100 members), not on anyone's answers.
    assert value_text(share.figure, words, withheld=share.withheld) == "masqué"
    assert value_text(share.previous, words, withheld=share.previous_withheld) == "0\u00a0%"
    assert delta(share) is None
    assert "Part des membres actifs : **masqué**" in summary(report, words)
    assert csv_rows(report, words)["active.share"][1:] == ["masqué", "0", ""]


def chat(channels: tuple[ChannelCount, ...], replies: int = 0, authors: int = 9) -> Measured:
    """A period of `channels`, and `replies` in an article's thread (thread 99)."""
    return Measured(
        members=100,
        members_before=90,
        active=10,
        first_time=10,
        messages=sum(c.messages for c in channels) + replies,
        authors=authors,
        channels=channels,
        replies={99: replies} if replies else {},
    )


def chat_rows(report: Report) -> dict[str, str]:
    return {k: v[1] for k, v in csv_rows(report, FR).items() if k.startswith("chat.")}


FR = Catalogue.load("fr").words("fr")
GENERAL, CAFE, NEWS = 1, 2, 3


def test_a_channels_messages_written_by_one_or_two_people_are_withheld(words):
    channels = (
        ChannelCount(GENERAL, "#général", 20, 5),
        ChannelCount(NEWS, "#annonces", 4, 3),
        ChannelCount(CAFE, "#café", 1, 1),
    )
    report = build_report(chat(channels), chat(()), words)
    # #café's 1 message tells its author is alone; the server's 25 less #général's 20 would tell
    # #café's too, so the smallest other channel's (#annonces) are withheld with them.
    assert chat_rows(report) == {
        "chat.messages": "25",
        "chat.authors": "9",
        f"chat.channel.{GENERAL}.messages": "20",
        f"chat.channel.{GENERAL}.authors": "5",
        f"chat.channel.{NEWS}.messages": "masqué",
        f"chat.channel.{NEWS}.authors": "3",
        f"chat.channel.{CAFE}.messages": "masqué",
        f"chat.channel.{CAFE}.authors": "< 3",
    }
    embeds = report_embeds(
        report, words, period="novembre 2026", previous="octobre 2026", trend=False, funnel=False
    )
    lines = embeds[1].description.split("\n")
    # Each channel a link to it (a mention in an embed pings no one); the CSV keeps its name.
    assert f"<#{CAFE}> — **masqué** messages · **< 3** auteurs" in lines
    assert f"<#{GENERAL}> — **20** (+20) messages · **5** (+5) auteurs" in lines
    assert csv_rows(report, words)[f"chat.channel.{CAFE}.messages"][0] == "#café — messages"


def test_one_channel_hidden_alone_withholds_the_servers_messages(words):
    # #café: 3 messages by 1 author; the article's thread: 4 replies. 7 − 4 would tell #café's.
    report = build_report(chat((ChannelCount(CAFE, "#café", 3, 1),), replies=4, authors=4), chat(()), words)
    cells = chat_rows(report)
    assert (cells["chat.messages"], cells[f"chat.channel.{CAFE}.messages"]) == ("masqué", "masqué")


def test_two_channels_hidden_withhold_nothing_more(words):
    channels = (
        ChannelCount(GENERAL, "#général", 20, 5),
        ChannelCount(NEWS, "#annonces", 4, 2),
        ChannelCount(CAFE, "#café", 1, 1),
    )
    cells = chat_rows(build_report(chat(channels), chat(()), words))
    assert [cells[f"chat.channel.{c}.messages"] for c in (GENERAL, NEWS, CAFE)] == ["20", "masqué", "masqué"]
    assert cells["chat.messages"] == "25"


def test_the_servers_messages_by_one_or_two_authors_are_withheld(words):
    report = build_report(chat((ChannelCount(GENERAL, "#général", 5, 2),), authors=2), chat(()), words)
    assert chat_rows(report)["chat.messages"] == "masqué"
    assert delta(rows(report)["chat.messages"]) is None


def test_a_channel_gone_is_named_not_linked(words):
    gone = ChannelCount(CAFE, "salon ou fil introuvable", 8, 4, found=False)
    report = build_report(chat((gone,)), chat(()), words)
    embeds = report_embeds(
        report, words, period="novembre 2026", previous="octobre 2026", trend=False, funnel=False
    )
    assert "salon ou fil introuvable — **8** (+8) messages · **4** (+4) auteurs" in embeds[1].description
    assert "<#" not in embeds[1].description


def test_a_month_where_only_members_joined_has_something_to_report(words):
    quiet = Measured(members=14, members_before=10, active=0, first_time=0, messages=0, authors=0)
    before = Measured(members=10, members_before=None, active=0, first_time=0, messages=0, authors=0)
    assert build_report(quiet, before, words).has_data
    unchanged = Measured(members=10, members_before=10, active=0, first_time=0, messages=0, authors=0)
    assert not build_report(unchanged, before, words).has_data


def test_an_empty_period_after_others_says_nothing_happened_and_a_first_one_nothing_yet(words):
    empty = Measured(members=10, members_before=10, active=0, first_time=0, messages=0, authors=0)
    before = Measured(members=10, members_before=None, active=0, first_time=0, messages=0, authors=0)

    def said(measured: Measured) -> str:
        report = build_report(measured, before, words)
        [embed] = report_embeds(
            report, words, period="novembre 2026", previous="octobre 2026", trend=False, funnel=False
        )
        return embed.description

    assert said(empty).startswith("Rien à rapporter pour novembre 2026 : aucune activité enregistrée")
    assert said(replace(empty, history=True)).startswith(
        "Rien à signaler pour novembre 2026 : aucun message, aucun vote"
    )


def test_a_previous_period_agora_did_not_count_from_its_start_has_no_chat_to_compare_with(words):
    now = chat((ChannelCount(GENERAL, "#général", 6, 3),), authors=3)
    before = replace(chat((ChannelCount(GENERAL, "#général", 2, 2),), authors=2), counted=False)
    report = build_report(now, before, words)
    cells = csv_rows(report, words)
    assert cells["chat.messages"][1:] == ["6", "", ""]
    assert cells["chat.authors"][1:] == ["3", "", ""]
    assert cells[f"chat.channel.{GENERAL}.messages"] == ["#général — messages", "6", "", ""]
    # Taking part has its own timestamps: compared as ever.
    assert cells["active"][1:] == ["10", "10", "0"]
    text = report_embeds(
        report, words, period="novembre 2026", previous="octobre 2026", trend=False, funnel=False
    )[1].description
    assert "Messages : **6**\n" in text
    assert f"<#{GENERAL}> — **6** messages · **3** auteurs" in text
