"""The report's sessions and other features' fields: figures computed by hand, and Discord's limits for
one message (10 embeds, 25 fields each, 6000 characters across them) whatever the volume."""

from __future__ import annotations

import discord
import pytest

from agora.i18n import Catalogue
from agora.meetings import Session
from cogs.events.figures import build_report
from cogs.events.render import TOPICS, report_embed
from cogs.events.report_render import REPORT_TOTAL, compose_report, fair_shares, fit_fields
from cogs.events.sessions.figures import SessionRating, session_figures
from cogs.events.sessions.render import COMMENT_MAX, SessionBlock, session_block, session_blocks
from tests.unit.events.test_render import event, responses

FR = Catalogue.load("fr").words("fr")
START = 1_796_000_000


def session(
    n: int, title: str = "Atelier", speaker_id: int | None = None, guest: str | None = "Ada"
) -> Session:
    return Session(n, 1, f"{n}. {title}", speaker_id, None if speaker_id else guest, START + 1200 * n, None)


def rating(
    session_id: int, user_id: int, value: int | None, comment: str = "", *, missed: bool = False, at=0
):
    return SessionRating(session_id, user_id, value, missed, comment, START + at)


def main_embed(count: int = 50, text: str = "Un commentaire très long " * 40):
    report = build_report(responses(count, text), interested=60, topic_order=TOPICS, anonymous=True)
    names = {topic: FR(f"feedback.topics.{topic}") for topic in TOPICS}

    def build(budget: int) -> discord.Embed:
        return report_embed(
            event(), report, FR, topic_names=names, chart_name="c.png", decimal_mark=",", budget=budget
        )

    return build


def within_limits(embeds: list[discord.Embed]) -> None:
    assert len(embeds) <= 10
    assert sum(len(e) for e in embeds) <= REPORT_TOTAL <= 6000
    for embed in embeds:
        assert len(embed.fields) <= 25 and len(embed.title or "") <= 256
        assert all(0 < len(f.name) <= 256 and 0 < len(f.value) <= 1024 for f in embed.fields)


def test_a_session_s_figures_are_computed_by_hand():
    ratings = [rating(1, 1, 5), rating(1, 2, 4), rating(1, 3, 4), rating(1, 4, None, missed=True)]
    ratings += [rating(1, 5, None, "Merci !", at=9), rating(2, 1, 1)]
    block = session_block(session(1), session_figures(1, ratings), FR, ",")
    # 5 + 4 + 4 = 13 / 3 = 4.33… → 4,3; one missed; the comment alone counts as no rating.
    assert "**4,3** / 5 · réponses : 3 · manquée : 1" in block.core
    assert "1★ 0 · 2★ 0 · 3★ 0 · 4★ 2 · 5★ 1" in block.core
    assert block.value(1024, FR).endswith("\n> Merci !")
    english = session_block(session(1), session_figures(1, ratings), Catalogue.load("fr").words("en"), ".")
    assert "**4.3** / 5 · answers: 3 · missed: 1" in english.core


def test_comments_are_escaped_and_never_ping():
    ratings = [rating(1, 1, 3, "@everyone <@42> **bravo** _vraiment_")]
    value = session_block(session(1), session_figures(1, ratings), FR, ",").value(1024, FR)
    assert "@\u200beveryone" in value and "<@\u200b42>" in value and "\\*\\*bravo\\*\\*" in value


def test_a_member_speaker_is_a_mention_and_a_guest_s_name_is_literal():
    member = session_block(session(1, speaker_id=77), session_figures(1, []), FR, ",")
    guest = session_block(session(2, guest="Ada *Lovelace*"), session_figures(2, []), FR, ",")
    assert "🎤 <@77>" in member.core and "Ada \\*Lovelace\\*" in guest.core
    assert "**—** / 5 · réponses : 0 · manquée : 0" in member.core


def test_comments_that_do_not_fit_are_counted_newest_first_never_cut_mid_word():
    comments = [rating(1, n, 4, f"Remarque numéro {n} " + "très pertinente " * 30, at=n) for n in range(8)]
    block = session_block(session(1), session_figures(1, comments), FR, ",")
    value = block.value(len(block.core) + 400, FR)
    lines = value.split("\n")[3:]
    assert lines[0].startswith("> Remarque numéro 7 ") and lines[0].endswith("…")
    assert lines[0][:-1].rstrip().endswith(("très", "pertinente", "7"))
    assert lines[-1].startswith("… et ") and "de plus dans l’export CSV" in lines[-1]
    assert len(value) <= len(block.core) + 400
    # No room for a comment at all: the core alone, with the count when it fits.
    assert block.value(len(block.core), FR) == block.core


def test_fair_shares_give_small_wants_whole_and_split_the_rest():
    assert fair_shares([10, 20], 100) == [10, 20]
    assert fair_shares([10, 500, 900], 410) == [10, 200, 200]
    assert fair_shares([5, 5], 0) == [0, 0] and fair_shares([], 10) == []


def test_another_feature_s_long_field_is_cut_at_a_line_and_the_rest_left_out():
    fields = [("Q&A", "\n".join(f"{n}. une question assez longue — ▲ {n}" for n in range(60))), ("B", "x")]
    (kept,) = fit_fields(fields, 500)
    assert kept[1].endswith("\n…") and len(kept[0]) + len(kept[1]) <= 500
    assert all(line.startswith(tuple("0123456789…")) for line in kept[1].split("\n"))


@pytest.mark.parametrize("comment", ["Très intéressant, merci " * 25, "_*~|" * 125])
def test_ten_sessions_long_comments_and_another_feature_s_fields_stay_within_one_message(comment):
    sessions = [session(n, title="T" * 250 + " _titre_") for n in range(1, 11)]
    ratings = [rating(s.id, u, u % 5 + 1, comment, at=u) for s in sessions for u in range(1, 21)]
    blocks = session_blocks(sessions, [session_figures(s.id, ratings) for s in sessions], FR, ",")
    extra = [(f"Question {n} " + "q" * 300, ("Une réponse. " * 120).strip()) for n in range(40)]
    embeds = compose_report(main_embed(), blocks, extra, FR)
    within_limits(embeds)
    by_name = {f.name: f.value for e in embeds for f in e.fields}
    for block in blocks:
        assert by_name[block.name].startswith(block.core)  # every session's figures, whole
        assert "**3,0** / 5 · réponses : 20" in by_name[block.name]
    assert any(name.startswith("Question 0") for name in by_name)  # the other feature is not crowded out
    assert "Le plus utile" in by_name  # nor the main comments


def test_with_little_to_say_everything_is_shown_whole():
    blocks = [session_block(session(1), session_figures(1, [rating(1, 1, 5, "Court")]), FR, ",")]
    extra = [("Questions du public", "1. Pourquoi ? — ▲ 2")]
    embeds = compose_report(main_embed(2, "Bien"), blocks, extra, FR)
    within_limits(embeds)
    assert [e.title for e in embeds[1:]] == ["Par session", None]
    assert embeds[1].fields[0].value.endswith("> Court") and embeds[2].fields[0].value.endswith("▲ 2")
    assert any(f.value.startswith("> Bien") for f in embeds[0].fields)


def test_a_report_without_programme_or_other_parts_is_one_embed():
    (embed,) = compose_report(main_embed(), [], [], FR)
    assert len(embed) <= REPORT_TOTAL


def test_a_block_never_shows_more_than_comment_max_of_one_comment():
    block = SessionBlock("S", "core", ("mot " * 400,))
    assert len(block.value(1024, FR).split("\n")[1]) <= len("> ") + COMMENT_MAX
