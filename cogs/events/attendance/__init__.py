"""Who came: the check-in button and code at the door, and time spent in a voice or stage event."""
