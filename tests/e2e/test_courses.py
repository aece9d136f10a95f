"""Parents Academy and pre-marital courses end to end: sign-up, waiting list and promotion, a couple with the
partner's link, reminders with a moved clock across a restart, and the staff's roster."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.timezone import load_zone
from bot.localapi.people import LocalUser, inline_buttons, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.e2e.flows import open_topic

ADMIN_ID = 900002
BOT_ENV = {"ADMIN_IDS": str(ADMIN_ID), "JOBS_INTERVAL_SECONDS": "0.5"}


ZONE = load_zone("Asia/Almaty")


def in_days(days: int, hour: int = 11) -> str:
    moment = datetime.now(ZONE) + timedelta(days=days)
    return f"{moment:%Y-%m-%d} {hour:02d}:00"


def session_after(delay: timedelta) -> tuple[str, datetime]:
    """A session start `delay` from now, on a whole minute, as typed for the CLI and as a moment."""
    start = (datetime.now(ZONE) + delay).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{start:%Y-%m-%d %H:%M}", start


def move_clock(database: Path, forward: timedelta) -> None:
    """Time passes for the courses: every session and reminder comes `forward` closer."""
    with sqlite3.connect(database) as db:
        for table, column in (("group_sessions", "starts_at"), ("reminders", "due_at")):
            rows = db.execute(f"SELECT id, {column} FROM {table}").fetchall()
            for row_id, value in rows:
                moved = datetime.fromisoformat(value) - forward
                db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE id = ?", (moved.isoformat(timespec="seconds"), row_id)
                )


async def sign_up(
    user: LocalUser,
    group_label: str,
    name: str,
    phone: str = "87011234567",
    button: str = "Записаться",
    consent: str = "напоминайте",
) -> dict:
    """From the group's button in the list shown last, through name, phone and consent, to the answer."""
    await user.click(group_label)
    card = await user.reply_with("Занятия")
    await user.click(button, card)
    await user.reply_with("имя и фамилия")
    await user.send(name)
    await user.reply_with("номер телефона")
    await user.send(phone)
    await user.click(consent, await user.reply_with("Согласие на обработку"))
    return await user.reply()


