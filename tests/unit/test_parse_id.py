import pytest

from agora.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("123", 123), (" 42 ", 42), (str(MAX_ID), MAX_ID), ("0", 0)],
)
def test_ids_within_64_bits_are_read(typed, expected):
    assert parse_id(typed) == expected


@pytest.mark.parametrize("typed", ["", "abc", "-5", "1.5", "²", "١٢٣", str(MAX_ID + 1), "9" * 25, "12 34"])
def test_anything_else_is_no_id(typed):
    assert parse_id(typed) is None
