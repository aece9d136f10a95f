"""Help requests end to end: a person asks, staff of the center take, answer, resolve; nothing lost, nobody let in."""

from __future__ import annotations

from bot.localapi.people import LocalUser, inline_buttons, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.e2e.flows import make_staff, send_request


async def ask_for_help(user: LocalUser, center: str, category: str, text: str, contact: str) -> dict:
    """A Russian-speaking newcomer's whole dialog, up to the sent request."""
    await choose_language(user, "ru")
    return await send_request(user, center, text, category, contact)


async def test_full_cycle_with_two_staff(running_bot: BotProcess, person: PersonFactory) -> None:
    aigul = await make_staff(running_bot, person, "astana-zhanuya", "Айгүл")
    dana = await make_staff(running_bot, person, "astana-zhanuya", "Дана")
    citizen = person("ru", first_name="Мария")

    sent = await ask_for_help(
        citizen, "astana-zhanuya", "Психологическая помощь", "<b>Муж</b> & я ругаемся 😢", "Ответьте мне здесь"
    )
    number = message_text(sent).split("обращение ")[1].split(" ")[0]
    assert number.startswith("R-")

    notice = await aigul.reply_with(number)
    text = message_text(notice)
    assert "<b>Муж</b> & я ругаемся 😢" in text  # escaped on the way, intact on arrival
    assert "Психологиялық көмек" in text and "Мария" in text
    assert inline_buttons(notice) == [
        "🙋 Алу",
        "💬 Жауап беру",
        "✅ Шешілді",
        "➡️ Басқаға беру",
        "📝 Жазба",
        "🚫 Спам",
        "⛔ Жіберушіні бұғаттау",
    ]
    dana_notice = await dana.reply_with(number)

    await aigul.click("Алу", notice)
    assert "специалист работает" in message_text(await citizen.reply_with(number))
    edited = await dana.edit()
    assert edited["message_id"] == dana_notice["message_id"] and "Алған: Айгүл" in message_text(edited)
    assert "🙋 Алу" not in inline_buttons(edited)

    await aigul.click("Жауап беру", notice)
    await aigul.reply_with(number)
    await aigul.send("Сәлеметсіз бе! Сізге көмектесеміз.")
    await aigul.reply_with("Жіберілді")
    answer = await citizen.reply_with("Сізге көмектесеміз")
    assert message_text(answer).startswith("Центр поддержки института семьи «Жанұя» · " + number)

    await citizen.click("Ответить", answer)
    await citizen.reply_with("Напишите ответ")
    await citizen.send("Спасибо, когда можно прийти?")
    assert "когда можно прийти" in message_text(await aigul.reply_with(number, "өтініш иесі"))

    await aigul.click("Шешілді", notice)
    rating = await citizen.reply_with("решено")
    await citizen.click("⭐⭐⭐⭐⭐", rating)
    await citizen.reply_with("Спасибо!")
    await citizen.send("Очень помогли")
    await citizen.reply_with("комментарий передан")

    await citizen.send("/my")
    assert number in message_text(await citizen.reply_with("Ваши обращения"))


async def test_anonymous_request_reveals_no_identity(running_bot: BotProcess, person: PersonFactory) -> None:
    staff = await make_staff(running_bot, person, "shymkent-city", "Ерлан")
    citizen = person("ru", first_name="Секрет")
    await ask_for_help(citizen, "shymkent-city", "Юридический вопрос", "Вопрос о разводе", "Остаться анонимным")
    notice = await staff.reply_with("Вопрос о разводе")
    text = message_text(notice)
    assert "жасырын" in text
    assert "Секрет" not in text and str(citizen.id) not in text


