"""An event's outline as the features read it: where each session ends, and the one under way."""

import pytest

from agora.meetings import EventOutline, Meetings, Session, session_end

EVENT_START, EVENT_END = 1_000, 10_000


def session(number: int, starts_at: int, ends_at: int | None = None) -> Session:
    return Session(number, 7, f"Session {number}", None, "Invitée", starts_at, ends_at)


def outline(*sessions: Session) -> EventOutline:
    return EventOutline(7, 1, "Matinée", None, EVENT_START, EVENT_END, "fr", "", False, sessions)


# 1 has its own end (with a pause after it), 2 runs until 3 starts, 3 until the event ends.
FIRST, SECOND, THIRD = session(1, 1_000, 2_000), session(2, 3_000), session(3, 5_000)
MORNING = outline(FIRST, SECOND, THIRD)


def test_a_session_ends_at_its_own_end_else_the_next_start_else_the_event_s_end():
    assert [MORNING.session_end(s) for s in MORNING.sessions] == [2_000, 5_000, EVENT_END]
    assert [session_end(MORNING.sessions, i, EVENT_END) for i in range(3)] == [2_000, 5_000, EVENT_END]


def test_the_session_under_way_runs_from_its_start_until_just_before_its_end():
    assert MORNING.session_at(1_000) == FIRST
    assert MORNING.session_at(1_999) == FIRST
    assert MORNING.session_at(3_000) == SECOND
    assert MORNING.session_at(4_999) == SECOND
    assert MORNING.session_at(5_000) == THIRD
    assert MORNING.session_at(EVENT_END - 1) == THIRD


def test_no_session_is_under_way_before_the_first_in_a_pause_or_after_the_event():
    assert MORNING.session_at(999) is None
    assert MORNING.session_at(2_000) is None  # the pause between 1's end and 2's start
    assert MORNING.session_at(EVENT_END) is None
    assert outline().session_at(5_000) is None  # no programme


class _Follower:
    name = "test"

    async def follow_occurrence(self, connection, series_id, occurrence_id, ended_at):
        return 0


def test_occurrence_followers_are_kept_once_and_can_leave():
    meetings, follower = Meetings(), _Follower()
    meetings.follow_occurrences(follower)
    meetings.follow_occurrences(follower)
    assert meetings.followers == [follower]
    meetings.stop_following(follower)
    assert meetings.followers == []
    with pytest.raises(TypeError):
        meetings.follow_occurrences(object())  # type: ignore[arg-type]
