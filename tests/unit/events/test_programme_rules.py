from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agora.errors import UserError
from agora.meetings import Session
from cogs.events.programme.rules import (
    EventBounds,
    InvalidForm,
    SessionDraft,
    check_fits,
    read_form,
    read_session,
    read_time,
    shown_end,
)

ZONE = ZoneInfo("Europe/Zurich")


def at(day: int, hour: int, minute: int = 0) -> int:
    """Epoch seconds of a Geneva wall-clock time in December 2026 (UTC+1)."""
    return int((datetime(2026, 12, day, hour, minute, tzinfo=UTC) - timedelta(hours=1)).timestamp())


# 2026-12-03 08:30 to 11:30 in Geneva.
EVENT = EventBounds(starts_at=at(3, 8, 30), ends_at=at(3, 11, 30), called_off=False)


def form(**values):
    return {
        "title": "Le podcast RH",
        "speaker": [],
        "guest": "Anne Dupont",
        "start": "9:00",
        "end": "",
        **values,
    }


def session(session_id, start, end=None, title="Autre"):
    return Session(session_id, 1, title, None, "Invitée", start, end)


def draft(start, end=None):
    return SessionDraft("Nouvelle", None, "Invité", start, end)


def refusal(call) -> UserError:
    with pytest.raises(UserError) as refused:
        call()
    return refused.value


# ---- the form ------------------------------------------------------------------------------------


def test_a_form_with_a_guest_is_read_with_its_text_tidied():
    typed = read_form(form(title="  Le  podcast\nRH ", guest=" Anne  Dupont "))
    assert (typed.title, typed.speaker_id, typed.guest) == ("Le podcast RH", None, "Anne Dupont")


def test_a_form_with_a_member_speaker_is_read():
    typed = read_form(form(speaker=["123456789012345678"], guest=""))
    assert typed.speaker_id == 123456789012345678 and typed.guest is None


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"title": "   "}, "events.programme.error.empty_title"),
        ({"title": "x" * 101}, "events.programme.error.title_too_long"),
        ({"guest": "y" * 81}, "events.programme.error.guest_too_long"),
        ({"guest": ""}, "events.programme.error.no_speaker"),
        ({"speaker": ["42"]}, "events.programme.error.both_speakers"),
        ({"start": "  "}, "events.programme.error.no_start"),
    ],
)
def test_a_form_is_refused_with_what_to_change(values, key):
    assert refusal(lambda: read_form(form(**values))).key == key


@pytest.mark.parametrize(
    "values",
    [
        {"title": None},
        {"title": 3},
        {"speaker": ["1", "2"]},
        {"speaker": "12"},
        {"speaker": ["１２"]},
        {"speaker": ["0"]},
        {"speaker": [str(2**63)]},
        {"guest": ["x"]},
    ],
)
def test_a_forged_form_is_refused(values):
    assert isinstance(refusal(lambda: read_form(form(**values))), InvalidForm)


def test_a_form_missing_an_input_is_forged():
    values = form()
    del values["speaker"]
    assert isinstance(refusal(lambda: read_form(values)), InvalidForm)


# ---- times -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["09:15", "9:15", "9h15", "9.15", "2026-12-03 09:15", "3.12.2026 9h15"])
def test_a_time_is_read_on_the_event_s_day_in_the_community_s_zone(text):
    assert read_time(text, EVENT, ZONE) == at(3, 9, 15)


def test_a_time_alone_falls_on_the_day_of_an_evening_event_it_belongs_to():
    night = EventBounds(starts_at=at(3, 20), ends_at=at(4, 2), called_off=False)
    assert read_time("21:00", night, ZONE) == at(3, 21)
    assert read_time("0h30", night, ZONE) == at(4, 0, 30)


@pytest.mark.parametrize("text", ["demain", "25:00", "9 heures", "x" * 41])
def test_an_unreadable_time_is_refused_with_what_was_typed(text):
    refused = refusal(lambda: read_time(text, EVENT, ZONE))
    assert refused.key == "events.programme.error.unreadable_time" and len(refused.values["value"]) <= 40


def test_a_session_without_an_end_is_read():
    draft = read_session(read_form(form(start="10h", end="")), EVENT, ZONE)
    assert (draft.starts_at, draft.ends_at) == (at(3, 10), None)


# ---- fitting the event and the programme ----------------------------------------------------------


