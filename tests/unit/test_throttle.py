"""The per-person rate limit: a burst, then a steady rate; warned once; idle people forgotten."""

from __future__ import annotations

from bot.telegram.throttle import Throttle


def test_burst_then_steady_rate() -> None:
    throttle = Throttle(burst=3, per_second=1.0, warn_every=30)
    assert [throttle.allow(1, 0.0) for _ in range(4)] == [True, True, True, False]
    assert throttle.allow(2, 0.0)  # somebody else is not held back
    assert not throttle.allow(1, 0.5)
    assert throttle.allow(1, 1.6)  # a second later, one more
    assert not throttle.allow(1, 1.7)


def test_warned_once_per_period_and_idle_forgotten() -> None:
    throttle = Throttle(burst=1, per_second=0.1, warn_every=30)
    throttle.allow(1, 0.0)
    assert not throttle.allow(1, 1.0)
    assert throttle.should_warn(1, 1.0)
    assert not throttle.should_warn(1, 20.0)
    assert throttle.should_warn(1, 31.0)
    throttle.forget_idle(now=10_000.0)
    assert throttle.allow(1, 10_000.0)
