-- Check-in and attendance in voice channels (the tables of both are in 0007): where a voice or stage
-- event is held, when Discord said it started, and each event's check-in message.

-- The voice or stage channel hosting an event (Discord's channel_id; NULL for one held elsewhere):
-- time spent there while the event runs counts as attendance.
ALTER TABLE events ADD COLUMN voice_channel_id INTEGER;
-- When Agora first saw the event running (Discord's status "active"): one started early counts
-- presence from then, not from its scheduled start.
ALTER TABLE events ADD COLUMN started_at INTEGER;

-- The check-in message of an event, claimed when its window opens so it is posted once, even across a
-- restart, and shown closed once when the window ends.
CREATE TABLE event_checkin (
    event_id    INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    channel_id  INTEGER,           -- NULL: no message (no channel, or Discord refused it)
    message_id  INTEGER,           -- NULL until posted
    opened_at   INTEGER NOT NULL,  -- the window's message was claimed then
    closed_at   INTEGER            -- the window closed and its message was shown closed
) STRICT;
