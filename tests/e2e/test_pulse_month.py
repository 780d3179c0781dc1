"""The community's pulse end to end, continued: the same life as test_pulse_week.py (October seeded, a
week of November through every real feature; pulse_week_helpers.py) → on the 1st of December the
monthly engagement report, posted on its own in the organisers' channel, and /engagement report.

Every figure is computed here by hand from what the scenario's constants say each member did, then
read in the CSV attached to the post and in its embeds: members and their growth from the member
counts, active members (voters ∪ registrants ∪ checked in ∪ feedback ∪ askers and question voters),
first-time against returning (October's voters were active before), the events funnel, the response
rate, the rating and the NPS, the polls' count and median turnout, messages per channel, the articles'
replies and the five most discussed; the "< 3" rule on counts of 1 or 2 people; the deltas against
October."""

from __future__ import annotations

from statistics import mean, median

from tests.e2e import pulse_week_helpers as life
from tests.e2e.test_engagement import ask_report, files_of, read_csv

NOVEMBER, OCTOBER = "Engagement — novembre 2026", "Engagement — octobre 2026"
CSV = "engagement-month-2026-11.csv"


def decimal(value: float) -> str:
    """One decimal with a comma, as the French CSV writes rates and averages."""
    return f"{value:.1f}".replace(".", ",")


def lines(report, title: str) -> list[str]:
    [embed] = [embed for embed in report.embeds if embed["title"] == title]
    return embed["description"].split("\n")


