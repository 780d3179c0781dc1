import dataclasses

from cogs.events.figures import Response, build_report, turnout
from cogs.events.model import TrackedEvent
from cogs.events.render import (
    TOPICS,
    announcement_embed,
    list_line,
    registered_reminder_text,
    report_embed,
)

WORDS = lambda key, **values: f"{key} {values}"  # noqa: E731 — the keys and values, to check both


def event(**changes) -> TrackedEvent:
    values = dict(
        id=1, discord_id=None, guild_id=2, name="É" * 300, description=None, location="Genève", channel_id=3,
        starts_at=1_796_000_000, ends_at=1_796_010_800, status="completed", completed_at=1_796_010_800,
        language="fr", created_by_agora=True, announcement_message_id=None, call_at=1_796_011_000,
        closes_at=1_796_615_800, call_channel_id=3, call_message_id=4, interested=12, call_dms_at=None,
        reminder_dms_at=None, closed_at=None, report_message_id=None, report_done_at=None, updated_at=0,
    )  # fmt: skip
    values.update(changes)
    return TrackedEvent(**values)


def responses(count: int, text: str) -> list[Response]:
    return [
        Response(user_id=100 + n, rating=n % 5 + 1, recommend=n % 11, useful=text, improve=text,
                 topics=TOPICS[: n % 10], submitted_at=1_796_011_000 + n)
        for n in range(count)
    ]  # fmt: skip


def render(answers: list[Response], anonymous: bool = True):
    report = build_report(answers, interested=12, topic_order=TOPICS, anonymous=anonymous)
    names = {topic: "T" * 100 for topic in TOPICS}
    return report_embed(event(), report, WORDS, topic_names=names, chart_name="c.png", decimal_mark=",")


def test_a_report_with_hundreds_of_long_comments_stays_within_discord_s_embed_limits():
    embed = render(responses(300, "Un commentaire très long " * 40), anonymous=False)
    assert len(embed) <= 6000
    assert len(embed.title) <= 256 and len(embed.description) <= 4096 and len(embed.fields) <= 25
    assert all(len(f.name) <= 256 and 0 < len(f.value) <= 1024 for f in embed.fields)
    assert "feedback.report.more_in_export" in embed.fields[-1].value


def test_comments_cannot_ping_or_format():
    embed = render(responses(1, "@everyone **gras** <@&42>"))
    comments = next(f.value for f in embed.fields if f.name.startswith("feedback.report.useful"))
    assert "@everyone" not in comments.replace("@\u200beveryone", "") and "\\*\\*gras" in comments


def test_an_anonymous_report_names_no_one_and_a_named_one_mentions_authors():
    assert "<@" not in str(render(responses(3, "Bien")).to_dict())
    assert "<@100>" in str(render(responses(3, "Bien"), anonymous=False).to_dict())


def test_without_answers_the_report_still_renders():
    embed = render([])
    assert len(embed) <= 6000 and embed.image.url == "attachment://c.png"


def ends_inside_an_escape(text: str) -> bool:
    """A backslash left at the end (or escaping the ellipsis): an escape cut in half."""
    head = text.removesuffix("…")
    return (len(head) - len(head.rstrip("\\"))) % 2 == 1


def test_a_comment_of_markdown_characters_is_cut_after_escaping_between_escapes():
    embed = render(responses(1, "x" + "*" * 400))
    comments = next(f.value for f in embed.fields if f.name.startswith("feedback.report.useful"))
    quoted = comments.splitlines()[0].removeprefix("> ")
    assert len(quoted) <= 300
    assert quoted.endswith("…") and not ends_inside_an_escape(quoted)


def test_the_list_line_limits_the_escaped_name_without_splitting_an_escape():
    line = list_line(event(name="a" + "_" * 99), 0, lambda key, **v: v.get("name", ""))
    assert len(line) <= 80 and line.startswith("a\\_")
    assert not ends_inside_an_escape(line)


def test_a_long_location_fits_its_field_once_escaped():
    embed = announcement_embed(event(location="a" + "_" * 1000, status="scheduled"), WORDS)
    where = next(f.value for f in embed.fields if f.name.startswith("events.field.where"))
    assert len(where) <= 1024 and where.startswith("a\\_") and not ends_inside_an_escape(where)


def plain(key: str, **values: object) -> str:
    """The key and its values as they would be filled in, in order (no repr escapes)."""
    return " ".join([key, *(f"{name}={value}" for name, value in values.items())])


def test_the_report_shows_the_turnout_in_counts():
    came = turnout(registered=[100, 101, 102, 103], waitlisted=2, attendees={100: "checkin"}, returning=())
    report = build_report(responses(300, "Long " * 60), interested=12, topic_order=TOPICS, anonymous=False)
    report = dataclasses.replace(report, turnout=came)
    embed = report_embed(event(), report, plain, topic_names={}, chart_name=None, decimal_mark=",")
    shown = next(f.value for f in embed.fields if f.name.startswith("feedback.report.turnout"))
    assert "registered=4 waitlisted=2" in shown and "no_shows=3 registered=4 rate=75\u00a0%" in shown
    assert "<@" not in shown and "=100" not in shown
    assert len(embed) <= 6000


def test_a_report_without_registration_or_attendance_has_no_turnout_field():
    report = build_report([], interested=0, topic_order=TOPICS, anonymous=True)
    for nothing in (None, turnout(registered=(), waitlisted=0, attendees={}, returning=())):
        embed = report_embed(
            event(), dataclasses.replace(report, turnout=nothing), WORDS, topic_names={}, chart_name=None,
            decimal_mark=",",
        )  # fmt: skip
        assert not any(f.name.startswith("feedback.report.turnout") for f in embed.fields)


def test_the_reminder_dm_shows_the_title_literally_with_the_event_link():
    text = registered_reminder_text(event(name="@everyone **Matinée**"), plain)
    assert "name=@\u200beveryone \\*\\*Matinée\\*\\*" in text
    assert "link=https://discord.com/events/2/1" in text and text.endswith("feedback.dm.optout_hint")
