"""A flood of messages from one person is cut off early and does not slow anyone else."""

from __future__ import annotations

import asyncio

from bot.localapi.people import message_text
from tests.conftest import BotProcess, PersonFactory, choose_language

BOT_ENV = {"MESSAGE_BURST": "5", "MESSAGES_PER_MINUTE": "30"}


async def test_a_flood_does_not_slow_other_people(running_bot: BotProcess, person: PersonFactory) -> None:
    flooder, other = person("ru"), person("kk")
    await choose_language(other, "kk")
    await asyncio.sleep(2.5)  # the language dialog spent some of the burst; let it refill
    await asyncio.gather(*(flooder.send(f"спам {number}") for number in range(200)))
    await other.send("/help")
    assert "Мен не істей аламын" in message_text(await other.reply(timeout=10))
    await asyncio.sleep(1)
    texts = [message_text(m) for m in flooder.chat.messages.values() if m["from"]["is_bot"]]
    assert sum("слишком часто" in text for text in texts) == 1  # told once, politely
    assert len(texts) <= 5 + 1 + 2  # the burst, the warning, and what refilled meanwhile
