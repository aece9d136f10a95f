"""The center card desk: who may edit which center's card, and saving one field's change as one unit of work.

Rights come from the staff table (and ADMIN_IDS) on every call, never from a button. A change carries the values
the staff member saw (before) and wants (after); under the writer lock the center is read again and, if that field
no longer holds what they saw, nothing is written (StaleEdit): two people editing the same field never overwrite
each other unseen, while edits of different fields both land.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.center_card import rules
from bot.center_card.models import FIELD_COLUMNS, CardError, StaleEdit, Values, field_values
from bot.directory.models import SERVICES, Center
from bot.requests.desk import Helpdesk
from storage.center_card import CenterCardRepository


class CenterCardDesk:
    def __init__(self, helpdesk: Helpdesk, zone: ZoneInfo) -> None:
        self.db = helpdesk.db
        self.clock = helpdesk.clock
        self.zone = zone
        self.admin_ids = helpdesk.admin_ids
        self.staff = helpdesk.staff
        self.centers = helpdesk.centers
        self.cards = CenterCardRepository(helpdesk.db)

    def now(self) -> datetime:
        return self.clock.local(self.zone)

    def today(self) -> date:
        return self.now().date()

    async def is_staff(self, user_id: int) -> bool:
        return user_id in self.admin_ids or bool(await self.staff.centers_of(user_id))

    async def centers_for(self, user_id: int) -> list[Center]:
        """The centers whose card this person may edit: their own, or every one for an administrator."""
        if user_id in self.admin_ids:
            return await self.centers.all()
        mine = await self.staff.centers_of(user_id)
        found = [await self.centers.get(center_id) for center_id in sorted(mine)]
        return [center for center in found if center is not None]

    async def open(self, user_id: int, center_id: int) -> Center:
        """The center, if this person may edit it; CardError('not_allowed') or ('gone') otherwise."""
        if not await self._allowed(user_id, center_id):
            raise CardError("not_allowed")
        center = await self.centers.get(center_id)
        if center is None:
            raise CardError("gone")
        return center

    async def open_slug(self, user_id: int, slug: str) -> Center:
        center = await self.centers.by_slug(slug.strip().lower())
        if center is None:
            raise CardError("gone")
        return await self.open(user_id, center.id)

    async def save(self, user_id: int, center_id: int, field: str, before: Values, after: Values) -> Center:
        """One field's change, with its audit row, in one transaction; the card as it stands after."""
        if field not in FIELD_COLUMNS:
            raise CardError("gone")
        wanted = self._checked(field, after)
        async with self.db.transaction():
            if not await self._allowed(user_id, center_id):
                raise CardError("not_allowed")
            center = await self.centers.get(center_id)
            if center is None:
                raise CardError("gone")
            current = field_values(center, field)
            if current != before:
                raise StaleEdit(center)
            if wanted == current:
                raise CardError("unchanged")
            await self.cards.save(center_id, wanted)
            await self.cards.audit(user_id, f"center {field}", center.slug)
            saved = await self.centers.get(center_id)
        assert saved is not None
        return saved

    def preview(self, field: str, after: Values) -> Values:
        """What would be written for this draft (checked by the rules; CardError if a rule refuses it)."""
        return self._checked(field, after)

    def unchanged(self, field: str, before: Values, after: Values) -> bool:
        """Whether `after` (as previewed) would leave the card's field as it is."""
        try:
            return self._checked(field, before) == after
        except CardError:  # what the card holds breaks a rule (an old import): anything valid is a change
            return False

    async def _allowed(self, user_id: int, center_id: int) -> bool:
        return user_id in self.admin_ids or center_id in await self.staff.centers_of(user_id)

    def _checked(self, field: str, after: Values) -> Values:
        """The values to write, checked again by the rules (the dialog's state is the person's own, but a rule
        holds wherever a change comes from); the card's hours text is made from the structured hours."""
        needed = {"schedule"} if field == "hours" else set(FIELD_COLUMNS[field])
        if not needed <= set(after):
            raise CardError("gone")
        if field == "hours":
            week = rules.week_of(str(after["schedule"]))
            rules.check_week(week)
            return {
                "schedule": rules.schedule_of(week),
                "hours_kk": rules.describe(week, "kk"),
                "hours_ru": rules.describe(week, "ru"),
            }
        if field == "holidays":
            holidays = rules.holidays_text(rules.holiday_list(str(after["holidays"])))
            rules.check_holidays(holidays, self.today())
            return {"holidays": holidays}
        if field == "notice":
            notice = str(after["notice"])
            if not notice:
                return {"notice": "", "notice_until": ""}
            until = str(after["notice_until"] or "")
            if until:
                datetime.fromisoformat(until)
            return {"notice": rules.check_notice(notice), "notice_until": until}
        if field == "phones":
            phones = [str(phone) for phone in after["phones"]]
            if not phones:
                raise CardError("last_phone")
            return {"phones": phones}
        if field == "address":
            return {name: rules.check_address(str(after[name])) for name in ("address_kk", "address_ru")}
        services = [code for code in SERVICES if code in after["services"]]
        if not services:
            raise CardError("last_service")
        return {"services": services}
