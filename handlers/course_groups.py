"""Staff run their center's course groups (/groups, the staff menu's button): create a group by buttons or typed
dates, change its seats, add, move or cancel a session, close it, write to everyone in it, mark attendance and get
the roster as a CSV file. Each change is shown and confirmed first; rights are checked by the desk on every press.
Commands typed during these dialogs are not taken as answers."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n

from bot.core import keyboards
from bot.core.filters import ButtonText, IsStaff
from bot.course_groups import keyboards as gk
from bot.course_groups import views as gv
from bot.course_groups.callbacks import (
    GActCb,
    GConfirmCb,
    GMarkCb,
    GNewCb,
    GOpenCb,
    GPickCb,
    GroupsCb,
    GSessionCb,
    GSheetCb,
)
from bot.course_groups.desk import CourseGroupDesk, Managed, Roster, allowed
from bot.course_groups.models import GroupDraft
from bot.course_groups.rules import (
    add_session,
    check_session,
    clean_message,
    parse_seats,
    parse_session,
    pick_days,
    pick_times,
    seats_error,
    session_at,
)
from bot.requests import views as rv
from bot.requests.models import RuleError

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")

MENU_BUTTONS = (
    keyboards.FIND_CENTER, keyboards.ASK_FOR_HELP, keyboards.ACADEMY, keyboards.PREMARITAL, keyboards.FAQ,
    keyboards.PROGRAMMES, keyboards.EMERGENCY, keyboards.LANGUAGE, keyboards.HELP, keyboards.SHARE_LOCATION,
    keyboards.CHOOSE_REGION, keyboards.MAIN_MENU, keyboards.QUICK_EXIT, keyboards.MY_CENTER, keyboards.COURSE_GROUPS,
)  # fmt: skip


class Typed(Filter):
    """A typed answer: text that is neither a command nor a menu button, which go to their own handlers (a
    button tapped mid-dialog is not taken as the number of seats or a message to the group)."""

    async def __call__(self, message: Message, i18n: I18n) -> bool:
        text = message.text
        if not text or text.startswith("/"):
            return False
        return not any(
            text == i18n.gettext(button, locale=locale) for button in MENU_BUTTONS for locale in i18n.available_locales
        )


TYPED = Typed()


class GroupForm(StatesGroup):
    topic = State()
    language = State()
    form = State()
    seats = State()  # a new group's seats, or a group's new number of seats
    sessions = State()  # a new group's sessions, a session to add, or a session's new time
    message = State()  # the text to everyone in a group
    confirm = State()  # the change in `pending`, shown, awaits the press


# ---- the list ----


@router.message(Command("groups"), IsStaff())
async def groups_command(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    course_groups: CourseGroupDesk,
    i18n: I18n,
    staff_centers: set[int] | None,
) -> None:
    await state.clear()
    scope = staff_centers
    if command.args:
        center = await course_groups.find_center(command.args)
        if center is None:
            await message.answer(gv.unknown_center())
            return
        if not allowed(center.id, staff_centers):
            await message.answer(gv.not_allowed())
            return
        scope = {center.id}
    await _send_overview(message, course_groups, scope, i18n.current_locale)


@router.message(ButtonText(keyboards.COURSE_GROUPS), IsStaff())
async def groups_button(
    message: Message, state: FSMContext, course_groups: CourseGroupDesk, i18n: I18n, staff_centers: set[int] | None
) -> None:
    await state.clear()
    await _send_overview(message, course_groups, staff_centers, i18n.current_locale)


@router.message(Command("groups"))
@router.message(ButtonText(keyboards.COURSE_GROUPS))
async def groups_refused(message: Message) -> None:
    await message.answer(rv.staff_only())


async def _overview(course_groups: CourseGroupDesk, scope: set[int] | None, locale: str) -> tuple[str, Any]:
    items = await course_groups.overview(scope)
    new_at = [c for c in [await course_groups.center(cid) for cid in sorted(scope or ())] if c is not None]
    now = course_groups.clock.now()
    text = gv.overview(items, course_groups.zone, now, locale, everyone=len(new_at) != 1)
    return text, gk.overview(items, course_groups.zone, now, locale, new_at)


async def _send_overview(message: Message, course_groups: CourseGroupDesk, scope: set[int] | None, locale: str) -> None:
    text, markup = await _overview(course_groups, scope, locale)
    await message.answer(text, reply_markup=markup)


@router.callback_query(GroupsCb.filter(), IsStaff())
async def groups_again(
    query: CallbackQuery, state: FSMContext, course_groups: CourseGroupDesk, i18n: I18n, staff_centers: set[int] | None
) -> None:
    await state.clear()
    text, markup = await _overview(course_groups, staff_centers, i18n.current_locale)
    await keyboards.edit_or_send(query, text, markup)


@router.callback_query(GOpenCb.filter(), IsStaff())
async def open_group(
    query: CallbackQuery,
    callback_data: GOpenCb,
    state: FSMContext,
    course_groups: CourseGroupDesk,
    i18n: I18n,
    staff_centers: set[int] | None,
) -> None:
    managed = await course_groups.managed(callback_data.id, staff_centers)
    if managed is None:
        await query.answer(gv.not_allowed(), show_alert=True)
        return
    await state.clear()
    await _show_card(query, managed, course_groups, i18n.current_locale)


async def _show_card(query: CallbackQuery, managed: Managed, course_groups: CourseGroupDesk, locale: str) -> None:
    text = gv.group_card(managed, course_groups.zone, locale)
    await keyboards.edit_or_send(query, text, gk.group_actions(managed))


# ---- a new group ----


@router.callback_query(GNewCb.filter(), IsStaff())
async def new_group(
    query: CallbackQuery,
    callback_data: GNewCb,
    state: FSMContext,
    course_groups: CourseGroupDesk,
    i18n: I18n,
    staff_centers: set[int] | None,
) -> None:
    center = await course_groups.center(callback_data.center)
    if center is None or not allowed(center.id, staff_centers):
        await query.answer(gv.not_allowed(), show_alert=True)
        return
    await state.clear()
    await state.set_state(GroupForm.topic)
    await state.update_data(center=center.id, purpose="new", sessions=[])
    text = gv.ask_topic(center, i18n.current_locale)
    await keyboards.edit_or_send(query, text, gk.topics(await course_groups.topics(), i18n.current_locale), edit=False)


@router.callback_query(GroupForm.topic, GPickCb.filter(F.what == "topic"), IsStaff())
async def topic_picked(
    query: CallbackQuery, callback_data: GPickCb, state: FSMContext, course_groups: CourseGroupDesk
) -> None:
    topics = {str(topic.id) for topic in await course_groups.topics()}
    if callback_data.value not in topics:
        await query.answer(gv.nothing_pending(), show_alert=True)
        return
    await state.update_data(topic=int(callback_data.value))
    await state.set_state(GroupForm.language)
    await keyboards.edit_or_send(query, gv.ask_language(), gk.languages())


@router.callback_query(GroupForm.language, GPickCb.filter(F.what == "lang"), IsStaff())
async def language_picked(query: CallbackQuery, callback_data: GPickCb, state: FSMContext) -> None:
    if callback_data.value not in ("kk", "ru"):
        await query.answer(gv.nothing_pending(), show_alert=True)
        return
    await state.update_data(language=callback_data.value)
    await state.set_state(GroupForm.form)
    await keyboards.edit_or_send(query, gv.ask_form(), gk.forms())


@router.callback_query(GroupForm.form, GPickCb.filter(F.what == "online"), IsStaff())
async def form_picked(query: CallbackQuery, callback_data: GPickCb, state: FSMContext) -> None:
    await state.update_data(online=callback_data.value == "1")
    await state.set_state(GroupForm.seats)
    await keyboards.edit_or_send(query, gv.ask_seats(), gk.seats())


# ---- seats: a new group's, or a group's new number ----


@router.callback_query(GroupForm.seats, GPickCb.filter(F.what == "seats"), IsStaff())
async def seats_picked(
    query: CallbackQuery,
    callback_data: GPickCb,
    state: FSMContext,
    course_groups: CourseGroupDesk,
    i18n: I18n,
    staff_centers: set[int] | None,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _seats_given(
            query.message, parse_seats(callback_data.value), state, course_groups, i18n.current_locale, staff_centers
        )


@router.message(GroupForm.seats, TYPED, IsStaff())
async def seats_typed(
    message: Message, state: FSMContext, course_groups: CourseGroupDesk, i18n: I18n, staff_centers: set[int] | None
) -> None:
    await _seats_given(
        message, parse_seats(message.text or ""), state, course_groups, i18n.current_locale, staff_centers
    )


async def _seats_given(
    message: Message,
    seats: int | None,
    state: FSMContext,
    course_groups: CourseGroupDesk,
    locale: str,
    staff_centers: set[int] | None,
) -> None:
    data = await state.get_data()
    if data.get("purpose") == "seats":
        managed = await course_groups.managed(int(data["group"]), staff_centers)
        if managed is None:
            await state.clear()
            await message.answer(gv.not_allowed())
            return
        error = "range" if seats is None else seats_error(seats, managed.group.taken)
        if error is not None or seats is None:
            await message.answer(gv.refused(error or "range", managed), reply_markup=gk.seats())
            return
        await _ask_confirm(
            message,
            state,
            {"action": "seats", "group": managed.group.id, "seats": seats},
            gv.confirm_seats(managed, seats, locale),
        )
        return
    if seats is None or seats_error(seats, 0) is not None:
        await message.answer(gv.bad_seats(), reply_markup=gk.seats())
        return
    await state.update_data(seats=seats)
    await state.set_state(GroupForm.sessions)
    await _ask_sessions(message, state, course_groups, locale)


# ---- sessions: picked from buttons or typed ----


async def _ask_sessions(message: Message, state: FSMContext, course_groups: CourseGroupDesk, locale: str) -> None:
    data = await state.get_data()
    now = course_groups.clock.now()
    days = pick_days(now, course_groups.zone)
    if data.get("purpose") == "new":
        chosen = tuple(datetime.fromisoformat(value) for value in data.get("sessions", []))
        text = gv.ask_sessions(chosen, course_groups.zone, locale)
        await message.answer(text, reply_markup=gk.days(days, locale, done=bool(chosen)))
    else:
        await message.answer(gv.ask_one_session(), reply_markup=gk.days(days, locale, done=False))


@router.callback_query(GroupForm.sessions, GPickCb.filter(F.what == "day"), IsStaff())
async def day_picked(
    query: CallbackQuery, callback_data: GPickCb, state: FSMContext, course_groups: CourseGroupDesk, i18n: I18n
) -> None:
    try:
        day = date.fromisoformat(callback_data.value)
    except ValueError:
        await query.answer(gv.nothing_pending(), show_alert=True)
        return
    times = pick_times(day, course_groups.clock.now(), course_groups.zone)
    if not times:
        await query.answer(gv.session_error("past"), show_alert=True)
        return
    await state.update_data(day=day.isoformat())
    await keyboards.edit_or_send(query, gv.ask_time(gk.day_label(day, i18n.current_locale)), gk.times(times))


@router.callback_query(GroupForm.sessions, GPickCb.filter(F.what == "back"), IsStaff())
async def day_again(query: CallbackQuery, state: FSMContext, course_groups: CourseGroupDesk, i18n: I18n) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _ask_sessions(query.message, state, course_groups, i18n.current_locale)


@router.callback_query(GroupForm.sessions, GPickCb.filter(F.what == "time"), IsStaff())
async def time_picked(
    query: CallbackQuery,
    callback_data: GPickCb,
    state: FSMContext,
    course_groups: CourseGroupDesk,
    i18n: I18n,
    staff_centers: set[int] | None,
) -> None:
    data = await state.get_data()
    value = callback_data.value
    if "day" not in data or len(value) != 4 or not value.isdigit() or not (int(value[:2]) < 24 and int(value[2:]) < 60):
        await query.answer(gv.nothing_pending(), show_alert=True)
        return
    moment = session_at(date.fromisoformat(data["day"]), time(int(value[:2]), int(value[2:])), course_groups.zone)
    await query.answer()
    if isinstance(query.message, Message):
        await keyboards.remove_inline_buttons(query.message)
        moment, error = check_session(moment, course_groups.clock.now())
        await _session_given(query.message, moment, error, state, course_groups, i18n.current_locale, staff_centers)


@router.message(GroupForm.sessions, TYPED, IsStaff())
async def session_typed(
    message: Message, state: FSMContext, course_groups: CourseGroupDesk, i18n: I18n, staff_centers: set[int] | None
) -> None:
    moment, error = parse_session(message.text or "", course_groups.zone, course_groups.clock.now())
    await _session_given(message, moment, error, state, course_groups, i18n.current_locale, staff_centers)


async def _session_given(
    message: Message,
    moment: datetime | None,
    error: str | None,
    state: FSMContext,
    course_groups: CourseGroupDesk,
    locale: str,
    staff_centers: set[int] | None,
) -> None:
    zone = course_groups.zone
    days = pick_days(course_groups.clock.now(), zone)
    data = await state.get_data()
    purpose = data.get("purpose")
    if moment is None or error is not None:
        chosen = bool(data.get("sessions")) and purpose == "new"
        await message.answer(gv.session_error(error or "format"), reply_markup=gk.days(days, locale, done=chosen))
        return
    if purpose == "new":
        sessions = tuple(datetime.fromisoformat(value) for value in data.get("sessions", []))
        sessions, error = add_session(sessions, moment)
        if error is not None:
            await message.answer(gv.session_error(error), reply_markup=gk.days(days, locale, done=bool(sessions)))
            return
        await state.update_data(sessions=[start.isoformat() for start in sessions])
        await _ask_sessions(message, state, course_groups, locale)
        return
    managed = await course_groups.managed(int(data.get("group", 0)), staff_centers)
    if managed is None:
        await state.clear()
        await message.answer(gv.not_allowed())
        return
    pending: dict[str, Any] = {"action": purpose, "group": managed.group.id, "start": moment.isoformat()}
    if purpose == "move":
        session = managed.group.session(int(data.get("session", 0)))
        if session is None:
            await state.clear()
            await message.answer(gv.not_allowed())
            return
        pending["session"] = session.id
        text = gv.confirm_move(managed, session.starts_at, moment, zone, locale)
    else:
        text = gv.confirm_add(managed, moment, zone, locale)
    await _ask_confirm(message, state, pending, text)


@router.callback_query(GroupForm.sessions, GPickCb.filter(F.what == "done"), IsStaff())
async def sessions_done(query: CallbackQuery, state: FSMContext, course_groups: CourseGroupDesk, i18n: I18n) -> None:
    data = await state.get_data()
    if data.get("purpose") != "new" or not data.get("sessions"):
        await query.answer(gv.need_session(), show_alert=True)
        return
    draft = _draft(data)
    topic = next((t for t in await course_groups.topics() if t.id == draft.topic_id), None)
    center = await course_groups.center(draft.center_id)
    if topic is None or center is None:
        await state.clear()
        await query.answer(gv.nothing_pending(), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await keyboards.remove_inline_buttons(query.message)
        text = gv.draft_summary(draft, topic, center, course_groups.zone, i18n.current_locale)
        await _ask_confirm(query.message, state, {"action": "create"}, text)


def _draft(data: dict[str, Any]) -> GroupDraft:
    return GroupDraft(
        center_id=int(data["center"]),
        topic_id=int(data["topic"]),
        language=str(data["language"]),
        online=bool(data["online"]),
        seats=int(data["seats"]),
        sessions=tuple(datetime.fromisoformat(value) for value in data["sessions"]),
    )


# ---- actions on a group ----


@router.callback_query(GActCb.filter(), IsStaff())
async def group_action(
    query: CallbackQuery,
    callback_data: GActCb,
    state: FSMContext,
    course_groups: CourseGroupDesk,
    i18n: I18n,
    bot: Bot,
    staff_centers: set[int] | None,
) -> None:
    locale, zone = i18n.current_locale, course_groups.zone
    managed = await course_groups.managed(callback_data.id, staff_centers)
    if managed is None:
        await query.answer(gv.not_allowed(), show_alert=True)
        return
    act = callback_data.act
    if managed.group.closed and act not in ("attend", "csv"):
        await query.answer(gv.refused("closed"), show_alert=True)
        return
    if not isinstance(query.message, Message):
        await query.answer()
        return
    message, group_id = query.message, managed.group.id
    if act == "csv":
        roster = await course_groups.roster(group_id, staff_centers)
        assert roster is not None
        await query.answer()
        document = BufferedInputFile(gv.roster_csv(roster, zone), filename=f"{managed.group.slug}.csv")
        await bot.send_document(query.from_user.id, document, caption=gv.csv_caption(managed, locale))
        return
    if act in ("move", "cancel", "attend"):
        markup = gk.sessions(managed, act, course_groups.clock.now(), zone, locale)
        if markup is None:
            await query.answer(gv.no_sessions_ahead(), show_alert=True)
            return
        await query.answer()
        await message.answer(gv.pick_session(act), reply_markup=markup)
        return
    await query.answer()
    await state.clear()
    if act == "seats":
        await state.set_state(GroupForm.seats)
        await state.update_data(purpose="seats", group=group_id)
        await message.answer(gv.ask_seats(managed.group.seats, managed.group.taken), reply_markup=gk.seats())
    elif act == "add":
        await state.set_state(GroupForm.sessions)
        await state.update_data(purpose="add", group=group_id)
        await _ask_sessions(message, state, course_groups, locale)
    elif act == "write":
        await state.set_state(GroupForm.message)
        await state.update_data(group=group_id)
        await message.answer(gv.ask_message(managed, locale))
    elif act == "close":
        await _ask_confirm(message, state, {"action": "close", "group": group_id}, gv.confirm_close(managed, locale))


@router.callback_query(GSessionCb.filter(), IsStaff())
async def session_action(
    query: CallbackQuery,
    callback_data: GSessionCb,
    state: FSMContext,
    course_groups: CourseGroupDesk,
    i18n: I18n,
    staff_centers: set[int] | None,
) -> None:
    locale, zone = i18n.current_locale, course_groups.zone
    managed = await course_groups.managed(callback_data.id, staff_centers)
    session = managed.group.session(callback_data.session) if managed else None
    if managed is None or session is None:
        await query.answer(gv.not_allowed(), show_alert=True)
        return
    if session.cancelled or (managed.group.closed and callback_data.act != "attend"):
        await query.answer(gv.refused("cancelled" if session.cancelled else "closed"), show_alert=True)
        return
    if callback_data.act != "attend" and session.starts_at <= course_groups.clock.now():
        await query.answer(gv.refused("held"), show_alert=True)
        return
    if not isinstance(query.message, Message):
        await query.answer()
        return
    message = query.message
    if callback_data.act == "attend":
        roster = await course_groups.roster(managed.group.id, staff_centers)
        assert roster is not None
        await _show_sheet(query, roster, session.id, 0, course_groups, locale)
        return
    await query.answer()
    await state.clear()
    if callback_data.act == "move":
        await state.set_state(GroupForm.sessions)
        await state.update_data(purpose="move", group=managed.group.id, session=session.id)
        await _ask_sessions(message, state, course_groups, locale)
    elif callback_data.act == "cancel":
        pending = {"action": "cancel", "group": managed.group.id, "session": session.id}
        await _ask_confirm(message, state, pending, gv.confirm_cancel(managed, session.starts_at, zone, locale))
    else:
        await message.answer(gv.nothing_pending())


async def _show_sheet(
    query: CallbackQuery, roster: Roster, session_id: int, page: int, course_groups: CourseGroupDesk, locale: str
) -> None:
    text = gv.attendance(roster, session_id, course_groups.zone, locale, page, gk.SHEET_PAGE)
    await keyboards.edit_or_send(query, text, gk.attendance(roster, session_id, page))


@router.callback_query(GSheetCb.filter(), IsStaff())
async def attendance_page(
    query: CallbackQuery,
    callback_data: GSheetCb,
    course_groups: CourseGroupDesk,
    i18n: I18n,
    staff_centers: set[int] | None,
) -> None:
    roster = await course_groups.sheet(callback_data.session, staff_centers)
    session = roster.managed.group.session(callback_data.session) if roster else None
    if roster is None or session is None or session.cancelled:
        await query.answer(gv.not_allowed(), show_alert=True)
        return
    await _show_sheet(query, roster, session.id, callback_data.page, course_groups, i18n.current_locale)


@router.callback_query(GMarkCb.filter(), IsStaff())
async def attendance_mark(
    query: CallbackQuery, callback_data: GMarkCb, course_groups: CourseGroupDesk, staff_centers: set[int] | None
) -> None:
    try:
        await course_groups.toggle_attendance(query.from_user.id, callback_data.session, callback_data.signup)
    except RuleError:
        await query.answer(gv.not_allowed(), show_alert=True)
        return
    roster = await course_groups.sheet(callback_data.session, staff_centers)
    await query.answer()
    if roster is not None and isinstance(query.message, Message):
        keep = gk.attendance(roster, callback_data.session, callback_data.page)
        await keyboards.remove_inline_buttons(query.message, keep=keep)


# ---- a message to everyone ----


@router.message(GroupForm.message, TYPED, IsStaff())
async def message_typed(
    message: Message, state: FSMContext, course_groups: CourseGroupDesk, i18n: I18n, staff_centers: set[int] | None
) -> None:
    data = await state.get_data()
    managed = await course_groups.managed(int(data.get("group", 0)), staff_centers)
    if managed is None:
        await state.clear()
        await message.answer(gv.not_allowed())
        return
    text = clean_message(message.text or "")
    if text is None:
        await message.answer(gv.bad_message())
        return
    pending = {"action": "write", "group": managed.group.id, "text": text}
    await _ask_confirm(message, state, pending, gv.confirm_message(managed, text, i18n.current_locale))


@router.message(GroupForm.message, ~F.text)
async def message_not_text(message: Message) -> None:
    await message.answer(gv.bad_message())


# ---- confirming ----


async def _ask_confirm(
    message: Message, state: FSMContext, pending: dict[str, Any], text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    await state.update_data(pending=pending)
    await state.set_state(GroupForm.confirm)
    await message.answer(text, reply_markup=markup or gk.confirm())


@router.callback_query(GroupForm.confirm, GConfirmCb.filter(), IsStaff())
async def confirmed(
    query: CallbackQuery,
    callback_data: GConfirmCb,
    state: FSMContext,
    course_groups: CourseGroupDesk,
    i18n: I18n,
    staff_centers: set[int] | None,
) -> None:
    data = await state.get_data()
    pending: dict[str, Any] = data.get("pending") or {}
    if not isinstance(query.message, Message) or not pending:
        await query.answer(gv.nothing_pending(), show_alert=True)
        return
    message, locale = query.message, i18n.current_locale
    await keyboards.remove_inline_buttons(message)
    if not callback_data.ok:
        await state.clear()
        await query.answer()
        await message.answer(gv.dropped())
        return
    actor, action = query.from_user.id, pending.get("action")
    group_id = int(pending.get("group", 0))
    try:
        if action == "create":
            managed = await course_groups.create(actor, _draft(data))
            done = gv.created(managed, locale)
        elif action == "seats":
            managed = await course_groups.change_seats(actor, group_id, int(pending["seats"]))
            done = gv.seats_done(managed)
        elif action == "add":
            start = datetime.fromisoformat(pending["start"])
            managed = await course_groups.add_session(actor, group_id, start)
            done = gv.done()
        elif action == "move":
            start = datetime.fromisoformat(pending["start"])
            managed = await course_groups.move_session(actor, group_id, int(pending["session"]), start)
            done = gv.done()
        elif action == "cancel":
            managed = await course_groups.cancel_session(actor, group_id, int(pending["session"]))
            done = gv.done()
        elif action == "close":
            managed = await course_groups.close(actor, group_id)
            done = gv.done()
        elif action == "write":
            count = await course_groups.message_all(actor, group_id, str(pending["text"]))
            managed = await course_groups.managed(group_id, staff_centers)
            done = gv.sent(count)
        else:
            raise RuleError("not allowed")
    except RuleError as error:
        await query.answer()
        current = await course_groups.managed(group_id, staff_centers) if group_id else None
        if error.code == "below" and current is not None:  # another number of seats may be typed
            await state.set_state(GroupForm.seats)
            await message.answer(gv.refused(error.code, current), reply_markup=gk.seats())
            return
        await state.clear()
        await message.answer(gv.refused(error.code, current))
        return
    await state.clear()
    await query.answer()
    await message.answer(done)
    if managed is not None:  # the tap is answered already: the card comes as a message of its own
        await message.answer(gv.group_card(managed, course_groups.zone, locale), reply_markup=gk.group_actions(managed))


# ---- buttons out of place: stale, or not staff ----


@router.callback_query(GPickCb.filter(), IsStaff())
@router.callback_query(GConfirmCb.filter(), IsStaff())
async def stale_step(query: CallbackQuery) -> None:
    await query.answer(gv.nothing_pending(), show_alert=True)


@router.callback_query(F.data.startswith("G"))
async def not_staff(query: CallbackQuery) -> None:
    await query.answer(gv.not_allowed(), show_alert=True)
