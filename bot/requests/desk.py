"""The help desk: submitting requests, staff actions and answers, each committed together with its outbox rows.

Every change is one database transaction (storage.database): a request and all its notices are stored together
or not at all, and the outbox worker is woken only after the commit.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from aiogram.types import ForceReply, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from bot.admin.stats import Summary, summarize_counts
from bot.directory.models import Center, CrisisCenter
from bot.requests import views as rv
from bot.requests.models import (
    AlreadySubmitted,
    BlockedSender,
    HelpRequest,
    NewRequest,
    RuleError,
    SavedReply,
    StaffGroup,
)
from bot.requests.rules import check_transition, may_act
from bot.staff_roster.rules import menu_role
from bot.telegram.outbox import TOPIC_MARK, OutboxWorker
from storage.centers import CenterRepository
from storage.crisis import CrisisRepository
from storage.database import Database
from storage.outbox import OutboxRepository
from storage.requests import RequestRepository
from storage.staff import StaffRepository
from storage.staff_tools import BlockRepository, GroupRepository, InviteRepository, SavedReplyRepository
from storage.stats import StatsRepository
from storage.users import UserRepository

CHUNK = 4000
MAX_TEXT = 4096
Markup = InlineKeyboardMarkup | ForceReply | None


@dataclass(frozen=True, slots=True)
class Target:
    """Where staff notices of a center go: a staff member's chat, or the center's group (in a forum, a topic)."""

    chat_id: int
    locale: str
    group: bool = False
    topic: bool = False


class StaffSeen:
    """Who is staff, as last read, for TTL: the main menu's staff row is decided from this on every update, not
    from a query each time. Changed in this process (an invite redeemed) an entry is set at once; changed elsewhere
    (another instance, the CLI, a removal) it is right again within TTL."""

    TTL = timedelta(seconds=60)
    MAX = 50_000  # people remembered; beyond, the expired ones are let go

    def __init__(self) -> None:
        self._seen: dict[int, tuple[bool, datetime]] = {}
        self.misses = 0  # how many times the database was asked

    def get(self, user_id: int, now: datetime) -> bool | None:
        entry = self._seen.get(user_id)
        return entry[0] if entry is not None and now < entry[1] else None

    def put(self, user_id: int, staff: bool, now: datetime) -> None:
        if len(self._seen) >= self.MAX:
            self._seen = {key: entry for key, entry in self._seen.items() if now < entry[1]}
            if len(self._seen) >= self.MAX:
                self._seen.clear()
        self._seen[user_id] = (staff, now + self.TTL)

    def forget(self, user_id: int) -> None:
        self._seen.pop(user_id, None)


@dataclass
class Helpdesk:
    db: Database
    i18n: I18n
    admin_ids: tuple[int, ...]
    worker: OutboxWorker | None = None

    def __post_init__(self) -> None:
        self.clock = self.db.clock
        self.requests = RequestRepository(self.db)
        self.staff = StaffRepository(self.db)
        self.outbox = OutboxRepository(self.db)
        self.centers = CenterRepository(self.db)
        self.users = UserRepository(self.db)
        self.groups = GroupRepository(self.db)
        self.saved_replies = SavedReplyRepository(self.db)
        self.invites = InviteRepository(self.db)
        self.blocks = BlockRepository(self.db)
        self.crisis = CrisisRepository(self.db)
        self.stats = StatsRepository(self.db)
        self.staff_seen = StaffSeen()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One unit of work: committed whole (and then the outbox woken), or rolled back whole; inside another
        transaction (a handler's), part of it. The catalogs are current inside, so texts render also where no
        handler set them (the escalation task, tests)."""
        async with self.db.transaction():
            with self.i18n.context():
                yield
            if self.worker is not None:
                self.db.after_commit(self.worker.wake)

    # ---- the person ----

    async def submit(self, new: NewRequest) -> HelpRequest:
        """The request and every notice about it are committed at once, before anything is sent. A blocked
        sender's request is kept, closed as spam, and reaches nobody; what they are shown does not differ.
        A draft sent a second time raises AlreadySubmitted with the request it became."""
        async with self.transaction():
            if new.draft_id is not None and (done := await self.requests.by_draft(new.user_id, new.draft_id)):
                raise AlreadySubmitted(done)
            request_id = await self.requests.create(new)
            request = await self._get(request_id)
            if await self.blocks.is_blocked(new.user_id):
                await self.requests.set_status(request_id, "spam")
                await self.requests.audit(0, request_id, "blocked sender")
                return request
            await self._notify_staff(request, new.text, new.file_id, new.file_kind)
        return request

    async def block_sender(self, request: HelpRequest, actor_id: int, actor_name: str) -> None:
        async with self.transaction():
            current = await self._get(request.id)
            await self._act_for(current.center_id, actor_id, actor_name)
            if current.user_id is not None:
                await self.blocks.block(current.user_id, actor_id, current.id)
            await self.requests.audit(actor_id, current.id, "block")
            if current.is_open:
                await self._change_status(current.id, "spam", actor_id, actor_name)

    async def unblock(self, user_id: int, actor_id: int) -> bool:
        async with self.transaction():
            lifted = await self.blocks.unblock(user_id)
            await self.requests.audit(actor_id, None, "unblock")
        return lifted

    async def person_answer(self, request: HelpRequest, text: str) -> None:
        async with self.transaction():
            await self.requests.add_message(request.id, "person", text)
            targets = await self.targets(request.center_id)
            if request.assignee_id and not any(target.group for target in targets):  # a group sees it all
                targets = [Target(request.assignee_id, await self.locale_of(request.assignee_id))]
            for target in targets:
                with self.i18n.use_locale(target.locale):
                    header, markup = rv.person_wrote_header(request), rv.staff_actions(request)
                    await self._enqueue_with_body(target, header, text, markup, request)

    async def rate(self, request: HelpRequest, score: int) -> None:
        async with self.transaction():
            await self.requests.rate(request.id, score)

    async def comment_rating(self, request_id: int, comment: str) -> None:
        async with self.transaction():
            await self.requests.comment_rating(request_id, comment)

    # ---- staff ----

    async def allowed(self, user_id: int, request: HelpRequest) -> bool:
        return may_act(user_id, request.center_id, await self.staff.centers_of(user_id), self.admin_ids)

    async def take(self, request: HelpRequest, actor_id: int, actor_name: str) -> HelpRequest:
        async with self.transaction():
            return await self._change_status(request.id, "in_progress", actor_id, actor_name)

    async def resolve(self, request: HelpRequest, actor_id: int, actor_name: str) -> HelpRequest:
        async with self.transaction():
            return await self._change_status(request.id, "resolved", actor_id, actor_name)

    async def close_as_spam(self, request: HelpRequest, actor_id: int, actor_name: str) -> HelpRequest:
        async with self.transaction():
            return await self._change_status(request.id, "spam", actor_id, actor_name)

    async def staff_answer(self, request: HelpRequest, actor_id: int, actor_name: str, text: str) -> None:
        async with self.transaction():
            request = await self._get(request.id)  # as it is now, not as it was when the button was pressed
            await self._act_for(request.center_id, actor_id, actor_name)
            if not request.is_open:
                raise RuleError("closed")
            await self.requests.add_message(request.id, "staff", text, staff_id=actor_id)
            await self.requests.audit(actor_id, request.id, "answer")
            if request.status == "new":  # answering is taking
                await self._change_status(request.id, "in_progress", actor_id, actor_name)
            if request.user_id is not None:
                center = await self._center(request)
                with self.i18n.use_locale(request.locale):
                    header = rv.staff_answer_header(center, request, request.locale)
                    person = Target(request.user_id, request.locale)
                    await self._enqueue_with_body(person, header, text, rv.person_reply_button(request.id), request)

    async def add_note(self, request: HelpRequest, actor_id: int, actor_name: str, text: str) -> None:
        """An internal note: the center's other staff see it, the person never does."""
        async with self.transaction():
            request = await self._get(request.id)
            await self._act_for(request.center_id, actor_id, actor_name)
            await self.requests.add_message(request.id, "note", text, staff_id=actor_id)
            await self.requests.audit(actor_id, request.id, "note")
            for target in await self.targets(request.center_id):
                if target.chat_id == actor_id:
                    continue
                with self.i18n.use_locale(target.locale):
                    await self._enqueue_with_body(target, rv.note_header(request, actor_name), text, None, request)

    async def transfer(self, request: HelpRequest, actor_id: int, to_center: Center) -> HelpRequest:
        async with self.transaction():
            current = await self._get(request.id)
            await self._act_for(current.center_id, actor_id, None)
            if not current.is_open:
                raise RuleError("closed")
            if current.center_id == to_center.id:
                raise RuleError("transition")
            await self.requests.move(current.id, to_center.id)
            await self.requests.audit(actor_id, current.id, "transfer", to_center.slug)
            # The old center's notices say where it went, lose their buttons, and are not refreshed again.
            await self._refresh_notices(current, lambda locale: rv.transferred_to(to_center, locale), closed=True)
            await self.requests.forget_notices(current.id)
            moved = await self._get(current.id)
            await self._notify_staff(moved, await self._first_text(moved), None, None)
            if moved.user_id is not None:
                with self.i18n.use_locale(moved.locale):
                    text = rv.transferred_for_person(moved, to_center, moved.locale)
                    await self.enqueue(Target(moved.user_id, moved.locale), text, None, moved)
            return moved

    async def escalate_due(self, after: timedelta, now: datetime | None = None) -> list[int]:
        """Requests nobody took within `after` are announced again to their center and to the admins."""
        moment = now or self.clock.now()
        escalated = []
        async with self.transaction():
            for request in await self.requests.due_for_escalation((moment - after).isoformat(timespec="seconds")):
                hours = max(1, int(after.total_seconds() // 3600))
                targets = await self.targets(request.center_id)
                known = {target.chat_id for target in targets}
                for admin in self.admin_ids:
                    if admin not in known:
                        targets.append(Target(admin, await self.locale_of(admin)))
                center = await self._center(request)
                first_text = await self._first_text(request)
                for target in targets:
                    with self.i18n.use_locale(target.locale):
                        text = (
                            rv.escalation(hours)
                            + "\n\n"
                            + rv.staff_notice(request, center, first_text, None, target.locale)
                        )
                        await self.enqueue(target, text, rv.staff_actions(request), request, notice=True)
                await self.requests.mark_escalated(request.id)
                escalated.append(request.id)
        return escalated

    async def resend_notice(self, request: HelpRequest, target: Target) -> None:
        """The notice again, e.g. opened from /queue; it joins the notices that follow the request's state."""
        async with self.transaction():
            await self._notice_again(request, target)

    async def bind_group(self, center_id: int, chat_id: int, is_forum: bool, bound_by: int) -> Center:
        async with self.transaction():
            await self.groups.bind(center_id, chat_id, is_forum, bound_by)
            await self.requests.audit(bound_by, None, "bind", str(chat_id))
            center = await self.centers.get(center_id)
        assert center is not None
        return center

    async def recipient_refused(self, chat_id: int) -> None:
        """Telegram refused a delivery (403): the bot is no longer in a staff group (the group is let go), or a
        staff member blocked it (their notices skip them until they come back)."""
        if await self.groups.of_chat(chat_id) is not None:
            await self.group_lost(chat_id)
        else:
            await self.set_reachable(chat_id, False)

    async def group_lost(self, chat_id: int) -> int:
        """The bot was removed from a bound staff group (or may no longer write there): the center's notices go to
        its staff privately again, and every open request of the center is announced to them at once, so that
        nothing waits in a group nobody can see. Returns how many were announced."""
        async with self.transaction():
            group = await self.groups.of_chat(chat_id)
            if group is None:
                return 0
            await self.groups.unbind(chat_id)
            await self.requests.audit(0, None, "group lost", str(chat_id))
            requests, _ = await self.requests.open_in({group.center_id}, 1000, 0)
            for target in await self.targets(group.center_id):
                for request in requests:
                    await self._notice_again(request, target)
            return len(requests)

    async def unbind_group(self, chat_id: int, actor_id: int) -> None:
        async with self.transaction():
            await self.groups.unbind(chat_id)
            await self.requests.audit(actor_id, None, "unbind", str(chat_id))

    async def create_invite(self, center_id: int, created_by: int, valid_for: timedelta) -> str:
        token = secrets.token_urlsafe(12)
        async with self.transaction():
            await self.invites.create(token, center_id, created_by, valid_for)
            await self.requests.audit(created_by, None, "invite", str(center_id))
        return token

    async def redeem_invite(
        self, token: str, user_id: int, first_name: str | None = None, username: str | None = None
    ) -> Center | None:
        """A valid, unused invite makes the person staff of its center; once. Their Telegram name and username,
        as they are now, are kept for the admins' staff list."""
        async with self.transaction():
            center_id = await self.invites.redeem(token, user_id)
            if center_id is None:
                return None
            await self.staff.add(user_id, center_id, first_name, username)
            now = self.clock.now()  # their menu shows the staff's row at once, once it is true
            self.db.after_commit(lambda: self.staff_seen.put(user_id, True, now))
            await self.requests.audit(user_id, None, "join", str(center_id))
            return await self.centers.get(center_id)

    async def set_reachable(self, user_id: int, reachable: bool) -> None:
        """A staff member blocked the bot (notices skip them) or came back."""
        async with self.transaction():
            if reachable:
                await self.staff.mark_reachable(user_id)
            else:
                await self.staff.mark_blocked(user_id)

    # ---- what handlers read ----

    async def request(self, request_id: int) -> HelpRequest | None:
        return await self.requests.get(request_id)

    async def request_by_draft(self, user_id: int, draft_id: str) -> HelpRequest | None:
        return await self.requests.by_draft(user_id, draft_id)

    async def requests_of(self, user_id: int) -> list[HelpRequest]:
        return await self.requests.of_user(user_id)

    async def open_requests(self, centers: set[int] | None, limit: int, offset: int) -> tuple[list[HelpRequest], int]:
        return await self.requests.open_in(centers, limit, offset)

    async def center(self, center_id: int) -> Center | None:
        return await self.centers.get(center_id)

    async def center_by_slug(self, slug: str) -> Center | None:
        return await self.centers.by_slug(slug)

    async def all_centers(self) -> list[Center]:
        return await self.centers.all()

    async def centers_of(self, user_id: int) -> set[int]:
        """The centers a person is staff of."""
        return await self.staff.centers_of(user_id)

    async def saved_reply(self, reply_id: int) -> SavedReply | None:
        return await self.saved_replies.get(reply_id)

    async def saved_replies_of(self, center_id: int, locale: str | None = None) -> list[SavedReply]:
        return await self.saved_replies.for_center(center_id, locale)

    async def group_of_chat(self, chat_id: int) -> StaffGroup | None:
        return await self.groups.of_chat(chat_id)

    async def blocked_senders(self) -> list[BlockedSender]:
        return await self.blocks.all()

    async def over_daily_limit(self, user_id: int, per_day: int) -> bool:
        """Whether the person has sent `per_day` requests in the last 24 hours already."""
        return await self.requests.count_since(user_id, self.clock.ago(timedelta(days=1))) >= per_day

    async def crisis_center(self, region: str) -> CrisisCenter | None:
        return await self.crisis.of_region(region)

    async def summary(self) -> Summary:
        """The coordinators' numbers over every request (facts only: no text, no identity)."""
        return summarize_counts(*await self.stats.summary_facts())  # counted by the database, not row by row

    async def is_staff_cached(self, user_id: int, fresh: bool = False) -> bool:
        """Whether the person is staff of a center or an admin, for the main menu's staff row: asked on every update
        (bot.telegram.middlewares.StaffMenuMiddleware), so read from the database at most once a person per
        StaffSeen.TTL (`fresh`: now). Never a right: every action checks the staff table itself."""
        if user_id in self.admin_ids:
            return True
        now = self.clock.now()
        known = None if fresh else self.staff_seen.get(user_id, now)
        if known is None:
            self.staff_seen.misses += 1
            known = bool(await self.staff.centers_of(user_id))
            self.staff_seen.put(user_id, known, now)
        return known

    def staff_known(self, user_id: int) -> bool:
        """As last read by is_staff_cached, without a query (for a keyboard built during the update)."""
        return user_id in self.admin_ids or bool(self.staff_seen.get(user_id, self.clock.now()))

    async def menu_role(self, user_id: int) -> str:
        """Which command menu the person gets: an admin's, a staff member's or everyone's."""
        return menu_role(user_id in self.admin_ids, bool(await self.staff.centers_of(user_id)))

    async def locale_of(self, user_id: int) -> str:
        user = await self.users.get(user_id)
        return user.locale if user and user.locale else self.i18n.default_locale

    # ---- inside (called within a transaction) ----

    async def _notice_again(self, request: HelpRequest, target: Target) -> None:
        """The request's notice, as it stands now, to one more chat; it joins the notices that follow its state."""
        center = await self._center(request)
        with self.i18n.use_locale(target.locale):
            text = rv.staff_notice(request, center, await self._first_text(request), None, target.locale)
            await self.enqueue(target, text, rv.staff_actions(request), request, notice=True)

    async def _act_for(self, center_id: int, actor_id: int, actor_name: str | None) -> None:
        """The actor's right to act for the center, read again inside the action's transaction: a staff member
        removed a moment ago (bot.staff_roster) can no longer take or answer, however their press raced the
        removal. For staff it also records the action (when, and their name as it is now)."""
        if not await self.staff.acted(actor_id, center_id, actor_name) and actor_id not in self.admin_ids:
            raise RuleError("not_allowed")

    async def show_state(self, request: HelpRequest, event: Callable[[str], str | None]) -> None:
        """Inside a transaction: every notice of the request shows its state, with `event(locale)` as the line
        that says what happened."""
        await self._refresh_notices(request, event)

    async def _change_status(self, request_id: int, status: str, actor_id: int, actor_name: str) -> HelpRequest:
        """Checked against the stored status and the actor's right, so two staff pressing at once cannot both take
        it, and a removed staff member cannot."""
        current = await self._get(request_id)
        await self._act_for(current.center_id, actor_id, actor_name)
        check_transition(current.status, status)
        await self.requests.set_status(request_id, status, actor_id, actor_name)
        await self.requests.audit(actor_id, request_id, status)
        request = await self._get(request_id)
        await self._refresh_notices(request)
        if request.user_id is not None:
            person = Target(request.user_id, request.locale)
            with self.i18n.use_locale(request.locale):
                if request.status == "resolved":
                    await self.enqueue(person, rv.ask_rating(request), rv.rating_buttons(request.id), request)
                else:
                    await self.enqueue(person, rv.status_changed(request), None, request)
        return request

    async def _notify_staff(self, request: HelpRequest, text: str, file_id: str | None, kind: str | None) -> None:
        center = await self._center(request)
        for target in await self.targets(request.center_id):
            if target.topic:
                name = (
                    f"{request.number} · {self.i18n.gettext(rv.CATEGORY_NAMES[request.category], locale=target.locale)}"
                )
                await self.outbox.enqueue(
                    target.chat_id, "createForumTopic", {"chat_id": target.chat_id, "name": name[:128]}, request.id
                )
            with self.i18n.use_locale(target.locale):
                notice = rv.staff_notice(request, center, text, None, target.locale)
                await self.enqueue(target, notice, rv.staff_actions(request), request, notice=True)
            if len(text) > rv.EXCERPT:
                for start in range(0, len(text), CHUNK):
                    await self._enqueue_plain(target, "sendMessage", {"text": text[start : start + CHUNK]}, request)
            if file_id and kind:
                method, name = ("sendPhoto", "photo") if kind == "photo" else ("sendDocument", "document")
                await self._enqueue_plain(target, method, {name: file_id, "caption": request.number}, request)

    async def notice_recorded(self, request_id: int, chat_id: int, message_id: int) -> None:
        """The outbox has just learnt where a notice landed. If the request changed while the notice was on
        its way (someone took it in that instant), the notice is brought up to date at once."""
        async with self.transaction():
            request = await self.requests.get(request_id)
            if request is not None and request.status != "new":
                await self._refresh_notices(request, only=(chat_id, message_id))

    async def _refresh_notices(
        self,
        request: HelpRequest,
        event: Callable[[str], str | None] | None = None,
        closed: bool = False,
        only: tuple[int, int] | None = None,
    ) -> None:
        """Every staff notice of the request (or `only` that one) shows its state: who took, resolved or closed
        it, or with `event(locale)` another line that says what happened, in each notice's language."""
        center = await self._center(request)
        first_text = await self._first_text(request)
        notices = [only] if only else await self.requests.notices(request.id)
        for chat_id, message_id in notices:
            locale = await self.locale_of(chat_id)
            with self.i18n.use_locale(locale):
                line = event(locale) if event else rv.status_event(request.status, request.last_actor or "")
                text = rv.staff_notice(request, center, first_text, line, locale)
                markup = None if closed or not request.is_open else rv.staff_actions(request)
                await self.enqueue(Target(chat_id, locale), text, markup, request, edit=message_id)

    async def targets(self, center_id: int) -> list[Target]:
        """The center's group if it has one; else its staff who can be reached; else the admins."""
        group = await self.groups.of_center(center_id)
        if group is not None:
            return [Target(group.chat_id, self.i18n.default_locale, group=True, topic=group.is_forum)]
        members = [member.user_id for member in await self.staff.of_center(center_id) if not member.blocked_bot]
        return [Target(chat_id, await self.locale_of(chat_id)) for chat_id in members or self.admin_ids]

    async def enqueue(
        self,
        target: Target,
        text: str,
        markup: Markup,
        request: HelpRequest | None,
        notice: bool = False,
        edit: int | None = None,
        about_user: int | None = None,
    ) -> None:
        """An HTML message to send, or with `edit` the new text of that message; `request` is what it is about,
        if anything (then it goes into the request's forum topic); `about_user`, the person it names, if any."""
        params: dict[str, object] = {"text": text, "parse_mode": "HTML"}
        if markup is not None:
            params["reply_markup"] = markup.model_dump(exclude_none=True)
        if edit is not None:
            params["message_id"] = edit
            await self.outbox.enqueue(
                target.chat_id, "editMessageText", {"chat_id": target.chat_id, **params}, request and request.id
            )
            return
        await self._enqueue_plain(target, "sendMessage", params, request, notice=notice, about_user=about_user)

    async def _enqueue_with_body(
        self, target: Target, header: str, body: str, markup: Markup, request: HelpRequest
    ) -> None:
        """An HTML header and a person's text: one message when it fits Telegram's limit, else the header and
        the text whole in plain parts, the buttons under the last."""
        if len(header) + 2 + len(body) <= MAX_TEXT:  # the HTML is never shorter than the text it shows
            await self.enqueue(target, f"{header}\n\n{escape(body)}", markup, request)
            return
        await self.enqueue(target, header, None, request)
        chunks = [body[start : start + CHUNK] for start in range(0, len(body), CHUNK)]
        for number, chunk in enumerate(chunks, start=1):
            params: dict[str, object] = {"text": chunk}
            if number == len(chunks) and markup is not None:
                params["reply_markup"] = markup.model_dump(exclude_none=True)
            await self._enqueue_plain(target, "sendMessage", params, request)

    async def _enqueue_plain(
        self,
        target: Target,
        method: str,
        params: dict[str, object],
        request: HelpRequest | None,
        notice: bool = False,
        about_user: int | None = None,
    ) -> None:
        full: dict[str, object] = {"chat_id": target.chat_id, **params}
        if target.topic and request is not None:
            full[TOPIC_MARK] = True  # the worker puts the request's topic here once it exists
        await self.outbox.enqueue(target.chat_id, method, full, request and request.id, notice, about_user)

    async def _first_text(self, request: HelpRequest) -> str:
        thread = await self.requests.thread(request.id)
        return next((message.text for message in thread if message.author == "person" and message.text), "")

    async def _center(self, request: HelpRequest) -> Center:
        center = await self.centers.get(request.center_id)
        assert center is not None
        return center

    async def _get(self, request_id: int) -> HelpRequest:
        request = await self.requests.get(request_id)
        assert request is not None
        return request
