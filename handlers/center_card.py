"""Staff keep their own center's card current (/center, «🏢 My center»): hours per weekday, holidays, a notice,
phones, address, services. Each change is shown as before and after and saved on Confirm (bot.center_card.desk).

Every press and every typed answer asks the desk whether this person may edit this center (the staff table, never
the button). The dialog's states take only plain typed text: commands and menu buttons pass on to their routers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.center_card import keyboards as kb
from bot.center_card import rules, views
from bot.center_card.callbacks import (
    CardCenterCb,
    CardConfirmCb,
    CardDayCb,
    CardHolidayCb,
    CardKeepCb,
    CardNoticeCb,
    CardPhoneCb,
    CardReviewCb,
    CardSectionCb,
    CardServiceCb,
    CardTimeCb,
)
from bot.center_card.desk import CenterCardDesk
from bot.center_card.models import CardError, StaleEdit, field_values
from bot.core import keyboards, texts
from bot.core.filters import ButtonText, IsStaff
from bot.directory.models import Center
from bot.requests import views as rv

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")

PICK_LIMIT = 40
MENU_BUTTONS = (
    keyboards.FIND_CENTER, keyboards.ASK_FOR_HELP, keyboards.ACADEMY, keyboards.PREMARITAL, keyboards.FAQ,
    keyboards.PROGRAMMES, keyboards.EMERGENCY, keyboards.LANGUAGE, keyboards.HELP, keyboards.SHARE_LOCATION,
    keyboards.CHOOSE_REGION, keyboards.MAIN_MENU, keyboards.QUICK_EXIT, keyboards.MY_CENTER, keyboards.COURSE_GROUPS,
)  # fmt: skip


class CardEditing(StatesGroup):
    hours = State()
    holidays = State()
    notice_text = State()
    notice_date = State()
    phones = State()
    address_kk = State()
    address_ru = State()
    services = State()
    review = State()


FIRST_STATE = {
    "hours": CardEditing.hours,
    "holidays": CardEditing.holidays,
    "notice": CardEditing.notice_text,
    "phones": CardEditing.phones,
    "address": CardEditing.address_kk,
    "services": CardEditing.services,
}


class Typed(Filter):
    """Plain typed text: not a command, not a menu button in any language (those belong to their routers)."""

    async def __call__(self, message: Message, i18n: I18n) -> bool:
        text = message.text
        if not text or text.startswith("/"):
            return False
        return not any(
            text == i18n.gettext(msgid, locale=locale) for msgid in MENU_BUTTONS for locale in i18n.available_locales
        )


# ---- opening ----


@router.message(Command("center"), IsStaff())
@router.message(ButtonText(keyboards.MY_CENTER), IsStaff())
async def center_command(
    message: Message, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n, command: CommandObject | None = None
) -> None:
    await state.clear()
    assert message.from_user is not None
    user_id, locale = message.from_user.id, i18n.current_locale
    slug = (command.args or "").strip() if command is not None else ""
    try:
        if slug:
            center = await center_cards.open_slug(user_id, slug)
        else:
            found = await center_cards.centers_for(user_id)
            if not found:
                await message.answer(rv.staff_only())
                return
            if len(found) > 1:
                markup = kb.centers(found[:PICK_LIMIT], locale)
                await message.answer(views.choose_center(more=len(found) > PICK_LIMIT), reply_markup=markup)
                return
            center = found[0]
    except CardError as problem:
        await message.answer(views.error(problem) if problem.code != "gone" else texts.button_gone())
        return
    await message.answer(views.card_menu(center, locale, center_cards.now()), reply_markup=kb.sections(center.id))


@router.message(Command("center"))
@router.message(ButtonText(keyboards.MY_CENTER))
async def center_not_staff(message: Message) -> None:
    await message.answer(rv.staff_only())


async def _open(query: CallbackQuery, center_id: int, center_cards: CenterCardDesk) -> Center | None:
    """The center, if the presser may edit it now; else they are told why and None."""
    try:
        return await center_cards.open(query.from_user.id, center_id)
    except CardError as problem:
        if not await center_cards.is_staff(query.from_user.id):
            text = rv.staff_only()
        elif problem.code == "not_allowed":
            text = views.error(problem)
        else:
            text = texts.button_gone()
        await query.answer(text, show_alert=True)
        return None


async def _open_typed(message: Message, state: FSMContext, center_cards: CenterCardDesk) -> Center | None:
    data = await state.get_data()
    assert message.from_user is not None
    try:
        return await center_cards.open(message.from_user.id, int(data.get("cc_center", -1)))
    except CardError as problem:
        await state.clear()
        await message.answer(views.error(problem) if problem.code == "not_allowed" else texts.button_gone())
        return None


async def _draft(query: CallbackQuery, state: FSMContext, center_id: int, field: str) -> dict[str, Any] | None:
    """The dialog's data for this center and field, if the presser is editing it; else the button is stale."""
    data = await state.get_data()
    if data.get("cc_center") == center_id and data.get("cc_field") == field and await state.get_state():
        return data
    await query.answer(texts.button_gone(), show_alert=True)
    return None


