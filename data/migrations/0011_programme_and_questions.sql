-- A conference morning's programme, the ratings each session receives, the review before a speaker hears
-- them, and the live Q&A. Times are epoch seconds (UTC).

-- Up to ten sessions per event, each with a speaker who is a member of the server (speaker_id) or a
-- guest who is not on Discord (speaker_name). A session runs from starts_at to ends_at, or, without
-- ends_at, until the next session starts (the last one: until the event ends).
CREATE TABLE event_sessions (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    speaker_id    INTEGER,          -- a member; NULL for a guest, or once the member asked to be forgotten
    speaker_name  TEXT,             -- a guest's name; NULL for a member
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX event_sessions_by_event ON event_sessions (event_id, starts_at);

-- A member's rating of one session, given after the event's feedback form: 1–5, or "I missed it"
-- (missed = 1, rating NULL); the comment is "a word for the speaker". A row with neither rating nor
-- missed holds a comment alone. Changeable until the feedback window closes.
CREATE TABLE session_ratings (
    session_id  INTEGER NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    missed      INTEGER NOT NULL DEFAULT 0 CHECK (missed IN (0, 1)),
    comment     TEXT NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL,
    CHECK (NOT (missed = 1 AND rating IS NOT NULL)),
    PRIMARY KEY (session_id, user_id)
) STRICT, WITHOUT ROWID;

-- Once the feedback window closed, one review message per session in the organisers' channel: an
-- organiser decides whether the speaker receives their summary. Each step is claimed before it is
-- done, so a restart neither posts a review twice nor sends a speaker two DMs.
CREATE TABLE speaker_reviews (
    session_id    INTEGER PRIMARY KEY REFERENCES event_sessions (id) ON DELETE CASCADE,
    event_id      INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    claimed_at    INTEGER NOT NULL,  -- the review's post was claimed
    channel_id    INTEGER,           -- the review message, once posted
    message_id    INTEGER,
    refused_at    INTEGER,           -- the channel refused the post for good: not tried again
    decision      TEXT CHECK (decision IN ('send', 'withhold')),
    decided_by    INTEGER,           -- the organiser who clicked; NULL once forgotten
    decided_at    INTEGER,
    delivered_at  INTEGER,           -- the DM was sent, or the guest's file given
    delivery      TEXT CHECK (delivery IN ('dm', 'unreachable', 'file'))
) STRICT;
CREATE INDEX speaker_reviews_by_event ON speaker_reviews (event_id);

-- Live Q&A boards: the board message in channel_id, the questions in thread_id (NULL when posted in
-- the channel itself), optionally about an event.
CREATE TABLE qa_boards (
    id                  INTEGER PRIMARY KEY,
    guild_id            INTEGER NOT NULL,
    event_id            INTEGER REFERENCES events (id) ON DELETE SET NULL,
    channel_id          INTEGER NOT NULL,
    thread_id           INTEGER,
    message_id          INTEGER,     -- the board, once posted
    language            TEXT NOT NULL,
    started_by          INTEGER,     -- the organiser; NULL once forgotten
    started_at          INTEGER NOT NULL,
    stopped_at          INTEGER,
    results_message_id  INTEGER      -- the final ranked list, once posted
) STRICT;
CREATE INDEX qa_boards_open ON qa_boards (guild_id, stopped_at);

-- A question and its moderation. author_id is kept even for anonymous questions, and never shown:
-- only so that /privacy forget can delete the member's questions and one member cannot flood.
CREATE TABLE qa_questions (
    id            INTEGER PRIMARY KEY,
    board_id      INTEGER NOT NULL REFERENCES qa_boards (id) ON DELETE CASCADE,
    session_id    INTEGER REFERENCES event_sessions (id) ON DELETE SET NULL,
    author_id     INTEGER NOT NULL,
    anonymous     INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
    text          TEXT NOT NULL,
    message_id    INTEGER,           -- the question's message, once posted
    asked_at      INTEGER NOT NULL,
    state         TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'hidden')),
    moderated_by  INTEGER,           -- who marked it answered or hid it; NULL once forgotten
    moderated_at  INTEGER
) STRICT;
CREATE INDEX qa_questions_by_board ON qa_questions (board_id, asked_at);
CREATE INDEX qa_questions_by_author ON qa_questions (author_id, asked_at);

-- One ▲ per member and question; clicking again withdraws it (the row is deleted).
CREATE TABLE qa_votes (
    question_id  INTEGER NOT NULL REFERENCES qa_questions (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL,
    voted_at     INTEGER NOT NULL,
    PRIMARY KEY (question_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX qa_votes_by_member ON qa_votes (user_id);
