import asyncio
import contextlib

from agora.scheduling import Recurring


async def test_run_now_waits_for_a_pass_that_started_after_the_call():
    seen: list[int] = []
    state = {"value": 0}

    async def work() -> int:
        seen.append(state["value"])
        return state["value"]

    recurring = Recurring("test", work, tick=3600)
    task = asyncio.create_task(recurring.run_forever())
    try:
        assert await recurring.run_now(within=5) == 0
        state["value"] = 1
        assert await recurring.run_now(within=5) == 1
        assert seen[-1] == 1
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_failing_pass_does_not_stop_the_loop():
    calls = {"n": 0}

    async def work() -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("first pass fails")
        return calls["n"]

    recurring = Recurring("test", work, tick=3600)
    task = asyncio.create_task(recurring.run_forever())
    try:
        assert await recurring.run_now(within=5) >= 2
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert task.cancelled()
