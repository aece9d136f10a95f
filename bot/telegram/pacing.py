"""Sending at Telegram's limits: the outbox makes room for a send before Telegram would have to refuse it (429).

Telegram's Bot FAQ ("My bot is hitting limits, how do I avoid this?"): in a single chat no more than one message a
second; no more than about 30 messages a second in all; no more than 20 messages a minute to the same group. Every
limit is kept as a sliding window, at most `count` sends in any `seconds`: the strictest reading of "N a
second/minute" (a token bucket of the same rate allows 2N in some minute), so that a bot within it is within any
reading. A group (a negative chat id: groups, supergroups and channels) has both its chat's 1 a second and its
20 a minute. Every call the outbox makes counts as a message, edits too (Telegram counts edits in a group as well).

The settings give rates (SEND_PER_SECOND, SEND_PER_CHAT_SECOND, SEND_PER_GROUP_MINUTE); a window keeps Telegram's
count (30, 1, 20) and takes its length from the rate: 20 a minute is 20 in any 60 s, and 400 a minute is 20 in any
3 s. A faster rate shortens the windows and never widens a burst: a test runs Telegram's clock faster that way, and
a lower rate spreads the same count over a longer window.

`reserve(chat_id)` checks and takes in one step. Granted, the send counts from now and the caller sends at once;
refused, the answer says how long until there may be room, and nothing is taken. Nothing is held for later, so a
row put off and picked up late never leaves a slot counted at the wrong moment. Once Telegram has answered,
`Reservation.sent()` moves the send's stamp to that moment: Telegram counted the send somewhere in between, and the
later stamp keeps the next window honest when a call was slow. Each window is also kept 5 % longer than Telegram's,
for the jitter between the bot's clock and Telegram's (a share, not a fixed time, so that a test on a faster clock
paces exactly as the bot does on Telegram's, only faster).

The outbox is not the only sender: the handlers answer people and staff at once (a reply, a prompt in a group),
unpaced, since a person waits for it. `SendCounter`, on the handlers' bot, counts each of their sends with `note()`
(taken whatever the room), so that the outbox leaves room for them: a reply to /bind in a group and then a burst of
20 notices would otherwise be 21 in the group's minute.

Without REDIS_URL the windows live in memory (`MemoryPacer`, one process). With it (`RedisPacer`) they are sorted
sets in Redis, `{prefix}:all` and `{prefix}:chat:<chat id>` (members: one per send, scored by the moment), checked
and taken by one Lua script on Redis's own clock (TIME), so every instance of the bot shares them and their clocks
need not agree; each key expires once its longest window has passed. Redis out of reach, the pacer goes on in
memory (this instance's sends only) and says so in the log, rather than stopping every delivery.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
import uuid
from bisect import bisect_right, insort
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from bot.settings import Settings

log = logging.getLogger(__name__)

# Telegram's counts (Bot FAQ): messages in a second in all, in a second in one chat, in a minute in one group.
TELEGRAM_PER_SECOND = 30
TELEGRAM_PER_CHAT_SECOND = 1
TELEGRAM_PER_GROUP_MINUTE = 20
MARGIN = 0.05  # each window is kept this much longer than Telegram's


@dataclass(frozen=True, slots=True)
class Window:
    """At most `count` sends in any `seconds`."""

    count: int
    seconds: float

    @classmethod
    def of_rate(cls, per_second: float, unit: float, telegram_count: int) -> Window:
        """The window for `per_second` sends a second on average, with Telegram's count in a `unit` of seconds
        (fewer when the rate allows fewer in a unit)."""
        count = max(1, min(telegram_count, math.floor(per_second * unit + 1e-9)))
        return cls(count, count / per_second)


Rules = list[tuple[str, list[tuple[int, float]]]]  # (key, [(count, seconds with the margin)])


@dataclass(frozen=True, slots=True)
class PaceLimits:
    per_second: Window = Window(TELEGRAM_PER_SECOND, 1.0)
    per_chat: Window = Window(TELEGRAM_PER_CHAT_SECOND, 1.0)
    per_group: Window = Window(TELEGRAM_PER_GROUP_MINUTE, 60.0)
    margin: float = MARGIN

    @classmethod
    def from_rates(cls, per_second: float, per_chat_second: float, per_group_minute: float) -> PaceLimits:
        return cls(
            per_second=Window.of_rate(per_second, 1.0, TELEGRAM_PER_SECOND),
            per_chat=Window.of_rate(per_chat_second, 1.0, TELEGRAM_PER_CHAT_SECOND),
            per_group=Window.of_rate(per_group_minute / 60, 60.0, TELEGRAM_PER_GROUP_MINUTE),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> PaceLimits:
        return cls.from_rates(settings.send_per_second, settings.send_per_chat_second, settings.send_per_group_minute)

    def seconds(self, window: Window) -> float:
        """The window's length as kept: Telegram's, and the margin."""
        return window.seconds * (1 + self.margin)

    def chat_windows(self, chat_id: int) -> list[Window]:
        return [self.per_chat, self.per_group] if chat_id < 0 else [self.per_chat]

    def rules(self, chat_id: int) -> Rules:
        """What a send to the chat is counted in: all sends, and the chat's own (1 a second; a group's 20 a minute)."""
        return [
            ("all", [(self.per_second.count, self.seconds(self.per_second))]),
            (f"chat:{chat_id}", [(window.count, self.seconds(window)) for window in self.chat_windows(chat_id)]),
        ]


class Reservation:
    """The pacer's answer: granted (`wait` 0: send now, then call `sent()`), or try again in `wait` seconds."""

    __slots__ = ("_stamp", "wait")

    def __init__(self, wait: float = 0.0, stamp: Callable[[], Awaitable[None]] | None = None) -> None:
        self.wait = wait
        self._stamp = stamp

    @property
    def granted(self) -> bool:
        return self.wait <= 0

    async def sent(self) -> None:
        """Telegram has answered: the send counts from now. Never raises."""
        stamp, self._stamp = self._stamp, None
        if stamp is not None:
            await stamp()

    def __repr__(self) -> str:
        return "Reservation(granted)" if self.granted else f"Reservation(wait={self.wait:.3f})"


