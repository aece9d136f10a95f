"""handlers/centers.py through the dispatcher: finding a center by name, region, location and deep link."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, SendVenue

from handlers.centers import CenterSearch
from tests.handlers.conftest import Person, World, buttons, keyboard, only, texts

ASTANA = {"latitude": 51.16, "longitude": 71.47}
MOSCOW = {"latitude": 55.75, "longitude": 37.62}
KK_SEARCH_KEYBOARD = ["📍 Орналасқан жерімді жіберу", "🗺 Облысты таңдау", "🆘 Шұғыл көмек нөмірлері", "🏠 Басты мәзір"]
RU_SEARCH_KEYBOARD = ["📍 Отправить мою геопозицию", "🗺 Выбрать область", "🆘 Экстренные номера", "🏠 Главное меню"]


async def ready(world: World, user_id: int, language: str) -> Person:
    person = world.person(user_id, language)
    await person.send("/start")
    await person.tap("Қазақша" if language == "kk" else "Русский")
    return person


async def dialog_state(world: World, user_id: int) -> str | None:
    return await world.dispatcher.fsm.get_context(world.bot, chat_id=user_id, user_id=user_id).get_state()


async def test_a_typed_city_lists_its_centers_and_a_card_opens(world: World) -> None:
    person = world.person(5001, "ru")
    await person.send("/start")
    await person.tap("Русский")
    answer = texts(await person.send("Алматы"))
    assert "Алматы" in answer
    card = texts(await person.tap("Алматы"))
    assert "Услуги" in card


async def test_the_search_prompt_and_its_keyboard(world: World) -> None:
    person = await ready(world, 5002, "kk")
    calls = await person.send("/centers")
    assert "Орталықты қалай іздейміз?" in texts(calls) and keyboard(calls) == KK_SEARCH_KEYBOARD
    markup = only(calls, SendMessage).reply_markup
    assert markup.keyboard[0][0].request_location  # the first button shares the location
    assert await dialog_state(world, 5002) == CenterSearch.waiting_place.state
    russian = await ready(world, 5003, "ru")
    assert keyboard(await russian.send("📍 Найти центр")) == RU_SEARCH_KEYBOARD


async def test_location_near_astana_gives_an_astana_center_first_and_its_card(world: World) -> None:
    person = await ready(world, 5004, "ru")
    await person.send("/centers")
    found = only(await person.share(location=ASTANA), SendMessage)
    lines = found.text.splitlines()
    assert lines[0] == "3 ближайших центра:"
    assert "Жанұя" in lines[2] and "км" in lines[2] and lines[2].startswith("1. ")
    assert "ул. Бейбитшилик, 11, Астана" in lines[3]
    assert "Нажмите на центр, чтобы открыть его карточку." in found.text
    assert buttons([found])[0] == "Центр поддержки института семьи «Жанұя»" and len(buttons([found])) == 3
    assert "Все области" not in " ".join(buttons([found]))  # no way back to regions from a location

    calls = await person.tap("Жанұя")
    assert only(calls, AnswerCallbackQuery).text is None
    venue = only(calls, SendVenue)
    assert (venue.latitude, venue.longitude) == (51.1694, 71.4491)
    assert venue.title == "Центр поддержки института семьи «Жанұя»" and venue.address == "ул. Бейбитшилик, 11, Астана"
    card = only(calls, SendMessage).text
    assert card.startswith("<b>Центр поддержки института семьи «Жанұя»</b>")
    services = "<b>Услуги:</b> психологическая консультация, юридическая консультация"
    for fragment in ("ул. Бейбитшилик, 11", "Пн–Пт 09:00–18:00", "+7 (7172) 00-00-01", "Пример данных", services,
                     "звоните 112"):  # fmt: skip
        assert fragment in card, fragment
    assert "Сейчас открыто" in card or "Сейчас закрыто" in card
    assert buttons(calls) == [
        "✍️ Обратиться в этот центр",
        "👨\u200d👩\u200d👧 Академия родителей",
        "💍 Добрачный курс",
        "🔎 Другие центры рядом",
        "🆘 Экстренные номера",
    ]


async def test_location_works_without_opening_the_search_and_in_kazakh(world: World) -> None:
    person = await ready(world, 5005, "kk")
    found = only(await person.share(location={"latitude": 43.24, "longitude": 76.89}), SendMessage)
    assert found.text.startswith("Ең жақын 3 орталық:")
    assert buttons([found])[0] == "Алматы қаласының отбасын қолдау орталығы"


async def test_a_location_outside_kazakhstan_says_so(world: World) -> None:
    person = await ready(world, 5006, "ru")
    found = only(await person.share(location=MOSCOW), SendMessage)
    assert found.text.startswith("Эта точка за пределами Казахстана. Ближайшие к ней центры:")
    assert len(buttons([found])) == 3
    kazakh = await ready(world, 5007, "kk")
    assert texts(await kazakh.share(location=MOSCOW)).startswith("Бұл жер Қазақстаннан тыс.")


async def test_region_browsing_in_kazakh(world: World) -> None:
    person = await ready(world, 5008, "kk")
    await person.send("/centers")
    regions = await person.send("🗺 Облысты таңдау")
    assert "Облысыңызды немесе қалаңызды таңдаңыз:" in texts(regions)
    assert buttons(regions)[:3] == ["Астана қаласы", "Алматы қаласы", "Шымкент қаласы"]
    assert buttons(regions)[3:5] == ["Абай облысы", "Алматы облысы"]  # then the regions, in Kazakh order
    assert len(buttons(regions)) == 20

    districts = await person.tap("Алматы облысы")
    edit = only(districts, EditMessageText)
    assert edit.text == "Алматы облысы: қаланы немесе ауданды таңдаңыз:"
    assert "Талғар (Талғар ауданы)" in buttons(districts) and buttons(districts)[-1] == "⬅️ Барлық облыстар"
    assert len(buttons(districts)) == 8  # seven localities and the way back

    card = await person.tap("Талғар (Талғар ауданы)")  # one center there: its card at once
    assert only(card, SendVenue).title == "Талғар ауданының отбасын қолдау орталығы"
    assert "Қонаев көшесі, 2, Талғар" in only(card, SendMessage).text

    back = await person.tap("⬅️ Барлық облыстар")
    assert len(buttons(back)) == 20 and only(back, EditMessageText).text == "Облысыңызды немесе қалаңызды таңдаңыз:"
    listing = await person.tap("Астана қаласы")  # one locality with two centers: the list, not a choice of one
    assert only(listing, EditMessageText).text.startswith("Астана маңындағы 2 орталық:")
    assert buttons(listing)[-1] == "⬅️ Барлық облыстар" and len(buttons(listing)) == 3
    card = await person.tap("Есіл")
    assert only(card, SendVenue).title == "Есіл ауданының отбасын қолдау орталығы"


async def test_region_with_one_center_opens_its_card(world: World) -> None:
    person = await ready(world, 5009, "ru")
    await person.send("🗺 Выбрать область")  # works outside the search too
    calls = await person.tap("Павлодарская область")
    assert only(calls, SendVenue).title == "Центр поддержки семьи Павлодарской области"
    assert "здание суперЦОН, 2-й этаж" in only(calls, SendMessage).text


async def test_a_region_with_no_centers_says_so(world: World) -> None:
    await world.db.execute("UPDATE localities SET region = 'karaganda' WHERE region = 'ulytau'")
    await world.db.execute("UPDATE centers SET region = 'karaganda' WHERE region = 'ulytau'")
    person = await ready(world, 5010, "ru")
    answer = only(await person.press("rg:ulytau"), AnswerCallbackQuery)
    assert answer.show_alert and answer.text == "В справочнике пока нет центров. За консультацией звоните 111."
    assert "В справочнике пока нет центров" in texts(await person.send("Ұлытау облысы"))


async def test_typed_place_names_in_three_spellings_and_with_typos(world: World) -> None:
    person = await ready(world, 5011, "ru")
    await person.send("/centers")
    for spelling in ("Шымкент", "Shymkent", "шымкнт", "Chimkent", "г. Шымкент"):
        found = await person.send(spelling)
        assert buttons(found)[0] == "Центр поддержки семьи города Шымкент", spelling
        assert only(found, SendMessage).text.startswith("3 центра рядом: Шымкент"), spelling
    found = await person.send("Усть-Каменогорск")
    assert "Усть-Каменогорск" in texts(found)
    assert buttons(found)[0] == "Центр поддержки семьи Восточно-Казахстанской области"
    assert buttons(await person.send("Өскемен"))[0] == "Центр поддержки семьи Восточно-Казахстанской области"
    region = await person.send("Карагандинская область")
    assert only(region, SendMessage).text.startswith("Карагандинская область: 1 центр")
    assert await dialog_state(world, 5011) == CenterSearch.waiting_place.state  # one may keep typing


async def test_typed_names_in_kazakh(world: World) -> None:
    person = await ready(world, 5012, "kk")
    await person.send("/centers")
    found = await person.send("Қарағанды облысы")
    assert only(found, SendMessage).text.startswith("Қарағанды облысы: 1 орталық")
    found = await person.send("Талгар")
    assert buttons(found)[0] == "Талғар ауданының отбасын қолдау орталығы"
    assert only(found, SendMessage).text.startswith("Талғар маңындағы 3 орталық:")


async def test_typed_place_outside_the_dialog_and_a_miss_inside_it(world: World) -> None:
    person = await ready(world, 5013, "kk")
    found = await person.send("Oral")  # no dialog: the catch-all still finds the place
    assert buttons(found)[0] == "Батыс Қазақстан облысының отбасын қолдау орталығы"
    await person.send("/centers")
    miss = only(await person.send("<b>Ххххх</b> & co"), SendMessage)
    assert miss.text.startswith("«&lt;b&gt;Ххххх&lt;/b&gt; &amp; co» деген жерді таба алмадым")  # escaped
    assert keyboard([miss]) == KK_SEARCH_KEYBOARD
    russian = await ready(world, 5014, "ru")
    await russian.send("/centers")
    assert "Не нашёл место «Ыыыыыы»" in texts(await russian.send("Ыыыыыы"))


async def test_something_else_than_text_inside_the_search_repeats_the_prompt(world: World) -> None:
    person = await ready(world, 5015, "ru")
    await person.send("/centers")
    photo = [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]
    calls = await person.share(photo=photo)
    assert "Как будем искать центр?" in texts(calls) and keyboard(calls) == RU_SEARCH_KEYBOARD
    assert await dialog_state(world, 5015) == CenterSearch.waiting_place.state


async def test_deep_link_opens_the_center_card_after_the_language(world: World) -> None:
    newcomer = world.person(5016, "ru")
    question = await newcomer.send("/start c_pavlodar-city")
    assert buttons(question) == ["✅ Русский", "Қазақша"]  # the language comes first, the link is remembered
    calls = await newcomer.tap("Русский")
    sent = [call for call in calls if isinstance(call, SendMessage | SendVenue)]
    assert "Добро пожаловать" in sent[0].text
    assert isinstance(sent[1], SendVenue) and sent[1].title == "Центр поддержки семьи Павлодарской области"
    assert "здание суперЦОН, 2-й этаж" in sent[2].text and "Академия родителей" in " ".join(buttons(calls))

    gone = await newcomer.send("/start c_no-such-center")
    assert texts(gone) == "Этого центра больше нет в справочнике. Попробуйте поискать снова."
    assert keyboard(gone)[0] == "📍 Найти центр"


async def test_deep_link_for_someone_who_chose_kazakh_before(world: World) -> None:
    person = await ready(world, 5017, "kk")
    calls = await person.send("/start c_almreg-talgar")
    assert "Қош келдіңіз" in texts(calls)
    assert only(calls, SendVenue).title == "Талғар ауданының отбасын қолдау орталығы"
    assert buttons(calls) == [
        "✍️ Осы орталықтан көмек сұрау",
        "👨\u200d👩\u200d👧 Ата-аналар академиясы",
        "🔎 Жақын маңдағы басқа орталықтар",
        "🆘 Шұғыл көмек нөмірлері",
    ]
    assert "<b>Қызметтер:</b> психологиялық кеңес, заң кеңесі, әлеуметтік қолдау, Ата-аналар академиясы" in texts(calls)


async def test_card_buttons_nearby_and_sos(world: World) -> None:
    person = await ready(world, 5018, "ru")
    await person.send("/start c_almreg-talgar")
    assert buttons(person.new_calls()) == []
    nearby = await person.tap("Другие центры рядом")
    listing = only(nearby, SendMessage)
    assert listing.text.startswith("3 центра рядом: Центр поддержки семьи Талгарского района")
    assert "Центр поддержки семьи Талгарского района" not in buttons(nearby) and len(buttons(nearby)) == 3
    assert all("км" in line for line in listing.text.splitlines()[2:7:2])
    numbers = await person.tap("Экстренные номера")
    assert "<b>112</b>" in texts(numbers) and "<b>150</b>" in texts(numbers)


async def test_buttons_naming_what_is_not_there(world: World) -> None:
    person = await ready(world, 5019, "ru")
    for data in ("c:999999", "nb:999999", "lc:999999", "rg:atlantis"):
        calls = await person.press(data)
        answer = only(calls, AnswerCallbackQuery)
        assert answer.show_alert and answer.text == "Этого центра больше нет в справочнике. Попробуйте поискать снова."
        assert len(calls) == 1, data


async def test_a_region_button_on_a_message_without_text_sends_a_fresh_list(world: World) -> None:
    person = await ready(world, 5020, "ru")
    calls = await person.send("/start c_pavlodar-city")
    venue = world.session.sent[id(only(calls, SendVenue))]  # a venue has no text: it cannot be edited into a list
    fresh = await person.press("rgs", on=venue)
    assert not any(isinstance(call, EditMessageText) for call in fresh)
    assert only(fresh, SendMessage).text == "Выберите область или город:" and len(buttons(fresh)) == 20


async def test_the_card_buttons_lead_to_the_courses_of_that_center(world: World) -> None:
    person = await ready(world, 5021, "ru")
    await person.send("/start c_pavlodar-city")
    topics = await person.tap("Академия родителей")
    assert "<b>Академия родителей</b>" in texts(topics) and "Общение с подростками" in buttons(topics)
    premarital = await person.tap("Добрачный курс")
    assert "<b>Добрачный курс</b>" in texts(premarital) and buttons(premarital) == ["Добрачный курс"]
