"""An event's feedback in figures: the report, the CSV export, the season.

Pure: the store hands in `Response`s, the cog renders what comes out. Figures are kept exact (floats
straight from integer counts, never rounded here); only the `format_*` functions round, half away
from zero on the value as written (4.25 → 4.3, NPS 12.5 → +13 and −12.5 → −13), so what someone
computes by hand is what the report shows. `rounded` gives the same figure as a number, for charts.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

log = logging.getLogger(__name__)

RATINGS = range(1, 6)
SCORES = range(0, 11)  # "would you recommend it": 9–10 promote, 7–8 are passive, 0–6 detract
MINUS, DASH, NBSP = "\u2212", "\u2014", "\u00a0"
# Keys the cog's `labels` must translate: the CSV header words and the three categories.
CSV_COLUMNS = ("event", "submitted_at", "rating", "recommend", "category", "useful", "improve", "topics")
CATEGORIES = ("promoter", "passive", "detractor")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


@dataclass(frozen=True, slots=True)
class SeasonPoint:
    label: str
    average_rating: float | None
    nps: float | None
    responses: int


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


def build_report(
    responses: Sequence[Response], *, interested: int, topic_order: Sequence[str], anonymous: bool
) -> FeedbackReport:
    """The figures of one event. Anonymous, the report holds no member id anywhere."""
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
    )


def season(events: Sequence[tuple[str, Sequence[Response]]]) -> list[SeasonPoint]:
    """One point per (label, responses) in the given order; an event without answers has None figures."""
    return [
        SeasonPoint(label, _average(answers), _nps(answers).score, len(answers)) for label, answers in events
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
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([_cell(labels[column]) for column in columns])
    for response in sorted(responses, key=lambda response: response.submitted_at):
        topics = sorted(set(response.topics), key=lambda topic: (rank.get(topic, len(rank)), topic))
        row: list[str | int] = [
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
        writer.writerow([_cell(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


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


def _cell(value: str | int) -> str | int:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _round(value: float, places: int) -> Decimal:
    # repr() is the shortest text that is this float: 4.35 stays 4.35, not 4.3499999999999996447…
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
