-- Polls, their options and the votes cast. A vote is one row per (member, option): a member holds at
-- most `choices` rows per poll, which the store enforces inside one write transaction.
CREATE TABLE polls (
    id                  INTEGER PRIMARY KEY,
    guild_id            INTEGER NOT NULL,
    channel_id          INTEGER NOT NULL,
    message_id          INTEGER,                  -- the poll message, once posted
    author_id           INTEGER,                  -- who created it; NULL once that member is forgotten
    question            TEXT NOT NULL,
    choices             INTEGER NOT NULL DEFAULT 1 CHECK (choices >= 1),
    anonymous           INTEGER NOT NULL DEFAULT 1 CHECK (anonymous IN (0, 1)),
    hide_results        INTEGER NOT NULL DEFAULT 0 CHECK (hide_results IN (0, 1)),
    role_id             INTEGER,                  -- only holders may vote
    topic_id            TEXT,                     -- from the topic library
    language            TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    closes_at           INTEGER,                  -- NULL: open until closed
    closed_at           INTEGER,
    closed_by           INTEGER,                  -- NULL when the deadline closed it
    results_message_id  INTEGER                   -- the results post, once sent
) STRICT;

CREATE INDEX polls_open ON polls (guild_id) WHERE closed_at IS NULL;
CREATE INDEX polls_deadline ON polls (closes_at) WHERE closed_at IS NULL AND closes_at IS NOT NULL;
CREATE INDEX polls_topics ON polls (guild_id, topic_id, created_at) WHERE topic_id IS NOT NULL;

CREATE TABLE poll_options (
    poll_id   INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,                   -- 0-based, in the order given
    label     TEXT NOT NULL,
    PRIMARY KEY (poll_id, position)
) STRICT;

CREATE TABLE poll_votes (
    poll_id   INTEGER NOT NULL,
    position  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    voted_at  INTEGER NOT NULL,
    PRIMARY KEY (poll_id, user_id, position),
    FOREIGN KEY (poll_id, position) REFERENCES poll_options (poll_id, position) ON DELETE CASCADE
) STRICT;

CREATE INDEX poll_votes_tally ON poll_votes (poll_id, position);
