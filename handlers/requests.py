"""The person's side of a help request: the dialog that sends it, /my, answering staff, rating the help."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.types import User as TgUser
from aiogram.utils.i18n import I18n

from bot.core import keyboards, texts
from bot.core.callbacks import (
    AskHereCb,
    CategoryCb,
    ConfirmCb,
    ConsentCb,
    ContactCb,
    OthersContactCb,
    PersonReplyCb,
    PickCenterCb,
    RateCb,
    SafeContactCb,
)
from bot.core.clock import Clock
from bot.core.filters import ButtonText
from bot.core.i18n import format_moment
from bot.courses.desk import CourseDesk
from bot.directory import views
from bot.directory.finder import CenterFinder
from bot.directory.models import Center, open_first
from bot.faq import keyboards as fk
from bot.faq import views as fv
from bot.faq.callbacks import FaqGoOnCb
from bot.faq.desk import FaqDesk
from bot.privacy import views as pv
from bot.privacy.desk import PrivacyDesk
from bot.programmes.desk import ProgrammeDesk
from bot.programmes.rules import is_child_situation
from bot.programmes.views import child_rights_block
from bot.requests import views as rv
from bot.requests.desk import Helpdesk
from bot.requests.models import AlreadySubmitted, NewRequest
from bot.requests.rules import CATEGORIES, CONTACT_METHODS, is_urgent, normalize_phone
from bot.settings import Settings
from handlers.courses import send_my_signups
from storage.centers import CenterRepository

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")


class RequestForm(StatesGroup):
    category = State()
    center = State()
    text = State()
    contact = State()
    phone = State()
    safe_contact = State()
    safe_contact_text = State()
    consent = State()
    confirm = State()


class Conversation(StatesGroup):
    answering = State()  # the person answers staff in request `request_id`
    rating_comment = State()


async def start_request(
    message: Message,
    state: FSMContext,
    helpdesk: Helpdesk,
    settings: Settings,
    user_id: int,
    center_id: int | None = None,
    ask_topic: bool = True,
) -> bool:
    """A new draft (the topic asked for unless `ask_topic` is False); False when the daily limit refused it."""
    await state.clear()
    if await helpdesk.over_daily_limit(user_id, settings.requests_per_day):
        await message.answer(rv.too_many_requests(), reply_markup=keyboards.main_menu())
        return False
    await state.set_state(RequestForm.category)
    if center_id is not None:
        await state.update_data(center_id=center_id)
    if ask_topic:
        await message.answer(rv.choose_category(), reply_markup=rv.categories())
    return True


async def start_request_on(
    message: Message,
    state: FSMContext,
    helpdesk: Helpdesk,
    programmes: ProgrammeDesk,
    settings: Settings,
    user_id: int,
    category: str,
    locale: str,
) -> None:
    """A request whose topic is chosen already (a programme's card): on to the center, as after a tap on it."""
    if await start_request(message, state, helpdesk, settings, user_id, ask_topic=False) and category in CATEGORIES:
        await _topic_chosen(message, state, helpdesk, programmes, category, locale)


async def writing_request(state: FSMContext) -> bool:
    """Whether a help request is being written: what leads to a person (an article's buttons) then takes it up
    again where it is, never starts a new one (which would lose what was written)."""
    return await state.get_state() in RequestForm.__all_states_names__


async def resume_request(message: Message, state: FSMContext, centers: CenterRepository, locale: str) -> None:
    """The question the request being written is at, asked again with what the draft holds: nothing is lost (the
    summary keeps its draft, so one of its «Send» taps only is ever taken)."""
    step = await state.get_state()
    data = await state.get_data()
    if step == RequestForm.category.state:
        await message.answer(rv.choose_category(), reply_markup=rv.categories())
    elif step == RequestForm.center.state:
        await message.answer(rv.choose_center(), reply_markup=rv.center_keyboard())
    elif step == RequestForm.text.state:
        await _ask_text(message, state)
    elif step == RequestForm.contact.state:
        await message.answer(rv.choose_contact(), reply_markup=rv.contact_choice())
    elif step == RequestForm.phone.state and data.get("offered_phone"):  # someone else's contact, asked about
        text, markup = rv.others_contact(str(data["offered_phone"]))
        await message.answer(text, reply_markup=markup)
    elif step == RequestForm.phone.state:
        await message.answer(rv.ask_phone(), reply_markup=rv.phone_keyboard())
    elif step == RequestForm.safe_contact.state:
        await _ask_safe_contact(message, state)
    elif step == RequestForm.safe_contact_text.state:
        await message.answer(pv.ask_safe_contact_text(), reply_markup=rv.dialog_keyboard())
    elif step == RequestForm.consent.state:
        await _ask_consent(message, state, centers, locale)
    elif step == RequestForm.confirm.state:
        await _show_summary(message, state, centers, locale)


@router.message(Command("request"))
@router.message(ButtonText(keyboards.ASK_FOR_HELP))
async def request_command(message: Message, state: FSMContext, helpdesk: Helpdesk, settings: Settings) -> None:
    assert message.from_user is not None
    await start_request(message, state, helpdesk, settings, message.from_user.id)


@router.message(ButtonText(rv.CANCEL_BUTTON))
async def cancel_button(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(texts.menu(), reply_markup=keyboards.main_menu())


@router.callback_query(AskHereCb.filter())
async def ask_here(
    query: CallbackQuery, callback_data: AskHereCb, state: FSMContext, helpdesk: Helpdesk, settings: Settings
) -> None:
    if await helpdesk.center(callback_data.center) is None:  # a stale card, or forged data: before any writing
        await query.answer(views.center_gone(), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await start_request(query.message, state, helpdesk, settings, query.from_user.id, callback_data.center)


@router.callback_query(RequestForm.category, CategoryCb.filter(F.code.in_(CATEGORIES)))
async def category_chosen(
    query: CallbackQuery,
    callback_data: CategoryCb,
    state: FSMContext,
    helpdesk: Helpdesk,
    programmes: ProgrammeDesk,
    i18n: I18n,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _topic_chosen(query.message, state, helpdesk, programmes, callback_data.code, i18n.current_locale)


async def _topic_chosen(
    message: Message, state: FSMContext, helpdesk: Helpdesk, programmes: ProgrammeDesk, code: str, locale: str
) -> None:
    await state.update_data(category=code)
    if code == "violence":
        await _warn(message, state, helpdesk, locale)
    await _child_rights(message, state, programmes, locale)  # a child's situation at a known center
    if (await state.get_data()).get("center_id"):
        await _ask_text(message, state)
    else:
        await state.set_state(RequestForm.center)
        await message.answer(rv.choose_center(), reply_markup=rv.center_keyboard())


@router.message(RequestForm.center, F.location)
async def center_by_location(
    message: Message, centers: CenterRepository, i18n: I18n, settings: Settings, clock: Clock
) -> None:
    assert message.location is not None
    found = await CenterFinder(centers).near(message.location.latitude, message.location.longitude)
    await _offer_centers(message, [center for center, _ in found], i18n.current_locale, settings, clock)


@router.message(RequestForm.center, F.text)
async def center_by_name(
    message: Message, centers: CenterRepository, i18n: I18n, settings: Settings, clock: Clock
) -> None:
    result = await CenterFinder(centers).by_place_name(message.text or "")
    if result is None or not result.centers:
        await message.answer(views.place_not_found(message.text or ""), reply_markup=rv.center_keyboard())
        return
    await _offer_centers(message, [center for center, _ in result.centers], i18n.current_locale, settings, clock)


@router.callback_query(RequestForm.center, PickCenterCb.filter())
async def center_picked(
    query: CallbackQuery,
    callback_data: PickCenterCb,
    state: FSMContext,
    centers: CenterRepository,
    programmes: ProgrammeDesk,
    i18n: I18n,
) -> None:
    if await centers.get(callback_data.id) is None:
        await query.answer(views.center_gone(), show_alert=True)
        return
    await query.answer()
    await state.update_data(center_id=callback_data.id)
    if isinstance(query.message, Message):
        await _child_rights(query.message, state, programmes, i18n.current_locale)  # now that the region is known
        await _ask_text(query.message, state)


@router.message(RequestForm.text, F.text | F.caption | F.photo | F.document)
async def text_given(message: Message, state: FSMContext, helpdesk: Helpdesk, i18n: I18n, faq: FaqDesk) -> None:
    if message.photo:
        await state.update_data(file_id=message.photo[-1].file_id, file_kind="photo")
    elif message.document:
        await state.update_data(file_id=message.document.file_id, file_kind="document")
    text = (message.text or message.caption or "").strip()
    if not text:
        await message.answer(rv.attachment_kept() if message.photo or message.document else rv.text_needed())
        return
    data = await state.get_data()
    urgent = is_urgent(data.get("category", "other"), text)
    warned = data.get("category") == "violence"  # the numbers came with the topic already
    if (urgent and not warned) or (warned and not data.get("crisis_shown")):  # now with the crisis center
        await _warn(message, state, helpdesk, i18n.current_locale)
    await state.update_data(text=text, urgent=urgent)
    await state.set_state(RequestForm.contact)
    if not urgent:  # in danger the numbers above come alone
        await _offer_articles(message, text, faq, i18n.current_locale)
    await message.answer(rv.choose_contact(), reply_markup=rv.contact_choice())


@router.callback_query(StateFilter(RequestForm), FaqGoOnCb.filter())
async def go_on_after_article(query: CallbackQuery, state: FSMContext, centers: CenterRepository, i18n: I18n) -> None:
    """From an article (offered in the request, or opened meanwhile): the question the request is at, again."""
    await query.answer()
    if isinstance(query.message, Message):
        await resume_request(query.message, state, centers, i18n.current_locale)


@router.message(RequestForm.text)
async def text_missing(message: Message) -> None:
    await message.answer(rv.text_needed())


@router.callback_query(RequestForm.contact, ContactCb.filter(F.method.in_(CONTACT_METHODS)))
@router.callback_query(RequestForm.consent, ContactCb.filter(F.method == "anonymous"))
async def contact_chosen(
    query: CallbackQuery, callback_data: ContactCb, state: FSMContext, centers: CenterRepository, i18n: I18n
) -> None:
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    await state.update_data(contact_method=callback_data.method)
    if callback_data.method == "phone":
        await state.set_state(RequestForm.phone)
        await message.answer(rv.ask_phone(), reply_markup=rv.phone_keyboard())
    elif callback_data.method == "anonymous":
        await state.update_data(phone=None)
        await _show_summary(message, state, centers, i18n.current_locale)
    else:
        await _ask_safe_contact(message, state)


@router.message(RequestForm.phone, F.contact | F.text)
async def phone_given(message: Message, state: FSMContext) -> None:
    contact = message.contact
    phone = normalize_phone(contact.phone_number if contact else (message.text or ""))
    if phone is None:
        await message.answer(rv.bad_phone(), reply_markup=rv.phone_keyboard())
        return
    sender = message.from_user.id if message.from_user else None
    if contact is not None and (contact.user_id is None or contact.user_id != sender):
        # Someone else's contact (or a card linked to no Telegram account): the center would call that person,
        # so ask first. The number waits in the dialog data; typing one's own number still works meanwhile.
        await state.update_data(offered_phone=phone)
        text, markup = rv.others_contact(phone)
        await message.answer(text, reply_markup=markup)
        return
    await state.update_data(phone=phone, offered_phone=None)
    await _ask_safe_contact(message, state)


@router.callback_query(RequestForm.phone, OthersContactCb.filter())
async def others_contact_decided(query: CallbackQuery, callback_data: OthersContactCb, state: FSMContext) -> None:
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    await keyboards.remove_inline_buttons(message)
    offered = (await state.get_data()).get("offered_phone")
    await state.update_data(offered_phone=None)
    if callback_data.use and offered:
        await state.update_data(phone=offered)
        await _ask_safe_contact(message, state)
    else:
        await message.answer(rv.ask_own_phone(), reply_markup=rv.phone_keyboard())


@router.callback_query(RequestForm.safe_contact, SafeContactCb.filter())
async def safe_contact_chosen(
    query: CallbackQuery, callback_data: SafeContactCb, state: FSMContext, centers: CenterRepository, i18n: I18n
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if callback_data.code == "custom":
        await state.set_state(RequestForm.safe_contact_text)
        await query.message.answer(pv.ask_safe_contact_text(), reply_markup=rv.dialog_keyboard())
        return
    if callback_data.code in pv.SAFE_CONTACT:
        await state.update_data(safe_contact=callback_data.code)
    await _ask_consent(query.message, state, centers, i18n.current_locale)


@router.message(RequestForm.safe_contact_text, F.text)
async def safe_contact_written(message: Message, state: FSMContext, centers: CenterRepository, i18n: I18n) -> None:
    await state.update_data(safe_contact="text:" + (message.text or "").strip()[:300])
    await _ask_consent(message, state, centers, i18n.current_locale)


@router.callback_query(RequestForm.consent, ConsentCb.filter())
async def consent_given(
    query: CallbackQuery, callback_data: ConsentCb, state: FSMContext, centers: CenterRepository, i18n: I18n
) -> None:
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    if callback_data.agree:
        await _show_summary(message, state, centers, i18n.current_locale)
    else:
        await message.answer(rv.consent_declined(), reply_markup=rv.anonymous_instead())


@router.callback_query(RequestForm.confirm, ConfirmCb.filter(F.action == "restart"))
async def start_over(query: CallbackQuery, state: FSMContext, helpdesk: Helpdesk, settings: Settings) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        center_id = (await state.get_data()).get("center_id")
        await start_request(query.message, state, helpdesk, settings, query.from_user.id, center_id)


@router.callback_query(ConfirmCb.filter(F.action == "send"))
async def send_request(
    query: CallbackQuery,
    callback_data: ConfirmCb,
    state: FSMContext,
    helpdesk: Helpdesk,
    privacy: PrivacyDesk,
    centers: CenterRepository,
    programmes: ProgrammeDesk,
    i18n: I18n,
    settings: Settings,
) -> None:
    """Once per draft: a second tap, at once or later, is answered with the number the first one got."""
    user_id = query.from_user.id
    if sent := await helpdesk.request_by_draft(user_id, callback_data.draft):
        await query.answer(rv.already_submitted(sent), show_alert=True)
        return
    data = await state.get_data()
    if await state.get_state() != RequestForm.confirm.state or data.get("draft_id") != callback_data.draft:
        await query.answer(texts.button_gone(), show_alert=True)
        return
    center = await centers.get(int(data["center_id"]))
    if center is None or not isinstance(query.message, Message):
        await query.answer(views.center_gone(), show_alert=True)
        return
    if await helpdesk.over_daily_limit(user_id, settings.requests_per_day):
        await query.answer(rv.too_many_requests(), show_alert=True)
        return
    method = data["contact_method"]
    try:
        async with helpdesk.transaction():  # the request, its consent and its notices: all or nothing
            if method != "anonymous":  # the person agreed to this wording on the previous step
                await privacy.give(user_id, "help_request")
            request = await helpdesk.submit(_new_request(data, query.from_user, center, i18n.current_locale))
        # Only once the request is stored: dialog state may live in Redis, outside the transaction. Killed in
        # between, the draft survives and a second tap is answered with the request's number.
        await state.clear()
    except AlreadySubmitted as done:  # the other tap won the race
        await query.answer(rv.already_submitted(done.request), show_alert=True)
        return
    await query.answer()
    await keyboards.remove_inline_buttons(query.message)
    text = rv.submitted(replace(request, status="new"), center, i18n.current_locale)  # the same for everyone
    schedule = center.opening()
    now = helpdesk.clock.local(settings.zone)
    status = schedule.status(now) if schedule else None
    if status is not None and not status.open:
        text += "\n\n" + rv.out_of_hours(views.when(status.change, now, i18n.current_locale))
    if is_child_situation(request.category):  # the region's commissioner for children's rights, 111 and 150
        commissioner = await programmes.commissioner_of_region(center.region)
        text += "\n\n" + child_rights_block(commissioner, i18n.current_locale)
    await query.message.answer(text, reply_markup=keyboards.main_menu())


@router.message(Command("my"))
async def my_requests(
    message: Message, state: FSMContext, helpdesk: Helpdesk, courses: CourseDesk, i18n: I18n, settings: Settings
) -> None:
    assert message.from_user is not None
    await state.clear()
    requests = await helpdesk.requests_of(message.from_user.id)
    locale = i18n.current_locale

    def date_of(stamp: str) -> str:
        return format_moment(datetime.fromisoformat(stamp), settings.zone, locale)

    await message.answer(rv.my_requests(requests, date_of), reply_markup=keyboards.main_menu())
    await send_my_signups(message, message.from_user.id, courses, locale)


@router.callback_query(PersonReplyCb.filter())
async def answer_staff(
    query: CallbackQuery, callback_data: PersonReplyCb, state: FSMContext, helpdesk: Helpdesk
) -> None:
    request = await helpdesk.request(callback_data.id)
    if request is None or request.user_id != query.from_user.id:
        await query.answer(rv.not_allowed(), show_alert=True)
        return
    if not request.is_open:
        await query.answer(rv.request_closed(), show_alert=True)
        return
    await query.answer()
    await state.set_state(Conversation.answering)
    await state.update_data(request_id=request.id)
    if isinstance(query.message, Message):
        await query.message.answer(rv.write_answer(request), reply_markup=rv.dialog_keyboard())


@router.message(Conversation.answering, F.text)
async def person_answer(message: Message, state: FSMContext, helpdesk: Helpdesk) -> None:
    request = await helpdesk.request(int((await state.get_data()).get("request_id", 0)))
    await state.clear()
    mine = request is not None and message.from_user is not None and request.user_id == message.from_user.id
    if request is None or not mine or not request.is_open:  # closed, or anonymised meanwhile: said, never silent
        await message.answer(rv.request_closed(), reply_markup=keyboards.main_menu())
        return
    await helpdesk.person_answer(request, message.text or "")
    await message.answer(rv.answer_sent(), reply_markup=keyboards.main_menu())


@router.callback_query(RateCb.filter(F.score.in_({1, 2, 3, 4, 5})))
async def rate(query: CallbackQuery, callback_data: RateCb, state: FSMContext, helpdesk: Helpdesk) -> None:
    request = await helpdesk.request(callback_data.id)
    if request is None or request.user_id != query.from_user.id or request.status != "resolved":
        await query.answer(rv.not_allowed(), show_alert=True)
        return
    await helpdesk.rate(request, callback_data.score)
    await query.answer("⭐" * callback_data.score)
    await state.set_state(Conversation.rating_comment)
    await state.update_data(request_id=request.id)
    if isinstance(query.message, Message):
        await keyboards.remove_inline_buttons(query.message)
        await query.message.answer(rv.thanks_for_rating())


@router.message(Conversation.rating_comment, F.text)
async def rating_comment(message: Message, state: FSMContext, helpdesk: Helpdesk) -> None:
    request_id = int((await state.get_data()).get("request_id", 0))
    await state.clear()
    await helpdesk.comment_rating(request_id, message.text or "")
    await message.answer(rv.thanks_for_comment(), reply_markup=keyboards.main_menu())


def _new_request(data: dict[str, Any], sender: TgUser, center: Center, locale: str) -> NewRequest:
    """The draft as the person confirmed it; what they chose not to give is not stored."""
    method = data["contact_method"]
    return NewRequest(
        user_id=sender.id,
        center_id=center.id,
        category=data["category"],
        urgent=bool(data.get("urgent")),
        contact_method=method,
        contact_name=None if method == "anonymous" else sender.first_name,
        phone=data.get("phone") if method == "phone" else None,
        locale=locale,
        text=data["text"],
        file_id=data.get("file_id"),
        file_kind=data.get("file_kind"),
        safe_contact=data.get("safe_contact") if method != "anonymous" else None,
        draft_id=data["draft_id"],
    )


async def _ask_text(message: Message, state: FSMContext) -> None:
    await state.set_state(RequestForm.text)
    await message.answer(rv.describe(), reply_markup=rv.dialog_keyboard())


async def _warn(message: Message, state: FSMContext, helpdesk: Helpdesk, locale: str) -> None:
    """The emergency numbers at once, with the region's crisis center once the center is known."""
    data = await state.get_data()
    center = await helpdesk.center(int(data["center_id"])) if data.get("center_id") else None
    crisis = await helpdesk.crisis_center(center.region) if center else None
    await message.answer(rv.danger_notice(crisis, locale))
    await state.update_data(crisis_shown=crisis is not None)


async def _child_rights(message: Message, state: FSMContext, programmes: ProgrammeDesk, locale: str) -> None:
    """A child's situation: the commissioner for children's rights of the chosen center's region, with 111 and 150,
    once in the dialog, as soon as the center is known."""
    data = await state.get_data()
    if not is_child_situation(data.get("category")) or data.get("child_rights_shown") or not data.get("center_id"):
        return
    commissioner = await programmes.commissioner_for_center(int(data["center_id"]))
    await message.answer(child_rights_block(commissioner, locale))
    await state.update_data(child_rights_shown=True)


async def _offer_articles(message: Message, text: str, faq: FaqDesk, locale: str) -> None:
    """Up to three articles the description names ("this may help"); the request goes on below, unchanged: never
    a wall between a person and a human."""
    found = faq.articles_for(text)
    if found:
        markup = fk.found(found, locale, in_request=True, way_on=False)
        await message.answer(fv.offer_heading(), reply_markup=markup)


async def _offer_centers(message: Message, found: list[Center], locale: str, settings: Settings, clock: Clock) -> None:
    found = open_first(found, clock.local(settings.zone))
    if not found:
        await message.answer(views.no_centers())
        return
    await message.answer(rv.centers_to_pick(), reply_markup=rv.center_picks(found, locale))


async def _draft_center(message: Message, state: FSMContext, centers: CenterRepository) -> Center | None:
    """The center the draft is addressed to; if it left the directory meanwhile, the dialog ends politely."""
    center = await centers.get(int((await state.get_data())["center_id"]))
    if center is None:
        await message.answer(views.center_gone(), reply_markup=keyboards.main_menu())
        await state.clear()
    return center


async def _ask_safe_contact(message: Message, state: FSMContext) -> None:
    await state.set_state(RequestForm.safe_contact)
    await message.answer(pv.ask_safe_contact(), reply_markup=pv.safe_contact_choice())


async def _ask_consent(message: Message, state: FSMContext, centers: CenterRepository, locale: str) -> None:
    center = await _draft_center(message, state, centers)
    if center is None:
        return
    await state.set_state(RequestForm.consent)
    await message.answer(rv.consent_question(center, locale), reply_markup=rv.consent_choice())


async def _show_summary(message: Message, state: FSMContext, centers: CenterRepository, locale: str) -> None:
    center = await _draft_center(message, state, centers)
    if center is None:
        return
    data = await state.get_data()
    draft_id = data.get("draft_id") or secrets.token_hex(8)  # shown again (e.g. after a consent step): same draft
    await state.update_data(draft_id=draft_id)
    await state.set_state(RequestForm.confirm)
    contact = rv.contact_label(data["contact_method"], data.get("phone"))
    safe = data.get("safe_contact") if data["contact_method"] != "anonymous" else None
    text = rv.summary(data["category"], center, data["text"], contact, bool(data.get("urgent")), locale, safe)
    await message.answer(text, reply_markup=rv.confirm_choice(draft_id))
