"""FeedParserPool: feedparser runs in worker processes and hands back small dataclasses."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cogs.feeds import parse as parse_module
from cogs.feeds.parse import ParsedFeed, ParseError, parse_feed
from cogs.feeds.pool import FeedParserPool, WorkerGone, read_answer
from tests.feed_server import fixture

URL = "https://blog.socialbusiness.example.ch/feed/"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def pool() -> AsyncIterator[FeedParserPool]:
    pool = FeedParserPool(environment={}, workers=2)
    yield pool
    await pool.close()


async def test_pool_parses_in_another_process(pool: FeedParserPool, monkeypatch: pytest.MonkeyPatch):
    expected = parse_feed(fixture("wordpress_fr.xml"), URL)

    def not_here(*args, **kwargs):
        raise AssertionError("parsed in the bot's own process")

    # Workers import the module afresh, so only a parse in this process would meet the patch.
    monkeypatch.setattr(parse_module, "parse_feed", not_here)
    parsed = await pool.parse(fixture("wordpress_fr.xml"), URL)

    assert isinstance(parsed, ParsedFeed)
    assert parsed == expected


async def test_parse_errors_cross_the_process_boundary_with_their_values(pool: FeedParserPool):
    with pytest.raises(ParseError) as caught:
        await pool.parse(
            fixture("page_with_feed.html"), "https://blog.socialbusiness.example.ch/", "text/html"
        )

    assert caught.value.code == "not_a_feed"
    assert caught.value.values["alternates"][0] == URL


async def test_pool_parses_feeds_concurrently(pool: FeedParserPool):
    bodies = [fixture(name) for name in ("wordpress_fr.xml", "blogger_atom.xml", "rss1_rdf.xml")] * 2

    parsed = await asyncio.gather(*(pool.parse(body, URL) for body in bodies))

    assert [len(feed.entries) for feed in parsed] == [3, 2, 2] * 2


async def test_closed_pool_starts_new_workers_when_used_again(pool: FeedParserPool):
    await pool.parse(fixture("rss1_rdf.xml"), URL)
    await pool.close()

    parsed = await pool.parse(fixture("rss1_rdf.xml"), URL)

    assert parsed.version == "rss10"


async def wait_until(condition, timeout: float = 10) -> None:  # noqa: ASYNC109
    """Bounded polling of something with no event to wait on (a process ending)."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def state(pid: int) -> str | None:
    """R running, S sleeping, Z ended (a zombie)…; None once gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):  # gone before the open, or between open and read
        return None


def running(pid: int) -> bool:
    return state(pid) not in (None, "Z")


async def test_no_worker_runs_before_the_first_parse():
    pool = FeedParserPool(environment={}, workers=2)
    try:
        assert pool.pids == []
        await pool.parse(fixture("rss1_rdf.xml"), URL)
        assert len(pool.pids) == 1  # one body: one worker started, not two
    finally:
        await pool.close()
    assert pool.pids == []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
async def test_workers_stop_after_the_quiet_period_and_start_again_on_the_next_parse():
    pool = FeedParserPool(environment={}, workers=2, quiet_period=0.3)
    try:
        await asyncio.gather(*(pool.parse(fixture("rss1_rdf.xml"), URL) for _ in range(2)))
        first = pool.pids
        assert len(first) == 2 and all(running(pid) for pid in first)

        await wait_until(lambda: not pool.pids and not any(running(pid) for pid in first))

        parsed = await pool.parse(fixture("rss1_rdf.xml"), URL)
        assert parsed.version == "rss10"
        assert len(pool.pids) == 1 and set(pool.pids).isdisjoint(first)
    finally:
        await pool.close()


async def test_parses_closer_than_the_quiet_period_keep_the_same_worker():
    pool = FeedParserPool(environment={}, workers=1, quiet_period=30)
    try:
        await pool.parse(fixture("rss1_rdf.xml"), URL)
        (pid,) = pool.pids
        for _ in range(3):
            await pool.parse(fixture("rss1_rdf.xml"), URL)
        assert pool.pids == [pid]
    finally:
        await pool.close()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
async def test_a_worker_that_dies_mid_parse_fails_that_parse_only(pool: FeedParserPool):
    await pool.parse(fixture("rss1_rdf.xml"), URL)
    (pid,) = pool.pids
    # A huge body keeps the worker busy while it is killed.
    parsing = asyncio.create_task(pool.parse(b"<rss>" + b"<item>x</item>" * 2_000_000 + b"</rss>", URL))
    await wait_until(lambda: state(pid) == "R")
    os.kill(pid, signal.SIGKILL)

    with pytest.raises(ParseError) as caught:
        await parsing
    assert caught.value.code == "parser_crashed"
    assert (await pool.parse(fixture("rss1_rdf.xml"), URL)).version == "rss10"
    assert pid not in pool.pids


async def test_a_cancelled_parse_does_not_hand_its_answer_to_the_next_one(pool: FeedParserPool):
    slow = asyncio.create_task(pool.parse(fixture("wordpress_fr.xml"), URL))
    await wait_until(lambda: pool.pids)
    slow.cancel()
    with pytest.raises(asyncio.CancelledError):
        await slow

    parsed = await pool.parse(fixture("rss1_rdf.xml"), URL)
    assert parsed.version == "rss10"


OWNER = """
import asyncio, sys
from cogs.feeds.pool import FeedParserPool

