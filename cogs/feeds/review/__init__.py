"""The review queue of feeds in `review` mode: each new article waits in the organisers' channel for
*Publish*, *Publish with a comment* or *Skip*, and expires after 7 days unreviewed."""
