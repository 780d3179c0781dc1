"""Speakers hear back, after review: one review message per session for the organisers, then the
speaker's summary by DM (or as a file for a guest)."""
