from zoneinfo import ZoneInfo

from agora.meetings import Session
from cogs.events.model import TrackedEvent
from cogs.events.programme.render import option_label, panel_embed, session_fields, typed_time
from cogs.events.render import announcement_embed

WORDS = lambda key, **values: f"{key} {values}"  # noqa: E731 — the keys and values, to check both
ZONE = ZoneInfo("Europe/Zurich")
START = 1_796_283_000  # 2026-12-03 08:30 in Geneva
END = START + 3 * 3600


def event(**changes) -> TrackedEvent:
    values = dict(
        id=1, discord_id=None, guild_id=2, name="É" * 100, description="_" * 1000, location="*" * 100,
        channel_id=3, starts_at=START, ends_at=END, status="scheduled", completed_at=None, language="fr",
        created_by_agora=True, announcement_message_id=None, call_at=None, closes_at=None,
        call_channel_id=None, call_message_id=None, interested=0, call_dms_at=None, reminder_dms_at=None,
        closed_at=None, report_message_id=None, report_done_at=None, updated_at=0,
    )  # fmt: skip
    values.update(changes)
    return TrackedEvent(**values)


def long_sessions() -> list[Session]:
    """Ten sessions whose every character needs escaping: titles of 100, guests' names of 80."""
    return [
        Session(n + 1, 1, "_" * 100, None, "*" * 80, START + n * 900, START + n * 900 + 600)
        for n in range(10)
    ]


def test_ten_long_sessions_keep_the_announcement_within_discord_s_limits():
    embed = announcement_embed(event(), WORDS, sessions=long_sessions())
    assert len(embed) <= 6000 and len(embed.fields) <= 25 and len(embed.description or "") <= 4096
    assert all(0 < len(f.name) <= 256 and 0 < len(f.value) <= 1024 for f in embed.fields)
    programme = embed.fields[-10:]
    assert [f.name for f in programme] == ["\\_" * 100] * 10  # whole, once escaped
    assert programme[0].value == f"<t:{START}:t>–<t:{START + 600}:t> · " + "\\*" * 80
    assert embed.description == "_" * 1000  # Discord's longest description still fits whole


def test_a_description_longer_than_what_the_programme_leaves_is_cut_to_fit():
    embed = announcement_embed(event(description="Une matinée. " * 300), WORDS, sessions=long_sessions())
    assert len(embed) <= 5800 and embed.description.startswith("Une matinée.")
    assert embed.description.endswith("…") and len(embed.fields) == 13


def test_without_a_programme_the_announcement_is_as_before():
    embed = announcement_embed(event(description="Une matinée"), WORDS)
    assert embed.description == "Une matinée" and len(embed.fields) == 3


def test_a_session_ends_where_the_next_starts_or_where_the_event_ends():
    sessions = [
        Session(1, 1, "A", 42, None, START, None),
        Session(2, 1, "B", None, "Anne", START + 3600, None),
    ]
    assert session_fields(sessions, END, WORDS) == [
        ("A", f"<t:{START}:t>–<t:{START + 3600}:t> · <@42>"),
        ("B", f"<t:{START + 3600}:t>–<t:{END}:t> · Anne"),
    ]


def test_a_forgotten_speaker_is_shown_as_not_given():
    (field,) = session_fields([Session(1, 1, "A", None, None, START, None)], END, WORDS)
    assert field[1].endswith(" · events.programme.no_speaker {}")


def test_the_panel_of_ten_long_sessions_stays_within_the_limits():
    embed = panel_embed(event(), long_sessions(), WORDS)
    assert len(embed) <= 6000 and len(embed.description) <= 4096
    assert embed.description.count("\n`") == 10


def test_menus_and_the_form_show_local_times():
    session = Session(1, 1, "x" * 200, None, "Anne", START + 2700, START + 86400)
    assert option_label(session, ZONE) == ("09:15 · " + "x" * 200)[:100]
    assert typed_time(session.starts_at, START, ZONE) == "09:15"
    assert typed_time(session.ends_at, START, ZONE) == "2026-12-04 08:30"
