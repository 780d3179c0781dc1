"""An event's feedback in figures: the report, the CSV export, the season; and its turnout (registered,
waiting, attended, no-shows, first-time and returning attendees), counts only.

Pure: the stores hand in `Response`s and members' ids, the cog renders what comes out. Figures are
kept exact (floats straight from integer counts, never rounded here); only the `format_*` functions
round, half away from zero on the value as written (4.25 → 4.3, NPS 12.5 → +13 and −12.5 → −13), so
what someone computes by hand is what the report shows. `rounded` gives the same figure as a number,
for charts.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from agora.spreadsheets import Cell, csv_bytes

log = logging.getLogger(__name__)

RATINGS = range(1, 6)
SCORES = range(0, 11)  # "would you recommend it": 9–10 promote, 7–8 are passive, 0–6 detract
MINUS, DASH, NBSP = "\u2212", "\u2014", "\u00a0"
# Keys the cog's `labels` must translate: the CSV header words and the three categories.
CSV_COLUMNS = ("event", "submitted_at", "rating", "recommend", "category", "useful", "improve", "topics")
CATEGORIES = ("promoter", "passive", "detractor")


@dataclass(frozen=True, slots=True)
class Response:
    user_id: int
    rating: int  # 1–5
    recommend: int  # 0–10
    useful: str
    improve: str
    topics: tuple[str, ...]
    submitted_at: int  # epoch seconds, UTC


@dataclass(frozen=True, slots=True)
class NetPromoter:
    promoters: int
    passives: int
    detractors: int
    score: float | None  # 100 * (promoters − detractors) / answers, in [−100, 100]; None without answers


@dataclass(frozen=True, slots=True)
class Comment:
    useful: str
    improve: str
    author_id: int | None  # None when the feedback is anonymous


@dataclass(frozen=True, slots=True)
class Turnout:
    """Who signed up and who came, as counts: never a member's id, whatever the anonymity setting."""

    registered: int  # holding a confirmed place now (at the report: at the close of registration)
    waitlisted: int  # waiting, or offered a freed place not confirmed yet
    attended: int  # checked in with the button, or long enough in the voice channel
    checked_in: int
    in_voice: int
    walk_ins: int  # attended without a confirmed place
    no_shows: int  # registered but did not attend
    # Percent, 100 * no_shows / registered; None when nobody registered.
    no_show_rate: float | None
    first_time: int  # attended no earlier event of the server (by start time)
    returning: int  # attended an earlier event of the server

    @property
    def anything(self) -> bool:
        """False for an event without registration or attendance: nothing worth showing."""
        return bool(self.registered or self.waitlisted or self.attended)


@dataclass(frozen=True, slots=True)
class FeedbackReport:
    responses: int
    interested: int
    # Percent, 100 * responses / interested, capped at 100: members who came without clicking
    # "interested" may answer too; they count in `responses`. None when nobody was interested.
    response_rate: float | None
    average_rating: float | None  # None without responses
    rating_counts: tuple[int, int, int, int, int]  # how many rated 1, 2, 3, 4, 5
    nps: NetPromoter
    topic_counts: tuple[tuple[str, int], ...]  # wanted topics, most wanted first, ties in the list's order
    comments: tuple[Comment, ...]  # newest first
    turnout: Turnout | None = None


@dataclass(frozen=True, slots=True)
class SeasonPoint:
    label: str
    average_rating: float | None
    nps: float | None
    responses: int
    turnout: Turnout | None = None


def category(score: int) -> str:
    """'promoter' (9–10), 'passive' (7–8) or 'detractor' (0–6)."""
    if not _within(score, SCORES):
        raise ValueError(f"a recommend score is 0 to 10, not {score!r}")
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def net_promoter(scores: Iterable[int]) -> NetPromoter:
    groups = Counter(category(score) for score in scores)
    answers = groups.total()
    promoters, detractors = groups["promoter"], groups["detractor"]
    score = 100 * (promoters - detractors) / answers if answers else None
    return NetPromoter(promoters, groups["passive"], detractors, score)


def turnout(
    *,
    registered: Collection[int],
    waitlisted: int,
    attendees: Mapping[int, str],
    returning: Collection[int],
) -> Turnout:
    """An event's turnout from the members registered, the number waiting, the attendees (member →
    'checkin' or 'voice') and the members who attended an earlier event of the server (any of them:
    only attendees count)."""
    if waitlisted < 0:
        raise ValueError(f"waitlisted cannot be negative, got {waitlisted}")
    unknown = set(attendees.values()) - {"checkin", "voice"}
    if unknown:
        raise ValueError(f"attendance is 'checkin' or 'voice', not {sorted(unknown)!r}")
    signed_up, came = set(registered), set(attendees)
    no_shows = len(signed_up - came)
    back = len(came & set(returning))
    hows = Counter(attendees.values())
    return Turnout(
        registered=len(signed_up),
        waitlisted=waitlisted,
        attended=len(came),
        checked_in=hows["checkin"],
        in_voice=hows["voice"],
        walk_ins=len(came - signed_up),
        no_shows=no_shows,
        no_show_rate=100 * no_shows / len(signed_up) if signed_up else None,
        first_time=len(came) - back,
        returning=back,
    )


