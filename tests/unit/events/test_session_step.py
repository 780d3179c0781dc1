"""The session step's pages within Components V2's limits, what its menus and forms accept, and the
sessions' CSV."""

from __future__ import annotations

import pytest

from agora.i18n import Catalogue
from agora.meetings import Session
from cogs.events.sessions.figures import SESSION_CSV_COLUMNS, SessionRating, sessions_csv
from cogs.events.sessions.rules import (
    PAGE_SIZE,
    InvalidSessionAnswer,
    clamp_page,
    page_count,
    parse_words,
    read_choice,
)
from cogs.events.sessions.views import WordsForm, step_view
from tests.e2e.events_helpers import read_csv

FR = Catalogue.load("fr").words("fr")
BIG = 2**63 - 1
START = 1_796_000_000


def sessions(count: int, title: str = "Titre") -> list[Session]:
    return [
        Session(BIG - n, BIG, f"{title} {n}", None, "_*" * 100, START + 600 * n, None) for n in range(count)
    ]


def components(view) -> list[dict]:
    out, stack = [], list(view.to_components())
    while stack:
        component = stack.pop()
        out.append(component)
        stack.extend(component.get("components") or [])
    return out


@pytest.mark.parametrize("page", [0, 1])
async def test_a_page_of_the_step_stays_within_components_v2_limits(page):  # a view needs a running loop
    # Titles and guests' names that double when escaped, ids of 19 digits: the worst a page can hold.
    answers = {s.id: SessionRating(s.id, 1, 5, False, "x", 0) for s in sessions(10)}
    view = step_view(
        event_id=BIG,
        event_name="_" * 100,
        closes_at=START,
        sessions=sessions(10, "*" * 300),
        answers=answers,
        page=page,
        words=FR,
    )
    found = components(view)
    assert len(found) <= 40 and view.content_length() <= 4000
    assert all(len(c["custom_id"]) <= 100 for c in found if "custom_id" in c)
    menus = [c for c in found if c["type"] == 3]
    assert len(menus) == PAGE_SIZE and all(len(m["options"]) == 7 for m in menus)
    assert all([o["value"] for o in m["options"] if o.get("default")] == ["5"] for m in menus)
    labels = {c.get("label") for c in found if c["type"] == 2}
    assert labels == ({"Suivantes"} if page == 0 else {"Précédentes"}) | {"Un mot pour les intervenant·e·s"}
    assert view.is_finished()  # nothing kept in memory: the dynamic items answer


def test_pages_hold_five_sessions_and_a_page_past_the_end_shows_the_last():
    assert [page_count(n) for n in (0, 1, 5, 6, 10)] == [1, 1, 1, 2, 2]
    assert clamp_page(7, 10) == 1 and clamp_page(3, 4) == 0


def test_the_words_form_holds_one_optional_paragraph_per_session_prefilled():
    page = sessions(5, "Une session au titre vraiment beaucoup trop long pour un libellé")
    form = WordsForm(
        event_id=BIG,
        page=0,
        sessions=page,
        answers={page[1].id: SessionRating(page[1].id, 1, None, False, "Déjà dit", 0)},
        words=FR,
    )
    data = form.to_dict()
    assert len(data["components"]) == 5 and len(data["title"]) <= 45
    labels = [c["label"] for c in data["components"]]
    assert all(len(label) <= 45 and not label.endswith(" …") for label in labels)
    inputs = [c["component"] for c in data["components"]]
    assert [i.get("value") for i in inputs][:2] == [None, "Déjà dit"]
    assert all(i["max_length"] == 500 and i["required"] is False for i in inputs)
    with pytest.raises(ValueError):
        WordsForm(event_id=1, page=0, sessions=sessions(6), answers={}, words=FR)


@pytest.mark.parametrize("values", [["6"], ["0"], [" 3"], ["+3"], ["٣"], ["5", "1"], [], "5", [5], None])
def test_a_choice_the_menu_never_offered_is_refused(values):
    with pytest.raises(InvalidSessionAnswer):
        read_choice(values)


def test_the_menu_s_choices():
    assert read_choice(["4"]) == (4, False)
    assert read_choice(["missed"]) == (None, True)
    assert read_choice(["clear"]) == (None, False)


def test_words_for_the_speakers_are_read_strictly():
    assert parse_words({"word:12": "  Merci ! ", "word:13": ""}) == {12: "Merci !", 13: ""}
    for forged in ({"word:x": "a"}, {"other": "a"}, {"word:12": "a" * 501}, {"word:12": ["a"]}):
        with pytest.raises(InvalidSessionAnswer):
            parse_words(forged)
    with pytest.raises(InvalidSessionAnswer):
        parse_words({f"word:{2**63}": "a"})


LABELS = {key: key.upper() for key in (*SESSION_CSV_COLUMNS, "user_id")} | {"missed": "manquée"}


def test_the_sessions_csv_has_one_row_per_answer_in_the_programme_s_order():
    first, second = (Session(n, 9, f"S{n}", None, "Ada", START + 600 * n, None) for n in (1, 2))
    ratings = [
        SessionRating(2, 11, 4, False, "", START + 5),
        SessionRating(1, 12, None, True, "", START + 9),
        SessionRating(1, 11, None, False, "-1 pour le son", START + 7),
        SessionRating(1, 13, 2, False, "=cmd|' /C calc'!A0", START + 8),
    ]
    data = sessions_csv(
        [first, second],
        ratings,
        event_name="@Matinée",
        speakers={1: "Ada", 2: "+41 Bob"},
        anonymous=True,
        labels=LABELS,
        delimiter=";",
    )
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    header, *rows = read_csv(data, ";")
    assert header == [key.upper() for key in SESSION_CSV_COLUMNS]
    assert [(r[1], r[4], r[5]) for r in rows] == [
        ("S1", "", "'-1 pour le son"),
        ("S1", "2", "'=cmd|' /C calc'!A0"),
        ("S1", "manquée", ""),
        ("S2", "4", ""),
    ]
    assert {r[0] for r in rows} == {"'@Matinée"} and rows[3][2] == "'+41 Bob"
    assert rows[0][3] == "2026-11-30T01:03:20+00:00" and "11" not in {c for r in rows for c in r}


def test_the_sessions_csv_names_members_only_when_not_anonymous():
    ratings = [SessionRating(1, 11, 5, False, "", START)]
    only = Session(1, 9, "S1", 5, None, START, None)
    kwargs = dict(event_name="E", speakers={}, labels=LABELS, delimiter=",")
    header, row = read_csv(sessions_csv([only], ratings, anonymous=False, **kwargs), ",")
    assert header[-1] == "USER_ID" and row[-1] == "11"