async def test_parent_signs_up_and_the_center_knows(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    admin = LocalUser(api, ADMIN_ID, language_code="kk")
    await choose_language(admin, "kk")
    parent = person("ru")
    await choose_language(parent, "ru")
    listing = await open_topic(parent, "/academy", "Общение с подростками")
    assert "Ближайшие группы" in message_text(listing)
    first_group = inline_buttons(listing)[0]
    answer = await sign_up(parent, first_group, "Айгерим Сапарова")
    assert "Вы записаны!" in message_text(answer) and "Телефон центра" in message_text(answer)
    notice = await admin.reply_with("Жаңа жазылу")  # no staff at the sample center: the admins are told
    assert "Айгерим Сапарова, +7 701 123 45 67" in message_text(notice)

    await parent.send("/academy")
    await parent.reply()
    await parent.click("Общение с подростками")
    await parent.reply()
    await parent.click(first_group)
    assert "Вы записаны в эту группу" in message_text(await parent.reply_with("Занятия"))

    await admin.send("/roster")
    rosters = await admin.reply_with("тізімін")
    label = next(label for label in inline_buttons(rosters) if "1/12" in label)
    await admin.click(label, rosters)
    assert "Айгерим Сапарова, +7 701 123 45 67" in message_text(await admin.reply_with("Айгерим"))


async def test_full_group_waiting_list_and_promotion(running_bot: BotProcess, person: PersonFactory) -> None:
    await running_bot.cli(
        "groups", "add", "--id", "tiny-teens", "--topic", "inclusive", "--center", "pavlodar-city",
        "--language", "ru", "--seats", "1", "--session", in_days(10, 15), "--session", in_days(17, 15),
    )  # fmt: skip
    first, second = person("ru"), person("kk")
    await choose_language(first, "ru")
    await choose_language(second, "ru")
    for user, seats, button in ((first, "свободно 1 место", "Записаться"), (second, "мест нет", "лист ожидания")):
        listing = await open_topic(user, "/academy", "особыми образовательными")
        label = next(label for label in inline_buttons(listing) if "Павлодар" in label and seats in label)
        answer = await sign_up(user, label, "Ана Бала", button=button)
    assert "1-й в листе ожидания" in message_text(answer)

    await first.send("/my")
    mine = await first.reply_with("Ваши записи на курсы")
    await first.click("Отменить", mine)
    await first.click("Да, отменить", await first.reply_with("Отменить вашу запись"))
    assert "отменена" in message_text(await first.edit())
    assert "Освободилось место" in message_text(await second.reply_with("Освободилось место"))


async def test_a_couple_books_and_the_partner_joins(running_bot: BotProcess, person: PersonFactory) -> None:
    groom, bride = person("ru"), person("kk")
    await choose_language(groom, "ru")
    listing = await open_topic(groom, "/premarital", "Добрачный курс")
    await groom.click(inline_buttons(listing)[0])
    await groom.click("Записать нас двоих", await groom.reply_with("Занятия"))
    await groom.reply_with("имя и фамилия")
    await groom.send("Арман Серікұлы")
    await groom.reply_with("Имя и фамилия партнёра")
    await groom.send("Дана Әлиқызы")
    await groom.reply_with("номер телефона")
    await groom.send("+7 (777) 123-45-67")
    await groom.reply_with("регистрации брака")
    await groom.send("31.02.2027")
    await groom.reply_with("ДД.ММ.ГГГГ")
    await groom.click("Пропустить")
    await groom.click("напоминайте", await groom.reply_with("Согласие на обработку"))
    assert "Вы записаны!" in message_text(await groom.reply_with("Вы записаны"))
    invite = message_text(await groom.reply_with("Отправьте эту ссылку"))
    token = invite.split("start=p_")[1].split()[0]

    await bride.send(f"/start p_{token}")
    await bride.reply()
    await bride.click("Қазақша")
    await bride.reply_with("Қош келдіңіз")
    offer = await bride.reply_with("Арман Серікұлы")
    await bride.click("Жазылуға қосылу", offer)
    assert "Сіз жазылдыңыз" in message_text(await bride.reply_with("жазылдыңыз"))
    assert "Дана Әлиқызы" in message_text(await groom.reply_with("присоединился"))

    stranger = person("ru")
    await choose_language(stranger, "ru")
    await stranger.send(f"/start p_{token}")
    assert "уже использована" in message_text(await stranger.reply_with("использована"))


async def test_reminders_fire_with_a_moved_clock_across_a_restart(
    running_bot: BotProcess, person: PersonFactory
) -> None:
    first_session, start = session_after(timedelta(days=5))
    second_session, _ = session_after(timedelta(days=12))
    await running_bot.cli(
        "groups", "add", "--id", "reminded", "--topic", "digital-safety", "--center", "kostanay-city",
        "--language", "kk", "--seats", "5", "--session", first_session, "--session", second_session,
    )  # fmt: skip
    parent = person("kk")
    await choose_language(parent, "kk")
    await parent.send("/academy")
    await parent.reply()
    await parent.click("Балалардың цифрлық қауіпсіздігі")
    listing = await parent.reply()
    label = next(label for label in inline_buttons(listing) if "Қостанай" in label and "5 бос" in label)
    await parent.click(label)
    await parent.click("Жазылу", await parent.reply_with("Сабақтар"))
    await parent.reply()
    await parent.send("Әсел Нұрланова")
    await parent.reply()
    await parent.send("+77011112233")
    await parent.click("еске салыңыз", await parent.reply_with("келісім"))
    assert "Сіз жазылдыңыз" in message_text(await parent.reply_with("жазылдыңыз"))

    await running_bot.stop()
    # While the bot is down, time passes until 23 hours before the session: the day-before reminder is due.
    move_clock(running_bot.database, start - datetime.now(UTC) - timedelta(hours=23))
    await running_bot.start()
    day_before = await parent.reply_with("Еске салу")
    assert "ертең" in message_text(day_before) and "Қостанай" in message_text(day_before)
    move_clock(running_bot.database, timedelta(hours=22, minutes=30))  # now an hour and a half before
    assert "екі сағаттан кейін" in message_text(await parent.reply_with("екі сағаттан кейін"))
    reminders = [m for m in parent.chat.messages.values() if "Еске салу" in message_text(m)]
    assert len(reminders) == 2  # each once, none for the week after yet
