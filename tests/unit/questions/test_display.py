"""Which answers to ▲ clicks reached Discord in order, and when a settle edit is needed."""

from cogs.questions.question_board import ShownVersions


def display() -> tuple[ShownVersions, list[int]]:
    """The versions shown, and the questions it asked a settle edit for."""
    settled: list[int] = []
    return ShownVersions(settled.append), settled


def test_answers_coming_back_in_order_need_no_edit():
    shown, settled = display()
    for version in (3, 5, 8):
        shown.landed(1, version, ok=True)
    assert settled == []


def test_an_answer_older_than_one_already_shown_asks_for_a_settle_edit():
    shown, settled = display()
    shown.landed(1, 8, ok=True)
    shown.landed(1, 5, ok=True)  # it may have overwritten 8 on Discord
    assert settled == [1]
    shown.landed(1, 9, ok=True)  # the settle edit, drawn as things stand
    shown.landed(2, 4, ok=True)  # another question keeps its own order
    assert settled == [1]


def test_a_failed_answer_asks_for_a_settle_edit_and_is_not_counted_as_shown():
    shown, settled = display()
    shown.landed(1, 4, ok=True)
    shown.landed(1, 6, ok=False)
    assert settled == [1]
    shown.landed(1, 5, ok=True)  # 6 never showed: 5 is the newest seen, in order
    assert settled == [1]


def test_a_forgotten_question_starts_again_from_no_version_shown():
    shown, settled = display()
    shown.landed(1, 8, ok=True)
    shown.forget(1)  # its author was forgotten: the message is gone, its versions too
    shown.landed(1, 2, ok=True)
    assert settled == []
