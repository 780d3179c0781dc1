"""No figure of the engagement report gives a hidden one away by a subtraction: the active members are
the first-time ones plus the returning ones, so when either is "< 3" the other is withheld, with the
changes of both, in the embed and in the CSV. The figures here are set by hand."""

from __future__ import annotations

import pytest

from agora.i18n import Catalogue
from agora.pulse import EngagementPart, Figure, FunnelStep
from cogs.pulse.engagement.export import report_csv
from cogs.pulse.engagement.figures import Measured, Report, Row, build_report, delta, funnel_counts
from cogs.pulse.engagement.render import change_text, report_embeds, value_text


@pytest.fixture(scope="module")
def words():
    return Catalogue.load("fr").words("fr")


def measured(active: int, first_time: int, parts: tuple[EngagementPart, ...] = ()) -> Measured:
    return Measured(
        members=100,
        members_before=90,
        active=active,
        first_time=first_time,
        messages=50,
        authors=9,
        parts=parts,
    )


def rows(report: Report) -> dict[str, Row]:
    return {row.figure.key: row for block in report.blocks for row in block.every_row()}


def csv_rows(report: Report, words) -> dict[str, list[str]]:
    text = report_csv(report, words, period="novembre 2026", previous="octobre 2026").decode("utf-8-sig")
    return {line.split(";")[0]: line.split(";")[1:] for line in text.split("\r\n") if line}


def summary(report: Report, words) -> str:
    embeds = report_embeds(
        report, words, period="novembre 2026", previous="octobre 2026", trend=False, funnel=False
    )
    return embeds[0].description


def test_one_returning_member_among_ten_active_withholds_the_first_timers(words):
    # November: 10 active, 9 of them first-time, so 1 returning; October: 5 active, all first-time.
    report = build_report(measured(10, 9), measured(5, 5), words)
    figures = rows(report)
    first_time, returning = figures["active.first_time"], figures["active.returning"]
    assert (first_time.figure.value, returning.figure.value) == (9, 1)
    assert value_text(returning.figure, words) == "< 3"
    # 10 − 9 would tell the returning member is alone: the 9 is not shown either, nor either change.
    assert value_text(first_time.figure, words, withheld=first_time.withheld) == "masqué"
    assert delta(first_time) is None and delta(returning) is None
    assert change_text(first_time, words) is None and change_text(returning, words) is None
    # October's own figures (5 and 0) are shown: neither was hidden then.
    assert value_text(first_time.previous, words, withheld=first_time.previous_withheld) == "5"
    assert value_text(returning.previous, words, withheld=returning.previous_withheld) == "0"
    # The total and its change stay: they give neither part away.
    assert value_text(figures["active"].figure, words) == "10"
    assert delta(figures["active"]) == 10 - 5

    text = summary(report, words)
    assert "Membres actifs (votes, inscriptions, présences, avis, questions) : **10** (+5)" in text
    assert "Actifs pour la première fois : **masqué**\n" in text + "\n"
    assert "Actifs déjà auparavant : **< 3**\n" in text + "\n"

    cells = csv_rows(report, words)
    assert cells["active.first_time"][1:] == ["masqué", "5", ""]
    assert cells["active.returning"][1:] == ["< 3", "0", ""]
    assert cells["active"][1:] == ["10", "5", "5"]


def test_two_first_timers_among_twelve_active_withhold_the_returning_members(words):
    report = build_report(measured(12, 2), measured(4, 4), words)
    figures = rows(report)
    assert value_text(figures["active.first_time"].figure, words) == "< 3"
    returning = figures["active.returning"]
    assert returning.figure.value == 10 and returning.withheld
    assert csv_rows(report, words)["active.returning"][1:] == ["masqué", "0", ""]


def test_a_previous_period_with_a_hidden_part_withholds_its_other_part_and_the_change(words):
    # November: 20 active, 15 first-time, 5 returning (all shown); October: 8 active, 6 and 2.
    report = build_report(measured(20, 15), measured(8, 6), words)
    figures = rows(report)
    first_time = figures["active.first_time"]
    assert value_text(first_time.figure, words, withheld=first_time.withheld) == "15"
    assert first_time.previous_withheld and delta(first_time) is None
    assert csv_rows(report, words)["active.first_time"][1:] == ["15", "masqué", ""]
    assert csv_rows(report, words)["active.returning"][1:] == ["5", "< 3", ""]


def test_parts_both_shown_keep_their_values_and_changes(words):
    report = build_report(measured(20, 15), measured(12, 6), words)
    cells = csv_rows(report, words)
    assert cells["active.first_time"][1:] == ["15", "6", "9"]
    assert cells["active.returning"][1:] == ["5", "6", "-1"]


def test_both_parts_hidden_stay_hidden_without_anything_withheld(words):
    report = build_report(measured(3, 2, ()), measured(0, 0), words)
    figures = rows(report)
    assert (figures["active.first_time"].withheld, figures["active.returning"].withheld) == (False, False)
    assert csv_rows(report, words)["active.first_time"][1] == "< 3"
    assert csv_rows(report, words)["active.returning"][1] == "< 3"


def test_the_funnel_chart_draws_no_bar_for_a_step_the_report_hides(words):
    steps = (FunnelStep("interested", "Intéressés", 12), FunnelStep("feedback", "Avis", 2))
    part = EngagementPart(
        "events",
        "Événements",
        figures=(Figure("events.feedback", "Avis", 2, people=True),),
        funnel=(*steps, FunnelStep("came", "Présents", 1)),
    )
    report = build_report(measured(10, 10, (part,)), measured(0, 0), words)
    [events] = [block for block in report.blocks if block.key == "events"]
    assert funnel_counts(events) == [12, None, None]
