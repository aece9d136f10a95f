"""Two costs aiogram pays on every update or call that the bot need not pay, measured by `python -m bot bench
--profile`:

- aiogram parses each Bot API answer as `Response[<the method's type>]`, a pydantic generic model that pydantic
  caches only weakly: once the garbage collector has taken it, the next call builds the model class again (several
  milliseconds each). `KeepResponseTypes` holds one of each type the bot has used, so each is built once.
- aiogram runs every filter that is not a coroutine (every `F.…` magic filter) in a worker thread through
  `asyncio.to_thread`, so that a slow filter cannot block the loop. Ours are attribute reads and comparisons:
  the thread hop costs far more than the check. `run_sync_filters_inline` calls them on the loop instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Bot, Router
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType


class KeepResponseTypes(BaseRequestMiddleware):
    """Keeps a strong reference to each `Response[...]` model, so pydantic's weak cache always finds it."""

    def __init__(self) -> None:
        self._kept: dict[Any, type] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._kept:
            self._kept[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)


def run_sync_filters_inline(router: Router) -> int:
    """Makes every plain-function filter of the router and its sub-routers run on the loop; returns how many."""
    changed = 0
    for observer in router.observers.values():
        for handler in [observer._handler, *observer.handlers]:  # the router-level filters live in _handler
            for event_filter in handler.filters or ():
                if not event_filter.awaitable:
                    event_filter.callback = _on_the_loop(event_filter.callback)
                    event_filter.awaitable = True
                    changed += 1
    return changed + sum(run_sync_filters_inline(child) for child in router.sub_routers)


def _on_the_loop(check: Callable[..., Any]) -> Callable[..., Any]:
    async def inline(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    return inline
