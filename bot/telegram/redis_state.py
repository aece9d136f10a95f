"""Dialog state in Redis (REDIS_URL), shared by every instance of the bot, so that any update can land on any of
them and the dialog continues; and the per-person rate limit on the same Redis.

Keys are aiogram's (`DefaultKeyBuilder(with_destiny=True)`, as for the database's `fsm_states`):
`fsm:<chat_id>[:<thread_id>]:<user_id>:<destiny>:state|data`. What a person typed in a dialog (a help request
draft) lives in `...:data`, so erasing a person (`/forget`) deletes every key of theirs: `forget(user_id)`. The
rate limit's bucket is `throttle:<user_id>` (a hash that expires once it would be full again).
"""

from __future__ import annotations

from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisStorage

from bot.settings import Settings
from bot.telegram.throttle import RedisThrottle

KEY_PREFIX = "fsm"
SEPARATOR = ":"
THROTTLE_PREFIX = "throttle"
PARTS = ("state", "data")  # what forget() deletes; a `lock` key of aiogram's event isolation holds nothing


class RedisDialogStorage(RedisStorage):
    """aiogram's RedisStorage that can also erase everything it holds about one person."""

    @classmethod
    def from_settings(cls, settings: Settings) -> RedisDialogStorage:
        assert settings.redis_url is not None
        builder = DefaultKeyBuilder(prefix=KEY_PREFIX, separator=SEPARATOR, with_destiny=True)
        # A Redis that stops answering fails the update within seconds (Telegram delivers it again) instead of
        # holding it; a connection idle for a while is checked before use.
        connection = {"socket_connect_timeout": 5, "socket_timeout": 5, "health_check_interval": 30}
        storage = cls.from_url(settings.redis_url, connection_kwargs=connection, key_builder=builder)
        assert isinstance(storage, RedisDialogStorage)
        return storage

    async def forget(self, user_id: int) -> int:
        """Deletes the person's dialog state in every chat (their private chat, and their own keys in groups and
        topics); other people's keys, in the same groups too, stay. Returns how many keys were deleted."""
        uid = str(user_id)
        doomed: list[bytes | str] = []
        pattern = f"{KEY_PREFIX}{SEPARATOR}*{SEPARATOR}{uid}{SEPARATOR}*"  # narrows the scan; person_of decides
        async for key in self.redis.scan_iter(match=pattern, count=500):
            if person_of(key.decode() if isinstance(key, bytes) else key) == uid:
                doomed.append(key)
        doomed.append(f"{THROTTLE_PREFIX}{SEPARATOR}{uid}")  # the rate limit's counters name them too (for seconds)
        deleted = 0
        for start in range(0, len(doomed), 500):
            deleted += int(await self.redis.delete(*doomed[start : start + 500]))
        return deleted


def person_of(key: str) -> str | None:
    """The user id in a dialog key (`fsm:chat[:thread]:user:destiny:part`), or None for a key of another kind."""
    parts = key.split(SEPARATOR)
    if parts[0] != KEY_PREFIX or parts[-1] not in PARTS or len(parts) not in (5, 6):
        return None
    return parts[-3]


def redis_throttle(storage: RedisDialogStorage, settings: Settings) -> RedisThrottle:
    """The rate limit on the dialog storage's own connection pool (closed with it when the dispatcher stops)."""
    return RedisThrottle(
        storage.redis,
        burst=settings.message_burst,
        per_second=settings.messages_per_minute / 60,
        prefix=THROTTLE_PREFIX,
    )
