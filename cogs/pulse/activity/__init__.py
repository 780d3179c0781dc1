"""Activity: messages and distinct authors per channel and local day, and the member count each day,
kept as aggregates without a member id (cog.py counts, sketch.py estimates, activity_store.py keeps)."""
