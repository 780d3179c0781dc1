from datetime import UTC, datetime

import pytest

from cogs.polls.ballot_store import PollClosed, PollNotFound, PollState, TooManyChoices, decide

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
T = int(NOW.timestamp())


def state(**changes: object) -> PollState:
    return PollState(**{"choices": 1, "options": 3, "closes_at": None, "closed": False, **changes})


def test_a_first_click_adds():
    assert decide(state(), {}, 1, NOW) == ({1: T}, decide(state(), {}, 1, NOW)[1])
    assert decide(state(), {}, 1, NOW)[1].action == "added"


def test_another_option_moves_a_single_choice():
    held, ballot = decide(state(), {0: 5}, 2, NOW)
    assert held == {2: T}
    assert (ballot.positions, ballot.action) == ((2,), "moved")


def test_the_same_option_withdraws_and_keeps_the_others_with_their_time():
    held, ballot = decide(state(choices=2), {0: 5, 2: 6}, 0, NOW)
    assert held == {2: 6}
    assert (ballot.positions, ballot.action) == ((2,), "withdrawn")


def test_a_full_ballot_is_refused():
    with pytest.raises(TooManyChoices) as full:
        decide(state(choices=2), {0: 5, 2: 6}, 1, NOW)
    assert full.value.held == (0, 2)


@pytest.mark.parametrize("changes", [{"closed": True}, {"closes_at": T}])
def test_a_closed_or_expired_poll_refuses(changes):
    with pytest.raises(PollClosed):
        decide(state(**changes), {}, 0, NOW)


@pytest.mark.parametrize("position", [-1, 3])
def test_an_unknown_option_is_refused(position):
    with pytest.raises(PollNotFound):
        decide(state(), {}, position, NOW)
