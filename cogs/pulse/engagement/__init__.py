"""The engagement report: the community's members, activity and participation over the last complete
month, quarter or season against the one before (periods.py, measuring.py, figures.py), shown as
embeds, charts and a CSV (render.py, charts.py, export.py, report.py), asked for with /engagement report
(cog.py, views.py) and posted in the organisers' channel on the 1st of each month (publisher.py)."""
