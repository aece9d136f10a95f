"""handlers/staff_roster.py (/staff) through the dispatcher, in both languages and on both databases: choosing a
center, the staff list, an invite, the removal with its confirmation (requests back in the queue, the center told
numbers only, the leaver's rights and menu gone at once), refusals of non-admins and forged buttons, the command
menus of staff and admins, and a crowd of takes racing a removal."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, SetMyCommands
from aiogram.types import BotCommandScopeChat

from tests.handlers.conftest import ADMIN_ID, World, texts
from tests.handlers.test_staff import (
    GROUP,
    NOT_ALLOWED,
    ZHANUYA,
    Member,
    admin,
    alert,
    ask,
    audit,
    bind_group,
    buttons,
    center,
    outbox,
    person,
    staff_member,
    with_bot_username,
)

LEAVER = 41
COLLEAGUE = 42
ADMINS_ONLY = {"kk": "Бұл команда әкімшілерге арналған.", "ru": "Эта команда для администраторов."}
NOT_ON_STAFF = {"kk": "Бұл адам ол орталықтың қызметкері емес", "ru": "Этот человек не работает (или уже не работает)"}
BUTTON_GONE = {"kk": "Бұл батырма енді жұмыс істемейді", "ru": "Эта кнопка больше не действует"}
REMOVE_ASK = {"kk": "қызметкерлер қатарынан шығарылсын ба?", "ru": "Удалить Айгүл из сотрудников?"}
YES = {"kk": "✅ Иә, шығару", "ru": "✅ Да, удалить"}
NO = {"kk": "↩️ Жоқ, қалдыру", "ru": "↩️ Нет, оставить"}
INVITE = {"kk": "➕ Шақыру", "ru": "➕ Пригласить"}
BACK_IN_QUEUE = {"kk": "↩️ Кезекке қайтты", "ru": "↩️ Вернулось в очередь"}


async def named_staff(world: World, user_id: int, slug: str, name: str, username: str | None = None) -> Member:
    """A Kazakh-speaking staff member whose Telegram name and username were kept when they joined."""
    member = await staff_member(world, user_id, slug, "kk", name)
    await world.helpdesk.staff.add(user_id, (await center(world, slug)).id, name, username)
    return member  # type: ignore[return-value]


def edits(calls: list[Any]) -> list[EditMessageText]:
    return [call for call in calls if isinstance(call, EditMessageText)]


def last_text(calls: list[Any]) -> str:
    """The text of the last message sent or edited by these calls."""
    return [call for call in calls if isinstance(call, SendMessage | EditMessageText)][-1].text


def menus(calls: list[Any], chat_id: int) -> list[list[str]]:
    """The command menus set for a chat's scope, each as its list of commands."""
    return [
        [command.command for command in call.commands]
        for call in calls
        if isinstance(call, SetMyCommands)
        and isinstance(call.scope, BotCommandScopeChat)
        and call.scope.chat_id == chat_id
    ]


# ---- who may ----


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_staff_is_for_admins_only(world: World, locale: str) -> None:
    await named_staff(world, LEAVER, ZHANUYA, "Айгүл")
    here = await center(world, ZHANUYA)
    stranger = person(world, 51, locale)
    assert texts(await stranger.send("/staff")) == ADMINS_ONLY[locale]
    assert texts(await stranger.send(f"/staff {ZHANUYA}")) == ADMINS_ONLY[locale]
    colleague = await named_staff(world, COLLEAGUE, ZHANUYA, "Сәуле")  # staff, not admin
    for data in (
        f"Sy:{here.id}:{LEAVER}:1:0",
        f"Sr:{here.id}:{LEAVER}:0",
        f"Sc:{here.id}",
        f"Sp:{here.id}:0",
        f"Si:{here.id}",
        "Sa",
        "Sg:astana",
    ):
        refused = alert(await colleague.press(data))
        assert refused.show_alert and refused.text == ADMINS_ONLY["kk"]
    assert await world.helpdesk.staff.centers_of(LEAVER) == {here.id}
    assert await world.db.fetch_value("SELECT count(*) FROM staff_invites") == 0


