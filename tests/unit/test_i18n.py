import re
from pathlib import Path

import discord
import pytest
from discord import app_commands

from agora.i18n import Catalogue, CatalogueTranslator, language_of

ROOT = Path(__file__).resolve().parents[2]
COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
KEY_IN_CODE = re.compile(r"""["']([a-z_]+\.[a-z_.]+)["']""")


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load("fr")


def test_french_and_english_hold_the_same_keys(catalogue):
    assert set(catalogue.messages["fr"]) == set(catalogue.messages["en"])


def test_placeholders_match_between_languages(catalogue):
    placeholder = re.compile(r"{(\w+)}")
    for key, french in catalogue.messages["fr"].items():
        english = catalogue.messages["en"][key]
        assert set(placeholder.findall(french)) == set(placeholder.findall(english)), key


def test_every_key_the_code_uses_exists(catalogue):
    sources = [p for p in ROOT.glob("**/*.py") if ".venv" not in p.parts and "tests" not in p.parts]
    sections = {key.split(".")[0] for key in catalogue.messages["fr"]} - {"commands", "choices"}
    used = set()
    for path in sources:
        for key in KEY_IN_CODE.findall(path.read_text(encoding="utf-8")):
            if key.split(".")[0] in sections and not key.endswith("."):
                used.add(key)
    assert used, "the scan found no key at all"
    missing = sorted(key for key in used if key not in catalogue.messages["fr"])
    assert not missing


def test_command_names_are_valid_discord_names(catalogue):
    for language in ("fr", "en"):
        for key, value in catalogue.messages[language].items():
            if key.startswith("commands.") and key.endswith(".name"):
                assert COMMAND_NAME.match(value) and value == value.lower(), (language, key, value)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [(discord.Locale.french, "fr"), (discord.Locale.american_english, "en"), ("en-GB", "en"), ("de", None)],
)
def test_language_of_discord_locales(locale, expected):
    assert language_of(locale) == expected


def test_unknown_locale_falls_back_to_the_configured_language():
    catalogue = Catalogue({"fr": {"hello": "Bonjour {name}"}, "en": {"hello": "Hello {name}"}}, "en")
    assert catalogue.translate("hello", discord.Locale.german, name="Ada") == "Hello Ada"
    assert catalogue.translate("hello", discord.Locale.french, name="Ada") == "Bonjour Ada"


def test_missing_placeholder_value_stays_visible_instead_of_raising():
    catalogue = Catalogue({"fr": {"hello": "Bonjour {name}"}}, "fr")
    assert catalogue.translate("hello", "fr") == "Bonjour {name}"


def test_missing_key_is_returned_as_is():
    assert Catalogue({"fr": {}}, "fr").translate("nope.key", "fr") == "nope.key"


async def test_translator_gives_french_command_names_from_the_catalogue():
    catalogue = Catalogue(
        {
            "fr": {
                "commands.poll.create.name": "creer",
                "commands.poll.create.options.question.name": "question",
            },
            "en": {},
        },
        "fr",
    )
    group = app_commands.Group(name="poll", description="Polls")

    @group.command(name="create", description="Create a poll")
    async def create(interaction: discord.Interaction, question: str) -> None: ...

    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    tree.add_command(group)
    await tree.set_translator(CatalogueTranslator(catalogue))
    payload = await group.get_translated_payload(tree, tree.translator)
    subcommand = payload["options"][0]
    assert subcommand["name_localizations"]["fr"] == "creer"
    assert subcommand["options"][0]["name_localizations"]["fr"] == "question"
    assert "en-US" not in subcommand.get("name_localizations", {})


def test_keys_built_at_run_time_exist(catalogue):
    from agora.permissions import Rank
    from cogs.feeds.render import KNOWN_ERRORS

    built = [f"feeds.failure.{code}" for code in (*KNOWN_ERRORS, "unknown")]
    built += [f"errors.needs_{rank.name}" for rank in Rank if rank is not Rank.member]
    for language in ("fr", "en"):
        assert [key for key in built if key not in catalogue.messages[language]] == []
