"""Staff tools end to end, where a real process matters: the CLI writing while the bot runs (saved replies, the
export), the timed escalation, forum topics, a staff member behind a 403, a group over its flood limit. Transfer,
spam, notes, the queue and (re)binding groups are checked in-process in tests/handlers/test_staff.py."""

from __future__ import annotations

import csv
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.localapi.people import LocalGroup, LocalUser, inline_buttons, message_text
from bot.localapi.server import LocalBotApi
from tests.conftest import BotProcess, PersonFactory, choose_language, wait_until
from tests.e2e.flows import make_admin, make_staff, send_request

ADMIN_ID = 900001
BOT_ENV = {"ADMIN_IDS": str(ADMIN_ID), "ESCALATE_AFTER_HOURS": "1", "JOBS_INTERVAL_SECONDS": "0.5"}


@pytest.fixture(scope="module")
async def admin(api: LocalBotApi, bot_process: BotProcess) -> LocalUser:
    """The administrator named in ADMIN_IDS, with Russian chosen."""
    return await make_admin(api, ADMIN_ID)


async def quick_request(person: PersonFactory, center: str, text: str, category: str = "Другое") -> LocalUser:
    """A new Russian-speaking person sends an anonymous request to `center`."""
    citizen = person("ru")
    await choose_language(citizen, "ru")
    await send_request(citizen, center, text, category)
    return citizen


def request_id_of(message: dict) -> int:
    return int(message_text(message).split("R-")[1][:6])


def blocked_bot(bot: BotProcess, user_id: int) -> bool:
    with sqlite3.connect(bot.database) as db:
        return bool(db.execute("SELECT max(blocked_bot) FROM staff WHERE user_id = ?", (user_id,)).fetchone()[0])


async def test_saved_reply_in_one_tap(running_bot: BotProcess, person: PersonFactory) -> None:
    staff = await make_staff(running_bot, person, "mangystau-aktau", "Гүлмира")
    await running_bot.cli("replies", "add", "mangystau-aktau", "ru", "Запись", "Приходите в среду к 10:00.")
    await running_bot.cli("replies", "add", "mangystau-aktau", "kk", "Жазылу", "Сәрсенбі 10:00-де келіңіз.")
    citizen = await quick_request(person, "mangystau-aktau", "Хочу на консультацию")
    notice = await staff.reply_with("консультацию")
    await staff.click("Жауап беру", notice)
    prompt = await staff.reply_with("бір хабарламамен")
    assert inline_buttons(prompt) == ["📋 Запись"]  # only the replies in the person's language
    await staff.click("Запись", prompt)
    assert "Приходите в среду к 10:00." in message_text(await citizen.reply_with("Приходите"))


async def test_escalation_after_the_moved_clock(
    running_bot: BotProcess, person: PersonFactory, admin: LocalUser
) -> None:
    staff = await make_staff(running_bot, person, "west-kz-oral", "Әлия")
    await quick_request(person, "west-kz-oral", "Никто не берёт мой вопрос")
    notice = await staff.reply_with("Никто не берёт")
    two_hours_ago = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="seconds")
    with sqlite3.connect(running_bot.database) as db:  # the clock moves for this request only
        db.execute("UPDATE help_requests SET created_at = ? WHERE id = ?", (two_hours_ago, request_id_of(notice)))
    assert "1 сағат бойы ешкім алмады" in message_text(await staff.reply_with("ешкім алмады"))
    assert "никто не взял уже 1 час" in message_text(await admin.reply_with("никто не взял"))
    # Escalated once, not again: escalated_at is recorded (a restart repeats nothing); the rule is tested with a
    # moved clock in tests/unit/test_helpdesk.py.
    with sqlite3.connect(running_bot.database) as db:
        stamp = db.execute("SELECT escalated_at FROM help_requests WHERE id = ?", (request_id_of(notice),)).fetchone()
    assert stamp[0] is not None


async def test_admin_stats_invites_and_export(running_bot: BotProcess, person: PersonFactory, admin: LocalUser) -> None:
    await admin.send("/stats")
    numbers = message_text(await admin.reply_with("Обращений:"))
    assert "По статусу" in numbers and "Медианное время до взятия в работу" in numbers

    await admin.send("/invite karaganda-city")
    invite = message_text(await admin.reply_with("Одноразовое приглашение"))
    token = invite.split("start=s_")[1].split()[0]
    newcomer = person("kk")
    await newcomer.send(f"/start s_{token}")
    await newcomer.reply()
    await newcomer.click("Қазақша")
    assert "қызметкерісіз" in message_text(await newcomer.reply_with("қызметкерісіз"))
    latecomer = person("kk")
    await choose_language(latecomer, "kk")
    await latecomer.send(f"/start s_{token}")
    assert "пайдаланылған" in message_text(await latecomer.reply())
    await quick_request(person, "karaganda-city", "Первое обращение нового сотрудника")
    await newcomer.reply_with("Первое обращение нового сотрудника")

    stranger = person("ru")
    await choose_language(stranger, "ru")
    await stranger.send("/stats")
    assert "для администраторов" in message_text(await stranger.reply())

    exported = running_bot.workdir / "requests.csv"
    await running_bot.cli("export", "requests", str(exported))
    content = exported.read_text(encoding="utf-8")
    rows = list(csv.DictReader(content.splitlines()))
    assert rows and rows[0]["number"].startswith("R-")
    assert "Первое обращение" not in content  # facts only, no text


