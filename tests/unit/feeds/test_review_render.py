"""What the review queue shows: /feed queue within Discord's embed limits whatever the volume, and the
review post's words for each state."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agora.i18n import Catalogue
from cogs.feeds.parse import FeedEntry
from cogs.feeds.review.render import Target, pick_options, queue_embed, queue_line, review_content
from cogs.feeds.review.store import Review

T0 = 1_790_000_000


def review(n: int, *, state: str = "pending", blog: str = "Blog", **changes: object) -> Review:
    values: dict[str, object] = {
        "id": n,
        "guild_id": 1,
        "feed_id": 7,
        "entry_key": f"key-{n}",
        "blog": blog,
        "payload": "{}",
        "state": state,
        "comment": None,
        "review_channel_id": 2,
        "review_message_id": 1000 + n,
        "created_at": T0,
        "expires_at": T0 + 7 * 86400,
        "decided_at": T0 + 8 * 86400 if state == "expired" else None,
        "last_error": None,
        "drawn_state": None,
    }
    return Review(**{**values, **changes})  # type: ignore[arg-type]


def entry(n: int, title: str = "", link: str | None = None) -> FeedEntry:
    return FeedEntry(
        key=f"key-{n}",
        title=title or f"Article {n}",
        link=link or f"https://blog.example.ch/{n}",
        summary="",
        author=None,
        published=datetime.fromtimestamp(T0, UTC),
        image_url=None,
        tags=(),
    )


@pytest.fixture
def words():
    return Catalogue.load("fr").words("fr")


def test_many_long_items_fit_discords_embed_limits_with_and_n_more(words):
    long = "_*" * 300  # doubles once escaped
    pending = [
        (review(n, blog=long, last_error="discord_forbidden"), entry(n, long, "https://x.ch/" + "a" * 400))
        for n in range(300)
    ]
    expired = [(review(1000 + n, state="expired", blog=long), entry(1000 + n, long)) for n in range(300)]
    embed = queue_embed(pending, expired, words)
    assert len(embed) <= 6000
    assert len(embed.description) <= 4096
    [field] = embed.fields
    assert len(field.value) <= 1024 and len(field.name) <= 256
    assert embed.description.endswith("autre(s)") and field.value.endswith("autre(s)")
    assert embed.title == "Articles à relire (300)"


def test_an_empty_queue_says_so(words):
    embed = queue_embed([], [], words)
    assert embed.description == "Aucun article n’attend de relecture."
    assert embed.fields == []


def test_the_review_post_says_where_the_article_would_go_and_what_became_of_it(words):
    target = Target(channel_id=5, role_id=6, open_thread=True)
    waiting = review_content(review(1, last_error="discord_forbidden"), target, words)
    assert "<#5>" in waiting and "<@&6>" in waiting and "fil de discussion" in waiting
    assert f"<t:{T0 + 7 * 86400}:R>" in waiting and "⚠️ La dernière publication a échoué" in waiting
    published = review_content(review(1, state="published"), target, words, published="https://d/1")
    assert published.endswith("✅ Publié : https://d/1")
    assert review_content(review(1, state="skipped"), target, words).endswith(
        "⏭️ Écarté : il ne sera pas publié."
    )
    removed = review_content(review(1, feed_id=None), None, words)
    assert removed.endswith("🗑️ Ce flux n’est plus suivi : l’article ne sera pas publié.")
    assert "Serait publié" not in removed


def test_a_publishing_discord_did_not_confirm_says_agora_checks_rather_than_to_click_again(words):
    target = Target(channel_id=5, role_id=None, open_thread=False)
    unconfirmed = review(1, state="publishing", last_error="discord_error")
    shown = review_content(unconfirmed, target, words)
    assert shown.endswith(
        "Agora vérifie si l’article est déjà dans le salon et termine la publication "
        "d’ici quelques minutes, sans le publier deux fois."
    )
    assert review_content(review(1, state="publishing"), target, words).endswith("⏳ Publication en cours…")
    line = queue_line(unconfirmed, entry(1, "Lire"), words, expired=False)
    assert line.endswith("⏳ publication en cours") and "réessayez" not in line


def test_an_address_that_would_break_its_link_in_the_queue_is_encoded_or_left_unlinked(words):
    odd = queue_line(review(1), entry(1, "Lire", "https://blog.example.ch/a b)<x>"), words, expired=False)
    assert "[Lire](https://blog.example.ch/a%20b%29%3Cx%3E)" in odd
    script = queue_line(review(2), entry(2, "Piège", "javascript:alert(1)"), words, expired=False)
    assert "Piège" in script and "javascript" not in script


def test_the_queue_menu_offers_the_articles_waiting_as_they_read_at_most_25(words):
    long = "Un titre *vraiment* très long " * 10
    waiting = [(review(n), entry(n, long if n == 0 else "")) for n in range(30)]
    others = [
        (review(100, state="publishing"), entry(100)),
        (review(101, feed_id=None), entry(101)),
    ]
    options = pick_options(others + waiting)
    assert [o.value for o in options] == [str(n) for n in range(25)]
    first = options[0]
    assert first.label.startswith("Un titre *vraiment* très long") and first.label.endswith("…")
    assert len(first.label) <= 100 and first.description == "Blog"
    assert options[1].label == "Article 1"
