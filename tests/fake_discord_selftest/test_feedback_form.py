"""The event feedback form (cogs/events/views.py, read by rules.py): a real discord.py bot sends it, the fake
Discord shows it to members and submits it — as a real client would, or forged as a modified client could."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from agora import errors
from agora.errors import UserError
from agora.i18n import Catalogue
from cogs.events.model import Answers as FormAnswers
from cogs.events.rules import (
    IMPROVE,
    RATING,
    RECOMMEND,
    TEXT_MAX,
    TOPICS,
    USEFUL,
    parse_answers,
    read_submission,
)
from cogs.events.views import FeedbackForm, FormWords
from tests.fake_discord import FakeDiscord, FakeModal, InvalidInteraction
from tests.fake_discord.validation import validate_modal

EVENT_ID = 42
TOPIC_LIST = [
    ("ia", "Intelligence artificielle"),
    ("finance", "Finance solidaire"),
    ("rh", "Ressources humaines"),
]
TOPIC_IDS = [topic_id for topic_id, _ in TOPIC_LIST]
FRENCH = FormWords(
    title="Votre avis sur la matinée",
    rating_label="Note globale",
    rating_description="Ce que vous avez pensé de la matinée dans son ensemble",
    rating_option_labels=("1 — décevant", "2 — moyen", "3 — bien", "4 — très bien", "5 — excellent"),
    recommend_label="La recommanderiez-vous à un ami ?",
    recommend_placeholder="De 0 (jamais) à 10 (sans hésiter)",
    recommend_low_hint="Jamais",
    recommend_high_hint="Sans hésiter",
    useful_label="Ce qui vous a été le plus utile",
    improve_label="Ce qu’il faudrait améliorer",
    topics_label="Sujets souhaités la prochaine fois",
)
ENGLISH = FormWords(
    title="Your feedback on the morning",
    rating_label="Overall rating",
    rating_option_labels=("1 — poor", "2 — fair", "3 — good", "4 — very good", "5 — excellent"),
    recommend_label="Would you recommend it to a friend?",
    recommend_placeholder="From 0 (never) to 10 (definitely)",
    useful_label="What was most useful",
    improve_label="What to improve",
    topics_label="Topics you want next time",
)
REFUSED = {"fr": "Cette réponse n’est pas valable.", "en": "That answer is not valid."}
CATALOGUE = Catalogue({lang: {"feedback.error.invalid_answer": text} for lang, text in REFUSED.items()}, "fr")
VALID = {RATING: "4", RECOMMEND: ["9"], USEFUL: "L’atelier sur les statuts", TOPICS: ["ia", "rh"]}


@dataclass
class Answers:
    """What `on_answers` received, and the store a cog would keep (one answer per member and event)."""

    calls: list[tuple[int, FormAnswers]] = field(default_factory=list)
    saved: dict[tuple[int, int], FormAnswers] = field(default_factory=dict)


def make_bot(fake: FakeDiscord, answers: Answers) -> commands.Bot:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    bot.catalogue = CATALOGUE  # what ui.AgoraModal.on_error answers with
    guild = discord.Object(fake.guild.id)

    async def on_answers(interaction: discord.Interaction, form_answers: FormAnswers) -> None:
        answers.calls.append((interaction.user.id, form_answers))
        answers.saved[(EVENT_ID, interaction.user.id)] = form_answers
        await interaction.response.send_message("Merci !", ephemeral=True)

    @app_commands.command(name="feedback", description="Give feedback")
    async def feedback(interaction: discord.Interaction, topics: app_commands.Range[int, 0, 3] = 3) -> None:
        form = FeedbackForm(
            event_id=EVENT_ID,
            words=FRENCH if interaction.locale is discord.Locale.french else ENGLISH,
            topics=TOPIC_LIST[:topics],
            previous=answers.saved.get((EVENT_ID, interaction.user.id)),
        )
        await interaction.response.send_modal(form)

    async def on_interaction(interaction: discord.Interaction) -> None:
        # As the events cog does: the form is stateless, its submission is read from the interaction.
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        try:
            _, form_answers = read_submission(interaction, TOPIC_IDS)
        except UserError as refused:
            await errors.report(refused, CATALOGUE, interaction)
            return
        await on_answers(interaction, form_answers)

    bot.tree.add_command(feedback, guild=guild)
    bot.add_listener(on_interaction)

    async def setup_hook() -> None:
        await bot.tree.sync(guild=guild)

    bot.setup_hook = setup_hook
    return bot


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
async def bot(fake: FakeDiscord, answers: Answers) -> AsyncIterator[commands.Bot]:
    async with fake.run_bot(make_bot(fake, answers)) as running:
        await fake.wait_for_commands()
        yield running


async def open_form(fake: FakeDiscord, member: str = "alice", **options: int) -> FakeModal:
    return await (await fake.run_command(member, "feedback", options)).modal()


def inner(modal: FakeModal) -> dict[str, dict]:
    return {c["component"]["custom_id"]: c["component"] for c in modal.components}


def defaults(component: dict) -> list[str]:
    return [o["value"] for o in component["options"] if o.get("default")]


# -- what the member sees ----------------------------------------------------------------------------


async def test_form_is_five_labels_with_the_2_7_components(fake, bot):
    modal = await open_form(fake)
    assert modal.custom_id == f"feedback:form:{EVENT_ID}"
    assert modal.title == FRENCH.title
    assert [c["type"] for c in modal.components] == [18] * 5
    assert [c["label"] for c in modal.components] == [
        FRENCH.rating_label,
        FRENCH.recommend_label,
        FRENCH.useful_label,
        FRENCH.improve_label,
        FRENCH.topics_label,
    ]
    assert modal.components[0]["description"] == FRENCH.rating_description
    parts = inner(modal)
    assert {k: c["type"] for k, c in parts.items()} == {
        RATING: 21,
        RECOMMEND: 3,
        USEFUL: 4,
        IMPROVE: 4,
        TOPICS: 22,
    }

    rating = parts[RATING]
    assert [o["value"] for o in rating["options"]] == ["1", "2", "3", "4", "5"]
    assert tuple(o["label"] for o in rating["options"]) == FRENCH.rating_option_labels
    assert rating["required"] is True

    recommend = parts[RECOMMEND]
    assert [o["value"] for o in recommend["options"]] == [str(n) for n in range(11)]
    assert (recommend["min_values"], recommend["max_values"], recommend["required"]) == (1, 1, True)
    assert recommend["placeholder"] == FRENCH.recommend_placeholder
    assert recommend["options"][0]["description"] == "Jamais"
    assert recommend["options"][10]["description"] == "Sans hésiter"

    for text in (parts[USEFUL], parts[IMPROVE]):
        assert (text["style"], text["max_length"], text["required"]) == (2, TEXT_MAX, False)
        assert "value" not in text

    topics = parts[TOPICS]
    assert [(o["value"], o["label"]) for o in topics["options"]] == TOPIC_LIST
    assert (topics["min_values"], topics["max_values"], topics["required"]) == (0, 3, False)
    assert not any(defaults(c) for c in (rating, recommend, topics))


async def test_form_speaks_the_words_it_is_given(fake, bot):
    modal = await open_form(fake, "bob")  # bob's client is in English
    assert modal.title == ENGLISH.title
    assert modal.labels()[RATING] == ENGLISH.rating_label


async def test_without_topics_the_form_asks_four_questions(fake, bot, answers):
    modal = await open_form(fake, topics=0)
    assert [c["component"]["type"] for c in modal.components] == [21, 3, 4, 4]
    submit = await fake.submit_modal("alice", modal, {RATING: "2", RECOMMEND: ["3"]})
    await submit.response()
    assert answers.calls == [(fake.member("alice").id, FormAnswers(2, 3, "", "", ()))]


# -- submitting -----------------------------------------------------------------------------------


async def test_valid_answers_reach_on_answers(fake, bot, answers):
    modal = await open_form(fake)
    submit = await fake.submit_modal("alice", modal, VALID | {IMPROVE: "  Plus de pauses  "})
    await submit.response()
    assert submit.is_ephemeral and submit.content == "Merci !"
    expected = FormAnswers(4, 9, "L’atelier sur les statuts", "Plus de pauses", ("ia", "rh"))
    assert answers.calls == [(fake.member("alice").id, expected)]


async def test_optional_questions_may_stay_empty(fake, bot, answers):
    modal = await open_form(fake)
    submit = await fake.submit_modal("alice", modal, {RATING: "1", RECOMMEND: ["0"]})
    await submit.response()
    assert answers.calls == [(fake.member("alice").id, FormAnswers(1, 0, "", "", ()))]


async def test_text_of_exactly_the_limit_is_accepted(fake, bot, answers):
    modal = await open_form(fake)
    submit = await fake.submit_modal("alice", modal, VALID | {USEFUL: "é" * TEXT_MAX})
    await submit.response()
    assert answers.calls[0][1].useful == "é" * TEXT_MAX


async def test_client_refuses_a_text_past_the_limit(fake, bot):
    modal = await open_form(fake)
    with pytest.raises(InvalidInteraction, match="length"):
        await fake.submit_modal("alice", modal, VALID | {USEFUL: "x" * (TEXT_MAX + 1)})


async def test_reopening_shows_the_previous_answers(fake, bot):
    first = await open_form(fake)
    await (await fake.submit_modal("alice", first, VALID | {IMPROVE: "Plus de pauses"})).response()
    parts = inner(await open_form(fake))
    assert defaults(parts[RATING]) == ["4"]
    assert defaults(parts[RECOMMEND]) == ["9"]
    assert parts[USEFUL]["value"] == "L’atelier sur les statuts"
    assert parts[IMPROVE]["value"] == "Plus de pauses"
    assert defaults(parts[TOPICS]) == ["ia", "rh"]


async def test_previous_answers_are_only_the_members_own(fake, bot):
    await (await fake.submit_modal("alice", await open_form(fake), VALID)).response()
    parts = inner(await open_form(fake, "olivia"))
    assert not any(defaults(parts[k]) for k in (RATING, RECOMMEND, TOPICS))
    assert "value" not in parts[USEFUL]


async def test_submitting_again_replaces_the_answers(fake, bot, answers):
    await (await fake.submit_modal("alice", await open_form(fake), VALID)).response()
    second = await open_form(fake)
    # untouched inputs are sent with their pre-filled values, as Discord does
    await (await fake.submit_modal("alice", second, {RATING: "5", TOPICS: []})).response()
    assert answers.saved == {
        (EVENT_ID, fake.member("alice").id): FormAnswers(5, 9, "L’atelier sur les statuts", "", ())
    }


async def test_two_members_can_fill_the_form_of_one_event_at_once(fake, bot, answers):
    alices = await open_form(fake, "alice")
    bobs = await open_form(fake, "bob")
    await (await fake.submit_modal("alice", alices, VALID)).response()
    await (await fake.submit_modal("bob", bobs, {RATING: "2", RECOMMEND: ["5"]})).response()
    assert {who for who, _ in answers.calls} == {fake.member("alice").id, fake.member("bob").id}


# -- forged submissions ---------------------------------------------------------------------------

FORGED = [
    pytest.param({RATING: "7"}, id="rating-7"),
    pytest.param({RATING: "0"}, id="rating-0"),
    pytest.param({RATING: " 3"}, id="rating-padded"),
    pytest.param({RATING: "٣"}, id="rating-arabic-indic-digit"),
    pytest.param({RATING: None}, id="rating-missing"),
    pytest.param({RATING: 3}, id="rating-not-a-string"),
    pytest.param({RECOMMEND: ["-1"]}, id="recommend-minus-1"),
    pytest.param({RECOMMEND: ["11"]}, id="recommend-11"),
    pytest.param({RECOMMEND: ["7.5"]}, id="recommend-not-an-integer"),
    pytest.param({RECOMMEND: ["5", "6"]}, id="recommend-two-scores"),
    pytest.param({RECOMMEND: []}, id="recommend-none"),
    pytest.param({TOPICS: ["hacker"]}, id="topic-unknown"),
    pytest.param({TOPICS: ["ia", "ia"]}, id="topic-twice"),
    pytest.param({USEFUL: "x" * 5000}, id="useful-5000-chars"),
    pytest.param({IMPROVE: "x" * (TEXT_MAX + 1)}, id="improve-one-char-too-many"),
]


@pytest.mark.parametrize("forged", FORGED)
async def test_forged_submission_is_refused_and_saves_nothing(fake, bot, answers, forged):
    modal = await open_form(fake)
    submit = await fake.submit_modal("alice", modal, VALID | forged, force=True)
    await submit.response()
    assert submit.is_ephemeral and submit.content == REFUSED["fr"]
    assert answers.calls == []


async def test_refusal_is_in_the_members_language(fake, bot, answers):
    modal = await open_form(fake, "bob")
    submit = await fake.submit_modal("bob", modal, VALID | {RATING: "9"}, force=True)
    await submit.response()
    assert submit.content == REFUSED["en"] and answers.calls == []


async def test_refusal_is_logged_with_ids_but_not_the_text(fake, bot, caplog):
    modal = await open_form(fake)
    secret = "mon avis très personnel " * 200
    with caplog.at_level(logging.WARNING, logger="cogs.events.rules"):
        submit = await fake.submit_modal("alice", modal, VALID | {USEFUL: secret}, force=True)
        await submit.response()
    [record] = [r for r in caplog.records if r.name == "cogs.events.rules"]
    assert str(fake.member("alice").id) in record.getMessage() and "useful" in record.getMessage()
    assert "personnel" not in record.getMessage()


# -- the strict parser, without Discord -----------------------------------------------------------

COMPLETE = {RATING: "3", RECOMMEND: ["10"], USEFUL: "", IMPROVE: "", TOPICS: []}


def test_parser_reads_every_answer():
    values = COMPLETE | {USEFUL: "Les intervenants", IMPROVE: "Le son", TOPICS: ["rh", "ia"]}
    assert parse_answers(values, TOPIC_IDS) == FormAnswers(3, 10, "Les intervenants", "Le son", ("rh", "ia"))


def test_parser_trims_spaces_and_keeps_empty_texts_empty():
    values = COMPLETE | {USEFUL: "\n  Le café \n", IMPROVE: "   "}
    assert parse_answers(values, TOPIC_IDS) == FormAnswers(3, 10, "Le café", "", ())


@pytest.mark.parametrize("rating", ["1", "5"])
def test_parser_accepts_the_rating_bounds(rating):
    assert parse_answers(COMPLETE | {RATING: rating}, TOPIC_IDS).rating == int(rating)


@pytest.mark.parametrize("score", ["0", "10"])
def test_parser_accepts_the_score_bounds(score):
    assert parse_answers(COMPLETE | {RECOMMEND: [score]}, TOPIC_IDS).recommend == int(score)


@pytest.mark.parametrize(
    "bad",
    [
        {RATING: "6"},
        {RATING: "+3"},
        {RATING: "03"},
        {RATING: "3.0"},
        {RATING: ""},
        {RATING: True},
        {RECOMMEND: "5"},
        {RECOMMEND: [5]},
        {RECOMMEND: ["1_0"]},
        {RECOMMEND: None},
        {TOPICS: "ia"},
        {TOPICS: [1]},
        {TOPICS: ["IA"]},
        {USEFUL: None},
        {IMPROVE: 12},
        {USEFUL: "y" * (TEXT_MAX + 1)},
    ],
    ids=repr,
)
def test_parser_refuses_values_the_form_never_offers(bad):
    with pytest.raises(UserError) as refused:
        parse_answers(COMPLETE | bad, TOPIC_IDS)
    assert refused.value.key == "feedback.error.invalid_answer"


@pytest.mark.parametrize("missing", [RATING, RECOMMEND, USEFUL, IMPROVE, TOPICS])
def test_parser_refuses_a_missing_answer(missing):
    values = {k: v for k, v in COMPLETE.items() if k != missing}
    with pytest.raises(UserError):
        parse_answers(values, TOPIC_IDS)


def test_parser_refuses_any_topic_when_none_was_offered():
    with pytest.raises(UserError):
        parse_answers(COMPLETE | {TOPICS: ["ia"]}, [])


# -- the form's own limits ------------------------------------------------------------------------


async def test_largest_form_stays_within_discords_limits():
    words = FormWords(
        title="t" * 45,
        rating_label="r" * 45,
        rating_description="d" * 100,
        rating_option_labels=tuple(f"{n}" + "o" * 99 for n in range(1, 6)),
        recommend_label="c" * 45,
        recommend_placeholder="p" * 150,
        recommend_low_hint="l" * 100,
        recommend_high_hint="h" * 100,
        useful_label="u" * 45,
        useful_placeholder="p" * 100,
        improve_label="i" * 45,
        topics_label="s" * 45,
        topics_description="d" * 100,
    )
    topics = [(f"{n}" + "k" * 99, f"{n}" + "v" * 99) for n in range(10)]
    previous = FormAnswers(5, 10, "u" * TEXT_MAX, "i" * TEXT_MAX, tuple(k for k, _ in topics))
    form = FeedbackForm(event_id=2**63 - 1, words=words, topics=topics, previous=previous)
    assert not validate_modal(form.to_dict()).errors


@pytest.mark.parametrize(
    "change",
    [{"title": "t" * 46}, {"rating_label": ""}, {"rating_option_labels": ("1", "2", "3", "4")}],
    ids=["title-too-long", "empty-label", "four-ratings"],
)
def test_words_outside_discords_limits_are_refused(change):
    fields = {f: getattr(FRENCH, f) for f in FormWords.__dataclass_fields__}
    with pytest.raises(ValueError, match=r"rating_option_labels|characters"):
        FormWords(**(fields | change))


@pytest.mark.parametrize(
    "topics",
    [[(str(n), f"Sujet {n}") for n in range(11)], [("ia", "IA"), ("ia", "Intelligence artificielle")]],
    ids=["eleven-topics", "same-id-twice"],
)
async def test_topic_lists_a_checkbox_group_cannot_hold_are_refused(topics):
    with pytest.raises(ValueError, match="topics"):
        FeedbackForm(event_id=1, words=FRENCH, topics=topics, previous=None)


@pytest.mark.parametrize(
    "group",
    [
        {"type": 21, "options": [{"label": "1", "value": "1"}]},
        {"type": 21, "options": [{"label": v, "value": v, "default": True} for v in "12"]},
        {"type": 22, "options": [{"label": str(n), "value": str(n)} for n in range(11)]},
        {"type": 22, "min_values": 0, "required": True, "options": [{"label": "1", "value": "1"}]},
    ],
    ids=["radio-one-option", "radio-two-defaults", "checkbox-eleven-options", "checkbox-0-but-required"],
)
def test_fake_refuses_groups_discord_refuses(group):
    """So that the largest form passing `validate_modal` means something."""
    label = {"type": 18, "label": "L", "component": group | {"custom_id": "g"}}
    modal = {"title": "t", "custom_id": "m", "components": [label]}
    assert validate_modal(modal).errors
