"""First contact, language choice and switching, through the real bot process and the local Bot API server."""

from __future__ import annotations

from bot.localapi.people import inline_buttons, message_text
from tests.conftest import PersonFactory


async def test_first_contact_in_kazakh(running_bot, person: PersonFactory) -> None:
    user = person("kk")
    await user.send("/start")
    question = await user.reply()
    assert "Тілді таңдаңыз" in message_text(question) and "Выберите язык" in message_text(question)
    assert inline_buttons(question) == ["✅ Қазақша", "Русский"]

    answer = await user.click("Қазақша")
    assert answer["text"] == "Тіл: Қазақша"
    assert message_text(await user.edit()) == "✅ Тіл: Қазақша"
    welcome = await user.reply()
    assert "Қош келдіңіз" in message_text(welcome)
    assert user.keyboard_texts() == ["📍 Орталықты табу", "🆘 Шұғыл көмек нөмірлері", "🌐 Тіл / Язык", "ℹ️ Анықтама"]
