"""Which answers to ▲ clicks reached Discord in order, and when a settle edit is needed."""

from cogs.questions.question_board import QuestionBoards


class Recorder:
    def __init__(self) -> None:
        self.requested: list[int] = []

    def request(self, key: int) -> None:
        self.requested.append(key)


def display() -> tuple[QuestionBoards, Recorder]:
    boards = QuestionBoards.__new__(QuestionBoards)
    boards._landed = {}
    boards.settles = Recorder()  # type: ignore[assignment]
    return boards, boards.settles  # type: ignore[return-value]


def test_answers_coming_back_in_order_need_no_edit():
    boards, settles = display()
    for version in (3, 5, 8):
        boards.landed(1, version, ok=True)
    assert settles.requested == []


def test_an_answer_older_than_one_already_shown_asks_for_a_settle_edit():
    boards, settles = display()
    boards.landed(1, 8, ok=True)
    boards.landed(1, 5, ok=True)  # it may have overwritten 8 on Discord
    assert settles.requested == [1]
    boards.landed(1, 9, ok=True)  # the settle edit, drawn as things stand
    boards.landed(2, 4, ok=True)  # another question keeps its own order
    assert settles.requested == [1]


def test_a_failed_answer_asks_for_a_settle_edit_and_is_not_counted_as_shown():
    boards, settles = display()
    boards.landed(1, 4, ok=True)
    boards.landed(1, 6, ok=False)
    assert settles.requested == [1]
    boards.landed(1, 5, ok=True)  # 6 never showed: 5 is the newest seen, in order
    assert settles.requested == [1]
