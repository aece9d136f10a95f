"""Telegram's flood limits, enforced by the local server when a test turns them on (`LocalBotApi(flood_limits=...)`).

The numbers are those of Telegram's Bot FAQ ("My bot is hitting limits, how do I avoid this?",
https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
* "When sending messages inside a particular chat, avoid sending more than one message per second. We may allow
  short bursts that go over this limit, but eventually you'll begin receiving 429 errors." Telegram gives no size
  for the bursts; here a chat may have `chat_burst` messages in any `chat_burst` seconds (3 by default: an
  assumption, not a published number; `chat_burst=1` is the strict 1 a second).
* "If you're sending bulk notifications to multiple users, the API will not allow more than 30 messages per
  second or so."
* "Also note that your bot will not be able to send more than 20 messages per minute to the same group."
* Edits: Telegram's developers have said a bot can make up to 20 message edits a minute in a group chat (quoted in
  grammY's "Scaling Up IV: Flood Limits"); they are counted here apart from the sends, in groups only.

A group is a chat with a negative id (groups, supergroups and channels), or a channel's @username. Every limit is a
sliding window: at most N calls in any window of its length, the strictest reading of "N a second/minute". A call
over a limit is refused as Telegram refuses it, HTTP 429 with `parameters.retry_after` (whole seconds, at least 1),
and is not counted; a call that fails for another reason (400, 403) is not counted either. The refusals are counted
per (method, chat) in `FloodLimiter.refused`, so that a test can prove there were none.

`FloodLimits.scaled(factor)` shortens every window (time runs faster), for a test that cannot wait Telegram's
minutes: `FloodLimits().scaled(1 / 20)` is 20 messages per 3 s in a group.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

SENDING_METHODS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendAnimation", "sendAudio", "sendVoice",
        "sendVideoNote", "sendSticker", "sendLocation", "sendVenue", "sendContact", "sendPoll", "sendDice",
        "sendMediaGroup", "sendInvoice", "sendPaidMedia", "copyMessage", "copyMessages", "forwardMessage",
        "forwardMessages",
    }
)  # fmt: skip
EDITING_METHODS = frozenset(
    {"editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FloodLimits:
    per_second: int = 30  # messages in any `second`, all chats together
    per_chat_second: float = 1  # messages a `second` in one chat ...
    chat_burst: int = 3  # ... at most this many in any chat_burst / per_chat_second seconds
    per_group: int = 20  # messages to one group in any `group_window`
    group_window: float = 60.0
    edits_per_group: int = 20  # edits in one group in any `group_window`, counted apart from the sends
    second: float = 1.0  # how long a second lasts here

    def scaled(self, factor: float) -> FloodLimits:
        """The same limits with every window `factor` times as long (a factor below 1: time runs faster)."""
        return replace(self, second=self.second * factor, group_window=self.group_window * factor)

    def windows(self, kind: str, chat_id: object) -> list[tuple[str, int, float]]:
        """(counter key, count, window seconds) of every limit a call of `kind` ("send" or "edit") falls under."""
        group = is_group(chat_id)
        if kind == "edit":
            return [(f"edits:{chat_id}", self.edits_per_group, self.group_window)] if group else []
        found = [
            ("all", self.per_second, self.second),
            (f"chat:{chat_id}", self.chat_burst, self.chat_burst * self.second / self.per_chat_second),
        ]
        if group:
            found.append((f"group:{chat_id}", self.per_group, self.group_window))
        return found


def is_group(chat_id: object) -> bool:
    """Groups, supergroups and channels have negative ids; a channel may be named by its @username."""
    if isinstance(chat_id, int):
        return chat_id < 0
    return isinstance(chat_id, str) and (chat_id.startswith("@") or chat_id.lstrip().startswith("-"))


@dataclass
class Admission:
    """The limiter's answer to one call: admitted (counted) or refused with Telegram's `retry_after`."""

    retry_after: int = 0
    _stamps: list[tuple[list[float], float]] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.retry_after > 0

    def cancel(self) -> None:
        """The call failed for another reason: Telegram sent nothing, so it does not count."""
        for stamps, stamp in self._stamps:
            index = bisect_right(stamps, stamp) - 1
            if index >= 0 and stamps[index] == stamp:
                del stamps[index]
        self._stamps.clear()


class FloodLimiter:
    def __init__(self, limits: FloodLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._stamps: dict[str, list[float]] = {}  # counter key -> moments of the calls counted, oldest first
        self.refused: Counter[tuple[str, object]] = Counter()  # (method, chat_id) -> 429s served
        self.admitted: Counter[tuple[str, object]] = Counter()
        self._calls = 0

    @property
    def too_many_requests(self) -> int:
        """How many 429s the limits have served."""
        return sum(self.refused.values())

    def admit(self, method: str, chat_id: object) -> Admission:
        kind = "send" if method in SENDING_METHODS else "edit" if method in EDITING_METHODS else None
        if kind is None or chat_id is None:
            return Admission()
        now = self._clock()
        self._calls += 1
        if self._calls % 1000 == 0:
            self._forget_old(now)
        windows = self.limits.windows(kind, chat_id)
        wait = 0.0
        for key, count, seconds in windows:
            stamps = self._stamps.setdefault(key, [])
            inside = bisect_right(stamps, now - seconds)
            if len(stamps) - inside >= count:  # the oldest of the last `count` calls must leave the window first
                wait = max(wait, stamps[len(stamps) - count] + seconds - now)
        if wait > 0:
            self.refused[(method, chat_id)] += 1
            return Admission(retry_after=max(1, math.ceil(wait)))
        admission = Admission()
        for key, _, _ in windows:
            stamps = self._stamps[key]
            insort(stamps, now)
            admission._stamps.append((stamps, now))
        self.admitted[(method, chat_id)] += 1
        return admission

    def _forget_old(self, now: float) -> None:
        limits = self.limits
        longest = max(limits.group_window, limits.second, limits.chat_burst * limits.second / limits.per_chat_second)
        for key in list(self._stamps):
            stamps = self._stamps[key]
            del stamps[: bisect_right(stamps, now - longest)]
            if not stamps:
                del self._stamps[key]
