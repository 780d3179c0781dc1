"""Calendar invitations: each event as an `.ics` file (the Add to calendar button, `/event calendar`),
and the updated file sent when an event moves or is called off."""
