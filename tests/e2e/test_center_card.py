"""A staff member keeps their center's card current, end to end: the hours changed with buttons and confirmed in
the real process, and a citizen's card shows them at once. Every other path (holidays, the notice, phones, address,
services, refusals, bad input, a stale confirm, a crowd) is checked in-process in tests/handlers/test_center_card.py."""

from __future__ import annotations

import sqlite3

from bot.localapi.people import message_text
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.e2e.flows import make_staff

CENTER = "karaganda-city"


async def test_staff_set_saturday_hours_with_buttons_and_citizens_see_them(
    running_bot: BotProcess, person: PersonFactory
) -> None:
    staff = await make_staff(running_bot, person, CENTER, "Дина")
    await staff.send("/menu")
    await staff.reply()
    assert "🏢 Менің орталығым" in staff.keyboard_texts()
    await staff.press("🏢 Менің орталығым")
    card = await staff.reply_with("Орталығыңыздың карточкасы", "Бұқар жырау")
    await staff.click("🕘 Жұмыс уақыты", card)
    screen = await staff.edit(card)
    assert "Сб: демалыс" in message_text(screen)
    for label, expected in (
        ("Сб", "Қашан ашылады?"),
        ("10:00", "Қашан жабылады?"),
        ("14:00", "Үзіліс бар ма?"),
        ("Үзіліссіз", "✅ Сенбі: 10:00–14:00"),
        ("Тексеріп", "Кейін:"),
    ):
        await staff.click(label, screen)
        screen = await staff.edit(card)
        assert expected in message_text(screen), label
    await staff.click("✅ Растау", screen)
    saved = message_text(await staff.edit(card))
    assert "✅ Сақталды" in saved and "Дс–Жм 09:00–18:00, түскі үзіліс 13:00–14:00; Сб 10:00–14:00" in saved

    citizen = person("ru")
    await choose_language(citizen, "ru")
    await citizen.send(f"/start c_{CENTER}")
    shown = message_text(await citizen.reply_with("Услуги"))
    assert "Пн–Пт 09:00–18:00, обед 13:00–14:00; Сб 10:00–14:00" in shown
    with sqlite3.connect(running_bot.database) as db:
        row = db.execute("SELECT schedule FROM centers WHERE slug = ?", (CENTER,)).fetchone()
        audit = db.execute("SELECT actor_id, detail FROM audit_log WHERE action = 'center hours'").fetchall()
    assert row[0] == "mon-fri 09:00-18:00 break 13:00-14:00; sat 10:00-14:00"
    assert audit == [(staff.id, CENTER)]
