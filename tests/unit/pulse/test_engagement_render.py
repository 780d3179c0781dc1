"""The engagement report as Discord shows it: within the limits after escaping whatever the names and
the volume, numbers in the language's form, and the charts drawn (hidden steps without a bar)."""

from __future__ import annotations

import pytest

from agora.i18n import Catalogue
from agora.pulse import Discussion, EngagementPart, Figure, FunnelStep
from cogs.pulse.engagement import charts
from cogs.pulse.engagement.figures import ChannelCount, Measured, build_report
from cogs.pulse.engagement.render import number, report_embeds, signed


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load("fr")


def embed_size(embed) -> int:
    data = embed.to_dict()
    return (
        len(data.get("title", ""))
        + len(data.get("description", ""))
        + len(data.get("footer", {}).get("text", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in data.get("fields", []))
    )


def crowded(n_channels: int, n_articles: int) -> Measured:
    name = "#" + "_*~|" * 25  # doubles when escaped
    channels = tuple(ChannelCount(i, f"{name}{i}", 1000 - i, 40) for i in range(n_channels))
    discussions = tuple(
        Discussion("**" * 60 + f"article {i}", f"https://blog.example/{i}", 5000 + i, i)
        for i in range(n_articles)
    )
    parts = tuple(
        EngagementPart(
            section,
            "_Section_ " * 30,
            figures=tuple(Figure(f"{section}.{k}", "label_*" * 20, k * 7, people=True) for k in range(30)),
            discussions=discussions if section == "articles" else (),
        )
        for section in (
            "events",
            "polls",
            "articles",
            "questions",
            "extra1",
            "extra2",
            "extra3",
            "extra4",
            "extra5",
        )
    )
    return Measured(
        members=5000,
        members_before=4900,
        active=300,
        first_time=40,
        messages=90000,
        authors=800,
        channels=channels,
        parts=parts,
        replies={5000 + i: i for i in range(n_articles)},
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_crowded_report_stays_within_discords_limits(catalogue, language):
    words = catalogue.words(language)
    report = build_report(crowded(200, 300), crowded(150, 10), words)
    embeds = report_embeds(
        report, words, period="novembre 2026", previous="octobre 2026", trend=True, funnel=True
    )
    assert 1 <= len(embeds) <= 10
    assert sum(embed_size(embed) for embed in embeds) <= 6000
    for embed in embeds:
        assert len(embed.description or "") <= 4096
        assert len(embed.title or "") <= 256


def test_numbers_take_the_languages_form(catalogue):
    fr, en = catalogue.words("fr"), catalogue.words("en")
    assert number(1234567, fr) == "1\u202f234\u202f567"
    assert number(1234567, en) == "1,234,567"
    assert number(4.26, fr, 1) == "4,3"
    assert signed(-3, en) == "\u22123"
    assert signed(0, en) == "±0"
    assert signed(12, fr) == "+12"


def test_the_summary_carries_the_trend_and_the_events_the_funnel(catalogue):
    words = catalogue.words("en")
    now = Measured(
        members=10,
        members_before=8,
        active=4,
        first_time=4,
        messages=12,
        authors=3,
        parts=(
            EngagementPart(
                "events",
                "Events",
                figures=(Figure("events.count", "Events", 1),),
                funnel=(FunnelStep("i", "I", 4),),
            ),
        ),
    )
    before = Measured(members=8, members_before=None, active=0, first_time=0, messages=0, authors=0)
    embeds = report_embeds(
        build_report(now, before, words),
        words,
        period="November 2026",
        previous="October 2026",
        trend=True,
        funnel=True,
    )
    assert embeds[0].title == "Engagement — November 2026"
    assert embeds[0].image.url == "attachment://trend.png"
    assert [e.image.url for e in embeds[1:]] == [None, "attachment://funnel.png"]
    assert "Server members (at the end of the period): **10** (+2)" in embeds[0].description


def test_the_funnel_and_trend_charts_are_pngs():
    funnel = charts.funnel_png(
        title="Événements — novembre 2026 " * 5,
        subtitle="Personnes",
        labels=["Intéressés", "Inscrits", "Présents", "Avis"],
        counts=[40, 30, None, 0],
        notes=["40 · 100 %", "30 · 75 %", "< 3", "0 · 0 %"],
    )
    trend = charts.trend_png(
        title="Activité",
        subtitle="Messages par jour",
        labels=[str(day) for day in range(1, 31)],
        messages=[day * 3 % 17 for day in range(30)],
        active=[None if day % 5 == 0 else day for day in range(30)],
        messages_label="Messages",
        active_label="Membres actifs",
    )
    assert funnel.startswith(b"\x89PNG") and trend.startswith(b"\x89PNG")


def test_a_trend_without_active_members_is_drawn_without_its_line():
    png = charts.trend_png(
        title="Activity",
        subtitle="Per week",
        labels=["05.10", "12.10"],
        messages=[3, 4],
        active=[None, None],
        messages_label="Messages",
        active_label="Active members",
    )
    assert png.startswith(b"\x89PNG")


def trend(active: list[int | None], messages: list[int] | None = None) -> bytes:
    return charts.trend_png(
        title="Activity",
        subtitle="Per day",
        labels=["1", "2", "3"],
        messages=messages,
        active=active,
        messages_label="Messages",
        active_label="Active members",
    )


def test_a_trend_of_active_members_all_zero_or_hidden_draws_no_line():
    messages = [3, 0, 4]
    no_line = trend([None, None, None], messages)
    assert trend([0, 0, 0], messages) == no_line  # not a flat line of zeros
    assert trend([0, None, 0], messages) == no_line
    assert trend([0, 3, 0], messages) != no_line


def test_a_trend_whose_messages_are_not_shown_draws_no_bars():
    assert trend([3, 4, 5], None) != trend([3, 4, 5], [0, 0, 0])
    assert trend([3, 4, 5], None).startswith(b"\x89PNG")