# ---- choosing a center, the list ----


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_region_then_center_then_the_list(world: World, locale: str) -> None:
    await named_staff(world, LEAVER, ZHANUYA, "Айгүл <b>", "aigul")
    await named_staff(world, COLLEAGUE, ZHANUYA, "Сәуле")
    await ask(world, ZHANUYA, user_id=6001)
    request = await ask(world, ZHANUYA, user_id=6002)
    await person(world, LEAVER, "kk", "Айгүл <b>").press(f"tk:{request.id}")  # the name they act under is kept
    boss = await admin(world, locale)

    start = await boss.send("/staff")
    assert "<b>" in last_text(start) and ("Өңірді таңдаңыз" if locale == "kk" else "Выберите регион") in last_text(
        start
    )
    region = await boss.tap("Астана")
    listing = edits(region)[-1]
    zhanuya = await center(world, ZHANUYA)
    label = next(text for text, data in buttons(listing.reply_markup).items() if data == f"Sc:{zhanuya.id}")
    assert label.endswith("· 👥 2")
    shown_list = last_text(await boss.press(f"Sc:{zhanuya.id}", on=shown_message(world, boss)))
    assert zhanuya.name(locale) in shown_list and "Айгүл &lt;b&gt;" in shown_list and "@aigul" in shown_list
    assert f"id {LEAVER}" in shown_list and "Сәуле" in shown_list
    holds = {"kk": "жұмыста 1 өтініш", "ru": "в работе 1 обращение"}[locale]
    never = {"kk": "әлі әрекет жасамаған", "ru": "действий пока не было"}[locale]
    assert holds in shown_list and never in shown_list  # Сәуле has not acted yet
    labels = list(buttons(boss_last_markup(world, boss)))
    assert labels[0] == INVITE[locale] and "➖ Айгүл <b>" in labels and "➖ Сәуле" in labels


def shown_message(world: World, who: Member) -> Any:
    """The newest message the bot sent or edited in this person's chat, as a press on it carries it."""
    for call in reversed(world.session.calls):
        if getattr(call, "chat_id", None) == who.id and isinstance(call, SendMessage | EditMessageText):
            return world.session.sent.get(id(call))
    raise AssertionError("nothing was shown")


def boss_last_markup(world: World, who: Member) -> Any:
    for call in reversed(world.session.calls):
        if getattr(call, "chat_id", None) == who.id and getattr(call, "reply_markup", None) is not None:
            return call.reply_markup
    raise AssertionError("no buttons")


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_staff_by_id_an_unknown_id_and_an_empty_center(world: World, locale: str) -> None:
    boss = await admin(world, locale)
    unknown = texts(await boss.send("/staff no-such-center"))
    assert "no-such-center" in unknown and buttons(boss_last_markup(world, boss))  # the regions to choose from
    empty = texts(await boss.send("/staff mangystau-aktau"))
    assert {"kk": "Әзірге қызметкер жоқ", "ru": "Сотрудников пока нет"}[locale] in empty
    assert next(iter(buttons(boss_last_markup(world, boss)))) == INVITE[locale]


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_the_invite_button_makes_the_same_one_time_link(world: World, locale: str) -> None:
    with_bot_username(world)
    boss = await admin(world, locale)
    await boss.send("/staff karaganda-city")
    karaganda = await center(world, "karaganda-city")
    calls = await boss.tap(INVITE[locale])
    invite = texts([call for call in calls if isinstance(call, SendMessage)])
    assert karaganda.name(locale) in invite and "https://t.me/otbasy_test_bot?start=s_" in invite
    token = invite.split("start=s_")[1].split()[0]
    assert await world.db.fetch_value("SELECT center_id FROM staff_invites WHERE token = ?", (token,)) == karaganda.id

    newcomer = person(world, 61, "ru", "Жанар")  # the language chosen already: the invite opens at once
    await world.helpdesk.users.touch(61)
    await world.helpdesk.users.set_locale(61, "ru")
    joined = await newcomer.send(f"/start s_{token}")
    assert await world.helpdesk.staff.centers_of(61) == {karaganda.id}
    assert menus(joined, 61) == [["queue", "center", "groups", "roster", *menus_of_citizens(world)]]
    listing = texts(await boss.send("/staff karaganda-city"))
    assert "Жанар" in listing  # the name Telegram gave when they joined


