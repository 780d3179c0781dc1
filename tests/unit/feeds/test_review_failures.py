"""Which failed posts of a reviewed article may be in the channel all the same (the review then stays
publishing until the pass has looked for the post), and which surely are not (back in the queue)."""

from __future__ import annotations

import aiohttp
import pytest

from cogs.feeds.publisher import PublishError
from cogs.feeds.review.queue import may_have_gone_out, surely_absent


@pytest.mark.parametrize(
    "error",
    [
        PublishError("discord_error", status=503, code=0),  # Discord's side failed: maybe after taking it
        PublishError("discord_error", status=500, code=0),
        aiohttp.ServerDisconnectedError(),  # the answer lost on the way back
        aiohttp.ClientPayloadError("truncated"),
        TimeoutError(),
    ],
)
def test_a_failure_that_may_come_after_discord_took_the_post_leaves_it_unconfirmed(error):
    assert may_have_gone_out(error)


@pytest.mark.parametrize(
    "error",
    [
        PublishError("discord_forbidden", channel=1, code=50013),  # answered: refused
        PublishError("channel_missing", channel=1),  # no channel: nothing sent
        PublishError("discord_error", status=400, code=50035),  # answered: refused
        aiohttp.ClientConnectorError(None, OSError(111, "refused")),  # no connection: nothing sent
    ],
)
def test_a_refusal_discord_answered_or_a_failure_before_sending_puts_it_back_in_the_queue(error):
    assert not may_have_gone_out(error)


def test_a_search_that_failed_tells_the_post_is_absent_only_when_the_channel_is_gone():
    assert surely_absent(PublishError("channel_missing", channel=1))
    assert surely_absent(PublishError("discord_error", status=404, code=10003))
    assert not surely_absent(PublishError("discord_error", status=403, code=50001))
    assert not surely_absent(PublishError("discord_error", status=503, code=0))
