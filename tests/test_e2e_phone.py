"""The phone of a help request: a shared contact is taken at once only when it is the person's own; someone else's
contact (or a card linked to no Telegram account) is asked about first."""

from __future__ import annotations

from bot.localapi.people import LocalUser, inline_buttons, message_text
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.flows import describe_request

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


async def test_someone_elses_contact_then_no_then_own_number(running_bot: BotProcess, person: PersonFactory) -> None:
    citizen = person("ru")
    await up_to_the_phone(citizen, "Хочу поговорить с психологом")
    await citizen.share_contact("+77052223344", user_id=citizen.id + 500_000, first_name="Сестра")
    question = await citizen.reply_with("контакт другого человека")
    assert "+7 705 222 33 44" in message_text(question)
    assert inline_buttons(question)[:2] == ["✅ Да, звоните на этот номер", "✏️ Нет, я напишу свой номер"]

    await citizen.click("Нет, я напишу свой номер", question)
    await citizen.reply_with("Напишите свой номер")
    assert "📱 Отправить мой номер" in citizen.keyboard_texts()
    await citizen.send("8 747 555 66 77")
    summary = await summary_after_safe_contact(citizen)
    assert "+7 747 555 66 77" in summary and "+7 705 222 33 44" not in summary


async def test_someone_elses_contact_then_yes(running_bot: BotProcess, person: PersonFactory) -> None:
    citizen = person("ru")
    await up_to_the_phone(citizen, "Вопрос о пособии на ребёнка")
    await citizen.share_contact("+7 777 333 44 55", user_id=citizen.id + 500_000, first_name="Муж")
    question = await citizen.reply_with("контакт другого человека")
    await citizen.click("Да, звоните на этот номер", question)
    assert "позвонить мне по номеру +7 777 333 44 55" in await summary_after_safe_contact(citizen)


async def test_a_card_without_telegram_account_is_asked_about_in_kazakh(
    running_bot: BotProcess, person: PersonFactory
) -> None:
    citizen = person("kk")
    await choose_language(citizen, "kk")
    await citizen.send(f"/start c_{CENTER}")
    await citizen.click("Осы орталықтан көмек сұрау", await citizen.reply_with("Қызметтер"))
    await citizen.click("Басқа мәселе", await citizen.reply_with("Өтінішіңіз не туралы"))
    await citizen.reply()
    await citizen.send("Заңгердің кеңесі керек")
    await citizen.click("Маған қоңырау шалыңыз", await citizen.reply_with("Орталық сізбен қалай байланыссын"))
    await citizen.reply_with("Нөміріңізді")
    await citizen.share_contact("87014445566", first_name="Әпкем")  # a phone-book card: no user_id
    question = await citizen.reply_with("басқа адамның контактісі")
    assert "+7 701 444 55 66" in message_text(question)
    await citizen.click("Иә, осы нөмірге қоңырау шалсын", question)
    await citizen.reply_with("қауіпсіз")