def build_report(
    responses: Sequence[Response],
    *,
    interested: int,
    topic_order: Sequence[str],
    anonymous: bool,
    turnout: Turnout | None = None,
) -> FeedbackReport:
    """The figures of one event. Anonymous, the report holds no member id anywhere (the turnout never
    does)."""
    if interested < 0:
        raise ValueError(f"interested cannot be negative, got {interested}")
    ratings = Counter(_rating(response) for response in responses)
    count = len(responses)
    return FeedbackReport(
        responses=count,
        interested=interested,
        response_rate=min(100.0, 100 * count / interested) if interested else None,
        average_rating=_average(responses),
        rating_counts=(ratings[1], ratings[2], ratings[3], ratings[4], ratings[5]),
        nps=_nps(responses),
        topic_counts=_topic_counts(responses, topic_order),
        comments=_comments(responses, anonymous),
        turnout=turnout,
    )


def season(
    events: Sequence[tuple[str, Sequence[Response]]], turnouts: Sequence[Turnout | None] | None = None
) -> list[SeasonPoint]:
    """One point per (label, responses) in the given order; an event without answers has None figures.
    `turnouts`, when given, go with the events in the same order."""
    if turnouts is not None and len(turnouts) != len(events):
        raise ValueError(f"{len(turnouts)} turnouts for {len(events)} events")
    shown = turnouts if turnouts is not None else [None] * len(events)
    return [
        SeasonPoint(label, _average(answers), _nps(answers).score, len(answers), turned)
        for (label, answers), turned in zip(events, shown, strict=True)
    ]


def export_csv(
    responses: Sequence[Response],
    *,
    topic_order: Sequence[str],
    anonymous: bool,
    event_name: str,
    labels: Mapping[str, str],
    delimiter: str = ",",
) -> bytes:
    """UTF-8 with a BOM (so Excel reads the accents), CRLF rows, oldest answer first.

    `labels` translates CSV_COLUMNS, 'user_id' (when not anonymous) and CATEGORIES. Topics are ids,
    in the list's order, joined by "; ". Every text cell that a spreadsheet would run as a formula is
    prefixed with ' — including the ones starting with "-", like a comment written as a list."""
    columns = CSV_COLUMNS if anonymous else (*CSV_COLUMNS, "user_id")
    rank = _rank(topic_order)
    rows: list[list[Cell]] = []
    for response in sorted(responses, key=lambda response: response.submitted_at):
        topics = sorted(set(response.topics), key=lambda topic: (rank.get(topic, len(rank)), topic))
        row: list[Cell] = [
            event_name,
            datetime.fromtimestamp(response.submitted_at, UTC).isoformat(),
            _rating(response),
            response.recommend,
            labels[category(response.recommend)],
            response.useful.strip(),
            response.improve.strip(),
            "; ".join(topics),
        ]
        if not anonymous:
            row.append(response.user_id)
        rows.append(row)
    return csv_bytes([labels[column] for column in columns], rows, delimiter)


def rounded(value: float, places: int) -> float:
    """`value` rounded half away from zero, as the report shows it (Python's round() goes to even)."""
    return float(_round(value, places))


def format_rating(value: float | None, decimal_mark: str = ".") -> str:
    """An average rating with one decimal: "4,3" with decimal_mark=","; "—" when there is none."""
    return DASH if value is None else str(_round(value, 1)).replace(".", decimal_mark)


def format_nps(value: float | None) -> str:
    """A signed whole NPS, with a real minus sign: "+48", "−12", "0"; "—" when there is none."""
    if value is None:
        return DASH
    whole = int(_round(value, 0))
    return f"+{whole}" if whole > 0 else f"{MINUS}{-whole}" if whole < 0 else "0"


def format_percent(value: float | None) -> str:
    """A whole percentage with a no-break space, so "62 %" never wraps; "—" when there is none."""
    return DASH if value is None else f"{int(_round(value, 0))}{NBSP}%"


def _within(value: object, span: range) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in span


def _rating(response: Response) -> int:
    if not _within(response.rating, RATINGS):
        raise ValueError(f"a rating is 1 to 5, not {response.rating!r}")
    return response.rating


def _average(responses: Sequence[Response]) -> float | None:
    return sum(_rating(response) for response in responses) / len(responses) if responses else None


def _nps(responses: Sequence[Response]) -> NetPromoter:
    return net_promoter(response.recommend for response in responses)


def _rank(topic_order: Sequence[str]) -> dict[str, int]:
    return {topic: position for position, topic in enumerate(topic_order)}


def _topic_counts(responses: Sequence[Response], topic_order: Sequence[str]) -> tuple[tuple[str, int], ...]:
    # A topic retired from the list since still counts, after the listed ones it ties with.
    counts = Counter(topic for response in responses for topic in set(response.topics))
    rank = _rank(topic_order)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], rank.get(item[0], len(rank)), item[0])))


def _comments(responses: Sequence[Response], anonymous: bool) -> tuple[Comment, ...]:
    kept = [response for response in responses if response.useful.strip() or response.improve.strip()]
    kept.sort(key=lambda response: response.submitted_at, reverse=True)  # stable: ties keep their order
    return tuple(Comment(r.useful.strip(), r.improve.strip(), None if anonymous else r.user_id) for r in kept)


def _round(value: float, places: int) -> Decimal:
    # repr() is the shortest text that is this float: 4.35 stays 4.35, not 4.3499999999999996447…
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
