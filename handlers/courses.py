"""Parents Academy and pre-marital courses: topics, groups nearest first, signing up (one person or a couple),
the partner joining by link, cancelling, and the staff's rosters."""

from __future__ import annotations

import itertools

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.deep_linking import create_start_link
from aiogram.utils.i18n import I18n

from bot.core import keyboards
from bot.core.callbacks import (
    CancelSignupCb,
    ConfirmCancelCb,
    CourseConsentCb,
    CoursesAtCb,
    GroupCb,
    JoinBookingCb,
    RosterCb,
    SignupCb,
    SkipCb,
    TopicCb,
)
from bot.core.filters import ButtonText, IsStaff
from bot.courses import views as cv
from bot.courses.desk import CourseDesk
from bot.courses.models import CourseGroup
from bot.courses.rules import clean_name, parse_marriage_date
from bot.directory.geo import distance_km
from bot.requests import views as rv
from bot.requests.models import RuleError
from bot.requests.rules import normalize_phone
from bot.settings import Settings

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")

NEAR_GROUPS = 8
ONLINE_GROUPS = 2
PARTNER_LINK_PREFIX = "p_"


class CourseBrowse(StatesGroup):
    groups = State()


class SignupForm(StatesGroup):
    name = State()
    partner = State()
    phone = State()
    marriage_date = State()
    consent = State()


async def show_programme(message: Message, state: FSMContext, courses: CourseDesk, programme: str,
                         locale: str, center_id: int | None = None) -> None:  # fmt: skip
    await state.clear()
    if center_id is not None:
        await state.update_data(center_id=center_id)
    topics = await courses.topics(programme)
    text, markup = cv.topics(topics, locale, programme)
    await message.answer(text, reply_markup=markup)


@router.message(Command("academy"))
@router.message(ButtonText(cv.ACADEMY_BUTTON))
async def academy(message: Message, state: FSMContext, courses: CourseDesk, i18n: I18n) -> None:
    await show_programme(message, state, courses, "academy", i18n.current_locale)


@router.message(Command("premarital"))
@router.message(ButtonText(cv.PREMARITAL_BUTTON))
async def premarital(message: Message, state: FSMContext, courses: CourseDesk, i18n: I18n) -> None:
    await show_programme(message, state, courses, "premarital", i18n.current_locale)


