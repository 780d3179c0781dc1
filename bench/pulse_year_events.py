"""The synthetic year's events (bench/pulse_year.py): a conference morning most weeks but in summer,
each with its registrations and waitlist, members marked interested, reminders, check-ins, the feedback
call, its DMs and answers, and the report; every third one with a programme of four sessions (their
ratings and speakers' reviews) and a live Q&A board. The last three are still to come."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from bench.pulse_year_rows import DAY, HOUR, Community, Ids, People, Tables, Year, prose, split

THEMES = (
    "la relation client à l'ère des réseaux", "marque employeur et recrutement", "l'intelligence collective",
    "le ROI des médias sociaux", "l'économie sociale et solidaire", "communautés de pratique",
    "le télétravail et la culture d'entreprise", "l'IA au service des équipes",
)  # fmt: skip
PLACES = ("Genève, Impact Hub", "Lausanne, EPFL Rolex Center", "Genève, Fédération des Entreprises Romandes")
PLACES_EACH = 120
UPCOMING = (3, 10, 20)  # days after the year's end


@dataclass
class Upcoming:
    """An event still to come: the fake Discord must list it, or the bot would take it for deleted."""

    id: int
    name: str
    starts_at: int
    ends_at: int
    location: str


@dataclass
class Event:
    id: int
    start: int
    end: int
    registered: list[int]  # in click order
    interested: set[int]

    @property
    def call(self) -> int:
        return self.end + 900

    @property
    def closes(self) -> int:
        return self.call + 7 * DAY  # AGORA_FEEDBACK_WINDOW's default


# Rows are written as the schema reads, a table per statement; the formatter would give each value a line.
# fmt: off


def event_days(year: Year, past: int) -> list[date]:
    """`past` event days, a week apart back from twelve days before the year's end, none in July or
    August: the last one's feedback closes, and its report comes out, in the year's last week."""
    days, day = [], year.days[-1] - timedelta(days=12)
    while len(days) < past:
        if day.month not in (7, 8):
            days.append(day)
        day -= timedelta(days=7)
    return days[::-1]


def events(
    t: Tables, rng: np.random.Generator, year: Year, c: Community, people: People, ids: Ids, *, count: int,
    registrations: int, feedback: int, questions: int, question_votes: int,
) -> list[Upcoming]:
    past = event_days(year, count - len(UPCOMING))
    today = year.days[-1] + timedelta(days=1)
    days = past + [today + timedelta(days=n) for n in UPCOMING]
    shares = split(rng, registrations, len(days), 0.4)
    answers = split(rng, feedback, len(past), 0.4)
    boards = [n for n in range(len(past)) if n % 3 == 1]  # every third one: a programme and a Q&A
    asked = split(rng, questions, len(boards), 0.3) if boards else []
    upcoming, unanswered = [], 0
    for n, day in enumerate(days):
        start, end = year.at(day, 8, 30), year.at(day, 12, 0)
        created = start - 30 * DAY
        registered = people.pick(rng, shares[n])
        clicks = [
            int(x) for x in np.sort(rng.integers(created, min(start - HOUR, year.now), len(registered)))
        ]
        interested = set(registered[: int(len(registered) * 0.8)]) | set(
            people.pick(rng, len(registered) // 3)
        )
        event = Event(ids.at(created), start, end, registered, interested)
        name, place, done = f"Matinée E-20 : {THEMES[n % len(THEMES)]}", PLACES[n % len(PLACES)], day < today
        call, closes = event.call, event.closes
        t.add(
            "events",
            "id, guild_id, name, description, location, channel_id, starts_at, ends_at, status, "
            "completed_at, language, created_by_agora, announcement_message_id, call_at, closes_at, "
            "call_channel_id, call_message_id, interested, call_dms_at, reminder_dms_at, closed_at, "
            "report_message_id, report_done_at, updated_at, started_at",
            (event.id, c.guild_id, name, prose(rng, 30), place, c.events, start, end) + (
                ("completed", end + 600, "fr", 1, ids.at(created), call, closes, c.events, ids.at(call),
                 len(interested), call + 60, call + 84 * HOUR, closes, ids.at(closes), closes + 60,
                 closes + 60, start)
                if done else
                ("scheduled", None, "fr", 1, ids.at(created), None, None, None, None, len(interested), None,
                 None, None, None, None, created, None)
            ),
        )
        t.add("event_interest", "event_id, user_id", *((event.id, m) for m in interested))
        taken = min(PLACES_EACH, len(registered))
        t.add(
            "event_registration", "event_id, places, checkin_code, channel_id, message_id, shown, updated_at",
            (event.id, PLACES_EACH, f"{rng.integers(1000, 9999)}", c.events, ids.at(created),
             # What the message shows, as the registration board records it: no redraw at startup.
             f"{taken}/0/{len(registered) - taken}/{PLACES_EACH}/{start}/{'over' if done else 'open'}",
             clicks[-1] if clicks else created),
        )
        t.add(
            "event_registrations", "event_id, user_id, status, queue, clicked_at, registered_at",
            *((event.id, m, "registered" if q <= PLACES_EACH else "waiting", q, at,
               at if q <= PLACES_EACH else None)
              for q, (m, at) in enumerate(zip(registered, clicks, strict=True), start=1)),
        )
        if not done:
            upcoming.append(Upcoming(event.id, name, start, end, place))
            continue
        answerers = held(t, rng, c, ids, event, answers[n] + unanswered)
        unanswered += answers[n] - len(answerers)  # more than this event drew: the next ones take them
        if n in boards:
            present = registered[: int(min(PLACES_EACH, len(registered)) * 0.7)]
            programme(t, rng, c, people, ids, event, answerers, present)
            qa(t, rng, c, people, ids, event, present, asked[boards.index(n)], question_votes // len(boards))
    return upcoming


def held(
    t: Tables, rng: np.random.Generator, c: Community, ids: Ids, event: Event, answers: int
) -> list[int]:
    """A past event's reminders, check-ins, feedback call, its DMs and answers; who answered."""
    start, call = event.start, event.call
    placed = event.registered[:PLACES_EACH]
    present = placed[: int(len(placed) * 0.7)]
    t.add("event_reminders", "event_id, offset_seconds, handled_at, outcome",
          (event.id, DAY, start - DAY, "sent"), (event.id, HOUR, start - HOUR, "sent"))
    t.add("event_member_notices", "event_id, user_id, kind, version, sent_at",
          *((event.id, m, "reminder", offset, start - offset) for m in placed for offset in (DAY, HOUR)))
    t.add("event_checkin", "event_id, channel_id, message_id, opened_at, closed_at",
          (event.id, c.events, ids.at(start - 1800), start - 1800, event.end))
    t.add("event_attendance", "event_id, user_id, how, at",
          *((event.id, m, "checkin" if i % 10 else "voice", start + int(rng.integers(-1200, 1800)))
            for i, m in enumerate(present)))
    # The call goes to the interested, the registered and the present: most answers come from those
    # who came, some from registered members who did not.
    answered = (present + [m for m in placed if m not in set(present)])[:answers]
    ratings = rng.choice([5, 4, 3, 2, 1], size=len(answered), p=[0.4, 0.35, 0.15, 0.07, 0.03])
    t.add(
        "feedback_responses", "event_id, user_id, rating, recommend, useful, improve, topics, submitted_at",
        *((event.id, m, int(r), int(min(10, max(0, 2 * r + rng.integers(-1, 2)))),
           prose(rng, int(rng.integers(25))), prose(rng, int(rng.integers(15))), "reseaux,rh",
           min(event.closes - 60, call + int(rng.exponential(DAY))))
          for m, r in zip(answered, ratings, strict=True)),
    )
    invited, done = sorted(event.interested | set(placed)), set(answered)
    t.add("feedback_invitations", "event_id, user_id, kind, sent_at",
          *((event.id, m, "call", call + 60) for m in invited),
          *((event.id, m, "reminder", call + 84 * HOUR) for m in invited if m not in done))
    return answered