async def test_urgent_path_shows_numbers_and_marks_the_request(running_bot: BotProcess, person: PersonFactory) -> None:
    staff = await make_staff(running_bot, person, "karaganda-city", "Салтанат")
    citizen = person("ru")
    await citizen.send("/start c_karaganda-city")
    await citizen.reply()
    await citizen.click("Русский")
    for _ in range(3):
        await citizen.reply()
    await citizen.click("Обратиться в этот центр")
    await citizen.reply()
    await citizen.click("Семейный конфликт")
    await citizen.reply_with("Опишите ситуацию")
    await citizen.send("Муж бьёт меня, когда пьёт")
    warning = await citizen.reply_with("112")
    assert "102" in message_text(warning) and "150" in message_text(warning)
    await citizen.reply_with("Как центру связаться")
    await citizen.click("Остаться анонимным")
    summary = await citizen.reply_with("Отмечено как срочное")
    await citizen.click("Отправить", summary)
    notice = await staff.reply_with("Муж бьёт")
    assert message_text(notice).startswith("🚨 ШҰҒЫЛ")


async def test_staff_of_another_center_is_refused(running_bot: BotProcess, person: PersonFactory) -> None:
    await make_staff(running_bot, person, "pavlodar-city", "Әсел")
    stranger = await make_staff(running_bot, person, "almaty-city", "Бөтен")
    citizen = person("ru")
    sent = await ask_for_help(citizen, "pavlodar-city", "Другое", "Нужна консультация", "Остаться анонимным")
    request_id = int(message_text(sent).split("R-")[1][:6])
    for data in (f"tk:{request_id}", f"rs:{request_id}", f"sr:{request_id}"):
        answer = await stranger.click_data(data, sent)
        assert answer["show_alert"]
        assert "басқа орталыққа тиесілі" in answer["text"]


async def test_flood_limit_on_staff_chat_still_delivers_once(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    staff = await make_staff(running_bot, person, "aktobe-city", "Гүлнар")
    api.fail_next("sendMessage", chat_id=staff.id, retry_after=1)
    citizen = person("ru")
    await ask_for_help(citizen, "aktobe-city", "Другое", "Проверка доставки", "Остаться анонимным")
    await staff.reply_with("Проверка доставки")
    refused = [r for r in api.refusals if r.code == 429]
    assert refused  # the server did refuse once
    api.refusals[:] = [r for r in api.refusals if r.code != 429]
    notices = [m for m in staff.chat.messages.values() if "Проверка доставки" in message_text(m)]
    assert len(notices) == 1


async def test_restart_between_submit_and_delivery_delivers_exactly_once(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    staff = await make_staff(running_bot, person, "atyrau-city", "Жанар")
    api.fail_next("sendMessage", chat_id=staff.id, retry_after=3)
    citizen = person("ru")
    await ask_for_help(citizen, "atyrau-city", "Другое", "Доставка после перезапуска", "Остаться анонимным")
    await running_bot.restart()
    await staff.reply_with("Доставка после перезапуска", timeout=20)
    api.refusals[:] = [r for r in api.refusals if r.code != 429]
    notices = [m for m in staff.chat.messages.values() if "после перезапуска" in message_text(m)]
    assert len(notices) == 1


async def test_photo_and_a_long_text_reach_staff_whole(running_bot: BotProcess, person: PersonFactory) -> None:
    staff = await make_staff(running_bot, person, "kostanay-city", "Айнұр")
    citizen = person("ru")
    await citizen.send("/start c_kostanay-city")
    await citizen.reply()
    await citizen.click("Русский")
    for _ in range(3):
        await citizen.reply()
    await citizen.click("Обратиться в этот центр")
    await citizen.reply()
    await citizen.click("Социальная поддержка")
    await citizen.reply_with("Опишите ситуацию")
    photo = await citizen.send_photo()
    await citizen.reply_with("Файл приложен")
    long_text = "Начало. " + "Очень длинная история о жилье. " * 130 + "Конец."
    assert len(long_text) > 4000
    await citizen.send(long_text)
    await citizen.reply_with("Как центру связаться")
    await citizen.click("Остаться анонимным")
    await citizen.click("Отправить", await citizen.reply_with("Проверьте"))
    number = message_text(await citizen.reply_with("отправлено в")).split("обращение ")[1].split(" ")[0]

    notice = await staff.reply_with(number, "Начало.")
    assert "(толық мәтін төменде)" in message_text(notice)
    parts = [message_text(await staff.reply()), message_text(await staff.reply())]
    assert "".join(parts) == long_text
    sent_photo = await staff.reply()
    assert sent_photo["photo"][0]["file_id"] == photo["photo"][0]["file_id"] and sent_photo["caption"] == number