@router.callback_query(CardCenterCb.filter())
async def pick_center(
    query: CallbackQuery, callback_data: CardCenterCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    center = await _open(query, callback_data.center, center_cards)
    if center is None:
        return
    await state.clear()
    text = views.card_menu(center, i18n.current_locale, center_cards.now())
    await keyboards.edit_or_send(query, text, kb.sections(center.id))


@router.callback_query(CardSectionCb.filter())
async def section(
    query: CallbackQuery, callback_data: CardSectionCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    center = await _open(query, callback_data.center, center_cards)
    if center is None:
        return
    locale = i18n.current_locale
    if callback_data.section == "card":
        await state.clear()
        await keyboards.edit_or_send(query, views.card_menu(center, locale, center_cards.now()), kb.sections(center.id))
        return
    data = await _begin(state, center, callback_data.section)
    text, markup = _screen(data, center, locale, center_cards)
    await keyboards.edit_or_send(query, text, markup)


async def _begin(state: FSMContext, center: Center, field: str) -> dict[str, Any]:
    """The field's draft: the one being edited (what was entered so far is kept), or a fresh one from the card."""
    data = await state.get_data()
    if not (data.get("cc_center") == center.id and data.get("cc_field") == field and await state.get_state()):
        before = field_values(center, field)
        data = {"cc_center": center.id, "cc_field": field, "cc_before": before, "cc_draft": dict(before)}
        if field == "hours":
            data["cc_week"] = rules.week_of(center.schedule)
    data["cc_step"] = "menu"
    await state.set_data(data)
    await state.set_state(FIRST_STATE[field])
    return data


def _screen(
    data: dict[str, Any], center: Center, locale: str, center_cards: CenterCardDesk
) -> tuple[str, InlineKeyboardMarkup]:
    """The field's editing screen as the draft stands."""
    field, draft, today = data["cc_field"], data["cc_draft"], center_cards.today()
    if field == "hours":
        return views.hours_menu(center, data["cc_week"], locale), kb.hours(center.id, locale)
    if field == "holidays":
        return views.holidays_screen(draft["holidays"], today), kb.holidays(center.id, draft["holidays"], today)
    if field == "notice":
        return views.notice_screen(center, center_cards.zone, center_cards.now()), kb.notice(
            center.id, bool(center.notice)
        )
    if field == "phones":
        return views.phones_screen(draft["phones"]), kb.phones(center.id, draft["phones"])
    if field == "address":
        return views.ask_address("kk", draft["address_kk"]), kb.keep_address(center.id)
    return views.services_screen(), kb.services(center.id, draft["services"])


# ---- hours ----


def _hours_step(data: dict[str, Any], center: Center, locale: str) -> tuple[str, InlineKeyboardMarkup]:
    """The hours question the staff member is at."""
    step, day = data.get("cc_step"), data.get("cc_day")
    if step == "open" and day is not None:
        return views.ask_opening(day, data["cc_week"], locale), kb.opening(center.id)
    if step == "close" and day is not None:
        return views.ask_closing(day, data["cc_open"], locale), kb.closing(center.id, data["cc_open"])
    if step == "break" and day is not None:
        hours = rules.day_hours(data["cc_open"], data["cc_close"])
        return views.ask_break(day, hours, locale), kb.breaks(center.id, hours)
    return views.hours_menu(center, data["cc_week"], locale), kb.hours(center.id, locale)


@router.callback_query(CardDayCb.filter())
async def pick_day(
    query: CallbackQuery, callback_data: CardDayCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    center = await _open(query, callback_data.center, center_cards)
    if center is None or (data := await _draft(query, state, center.id, "hours")) is None:
        return
    data.update(cc_day=callback_data.day, cc_step="open")
    await state.set_data(data)
    await state.set_state(CardEditing.hours)
    text, markup = _hours_step(data, center, i18n.current_locale)
    await keyboards.edit_or_send(query, text, markup)


@router.callback_query(CardTimeCb.filter())
async def pick_time(
    query: CallbackQuery, callback_data: CardTimeCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    center = await _open(query, callback_data.center, center_cards)
    if center is None or (data := await _draft(query, state, center.id, "hours")) is None:
        return
    if data.get("cc_day") is None:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    try:
        heading = _hours_answer(data, callback_data.step, callback_data.a, callback_data.b, i18n.current_locale)
    except CardError as problem:
        await query.answer(views.error(problem), show_alert=True)
        return
    await state.set_data(data)
    await state.set_state(CardEditing.hours)
    text, markup = _hours_step(data, center, i18n.current_locale)
    await keyboards.edit_or_send(query, f"{heading}\n\n{text}" if heading else text, markup)


def _hours_answer(data: dict[str, Any], step: str, first: int, second: int, locale: str) -> str:
    """One answer of the day's questions, into the draft (`data`, changed in place); a line to show when the day
    is done. CardError when the answer does not fit (the draft stays as it was)."""
    day = int(data["cc_day"])
    if step == "o":
        if first < 0:
            data["cc_week"] = rules.set_days(data["cc_week"], day, None)
            data.update(cc_step="menu", cc_day=None)
            return views.day_set(day, None, locale)
        if first >= rules.DAY:
            raise CardError("bad_time", rules.clock(first))
        data.update(cc_open=first, cc_step="close")
        return ""
    if step == "c":
        if "cc_open" not in data:
            raise CardError("gone")
        rules.day_hours(data["cc_open"], first)
        data.update(cc_close=first, cc_step="break")
        return ""
    if "cc_open" not in data or "cc_close" not in data:
        raise CardError("gone")
    hours = rules.day_hours(data["cc_open"], data["cc_close"], None if first < 0 else (first, second))
    data["cc_week"] = rules.set_days(data["cc_week"], day, hours)
    data.update(cc_step="menu", cc_day=None)
    return views.day_set(day, hours, locale)


@router.message(CardEditing.hours, Typed())
async def typed_hours(message: Message, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n) -> None:
    center = await _open_typed(message, state, center_cards)
    if center is None:
        return
    data, locale, text = await state.get_data(), i18n.current_locale, message.text or ""
    step = data.get("cc_step")
    try:
        if step == "open":
            heading = _hours_answer(data, "o", rules.parse_time(text), 0, locale)
        elif step == "close":
            heading = _hours_answer(data, "c", rules.parse_time(text), 0, locale)
        elif step == "break":
            heading = _hours_answer(data, "b", *rules.parse_span(text), locale)
        else:
            data["cc_week"] = rules.parse_line(text)
            await state.set_data(data)
            await _review(message, state, center, center_cards, locale)
            return
    except CardError as problem:
        prompt, markup = _hours_step(data, center, locale)
        await message.answer(f"{views.error(problem)} {views.kept()}\n\n{prompt}", reply_markup=markup)
        return
    await state.set_data(data)
    prompt, markup = _hours_step(data, center, locale)
    await message.answer(f"{heading}\n\n{prompt}" if heading else prompt, reply_markup=markup)


# ---- holidays ----


@router.message(CardEditing.holidays, Typed())
async def typed_holidays(message: Message, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n) -> None:
    today = center_cards.today()

    def add(holidays: str, typed: str) -> str:
        return rules.add_holidays(holidays, rules.parse_dates(typed, today), today)

    await _add_typed(message, state, center_cards, i18n, "holidays", add)


async def _add_typed(
    message: Message,
    state: FSMContext,
    center_cards: CenterCardDesk,
    i18n: I18n,
    field: str,
    add: Callable[[Any, str], Any],
) -> None:
    """Adds what was typed to a part of the draft (holidays, phones); a refusal keeps that part as it was."""
    center = await _open_typed(message, state, center_cards)
    if center is None:
        return
    data = await state.get_data()
    try:
        data["cc_draft"][field] = add(data["cc_draft"][field], message.text or "")
        heading = ""
    except CardError as problem:
        heading = f"{views.error(problem)} {views.kept()}\n\n"
    await state.set_data(data)
    text, markup = _screen(data, center, i18n.current_locale, center_cards)
    await message.answer(heading + text, reply_markup=markup)


@router.callback_query(CardHolidayCb.filter())
async def remove_holiday(
    query: CallbackQuery, callback_data: CardHolidayCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    def remove(holidays: str) -> str:
        return rules.remove_holiday(holidays, date.fromisoformat(callback_data.day))  # ValueError: a forged day

    await _change_by_button(query, state, center_cards, i18n, callback_data.center, "holidays", remove)


async def _change_by_button(
    query: CallbackQuery,
    state: FSMContext,
    center_cards: CenterCardDesk,
    i18n: I18n,
    center_id: int,
    field: str,
    change: Callable[[Any], Any],
) -> None:
    """Changes a part of the draft from a button (a holiday or a phone removed, a service turned on or off) and
    shows it again; a refusal is answered on the button and changes nothing."""
    center = await _open(query, center_id, center_cards)
    if center is None or (data := await _draft(query, state, center.id, field)) is None:
        return
    try:
        data["cc_draft"][field] = change(data["cc_draft"][field])
    except CardError as problem:
        await query.answer(views.error(problem), show_alert=True)
        return
    except ValueError:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    await state.set_data(data)
    text, markup = _screen(data, center, i18n.current_locale, center_cards)
    await keyboards.edit_or_send(query, text, markup)


# ---- the notice ----


@router.message(CardEditing.notice_text, Typed())
async def typed_notice(message: Message, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n) -> None:
    center = await _open_typed(message, state, center_cards)
    if center is None:
        return
    try:
        notice = rules.check_notice(message.text or "")
    except CardError as problem:
        text, markup = _screen(await state.get_data(), center, i18n.current_locale, center_cards)
        await message.answer(f"{views.error(problem)}\n\n{text}", reply_markup=markup)
        return
    await state.update_data(cc_notice=notice)
    await message.answer(views.ask_notice_until(notice), reply_markup=kb.notice_until(center.id))


@router.callback_query(CardNoticeCb.filter())
async def notice_until(
    query: CallbackQuery, callback_data: CardNoticeCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    center = await _open(query, callback_data.center, center_cards)
    if center is None or (data := await _draft(query, state, center.id, "notice")) is None:
        return
    choice, notice = callback_data.until, data.get("cc_notice", "")
    if choice == "remove":
        data["cc_draft"] = {"notice": "", "notice_until": ""}
    elif not notice:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    elif choice == "date":
        await state.set_state(CardEditing.notice_date)
        await keyboards.edit_or_send(query, views.ask_notice_date(), kb.notice_until(center.id))
        return
    else:
        until = rules.notice_end(choice, center_cards.today(), center_cards.zone)
        data["cc_draft"] = {"notice": notice, "notice_until": until}
    await state.set_data(data)
    await _review(query, state, center, center_cards, i18n.current_locale)


@router.message(CardEditing.notice_date, Typed())
async def typed_notice_date(message: Message, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n) -> None:
    center = await _open_typed(message, state, center_cards)
    if center is None:
        return
    data, today = await state.get_data(), center_cards.today()
    try:
        last = rules.parse_dates(message.text or "", today)[-1]
        until = rules.notice_end("date", today, center_cards.zone, last)
    except CardError as problem:
        text = f"{views.error(problem)} {views.kept()}\n\n{views.ask_notice_date()}"
        await message.answer(text, reply_markup=kb.notice_until(center.id))
        return
    data["cc_draft"] = {"notice": data.get("cc_notice", ""), "notice_until": until}
    await state.set_data(data)
    await _review(message, state, center, center_cards, i18n.current_locale)


# ---- phones ----


@router.message(CardEditing.phones, Typed())
async def typed_phone(message: Message, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n) -> None:
    await _add_typed(message, state, center_cards, i18n, "phones", rules.add_phone)


@router.callback_query(CardPhoneCb.filter())
async def remove_phone(
    query: CallbackQuery, callback_data: CardPhoneCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    def remove(phones: list[str]) -> list[str]:
        return rules.remove_phone(phones, callback_data.index)

    await _change_by_button(query, state, center_cards, i18n, callback_data.center, "phones", remove)


# ---- address ----


@router.message(CardEditing.address_kk, Typed())
@router.message(CardEditing.address_ru, Typed())
async def typed_address(message: Message, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n) -> None:
    center = await _open_typed(message, state, center_cards)
    if center is None:
        return
    data, language = await state.get_data(), "kk" if await state.get_state() == CardEditing.address_kk.state else "ru"
    try:
        data["cc_draft"][f"address_{language}"] = rules.check_address(message.text or "")
    except CardError as problem:
        text = f"{views.error(problem)}\n\n{views.ask_address(language, data['cc_draft'][f'address_{language}'])}"
        await message.answer(text, reply_markup=kb.keep_address(center.id))
        return
    await state.set_data(data)
    await _next_address(message, state, center, center_cards, i18n.current_locale, language)


@router.callback_query(CardKeepCb.filter())
async def keep_address(
    query: CallbackQuery, callback_data: CardKeepCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    center = await _open(query, callback_data.center, center_cards)
    if center is None or await _draft(query, state, center.id, "address") is None:
        return
    language = "kk" if await state.get_state() == CardEditing.address_kk.state else "ru"
    await _next_address(query, state, center, center_cards, i18n.current_locale, language)


async def _next_address(
    event: Message | CallbackQuery,
    state: FSMContext,
    center: Center,
    center_cards: CenterCardDesk,
    locale: str,
    language: str,
) -> None:
    if language == "kk":
        await state.set_state(CardEditing.address_ru)
        draft = (await state.get_data())["cc_draft"]
        text, markup = views.ask_address("ru", draft["address_ru"]), kb.keep_address(center.id)
        if isinstance(event, CallbackQuery):
            await keyboards.edit_or_send(event, text, markup)
        else:
            await event.answer(text, reply_markup=markup)
        return
    await _review(event, state, center, center_cards, locale)


# ---- services ----


@router.callback_query(CardServiceCb.filter())
async def toggle_service(
    query: CallbackQuery, callback_data: CardServiceCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    def toggle(services: list[str]) -> list[str]:
        return rules.toggle_service(services, callback_data.code)

    await _change_by_button(query, state, center_cards, i18n, callback_data.center, "services", toggle)


# ---- before and after, and saving ----


@router.callback_query(CardReviewCb.filter())
async def review(
    query: CallbackQuery, callback_data: CardReviewCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    center = await _open(query, callback_data.center, center_cards)
    if center is None:
        return
    data = await state.get_data()
    if data.get("cc_center") != center.id or not await state.get_state():
        await query.answer(texts.button_gone(), show_alert=True)
        return
    await _review(query, state, center, center_cards, i18n.current_locale)


def _after(data: dict[str, Any]) -> dict[str, Any]:
    if data["cc_field"] == "hours":
        return {"schedule": rules.schedule_of(data["cc_week"])}
    return dict(data["cc_draft"])


async def _review(
    event: Message | CallbackQuery, state: FSMContext, center: Center, center_cards: CenterCardDesk, locale: str
) -> None:
    """The change as before and after, to confirm; a draft that breaks a rule or changes nothing is said so and
    stays to edit."""
    data = await state.get_data()
    field = data["cc_field"]
    try:
        after = center_cards.preview(field, _after(data))
        if center_cards.unchanged(field, data["cc_before"], after):
            raise CardError("unchanged")
    except CardError as problem:
        text, markup = _screen(data, center, locale, center_cards)
        if isinstance(event, CallbackQuery):
            await event.answer(views.error(problem), show_alert=True)
        else:
            await event.answer(f"{views.error(problem)}\n\n{text}", reply_markup=markup)
        await state.set_state(FIRST_STATE[field])
        return
    await state.set_state(CardEditing.review)
    text = views.review(field, data["cc_before"], after, locale, center_cards.zone, center_cards.now())
    markup = kb.confirm(center.id, field)
    if isinstance(event, CallbackQuery):
        await keyboards.edit_or_send(event, text, markup)
    else:
        await event.answer(text, reply_markup=markup)


@router.callback_query(CardConfirmCb.filter())
async def confirm(
    query: CallbackQuery, callback_data: CardConfirmCb, state: FSMContext, center_cards: CenterCardDesk, i18n: I18n
) -> None:
    center = await _open(query, callback_data.center, center_cards)
    if center is None:
        return
    data, locale = await state.get_data(), i18n.current_locale
    if data.get("cc_center") != center.id or await state.get_state() != CardEditing.review.state:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    if not callback_data.ok:
        await state.clear()
        await keyboards.edit_or_send(query, views.dropped(center, locale, center_cards.now()), kb.sections(center.id))
        return
    try:
        saved = await center_cards.save(
            query.from_user.id, center.id, data["cc_field"], data["cc_before"], _after(data)
        )
    except StaleEdit as stale:
        await state.clear()
        text = views.stale(stale.center, locale, center_cards.now())
        await keyboards.edit_or_send(query, text, kb.sections(center.id))
        return
    except CardError as problem:
        await query.answer(views.error(problem), show_alert=True)
        return
    await state.clear()
    await keyboards.edit_or_send(query, views.saved(saved, locale, center_cards.now()), kb.sections(saved.id))
