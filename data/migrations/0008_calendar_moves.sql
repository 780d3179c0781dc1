-- When an event last moved (its start, end or place changed in Discord), as calendar_sequence was
-- raised. Members whose place (registered, offered or waiting) dates from before it get one DM with
-- the updated .ics; one who registered after it already had the current file. NULL: never moved.
ALTER TABLE events ADD COLUMN calendar_moved_at INTEGER;
