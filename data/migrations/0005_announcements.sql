-- Announcements organisers compose: a draft until they press Publish, then published at once or
-- scheduled, possibly every day, week or month. Times are epoch seconds (UTC).
CREATE TABLE announcements (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    author_id    INTEGER,                 -- NULL once that member is forgotten
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    image_url    TEXT,
    footer       TEXT,
    role_id      INTEGER,                 -- the role pinged; the guild's id means @everyone
    thread       INTEGER NOT NULL DEFAULT 0 CHECK (thread IN (0, 1)),
    silent       INTEGER NOT NULL DEFAULT 0 CHECK (silent IN (0, 1)),
    every        TEXT CHECK (every IN ('day', 'week', 'month')),
    first_at     INTEGER NOT NULL,        -- the first publication asked for
    next_at      INTEGER NOT NULL,        -- the publication due next (or the last one, once done)
    published    INTEGER NOT NULL DEFAULT 0,  -- publications made so far
    status       TEXT NOT NULL
                 CHECK (status IN ('draft', 'scheduled', 'publishing', 'done', 'failed', 'cancelled')),
    message_id   INTEGER,                 -- the latest publication
    failure      TEXT,                    -- why Discord refused it (a catalogue key)
    language     TEXT NOT NULL,           -- the community's, for what is posted
    author_language TEXT,                 -- the author's client, for what Agora tells them
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX announcements_due ON announcements (next_at) WHERE status = 'scheduled';
CREATE INDEX announcements_guild ON announcements (guild_id, status);
