"""The events' parts of the community's pulse: their sections of the weekly digest and their figures for
the engagement report, registered on `bot.pulse` while the events feature is loaded."""
