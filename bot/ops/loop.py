"""The event loop every process of the bot runs on: uvloop where it is installed (Linux and macOS, a dependency
there), asyncio's own elsewhere. uvloop runs the same asyncio code with less CPU per update: about 13 % in three
paired runs of `python -m bot bench --people 50 --rounds 2` (6.0 against 6.9 ms), most of it in the sockets."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

try:
    import uvloop
except ImportError:  # pragma: no cover - Windows has no uvloop; asyncio's loop runs the same code
    uvloop = None  # type: ignore[assignment]

T = TypeVar("T")


def new_event_loop() -> asyncio.AbstractEventLoop:
    return uvloop.new_event_loop() if uvloop is not None else asyncio.new_event_loop()


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)` on the loop above."""
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(main)
