"""Find my center: by shared location, by region and city, or by a typed place name; the center card."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n

from bot.core import keyboards
from bot.core.callbacks import CenterCb, LocalityCb, NearbyCb, RegionCb, RegionsCb
from bot.core.clock import Clock
from bot.core.filters import ButtonText
from bot.directory import keyboards as center_keyboards
from bot.directory import views
from bot.directory.finder import CenterFinder
from bot.directory.geo import in_kazakhstan
from bot.directory.models import Center
from bot.directory.regions import REGIONS_BY_SLUG
from bot.settings import Settings
from storage.centers import CenterRepository

router = Router(name=__name__)
router.message.filter(F.chat.type == "private")


class CenterSearch(StatesGroup):
    waiting_place = State()


async def start_center_search(message: Message, state: FSMContext) -> None:
    await state.set_state(CenterSearch.waiting_place)
    await message.answer(views.center_search_prompt(), reply_markup=center_keyboards.center_search())


async def send_center_card(bot: Bot, chat_id: int, center: Center, locale: str, now: datetime) -> None:
    address = f"{center.address(locale)}, {center.locality(locale)}"
    await bot.send_venue(chat_id, center.latitude, center.longitude, title=center.name(locale), address=address)
    card = views.center_card(center, locale, now)
    await bot.send_message(chat_id, card, reply_markup=center_keyboards.center_card(center))


async def answer_place_search(
    message: Message, text: str, centers: CenterRepository, locale: str, now: datetime
) -> bool:
    """Shows the centers near a typed place; False when no place matched."""
    result = await CenterFinder(centers).by_place_name(text)
    if result is None:
        return False
    if not result.centers:
        await message.answer(views.no_centers())
        return True
    if result.place.is_region:
        heading = views.region_heading(result.place.label(locale), len(result.centers))
    else:
        heading = views.place_heading(result.place.label(locale), len(result.centers))
    found = result.centers
    await message.answer(
        views.centers_list(heading, list(found), locale, now),
        reply_markup=center_keyboards.center_choice([center for center, _ in found], locale, back_to_regions=False),
    )
    return True


@router.message(ButtonText(keyboards.CHOOSE_REGION))
async def choose_region(message: Message, i18n: I18n) -> None:
    await message.answer(views.choose_region(), reply_markup=center_keyboards.regions(i18n.current_locale))


@router.message(F.location)
async def by_location(
    message: Message, centers: CenterRepository, i18n: I18n, settings: Settings, clock: Clock
) -> None:
    assert message.location is not None
    latitude, longitude = message.location.latitude, message.location.longitude
    found = await CenterFinder(centers).near(latitude, longitude)
    if not found:
        await message.answer(views.no_centers())
        return
    locale = i18n.current_locale
    heading = views.nearest_heading(len(found))
    if not in_kazakhstan(latitude, longitude):
        heading = views.location_outside()
    await message.answer(
        views.centers_list(heading, list(found), locale, clock.local(settings.zone)),
        reply_markup=center_keyboards.center_choice([center for center, _ in found], locale, back_to_regions=False),
    )


@router.message(CenterSearch.waiting_place, F.text)
async def by_place_name(
    message: Message, centers: CenterRepository, i18n: I18n, settings: Settings, clock: Clock
) -> None:
    assert message.text is not None
    if not await answer_place_search(message, message.text, centers, i18n.current_locale, clock.local(settings.zone)):
        await message.answer(views.place_not_found(message.text), reply_markup=center_keyboards.center_search())


@router.message(CenterSearch.waiting_place)
async def waiting_place_other(message: Message) -> None:
    await message.answer(views.center_search_prompt(), reply_markup=center_keyboards.center_search())


@router.callback_query(RegionsCb.filter())
async def regions_list(query: CallbackQuery, i18n: I18n) -> None:
    await keyboards.edit_or_send(query, views.choose_region(), center_keyboards.regions(i18n.current_locale))


@router.callback_query(RegionCb.filter())
async def region_chosen(
    query: CallbackQuery,
    callback_data: RegionCb,
    centers: CenterRepository,
    i18n: I18n,
    settings: Settings,
    clock: Clock,
) -> None:
    region = REGIONS_BY_SLUG.get(callback_data.slug)
    if region is None:
        await query.answer(views.center_gone(), show_alert=True)
        return
    locale = i18n.current_locale
    localities = await centers.localities(region.slug)
    if len(localities) == 1:
        await _show_locality(query, localities[0].id, centers, locale, clock.local(settings.zone))
        return
    if not localities:
        await query.answer(views.no_centers(), show_alert=True)
        return
    await keyboards.edit_or_send(
        query, views.choose_locality(region.name(locale)), center_keyboards.localities(localities, locale)
    )


@router.callback_query(LocalityCb.filter())
async def locality_chosen(
    query: CallbackQuery,
    callback_data: LocalityCb,
    centers: CenterRepository,
    i18n: I18n,
    settings: Settings,
    clock: Clock,
) -> None:
    await _show_locality(query, callback_data.id, centers, i18n.current_locale, clock.local(settings.zone))


@router.callback_query(CenterCb.filter())
async def center_chosen(
    query: CallbackQuery,
    callback_data: CenterCb,
    centers: CenterRepository,
    i18n: I18n,
    bot: Bot,
    settings: Settings,
    clock: Clock,
) -> None:
    center = await _center_or_refusal(query, callback_data.id, centers)
    if center is not None:
        await send_center_card(bot, query.from_user.id, center, i18n.current_locale, clock.local(settings.zone))


@router.callback_query(NearbyCb.filter())
async def nearby_centers(
    query: CallbackQuery,
    callback_data: NearbyCb,
    centers: CenterRepository,
    i18n: I18n,
    bot: Bot,
    settings: Settings,
    clock: Clock,
) -> None:
    center = await _center_or_refusal(query, callback_data.id, centers)
    if center is None:
        return
    locale = i18n.current_locale
    found = await CenterFinder(centers).near_center(center)
    heading = views.place_heading(center.name(locale), len(found))
    await bot.send_message(
        query.from_user.id,
        views.centers_list(heading, found, locale, clock.local(settings.zone)),
        reply_markup=center_keyboards.center_choice([item for item, _ in found], locale, back_to_regions=False),
    )


async def _center_or_refusal(query: CallbackQuery, center_id: int, centers: CenterRepository) -> Center | None:
    """The center a button names, with the button answered; a center gone from the directory is said so."""
    center = await centers.get(center_id)
    if center is None:
        await query.answer(views.center_gone(), show_alert=True)
    else:
        await query.answer()
    return center


async def _show_locality(
    query: CallbackQuery, locality_id: int, centers: CenterRepository, locale: str, now: datetime
) -> None:
    locality = await centers.locality(locality_id)
    found = await centers.in_locality(locality_id)
    if locality is None or not found:
        await query.answer(views.center_gone(), show_alert=True)
        return
    if len(found) == 1 and query.bot is not None:
        await query.answer()
        await send_center_card(query.bot, query.from_user.id, found[0], locale, now)
        return
    heading = views.place_heading(locality.name(locale), len(found))
    listed: list[tuple[Center, float | None]] = [(center, None) for center in found]
    await keyboards.edit_or_send(
        query, views.centers_list(heading, listed, locale, now), center_keyboards.center_choice(found, locale, True)
    )