def menus_of_citizens(world: World) -> list[str]:
    from bot.telegram.commands import COMMANDS

    return [name for name, _ in COMMANDS]


# ---- removing ----


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_remove_asks_first_then_returns_the_requests_and_tells_the_group(world: World, locale: str) -> None:
    leaver = await named_staff(world, LEAVER, ZHANUYA, "Айгүл")
    colleague = await named_staff(world, COLLEAGUE, ZHANUYA, "Сәуле")
    await bind_group(world, colleague)
    secret = "Муж угрожает, помогите"
    taken = [await ask(world, ZHANUYA, secret, user_id=6000 + n) for n in range(2)]
    untouched = await ask(world, ZHANUYA, "Ещё никто не взял", user_id=6009)
    for request in taken:
        await leaver.press(f"tk:{request.id}", group_id=GROUP)
    await world.helpdesk.requests.add_notice(taken[0].id, GROUP, 501)  # as the outbox records a delivered notice
    person_rows = len(await outbox(world, 6000))
    here = await center(world, ZHANUYA)
    boss = await admin(world, locale)

    await boss.send(f"/staff {ZHANUYA}")
    question = last_text(await boss.tap("➖ Айгүл"))
    assert REMOVE_ASK[locale] in question
    assert all(request.number in question for request in taken) and untouched.number not in question
    assert here.name(locale) in question and secret not in question
    assert await world.helpdesk.staff.centers_of(LEAVER) == {here.id}  # nothing happens before the confirmation

    done = await boss.tap(YES[locale])
    assert alert(done).text == "✅"
    assert "✅ Айгүл" in last_text(done) and all(request.number in last_text(done) for request in taken)
    assert "➖ Айгүл" not in buttons(boss_last_markup(world, boss)) and "➖ Сәуле" in buttons(
        boss_last_markup(world, boss)
    )
    assert menus(done, LEAVER) == [menus_of_citizens(world)]  # their menu: the citizens' commands again

    assert await world.helpdesk.staff.centers_of(LEAVER) == set()
    for request in taken:
        row = await world.helpdesk.requests.get(request.id)
        assert row is not None and (row.status, row.assignee_id) == ("new", None)
        assert (ADMIN_ID, "requeue", ZHANUYA) in await audit(world, request)  # the center, not the person
    assert (ADMIN_ID, "staff removed", f"{ZHANUYA}; back in the queue: 2") in await audit(world)
    group = await outbox(world, GROUP)
    notice = group[-1]["text"]
    assert "Айгүл" in notice and all(request.number in notice for request in taken) and secret not in notice
    edited = [row for row in group if row["method"] == "editMessageText" and row["message_id"] == 501]
    assert BACK_IN_QUEUE["kk"] in edited[-1]["text"] and "🙋 Алу" in buttons(edited[-1]["reply_markup"])
    assert len(await outbox(world, 6000)) == person_rows  # the person who wrote is told nothing new

    refused = alert(await leaver.press(f"tk:{taken[0].id}", group_id=GROUP))  # their old notice
    assert refused.show_alert and NOT_ALLOWED["kk"] in refused.text
    assert (await world.helpdesk.requests.get(taken[0].id)).status == "new"  # type: ignore[union-attr]
    queue = texts(await colleague.send("/queue"))
    assert all(request.number in queue for request in taken)

    again = alert(await boss.press(f"Sy:{here.id}:{LEAVER}:1:0"))  # the same confirmation a second time
    assert again.show_alert and NOT_ON_STAFF[locale] in again.text
    assert len([a for _, a, _ in await audit(world) if a == "staff removed"]) == 1


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_keep_changes_nothing(world: World, locale: str) -> None:
    await named_staff(world, LEAVER, ZHANUYA, "Айгүл")
    boss = await admin(world, locale)
    await boss.send(f"/staff {ZHANUYA}")
    await boss.tap("➖ Айгүл")
    kept = last_text(await boss.tap(NO[locale]))
    assert {"kk": "Ештеңе өзгерген жоқ", "ru": "Ничего не изменилось"}[locale] in kept
    assert await world.helpdesk.staff.centers_of(LEAVER) == {(await center(world, ZHANUYA)).id}