async def test_the_months_report_on_the_first_counts_by_hand_what_the_community_did(
    agora, fake, clock, feed_server
):
    week = await life.live_the_week(agora, fake, clock, feed_server)
    clock.set(life.END_OF_NOVEMBER)
    async with life.running(agora) as bot:
        monthly = bot.get_cog("EngagementCog").monthly
        assert await monthly.run_now() == 0  # November is not over in Zurich
        clock.set(life.FIRST_OF_DECEMBER)
        assert await monthly.run_now() == 1
        assert await monthly.run_now() == 0
        [posted] = life.reports(fake, NOVEMBER)
        asked, shown = await ask_report(fake)
        _, nothing_yet = await ask_report(fake, period="quarter")

    assert not posted.pings_anyone and not posted.components
    assert sorted(files_of(posted)) == [CSV, "funnel.png", "trend.png"]
    figures = read_csv(files_of(posted)[CSV])
    # An organiser asking gets the same report, privately, with the button to post it.
    assert asked.is_ephemeral and shown.embeds == posted.embeds
    assert read_csv(files_of(shown)[CSV]) == figures
    assert shown.components[0]["components"][0]["custom_id"] == "engagement:post:month:2026-11"
    # October's own report, posted when the bot came back in November, is what November is compared with.
    [october] = life.reports(fake, OCTOBER)
    before = read_csv(files_of(october)["engagement-month-2026-10.csv"])
    assert [before[key][1] for key in ("active", "polls.voters")] == [
        figures[key][2] for key in ("active", "polls.voters")
    ]
    # October's 3 messages, by alice and bob alone, are withheld in its own report; and Agora counted
    # from 20 October only, so November has no chat of October's to compare with.
    assert before["chat.messages"][1] == "masqué"
    assert figures["chat.messages"][2] == ""
    # Nothing of Agora's before October: the last quarter (July to September) has nothing to report.
    assert nothing_yet.embeds[0]["description"].startswith("Rien à rapporter pour T3 2026")
    assert not nothing_yet.attachments

    def row(key: str) -> list[str]:
        """value, previous period's value, change — as the CSV writes them."""
        return figures[key][1:]

    assert row("period") == ["novembre 2026", "octobre 2026", ""]

    # Members: the last count of November against the last before it (October's).
    members, members_before = week.members_in_november, week.members_in_october
    assert members - members_before == len(life.JOINING)
    assert row("members") == [str(members), str(members_before), str(members - members_before)]
    assert row("members.growth") == [str(members - members_before), "", ""]  # none counted before October

    voters = {*life.BY_HAND_VOTES, *life.AT_DEADLINE_VOTES, *life.STILL_OPEN_VOTES}
    registrants = {*life.REGISTERED, *life.MORNING_REGISTERED}
    came, answered, asked = {*life.CHECKED_IN}, {*life.FEEDBACK}, {life.ASKER, *life.QUESTION_VOTERS}
    active = voters | registrants | came | answered | asked
    earlier = {*life.OCTOBER_VOTERS}
    first_time, returning = active - earlier, active & earlier
    assert (len(active), len(first_time), len(returning)) == (6, 4, 2)
    assert row("active") == [str(len(active)), str(len(earlier)), str(len(active) - len(earlier))]
    share, share_before = 100 * len(active) / members, 100 * len(earlier) / members_before
    assert row("active.share") == [decimal(share), decimal(share_before), decimal(share - share_before)]
    # 2 returning members: "< 3", and no change that would give the count away; nor the first-time
    # members, as active − first-time would tell it (October's 3 and 0 were both shown).
    assert row("active.first_time") == ["masqué", "3", ""]
    assert row("active.returning") == ["< 3", "0", ""]

    # Chat: every message of the month, the articles' threads included; distinct authors over all.
    # Agora counted from 20 October only: October's chat is not compared with ("—", no change).
    thread_replies = {n: sum(authors.values()) for n, authors in life.THREAD_REPLIES.items()}
    messages = sum(life.GENERAL.values()) + sum(life.IN_CAFE.values()) + sum(thread_replies.values())
    authors = {*life.GENERAL, *life.IN_CAFE, *(a for by in life.THREAD_REPLIES.values() for a in by)}
    assert row("chat.messages") == [str(messages), "", ""]
    assert row("chat.authors") == [str(len(authors)), "", ""]
    general, cafe = fake.channel("général").id, fake.channel(life.CAFE).id
    # #café's messages rest on chloe and david alone: withheld; and the server's, less the articles'
    # replies and #général's, would tell them, so #général's are withheld with them.
    assert row(f"chat.channel.{cafe}.messages") == ["masqué", "", ""]
    assert row(f"chat.channel.{cafe}.authors") == ["< 3", "", ""]
    assert row(f"chat.channel.{general}.messages") == ["masqué", "", ""]
    assert row(f"chat.channel.{general}.authors") == [str(len(life.GENERAL)), "", ""]
    # The articles' threads are the articles' discussion, not channels of their own.
    assert not [key for key in figures if any(f".{thread}." in key for thread in week.threads.values())]

    # Events: the workshop's funnel, and its feedback. October had no event, nor any before it: no
    # section of zeros to compare with.
    funnel = [life.INTERESTED, life.REGISTERED, life.CHECKED_IN, life.FEEDBACK]
    for key, people in zip(("interested", "registered", "checked_in", "feedback"), funnel, strict=True):
        assert row(f"events.{key}") == [str(len(people)), "", ""], key
    assert row("events.count") == ["1", "", ""]
    ratings = [rating for rating, _ in life.FEEDBACK.values()]
    scores = [score for _, score in life.FEEDBACK.values()]
    nps = 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
    rate = round(100 * len(life.FEEDBACK) / len(life.CHECKED_IN))
    assert row("events.response_rate") == [str(rate), "", ""]
    assert row("events.rating") == [decimal(mean(ratings)), "", ""]
    assert row("events.nps") == [str(round(nps)), "", ""]

    # Polls: created in November, the median turnout of those that closed in it, voters and votes.
    turnouts = [len(life.BY_HAND_VOTES), len(life.AT_DEADLINE_VOTES)]  # the third is still open
    votes = len(life.BY_HAND_VOTES) + len(life.AT_DEADLINE_VOTES) + len(life.STILL_OPEN_VOTES)
    october_voters = len(life.OCTOBER_VOTERS)
    assert row("polls.count") == ["3", "1", "2"]
    assert row("polls.median_turnout") == [str(round(median(turnouts))), str(october_voters), "0"]
    assert row("polls.voters") == [str(len(voters)), str(october_voters), str(len(voters) - october_voters)]
    assert row("polls.votes") == [str(votes), str(october_voters), str(votes - october_voters)]

    # Questions: one member asked (shown "< 3"), two voted it up; the question and the votes rest on
    # them alone, so they are withheld. No Q&A before November: nothing to compare with.
    assert row("questions.asked") == ["masqué", "", ""]
    assert row("questions.askers") == ["< 3", "", ""]
    assert row("questions.votes") == ["masqué", "", ""]

    # Articles: every one that reached members, and the replies in their threads. October had no
    # article, nor any feed: nothing to compare either figure with.
    assert row("articles.shared") == [str(len(week.shared)), "", ""]
    assert row("articles.replies") == [str(sum(thread_replies.values())), "", ""]
    ranked = sorted(week.shared, key=lambda n: (-thread_replies.get(n, 0), week.shared.index(n)))
    discussed = [figures[f"articles.discussion.{place}"][:2] for place in range(1, len(ranked) + 1)]
    assert discussed == [
        [f"Article {n} sur le social business", str(thread_replies.get(n, 0))] for n in ranked
    ]

    # The embeds show the same figures, under the same rule.
    summary = lines(posted, NOVEMBER)
    assert f"Membres du serveur (en fin de période) : **{members}** (+{members - members_before})" in summary
    assert "Actifs pour la première fois : **masqué**" in summary
    assert "Actifs déjà auparavant : **< 3**" in summary
    assert f"<#{cafe}> — **masqué** messages · **< 3** auteurs" in lines(
        posted, "Discussions dans les salons"
    )
    assert "Personnes ayant posé une question : **< 3**" in lines(posted, "Questions en direct")
    assert f"Net Promoter Score : **+{round(nps)}**" in lines(posted, "Événements")
    top = [line for line in lines(posted, "Articles") if line[:2] in {f"{p}." for p in range(1, 10)}]
    assert top == [
        f"{place}. [Article {n} sur le social business](https://blog.example.ch/{n}) — réponses : "
        f"{thread_replies.get(n, 0)}"
        for place, n in enumerate(ranked[:5], start=1)
    ]