def programme(t: Tables, rng: np.random.Generator, c: Community, people: People, ids: Ids, event: Event,
              answered: Sequence[int], present: Sequence[int]) -> None:
    """Four sessions, their ratings and their speakers' reviews (guests for half of them)."""
    start, planned = event.start, event.start - 10 * DAY
    for s in range(4):
        session = ids.at(planned)
        speaker = int(people.ids[int(rng.integers(len(people.ids)))]) if s % 2 else None
        t.add("event_sessions",
              "id, event_id, title, speaker_id, speaker_name, starts_at, created_at, updated_at",
              (session, event.id, prose(rng, 6), speaker, None if speaker else "Intervenante invitée",
               start + s * 3000, planned, planned))
        t.add("session_ratings", "session_id, user_id, rating, missed, comment, updated_at",
              *((session, m, int(rng.integers(3, 6)), 0, prose(rng, 8) if i % 3 == 0 else "", start + DAY)
                for i, m in enumerate(answered[: int(len(answered) * 0.6)])))
        t.add("speaker_reviews", "session_id, event_id, claimed_at, channel_id, message_id, decision, "
              "decided_by, decided_at, delivered_at, delivery",
              (session, event.id, start + 8 * DAY, c.organisers, ids.at(start + 8 * DAY), "send",
               people.organisers[0], start + 9 * DAY, start + 9 * DAY, "dm" if speaker else "file"))


def qa(t: Tables, rng: np.random.Generator, c: Community, people: People, ids: Ids, event: Event,
       present: Sequence[int], questions: int, votes: int) -> None:
    """The morning's Q&A board: questions asked by those present, ▲ votes drawn by popularity."""
    start, board = event.start, ids.at(event.start)
    t.add("qa_boards", "id, guild_id, event_id, channel_id, thread_id, message_id, language, started_by, "
          "started_at, stopped_at, results_message_id",
          (board, c.guild_id, event.id, c.events, ids.at(start), ids.at(start), "fr", people.organisers[0],
           start, start + 3 * HOUR, ids.at(start + 3 * HOUR)))
    room = np.array(present or people.organisers[:1])
    asked = [ids.at(start + 60 * q) for q in range(questions)]
    states = rng.choice(["answered", "open", "hidden"], size=questions, p=[0.6, 0.35, 0.05])
    t.add("qa_questions", "id, board_id, author_id, anonymous, text, message_id, asked_at, state",
          *((q, board, int(rng.choice(room)), int(rng.random() < 0.3), prose(rng, 14), ids.at(start),
             start + 60 * i, str(state)) for i, (q, state) in enumerate(zip(asked, states, strict=True))))
    shares = split(rng, min(votes, questions * len(room)), questions, 0.8, cap=len(room))
    for question, share in zip(asked, shares, strict=True):
        voters = rng.choice(room, size=share, replace=False)
        t.add("qa_votes", "question_id, user_id, voted_at",
              *((question, int(v), start + int(rng.integers(60, 3 * HOUR))) for v in voters))
# fmt: on
