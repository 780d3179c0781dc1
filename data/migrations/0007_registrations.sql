-- The conference morning: places and their waitlist, check-in and attendance, calendar versions.
-- Times are epoch seconds (UTC).

-- Registration settings of an event: one row once an organiser gave it places (or a code), or once
-- Agora posted its registration buttons. An event without a row is open without a limit.
CREATE TABLE event_registration (
    event_id         INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    places           INTEGER CHECK (places IS NULL OR places BETWEEN 1 AND 10000),  -- NULL: no limit
    deadline         INTEGER,          -- registration closes then; NULL: at the start
    checkin_code     TEXT CHECK (checkin_code IS NULL OR length(checkin_code) = 4),
    channel_id       INTEGER,          -- where its registration message is (NULL: the announcement's)
    message_id       INTEGER,          -- the message showing the count and the buttons
    shown            TEXT,             -- the count that message last showed, to redraw after a crash
    closed_at        INTEGER,          -- closed (deadline passed, event cancelled or deleted): told once
    updated_at       INTEGER NOT NULL
) STRICT;

-- One row per member registered, holding a place offered to them, or waiting. Cancelling, declining
-- or letting an offer lapse deletes the row. `queue` is the click order: the waitlist's order.
CREATE TABLE event_registrations (
    event_id          INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('registered', 'offered', 'waiting')),
    queue             INTEGER NOT NULL,
    clicked_at        INTEGER NOT NULL,
    registered_at     INTEGER,          -- status 'registered': since when
    offer_expires_at  INTEGER,          -- status 'offered': the hold ends then
    offer_sent_at     INTEGER,          -- the offer's DM was claimed (never sent twice)
    PRIMARY KEY (event_id, user_id)
) STRICT;

CREATE UNIQUE INDEX event_registrations_queue ON event_registrations (event_id, queue);
CREATE INDEX event_registrations_user ON event_registrations (user_id);
CREATE INDEX event_registrations_offers ON event_registrations (offer_expires_at) WHERE status = 'offered';

-- Who was there: checked in with the button (and the code), or present in the event's voice channel
-- long enough. One row per member and event.
CREATE TABLE event_attendance (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    how       TEXT NOT NULL CHECK (how IN ('checkin', 'voice')),
    at        INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id)
) STRICT;

CREATE INDEX event_attendance_user ON event_attendance (user_id);

-- Time spent in an event's voice or stage channel while it ran: `since` is set while present.
CREATE TABLE event_voice_presence (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    seconds   INTEGER NOT NULL DEFAULT 0,
    since     INTEGER,
    PRIMARY KEY (event_id, user_id)
) STRICT;

CREATE INDEX event_voice_presence_user ON event_voice_presence (user_id);

-- Wrong check-in codes, for the lockout (5 in 10 minutes block the member for 10 minutes).
CREATE TABLE event_checkin_failures (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    at        INTEGER NOT NULL
) STRICT;

CREATE INDEX event_checkin_failures_member ON event_checkin_failures (event_id, user_id, at);
-- A member's rows, for their export and for forgetting them (a member's voice presence, above, too).
CREATE INDEX event_checkin_failures_user ON event_checkin_failures (user_id);

-- Direct messages about an event to members who registered or waited: the offer of a place is in
-- event_registrations; these are the others (a move or a cancellation with its .ics, a reminder),
-- claimed before sending so a restart never sends one twice. `version` tells a move from the next.
CREATE TABLE event_member_notices (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('changed', 'cancelled', 'reminder', 'closed')),
    version   INTEGER NOT NULL,
    sent_at   INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id, kind, version)
) STRICT;

CREATE INDEX event_member_notices_user ON event_member_notices (user_id);

-- The calendar's SEQUENCE of each event: raised when its time, place or status changes, so calendars
-- replace the copy they hold.
ALTER TABLE events ADD COLUMN calendar_sequence INTEGER NOT NULL DEFAULT 0;
