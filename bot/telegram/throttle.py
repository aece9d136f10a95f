"""Per-person rate limits: a token bucket per user.

`Throttle` keeps the buckets in memory (one process; a restart forgives everyone). `RedisThrottle` keeps them in
Redis, one small hash per person with a TTL, updated by one Lua script (atomic), so that every instance of the bot
behind a load balancer counts the same person's updates together. Both answer `check(user_id)` with a `Verdict`.
"""

from __future__ import annotations

import enum
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from redis.asyncio import Redis


class Verdict(enum.Enum):
    ALLOW = "allow"  # within the limit: handle the update
    DROP = "drop"  # over the limit: drop it silently
    WARN = "warn"  # over the limit, and the person was not told lately: drop it and tell them


class RateLimit(Protocol):
    async def check(self, user_id: int) -> Verdict: ...


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    warned_at: float = -1e9


@dataclass
class Throttle:
    """`burst` updates at once, then `per_second` more each second; beyond that, updates are dropped and the
    person is told at most once per `warn_every` seconds."""

    burst: int = 10
    per_second: float = 0.5
    warn_every: float = 30.0
    _buckets: dict[int, _Bucket] = field(default_factory=dict)
    _checks: int = 0

    def allow(self, user_id: int, now: float) -> bool:
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.per_second)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True
        return False

    def should_warn(self, user_id: int, now: float) -> bool:
        bucket = self._buckets[user_id]
        if now - bucket.warned_at >= self.warn_every:
            bucket.warned_at = now
            return True
        return False

    def forget_idle(self, now: float, idle: float = 600.0) -> None:
        """Full buckets of people who went quiet are dropped, so memory follows the active users only."""
        for user_id in [uid for uid, bucket in self._buckets.items() if now - bucket.stamp > idle]:
            del self._buckets[user_id]

    async def check(self, user_id: int) -> Verdict:
        now = time.monotonic()
        self._checks += 1
        if self._checks % 1000 == 0:
            self.forget_idle(now)
        if self.allow(user_id, now):
            return Verdict.ALLOW
        return Verdict.WARN if self.should_warn(user_id, now) else Verdict.DROP


# KEYS[1]: the person's bucket (a hash: tokens, stamp, warned). ARGV: burst, per_second, now, warn_every, ttl.
# Returns 1 (allow), 0 (drop) or 2 (drop and warn). A missing hash is a full bucket of someone never warned, so the
# TTL (the time a bucket takes to fill up, or the warning period if longer) forgets nobody too early.
TOKEN_BUCKET = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local warn_every = tonumber(ARGV[4])
local held = redis.call('HMGET', KEYS[1], 'tokens', 'stamp', 'warned')
local tokens = tonumber(held[1]) or burst
local stamp = tonumber(held[2]) or now
local warned = tonumber(held[3]) or -1e12
if now > stamp then
  tokens = math.min(burst, tokens + (now - stamp) * rate)
  stamp = now
end
local verdict = 0
if tokens >= 1 then
  tokens = tokens - 1
  verdict = 1
elseif now - warned >= warn_every then
  warned = now
  verdict = 2
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'stamp', string.format('%.6f', stamp),
  'warned', string.format('%.6f', warned))
redis.call('EXPIRE', KEYS[1], ARGV[5])
return verdict
"""
_VERDICTS = {0: Verdict.DROP, 1: Verdict.ALLOW, 2: Verdict.WARN}


class RedisThrottle:
    """The same token bucket as `Throttle`, kept in Redis under `{prefix}:{user_id}` and shared by every instance.

    Time is the wall clock (`time.time()`) of the instance that checks: instances' clocks are kept in step by NTP,
    and a clock a little behind only refills nothing (the bucket never goes back in time)."""

    def __init__(
        self,
        redis: Redis,
        burst: int = 10,
        per_second: float = 0.5,
        warn_every: float = 30.0,
        prefix: str = "throttle",
    ) -> None:
        self.redis = redis
        self.burst = burst
        self.per_second = per_second
        self.warn_every = warn_every
        self.prefix = prefix
        self.ttl = math.ceil(max(burst / per_second, warn_every)) + 1
        self._script = redis.register_script(TOKEN_BUCKET)

    def key(self, user_id: int) -> str:
        return f"{self.prefix}:{user_id}"

    async def check(self, user_id: int, now: float | None = None) -> Verdict:
        moment = time.time() if now is None else now
        verdict = await self._script(
            keys=[self.key(user_id)], args=[self.burst, self.per_second, moment, self.warn_every, self.ttl]
        )
        return _VERDICTS[int(verdict)]
