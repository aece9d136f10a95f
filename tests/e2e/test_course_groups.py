"""A course group run from Telegram, end to end in the real process: a staff member creates a group with buttons,
a parent signs up for it in /academy, the staff member moves its first session, and the parent is told while their
reminders move with the session."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from babel.dates import format_date

from bot.core.timezone import load_zone
from bot.courses.views import session_time
from bot.localapi.people import inline_buttons, message_text
from tests.conftest import BotProcess, PersonFactory, choose_language
from tests.e2e.flows import make_staff, open_topic
from tests.e2e.test_courses import sign_up

ZONE = load_zone("Asia/Almaty")


def reminder_rows(bot: BotProcess, slug: str) -> list[tuple[str, str, str]]:
    with sqlite3.connect(bot.database) as db:
        rows = db.execute(
            "SELECT r.kind, r.due_at, r.status FROM reminders r JOIN group_sessions gs ON gs.id = r.session_id "
            "JOIN course_groups g ON g.id = gs.group_id WHERE g.slug = ? ORDER BY gs.starts_at, r.kind",
            (slug,),
        ).fetchall()
    return [tuple(row) for row in rows]


async def test_staff_create_a_group_a_parent_signs_up_and_the_session_moves(
    running_bot: BotProcess, person: PersonFactory
) -> None:
    staff = await make_staff(running_bot, person, "kostanay-city", "Гүлмира")
    await staff.send("/groups")
    await staff.click("➕ Жаңа топ", await staff.reply_with("курс топтары"))
    await staff.click("Жасөспірімдермен қарым-қатынас", await staff.reply_with("Тақырыпты таңдаңыз"))
    await staff.click("Русский", await staff.edit())
    await staff.click("🏢 Орталықта", await staff.edit())
    await staff.click("12", await staff.edit())
    day = (datetime.now(ZONE) + timedelta(days=3)).date()
    await staff.click(format_date(day, format="EEE d MMM", locale="kk"), await staff.reply_with("Сабақтар"))
    await staff.click("18:30", await staff.edit())
    await staff.click("✅ Дайын", await staff.reply_with("Таңдалғандар"))
    await staff.click("✅ Растау", await staff.reply_with("Жаңа топты тексеріңіз", "12"))
    created = message_text(await staff.reply_with("Топ құрылды"))
    slug = created.split("(")[1].split(")")[0]
    start = datetime(day.year, day.month, day.day, 18, 30, tzinfo=ZONE)

    parent = person("ru")
    await choose_language(parent, "ru")
    listing = await open_topic(parent, "/academy", "Общение с подростками")
    label = next(label for label in inline_buttons(listing) if session_time(start, ZONE, "ru") in label)
    assert "Костанай" in label and "12" in label
    assert "Вы записаны!" in message_text(await sign_up(parent, label, "Айгерим Сапарова"))
    assert [row[2] for row in reminder_rows(running_bot, slug)] == ["pending", "pending"]

    await staff.send("/groups")
    overview = await staff.reply_with("курс топтары", "1/12")
    await staff.click("Жасөспірімдермен", overview)
    await staff.click("📅 Сабақты ауыстыру", await staff.edit())
    await staff.click(session_time(start, ZONE, "kk"), await staff.reply_with("Қай сабақ ауыстырылады"))
    await staff.reply_with("Күнді, содан кейін уақытты")
    moved = start + timedelta(days=2, hours=-1)
    await staff.send(f"{moved:%d.%m.%Y %H:%M}")
    await staff.click("✅ Растау", await staff.reply_with("ауыстыру керек пе"))
    await staff.reply_with("Дайын")

    told = message_text(await parent.reply_with("перенесено на"))
    assert session_time(start, ZONE, "ru") in told and session_time(moved, ZONE, "ru") in told
    # the notice is queued in the same commit as the move: the reminders have moved by now
    rows = reminder_rows(running_bot, slug)
    due = {kind: datetime.fromisoformat(at) for kind, at, _ in rows}
    assert due == {"day": moved - timedelta(days=1), "hours": moved - timedelta(hours=2)}
    assert {status for _, _, status in rows} == {"pending"}
