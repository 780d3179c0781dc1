-- Discord scheduled events Agora follows, their reminders, the feedback call and its answers.
-- An event's id is Discord's, except past occurrences of a recurring event, which get an id of their own
-- and keep Discord's in discord_id. Times are epoch seconds (UTC).
CREATE TABLE events (
    id                       INTEGER PRIMARY KEY,
    discord_id               INTEGER,          -- a past occurrence of a recurring event: the Discord event
    guild_id                 INTEGER NOT NULL,
    name                     TEXT NOT NULL,
    description              TEXT,
    location                 TEXT,
    channel_id               INTEGER,          -- where reminders and the call are posted; NULL: none
    starts_at                INTEGER NOT NULL,
    ends_at                  INTEGER,
    status                   TEXT NOT NULL DEFAULT 'scheduled'
                             CHECK (status IN ('scheduled', 'active', 'completed', 'cancelled', 'deleted')),
    completed_at             INTEGER,          -- when Discord reported it completed
    language                 TEXT NOT NULL,
    created_by_agora         INTEGER NOT NULL DEFAULT 0 CHECK (created_by_agora IN (0, 1)),
    announcement_message_id  INTEGER,
    call_at                  INTEGER,          -- the feedback call was claimed: the window opens
    closes_at                INTEGER,          -- the window closes
    call_channel_id          INTEGER,          -- where the call goes; NULL: DMs only
    call_message_id          INTEGER,          -- the call's post, once sent
    interested               INTEGER NOT NULL DEFAULT 0,  -- members marked interested, at the last count
    call_dms_at              INTEGER,          -- every interested member was sent the call DM
    reminder_dms_at          INTEGER,          -- the halfway reminder DMs were all sent
    closed_at                INTEGER,          -- the window closed
    report_message_id        INTEGER,          -- the report post in the organisers' channel
    report_done_at           INTEGER,          -- the report was posted (or there was nowhere to post it)
    updated_at               INTEGER NOT NULL
) STRICT;

CREATE INDEX events_guild ON events (guild_id, starts_at);
CREATE INDEX events_waiting ON events (starts_at) WHERE call_at IS NULL;
CREATE INDEX events_open ON events (closes_at) WHERE call_at IS NOT NULL AND closed_at IS NULL;

-- One row per reminder offset and event: sent (or skipped because it was already past), never twice.
CREATE TABLE event_reminders (
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    offset_seconds  INTEGER NOT NULL,
    handled_at      INTEGER NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('sent', 'skipped')),
    PRIMARY KEY (event_id, offset_seconds)
) STRICT;

-- Members marked interested, as last read from Discord: Discord may stop serving an event's list once
-- it has ended, so the call's DMs fall back on this copy.
CREATE TABLE event_interest (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id)
) STRICT;

-- Direct messages: claimed before sending, so a restart never sends one twice.
CREATE TABLE feedback_invitations (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('call', 'reminder')),
    sent_at   INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id, kind)
) STRICT;

CREATE TABLE feedback_responses (
    event_id      INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    recommend     INTEGER NOT NULL CHECK (recommend BETWEEN 0 AND 10),
    useful        TEXT NOT NULL DEFAULT '',
    improve       TEXT NOT NULL DEFAULT '',
    topics        TEXT NOT NULL DEFAULT '',   -- topic ids joined by ","
    submitted_at  INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id)
) STRICT;

CREATE INDEX feedback_responses_user ON feedback_responses (user_id);

-- The language each member's Discord client uses, as last seen in an interaction: DMs are written in it.
CREATE TABLE member_languages (
    user_id   INTEGER PRIMARY KEY,
    language  TEXT NOT NULL
) STRICT;

-- Members who asked not to receive feedback DMs.
CREATE TABLE feedback_optouts (
    user_id     INTEGER PRIMARY KEY,
    opted_at    INTEGER NOT NULL
) STRICT;