class Pacer(Protocol):
    limits: PaceLimits

    async def reserve(self, chat_id: int) -> Reservation: ...

    async def note(self, chat_id: int) -> None: ...

    async def close(self) -> None: ...


def _wait(stamps: list[float], count: int, seconds: float, now: float) -> float:
    """How long until one more send fits: 0 when fewer than `count` stamps are within `seconds` of now, else until
    the oldest of the last `count` leaves the window."""
    inside = len(stamps) - bisect_right(stamps, now - seconds)
    if inside < count:
        return 0.0
    return stamps[len(stamps) - count] + seconds - now


class MemoryPacer:
    """The windows in this process's memory. `clock`: monotonic seconds (a test gives a fake one)."""

    def __init__(self, limits: PaceLimits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or PaceLimits()
        self._clock = clock
        self._stamps: dict[str, list[float]] = {}
        self._longest: dict[str, float] = {}
        self._calls = 0

    async def reserve(self, chat_id: int) -> Reservation:
        return self.reserve_now(chat_id)

    def reserve_now(self, chat_id: int) -> Reservation:
        now = self._clock()
        self._calls += 1
        if self._calls % 1000 == 0:
            self._forget_old(now)
        rules = self.limits.rules(chat_id)
        wait = 0.0
        for key, windows in rules:
            stamps = self._stamps.setdefault(key, [])
            self._longest[key] = max(seconds for _, seconds in windows)
            for count, seconds in windows:
                wait = max(wait, _wait(stamps, count, seconds, now))
        if wait > 0:
            return Reservation(wait)
        taken = [self._stamps[key] for key, _ in rules]
        for stamps in taken:
            insort(stamps, now)

        async def restamp() -> None:
            later = self._clock()
            for stamps in taken:
                index = bisect_right(stamps, now) - 1
                if index >= 0 and stamps[index] == now:
                    del stamps[index]
                    insort(stamps, later)

        return Reservation(0.0, restamp)

    async def note(self, chat_id: int) -> None:
        self.note_now(chat_id)

    def note_now(self, chat_id: int) -> None:
        """A send made without asking (a handler's answer): it counts from now, room or not."""
        now = self._clock()
        for key, windows in self.limits.rules(chat_id):
            self._longest[key] = max(seconds for _, seconds in windows)
            insort(self._stamps.setdefault(key, []), now)

    async def close(self) -> None:
        """Nothing to close."""

    def _forget_old(self, now: float) -> None:
        """Stamps out of every window are dropped, and the chats that have none left."""
        for key in list(self._stamps):
            stamps = self._stamps[key]
            del stamps[: bisect_right(stamps, now - self._longest.get(key, 0.0))]
            if not stamps:
                del self._stamps[key]
                self._longest.pop(key, None)


# KEYS: the counters a send falls under. ARGV[1]: the send's member; then, for each key: the key's longest window
# (seconds), its number of windows, and (count, seconds) for each. Returns "0" (taken: the member is added to every
# key, scored now) or the seconds to wait (nothing taken), as a string.
RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local wait = 0
local longest = {}
local i = 2
for k = 1, #KEYS do
  longest[k] = tonumber(ARGV[i])
  local windows = tonumber(ARGV[i + 1])
  i = i + 2
  redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', string.format('%.6f', now - longest[k]))
  for w = 1, windows do
    local count = tonumber(ARGV[i])
    local seconds = tonumber(ARGV[i + 1])
    i = i + 2
    local inside = redis.call('ZRANGEBYSCORE', KEYS[k], string.format('(%.6f', now - seconds), '+inf', 'WITHSCORES')
    local n = #inside / 2
    if n >= count then
      wait = math.max(wait, tonumber(inside[2 * (n - count) + 2]) + seconds - now)
    end
  end
end
if wait > 0 then
  return string.format('%.6f', wait)
end
for k = 1, #KEYS do
  redis.call('ZADD', KEYS[k], string.format('%.6f', now), ARGV[1])
  redis.call('PEXPIRE', KEYS[k], math.ceil(longest[k] * 1000) + 1000)
end
return '0'
"""

# KEYS: the counters of a send; ARGV[1]: its member. Its score becomes now, where it is still held.
RESTAMP = """
local t = redis.call('TIME')
local now = string.format('%.6f', tonumber(t[1]) + tonumber(t[2]) / 1000000)
for k = 1, #KEYS do
  redis.call('ZADD', KEYS[k], 'XX', now, ARGV[1])
end
return 1
"""
# KEYS: the counters of a send made without asking; ARGV: its member, then each key's longest window (seconds).
NOTE = """
local t = redis.call('TIME')
local now = string.format('%.6f', tonumber(t[1]) + tonumber(t[2]) / 1000000)
for k = 1, #KEYS do
  redis.call('ZADD', KEYS[k], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[k], math.ceil(tonumber(ARGV[k + 1]) * 1000) + 1000)
end
return 1
"""
COMPLAIN_EVERY = 60.0  # seconds between two log lines about Redis out of reach


class RedisPacer:
    """The windows in Redis, shared by every instance of the bot (see the module's description)."""

    def __init__(self, redis: Redis, limits: PaceLimits | None = None, prefix: str = "pace") -> None:
        self.limits = limits or PaceLimits()
        self.redis = redis
        self.prefix = prefix
        self._reserve = redis.register_script(RESERVE)
        self._restamp = redis.register_script(RESTAMP)
        self._note = redis.register_script(NOTE)
        self._members = (f"{uuid.uuid4().hex[:12]}:{n}" for n in itertools.count())
        self._fallback = MemoryPacer(self.limits)  # while Redis is out of reach
        self._complained = -math.inf

    @classmethod
    def from_url(cls, url: str, limits: PaceLimits | None = None, prefix: str = "pace") -> RedisPacer:
        from redis.asyncio import Redis

        return cls(Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5), limits, prefix)

    async def reserve(self, chat_id: int) -> Reservation:
        from redis.exceptions import RedisError

        rules = self.limits.rules(chat_id)
        keys = [f"{self.prefix}:{key}" for key, _ in rules]
        member = next(self._members)
        args: list[str | int | float] = [member]
        for _, windows in rules:
            args += [max(seconds for _, seconds in windows), len(windows)]
            for count, seconds in windows:
                args += [count, seconds]
        try:
            answer = await self._reserve(keys=keys, args=args)
        except (RedisError, OSError) as error:
            self._complain("reserve", error)
            return self._fallback.reserve_now(chat_id)
        wait = float(answer)
        if wait > 0:
            return Reservation(wait)

        async def restamp() -> None:
            try:
                await self._restamp(keys=keys, args=[member])
            except (RedisError, OSError) as error:  # the stamp stays at the reservation: a little early, no more
                self._complain("restamp", error)

        return Reservation(0.0, restamp)

    async def note(self, chat_id: int) -> None:
        from redis.exceptions import RedisError

        rules = self.limits.rules(chat_id)
        longest = [max(seconds for _, seconds in windows) for _, windows in rules]
        try:
            await self._note(keys=[f"{self.prefix}:{key}" for key, _ in rules], args=[next(self._members), *longest])
        except (RedisError, OSError) as error:
            self._complain("note", error)
            self._fallback.note_now(chat_id)

    async def close(self) -> None:
        await self.redis.aclose()

    def _complain(self, what: str, error: Exception) -> None:
        now = time.monotonic()
        if now - self._complained >= COMPLAIN_EVERY:
            self._complained = now
            log.warning("pacing: Redis out of reach (%s: %s); pacing this instance's sends alone", what, error)


# What counts as a message (the pacer's count is on the safe side: edits count too).
COUNTED_METHODS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendAnimation", "sendAudio", "sendVoice",
        "sendVideoNote", "sendSticker", "sendLocation", "sendVenue", "sendContact", "sendPoll", "sendDice",
        "sendMediaGroup", "copyMessage", "forwardMessage", "editMessageText", "editMessageCaption",
        "editMessageMedia", "editMessageReplyMarkup",
    }
)  # fmt: skip


class SendCounter(BaseRequestMiddleware):
    """On the handlers' bot: each message it sent counts in the pacer's windows (it did not wait for room)."""

    def __init__(self, pacer: Pacer) -> None:
        self._pacer = pacer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        result = await make_request(bot, method)
        chat_id: Any = getattr(method, "chat_id", None)
        if method.__api_method__ in COUNTED_METHODS and isinstance(chat_id, int):
            await self._pacer.note(chat_id)
        return result


def build_pacer(settings: Settings) -> Pacer:
    """The pacer the settings ask for: in Redis with REDIS_URL (shared by every instance), else in memory."""
    limits = PaceLimits.from_settings(settings)
    if settings.redis_url:
        return RedisPacer.from_url(settings.redis_url, limits)
    return MemoryPacer(limits)
