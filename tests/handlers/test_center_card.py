"""handlers/center_card.py through the dispatcher: staff keep their center's card current (/center, «🏢 My
center»), in Kazakh and Russian. Checked where it matters: the center's row, the audit log, the card a citizen is
shown, what the staff member is answered; refusals (a non-staff person, another center's staff, forged buttons),
bad input keeping the draft, and a stale confirmation that must not overwrite a colleague's change."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import Message

from bot.center_card import rules
from bot.center_card.callbacks import CardConfirmCb, CardDayCb, CardPhoneCb, CardSectionCb, CardTimeCb
from bot.center_card.desk import CenterCardDesk
from bot.center_card.models import CardError, StaleEdit, field_values
from bot.directory.models import Center
from bot.requests.models import NewRequest
from tests.handlers.conftest import ADMIN_ID, Person, World, buttons, keyboard, texts

ZHANUYA = "astana-zhanuya"
ESIL = "astana-esil"
ZONE = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZONE)  # a Wednesday, the center open

STAFF_ONLY = {"kk": "орталық қызметкерлеріне арналған", "ru": "для сотрудников центров"}
NOT_YOURS = {"kk": "Тек өз орталығыңыздың", "ru": "только карточку своего центра"}
GONE = {"kk": "Бұл батырма енді жұмыс істемейді", "ru": "Эта кнопка больше не действует"}


class Member(Person):
    """A Person whose send and press return only what their own update made the bot do."""

    async def send(self, text: str, group_id: int | None = None, **extra: Any) -> list[Any]:
        self.new_calls()
        return await super().send(text, group_id, **extra)

    async def press(self, data: str, on: Message | None = None, group_id: int | None = None) -> list[Any]:
        self.new_calls()
        return await super().press(data, on, group_id)

    async def tap(self, label: str) -> list[Any]:
        self.new_calls()
        return await super().tap(label)


def alerts(calls: list[Any]) -> str:
    return "\n".join(str(getattr(call, "text", "") or "") for call in calls if getattr(call, "show_alert", False))


async def center(world: World, slug: str) -> Center:
    found = await world.helpdesk.centers.by_slug(slug)
    assert found is not None
    return found


async def staff(world: World, user_id: int, slug: str = ZHANUYA, locale: str = "kk") -> Member:
    await world.helpdesk.staff.add(user_id, (await center(world, slug)).id)
    await world.helpdesk.users.touch(user_id)
    await world.helpdesk.users.set_locale(user_id, locale)
    return Member(world, user_id, locale, "Staff")


async def citizen(world: World, user_id: int, locale: str = "ru") -> Member:
    await world.helpdesk.users.touch(user_id)
    await world.helpdesk.users.set_locale(user_id, locale)
    return Member(world, user_id, locale, "Citizen")


async def audit_rows(world: World) -> list[tuple[int, str, str]]:
    rows = await world.db.fetch_all(
        "SELECT actor_id, action, detail FROM audit_log WHERE action LIKE 'center %' ORDER BY id"
    )
    return [(row[0], row[1], row[2]) for row in rows]


@pytest.fixture(autouse=True)
def pinned_clock(world: World) -> None:
    world.db.clock.set(NOW)


# ---- hours with buttons, in both languages ----


async def test_kazakh_staff_closes_saturday_with_buttons(world: World) -> None:
    aigul = await staff(world, 8101, locale="kk")
    shown = await aigul.send("/center")
    assert "Орталығыңыздың карточкасы" in texts(shown) and "Бейбітшілік көшесі, 11" in texts(shown)
    assert "🕘 Жұмыс уақыты" in buttons(shown)
    hours = await aigul.tap("🕘 Жұмыс уақыты")
    assert "Сб: 10:00–14:00" in texts(hours) and "Жс: демалыс" in texts(hours)
    await aigul.tap("Сб")
    closed = await aigul.tap("🚫 Бұл күні жабық")
    assert "✅ Сенбі: демалыс" in texts(closed)
    review = await aigul.tap("Тексеріп")
    text = texts(review)
    assert "<b>Бұрын:</b>" in text and "Сб 10:00–14:00" in text.split("Кейін")[0]
    assert "Дс–Жм 09:00–18:00, түскі үзіліс 13:00–14:00" in text.split("Кейін")[1]
    assert "Сб" not in text.split("Кейін")[1]
    saved = await aigul.tap("✅ Растау")
    assert "✅ Сақталды" in texts(saved)

    after = await center(world, ZHANUYA)
    assert after.schedule == "mon-fri 09:00-18:00 break 13:00-14:00"
    assert after.hours_kk == "Дс–Жм 09:00–18:00, түскі үзіліс 13:00–14:00"
    assert after.hours_ru == "Пн–Пт 09:00–18:00, обед 13:00–14:00"
    assert await audit_rows(world) == [(8101, "center hours", ZHANUYA)]
    # A citizen's card shows it at once, and the open-now state follows the same hours.
    world.db.clock.set(datetime(2026, 11, 28, 11, 0, tzinfo=ZONE))  # a Saturday
    card = texts(await (await citizen(world, 8200)).send(f"/start c_{ZHANUYA}"))
    assert "Пн–Пт 09:00–18:00, обед 13:00–14:00" in card and "Сб 10:00" not in card
    assert "🔴 Сейчас закрыто, откроется" in card


async def test_russian_staff_sets_monday_with_a_break(world: World) -> None:
    olga = await staff(world, 8102, locale="ru")
    await olga.send("/center")
    await olga.tap("🕘 Часы работы")
    asked = await olga.tap("Пн")
    assert "<b>Понедельник</b>, сейчас: 09:00–18:00 (13:00–14:00)" in texts(asked)
    await olga.tap("08:00")
    await olga.tap("17:00")
    done = await olga.tap("12:00–13:00")
    assert "✅ Понедельник: 08:00–17:00 (12:00–13:00)" in texts(done)
    review = await olga.tap("Проверить и сохранить")
    assert "Пн 08:00–17:00, обед 12:00–13:00; Вт–Пт 09:00–18:00" in texts(review)
    await olga.tap("✅ Подтвердить")
    after = await center(world, ZHANUYA)
    assert after.schedule.startswith("mon 08:00-17:00 break 12:00-13:00; tue-fri 09:00-18:00 break 13:00-14:00")
    assert after.hours_ru.startswith("Пн 08:00–17:00, обед 12:00–13:00; Вт–Пт")
    # The finder reads the directory afresh: the citizen's search shows the new hours.
    reader = await citizen(world, 8201)
    found = await reader.send("Астана")
    assert "Жанұя" in texts(found)
    card = await reader.tap("Жанұя")
    assert "Пн 08:00–17:00, обед 12:00–13:00" in texts(card)


async def test_weekdays_at_once_and_the_typed_line(world: World) -> None:
    olga = await staff(world, 8103, locale="ru")
    await olga.send("/center")
    await olga.tap("🕘 Часы работы")
    await olga.tap("Пн–Пт")
    await olga.send("8:30")
    await olga.send("17.30")
    done = await olga.tap("Без перерыва")
    assert "✅ Пн–Пт: 08:30–17:30" in texts(done)
    # The line, typed at the menu, replaces the whole week and goes to the review.
    review = await olga.send("mon-sat 10:00-19:00")
    assert "Пн–Сб 10:00–19:00" in texts(review) and "Подтвердить" in " ".join(buttons(review))
    await olga.tap("✅ Подтвердить")
    assert (await center(world, ZHANUYA)).schedule == "mon-sat 10:00-19:00"


async def test_bad_times_are_answered_and_the_draft_is_kept(world: World) -> None:
    olga = await staff(world, 8104, locale="ru")
    await olga.send("/center")
    await olga.tap("🕘 Часы работы")
    await olga.tap("Сб")
    await olga.tap("🚫 В этот день закрыто")  # a first change, kept through the mistakes below
    await olga.tap("Пн")
    wrong = await olga.send("25:00")
    assert "«25:00» — это не время суток" in texts(wrong) and "сохранено" in texts(wrong)
    assert await olga.state() == "CardEditing:hours"
    await olga.send("09:00")
    await olga.send("18:00")
    outside = await olga.send("07:00-08:00")
    assert "Перерыв 07:00–08:00 должен быть внутри часов работы" in texts(outside)
    nonsense = await olga.send("обед")
    assert "это не перерыв" in texts(nonsense)
    done = await olga.send("13:00-13:30")
    assert "✅ Понедельник: 09:00–18:00 (13:00–13:30)" in texts(done)
    assert "Сб: выходной" in texts(done)  # the Saturday change is still there
    bad_line = await olga.send("every day from nine")
    assert "Не удалось прочитать эту строку" in texts(bad_line)
    review = await olga.tap("Проверить и сохранить")
    assert "Пн 09:00–18:00, обед 13:00–13:30; Вт–Пт" in texts(review)
    # Kazakh, too.
    aigul = await staff(world, 8105, locale="kk")
    await aigul.send("/center")
    await aigul.tap("🕘 Жұмыс уақыты")
    await aigul.tap("Дс")
    assert "«24:30» — уақыт емес" in texts(await aigul.send("24:30"))


async def test_all_days_closed_is_refused(world: World) -> None:
    olga = await staff(world, 8106, slug=ESIL, locale="ru")
    await olga.send("/center")
    await olga.tap("🕘 Часы работы")
    await olga.tap("Пн–Пт")
    await olga.tap("🚫 В этот день закрыто")
    refused = await olga.tap("Проверить и сохранить")
    assert "Хотя бы один день должен быть рабочим" in alerts(refused)
    assert (await center(world, ESIL)).schedule == "mon-fri 09:00-18:00 break 13:00-14:00"


# ---- holidays, notice, phones, address, services ----


async def test_holidays_added_and_removed(world: World) -> None:
    aigul = await staff(world, 8111, locale="kk")
    await aigul.send("/center")
    shown = await aigul.tap("📅 Демалыс күндері")
    assert "16.12.2026" in texts(shown)
    added = await aigul.send("1.12, 2026-12-02")
    assert "01.12.2026, 02.12.2026, 16.12.2026" in texts(added)
    past = await aigul.send("01.01.2020")
    assert "01.01.2020 өтіп кетті" in texts(past) and "01.12.2026" in texts(past)
    wrong = await aigul.send("31.02")
    assert "«31.02» — күн емес" in texts(wrong)
    await aigul.tap("❌ 16.12.2026")
    review = await aigul.tap("Тексеріп")
    assert "Бұрын:" in texts(review)
    await aigul.tap("✅ Растау")
    holidays = (await center(world, ZHANUYA)).holidays
    assert "2026-12-01;2026-12-02;2026-12-17" in holidays and "2026-12-16" not in holidays
    assert await audit_rows(world) == [(8111, "center holidays", ZHANUYA)]


async def test_notice_for_today_shows_on_the_card_then_expires(world: World) -> None:
    olga = await staff(world, 8112, locale="ru")
    await olga.send("/center")
    await olga.tap("📢 Объявление")
    asked = await olga.send("Сегодня закрыто, звоните <+7 701 123 45 67>")
    assert "До какого дня его показывать?" in texts(asked) and "&lt;+7 701" in texts(asked)
    review = await olga.tap("Только сегодня")
    assert "до 25.11.2026 включительно" in texts(review)
    await olga.tap("✅ Подтвердить")
    reader = await citizen(world, 8202)
    card = await reader.send(f"/start c_{ZHANUYA}")
    assert "📢 <b>Сегодня закрыто, звоните &lt;+7 701 123 45 67&gt;</b>" in texts(card)
    world.db.clock.set(NOW + timedelta(days=1))
    assert "Сегодня закрыто" not in texts(await reader.send(f"/start c_{ZHANUYA}"))
    # Until a date, typed; a past date is refused and the text kept.
    await olga.send("/center")
    await olga.tap("📢 Объявление")
    await olga.send("Ремонт")
    await olga.tap("До определённой даты")
    past = await olga.send("01.11.2026")
    assert "уже прошло" in texts(past)
    review = await olga.send("30.11")
    assert "«Ремонт» (до 30.11.2026 включительно)" in texts(review)
    await olga.tap("✅ Подтвердить")
    assert "📢 <b>Ремонт</b>" in texts(await reader.send(f"/start c_{ZHANUYA}"))
    # And removed.
    await olga.send("/center")
    await olga.tap("📢 Объявление")
    await olga.tap("Убрать объявление")
    await olga.tap("✅ Подтвердить")
    assert "Ремонт" not in texts(await reader.send(f"/start c_{ZHANUYA}"))
    assert [row[1] for row in await audit_rows(world)] == ["center notice"] * 3


async def test_phones_validated_normalised_and_one_kept(world: World) -> None:
    aigul = await staff(world, 8113, locale="kk")
    await aigul.send("/center")
    await aigul.tap("☎️ Телефондар")
    wrong = await aigul.send("12345")
    assert "«12345» — жарамды қазақстандық телефон нөмірі емес" in texts(wrong)
    added = await aigul.send("8 (701) 123-45-67")
    assert "+7 701 123 45 67" in texts(added)
    landline = await aigul.send("87172123456")
    assert "+7 7172 12 34 56" in texts(landline)
    twice = await aigul.send("+77011234567")
    assert "карточкада бар" in texts(twice)
    await aigul.tap("❌ +7 (7172) 00-00-01")
    await aigul.tap("❌ +7 7172 12 34 56")
    last = await aigul.press(CardPhoneCb(center=(await center(world, ZHANUYA)).id, index=0).pack())
    assert "кемінде бір телефон" in alerts(last)
    await aigul.tap("Тексеріп")
    await aigul.tap("✅ Растау")
    assert (await center(world, ZHANUYA)).phones == ("+7 701 123 45 67",)


async def test_address_and_services(world: World) -> None:
    olga = await staff(world, 8114, locale="ru")
    await olga.send("/center")
    await olga.tap("📍 Адрес")
    short = await olga.send("ab")
    assert "от 3 до 200 символов" in texts(short)
    await olga.send("Бейбітшілік көшесі, 13")
    review = await olga.tap("Оставить как есть")
    assert "на казахском: Бейбітшілік көшесі, 13" in texts(review)
    await olga.tap("✅ Подтвердить")
    after = await center(world, ZHANUYA)
    assert (after.address_kk, after.address_ru) == ("Бейбітшілік көшесі, 13", "ул. Бейбитшилик, 11")

    await olga.send("/center")
    await olga.tap("🧩 Услуги")
    await olga.tap("юридическая консультация")
    review = await olga.tap("Проверить и сохранить")
    assert "юридическая" in texts(review).split("Станет")[0] and "юридическая" not in texts(review).split("Станет")[1]
    await olga.tap("✅ Подтвердить")
    assert "legal" not in (await center(world, ZHANUYA)).services
    assert [row[1] for row in await audit_rows(world)] == ["center address", "center services"]


FORMULA_REFUSED = [("kk", "«=» белгісінен басталмайды", "Бұрынғыдай қалдыру"),
                   ("ru", "не может начинаться с «=»", "Оставить как есть")]  # fmt: skip


@pytest.mark.parametrize(("locale", "refusal", "keep"), FORMULA_REFUSED)
async def test_an_address_a_spreadsheet_would_run_is_refused(
    world: World, locale: str, refusal: str, keep: str
) -> None:
    """An address starting with = + - or @ would run as a formula when a coordinator opens the centers CSV."""
    member = await staff(world, 8116 if locale == "kk" else 8117, locale=locale)
    await member.send("/center")
    await member.tap("📍")
    for typed in ('=HYPERLINK("http://evil.example","x")', "+7+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"):
        refused = await member.send(typed)
        assert refusal.replace("=", typed[0]) in texts(refused)
        assert await member.state() == "CardEditing:address_kk"  # asked again, the draft kept
    await member.send("Бейбітшілік көшесі, 13")
    assert await member.state() == "CardEditing:address_ru"
    refused = await member.send("=1+1")
    assert refusal in texts(refused) and await member.state() == "CardEditing:address_ru"
    review = await member.tap(keep)
    assert "Бейбітшілік көшесі, 13" in texts(review)


async def test_long_holiday_input_is_refused_briefly_and_the_list_capped(world: World) -> None:
    """Whatever is typed (Telegram allows 4096 characters), every answer stays within Telegram's limit, echoes at
    most 40 characters of it, and a card never holds more than HOLIDAYS_MAX upcoming holidays."""
    olga = await staff(world, 8118, locale="ru")
    await olga.send("/center")
    await olga.tap("📅")
    garbage = await olga.send("x" * 4096)
    assert "«" + "x" * 39 + "…» — это не дата" in texts(garbage) and "x" * 41 not in texts(garbage)
    mixed = await olga.send("01.12 " + "y" * 4000)
    assert "y" * 41 not in texts(mixed) and "01.12.2026" not in texts(mixed)  # nothing of a refused line is added
    held = rules.upcoming_holidays((await center(world, ZHANUYA)).holidays, NOW.date())
    free = [day for n in range(400) if (day := (datetime(2027, 4, 1) + timedelta(days=n)).date()) not in held]
    many = ", ".join(day.strftime("%d.%m.%Y") for day in free[: rules.HOLIDAYS_MAX + 200])
    assert len(many) <= 4096
    too_many = await olga.send(many)
    assert f"не больше {rules.HOLIDAYS_MAX} предстоящих" in texts(too_many)
    assert free[0].strftime("%d.%m.%Y") not in texts(too_many)
    # Up to the cap, in several messages, with the holidays the card holds already.
    dates = [day.strftime("%d.%m.%Y") for day in free[: rules.HOLIDAYS_MAX - len(held)]]
    await olga.send(", ".join(dates[:30]))
    full = await olga.send(", ".join(dates[30:]))
    assert dates[-1] in texts(full) and "не больше" not in texts(full)
    over = await olga.send("31.12.2027")
    assert f"не больше {rules.HOLIDAYS_MAX}" in texts(over) and "31.12.2027" not in texts(over)
    review = await olga.tap("Проверить и сохранить")
    assert dates[-1] in texts(review)
    await olga.tap("✅ Подтвердить")
    upcoming = rules.upcoming_holidays((await center(world, ZHANUYA)).holidays, NOW.date())
    assert len(upcoming) == rules.HOLIDAYS_MAX


async def test_a_long_time_typed_is_echoed_briefly(world: World) -> None:
    aigul = await staff(world, 8119, locale="kk")
    await aigul.send("/center")
    await aigul.tap("🕘 Жұмыс уақыты")
    await aigul.tap("Дс")
    wrong = await aigul.send("9" * 4096)
    assert "«" + "9" * 39 + "…» — уақыт емес" in texts(wrong)
    await aigul.send("09:00")
    await aigul.send("18:00")
    assert "9" * 41 not in texts(await aigul.send("1" * 4096))  # a break


async def test_nothing_changed_is_said_and_discard_keeps_the_card(world: World) -> None:
    aigul = await staff(world, 8115, locale="kk")
    await aigul.send("/center")
    await aigul.tap("🧩 Қызметтер")
    assert "Әзірге ештеңе өзгерген жоқ" in alerts(await aigul.tap("Тексеріп"))
    await aigul.tap("Ата-аналар академиясы")
    await aigul.tap("Тексеріп")
    dropped = await aigul.tap("✖️ Бас тарту")
    assert "Өзгеріс алынып тасталды" in texts(dropped)
    assert "parents_academy" in (await center(world, ZHANUYA)).services
    assert await audit_rows(world) == []


# ---- who may ----


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_a_person_who_is_not_staff_is_refused(world: World, locale: str) -> None:
    person = await citizen(world, 8301, locale)
    assert STAFF_ONLY[locale] in texts(await person.send("/center"))
    assert STAFF_ONLY[locale] in texts(await person.send(f"/center {ZHANUYA}"))
    zhanuya = await center(world, ZHANUYA)
    forged = await person.press(CardSectionCb(center=zhanuya.id, section="hours").pack())
    assert STAFF_ONLY[locale] in alerts(forged)
    forged = await person.press(CardConfirmCb(center=zhanuya.id, ok=True).pack())
    assert STAFF_ONLY[locale] in alerts(forged)
    assert "🏢" not in " ".join(keyboard(await person.send("/menu")))
    assert await audit_rows(world) == []


@pytest.mark.parametrize("locale", ["kk", "ru"])
async def test_staff_of_another_center_is_refused_on_every_action(world: World, locale: str) -> None:
    other = await staff(world, 8302, slug=ESIL, locale=locale)
    zhanuya = await center(world, ZHANUYA)
    shown = await other.send("/center")
    assert "Есіл" in texts(shown) or "Есиль" in texts(shown)  # their own center
    assert NOT_YOURS[locale] in texts(await other.send(f"/center {ZHANUYA}"))
    # Their own hours dialog open, they forge every button with the other center's id.
    await other.tap("🕘")
    for data in (
        CardSectionCb(center=zhanuya.id, section="hours").pack(),
        CardDayCb(center=zhanuya.id, day=0).pack(),
        CardTimeCb(center=zhanuya.id, step="o", a=-1).pack(),
        CardPhoneCb(center=zhanuya.id, index=0).pack(),
        CardConfirmCb(center=zhanuya.id, ok=True).pack(),
        f"Ev:{zhanuya.id}:legal",
        f"Eh:{zhanuya.id}:2026-12-16",
        f"En:{zhanuya.id}:remove",
        f"Ek:{zhanuya.id}",
        f"Er:{zhanuya.id}",
        f"Ec:{zhanuya.id}",
    ):
        assert NOT_YOURS[locale] in alerts(await other.press(data)), data
    # Data that does not parse reaches no handler of ours: the catch-all answers it.
    for data in ("Es:abc:hours", f"Es:{zhanuya.id}:everything", "Et:1:o:99999", "Ey:99999999999999999999999:1"):
        assert GONE[locale] in alerts(await other.press(data)), data
    assert await center(world, ZHANUYA) == zhanuya
    assert await audit_rows(world) == []


async def test_a_confirm_by_someone_removed_from_the_staff_is_refused(world: World) -> None:
    olga = await staff(world, 8303, locale="ru")
    await olga.send("/center")
    await olga.tap("🧩 Услуги")
    await olga.tap("юридическая консультация")
    await olga.tap("Проверить и сохранить")
    await world.db.execute("DELETE FROM staff WHERE user_id = ?", (8303,))
    refused = await olga.tap("✅ Подтвердить")
    assert STAFF_ONLY["ru"] in alerts(refused)
    assert "legal" in (await center(world, ZHANUYA)).services


async def test_admin_picks_any_center(world: World) -> None:
    await world.helpdesk.users.touch(ADMIN_ID)
    await world.helpdesk.users.set_locale(ADMIN_ID, "ru")
    admin = Member(world, ADMIN_ID, "ru", "Admin")
    picker = await admin.send("/center")
    assert "Выберите центр" in texts(picker) and "Центр поддержки семьи района Есиль" in buttons(picker)
    card = await admin.tap("Центр поддержки семьи района Есиль")
    assert "пр. Мангилик Ел, 30" in texts(card)
    assert "ул. Бейбитшилик, 11" in texts(await admin.send(f"/center {ZHANUYA}"))
    assert GONE["ru"] in texts(await admin.send("/center nowhere-at-all"))
    assert "🏢 Мой центр" in keyboard(await admin.send("/menu"))


async def test_staff_with_two_centers_picks_one_and_the_menu_button(world: World) -> None:
    aigul = await staff(world, 8304, locale="kk")
    await world.helpdesk.staff.add(8304, (await center(world, ESIL)).id)
    menu = await aigul.send("/menu")
    assert "🏢 Менің орталығым" in keyboard(menu) and "👥 Курс топтары" in keyboard(menu)
    picker = await aigul.send("🏢 Менің орталығым")
    assert len(buttons(picker)) == 2


async def test_commands_leave_the_dialog_and_sos_keeps_it(world: World) -> None:
    olga = await staff(world, 8305, locale="ru")
    await olga.send("/center")
    await olga.tap("🕘 Часы работы")
    await olga.tap("Сб")
    sos = await olga.send("/sos")
    assert "112" in texts(sos) and await olga.state() == "CardEditing:hours"
    menu_button = await olga.send("🆘 Экстренные номера")
    assert "112" in texts(menu_button) and await olga.state() == "CardEditing:hours"
    queue = await olga.send("/queue")  # another router's command passes through the dialog
    assert "Открытых обращений нет" in texts(queue) and "время суток" not in texts(queue)
    await olga.send("/center")
    await olga.tap("🕘 Часы работы")
    await olga.send("/cancel")
    assert await olga.state() is None
    assert "время" not in texts(await olga.send("10:00"))  # no longer read as an hour


# ---- two at once ----


async def test_a_stale_confirm_shows_the_card_again_and_writes_nothing(world: World) -> None:
    first = await staff(world, 8401, locale="ru")
    second = await staff(world, 8402, locale="kk")
    for member, hours in ((first, "🕘 Часы работы"), (second, "🕘 Жұмыс уақыты")):
        await member.send("/center")
        await member.tap(hours)
    await first.send("mon-fri 08:00-17:00")
    await second.send("daily 10:00-20:00")
    await first.tap("✅ Подтвердить")
    stale = await second.tap("✅ Растау")
    assert "Осы арада карточка өзгерді" in texts(stale) and "Дс–Жм 08:00–17:00" in texts(stale)
    after = await center(world, ZHANUYA)
    assert after.schedule == "mon-fri 08:00-17:00"
    assert await audit_rows(world) == [(8401, "center hours", ZHANUYA)]
    # A different field saved meanwhile does not make an hours edit stale.
    await second.send("/center")
    await second.tap("🕘 Жұмыс уақыты")
    await second.send("daily 10:00-20:00")
    await first.send("/center")
    await first.tap("🧩 Услуги")
    await first.tap("юридическая консультация")
    await first.tap("Проверить и сохранить")
    await first.tap("✅ Подтвердить")
    assert "✅ Сақталды" in texts(await second.tap("✅ Растау"))
    after = await center(world, ZHANUYA)
    assert after.schedule == "daily 10:00-20:00" and "legal" not in after.services


async def test_a_crowd_of_confirms_loses_nothing_and_overwrites_nothing(world: World) -> None:
    """200 confirms at once through the desk: 6 fields, each raced for by about 33 people from the same
    before-state: exactly one per field lands, the rest are told it is stale; then 100 holiday additions that
    try again on a stale answer, as a person would, land until the card holds as many as it may."""
    desk: CenterCardDesk = world.dispatcher["center_cards"]
    zhanuya = await center(world, ZHANUYA)
    staff_ids = list(range(9000, 9200))
    for user_id in staff_ids:
        await world.helpdesk.staff.add(user_id, zhanuya.id)

    def wanted(field: str, number: int) -> dict[str, Any]:
        return {
            "hours": {"schedule": f"mon-fri 09:00-{10 + number % 12}:{number % 60:02d}"},
            "holidays": {"holidays": f"2027-{1 + number % 12:02d}-{1 + number % 28:02d}"},
            "notice": {"notice": f"Notice {number}", "notice_until": ""},
            "phones": {"phones": [f"+7 701 {100 + number:03d} 45 67"]},
            "address": {"address_kk": f"Көше {number}", "address_ru": f"Улица {number}"},
            "services": {"services": ["psychological", "legal"] if number % 2 else ["social"]},
        }[field]

    fields = ("hours", "holidays", "notice", "phones", "address", "services")

    async def one(number: int, user_id: int) -> tuple[str, int, bool]:
        field = fields[number % len(fields)]
        try:
            await desk.save(user_id, zhanuya.id, field, field_values(zhanuya, field), wanted(field, number))
        except StaleEdit:
            return field, number, False
        except CardError as error:
            assert error.code == "unchanged"  # the same after as the card: written by nobody
            return field, number, False
        return field, number, True

    results = await asyncio.gather(*(one(number, user_id) for number, user_id in enumerate(staff_ids)))
    landed = [(field, number) for field, number, ok in results if ok]
    assert sorted(field for field, _ in landed) == sorted(fields)  # one per field, no more
    after = await center(world, ZHANUYA)
    for field, number in landed:
        expected = desk.preview(field, wanted(field, number))
        assert field_values(after, field) == expected, field
    rows = await audit_rows(world)
    assert len(rows) == 6 and {row[2] for row in rows} == {ZHANUYA}

    async def add_holiday(number: int, user_id: int) -> str:
        day = (datetime(2027, 1, 1) + timedelta(days=number)).date().isoformat()
        while True:
            current = await center(world, ZHANUYA)
            before = field_values(current, "holidays")
            try:
                await desk.save(user_id, zhanuya.id, "holidays", before, {"holidays": f"{current.holidays};{day}"})
                return "landed"
            except StaleEdit:
                continue
            except CardError as error:  # the date is there already (the race above may have set it), or the card
                assert error.code in ("unchanged", "too_many_holidays")  # holds as many holidays as it may
                return error.code

    adders = staff_ids[:100]  # each stale answer is tried again: the work grows with the square of the crowd
    outcomes = await asyncio.gather(*(add_holiday(number, user_id) for number, user_id in enumerate(adders)))
    # Every addition lands until the card holds HOLIDAYS_MAX upcoming holidays, and not one more.
    upcoming = rules.upcoming_holidays((await center(world, ZHANUYA)).holidays, NOW.date())
    assert len(upcoming) == rules.HOLIDAYS_MAX
    assert outcomes.count("too_many_holidays") >= len(adders) - rules.HOLIDAYS_MAX
    assert len(await audit_rows(world)) == 6 + outcomes.count("landed")


# ---- the main menu's staff row ----

MY_CENTER = {"kk": "🏢 Менің орталығым", "ru": "🏢 Мой центр"}
DICE = {"dice": {"emoji": "🎲", "value": 3}}  # a message no dialog wants: answered with the main menu


async def test_the_staff_row_stays_after_every_menu_and_costs_a_citizen_one_query(world: World) -> None:
    """Every keyboards.main_menu() a handler sends (not only /start, /menu, /help, /cancel) gives staff their row
    and nobody else; whether someone is staff is read once a minute at most, not on each update."""
    aigul = await staff(world, 8130, locale="kk")
    reader = await citizen(world, 8230)
    new = NewRequest(reader.id, (await center(world, ZHANUYA)).id, "other", False, "telegram", "Мария", None, "ru",
                     "Нужна консультация")  # fmt: skip
    request = await world.helpdesk.submit(new)
    await aigul.press(f"sr:{request.id}")
    answered = await aigul.send("Ертең хабарласамыз")
    assert texts(answered) == "Жіберілді." and MY_CENTER["kk"] in keyboard(answered)
    assert MY_CENTER["kk"] in keyboard(await aigul.share(**DICE))
    # A citizen's menu has no such row; after their first update, none of theirs asks the database again.
    seen = world.helpdesk.staff_seen
    before = seen.misses
    for _ in range(5):
        menu = keyboard(await reader.share(**DICE))
        assert menu and not any(label in menu for label in MY_CENTER.values())
    assert seen.misses == before + 1
    world.db.clock.set(NOW + timedelta(seconds=61))  # the answer is kept a minute
    await reader.share(**DICE)
    assert seen.misses == before + 2
    # Updates in a group ask nothing.
    await aigul.send("Сәлем", group_id=-100777)
    assert seen.misses == before + 2


async def test_the_staff_row_comes_with_an_invite_and_goes_with_the_removal(world: World) -> None:
    zhanuya = await center(world, ZHANUYA)
    newcomer = await citizen(world, 8231, locale="ru")
    assert MY_CENTER["ru"] not in keyboard(await newcomer.share(**DICE))  # known as a citizen now
    token = await world.helpdesk.create_invite(zhanuya.id, ADMIN_ID, timedelta(days=1))
    joined = await newcomer.send(f"/start s_{token}")
    assert "сотрудник" in texts(joined) and MY_CENTER["ru"] in keyboard(joined)  # at once, not in a minute
    assert MY_CENTER["ru"] in keyboard(await newcomer.share(**DICE))
    await world.helpdesk.staff.remove(newcomer.id, zhanuya.id)
    assert MY_CENTER["ru"] not in keyboard(await newcomer.send("/menu"))  # /menu reads the staff table afresh
    assert MY_CENTER["ru"] not in keyboard(await newcomer.share(**DICE))
    # An admin has the row without being anyone's staff.
    boss = await citizen(world, ADMIN_ID, locale="ru")
    assert MY_CENTER["ru"] in keyboard(await boss.share(**DICE))
