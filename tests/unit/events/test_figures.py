import csv
import dataclasses
import io

import pytest

from cogs.events.figures import (
    Comment,
    Response,
    build_report,
    export_csv,
    format_nps,
    format_percent,
    format_rating,
    net_promoter,
    rounded,
    season,
    turnout,
)

TOPICS = ("financement", "impact", "recrutement", "juridique")
ALICE, BOB, CLARA = 412345678901234567, 498765432109876543, 455555555555555555
LABELS = {
    "event": "Événement",
    "submitted_at": "Envoyé le",
    "rating": "Note",
    "recommend": "Recommandation",
    "category": "Catégorie",
    "useful": "Le plus utile",
    "improve": "À améliorer",
    "topics": "Sujets",
    "user_id": "Membre",
    "promoter": "promoteur",
    "passive": "passif",
    "detractor": "détracteur",
}


def answer(user_id=ALICE, rating=4, recommend=9, useful="", improve="", topics=(), at=1_773_478_800):
    return Response(user_id, rating, recommend, useful, improve, tuple(topics), at)


def report(responses, interested=10, anonymous=True):
    return build_report(responses, interested=interested, topic_order=TOPICS, anonymous=anonymous)


def rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_all_promoters_score_100():
    assert net_promoter([9, 10, 10]).score == 100.0


def test_all_detractors_score_minus_100():
    assert net_promoter([0, 3, 6]).score == -100.0


def test_no_answers_has_no_score():
    assert net_promoter([]) == net_promoter(()) and net_promoter([]).score is None


def test_mixed_answers_match_the_hand_computed_score():
    nps = net_promoter([9, 10, 9, 10, 9, 7, 8, 7, 2, 6])
    assert (nps.promoters, nps.passives, nps.detractors, nps.score) == (5, 3, 2, 30.0)


@pytest.mark.parametrize(
    ("score", "group"), [(6, "detractors"), (7, "passives"), (8, "passives"), (9, "promoters")]
)
def test_boundary_scores_land_in_the_right_group(score, group):
    assert getattr(net_promoter([score]), group) == 1


def test_average_and_distribution_of_ratings():
    built = report([answer(rating=r) for r in (5, 4, 4, 3, 5, 1)])
    assert built.average_rating == 22 / 6
    assert built.rating_counts == (1, 0, 1, 2, 2)
    assert format_rating(built.average_rating, ",") == "3,7"


def test_no_responses_report_has_no_averages():
    built = report([])
    assert (built.average_rating, built.nps.score, built.rating_counts) == (None, None, (0, 0, 0, 0, 0))
    assert built.response_rate == 0.0


def test_response_rate_without_interested_members_is_none():
    assert report([answer()], interested=0).response_rate is None


def test_response_rate_is_capped_at_100_when_walk_ins_answer():
    built = report([answer(user_id=n) for n in range(3)], interested=2)
    assert (built.responses, built.response_rate) == (3, 100.0)
    assert report([answer()], interested=3).response_rate == 100 / 3


def test_topics_are_counted_most_wanted_first_ties_in_list_order():
    built = report(
        [
            answer(topics=["juridique", "impact"]),
            answer(topics=["juridique", "financement"]),
            answer(topics=["impact", "retired"]),
        ]
    )
    assert built.topic_counts == (("impact", 2), ("juridique", 2), ("financement", 1), ("retired", 1))


def test_comments_keep_non_blank_texts_newest_first():
    built = report(
        [
            answer(user_id=ALICE, useful="Le panel", at=100),
            answer(user_id=BOB, useful="  ", improve="\n", at=300),
            answer(user_id=CLARA, improve=" Plus de pauses ", at=200),
        ],
        anonymous=False,
    )
    assert built.comments == (Comment("", "Plus de pauses", CLARA), Comment("Le panel", "", ALICE))


def ints_in(value) -> list[int]:
    if dataclasses.is_dataclass(value):
        return [n for field in dataclasses.fields(value) for n in ints_in(getattr(value, field.name))]
    if isinstance(value, tuple):
        return [n for item in value for n in ints_in(item)]
    return [value] if isinstance(value, int) else []


def test_anonymous_report_holds_no_member_id_anywhere():
    answers = [answer(user_id=ALICE, useful="Bien"), answer(user_id=BOB, improve="Café", topics=["impact"])]
    assert not {ALICE, BOB} & set(ints_in(report(answers)))
    assert {ALICE, BOB} <= set(ints_in(report(answers, anonymous=False)))


def test_csv_has_a_header_and_one_row_per_response_oldest_first():
    data = export_csv(
        [answer(rating=5, recommend=6, topics=["juridique", "financement"], at=86_400), answer(at=0)],
        topic_order=TOPICS,
        anonymous=False,
        event_name="Matinale mars",
        labels=LABELS,
    )
    assert data.count(b"\r\n") == 3
    header, first, second = rows(data)
    assert header == [*[LABELS[key] for key in list(LABELS)[:8]], "Membre"]
    assert first == [
        "Matinale mars",
        "1970-01-01T00:00:00+00:00",
        "4",
        "9",
        "promoteur",
        "",
        "",
        "",
        str(ALICE),
    ]
    assert second[1:5] == ["1970-01-02T00:00:00+00:00", "5", "6", "détracteur"]
    assert second[7] == "financement; juridique"


def test_anonymous_csv_has_no_member_column_nor_id():
    data = export_csv([answer()], topic_order=TOPICS, anonymous=True, event_name="Matinale", labels=LABELS)
    assert "Membre" not in rows(data)[0] and str(ALICE).encode() not in data