async def test_forum_group_gets_a_topic_per_request(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    staff = await make_staff(running_bot, person, "turkistan-city", "Дәурен")
    group = LocalGroup(api, -100777, "Түркістан ОҚО", is_forum=True)
    await staff.send("/bind", group=group)
    assert "жеке тақырып" in message_text(await group.reply())
    citizen = await quick_request(person, "turkistan-city", "Вопрос для группы")
    topic = await group.next_event()
    assert topic.kind == "topic" and topic.message["name"].startswith("R-")
    notice = await group.reply_with("Вопрос для группы")
    thread = notice["message_thread_id"]
    assert thread == topic.message["message_thread_id"]
    await staff.click("Жауап беру", notice)
    prompt = await group.reply_with("бір хабарламамен")
    sent = [
        params for method, params in api.calls if method == "sendMessage" and params.get("chat_id") == group.chat_id
    ]
    assert prompt["message_thread_id"] == thread and sent[-1]["reply_markup"]["force_reply"]
    assert staff.reply_box(group) == prompt  # the prompt names the staff member: their app opens the reply box
    answer = await staff.type_in_group("Топтан жауап береміз", group)
    assert answer["message_thread_id"] == thread and answer["reply_to_message"]["message_id"] == prompt["message_id"]
    await group.reply_with("Жіберілді")
    assert "Топтан жауап береміз" in message_text(await citizen.reply_with("Топтан"))
    outsider = person("kk")  # a group member who is not staff
    refused = await outsider.click_data(f"tk:{request_id_of(notice)}", notice)
    assert refused["show_alert"] and "басқа орталыққа" in refused["text"]


async def test_a_staff_member_who_blocked_the_bot_is_skipped_and_others_told(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    gone = await make_staff(running_bot, person, "aktobe-city", "Кетті")
    present = await make_staff(running_bot, person, "aktobe-city", "Қалды")
    api.chats[gone.id].blocked_bot = True  # blocked without the bot noticing: the send meets a 403
    await quick_request(person, "aktobe-city", "Первое после блокировки")
    await present.reply_with("Первое после блокировки")
    forbidden = [r for r in api.refusals if r.code == 403]
    assert len(forbidden) == 1
    api.refusals[:] = [r for r in api.refusals if r.code != 403]
    assert "blocked the bot" in await running_bot.cli("staff", "list")

    await api.set_blocked(gone.id, False)  # unblocked: Telegram tells the bot, notices resume
    await wait_until(lambda: not blocked_bot(running_bot, gone.id), "the bot hears of the unblocking")
    await quick_request(person, "aktobe-city", "Второе после возвращения")
    await gone.reply_with("Второе после возвращения")


async def test_full_cycle_with_two_staff_in_a_group(
    running_bot: BotProcess, person: PersonFactory, api: LocalBotApi
) -> None:
    binder = await make_staff(running_bot, person, "abai-semey", "Марат")
    colleague = await make_staff(running_bot, person, "abai-semey", "Сәуле")
    group = LocalGroup(api, -100888, "Семей ОҚО")
    await binder.send("/bind", group=group)
    await group.reply_with("Абай облысының")
    api.fail_next("sendMessage", chat_id=group.chat_id, retry_after=1)  # the group is over its limit once
    citizen = person("ru")
    await citizen.send("/start c_abai-semey")
    await citizen.reply()
    await citizen.click("Русский")
    for _ in range(3):
        await citizen.reply()
    await citizen.click("Обратиться в этот центр")
    await citizen.reply()
    await citizen.click("Психологическая помощь")
    await citizen.reply_with("Опишите ситуацию")
    await citizen.send("Подросток не разговаривает с нами")
    await citizen.reply_with("Как центру связаться")
    await citizen.click("Ответьте мне здесь")
    await citizen.click("Только после 18:00", await citizen.reply_with("безопасно связаться"))
    await citizen.click("Согласен", await citizen.reply_with("Согласие"))
    await citizen.click("Отправить", await citizen.reply_with("Проверьте"))
    await citizen.reply_with("отправлено в")

    notice = await group.reply_with("Подросток")
    assert [r.code for r in api.refusals].count(429) == 1  # refused once, delivered after retry_after
    api.refusals[:] = [r for r in api.refusals if r.code != 429]
    await colleague.click("Алу", notice)
    assert "Алған: Сәуле" in message_text(await group.edit())
    await binder.click("Жауап беру", notice)
    prompt = await group.reply_with("бір хабарламамен")
    assert binder.reply_box(group) == prompt and colleague.reply_box(group) is None
    long_answer = "Сізге көмектесеміз. " + "Толығырақ түсіндірейін. " * 170
    assert len(long_answer) > 4000
    await binder.type_in_group(long_answer, group)  # into the reply box the prompt opened for them
    await group.reply_with("Жіберілді")
    await citizen.reply_with("специалист работает")
    header = await citizen.reply_with("Центр поддержки семьи области Абай")
    parts = [message_text(await citizen.reply()), message_text(await citizen.reply())]
    assert "".join(parts) == long_answer  # more than one message can hold, arrived whole and in order
    assert message_text(header).startswith("Центр поддержки семьи области Абай · R-")
    await citizen.click("Ответить")
    await citizen.reply_with("Напишите ответ")
    await citizen.send("Спасибо, придём")
    assert "Спасибо, придём" in message_text(await group.reply_with("өтініш иесі жауап берді"))
    await colleague.click("Шешілді", notice)
    rating = await citizen.reply_with("решено")
    await citizen.click("⭐⭐⭐⭐", rating)
    await citizen.reply_with("Спасибо!")