@router.callback_query(CoursesAtCb.filter(F.programme.in_({"academy", "premarital"})))
async def courses_at_center(
    query: CallbackQuery, callback_data: CoursesAtCb, state: FSMContext, courses: CourseDesk, i18n: I18n
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await show_programme(
            query.message, state, courses, callback_data.programme, i18n.current_locale, callback_data.center
        )


@router.callback_query(TopicCb.filter())
async def topic_chosen(
    query: CallbackQuery, callback_data: TopicCb, state: FSMContext, courses: CourseDesk, i18n: I18n
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await state.set_state(CourseBrowse.groups)
    await state.update_data(topic_id=callback_data.id)
    await _send_groups(query.message, state, courses, i18n.current_locale)
    if "latitude" not in await state.get_data() and "center_id" not in await state.get_data():
        await query.message.answer(cv.nearest_hint(), reply_markup=cv.browse_keyboard())


@router.message(CourseBrowse.groups, F.location)
async def groups_near_me(message: Message, state: FSMContext, courses: CourseDesk, i18n: I18n) -> None:
    assert message.location is not None
    await state.update_data(latitude=message.location.latitude, longitude=message.location.longitude)
    await _send_groups(message, state, courses, i18n.current_locale)


async def _send_groups(message: Message, state: FSMContext, courses: CourseDesk, locale: str) -> None:
    data = await state.get_data()
    topic = await courses.topic(int(data["topic_id"]))
    if topic is None:
        await message.answer(cv.group_gone())
        return
    origin = await _origin(data, courses)
    now = courses.clock.now()
    upcoming = [group for group in await courses.groups(topic.id) if not group.has_started(now)]
    centers = {center.id: center for center in await courses.centers()}

    def distance(group: CourseGroup) -> float | None:
        center = centers[group.center_id]
        return distance_km(*origin, center.latitude, center.longitude) if origin else None

    offline = sorted(
        (group for group in upcoming if not group.online),
        key=lambda group: (distance(group) or 0, group.starts_at),
    )
    online = sorted((group for group in upcoming if group.online), key=lambda group: group.starts_at)
    chosen = list(itertools.chain(offline[:NEAR_GROUPS], online[:ONLINE_GROUPS]))
    listed = [(group, centers[group.center_id], distance(group)) for group in chosen]
    text, markup = cv.groups_list(topic, listed, courses.zone, locale)
    await message.answer(text, reply_markup=markup)


async def _origin(data: dict, courses: CourseDesk) -> tuple[float, float] | None:  # type: ignore[type-arg]
    """Where 'nearest' is measured from: a shared location, else the center the person came from."""
    if "latitude" in data:
        return float(data["latitude"]), float(data["longitude"])
    if "center_id" in data:
        center = await courses.center(int(data["center_id"]))
        if center is not None:
            return center.latitude, center.longitude
    return None


@router.callback_query(GroupCb.filter())
async def group_chosen(query: CallbackQuery, callback_data: GroupCb, courses: CourseDesk, i18n: I18n) -> None:
    group = await courses.group(callback_data.id)
    if group is None:
        await query.answer(cv.group_gone(), show_alert=True)
        return
    await query.answer()
    topic = await courses.topic(group.topic_id)
    center = await courses.center(group.center_id)
    assert topic is not None and center is not None
    mine = await courses.active_signup(query.from_user.id, group.id)
    text, markup = cv.group_card(group, topic, center, courses.zone, i18n.current_locale, mine)
    if isinstance(query.message, Message):
        await query.message.answer(text, reply_markup=markup)


@router.callback_query(SignupCb.filter())
async def signup_start(query: CallbackQuery, callback_data: SignupCb, state: FSMContext, courses: CourseDesk) -> None:
    group = await courses.group(callback_data.group)
    if group is None:
        await query.answer(cv.group_gone(), show_alert=True)
        return
    if group.has_started(courses.clock.now()):
        await query.answer(cv.group_started(), show_alert=True)
        return
    if await courses.active_signup(query.from_user.id, group.id) is not None:
        await query.answer(cv.already_signed(), show_alert=True)
        return
    topic = await courses.topic(group.topic_id)
    await query.answer()
    await state.set_state(SignupForm.name)
    await state.set_data({"group_id": group.id, "couple": bool(topic and topic.programme == "premarital")})
    if isinstance(query.message, Message):
        await query.message.answer(cv.ask_name(), reply_markup=rv.dialog_keyboard())


@router.message(SignupForm.name, F.text)
async def name_given(message: Message, state: FSMContext) -> None:
    name = clean_name(message.text or "")
    if name is None:
        await message.answer(cv.bad_name())
        return
    await state.update_data(name=name)
    if (await state.get_data()).get("couple"):
        await state.set_state(SignupForm.partner)
        await message.answer(cv.ask_partner_name())
    else:
        await state.set_state(SignupForm.phone)
        await message.answer(cv.ask_phone(), reply_markup=rv.phone_keyboard())


@router.message(SignupForm.partner, F.text)
async def partner_given(message: Message, state: FSMContext) -> None:
    name = clean_name(message.text or "")
    if name is None:
        await message.answer(cv.bad_name())
        return
    await state.update_data(partner_name=name)
    await state.set_state(SignupForm.phone)
    await message.answer(cv.ask_phone(), reply_markup=rv.phone_keyboard())


@router.message(SignupForm.phone, F.contact | F.text)
async def signup_phone(message: Message, state: FSMContext, courses: CourseDesk, i18n: I18n) -> None:
    phone = normalize_phone(message.contact.phone_number if message.contact else (message.text or ""))
    if phone is None:
        await message.answer(rv.bad_phone(), reply_markup=rv.phone_keyboard())
        return
    await state.update_data(phone=phone)
    if (await state.get_data()).get("couple"):
        await state.set_state(SignupForm.marriage_date)
        text, markup = cv.ask_marriage_date()
        await message.answer(text, reply_markup=markup)
        return
    await _ask_consent(message, state, courses, i18n.current_locale)


@router.message(SignupForm.marriage_date, F.text)
async def marriage_date_given(
    message: Message, state: FSMContext, courses: CourseDesk, i18n: I18n, settings: Settings
) -> None:
    today = courses.clock.local(settings.zone).date()
    parsed = parse_marriage_date(message.text or "", today)
    if parsed is None:
        await message.answer(cv.bad_marriage_date())
        return
    await state.update_data(marriage_date=parsed.isoformat())
    await _ask_consent(message, state, courses, i18n.current_locale)


@router.callback_query(SignupForm.marriage_date, SkipCb.filter())
async def marriage_date_skipped(query: CallbackQuery, state: FSMContext, courses: CourseDesk, i18n: I18n) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await keyboards.remove_inline_buttons(query.message)
        await _ask_consent(query.message, state, courses, i18n.current_locale)


async def _ask_consent(message: Message, state: FSMContext, courses: CourseDesk, locale: str) -> None:
    group = await courses.group(int((await state.get_data())["group_id"]))
    center = await courses.center(group.center_id) if group else None
    if center is None:
        await state.clear()
        await message.answer(cv.group_gone(), reply_markup=keyboards.main_menu())
        return
    await state.set_state(SignupForm.consent)
    text, markup = cv.consent(center, locale)
    await message.answer(text, reply_markup=markup)


@router.callback_query(SignupForm.consent, CourseConsentCb.filter())
async def consent_given(
    query: CallbackQuery, callback_data: CourseConsentCb, state: FSMContext, courses: CourseDesk, i18n: I18n, bot: Bot
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    await keyboards.remove_inline_buttons(query.message)
    if callback_data.choice == "no":
        group = await courses.group(int((await state.get_data())["group_id"]))
        center = await courses.center(group.center_id) if group else None
        await state.clear()
        text = cv.consent_declined(center) if center else cv.group_gone()
        await query.message.answer(text, reply_markup=keyboards.main_menu())
        return
    await _finish_signup(query.message, state, courses, i18n.current_locale, bot, query.from_user.id,
                         reminders=callback_data.choice == "remind")  # fmt: skip


async def _finish_signup(message: Message, state: FSMContext, courses: CourseDesk, locale: str, bot: Bot,
                         user_id: int, reminders: bool) -> None:  # fmt: skip
    data = await state.get_data()
    await state.clear()
    try:
        result = await courses.sign_up(
            int(data["group_id"]), user_id, data["name"], data["phone"], data.get("partner_name"),
            data.get("marriage_date"), reminders=reminders,
        )  # fmt: skip
    except RuleError as error:
        text = {"started": cv.group_started(), "twice": cv.already_signed()}.get(error.code, cv.group_gone())
        await message.answer(text, reply_markup=keyboards.main_menu())
        return
    if result.waiting_position is not None:
        await message.answer(cv.waiting(result.waiting_position), reply_markup=keyboards.main_menu())
    else:
        center = await courses.center(result.group.center_id)
        assert center is not None
        text = cv.confirmed(result.group, result.topic, center, courses.zone, locale, reminders=reminders)
        await message.answer(text, reply_markup=keyboards.main_menu())
    if result.signup.invite_token:
        link = await create_start_link(bot, f"{PARTNER_LINK_PREFIX}{result.signup.invite_token}")
        await message.answer(cv.partner_invite(link, result.signup.partner_name or ""))


async def offer_join(message: Message, token: str, state: FSMContext, courses: CourseDesk, locale: str) -> None:
    """The partner opened the booking's link: show what they join; the token stays in their dialog data."""
    signup = await courses.signup_by_token(token)
    if signup is None or signup.status == "cancelled" or signup.partner_user_id:
        await message.answer(cv.invite_invalid(), reply_markup=keyboards.main_menu())
        return
    group = await courses.group(signup.group_id)
    topic = await courses.topic(group.topic_id) if group else None
    if group is None or topic is None:
        await message.answer(cv.invite_invalid(), reply_markup=keyboards.main_menu())
        return
    await state.update_data(join_token=token)
    text, markup = cv.join_offer(signup, topic, group, courses.zone, locale)
    await message.answer(text, reply_markup=markup)


@router.callback_query(JoinBookingCb.filter())
async def join_booking(
    query: CallbackQuery, callback_data: JoinBookingCb, state: FSMContext, courses: CourseDesk, i18n: I18n
) -> None:
    token = (await state.get_data()).get("join_token")
    try:
        if not token:
            raise RuleError("invalid")
        signup = await courses.join(callback_data.id, token, query.from_user.id)
    except RuleError as error:
        await query.answer(cv.own_invite() if error.code == "own" else cv.invite_invalid(), show_alert=True)
        return
    await state.clear()
    await query.answer()
    group = await courses.group(signup.group_id)
    topic = await courses.topic(group.topic_id) if group else None
    center = await courses.center(group.center_id) if group else None
    if isinstance(query.message, Message) and group and topic and center:
        await keyboards.remove_inline_buttons(query.message)
        # joining the booking includes the reminders (the join offer says so)
        text = cv.confirmed(group, topic, center, courses.zone, i18n.current_locale, reminders=True)
        if signup.status == "waiting":
            text = cv.waiting(1 + [s.id for s in await courses.waiting(group.id)].index(signup.id))
        await query.message.answer(text, reply_markup=keyboards.main_menu())


async def send_my_signups(message: Message, user_id: int, courses: CourseDesk, locale: str) -> None:
    items = []
    for signup in await courses.signups_of(user_id):
        group = await courses.group(signup.group_id)
        topic = await courses.topic(group.topic_id) if group else None
        if group and topic:
            items.append((signup, group, topic))
    text, markup = cv.my_signups(items, courses.zone, locale)
    await message.answer(text, reply_markup=markup)


@router.callback_query(CancelSignupCb.filter())
async def cancel_signup(query: CallbackQuery, callback_data: CancelSignupCb, courses: CourseDesk, i18n: I18n) -> None:
    signup = await courses.signup(callback_data.id)
    if signup is None or query.from_user.id not in signup.people() or signup.status == "cancelled":
        await query.answer(rv.not_allowed() if signup is None or query.from_user.id not in signup.people()
                           else cv.group_gone(), show_alert=True)  # fmt: skip
        return
    group = await courses.group(signup.group_id)
    topic = await courses.topic(group.topic_id) if group else None
    await query.answer()
    if topic is not None and isinstance(query.message, Message):
        text, markup = cv.confirm_cancel(topic, i18n.current_locale, signup.id)
        await query.message.answer(text, reply_markup=markup)


@router.callback_query(ConfirmCancelCb.filter())
async def cancel_confirmed(
    query: CallbackQuery, callback_data: ConfirmCancelCb, courses: CourseDesk, i18n: I18n
) -> None:
    try:
        signup = await courses.cancel(callback_data.id, query.from_user.id)
    except RuleError:
        await query.answer(rv.not_allowed(), show_alert=True)
        return
    await query.answer()
    group = await courses.group(signup.group_id)
    topic = await courses.topic(group.topic_id) if group else None
    if isinstance(query.message, Message) and topic is not None:
        await query.message.edit_text(cv.cancelled(topic, i18n.current_locale))


@router.message(Command("roster"), IsStaff())
async def rosters(message: Message, courses: CourseDesk, i18n: I18n, staff_centers: set[int] | None) -> None:
    text, markup = cv.rosters(await courses.upcoming_groups(staff_centers), courses.zone, i18n.current_locale)
    await message.answer(text, reply_markup=markup)


@router.message(Command("roster"))
async def rosters_refused(message: Message) -> None:
    await message.answer(rv.staff_only())


@router.callback_query(RosterCb.filter(), IsStaff())
async def roster(
    query: CallbackQuery, callback_data: RosterCb, courses: CourseDesk, i18n: I18n, staff_centers: set[int] | None
) -> None:
    found = await courses.roster(callback_data.id, staff_centers)
    if found is None:
        await query.answer(rv.not_allowed(), show_alert=True)
        return
    await query.answer()
    group, topic, people = found
    if isinstance(query.message, Message):
        await query.message.answer(cv.roster(group, topic, people, courses.zone, i18n.current_locale))


@router.callback_query(RosterCb.filter())
async def roster_refused(query: CallbackQuery) -> None:
    await query.answer(rv.not_allowed(), show_alert=True)
