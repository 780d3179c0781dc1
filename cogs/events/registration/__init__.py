"""Places and the waitlist of a conference morning: registering, offers of a freed place, the
organisers' list, and the DMs and reminders to the members registered."""