async def main():
    pool = FeedParserPool(environment={}, workers=1)
    body = b"<rss><channel>" + b"<item><title>x</title></item>" * 1_000_000 + b"</channel></rss>"
    parsing = asyncio.create_task(pool.parse(body, "https://example.ch/feed"))
    while not pool.pids:
        await asyncio.sleep(0.01)
    print(pool.pids[0], flush=True)
    await parsing

asyncio.run(main())
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
async def test_a_worker_busy_parsing_ends_when_its_owner_is_killed():
    owner = await asyncio.create_subprocess_exec(
        sys.executable, "-c", OWNER, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    pid = 0
    try:
        pid = int(await asyncio.wait_for(owner.stdout.readline(), 30))
        await wait_until(lambda: state(pid) == "R")  # parsing (the body is huge), not waiting

        owner.kill()
        await owner.wait()

        await wait_until(lambda: not running(pid))
    finally:
        if owner.returncode is None:
            owner.kill()
            await owner.wait()
        if pid and running(pid):
            os.kill(pid, signal.SIGKILL)


def long_feed(entries: int) -> bytes:
    items = "".join(
        f"<item><title>Article {i}</title><link>https://blog.example.ch/{i}</link>"
        f"<description>&lt;p&gt;Texte {i}&lt;/p&gt;</description></item>"
        for i in range(entries)
    )
    head = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>B</title>'
    return f"{head}{items}</channel></rss>".encode()


async def test_a_parse_just_as_the_quiet_stop_begins_gets_a_live_worker():
    pool = FeedParserPool(environment={}, workers=1, quiet_period=30)
    try:
        await pool.parse(fixture("rss1_rdf.xml"), URL)
        (first,) = pool.pids
        # The quiet timer fires, and a parse begins before the stopping it started has run; the
        # body is long enough that cutting the worker's lifeline would cut the parse short.
        pool._when_quiet()
        parsed = await pool.parse(long_feed(3000), URL)
        assert parsed.total_entries == 3000
        assert first not in pool.pids
    finally:
        await pool.close()


async def test_a_worker_stopped_while_it_parses_is_not_given_another_request():
    pool = FeedParserPool(environment={}, workers=1, quiet_period=30)
    parsing = asyncio.create_task(pool.parse(fixture("wordpress_fr.xml"), URL))
    await wait_until(lambda: len(pool.pids) == 1)
    (first,) = pool.pids
    closing = asyncio.create_task(pool.close())
    with contextlib.suppress(ParseError):
        await parsing  # cut short by the close, or answered just before it
    await closing
    try:
        parsed = await pool.parse(fixture("rss1_rdf.xml"), URL)
        assert parsed.version == "rss10"
        assert first not in pool.pids
    finally:
        await pool.close()


def test_an_answer_naming_anything_but_parse_results_is_refused():
    with pytest.raises(WorkerGone):
        read_answer(pickle.dumps(("ok", os.system)))
    with pytest.raises(WorkerGone):
        read_answer(pickle.dumps(["not", "an", "answer"]))
    feed = parse_feed(fixture("wordpress_fr.xml"), URL)
    assert read_answer(pickle.dumps(("ok", feed))) == ("ok", feed)


async def test_workers_get_only_the_environment_they_are_given(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "not-for-workers")
    pool = FeedParserPool(environment={"LANG": "C.UTF-8"}, workers=1)
    try:
        await pool.parse(fixture("rss1_rdf.xml"), URL)
        (pid,) = pool.pids
        environ = (await asyncio.to_thread(Path(f"/proc/{pid}/environ").read_bytes)).split(b"\0")
        assert b"LANG=C.UTF-8" in environ
        assert not any(item.startswith(b"DISCORD_TOKEN=") for item in environ)
    finally:
        await pool.close()
