-- The waitlist's DMs: an offer whose DM failed for a passing reason is tried again, and a member who
-- takes a place with one click gets a DM carrying the event's .ics. Times are epoch seconds (UTC).

-- An offer's DM that Discord did not deliver for a passing reason (a 5xx, a timeout, a failed look-up)
-- is released (offer_sent_at back to NULL) and tried again from offer_dm_retry_at on; after a few
-- failures the offer is declined on the member's behalf and the place goes to the next one.
ALTER TABLE event_registrations ADD COLUMN offer_dm_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE event_registrations ADD COLUMN offer_dm_retry_at INTEGER;  -- NULL: at once

-- event_member_notices gains the kind 'registered': the DM confirming a place taken by a click on
-- Register, with the event's .ics (version: the file's SEQUENCE then). SQLite cannot change a CHECK,
-- so the table is rebuilt with the same columns and every row copied; nothing references it.
CREATE TABLE event_member_notices_0010 (
    event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('changed', 'cancelled', 'reminder', 'closed', 'registered')),
    version   INTEGER NOT NULL,
    sent_at   INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id, kind, version)
) STRICT;

INSERT INTO event_member_notices_0010 (event_id, user_id, kind, version, sent_at)
    SELECT event_id, user_id, kind, version, sent_at FROM event_member_notices;

DROP TABLE event_member_notices;
ALTER TABLE event_member_notices_0010 RENAME TO event_member_notices;
CREATE INDEX event_member_notices_user ON event_member_notices (user_id);
