-- Agora's own bookkeeping: small named values that belong to no feature
-- (for example the hash of the last application-command tree synced to Discord).
CREATE TABLE bot_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
