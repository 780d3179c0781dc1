"""An event's programme: up to ten sessions, each with a member or a guest as speaker, managed by the
organisers through `/event programme` and shown on the event's announcement."""
