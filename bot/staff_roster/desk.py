"""The admins' staff list: reading a center's staff, inviting, and removing someone who leaves, in one unit of
work with everything that follows from it (their requests back in the queue, the audit log, the center's notice).

Built on the help desk (bot.requests.desk): its transaction, its idea of where a center's notices go, and the
notices that follow a request's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.directory.models import Center
from bot.requests.desk import Helpdesk
from bot.requests.models import RuleError
from bot.staff_roster import views
from bot.staff_roster.models import Removal, RemovalQuestion, Roster
from bot.staff_roster.rules import display_name
from storage.staff_roster import RosterRepository

INVITE_VALID_FOR = timedelta(days=3)  # as /invite


@dataclass
class RosterDesk:
    helpdesk: Helpdesk

    def __post_init__(self) -> None:
        self.roster = RosterRepository(self.helpdesk.db)

    # ---- what the admin reads ----

    async def centers_in(self, region: str) -> list[tuple[Center, int]]:
        """The region's centers, each with how many staff it has."""
        centers = sorted(await self.helpdesk.centers.in_region(region), key=lambda center: center.slug)
        counts = await self.roster.counts([center.id for center in centers])
        return [(center, counts.get(center.id, 0)) for center in centers]

    async def of_center(self, center_id: int) -> Roster | None:
        center = await self.helpdesk.centers.get(center_id)
        return Roster(center, tuple(await self.roster.of_center(center.id))) if center is not None else None

    async def of_slug(self, slug: str) -> Roster | None:
        center = await self.helpdesk.centers.by_slug(slug) if slug else None
        return Roster(center, tuple(await self.roster.of_center(center.id))) if center is not None else None

    async def removal_question(self, center_id: int, user_id: int) -> RemovalQuestion | None:
        """What removing this person would do; None when they are not on that center's staff."""
        center = await self.helpdesk.centers.get(center_id)
        entry = await self.roster.member(center_id, user_id) if center is not None else None
        if center is None or entry is None:
            return None
        return RemovalQuestion(center, entry, tuple(await self.roster.taken_by(user_id, center_id)))

    async def admin_menus(self) -> dict[int, str]:
        """Each admin and the language of their menu."""
        return {admin: await self.helpdesk.locale_of(admin) for admin in self.helpdesk.admin_ids}

    # ---- what the admin does ----

    async def invite(self, center_id: int, admin_id: int) -> tuple[Center, str] | None:
        """A one-time invite to the center's staff (the same as /invite); None for a center that is gone."""
        center = await self.helpdesk.centers.get(center_id)
        if center is None:
            return None
        return center, await self.helpdesk.create_invite(center.id, admin_id, INVITE_VALID_FOR)

    async def remove(self, center_id: int, user_id: int, actor_id: int) -> Removal:
        """One transaction: the person leaves the center's staff; every request of the center they had taken and
        not closed goes back to the queue (its notices show it, with Take again); the audit log records it; and
        the center (its group, else its remaining staff, else the admins) is told which requests came back, by
        number only (a notice that names them: erasing them drops it while it is undelivered). Notices of the
        center's requests still waiting to reach their private chat are dropped, except one a sender has claimed
        (its lease keeps the chat's order). The people who wrote are told nothing: for them the request simply
        goes on. Raises RuleError("not_staff") when the person is not (or no longer) on that center's staff.

        A take racing this removal is serialised with it by the database: committed before, it is returned here;
        after, it is refused, its right being read again in its own transaction (Helpdesk._act_for)."""
        desk = self.helpdesk
        async with desk.transaction():
            center = await desk.centers.get(center_id)
            entry = await self.roster.member(center_id, user_id) if center is not None else None
            if center is None or entry is None:
                raise RuleError("not_staff")
            await desk.staff.remove(user_id, center_id)
            if user_id not in desk.admin_ids:  # the center's requests no longer reach their chat
                await self.roster.forget_notices_in_chat(user_id, center_id)
                await self.roster.drop_pending_in_chat(user_id, center_id)
            returned = tuple(await self.roster.requeue_taken_by(user_id, center_id))
            # The log names the center and counts, never the person removed: /forget leaves no trace of them here.
            await desk.requests.audit(
                actor_id, None, "staff removed", f"{center.slug}; back in the queue: {len(returned)}"
            )
            for request_id in returned:
                await desk.requests.audit(actor_id, request_id, "requeue", center.slug)
                request = await desk.requests.get(request_id)
                assert request is not None
                await desk.show_state(request, lambda _locale: views.back_in_queue())
            name = display_name(entry.first_name, entry.username, entry.user_id)
            if returned:
                for target in await desk.targets(center_id):
                    with desk.i18n.use_locale(target.locale):
                        text = views.center_notice(center, name, returned, target.locale)
                        await desk.enqueue(target, text, None, None, about_user=user_id)
            menu = await desk.menu_role(user_id)
            locale = await desk.locale_of(user_id)
        desk.staff_seen.forget(user_id)  # their main menu loses the staff row with their next update
        return Removal(center, entry, returned, menu, locale)
