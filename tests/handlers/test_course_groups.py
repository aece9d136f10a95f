"""handlers/course_groups.py through the dispatcher, in both languages and on both databases: staff create a group
by buttons and typed dates, change its seats (never below the sign-ups; more seats promote the waiting list), add,
move and cancel sessions with the people told and their reminders following, close a group, write to everyone,
mark attendance and get the CSV; another center's staff are refused on every action, forged buttons included; and
a crowd signs up while the seats change."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument

from bot.course_groups.desk import CourseGroupDesk
from bot.course_groups.models import GroupDraft
from bot.courses.views import session_time
from bot.requests.models import RuleError
from tests.handlers.conftest import ADMIN_ID, Person, World, buttons, outbox_texts, texts
from tests.handlers.test_courses import add_group, ready, turn

T = {
    "ru": {
        "new": "➕ Новая группа", "topic": "Общение с подростками", "lang": "Русский", "form": "🏢 Очно",
        "confirm": "✅ Подтвердить", "created": "Группа создана", "done": "✅ Готово", "seats": "🪑 Места",
        "below": "Меньше мест в группе быть не может", "move": "📅 Перенести занятие", "moved": "перенесено на",
        "cancel": "✖️ Отменить занятие", "cancelled": "отменено", "close": "⛔ Закрыть группу",
        "closed": "отменена", "write": "📢 Сообщение группе", "sent": "Отправлено всем", "attend": "📝 Посещаемость",
        "format": "Напишите дату и время так", "refused": "принадлежит другому центру", "add": "➕ Добавить занятие",
        "new session": "новое занятие",
    },
    "kk": {
        "new": "➕ Жаңа топ", "topic": "Жасөспірімдермен қарым-қатынас", "lang": "Қазақша", "form": "🏢 Орталықта",
        "confirm": "✅ Растау", "created": "Топ құрылды", "done": "✅ Дайын", "seats": "🪑 Орындар",
        "below": "орын саны одан аз бола алмайды", "move": "📅 Сабақты ауыстыру", "moved": "уақытына ауыстырылды",
        "cancel": "✖️ Сабақты тоқтату", "cancelled": "тоқтатылды", "close": "⛔ Топты жабу", "closed": "тоқтатылды",
        "write": "📢 Топқа хабар", "sent": "жіберілді", "attend": "📝 Қатысу", "format": "Күн мен уақытты былай",
        "refused": "басқа орталыққа тиесілі", "add": "➕ Сабақ қосу", "new session": "жаңа сабақ",
    },
}  # fmt: skip


def desk(world: World) -> CourseGroupDesk:
    return world.dispatcher["course_groups"]


async def staff_of(world: World, user_id: int, center: str, language: str) -> Person:
    found = await world.helpdesk.centers.by_slug(center)
    assert found is not None
    await world.helpdesk.staff.add(user_id, found.id)
    return await ready(world, user_id, language)


async def parent(world: World, user_id: int, language: str, group_id: int, name: str = "Айгерим Сапарова",
                 partner: str | None = None) -> Person:  # fmt: skip
    person = await ready(world, user_id, language)
    await world.courses.sign_up(group_id, user_id, name, "+7 701 123 45 67", partner_name=partner)
    return person


def alert_text(calls: list[Any]) -> str:
    answers = [call for call in calls if isinstance(call, AnswerCallbackQuery)]
    assert answers and answers[-1].show_alert, calls
    return str(answers[-1].text)


async def open_card(staff: Person, group_id: int) -> list[Any]:
    return await turn(staff).press(f"Go:{group_id}")


async def reminders(world: World, session_id: int) -> list[tuple[int, str, str, str]]:
    rows = await world.db.fetch_all(
        "SELECT user_id, kind, due_at, status FROM reminders WHERE session_id = ? ORDER BY user_id, kind",
        (session_id,),
    )
    return [tuple(row) for row in rows]


async def sessions_of(world: World, group_id: int) -> list[tuple[int, datetime]]:
    rows = await world.db.fetch_all(
        "SELECT id, starts_at FROM group_sessions WHERE group_id = ? AND cancelled_at IS NULL ORDER BY starts_at",
        (group_id,),
    )
    return [(int(row[0]), datetime.fromisoformat(row[1])) for row in rows]


async def audit(world: World) -> list[tuple[int, str, str]]:
    rows = await world.db.fetch_all(
        "SELECT actor_id, action, detail FROM audit_log WHERE action LIKE 'group%' OR action LIKE 'session%' "
        "OR action = 'attendance' ORDER BY id"
    )
    return [tuple(row) for row in rows]


# ---- creating a group ----


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_staff_create_a_group_by_buttons_and_a_typed_date(world: World, language: str) -> None:
    t = T[language]
    staff = await staff_of(world, 8001, "pavlodar-city", language)
    calls = await staff.send("/groups")
    assert t["new"] in buttons(calls)
    await staff.tap(t["new"])
    await staff.tap(t["topic"])
    await staff.tap(t["lang"])
    await staff.tap(t["form"])
    assert await staff.send("abc") and await staff.state() == "GroupForm:seats"  # kept, asked again
    calls = await staff.send("14")
    now_local = world.db.clock.local(world.settings.zone)
    third = now_local.date() + timedelta(days=2)
    assert len(buttons(calls)) == 14  # no "done" before a session is chosen
    await staff.press(f"Gp:day:{third.isoformat()}", on=world.last_message_to(staff.id))
    await staff.tap("18:30")
    typed = "завтра в шесть"
    assert t["format"] in texts(await staff.send(typed))  # not understood: the chosen session stays
    later = now_local + timedelta(days=9)
    calls = await staff.send(f"{later:%d.%m} 10:00")
    typed_start = later.replace(hour=10, minute=0, second=0, microsecond=0)
    assert session_time(typed_start, world.settings.zone, language) in texts(calls) and t["done"] in buttons(calls)
    calls = await staff.tap(t["done"])
    summary = texts(calls)
    assert "14" in summary and t["confirm"] in buttons(calls)
    calls = await staff.tap(t["confirm"])
    assert t["created"] in texts(calls)
    assert await staff.state() is None

    row = await world.db.fetch_one(
        "SELECT id, slug, seats, language, online FROM course_groups WHERE slug LIKE 'teenagers-pavlodar-city-%'"
    )
    assert row is not None and row[2] == 14 and row[3] == language and not row[4]
    starts = [start for _, start in await sessions_of(world, row[0])]
    zone = world.settings.zone
    assert [f"{s.astimezone(zone):%m-%d %H:%M}" for s in starts] == [f"{third:%m-%d} 18:30", f"{later:%m-%d} 10:00"]
    assert (8001, "group create", row[1]) in await audit(world)
    # parents see it at once
    offered = [group.id for group in await world.courses.groups(next(
        topic.id for topic in await world.courses.topics() if topic.slug == "teenagers"))]  # fmt: skip
    assert row[0] in offered


async def test_a_past_time_and_no_session_are_refused(world: World) -> None:
    staff = await staff_of(world, 8002, "pavlodar-city", "ru")
    await staff.send("/groups")
    await staff.tap("➕ Новая группа")
    await staff.tap("Общение с подростками")
    await staff.tap("Қазақша")
    await staff.tap("💻 Онлайн")
    await staff.tap("12")
    past = world.db.clock.local(world.settings.zone) - timedelta(days=1)
    assert "уже прошло" in texts(await staff.send(f"{past:%d.%m.%Y} 10:00"))
    assert "Сначала добавьте" in alert_text(await staff.press("Gp:done:", on=world.last_message_to(staff.id)))
    assert await staff.state() == "GroupForm:sessions"


# ---- seats ----


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_seats_below_the_sign_ups_are_refused_and_more_seats_promote_the_waiting_list(
    world: World, language: str
) -> None:
    t = T[language]
    group = await add_group(world, "seats-grp", "teenagers", "pavlodar-city", seats=2)
    first = await parent(world, 8101, "ru", group)
    await parent(world, 8102, "kk", group, name="Бала Ана")
    waiting = await parent(world, 8103, "ru", group, name="Дана Алиева")
    staff = await staff_of(world, 8104, "pavlodar-city", language)
    await open_card(staff, group)
    await staff.tap(t["seats"])
    calls = await staff.send("1")
    assert t["below"] in texts(calls)
    assert await staff.state() == "GroupForm:seats"  # another number may be typed
    await staff.send("3")
    calls = await staff.tap(t["confirm"])
    assert t["done"] in texts(calls) and "0" in texts(calls)
    assert await world.db.fetch_value("SELECT seats FROM course_groups WHERE id = ?", (group,)) == 3
    statuses = await world.db.fetch_all("SELECT user_id, status FROM signups WHERE group_id = ? ORDER BY id", (group,))
    assert [tuple(row) for row in statuses] == [(8101, "confirmed"), (8102, "confirmed"), (8103, "confirmed")]
    assert any("Освободилось место" in text for text in await outbox_texts(world.db, waiting.id))
    # the promoted person now has reminders too
    assert await world.db.fetch_value("SELECT count(*) FROM reminders WHERE user_id = ?", (8103,)) == 4
    del first


async def test_seats_lowered_in_a_race_are_refused_at_the_confirmation(world: World) -> None:
    group = await add_group(world, "race-grp", "teenagers", "pavlodar-city", seats=3)
    await parent(world, 8111, "ru", group)
    staff = await staff_of(world, 8112, "pavlodar-city", "ru")
    await open_card(staff, group)
    await staff.tap("🪑 Места")
    await staff.send("1")  # one is taken: allowed so far
    await world.courses.sign_up(group, 8113, "Дана Алиева", "+7 701 123 45 68")  # meanwhile a second sign-up
    calls = await staff.tap("✅ Подтвердить")
    assert "Уже занято мест: 2" in texts(calls)
    assert await world.db.fetch_value("SELECT seats FROM course_groups WHERE id = ?", (group,)) == 3


# ---- sessions and the reminders that follow ----


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_a_moved_session_moves_every_participants_reminders(world: World, language: str) -> None:
    t = T[language]
    group = await add_group(world, "move-grp", "teenagers", "pavlodar-city", seats=5, days=5)
    ru = await parent(world, 8201, "ru", group)
    kk = await parent(world, 8202, "kk", group, name="Әсел Нұрланова")
    (first_id, first), (second_id, _) = await sessions_of(world, group)
    assert len(await reminders(world, first_id)) == 4
    staff = await staff_of(world, 8203, "pavlodar-city", language)
    await open_card(staff, group)
    await staff.tap(t["move"])
    await staff.tap(session_time(first, world.settings.zone, language))
    new = (first + timedelta(days=2)).astimezone(world.settings.zone)
    await staff.send(f"{new:%Y-%m-%d} 18:30")
    assert t["confirm"] in buttons(staff.world.session.calls[-1:])
    calls = await staff.tap(t["confirm"])
    assert t["done"] in texts(calls)
    moved = new.replace(hour=18, minute=30).astimezone(first.tzinfo)
    rows = await reminders(world, first_id)
    assert len(rows) == 4
    for _user, kind, due, status in rows:
        assert status == "pending"
        assert datetime.fromisoformat(due) == moved - (timedelta(days=1) if kind == "day" else timedelta(hours=2))
    assert {row[0] for row in rows} == {8201, 8202}
    assert all(row[3] == "pending" for row in await reminders(world, second_id))  # the other session untouched
    ru_told = [text for text in await outbox_texts(world.db, ru.id) if "перенесено на" in text]
    kk_told = [text for text in await outbox_texts(world.db, kk.id) if "уақытына ауыстырылды" in text]
    assert len(ru_told) == 1 and len(kk_told) == 1
    assert session_time(moved, world.settings.zone, "ru") in ru_told[0]
    assert (8203, "session move", "move-grp") in await audit(world)

    # the reminder job, with the clock moved: reminded of the new time only
    world.db.clock.set(first - timedelta(hours=23))  # the old day-before time: nothing is due any more
    assert await world.courses.send_due_reminders() == 0
    world.db.clock.set(moved - timedelta(hours=23))
    assert await world.courses.send_due_reminders() == 2


async def test_a_session_moved_closer_cancels_the_reminder_whose_time_has_passed(world: World) -> None:
    group = await add_group(world, "close-move", "teenagers", "pavlodar-city", seats=5, days=5)
    await parent(world, 8211, "ru", group)
    (first_id, _), _ = await sessions_of(world, group)
    now = world.db.clock.now()
    moved = (now + timedelta(hours=10)).replace(second=0, microsecond=0)
    await desk(world).move_session(ADMIN_ID, group, first_id, moved)
    kinds = {kind: (due, status) for _, kind, due, status in await reminders(world, first_id)}
    assert kinds["day"][1] == "cancelled"  # its new time has passed: not sent late
    assert kinds["hours"] == ((moved - timedelta(hours=2)).isoformat(timespec="seconds"), "pending")
    world.db.clock.set(moved - timedelta(hours=1))
    assert await world.courses.send_due_reminders() == 1


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_a_cancelled_session_reminds_nobody(world: World, language: str) -> None:
    t = T[language]
    group = await add_group(world, "cancel-grp", "teenagers", "pavlodar-city", seats=5, days=5)
    ru = await parent(world, 8301, "ru", group)
    kk = await parent(world, 8302, "kk", group, name="Әсел Нұрланова")
    (first_id, first), (_, second) = await sessions_of(world, group)
    staff = await staff_of(world, 8303, "pavlodar-city", language)
    await open_card(staff, group)
    await staff.tap(t["cancel"])
    await staff.tap(session_time(first, world.settings.zone, language))
    calls = await staff.tap(t["confirm"])
    assert t["done"] in texts(calls)
    assert {row[3] for row in await reminders(world, first_id)} == {"cancelled"}
    assert any("отменено" in text for text in await outbox_texts(world.db, ru.id))
    assert any("тоқтатылды" in text for text in await outbox_texts(world.db, kk.id))
    world.db.clock.set(first - timedelta(hours=1))
    assert await world.courses.send_due_reminders() == 0
    # the group shows only the session left; its only session cannot be cancelled
    assert [start for _, start in await sessions_of(world, group)] == [second]
    world.db.clock.set(first + timedelta(hours=1))
    (only_id, _) = (await sessions_of(world, group))[0]
    with pytest.raises(RuleError) as refused:
        await desk(world).cancel_session(8303, group, only_id)
    assert refused.value.code == "last"


async def test_an_added_session_gets_reminders_for_those_who_asked(world: World) -> None:
    group = await add_group(world, "add-grp", "teenagers", "pavlodar-city", seats=5, days=5)
    await parent(world, 8401, "ru", group)
    await ready(world, 8402, "kk")
    await world.courses.sign_up(group, 8402, "Әсел Нұрланова", "+7 701 123 45 69", reminders=False)
    staff = await staff_of(world, 8403, "pavlodar-city", "kk")
    await open_card(staff, group)
    await staff.tap("➕ Сабақ қосу")
    later = world.db.clock.local(world.settings.zone) + timedelta(days=20)
    await staff.send(f"{later:%d.%m.%Y} 11:00")
    assert "✅ Дайын" in texts(await staff.tap("✅ Растау"))
    sessions = await sessions_of(world, group)
    assert len(sessions) == 3
    new_id = sessions[-1][0]
    assert {(row[0], row[1]) for row in await reminders(world, new_id)} == {(8401, "day"), (8401, "hours")}
    assert any("новое занятие" in text for text in await outbox_texts(world.db, 8401))
    assert any("жаңа сабақ" in text for text in await outbox_texts(world.db, 8402))


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_closing_a_group_tells_everyone_and_hides_it(world: World, language: str) -> None:
    t = T[language]
    group = await add_group(world, "closed-grp", "teenagers", "pavlodar-city", seats=1, days=5)
    await parent(world, 8501, "ru", group)
    await parent(world, 8502, "kk", group, name="Әсел Нұрланова")  # on the waiting list
    staff = await staff_of(world, 8503, "pavlodar-city", language)
    await open_card(staff, group)
    await staff.tap(t["close"])
    assert t["done"] in texts(await staff.tap(t["confirm"]))
    assert any("отменена" in text for text in await outbox_texts(world.db, 8501))
    assert any("тоқтатылды" in text for text in await outbox_texts(world.db, 8502))
    statuses = await world.db.fetch_all("SELECT status FROM signups WHERE group_id = ? ORDER BY id", (group,))
    assert [row[0] for row in statuses] == ["confirmed", "waiting"]  # kept: the group's closing ends them
    assert await world.courses.group(group) is None  # /academy offers it no more
    world.db.clock.advance(timedelta(days=5) - timedelta(hours=1))
    assert await world.courses.send_due_reminders() == 0
    assert "closed-grp" not in texts(await turn(staff).send("/groups"))


# ---- a message to everyone, attendance, the CSV ----


async def test_a_message_to_everyone_holding_a_seat(world: World) -> None:
    group = await add_group(world, "write-grp", "teenagers", "pavlodar-city", seats=1, days=5)
    await parent(world, 8601, "ru", group)
    await parent(world, 8602, "kk", group, name="Әсел Нұрланова")  # waiting: not in the room
    staff = await staff_of(world, 8603, "pavlodar-city", "ru")
    await open_card(staff, group)
    await staff.tap("📢 Сообщение группе")
    calls = await staff.send("Сегодня встречаемся в кабинете <3>")
    assert "кабинете &lt;3&gt;" in str(calls[-1].text) and "Отправить?" in texts(calls)
    assert "Отправлено всем, у кого есть место: 1" in texts(await staff.tap("✅ Подтвердить"))
    told = await outbox_texts(world.db, 8601)
    assert told[-1].startswith("📢 <b>") and "Павлодар" in told[-1] and told[-1].endswith("кабинете &lt;3&gt;")
    assert not any("кабинете" in text for text in await outbox_texts(world.db, 8602))
    assert (8603, "group message", "write-grp") in await audit(world)
    texts_logged = " ".join(str(row[2]) for row in await audit(world))
    assert "кабинете" not in texts_logged


@pytest.mark.parametrize("language", ["ru", "kk"])
async def test_attendance_checklist_and_the_csv(world: World, language: str) -> None:
    t = T[language]
    group = await add_group(world, "attend-grp", "teenagers", "pavlodar-city", seats=5, days=1)
    await parent(world, 8701, "ru", group, name="Дана Алиева")
    await parent(world, 8702, "kk", group, name="Арман Серікұлы", partner="Дана Әлиқызы")
    (first_id, first), _ = await sessions_of(world, group)
    staff = await staff_of(world, 8703, "pavlodar-city", language)
    world.db.clock.set(first + timedelta(minutes=30))  # the session is on
    await open_card(staff, group)
    await staff.tap(t["attend"])
    calls = await staff.tap(session_time(first, world.settings.zone, language))
    assert "⬜ Дана Алиева" in buttons(calls)
    calls = await staff.tap("⬜ Арман Серікұлы + Дана Әлиқызы")
    assert "✅ Арман Серікұлы + Дана Әлиқызы" in buttons(calls)
    assert await world.db.fetch_value("SELECT count(*) FROM attendance WHERE session_id = ?", (first_id,)) == 1
    calls = await staff.tap("📄 CSV")
    document = next(call for call in calls if isinstance(call, SendDocument))
    rows = list(csv.reader(io.StringIO(document.document.data.decode("utf-8-sig"))))
    assert rows[0][:4] == (["Имя", "Телефон", "Мест", "Статус"] if language == "ru" else
                           ["Аты-жөні", "Телефон", "Орын", "Күйі"])  # fmt: skip
    assert len(rows[0]) == 6 and len(rows) == 3
    assert rows[1][0] == "Дана Алиева" and rows[1][1] == "'+7 701 123 45 67" and rows[1][4:] == ["0", "0"]
    assert rows[2][0] == "Арман Серікұлы + Дана Әлиқызы" and rows[2][2] == "2" and rows[2][4:] == ["1", "0"]
    await staff.tap("✅ Арман Серікұлы + Дана Әлиқызы")  # and back
    assert await world.db.fetch_value("SELECT count(*) FROM attendance WHERE session_id = ?", (first_id,)) == 0


# ---- rights ----


async def test_another_centers_staff_are_refused_on_every_action(world: World) -> None:
    group = await add_group(world, "ours-grp", "teenagers", "pavlodar-city", seats=5, days=5)
    other_group = await add_group(world, "theirs-grp", "teenagers", "astana-zhanuya", seats=5, days=5)
    await parent(world, 8801, "ru", group)
    signup = int(await world.db.fetch_value("SELECT id FROM signups WHERE group_id = ?", (group,)))
    (session, _), _ = await sessions_of(world, group)
    (other_session, _), _ = await sessions_of(world, other_group)
    pavlodar = await world.helpdesk.centers.by_slug("pavlodar-city")
    assert pavlodar is not None
    for language in ("ru", "kk"):
        stranger = await staff_of(world, 8802 if language == "ru" else 8803, "astana-zhanuya", language)
        refused = T[language]["refused"]
        forged = [f"Go:{group}", f"Gn:{pavlodar.id}", f"Gk:{session}:{signup}:0", f"Gt:{session}:0"]
        forged += [f"Ga:{group}:{act}" for act in ("seats", "add", "move", "cancel", "close", "write", "attend", "csv")]
        forged += [f"Gs:{group}:{session}:{act}" for act in ("move", "cancel", "attend")]
        for data in forged:
            assert refused in alert_text(await turn(stranger).press(data)), data
        assert refused in texts(await turn(stranger).send("/groups pavlodar-city"))
        assert "pavlodar" not in texts(await turn(stranger).send("/groups")).lower()
    # a session of another group, under one's own group
    ours = await staff_of(world, 8804, "pavlodar-city", "ru")
    for act in ("move", "cancel", "attend"):
        assert "принадлежит другому центру" in alert_text(await turn(ours).press(f"Gs:{group}:{other_session}:{act}"))
    assert "принадлежит другому центру" in alert_text(await turn(ours).press(f"Gk:{other_session}:{signup}:0"))
    assert "принадлежит другому центру" in alert_text(await turn(ours).press(f"Gt:{other_session}:1"))
    # forged numbers beyond a row id, and someone who is not staff
    nobody = await ready(world, 8805, "ru")
    assert alert_text(await nobody.press(f"Go:{group}"))
    assert alert_text(await nobody.press("Go:99999999999999999999999"))
    assert "для сотрудников" in texts(await turn(nobody).send("/groups"))
    # the desk checks again at the confirmation: a staff member removed meanwhile changes nothing
    for call in (
        desk(world).change_seats(8802, group, 50),
        desk(world).close(8802, group),
        desk(world).move_session(8802, group, session, world.db.clock.now() + timedelta(days=3)),
        desk(world).message_all(8802, group, "hello"),
        desk(world).toggle_attendance(8802, session, signup),
    ):
        with pytest.raises(RuleError):
            await call
    assert await world.db.fetch_value("SELECT seats FROM course_groups WHERE id = ?", (group,)) == 5
    assert not await audit(world)


async def test_an_admin_manages_any_center_by_naming_it(world: World) -> None:
    admin = await ready(world, ADMIN_ID, "ru")
    calls = await admin.send("/groups pavlodar-city")
    assert "➕ Новая группа" in buttons(calls)
    assert "Такого центра нет" in texts(await turn(admin).send("/groups nowhere-at-all"))
    everything = await turn(admin).send("/groups")
    assert "Вы видите группы всех центров" in texts(everything) and "➕ Новая группа" not in buttons(everything)


async def test_commands_and_sos_work_inside_the_dialog(world: World) -> None:
    group = await add_group(world, "cmd-grp", "teenagers", "pavlodar-city", seats=5, days=5)
    staff = await staff_of(world, 8901, "pavlodar-city", "ru")
    await open_card(staff, group)
    await staff.tap("📢 Сообщение группе")
    calls = await staff.send("/sos")
    assert "112" in texts(calls) and await staff.state() == "GroupForm:message"  # the dialog stays
    calls = await staff.send("/cancel")
    assert await staff.state() is None
    assert "Отправить?" not in texts(calls)
    await open_card(staff, group)
    await staff.tap("🪑 Места")
    await staff.send("/academy")  # another command leaves the dialog
    assert await staff.state() is None
    await open_card(staff, group)
    await staff.tap("📢 Сообщение группе")
    calls = await staff.send("👨‍👩‍👧 Академия родителей")  # a menu button is not the message to the group
    assert "Отправить?" not in texts(calls) and await staff.state() != "GroupForm:confirm"
    assert not await audit(world)


async def test_the_staff_menu_button(world: World) -> None:
    staff = await staff_of(world, 8902, "pavlodar-city", "kk")
    assert "➕ Жаңа топ" in buttons(await staff.send("👥 Курс топтары"))
    nobody = await ready(world, 8903, "ru")
    assert "для сотрудников" in texts(await turn(nobody).send("👥 Группы курсов"))


# ---- a crowd ----


async def test_a_crowd_signs_up_while_the_seats_change(world: World) -> None:
    """200 parents sign up in the same second as staff raise and lower the seats: never oversold, and the waiting
    list is promoted in order."""
    group = await add_group(world, "crowd-grp", "teenagers", "pavlodar-city", seats=20, days=5)
    groups = desk(world)
    people = list(range(30_000, 30_200))

    async def sign(user_id: int) -> None:
        await world.courses.sign_up(group, user_id, "Ана Бала", "+7 701 123 45 67")

    async def seats(number: int) -> None:
        try:
            await groups.change_seats(ADMIN_ID, group, number)
        except RuleError as error:
            assert error.code == "below"

    work: list[Any] = [sign(user_id) for user_id in people]
    for index, number in enumerate((30, 10, 60, 25, 90, 40, 120, 100)):
        work.insert(index * 25 + 10, seats(number))
    await asyncio.gather(*work)

    final = await world.db.fetch_value("SELECT seats FROM course_groups WHERE id = ?", (group,))
    rows = await world.db.fetch_all("SELECT id, user_id, status FROM signups WHERE group_id = ? ORDER BY id", (group,))
    confirmed = [row for row in rows if row[2] == "confirmed"]
    waiting = [row for row in rows if row[2] == "waiting"]
    assert len(rows) == 200 and len(confirmed) <= final
    assert not waiting or len(confirmed) == final  # nobody waits while a seat is free
    promoted = set()
    for row in rows:
        if any(text.startswith("🎉") for text in await outbox_texts(world.db, row[1])):
            promoted.add(row[0])
    assert promoted
    if waiting:  # everyone promoted had signed up before everyone still waiting
        assert max(promoted) < min(row[0] for row in waiting)
    # every confirmed person has reminders; nobody waiting has any
    count = await world.db.fetch_value(
        "SELECT count(DISTINCT r.signup_id) FROM reminders r JOIN signups s ON s.id = r.signup_id "
        "WHERE s.group_id = ? AND r.status = 'pending'",
        (group,),
    )
    assert count == len(confirmed)


# ---- review fixes ----


async def test_a_closed_group_keeps_its_roster_and_nobody_signed_up_is_stuck(world: World) -> None:
    """Closing keeps the sign-ups as they were (the roster, attendance and CSV stay), stops the reminders, and
    every path a person still has to such a sign-up answers politely: /my, an old cancel button, the partner's
    link, /mydata, the reminder job, /forget."""
    from storage.console import ConsoleRepository

    group = await add_group(world, "kept-grp", "premarital", "pavlodar-city", seats=2, days=1)
    await parent(world, 8511, "ru", group, name="Арман Серікұлы", partner="Дана Әлиқызы")
    await parent(world, 8512, "kk", group, name="Әсел Нұрланова")  # on the waiting list
    couple, single = [int(row[0]) for row in await world.db.fetch_all(
        "SELECT id FROM signups WHERE group_id = ? ORDER BY id", (group,))]  # fmt: skip
    token = str(await world.db.fetch_value("SELECT invite_token FROM signups WHERE id = ?", (couple,)))
    (first_id, first), _ = await sessions_of(world, group)
    world.db.clock.set(first + timedelta(minutes=30))  # the first session is on: attendance is kept
    assert await desk(world).toggle_attendance(ADMIN_ID, first_id, couple)
    staff = await staff_of(world, 8513, "pavlodar-city", "ru")
    await open_card(staff, group)
    await staff.tap("⛔ Закрыть группу")
    assert "✅ Готово" in texts(await staff.tap("✅ Подтвердить"))
    assert any("отменена" in text for text in await outbox_texts(world.db, 8511))
    assert any("тоқтатылды" in text for text in await outbox_texts(world.db, 8512))

    statuses = await world.db.fetch_all("SELECT status FROM signups WHERE group_id = ? ORDER BY id", (group,))
    assert [row[0] for row in statuses] == ["confirmed", "waiting"]  # left as they were
    assert not await world.db.fetch_value(
        "SELECT count(*) FROM reminders r JOIN group_sessions gs ON gs.id = r.session_id "
        "WHERE gs.group_id = ? AND r.status = 'pending'",
        (group,),
    )
    roster = await desk(world).roster(group, None)
    assert roster is not None and [line.signup_id for line in roster.lines] == [couple, single]
    await open_card(staff, group)
    document = next(call for call in await staff.tap("📄 CSV") if isinstance(call, SendDocument))
    rows = list(csv.reader(io.StringIO(document.document.data.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[1][0] == "Арман Серікұлы + Дана Әлиқызы" and rows[1][4] == "1"
    calls = await staff.tap("📝 Посещаемость")
    calls = await staff.tap(session_time(first, world.settings.zone, "ru"))
    assert "✅ Арман Серікұлы + Дана Әлиқызы" in buttons(calls)
    line = next(line for line in await ConsoleRepository(world.db).groups() if line.slug == "kept-grp")
    assert line.closed and line.attended == 1 and line.possible == 1
    assert await world.courses.group(group) is None  # parents are offered it no more

    # the people signed up
    booker = world.person(8511, "ru")
    assert "Некеге" not in texts(await turn(booker).send("/my"))  # a closed group is not listed
    calls = await turn(booker).press(f"cxy:{couple}")  # an old "yes, cancel" button
    assert alert_text(calls)
    assert await world.db.fetch_value("SELECT status FROM signups WHERE id = ?", (couple,)) == "confirmed"
    await turn(booker).send("/mydata")
    partner = await ready(world, 8514, "ru")
    assert "уже использована или запись отменена" in texts(await partner.send(f"/start p_{token}"))
    with pytest.raises(RuleError):
        await world.courses.join(couple, token, 8514)
    world.db.clock.advance(timedelta(days=7) - timedelta(hours=1))
    assert await world.courses.send_due_reminders() == 0
    waiting = world.person(8512, "kk")
    await turn(waiting).send("/forget")
    await waiting.tap("Иә, бәрін өшіру")
    assert await world.db.fetch_value("SELECT count(*) FROM signups WHERE user_id = 8512") == 0
    await turn(booker).send("/forget")
    await booker.tap("Да, удалить всё")
    assert await world.db.fetch_value("SELECT count(*) FROM signups WHERE group_id = ?", (group,)) == 0


async def test_a_session_moved_near_then_back_gets_its_reminders_again(world: World) -> None:
    group = await add_group(world, "back-grp", "teenagers", "pavlodar-city", seats=5, days=5)
    await parent(world, 8221, "ru", group)
    await ready(world, 8222, "kk")
    await world.courses.sign_up(group, 8222, "Әсел Нұрланова", "+7 701 123 45 69", reminders=False)
    (first_id, _), _ = await sessions_of(world, group)
    groups, now = desk(world), world.db.clock.now()
    near = (now + timedelta(hours=10)).replace(second=0, microsecond=0)
    await groups.move_session(ADMIN_ID, group, first_id, near)
    assert {kind: status for _, kind, _, status in await reminders(world, first_id)} == {
        "day": "cancelled", "hours": "pending"}  # fmt: skip
    back = (now + timedelta(days=4)).replace(second=0, microsecond=0)
    await groups.move_session(ADMIN_ID, group, first_id, back)
    rows = await reminders(world, first_id)
    assert {row[0] for row in rows} == {8221}  # who did not ask is still not reminded
    assert {kind: (due, status) for _, kind, due, status in rows} == {
        "day": ((back - timedelta(days=1)).isoformat(timespec="seconds"), "pending"),
        "hours": ((back - timedelta(hours=2)).isoformat(timespec="seconds"), "pending"),
    }
    # one already sent stays sent when its new time has passed, and reminds again of a later time
    world.db.clock.set(back - timedelta(hours=23))
    assert await world.courses.send_due_reminders() == 1
    now = world.db.clock.now()
    await groups.move_session(ADMIN_ID, group, first_id, now + timedelta(hours=5))
    assert {kind: status for _, kind, _, status in await reminders(world, first_id)} == {
        "day": "sent", "hours": "pending"}  # fmt: skip
    await groups.move_session(ADMIN_ID, group, first_id, now + timedelta(days=3))
    assert {status for *_, status in await reminders(world, first_id)} == {"pending"}


async def test_a_staff_member_removed_while_pressing_changes_nothing(world: World, monkeypatch: Any) -> None:
    """The rights are read again in the write's own transaction: the staff filter's answer, read a moment before
    the removal committed, does not let the write through; an administrator acts for every center."""
    group = await add_group(world, "gone-grp", "teenagers", "pavlodar-city", seats=5, days=5)
    await parent(world, 8811, "ru", group)
    signup = int(await world.db.fetch_value("SELECT id FROM signups WHERE group_id = ?", (group,)))
    (session, _), _ = await sessions_of(world, group)
    pavlodar = await world.helpdesk.centers.by_slug("pavlodar-city")
    assert pavlodar is not None
    staff = await staff_of(world, 8812, "pavlodar-city", "ru")
    await open_card(staff, group)
    await staff.tap("🪑 Места")
    await staff.send("9")
    await world.helpdesk.staff.remove(8812, pavlodar.id)  # removed; the filter's read came just before

    async def stale(_user_id: int) -> set[int]:
        return {pavlodar.id}

    monkeypatch.setattr(world.helpdesk, "centers_of", stale)
    assert "принадлежит другому центру" in texts(await staff.tap("✅ Подтвердить"))
    assert await world.db.fetch_value("SELECT seats FROM course_groups WHERE id = ?", (group,)) == 5

    groups, later = desk(world), world.db.clock.now() + timedelta(days=3)
    topic = (await world.courses.topics())[0]
    draft = GroupDraft(pavlodar.id, topic.id, "ru", False, 5, (later,))
    for call in (
        groups.create(8812, draft),
        groups.change_seats(8812, group, 50),
        groups.add_session(8812, group, later),
        groups.move_session(8812, group, session, later),
        groups.cancel_session(8812, group, session),
        groups.close(8812, group),
        groups.message_all(8812, group, "hello"),
        groups.toggle_attendance(8812, session, signup),
    ):
        with pytest.raises(RuleError):
            await call
    assert not await audit(world)
    assert await groups.toggle_attendance(ADMIN_ID, session, signup)  # an administrator, on no staff list
    assert await world.db.fetch_value("SELECT count(*) FROM attendance WHERE session_id = ?", (session,)) == 1


async def test_attendance_of_a_big_group_comes_in_pages(world: World) -> None:
    group = await add_group(world, "big-grp", "teenagers", "pavlodar-city", seats=500, days=1)
    for number in range(95):
        await world.courses.sign_up(group, 40_000 + number, f"Родитель {number:03d} " + "Ж" * 80, "+7 701 000 00 00")
    (first_id, first), _ = await sessions_of(world, group)
    world.db.clock.set(first + timedelta(minutes=30))
    staff = await staff_of(world, 8721, "pavlodar-city", "ru")
    await open_card(staff, group)
    await staff.tap("📝 Посещаемость")

    def sheet(calls: list[Any]) -> list[Any]:
        markup = next(call.reply_markup for call in reversed(calls) if getattr(call, "reply_markup", None))
        found = [button for row in markup.inline_keyboard for button in row]
        assert len(found) <= 100 and all(len(b.callback_data.encode()) <= 64 for b in found)
        assert all(len(str(call.text or "")) <= 4096 for call in calls if hasattr(call, "text"))
        return found

    calls = await staff.tap(session_time(first, world.settings.zone, "ru"))
    page = [button.text for button in sheet(calls)]
    assert "⬜ Родитель 000" in page[0] and not any("Родитель 040" in text for text in page)
    assert "▶" in page and "◀" not in page
    calls = await staff.tap("▶")
    page = [button.text for button in sheet(calls)]
    assert any("Родитель 040" in text for text in page) and not any("Родитель 000" in text for text in page)
    calls = await staff.tap("⬜ Родитель 041")
    page = [button.text for button in sheet(calls)]
    assert any(text.startswith("✅ Родитель 041") for text in page)  # still on the second page
    await staff.tap("▶")
    page = [button.text for button in sheet(staff.world.session.calls[-1:])]
    assert any("Родитель 094" in text for text in page) and "▶" not in page and "◀" in page
    marked = await world.db.fetch_value("SELECT count(*) FROM attendance WHERE session_id = ?", (first_id,))
    assert marked == 1
