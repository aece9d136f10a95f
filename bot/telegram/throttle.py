"""Per-person rate limits: a token bucket per user, kept in memory (a restart forgives everyone)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
