-- What each poll message was last drawn with (its tally and whether it showed as closed), written
-- after every edit Discord accepted. At startup a poll whose stored tally differs from what its
-- message shows (votes acknowledged just before a crash, inside the 2-second edit window) is
-- redrawn, without fetching every message. NULL: not known (polls from before this column).
ALTER TABLE polls ADD COLUMN shown TEXT;
