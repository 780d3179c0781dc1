"""French and English: the message catalogues in `data/locales/` and the app-command translator.

Runtime strings are looked up by key (`catalogue.translate("about.title", "fr")`). Command names,
descriptions, parameters and choices need no explicit keys: the translator derives them from where
the string sits in the command tree (`commands.<qualified name>.name`, `....options.<param>.name`).
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from agora.resources import data_folder

log = logging.getLogger(__name__)

LOCALES_FOLDER = data_folder() / "locales"

# Words for one person or post: `words(key, **values)` is the catalogue's text in one language, so
# render functions take the language once instead of a catalogue and a locale at every call.
Words = Callable[..., str]


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


def language_of(locale: discord.Locale | str | None) -> str | None:
    """`fr`, `en` or None for a Discord locale such as `fr`, `en-US`, `en-GB`."""
    if locale is None:
        return None
    value = locale.value if isinstance(locale, discord.Locale) else str(locale)
    language = value.split("-")[0].lower()
    return language if language in ("fr", "en") else None


class _Values(dict[str, Any]):
    # A placeholder the caller forgot stays visible as {name} rather than raising mid-reply.
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Catalogue:
    def __init__(self, messages: Mapping[str, Mapping[str, str]], default_locale: str) -> None:
        self.messages = {locale: dict(entries) for locale, entries in messages.items()}
        self.default_locale = default_locale
        self._formatter = string.Formatter()

    @classmethod
    def load(cls, default_locale: str, folder: Path = LOCALES_FOLDER) -> Catalogue:
        messages = {}
        for path in sorted(folder.glob("*.toml")):
            with path.open("rb") as file:
                messages[path.stem] = flatten(tomllib.load(file))
        return cls(messages, default_locale)

    def resolve(self, locale: discord.Locale | str | None) -> str:
        """The catalogue to use for a Discord locale, falling back to the configured language."""
        language = language_of(locale)
        return language if language in self.messages else self.default_locale

    def has(self, key: str, locale: str) -> bool:
        return key in self.messages.get(locale, {})

    def translate(self, key: str, locale: discord.Locale | str | None = None, /, **values: Any) -> str:
        language = self.resolve(locale)
        template = self.messages.get(language, {}).get(key)
        if template is None:
            template = self.messages.get(self.default_locale, {}).get(key)
        if template is None:
            log.warning("missing catalogue key %r (%s)", key, language)
            return key
        return self._formatter.vformat(template, (), _Values(values))

    def for_interaction(self, interaction: discord.Interaction, key: str, /, **values: Any) -> str:
        return self.translate(key, interaction.locale, **values)

    def words(self, locale: discord.Locale | str | None) -> Words:
        """The catalogue's words in one language: a Discord locale, a language code, or None (the default)."""
        return lambda key, /, **values: self.translate(key, locale, **values)


def command_key(qualified_name: str) -> str:
    return "commands." + qualified_name.replace(" ", ".")


class CatalogueTranslator(app_commands.Translator):
    """Gives Discord the French (and English) names and descriptions of every command."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = language_of(locale)
        if language is None:
            return None
        key = self.key_for(string, context)
        if key is None or not self.catalogue.has(key, language):
            return None
        return self.catalogue.messages[language][key]

    @staticmethod
    def key_for(string: app_commands.locale_str, context: app_commands.TranslationContextTypes) -> str | None:
        explicit = string.extras.get("key")
        if explicit:
            return str(explicit)
        data = context.data
        match context.location:
            case Where.command_name | Where.group_name:
                return command_key(data.qualified_name) + ".name"
            case Where.command_description | Where.group_description:
                return command_key(data.qualified_name) + ".description"
            case Where.parameter_name:
                return f"{command_key(data.command.qualified_name)}.options.{data.name}.name"
            case Where.parameter_description:
                return f"{command_key(data.command.qualified_name)}.options.{data.name}.description"
            case Where.choice_name:
                return f"choices.{data.value}"
        return None
