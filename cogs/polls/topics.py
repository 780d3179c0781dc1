"""The ready-made poll library: social business topics in French and English, from `data/polls/topics.toml`.

`TopicLibrary.load` holds every topic to the limits a real poll has, so a slip in the file stops the
bot at startup instead of failing the day a member asks for that topic. No discord, no I/O but
that one read.
"""

from __future__ import annotations

import logging
import random
import tomllib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from agora.resources import data_folder

log = logging.getLogger(__name__)

DEFAULT_PATH = data_folder() / "polls" / "topics.toml"
LANGUAGES = ("fr", "en")
FALLBACK_LANGUAGE = "fr"
MAX_QUESTION = 300
MIN_OPTIONS, MAX_OPTIONS = 2, 20
MAX_OPTION = 80  # an option becomes a button label

_TOPIC_KEYS = {"id", "theme", "choices", *LANGUAGES}
_TEXT_KEYS = {"question", "options"}
# Apostrophes come typed either way; "reseaux_entreprise" and "reseaux entreprise" are the same search.
_FOLD = str.maketrans({"’": "'", "ʼ": "'", "_": " ", "œ": "oe", "æ": "ae"})


class TopicLibraryError(ValueError):
    """The topic file is unreadable or breaks a poll limit; the message names the topic and the problem."""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _language(language: str, available: Mapping[str, object]) -> str:
    """`language` if the library has it ("en-GB" counts as "en"), else French, the community's language."""
    for candidate in (language, language.split("-")[0].lower()):
        if candidate in available:
            return candidate
    return FALLBACK_LANGUAGE


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    names: dict[str, str]

    def name(self, language: str) -> str:
        return self.names[_language(language, self.names)]


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    theme: str
    choices: int
    question: dict[str, str]
    options: dict[str, tuple[str, ...]]

    def in_language(self, language: str) -> tuple[str, tuple[str, ...]]:
        """The question and its options in `language`, or in French when the library lacks it."""
        chosen = _language(language, self.question)
        return self.question[chosen], self.options[chosen]


@dataclass(frozen=True, slots=True)
class TopicLibrary:
    themes: tuple[Theme, ...]
    topics: tuple[Topic, ...]

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> TopicLibrary:
        try:
            with path.open("rb") as file:
                raw = tomllib.load(file)
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise TopicLibraryError(f"cannot read the topic library {path}: {error}") from error
        if unknown := set(raw) - {"themes", "topics"}:
            raise TopicLibraryError(f"{path}: unknown sections {sorted(unknown)}")
        raw_themes, raw_topics = raw.get("themes"), raw.get("topics")
        if not isinstance(raw_themes, dict) or not isinstance(raw_topics, list):
            raise TopicLibraryError(f"{path}: needs a [themes.<id>] table and [[topics]] entries")
        themes = {theme_id: _parse_theme(theme_id, names) for theme_id, names in raw_themes.items()}
        topics: dict[str, Topic] = {}
        for index, raw_topic in enumerate(raw_topics):
            topic = _parse_topic(index, raw_topic, themes)
            if topic.id in topics:
                raise TopicLibraryError(f"topic {topic.id!r}: the id is used twice")
            topics[topic.id] = topic
        log.info("loaded %d poll topics in %d themes from %s", len(topics), len(themes), path)
        return cls(tuple(themes.values()), tuple(topics.values()))

    def theme(self, theme_id: str) -> Theme | None:
        return next((theme for theme in self.themes if theme.id == theme_id), None)

    def topic(self, topic_id: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.id == topic_id), None)

    def matching_themes(self, text: str, language: str) -> list[Theme]:
        """Themes whose localised name or id contains `text`, ignoring case and accents; all for "".

        Those whose name or id starts with `text` come first: "réseaux" is mostly after the enterprise
        social networks, even though the crisis theme speaks of "réseaux sociaux" too.
        """
        wanted = _fold(text)
        found: list[tuple[bool, Theme]] = []
        for theme in self.themes:
            haystacks = (_fold(theme.name(language)), _fold(theme.id))
            if any(wanted in haystack for haystack in haystacks):
                found.append((not any(haystack.startswith(wanted) for haystack in haystacks), theme))
        return [theme for _, theme in sorted(found, key=lambda pair: pair[0])]

    def pick(self, *, theme: str | None, recently_used: Sequence[str], rng: random.Random) -> Topic | None:
        """A topic of `theme` (any theme when None) that the server has not had recently.

        `recently_used` holds topic ids ordered oldest → newest (repeats allowed). A topic missing from
        it is picked at random; once every candidate is in it, the one whose last use is oldest comes
        back. None only when the theme has no topic at all.
        """
        candidates = [topic for topic in self.topics if theme is None or topic.theme == theme]
        used = set(recently_used)
        if fresh := [topic for topic in candidates if topic.id not in used]:
            return rng.choice(fresh)
        if not candidates:
            return None
        last_use = {topic_id: position for position, topic_id in enumerate(recently_used)}
        return min(candidates, key=lambda topic: last_use[topic.id])


