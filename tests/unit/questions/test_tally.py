import pytest

from cogs.questions.model import ANSWERED, HIDDEN, OPEN
from cogs.questions.tally_store import (
    AlreadyModerated,
    BoardClosed,
    BoardTally,
    QuestionHidden,
    QuestionTally,
    decide_moderation,
    decide_vote,
)

OPEN_BOARD = BoardTally(closed=False, language="fr")


def test_a_click_adds_the_vote_and_a_second_withdraws_it():
    question = QuestionTally(board_id=1, state=OPEN, voters={5})
    after = decide_vote(OPEN_BOARD, question, 7)
    assert after.voters == {5, 7}
    assert decide_vote(OPEN_BOARD, after, 7).voters == {5}
    assert question.voters == {5}  # decided on a copy: memory changes only once committed


def test_an_answered_question_can_still_be_voted_for():
    assert decide_vote(OPEN_BOARD, QuestionTally(1, ANSWERED), 7).voters == {7}


def test_votes_on_a_hidden_question_or_a_closed_board_are_refused():
    with pytest.raises(QuestionHidden):
        decide_vote(OPEN_BOARD, QuestionTally(1, HIDDEN), 7)
    with pytest.raises(BoardClosed):
        decide_vote(BoardTally(closed=True, language="fr"), QuestionTally(1, OPEN), 7)


def test_moderation_answers_then_hides_but_never_shows_a_hidden_question_again():
    answered = decide_moderation(OPEN_BOARD, QuestionTally(1, OPEN, {3}), ANSWERED)
    assert (answered.state, answered.voters) == (ANSWERED, {3})
    assert decide_moderation(OPEN_BOARD, answered, HIDDEN).state == HIDDEN
    for before, asked in [
        (answered, ANSWERED),
        (QuestionTally(1, HIDDEN), ANSWERED),
        (QuestionTally(1, HIDDEN), HIDDEN),
    ]:
        with pytest.raises(AlreadyModerated) as already:
            decide_moderation(OPEN_BOARD, before, asked)
        assert already.value.state == before.state  # what the moderator is told it already is
    with pytest.raises(BoardClosed):
        decide_moderation(BoardTally(closed=True, language="fr"), QuestionTally(1, OPEN), HIDDEN)
    with pytest.raises(ValueError):
        decide_moderation(OPEN_BOARD, QuestionTally(1, OPEN), OPEN)
