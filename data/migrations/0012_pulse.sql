-- The community's pulse: feeds' delivery modes and review queue, the articles as the digest and the
-- engagement report read them, activity counted without member ids, and the weekly and monthly posts.

-- instant: posted as it comes (as before); digest: only in the weekly digest; review: an organiser
-- publishes or skips it first.
ALTER TABLE feeds ADD COLUMN mode TEXT NOT NULL DEFAULT 'instant' CHECK (mode IN ('instant', 'digest', 'review'));

-- Every article that reached members (posted, published after review, or held for the digest), kept
-- after its feed is removed so the digest and the reports still count it. thread_id: the discussion
-- thread opened on its post (replies there count as discussion of the article).
CREATE TABLE feed_articles (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    feed_id     INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
    entry_key   TEXT NOT NULL,
    blog        TEXT NOT NULL,                 -- the feed's title when the article was shared
    title       TEXT NOT NULL,
    link        TEXT,
    mode        TEXT NOT NULL CHECK (mode IN ('instant', 'digest', 'review')),
    shared_at   INTEGER NOT NULL,              -- posted, published, or held for the digest
    channel_id  INTEGER,                       -- its feed's channel, in digest mode too (who may read it)
    message_id  INTEGER,                       -- NULL in digest mode: no post
    thread_id   INTEGER
) STRICT;

CREATE UNIQUE INDEX feed_articles_entry ON feed_articles (feed_id, entry_key) WHERE feed_id IS NOT NULL;
CREATE INDEX feed_articles_shared ON feed_articles (guild_id, shared_at);
CREATE INDEX feed_articles_thread ON feed_articles (thread_id) WHERE thread_id IS NOT NULL;

-- Articles of feeds in review mode, waiting for an organiser. state: pending (in the queue), publishing
-- (claimed by one click: check the channel before posting again), published, skipped, expired.
-- feed_id is NULL once the feed is removed; the review then says so. The organiser's comment is kept
-- only until the article is published (it then lives in the post), and never who wrote it.
CREATE TABLE feed_reviews (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    feed_id            INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
    entry_key          TEXT NOT NULL,
    blog               TEXT NOT NULL,
    payload            TEXT NOT NULL,          -- JSON of the entry, as feed_entries.payload
    state              TEXT NOT NULL CHECK (state IN ('pending', 'publishing', 'published', 'skipped', 'expired')),
    comment            TEXT,
    review_channel_id  INTEGER,                -- the review's post in the organisers' channel
    review_message_id  INTEGER,
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    decided_at         INTEGER,
    last_error         TEXT,                   -- why the last publishing failed (a short code)
    -- The state the review post last showed: a decided review whose redraw was lost (a stalled edit, a
    -- restart) is redrawn by the next pass.
    drawn_state        TEXT,
    UNIQUE (feed_id, entry_key)
) STRICT;

CREATE INDEX feed_reviews_open ON feed_reviews (guild_id, state, expires_at) WHERE state IN ('pending', 'publishing');
-- The pass's redraws: only the reviews whose post shows another state, not every review ever decided.
CREATE INDEX feed_reviews_undrawn ON feed_reviews (id) WHERE drawn_state IS NOT state;

-- Messages per channel (a thread is a channel) and local day (YYYY-MM-DD in AGORA_TIMEZONE): how many,
-- and how many distinct authors, estimated from a HyperLogLog sketch of the day's authors. No member
-- id, no message content is ever stored: the sketch holds only maxima of hash bits.
CREATE TABLE activity_days (
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    -- A thread's parent channel (NULL for a channel): the report folds each thread into its channel,
    -- even once the thread, or the channel, is deleted and Discord can no longer say which it was.
    parent_id   INTEGER,
    day         TEXT NOT NULL,
    messages    INTEGER NOT NULL,
    authors     INTEGER NOT NULL,
    sketch      BLOB NOT NULL,
    PRIMARY KEY (guild_id, day, channel_id)
) STRICT, WITHOUT ROWID;

-- The server's member count each day (Discord's approximate count), the last one read that day.
CREATE TABLE member_counts (
    guild_id  INTEGER NOT NULL,
    day       TEXT NOT NULL,
    members   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day)
) STRICT, WITHOUT ROWID;

-- The weekly digest and the monthly engagement report: one row per guild and period, so each is posted
-- once across restarts. period: the local date of the digest's time (YYYY-MM-DD; a /digest now: its
-- local date and time, YYYY-MM-DDTHH:MM:SS) or the report's month (YYYY-MM). state: posting (claimed:
-- look for the post before sending again), posted, skipped (nothing to say, or nowhere to say it).
-- until: the end of the span a posted digest covered, where the next one starts.
CREATE TABLE pulse_posts (
    guild_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('digest', 'engagement')),
    period      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('posting', 'posted', 'skipped')),
    channel_id  INTEGER,
    message_id  INTEGER,
    at          INTEGER NOT NULL,
    reason      TEXT,                          -- why it was skipped (a short code)
    until       INTEGER,
    PRIMARY KEY (guild_id, kind, period)
) STRICT;

-- Problems the organisers were told about once (e.g. digest_channel: the digest channel refuses posts),
-- cleared when the problem goes away, so they are told again if it comes back.
CREATE TABLE pulse_notices (
    guild_id  INTEGER NOT NULL,
    problem   TEXT NOT NULL,
    told_at   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, problem)
) STRICT;