def _parse_theme(theme_id: str, names: Any) -> Theme:
    if not isinstance(names, dict) or set(names) != set(LANGUAGES):
        raise TopicLibraryError(f"theme {theme_id!r}: needs exactly a name for each of {list(LANGUAGES)}")
    if not all(isinstance(name, str) and name.strip() for name in names.values()):
        raise TopicLibraryError(f"theme {theme_id!r}: a name is empty")
    return Theme(theme_id, {language: names[language].strip() for language in LANGUAGES})


def _parse_topic(index: int, raw: Any, themes: Mapping[str, Theme]) -> Topic:
    topic_id = raw.get("id") if isinstance(raw, dict) else None
    where = f"topic {topic_id!r}" if isinstance(topic_id, str) and topic_id else f"topic #{index + 1}"

    def fail(problem: str) -> NoReturn:
        raise TopicLibraryError(f"{where}: {problem}")

    if not isinstance(raw, dict) or not isinstance(topic_id, str) or not topic_id:
        fail("needs an id")
    if unknown := set(raw) - _TOPIC_KEYS:
        fail(f"unknown keys {sorted(unknown)}")
    theme = raw.get("theme")
    if not isinstance(theme, str) or theme not in themes:
        fail(f"unknown theme {theme!r}")
    if not topic_id.startswith(f"{theme}.") or topic_id == f"{theme}.":
        fail(f"the id must read '{theme}.<slug>'")
    question: dict[str, str] = {}
    options: dict[str, tuple[str, ...]] = {}
    for language in LANGUAGES:
        question[language], options[language] = _parse_text(raw.get(language), language, fail)
    counts = {language: len(labels) for language, labels in options.items()}
    if len(set(counts.values())) > 1:
        fail(f"the languages have different numbers of options: {counts}")
    choices = raw.get("choices", 1)
    if type(choices) is not int or not 1 <= choices <= counts[FALLBACK_LANGUAGE]:
        fail(f"choices is {choices!r}, must be from 1 to {counts[FALLBACK_LANGUAGE]}")
    return Topic(topic_id, theme, choices, question, options)


def _parse_text(text: Any, language: str, fail: Callable[[str], NoReturn]) -> tuple[str, tuple[str, ...]]:
    if not isinstance(text, dict):
        fail(f"no [topics.{language}] text")
    if unknown := set(text) - _TEXT_KEYS:
        fail(f"{language}: unknown keys {sorted(unknown)}")
    question, labels = text.get("question"), text.get("options")
    if not isinstance(question, str) or not question.strip():
        fail(f"{language}: the question is missing")
    if len(question := question.strip()) > MAX_QUESTION:
        fail(f"{language}: the question is {len(question)} characters, at most {MAX_QUESTION}")
    if not isinstance(labels, list) or not all(isinstance(label, str) and label.strip() for label in labels):
        fail(f"{language}: options must be a list of non-empty strings")
    labels = [label.strip() for label in labels]
    if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
        fail(f"{language}: {len(labels)} options, a poll needs {MIN_OPTIONS} to {MAX_OPTIONS}")
    seen: set[str] = set()
    for label in labels:
        if len(label) > MAX_OPTION:
            fail(f"{language}: option {label!r} is {len(label)} characters, at most {MAX_OPTION}")
        if (key := " ".join(label.casefold().split())) in seen:
            fail(f"{language}: duplicate option {label!r}")
        seen.add(key)
    return question, tuple(labels)
