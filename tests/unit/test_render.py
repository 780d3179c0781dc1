import pytest

from cogs.admin.render import format_duration, settings_block, truncate


def unit(key: str, n: int) -> str:
    return f"{n}{key.split('.')[1][0]}"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, "0s"), (59, "59s"), (61, "1m 1s"), (3600, "1h"), (3 * 86400 + 2 * 3600 + 300, "3d 2h"), (-5, "0s")],
)
def test_duration_shows_the_two_largest_units(seconds, expected):
    assert format_duration(seconds, unit) == expected


def test_truncate_keeps_short_text_and_cuts_long_text_with_an_ellipsis():
    assert truncate("court", 10) == "court"
    cut = truncate("a" * 50, 10)
    assert len(cut) == 10
    assert cut.endswith("…")


def test_settings_block_neutralises_backticks_so_the_code_block_holds():
    block = settings_block([("name", "a```b")])
    assert block.count("```") == 2


def test_settings_block_too_long_for_a_field_is_cut_inside_its_closed_fence():
    feeds = ", ".join(f"https://blog{n}.example.ch/feed" for n in range(60))
    block = settings_block([("database_path", "data/agora.db"), ("feeds", feeds)])
    assert len(block) <= 1024
    assert block.startswith("```\n") and block.endswith("…\n```")
    assert block.count("```") == 2
