"""The weekly digest: the features' sections of the week (bot.pulse) posted once a week in the digest
channel — when it is due (schedule.py), how it fits Discord's limits (render.py), posting it once
(publisher.py), and the organisers' commands (cog.py)."""
