"""Members' ratings of each session of the programme, after the feedback form, and their figures in
the event's report."""