def test_a_session_within_the_event_fits_an_empty_programme():
    check_fits(draft(at(3, 8, 30), at(3, 11, 30)), EVENT, [], editing=None)


@pytest.mark.parametrize(
    ("start", "end", "key"),
    [
        (at(3, 8, 29), None, "events.programme.error.before_event"),
        (at(3, 11, 30), None, "events.programme.error.after_event"),
        (at(3, 9), at(3, 9), "events.programme.error.end_before_start"),
        (at(3, 9), at(3, 8, 45), "events.programme.error.end_before_start"),
        (at(3, 11), at(3, 11, 31), "events.programme.error.ends_after_event"),
    ],
)
def test_times_outside_the_event_are_refused(start, end, key):
    assert refusal(lambda: check_fits(draft(start, end), EVENT, [], editing=None)).key == key


def test_a_called_off_event_takes_no_change():
    called_off = EventBounds(EVENT.starts_at, EVENT.ends_at, called_off=True)
    refused = refusal(lambda: check_fits(draft(at(3, 9)), called_off, [], editing=None))
    assert refused.key == "events.programme.error.called_off"


def test_an_event_gone_takes_no_change():
    assert refusal(lambda: check_fits(draft(at(3, 9)), None, [], editing=None)).key == (
        "events.error.unknown_event"
    )


def test_two_sessions_starting_together_overlap_and_the_refusal_names_the_other():
    programme = [session(1, at(3, 9), title="Ouverture *officielle*")]
    refused = refusal(lambda: check_fits(draft(at(3, 9)), EVENT, programme, editing=None))
    assert refused.key == "events.programme.error.overlap"
    # Without an end, it runs until the event's end: that is what the refusal shows.
    assert refused.values == {
        "title": "Ouverture \\*officielle\\*",
        "start": f"<t:{at(3, 9)}:t>",
        "end": f"<t:{at(3, 11, 30)}:t>",
    }


def test_a_session_starting_inside_another_s_explicit_times_overlaps():
    programme = [session(1, at(3, 9), at(3, 10))]
    assert refusal(lambda: check_fits(draft(at(3, 9, 30)), EVENT, programme, editing=None)).key == (
        "events.programme.error.overlap"
    )


def test_a_session_whose_end_runs_into_the_next_overlaps():
    programme = [session(1, at(3, 10))]
    refused = refusal(lambda: check_fits(draft(at(3, 9), at(3, 10, 1)), EVENT, programme, editing=None))
    assert refused.key == "events.programme.error.overlap"


def test_a_session_without_an_end_ends_where_the_next_starts():
    programme = [session(1, at(3, 9)), session(2, at(3, 10, 30), at(3, 11))]
    check_fits(draft(at(3, 10)), EVENT, programme, editing=None)
    check_fits(draft(at(3, 9, 30), at(3, 10, 30)), EVENT, programme, editing=None)
    check_fits(draft(at(3, 11), at(3, 11, 30)), EVENT, programme, editing=None)


def test_editing_a_session_does_not_overlap_with_itself():
    programme = [session(1, at(3, 9), at(3, 10)), session(2, at(3, 10), at(3, 11))]
    check_fits(draft(at(3, 9, 15), at(3, 10)), EVENT, programme, editing=1)
    refused = refusal(lambda: check_fits(draft(at(3, 9, 15), at(3, 10, 15)), EVENT, programme, editing=1))
    assert refused.key == "events.programme.error.overlap"


def test_an_eleventh_session_is_refused_but_the_tenth_may_be_edited():
    programme = [session(n, at(3, 9) + n * 60, at(3, 9) + n * 60 + 30) for n in range(10)]
    full = refusal(lambda: check_fits(draft(at(3, 11)), EVENT, programme, editing=None))
    assert full.key == "events.programme.error.full" and full.values == {"limit": 10}
    check_fits(draft(at(3, 11)), EVENT, programme, editing=9)


def test_each_session_s_shown_end_is_its_own_or_the_next_start_or_the_event_s_end():
    programme = [session(1, at(3, 9)), session(2, at(3, 10), at(3, 10, 30)), session(3, at(3, 11))]
    ends = [shown_end(programme, index, EVENT.ends_at) for index in range(3)]
    assert ends == [at(3, 10), at(3, 10, 30), at(3, 11, 30)]
