-- Feeds followed by a server, and the entries already seen in each (so nothing is posted twice).
CREATE TABLE feeds (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    url                TEXT NOT NULL,
    channel_id         INTEGER NOT NULL,
    role_id            INTEGER,
    include_keywords   TEXT NOT NULL DEFAULT '',   -- as typed, comma-separated
    exclude_keywords   TEXT NOT NULL DEFAULT '',
    open_thread        INTEGER NOT NULL DEFAULT 0 CHECK (open_thread IN (0, 1)),
    source             TEXT NOT NULL CHECK (source IN ('command', 'environment')),
    added_by           INTEGER,                    -- a member's id; NULL for declared feeds
    added_at           INTEGER NOT NULL,
    title              TEXT NOT NULL DEFAULT '',
    site_url           TEXT,
    icon_url           TEXT,
    etag               TEXT,
    last_modified      TEXT,
    body_hash          TEXT,
    next_fetch_at      INTEGER NOT NULL,
    last_success_at    INTEGER,
    failures           INTEGER NOT NULL DEFAULT 0,
    failing_since      INTEGER,
    last_error         TEXT,                       -- a short code (timeout, http_status, …)
    last_error_values  TEXT,                       -- JSON of the values that go with it
    paused             INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    UNIQUE (guild_id, url, channel_id)
) STRICT;

CREATE INDEX feeds_due ON feeds (paused, next_fetch_at);

-- state: pending (to post), posting (a post was attempted; check the channel before retrying),
-- posted, skipped (back catalogue at the first fetch, or filtered out).
CREATE TABLE feed_entries (
    feed_id      INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    entry_key    TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('pending', 'posting', 'posted', 'skipped')),
    seen_at      INTEGER NOT NULL,
    published_at INTEGER,
    link         TEXT,
    payload      TEXT,                             -- JSON of the entry while it waits to be posted
    message_id   INTEGER,
    PRIMARY KEY (feed_id, entry_key)
) STRICT;  -- rowid order is the order entries were seen, oldest first

CREATE INDEX feed_entries_waiting ON feed_entries (feed_id, state) WHERE state IN ('pending', 'posting');
