import pytest

from agora.errors import UserError
from cogs.questions.rules import ANONYMOUS, QUESTION, SESSION, check_question, read_form


def form(board="12", **values):
    rows = [{"type": 18, "component": {"type": 4, "custom_id": QUESTION, "value": "Une question ?"}}]
    for custom_id, value in values.items():
        key = "values" if isinstance(value, list) else "value"
        rows.append({"type": 18, "component": {"type": 3, "custom_id": custom_id, key: value}})
    return {"custom_id": f"qa:form:{board}", "components": rows}


def test_a_question_is_kept_as_typed_without_surrounding_blanks():
    assert check_question("  Pourquoi ?\n") == "Pourquoi ?"


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_an_empty_question_is_refused(text):
    with pytest.raises(UserError) as refused:
        check_question(text)
    assert refused.value.key == "questions.error.empty"


def test_300_characters_pass_and_301_are_refused_even_with_blanks_around():
    assert len(check_question("x" * 300)) == 300
    with pytest.raises(UserError) as refused:
        check_question("x" * 299 + "  ")
    assert refused.value.values == {"length": 301, "limit": 300}


def test_a_form_gives_its_board_text_anonymity_and_session():
    asked = read_form(form(**{ANONYMOUS: True, SESSION: ["7"]}))
    assert (asked.board_id, asked.text, asked.anonymous, asked.session_id) == (12, "Une question ?", True, 7)


def test_no_session_chosen_and_anonymity_only_when_checked():
    asked = read_form(form(**{ANONYMOUS: "true", SESSION: []}))
    assert (asked.anonymous, asked.session_id) == (False, None)


@pytest.mark.parametrize("chosen", [["abc"], ["1", "2"], "7", ["99999999999999999999"]])
def test_a_forged_session_is_refused(chosen):
    with pytest.raises(UserError) as refused:
        read_form(form(**{SESSION: chosen}))
    assert refused.value.key == "questions.error.unknown_session"


@pytest.mark.parametrize("data", [form(board="99999999999999999999"), {"custom_id": "qa:form:3"}, {}])
def test_a_form_naming_no_board_or_without_its_question_is_stale(data):
    with pytest.raises(UserError) as refused:
        read_form(data)
    assert refused.value.key == "errors.stale_form"