async def test_forged_removals_are_refused_politely(world: World) -> None:
    await named_staff(world, LEAVER, ZHANUYA, "Айгүл")
    here = await center(world, ZHANUYA)
    other = await center(world, "abai-semey")
    boss = await admin(world, "ru")
    for data in (
        f"Sy:{other.id}:{LEAVER}:1:0",
        f"Sr:{other.id}:{LEAVER}:0",
        f"Sy:{here.id}:999:1:0",
        "Sy:99999:41:1:0",
    ):
        refused = alert(await boss.press(data))
        assert refused.show_alert and NOT_ON_STAFF["ru"] in refused.text, data
    for data in (
        "Sy:99999999999999999999999:41:1:0",
        "Sc:abc",
        "Sg:atlantis",
        "Si:99999",
        f"Sp:{here.id}:-1",
        "Sp:99999:0",
    ):
        refused = alert(await boss.press(data))
        assert refused.show_alert and BUTTON_GONE["ru"] in refused.text, data
    assert await world.helpdesk.staff.centers_of(LEAVER) == {here.id}
    assert await world.db.fetch_value("SELECT count(*) FROM staff_invites") == 0


async def test_someone_staff_elsewhere_keeps_the_staff_menu(world: World) -> None:
    await named_staff(world, LEAVER, ZHANUYA, "Айгүл")
    await world.helpdesk.staff.add(LEAVER, (await center(world, "astana-esil")).id)
    boss = await admin(world, "ru")
    await boss.send(f"/staff {ZHANUYA}")
    await boss.tap("➖ Айгүл")
    done = await boss.tap(YES["ru"])
    assert menus(done, LEAVER) == []  # still staff of another center: their menu stays
    assert await world.helpdesk.staff.centers_of(LEAVER) == {(await center(world, "astana-esil")).id}


# ---- menus when the language is chosen ----


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_a_language_change_keeps_the_staff_and_admin_commands(world: World, locale: str) -> None:
    staff = await named_staff(world, LEAVER, ZHANUYA, "Айгүл")
    boss = await admin(world, "kk")
    staff_menu = menus(await staff.press(f"lang:{locale}"), LEAVER)
    assert staff_menu == [["queue", "center", "groups", "roster", *menus_of_citizens(world)]]
    admin_menu = menus(await boss.press(f"lang:{locale}"), ADMIN_ID)
    assert admin_menu[0][:8] == ["queue", "center", "groups", "roster", "staff", "invite", "stats", "console"]
    citizen = person(world, 77, locale)
    assert menus(await citizen.press(f"lang:{locale}"), 77) == [menus_of_citizens(world)]
    descriptions = [
        call
        for call in world.session.calls
        if isinstance(call, SetMyCommands) and call.scope.chat_id == ADMIN_ID  # type: ignore[union-attr]
    ][-1].commands
    staff_line = next(command.description for command in descriptions if command.command == "staff")
    assert (
        staff_line
        == {
            "kk": "Орталықтар қызметкерлері: тізім, шақыру, шығару",
            "ru": "Сотрудники центров: список, приглашение, удаление",
        }[locale]
    )


# ---- a crowd ----