def test_csv_cells_that_would_run_as_formulas_are_defused():
    data = export_csv(
        [answer(useful='=HYPERLINK("x")', improve="-- plus court")],
        topic_order=TOPICS,
        anonymous=True,
        event_name="@event",
        labels=LABELS,
    )
    row = rows(data)[1]
    assert (row[0], row[5], row[6]) == ("'@event", '\'=HYPERLINK("x")', "'-- plus court")


def test_season_points_leave_an_event_without_responses_empty():
    points = season(
        [("Janvier", [answer(rating=4, recommend=10), answer(rating=3, recommend=0)]), ("Mars", [])]
    )
    assert [(p.label, p.average_rating, p.nps, p.responses) for p in points] == [
        ("Janvier", 3.5, 0.0, 2),
        ("Mars", None, None, 0),
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [(48.0, "+48"), (-12.0, "−12"), (12.5, "+13"), (-12.5, "−13"), (-0.4, "0"), (None, "—")],
)
def test_nps_is_shown_whole_signed_and_rounded_half_away_from_zero(value, text):
    assert format_nps(value) == text


@pytest.mark.parametrize(("value", "text"), [(4.25, "4,3"), (87 / 20, "4,4"), (5.0, "5,0"), (None, "—")])
def test_ratings_are_shown_with_one_decimal_rounded_half_up(value, text):
    assert format_rating(value, ",") == text


def test_percent_and_chart_figures_round_like_the_text():
    assert format_percent(200 / 3) == "67\u00a0%" and format_percent(None) == "—"
    assert rounded(4.25, 1) == 4.3 and rounded(-12.5, 0) == -13.0


# ---- turnout ------------------------------------------------------------------------------------

REGISTERED = range(1, 9)  # members 1 to 8 hold a confirmed place


def test_turnout_figures_match_the_hand_computed_ones():
    # 8 registered (1–8); 6 attended: 1–4 of the registered (1–3 checked in, 4 in voice) and 9, 10
    # without a place (9 checked in, 10 in voice). No-shows: 5, 6, 7, 8 → 4 of 8 = 50 %.
    # Earlier events were attended by 2, 9 and 11: 2 and 9 return; 1, 3, 4, 10 come for the first time
    # (11 did not come: not counted).
    attendees = {1: "checkin", 2: "checkin", 3: "checkin", 4: "voice", 9: "checkin", 10: "voice"}
    figures = turnout(registered=REGISTERED, waitlisted=3, attendees=attendees, returning={2, 9, 11})
    assert (figures.registered, figures.waitlisted, figures.attended) == (8, 3, 6)
    assert (figures.checked_in, figures.in_voice, figures.walk_ins) == (4, 2, 2)
    assert (figures.no_shows, figures.no_show_rate) == (4, 50.0)
    assert (figures.first_time, figures.returning) == (4, 2)
    assert format_percent(figures.no_show_rate) == "50\u00a0%"


def test_a_no_show_rate_of_three_in_eight_is_shown_rounded_half_up():
    # 8 registered, 5 came (1–5): no-shows 6, 7, 8 → 3 / 8 = 37.5 % → "38 %".
    figures = turnout(
        registered=REGISTERED, waitlisted=0, attendees=dict.fromkeys(range(1, 6), "checkin"), returning=()
    )
    assert (figures.no_shows, figures.no_show_rate) == (3, 37.5)
    assert format_percent(figures.no_show_rate) == "38\u00a0%"
    assert (figures.first_time, figures.returning) == (5, 0)


def test_without_registrations_there_is_no_no_show_rate():
    # 2 came without any registration: nobody could fail to come.
    figures = turnout(registered=(), waitlisted=0, attendees={7: "voice", 8: "checkin"}, returning={8})
    assert (figures.registered, figures.no_shows, figures.no_show_rate) == (0, 0, None)
    assert (figures.attended, figures.walk_ins, figures.first_time, figures.returning) == (2, 2, 1, 1)
    assert figures.anything and format_percent(figures.no_show_rate) == "—"


def test_nobody_registered_or_came_is_nothing_to_show():
    assert not turnout(registered=(), waitlisted=0, attendees={}, returning=()).anything


def test_everyone_registered_stayed_away():
    figures = turnout(registered=[5, 6], waitlisted=1, attendees={}, returning={5})
    assert (figures.no_shows, figures.no_show_rate, figures.returning, figures.first_time) == (2, 100.0, 0, 0)


def test_turnout_refuses_what_cannot_be():
    with pytest.raises(ValueError, match="negative"):
        turnout(registered=(), waitlisted=-1, attendees={}, returning=())
    with pytest.raises(ValueError, match="checkin"):
        turnout(registered=(), waitlisted=0, attendees={1: "seen"}, returning=())


def test_season_points_carry_each_events_turnout_in_order():
    came = turnout(registered=[1, 2], waitlisted=0, attendees={1: "checkin"}, returning=())
    points = season([("Janvier", []), ("Mars", [])], [came, None])
    assert [p.turnout for p in points] == [came, None]
    with pytest.raises(ValueError, match="turnouts"):
        season([("Janvier", [])], [])


def test_the_report_holds_the_turnout_in_counts_even_when_not_anonymous():
    came = turnout(registered=[ALICE, BOB], waitlisted=0, attendees={ALICE: "checkin"}, returning=())
    built = build_report([answer(ALICE)], interested=2, topic_order=TOPICS, anonymous=False, turnout=came)
    assert built.turnout == came
    assert str(ALICE) not in repr(built.turnout) and str(BOB) not in repr(built.turnout)
