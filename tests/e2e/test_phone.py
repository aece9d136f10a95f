"""The phone of a help request: one's own contact card, as a real client shares it, is taken at once. (Someone
else's contact, or a card linked to no Telegram account, is asked about first: tests/handlers/test_requests.py.)"""

from __future__ import annotations

from bot.localapi.people import LocalUser, message_text
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.e2e.flows import describe_request

CENTER = "astana-zhanuya"


async def up_to_the_phone(citizen: LocalUser, text: str) -> None:
    """A Russian-speaking person who chose to be called and is asked for the number."""
    await choose_language(citizen, "ru")
    await describe_request(citizen, CENTER, text)
    await citizen.click("Позвоните мне")
    await citizen.reply_with("Отправьте номер")


async def summary_after_safe_contact(citizen: LocalUser) -> str:
    await citizen.click("В любое время", await citizen.reply_with("безопасно связаться"))
    await citizen.click("Согласен", await citizen.reply_with("Согласие на обработку"))
    return message_text(await citizen.reply_with("Проверьте ваше обращение"))


async def test_own_contact_is_taken_at_once(running_bot: BotProcess, person: PersonFactory) -> None:
    citizen = person("ru")
    await up_to_the_phone(citizen, "Нужна консультация по алиментам")
    await citizen.share_contact("77011112233", user_id=citizen.id)
    assert "+7 701 111 22 33" in await summary_after_safe_contact(citizen)