async def test_two_hundred_takes_racing_the_removal_leave_nothing_with_the_leaver(world: World) -> None:
    """The leaver presses Take on 200 requests while the admin confirms their removal in the same moment: every
    take before the removal is returned by it, every one after is refused; no request is lost or left with them.
    The first hundred press at once, the next fifty while the removal is on its way (either side of it), the last
    fifty once it is done, so that both sides are pressed on whatever the scheduling."""
    leaver = await named_staff(world, LEAVER, ZHANUYA, "Айгүл")
    here = await center(world, ZHANUYA)
    requests = [await ask(world, ZHANUYA, f"Вопрос {n}", user_id=7000 + n) for n in range(200)]
    boss = await admin(world, "ru")

    first_taken, removing, removed = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def take(index: int, request_id: int) -> None:
        if index >= 150:
            await removed.wait()
        elif index >= 100:
            await removing.wait()
        await leaver.press(f"tk:{request_id}")
        first_taken.set()

    async def remove() -> None:
        await first_taken.wait()  # the first hundred are pressing
        removing.set()
        await boss.press(f"Sy:{here.id}:{LEAVER}:1:0")
        removed.set()

    await asyncio.gather(*(take(index, request.id) for index, request in enumerate(requests)), remove())

    rows = await world.db.fetch_all(
        "SELECT status, assignee_id FROM help_requests WHERE center_id = ? ORDER BY id", (here.id,)
    )
    assert len(rows) == 200 and all(tuple(row) == ("new", None) for row in rows)
    assert await world.helpdesk.staff.centers_of(LEAVER) == set()
    answers = [call for call in world.session.calls if isinstance(call, AnswerCallbackQuery)]
    took = sum(1 for call in answers if call.text == "🙋")
    refused = sum(1 for call in answers if call.text and NOT_ALLOWED["kk"] in call.text)
    assert took + refused == 200 and took > 0 and refused > 0  # both sides of the removal were pressed on
    returned = [row[0] for row in await world.db.fetch_all("SELECT request_id FROM audit_log WHERE action = 'requeue'")]
    assert len(returned) == took and len(set(returned)) == took


# ---- a long list: pages ----


def long_name(number: int) -> str:
    """A first name as long as Telegram allows (64), that escaping makes longer still."""
    return f"{number:02d} " + "&<>" * 20 + "a"


def markup_of(calls: list[Any]) -> Any:
    return [call for call in calls if isinstance(call, SendMessage | EditMessageText)][-1].reply_markup


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_a_long_staff_list_comes_in_pages_each_under_telegrams_limits(world: World, locale: str) -> None:
    """60 people with the longest names: every page's text stays under 4096 characters, every button's data under
    64 bytes, and walking the pages forward and back shows each person once, each with a remove button."""
    here = await center(world, ZHANUYA)
    people = {7_000_000_000 + number: long_name(number) for number in range(60)}
    for user_id, name in people.items():
        await world.helpdesk.staff.add(user_id, here.id, name, "u" * 32)
    boss = await admin(world, locale)

    calls = await boss.send(f"/staff {ZHANUYA}")
    pages, seen, removable = 0, [], set()
    while True:
        pages += 1
        text, markup = last_text(calls), markup_of(calls)
        assert len(text) < 4096
        datas = buttons(markup)
        assert all(len(data.encode()) <= 64 for data in datas.values())
        on_page = [user_id for user_id in people if f"id {user_id}" in text]
        seen += on_page
        removable |= {int(data.split(":")[2]) for data in datas.values() if data.startswith("Sr:")}
        assert {int(data.split(":")[2]) for data in datas.values() if data.startswith("Sr:")} == set(on_page)
        if "▶️" not in datas:
            break
        assert pages < 60
        calls = await boss.press(datas["▶️"], on=shown_message(world, boss))
    assert pages > 2 and seen == list(people) and removable == set(people)  # each once, in order
    assert "◀️" in buttons(markup) and "–60" in text.split("\n")[-1]  # the last page: "55–60 of 60"
    back = await boss.press(buttons(markup)["◀️"], on=shown_message(world, boss))
    assert len(last_text(back)) < 4096 and "▶️" in buttons(markup_of(back))

    # A removal asked from a later page comes back to that page.
    last_id = list(people)[-1]
    at = next(data for data in buttons(markup).values() if data.startswith(f"Sr:{here.id}:{last_id}:")).split(":")[3]
    assert int(at) > 0
    await boss.press(f"Sr:{here.id}:{last_id}:{at}")
    done = await boss.tap(YES[locale])
    assert "✅" in last_text(done) and len(last_text(done)) < 4096
    assert f"id {last_id}" not in last_text(done) and f"id {list(people)[-2]}" in last_text(done)
    assert f"id {next(iter(people))}" not in last_text(done)  # still the later page, not the first
