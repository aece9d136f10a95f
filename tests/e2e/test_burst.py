"""A burst of 200 notices into one center's staff group, the real bot process against a local server that enforces
Telegram's flood limits: all 200 delivered, in order, not one refused with 429, the staff member's private chat
served meanwhile, and the figure printed.

Time runs 60 times as fast as Telegram's here, on both sides, because Telegram's 20 a minute would make the burst
take ten minutes: the server's windows are a sixtieth of Telegram's (`FloodLimits().scaled(1 / 60)`: 20 messages
in any second in a group, 30 in any 1/60 s in all, a chat's 1 a second in 1/60 s) and the bot is given the same
rates (SEND_PER_SECOND=1800, SEND_PER_CHAT_SECOND=60, SEND_PER_GROUP_MINUTE=1200), which keep Telegram's counts in
windows a sixtieth as long. The pacer at Telegram's own numbers is proved on a fake clock in
tests/unit/test_pacing.py.

The notices are 200 outbox rows written at once into the running bot's database (a notice as the help desk writes
it: sendMessage to the group), then delivered by the bot's own outbox worker. 200 real help requests would also
bring 200 answers to 200 people within a second from the handlers, which the outbox does not send and this test is
not about.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.localapi.limits import FloodLimits
from bot.localapi.people import LocalGroup, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, outbox_settled, wait_until
from tests.e2e.flows import make_staff

SPEED = 60  # Telegram's clock runs this many times as fast here
BOT_ENV = {
    "SEND_PER_SECOND": str(30 * SPEED),
    "SEND_PER_CHAT_SECOND": str(1 * SPEED),
    "SEND_PER_GROUP_MINUTE": str(20 * SPEED),
}
BURST = 200
GROUP = -100240001
CENTER = "astana-zhanuya"


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[LocalBotApi]:
    """The local server of this module, with Telegram's flood limits enforced (on the faster clock)."""
    server = LocalBotApi(flood_limits=FloodLimits().scaled(1 / SPEED))
    await server.start()
    yield server
    await server.stop()


def enqueue(database: str, rows: list[tuple[int, dict[str, object]]]) -> None:
    """Outbox rows, due now, in one transaction: the burst, as the help desk's commits would leave it."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    with sqlite3.connect(database) as db:
        db.executemany(
            "INSERT INTO outbox (chat_id, method, payload, notice, next_attempt_at, created_at) "
            "VALUES (?, 'sendMessage', ?, 0, ?, ?)",
            [(chat_id, json.dumps(params, ensure_ascii=False), stamp, stamp) for chat_id, params in rows],
        )


async def test_two_hundred_notices_into_one_group_without_a_single_429(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    staff = await make_staff(running_bot, person, CENTER, "Айгүл")
    group = LocalGroup(api, GROUP, "Астана ОҚО")
    await staff.send("/bind", group=group)
    await group.reply()
    group.skip_to_end()
    staff.skip_to_end()
    assert api.flood is not None

    notices = [f"Жаңа өтініш №{number:03d}" for number in range(1, BURST + 1)]
    started = time.monotonic()
    enqueue(
        str(running_bot.database),
        [(GROUP, {"chat_id": GROUP, "text": text}) for text in notices]
        + [(staff.id, {"chat_id": staff.id, "text": "Жеке хабарлама"})],  # after the burst, to another chat
    )

    def delivered() -> list[str]:
        texts = [message_text(event.message) for event in group.chat.events if event.kind == "send"]
        return [text for text in texts if text.startswith("Жаңа өтініш")]

    await staff.reply_with("Жеке хабарлама", timeout=15)
    private_after, group_then = time.monotonic() - started, len(delivered())
    await wait_until(lambda: len(delivered()) == BURST, "the whole burst reaches the group", within=180)
    took = time.monotonic() - started
    await outbox_settled(running_bot)

    served_429 = sum(1 for refusal in api.refusals if refusal.code == 429)  # the flood limits' and any other
    per_minute = BURST / took * 60
    print(
        f"\n{BURST} notices into one group: {took:.1f} s, {per_minute:.0f} a minute on a clock {SPEED} times as fast "
        f"({per_minute / SPEED:.1f} a minute on Telegram's, where the limit is 20); 429s served: {served_429}; "
        f"the private message after {private_after:.1f} s, when the group had {group_then}"
    )
    assert served_429 == 0 and api.flood.too_many_requests == 0, dict(api.flood.refused)
    assert delivered() == notices  # all, once each, in order
    assert group_then < BURST // 2, "the private chat did not wait for the group's burst"
    assert took > (BURST // 20 - 1) * 60 / SPEED, "faster than the group's limit: was it enforced?"
