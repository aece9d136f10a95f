"""What several end-to-end tests do on the way to what they test: staff, the admin, a help request."""

from __future__ import annotations

from typing import Any

from bot.localapi.people import LocalUser
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language


async def make_staff(bot: BotProcess, person: PersonFactory, center: str, name: str) -> LocalUser:
    """A Kazakh-speaking staff member of `center`, who has started the bot."""
    staff = person("kk", first_name=name)
    await choose_language(staff, "kk")
    await bot.cli("staff", "add", str(staff.id), center)
    return staff


async def make_admin(api: LocalBotApi, admin_id: int) -> LocalUser:
    """The administrator named in the module's ADMIN_IDS, with Russian chosen."""
    user = LocalUser(api, admin_id, first_name="Admin", language_code="ru")
    await choose_language(user, "ru")
    return user


async def describe_request(citizen: LocalUser, center: str, text: str, category: str = "Другое") -> None:
    """A Russian-speaking person, from the center's deep link up to the question of how to be reached."""
    await citizen.send(f"/start c_{center}")
    card = await citizen.reply_with("Услуги")
    await citizen.click("Обратиться в этот центр", card)
    await citizen.reply_with("О чём ваше обращение")
    await citizen.click(category)
    await citizen.reply_with("Опишите ситуацию")
    await citizen.send(text)
    await citizen.reply_with("Как центру связаться")


async def finish_request(
    citizen: LocalUser, contact: str = "Остаться анонимным", safe: str = "Только писать"
) -> dict[str, Any]:
    """From how to be reached to the confirmation with the request's number."""
    await citizen.click(contact)
    if contact != "Остаться анонимным":
        await citizen.click(safe, await citizen.reply_with("безопасно связаться"))
        await citizen.click("Согласен", await citizen.reply_with("Согласие на обработку"))
    await citizen.click("Отправить", await citizen.reply_with("Проверьте ваше обращение"))
    return await citizen.reply_with("отправлено в")


async def send_request(
    citizen: LocalUser,
    center: str,
    text: str,
    category: str = "Другое",
    contact: str = "Остаться анонимным",
) -> dict[str, Any]:
    await describe_request(citizen, center, text, category)
    return await finish_request(citizen, contact)


async def open_topic(user: LocalUser, command: str, topic: str) -> dict:
    await user.send(command)
    await user.reply()
    await user.click(topic)
    return await user.reply()
