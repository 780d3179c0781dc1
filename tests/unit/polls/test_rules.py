from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agora.errors import UserError
from cogs.polls.rules import check_draft, parse_deadline, split_options

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ZURICH = ZoneInfo("Europe/Zurich")


def refused(key: str, *args) -> None:
    with pytest.raises(UserError) as caught:
        check_draft(*args)
    assert caught.value.key == key


def test_a_good_draft_is_cleaned_up():
    draft = check_draft(
        "  Quel  canal ?  ", split_options("LinkedIn ; Slack;  Teams ;"), 2, "2h", NOW, ZURICH
    )
    assert draft.question == "Quel canal ?"
    assert draft.options == ("LinkedIn", "Slack", "Teams")
    assert draft.choices == 2
    assert draft.closes_at == NOW + timedelta(hours=2)


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ("Oui", "polls.error.too_few_options"),
        (";".join(f"Option {n}" for n in range(21)), "polls.error.too_many_options"),
        ("Oui;;Non", "polls.error.empty_option"),
        ("Oui;oui", "polls.error.duplicate_option"),
        ("Réseaux;RÉSEAUX", "polls.error.duplicate_option"),
        ("Oui;" + "x" * 81, "polls.error.option_too_long"),
    ],
)
def test_bad_options_are_refused(options, key):
    refused(key, "Question ?", split_options(options), 1, None, NOW, ZURICH)


def test_eighty_characters_is_allowed_for_an_option():
    assert check_draft("Q ?", ["a" * 80, "b"], 1, None, NOW, ZURICH).options[0] == "a" * 80


def test_a_question_over_300_characters_is_refused():
    refused("polls.error.question_too_long", "x" * 301, ["a", "b"], 1, None, NOW, ZURICH)


@pytest.mark.parametrize("choices", [0, 3])
def test_choices_out_of_range_are_refused(choices):
    refused("polls.error.choices_out_of_range", "Q ?", ["a", "b"], choices, None, NOW, ZURICH)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("3j", timedelta(days=3)),
        ("1w", timedelta(weeks=1)),
        ("1s", timedelta(weeks=1)),
    ],
)
def test_relative_durations(text, delta):
    assert parse_deadline(text, NOW, ZURICH) == NOW + delta


def test_a_local_date_is_read_in_the_configured_time_zone():
    # 18:00 in Zurich in December is 17:00 UTC
    assert parse_deadline("2026-12-05 18:00", NOW, ZURICH) == datetime(2026, 12, 5, 17, 0, tzinfo=UTC)
    assert parse_deadline("5.12.2026 18h00", NOW, ZURICH) == datetime(2026, 12, 5, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("-2h", "polls.error.duration_not_positive"),
        ("0m", "polls.error.duration_not_positive"),
        ("91d", "polls.error.duration_too_long"),
        ("2027-06-01 10:00", "polls.error.duration_too_long"),
        ("2026-11-01 10:00", "polls.error.deadline_in_past"),
        ("bientôt", "polls.error.unreadable_duration"),
        ("2026-13-45 10:00", "polls.error.unreadable_duration"),
    ],
)
def test_bad_durations_are_refused(text, key):
    with pytest.raises(UserError) as caught:
        parse_deadline(text, NOW, ZURICH)
    assert caught.value.key == key


def test_no_duration_means_open_until_closed():
    assert parse_deadline(None, NOW, ZURICH) is None
    assert parse_deadline("  ", NOW, ZURICH) is None
