"""Find my center end to end: the nearest center from a shared location, and a search that survives a restart.

Regions, typed names, deep links, the card's buttons and refusals: tests/handlers/test_centers.py."""

from __future__ import annotations

from bot.localapi.people import inline_buttons, message_text
from tests.conftest import PersonFactory, choose_language

ASTANA = (51.16, 71.47)


async def test_location_near_astana_gives_an_astana_center_first(running_bot, person: PersonFactory) -> None:
    user = person("ru")
    await choose_language(user, "ru")
    await user.press("📍 Найти центр")
    await user.reply()
    await user.tap_location("📍 Отправить мою геопозицию", *ASTANA)
    found = await user.reply()
    text = message_text(found)
    assert text.startswith("3 ближайших центра:")
    first_line = text.splitlines()[2]
    assert "Жанұя" in first_line and "км" in first_line
    assert inline_buttons(found)[0] == "Центр поддержки института семьи «Жанұя»"

    await user.click("Жанұя")
    venue = await user.reply()
    assert venue["venue"]["location"]["latitude"] == 51.1694
    card = message_text(await user.reply())
    assert "ул. Бейбитшилик, 11" in card and "Пн–Пт 09:00–18:00" in card and "+7 (7172) 00-00-01" in card
    assert "Пример данных" in card


async def test_restart_in_the_middle_of_a_dialog_resumes_it(running_bot, person: PersonFactory) -> None:
    user = person("ru")
    await choose_language(user, "ru")
    await user.send("/centers")
    await user.reply()
    await running_bot.restart()
    await user.send("Ыыыыыы")
    assert "Не нашёл место" in message_text(await user.reply())  # the dialog survived, and the language
    await user.send("Актобе")
    assert inline_buttons(await user.reply())[0] == "Центр поддержки семьи Актюбинской области"
