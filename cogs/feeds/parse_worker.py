"""The feed parser's worker process: `python -m cogs.feeds.parse_worker`, started by `FeedParserPool`.

It reads requests from its stdin and writes answers on its stdout, each a length-prefixed pickle,
one at a time. Its stdin is its lifeline: the write end of that pipe exists only in the bot, so
when the bot ends, however it ends (SIGKILL included), the kernel closes it, the reading thread
sees end-of-file and the worker exits at once, even in the middle of a parse. No forkserver,
resource tracker or signal set-up is involved, so nothing else can be left behind.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import struct
import sys
import threading
import traceback
from typing import BinaryIO

HEADER = struct.Struct("!I")  # the payload's length in bytes


def read_frame(stream: BinaryIO) -> bytes | None:
    """One length-prefixed payload, or None at end-of-file (a frame cut short counts as the end)."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    payload = stream.read(size)
    return payload if len(payload) == size else None


def frame(payload: bytes) -> bytes:
    return HEADER.pack(len(payload)) + payload


def _listen(requests: BinaryIO, inbox: queue.SimpleQueue[bytes]) -> None:
    # A thread of its own, so end-of-file is seen while the main thread is busy parsing.
    while (payload := read_frame(requests)) is not None:
        inbox.put(payload)
    os._exit(0)


def main() -> None:
    # Answers go to a private copy of stdout; fd 1 then points at stderr, so a library that prints
    # can never corrupt a frame.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # Parsing is background work: the bot's event loop (gateway heartbeats) must win the CPU.
    with contextlib.suppress(AttributeError, OSError):
        os.nice(5)
    from cogs.feeds.parse import ParseError, parse_feed

    inbox: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    threading.Thread(target=_listen, args=(sys.stdin.buffer, inbox), name="lifeline", daemon=True).start()
    while True:
        # Only the bot writes these requests: unpickling them trusts no one else.
        body, url, content_type, max_entries = pickle.loads(inbox.get())  # noqa: S301
        try:
            outcome: tuple[str, object] = ("ok", parse_feed(body, url, content_type, max_entries=max_entries))
        except ParseError as error:
            outcome = ("refused", error)
        except Exception:
            outcome = ("failed", traceback.format_exc(limit=8))
        try:
            payload = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except Exception:
            payload = pickle.dumps(("failed", traceback.format_exc(limit=8)))
        try:
            answers.write(frame(payload))
            answers.flush()
        except OSError:  # the bot is gone (EPIPE): nobody to answer
            os._exit(0)


if __name__ == "__main__":
    main()
