"""The engagement report's figures on a real SQLite file: activity and member counts written through
the real ActivityStore, who took part and each feature's part given by fake sources on a real Pulse.
Every expected figure is computed here by hand; then the "< 3" rule, the changes against the previous
period, and a period with nothing in it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agora.clock import epoch
from agora.database import Database
from agora.i18n import Catalogue
from agora.pulse import Discussion, EngagementPart, Figure, FunnelStep, Pulse, Span
from cogs.pulse.activity.activity_store import ActivityStore, DayTally
from cogs.pulse.activity.sketch import AuthorKey, AuthorSketch
from cogs.pulse.engagement.export import report_csv
from cogs.pulse.engagement.figures import Report, Row, build_report, delta
from cogs.pulse.engagement.history_store import HistoryStore
from cogs.pulse.engagement.measuring import Measurer
from cogs.pulse.engagement.periods import last_complete
from cogs.pulse.engagement.render import change_text, report_embeds, value_text

GUILD = 7
KEY = AuthorKey(bytes(range(AuthorKey.SIZE)))  # the authors' hashes keyed, the same on every run
ZURICH = ZoneInfo("Europe/Zurich")
GENERAL, NEWS, CHAT_THREAD, ARTICLE_THREAD = 10, 11, 12, 99
NOVEMBER = last_complete("month", datetime(2026, 12, 1, 12, tzinfo=UTC), ZURICH)
NAMES = {GENERAL: "#général", NEWS: "#annonces", ARTICLE_THREAD: "#Un article"}


def moment(month: int, day: int) -> int:
    return epoch(datetime(2026, month, day, 12, tzinfo=UTC))


@dataclass
class FakeSource:
    """Took part: (member, when); parts: what `engagement` gives for a span starting at that moment."""

    name: str
    took_part: list[tuple[int, int]] = field(default_factory=list)
    parts: dict[int, EngagementPart] = field(default_factory=dict)

    async def participants(self, guild_id: int, span: Span) -> frozenset[int]:
        return frozenset(member for member, at in self.took_part if at in span and guild_id == GUILD)

    async def engagement(self, guild_id: int, span: Span, words) -> EngagementPart | None:
        return self.parts.get(span.start)


@pytest.fixture(scope="module")
def words():
    return Catalogue.load("fr").words("fr")


@pytest.fixture
async def activity(tmp_path: Path) -> AsyncIterator[ActivityStore]:
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield ActivityStore(database)


async def wrote(
    store: ActivityStore,
    channel: int,
    day: str,
    messages: int,
    authors: Sequence[int],
    *,
    parent: int | None = None,
) -> None:
    sketch = AuthorSketch()
    sketch.add(authors, KEY)
    await store.add([DayTally(GUILD, channel, day, messages, sketch, parent)])


def measurer(activity: ActivityStore, *sources: FakeSource) -> Measurer:
    pulse = Pulse()
    for source in sources:
        pulse.measure(source)
    return Measurer(pulse, activity, HistoryStore(activity.database), ZURICH)


async def report_of(activity: ActivityStore, words, *sources: FakeSource) -> Report:
    measuring = measurer(activity, *sources)
    now, before = await measuring.measure(GUILD, NOVEMBER, words, NAMES.__getitem__)
    return build_report(now, before, words)


def rows(report: Report) -> dict[str, Row]:
    return {row.figure.key: row for block in report.blocks for row in block.every_row()}


@pytest.fixture
async def community(activity: ActivityStore) -> tuple[ActivityStore, FakeSource, FakeSource]:
    # Member counts: the last one before October, October's last, November's last (not its first).
    for day, members in [("2026-09-30", 100), ("2026-10-31", 110), ("2026-11-02", 112), ("2026-11-30", 120)]:
        await activity.record_member_count(GUILD, day, members)
    # October: 3 messages in #général by members 1, 2, 3.
    await wrote(activity, GENERAL, "2026-10-20", 3, [1, 2, 3])
    # November: #général 5 messages by 1, 2, 3 on the 3rd and 3 by 3, 4 on the 4th, and a thread in it 2
    # by 3, 4 (4 distinct authors); #annonces 2 by member 1; the article's thread (in #annonces) 4 by 5,
    # 6, 7 (and 1 in October, before it was shared).
    await wrote(activity, GENERAL, "2026-11-03", 5, [1, 2, 3])
    await wrote(activity, GENERAL, "2026-11-04", 3, [3, 4])
    await wrote(activity, CHAT_THREAD, "2026-11-06", 2, [3, 4], parent=GENERAL)
    await wrote(activity, NEWS, "2026-11-04", 2, [1])
    await wrote(activity, ARTICLE_THREAD, "2026-11-10", 4, [5, 6, 7], parent=NEWS)
    await wrote(activity, ARTICLE_THREAD, "2026-10-31", 1, [8], parent=NEWS)  # 31 October: not a reply
    # Who took part: member 1 in September; 1, 2, 3, 4 in October; 3, 4, 5, 6, 7 in November.
    polls = FakeSource(
        "polls", [(1, moment(9, 15)), (1, moment(10, 5)), (2, moment(10, 6)), (3, moment(11, 3))]
    )
    events = FakeSource("events", [(3, moment(10, 7)), (4, moment(10, 8)), (4, moment(11, 4))])
    events.took_part += [(5, moment(11, 5)), (6, moment(11, 5)), (7, moment(11, 20))]
    november, october = NOVEMBER.span(ZURICH).start, NOVEMBER.previous().span(ZURICH).start
    funnel = (
        FunnelStep("interested", "Intéressés", 10),
        FunnelStep("registered", "Inscrits", 6),
        FunnelStep("checked_in", "Présents", 2),
    )
    events.parts[november] = EngagementPart(
        "events",
        "Événements",
        figures=(
            Figure("events.count", "Événements", 1),
            Figure("events.registered", "Inscrits", 6, people=True),
            Figure("events.rating", "Note moyenne", 4.5, "average", base=2),
            Figure("events.response_rate", "Taux de réponse", 0.5, "rate", base=10),
        ),
        funnel=funnel,
    )
    events.parts[october] = EngagementPart(
        "events",
        "Événements",
        figures=(
            Figure("events.count", "Événements", 2),
            Figure("events.registered", "Inscrits", 4, people=True),
            Figure("events.rating", "Note moyenne", 4.0, "average", base=5),
            Figure("events.response_rate", "Taux de réponse", 0.25, "rate", base=8),
        ),
    )
    feeds = FakeSource("feeds")
    feeds.parts[november] = EngagementPart(
        "articles",
        "Articles",
        figures=(Figure("articles.shared", "Articles partagés", 2),),
        discussions=(
            Discussion("Sans fil", "https://blog.example/b", None, moment(11, 1)),
            Discussion("Un article", "https://blog.example/a", ARTICLE_THREAD, moment(11, 9)),
        ),
    )
    return activity, polls, events, feeds


async def test_members_growth_and_active_members_are_counted_as_by_hand(community, words):
    activity, *sources = community
    figures = rows(await report_of(activity, words, *sources))
    assert figures["members"].figure.value == 120  # the last count in November, not the first
    assert figures["members.growth"].figure.value == 120 - 110
    assert figures["members.growth"].previous.value == 110 - 100
    assert delta(figures["members"]) == 10 and delta(figures["members.growth"]) == 0
    assert figures["active"].figure.value == 5  # 3, 4, 5, 6, 7
    assert figures["active"].previous.value == 4  # 1, 2, 3, 4
    assert figures["active.share"].figure.value == pytest.approx(5 / 120)
    assert delta(figures["active.share"]) == pytest.approx(5 / 120 - 4 / 110)
    assert figures["active.first_time"].figure.value == 3  # 5, 6, 7: in nothing before November
    assert figures["active.returning"].figure.value == 2  # 3 and 4
    assert figures["active.first_time"].previous.value == 3  # 2, 3, 4: member 1 was there in September
    assert figures["active.returning"].previous.value == 1


async def test_chat_counts_messages_and_distinct_authors_and_leaves_article_threads_to_the_articles(
    community, words
):
    activity, *sources = community
    report = await report_of(activity, words, *sources)
    figures = rows(report)
    assert figures["chat.messages"].figure.value == 5 + 3 + 2 + 2 + 4
    assert figures["chat.authors"].figure.value == 7  # 1 to 7, each once
    assert figures["chat.messages"].previous.value == 3 + 1
    chat = next(block for block in report.blocks if block.key == "chat")
    # The thread in #général is folded into it; the article's, in #annonces, is the article's only.
    assert [channel.name for channel in chat.channels] == ["#général", "#annonces"]
    general, news = chat.channels
    assert (general.messages.figure.value, general.authors.figure.value) == (5 + 3 + 2, 4)
    assert (general.messages.previous.value, general.authors.previous.value) == (3, 3)
    assert (news.messages.figure.value, news.authors.figure.value) == (2, 1)
    articles = next(block for block in report.blocks if block.key == "articles")
    assert figures["articles.replies"].figure.value == 4  # November's messages in the thread only
    assert [(a.title, a.replies) for a in articles.top] == [("Un article", 4), ("Sans fil", 0)]


async def test_counts_of_one_or_two_people_show_as_fewer_than_three_and_hide_their_change(community, words):
    activity, *sources = community
    report = await report_of(activity, words, *sources)
    figures = rows(report)
    returning = figures["active.returning"]
    assert value_text(returning.figure, words) == "< 3"
    assert value_text(returning.previous, words) == "< 3"
    assert change_text(returning, words) is None
    chat = next(block for block in report.blocks if block.key == "chat")
    general, news = chat.channels
    assert value_text(news.authors.figure, words) == "< 3"
    # Its 2 messages rest on that 1 author: withheld, with their change.
    assert value_text(news.messages.figure, words, withheld=news.messages.withheld) == "masqué"
    assert change_text(news.messages, words) is None
    # The server's 16 messages, less the articles' 4 replies and #général's 10, would tell them:
    # #général's, the other channel's, are withheld with them; its authors are shown.
    assert value_text(general.messages.figure, words, withheld=general.messages.withheld) == "masqué"
    assert change_text(general.messages, words) is None
    assert value_text(general.authors.figure, words) == "4"
    assert value_text(figures["chat.messages"].figure, words) == "16"
    # A rating resting on 2 answers is not shown, nor its change; a rate on 10 answers is.
    assert value_text(figures["events.rating"].figure, words) == "< 3 réponses"
    assert change_text(figures["events.rating"], words) is None
    assert value_text(figures["events.response_rate"].figure, words) == "50\u00a0%"
    assert change_text(figures["events.response_rate"], words) == "+25\u00a0pts"
    # A funnel step the part gives no figure for becomes one, under the same rule.
    assert value_text(figures["events.funnel.checked_in"].figure, words) == "< 3"
    assert "events.funnel.registered" not in figures  # given as events.registered already
    assert value_text(figures["active"].figure, words) == "5"
    assert change_text(figures["active"], words) == "+1"
    assert change_text(figures["members"], words) == "+10"


async def test_the_csv_holds_every_figure_with_the_same_rule(community, words):
    activity, *sources = community
    report = await report_of(activity, words, *sources)
    text = report_csv(report, words, period="novembre 2026", previous="octobre 2026").decode("utf-8-sig")
    lines = {line.split(";")[0]: line.split(";") for line in text.split("\r\n") if line}
    assert lines["clé"] == ["clé", "chiffre", "valeur", "période précédente", "évolution"]
    assert lines["period"][2:4] == ["novembre 2026", "octobre 2026"]
    assert lines["members"][2:] == ["120", "110", "10"]
    assert lines["active.returning"][2:] == ["< 3", "< 3", ""]
    assert lines["active.share"][1].endswith("(%)")
    assert lines["active.share"][2] == "4,2"  # 5 of 120
    assert lines["events.rating"][2:] == ["< 3 réponses", "4", ""]
    assert lines[f"chat.channel.{NEWS}.authors"][2:] == ["< 3", "0", ""]
    assert lines[f"chat.channel.{NEWS}.messages"][2:] == ["masqué", "0", ""]
    assert lines[f"chat.channel.{GENERAL}.messages"][1:] == ["#général — messages", "masqué", "3", ""]
    assert lines["articles.discussion.1"][1:3] == ["Un article", "4"]


async def test_the_trend_gives_each_day_its_messages_and_active_members(community, words):
    activity, *sources = community
    report = await report_of(activity, words, *sources)
    assert len(report.trend) == 30
    third, fourth, fifth = report.trend[2], report.trend[3], report.trend[4]
    assert (third.label, third.messages, third.active) == ("3", 5, 1)
    assert (fourth.messages, fourth.active) == (3 + 2, 1)
    assert (fifth.messages, fifth.active) == (0, 2)


async def test_a_period_with_nothing_in_it_is_reported_as_nothing_yet(activity, words):
    report = await report_of(activity, words, FakeSource("polls"))
    assert not report.has_data
    (embed,) = report_embeds(
        report, words, period="novembre 2026", previous="octobre 2026", trend=False, funnel=False
    )
    assert "Rien à rapporter pour novembre 2026" in embed.description


async def test_a_month_where_only_members_joined_has_something_to_report(activity, words):
    await activity.record_member_count(GUILD, "2026-10-20", 10)
    await activity.record_member_count(GUILD, "2026-11-10", 14)
    report = await report_of(activity, words, FakeSource("polls"))
    assert report.has_data
    assert rows(report)["members.growth"].figure.value == 4


async def test_an_empty_month_after_a_lively_one_says_nothing_happened(activity, words):
    await activity.record_member_count(GUILD, "2026-10-20", 10)
    await wrote(activity, GENERAL, "2026-10-21", 3, [1, 2, 3])
    report = await report_of(activity, words, FakeSource("polls"))
    assert not report.has_data and report.history
    (embed,) = report_embeds(
        report, words, period="novembre 2026", previous="octobre 2026", trend=False, funnel=False
    )
    assert embed.description.startswith("Rien à signaler pour novembre 2026 : aucun message")


async def test_an_empty_month_with_someone_active_before_it_says_nothing_happened(activity, words):
    report = await report_of(activity, words, FakeSource("polls", [(1, moment(10, 5))]))
    assert not report.has_data and report.history


async def test_an_empty_first_month_of_counting_is_nothing_yet(activity, words):
    await activity.record_member_count(GUILD, "2026-11-20", 10)  # installed on 20 November
    report = await report_of(activity, words, FakeSource("polls"))
    assert not report.has_data and not report.history


async def test_the_month_before_agora_counted_from_its_start_has_no_chat_to_compare_with(activity, words):
    # Installed on 20 October: October's messages and authors were not all counted.
    await activity.record_member_count(GUILD, "2026-10-20", 10)
    await activity.record_member_count(GUILD, "2026-10-31", 11)
    await activity.record_member_count(GUILD, "2026-11-30", 14)
    await wrote(activity, GENERAL, "2026-10-25", 3, [1, 2, 3])
    await wrote(activity, GENERAL, "2026-11-03", 5, [1, 2, 3])
    voted = FakeSource("polls", [(1, moment(10, 5)), (2, moment(10, 5)), (3, moment(10, 6))])
    voted.took_part += [(n, moment(11, 4)) for n in (1, 2, 3, 4)]
    figures = rows(await report_of(activity, words, voted))
    for key in ("chat.messages", "chat.authors", f"chat.channel.{GENERAL}.messages"):
        assert figures[key].previous.value is None and delta(figures[key]) is None, key
        assert value_text(figures[key].previous, words) == "—"
    assert figures["chat.messages"].figure.value == 5
    # The member count at the end of October was read, on the 31st: it stands, as does the change.
    assert (figures["members"].previous.value, delta(figures["members"])) == (11, 3)
    assert figures["members.growth"].previous.value is None  # nothing counted before October
    # Votes have their own timestamps, from before Agora counted messages: compared as ever.
    assert (figures["active"].previous.value, delta(figures["active"])) == (3, 1)


async def test_counting_from_a_message_counts_as_counting(activity, words):
    """A server whose member count Discord never gave: its first counted message dates the start."""
    await wrote(activity, GENERAL, "2026-09-30", 1, [1])
    await wrote(activity, GENERAL, "2026-10-25", 3, [1, 2, 3])
    await wrote(activity, GENERAL, "2026-11-03", 5, [1, 2, 3])
    figures = rows(await report_of(activity, words, FakeSource("polls")))
    assert (figures["chat.messages"].previous.value, delta(figures["chat.messages"])) == (3, 2)
