"""Find my center end to end: location, regions, typed names, deep links, emergency numbers, restarts."""

from __future__ import annotations

from bot.localapi.people import inline_buttons, message_text
from bot.localapi.server import LocalBotApi
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


async def test_region_browsing(running_bot, person: PersonFactory) -> None:
    user = person("kk")
    await choose_language(user, "kk")
    await user.send("/centers")
    await user.reply()
    await user.press("🗺 Облысты таңдау")
    regions = await user.reply()
    assert inline_buttons(regions)[:3] == ["Астана қаласы", "Алматы қаласы", "Шымкент қаласы"]
    assert len(inline_buttons(regions)) == 20
    await user.click("Алматы облысы", regions)
    districts = await user.edit()
    assert "Талғар (Талғар ауданы)" in inline_buttons(districts)
    await user.click("Талғар (Талғар ауданы)", districts)
    venue = await user.reply()
    assert venue["venue"]["title"] == "Талғар ауданының отбасын қолдау орталығы"
    card = await user.reply()
    assert "Қонаев көшесі, 2, Талғар" in message_text(card)

    # Back to the regions, then a city with two centers, and back again.
    await user.click("⬅️ Барлық облыстар", districts)
    assert len(inline_buttons(await user.edit())) == 20
    await user.click("Астана қаласы", regions)
    listing = await user.edit()
    assert "Астана маңындағы 2 орталық" in message_text(listing)
    await user.click("⬅️ Барлық облыстар", listing)
    assert len(inline_buttons(await user.edit())) == 20


async def test_typed_place_names_in_three_spellings(running_bot, person: PersonFactory) -> None:
    user = person("ru")
    await choose_language(user, "ru")
    await user.send("/centers")
    await user.reply()
    for spelling in ("Шымкент", "Shymkent", "шымкнт"):
        await user.send(spelling)
        found = await user.reply()
        assert inline_buttons(found)[0] == "Центр поддержки семьи города Шымкент", spelling
    await user.send("Усть-Каменогорск")
    found = await user.reply()
    assert "Усть-Каменогорск" in message_text(found)
    assert inline_buttons(found)[0] == "Центр поддержки семьи Восточно-Казахстанской области"
    await user.send("Карагандинская область")
    assert "Карагандинская область: 1 центр" in message_text(await user.reply())


async def test_typed_place_outside_the_dialog_and_a_miss_inside_it(running_bot, person: PersonFactory) -> None:
    user = person("kk")
    await choose_language(user, "kk")
    await user.send("Oral")  # no dialog: the catch-all still finds the place
    assert inline_buttons(await user.reply())[0] == "Батыс Қазақстан облысының отбасын қолдау орталығы"
    await user.send("/centers")
    await user.reply()
    await user.send("<b>Ххххх</b> & co")
    miss = await user.reply()
    assert "«<b>Ххххх</b> & co» деген жерді таба алмадым" in message_text(miss)


async def test_deep_link_opens_the_center_card(running_bot, person: PersonFactory) -> None:
    newcomer = person("ru")
    await newcomer.send("/start c_pavlodar-city")
    await newcomer.reply()  # the language comes first, the link is remembered
    await newcomer.click("Русский")
    assert "Добро пожаловать" in message_text(await newcomer.reply())
    assert (await newcomer.reply())["venue"]["title"] == "Центр поддержки семьи Павлодарской области"
    assert "суперЦОН, 2-й этаж" in message_text(await newcomer.reply())

    await newcomer.send("/start c_no-such-center")
    assert "нет в справочнике" in message_text(await newcomer.reply())


async def test_sos_from_inside_a_dialog_keeps_the_dialog(running_bot, person: PersonFactory) -> None:
    user = person("kk")
    await choose_language(user, "kk")
    await user.send("/centers")
    await user.reply()
    await user.send("/sos")
    numbers = message_text(await user.reply())
    for number in ("112", "102", "111", "150"):
        assert number in numbers
    await user.press("🆘 Шұғыл көмек нөмірлері")  # the dialog's keyboard has it too
    assert "112" in message_text(await user.reply())
    await user.send("Жжжжжж")  # still in the dialog: the search answers, not the catch-all
    assert "таба алмадым" in message_text(await user.reply())


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


async def test_card_buttons_nearby_and_sos(running_bot, person: PersonFactory, api: LocalBotApi) -> None:
    user = person("ru")
    await choose_language(user, "ru")
    await user.send("/start c_almreg-talgar")
    await user.reply()
    await user.reply()
    card = await user.reply()
    assert inline_buttons(card) == [
        "✍️ Обратиться в этот центр",
        "👨\u200d👩\u200d👧 Академия родителей",
        "🔎 Другие центры рядом",
        "🆘 Экстренные номера",
    ]
    await user.click("Другие центры рядом", card)
    nearby = await user.reply()
    assert "Центр поддержки семьи Талгарского района" not in inline_buttons(nearby)
    assert len(inline_buttons(nearby)) == 3
    await user.click("Экстренные номера", card)
    assert "112" in message_text(await user.reply())
