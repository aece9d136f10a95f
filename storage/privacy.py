"""Consents, and the SQL that erases or anonymises a person's data (the law on personal data, /forget,
retention). Writes do not commit: they belong to the caller's unit of work."""

from __future__ import annotations

from bot.privacy.models import Consent
from storage.database import Database


class PrivacyRepository:
    def __init__(self, connection: Database) -> None:
        self._db = connection

    # ---- consents ----

    async def give(self, user_id: int, purpose: str, version: str) -> None:
        await self._db.execute(
            "INSERT INTO consents (user_id, purpose, version, given_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, purpose) DO UPDATE SET version = excluded.version, "
            "given_at = excluded.given_at, withdrawn_at = NULL",
            (user_id, purpose, version, self._db.clock.now_iso()),
        )

    async def withdraw(self, user_id: int, purpose: str) -> bool:
        written = await self._db.execute(
            "UPDATE consents SET withdrawn_at = ? WHERE user_id = ? AND purpose = ? AND withdrawn_at IS NULL",
            (self._db.clock.now_iso(), user_id, purpose),
        )
        return written.rowcount == 1

    async def consents(self, user_id: int) -> list[Consent]:
        return [
            Consent(*row)
            for row in await self._db.fetch_all(
                "SELECT purpose, version, given_at, withdrawn_at FROM consents WHERE user_id = ? ORDER BY purpose",
                (user_id,),
            )
        ]

    # ---- anonymising ----

    async def strip_contact(self, user_id: int) -> None:
        """The person's name, phone and contact wishes leave their requests; staff still answer via the bot."""
        await self._db.execute(
            "UPDATE help_requests SET contact_name = NULL, phone = NULL, safe_contact = NULL, "
            "contact_method = 'anonymous' WHERE user_id = ?",
            (user_id,),
        )

    async def anonymize_requests(self, request_ids: list[int]) -> None:
        """What stays is what statistics need: center, topic, status, times, rating."""
        if not request_ids:
            return
        marks = ",".join("?" * len(request_ids))
        async with self._db.transaction():
            await self._db.execute(
                f"UPDATE help_requests SET user_id = NULL, contact_name = NULL, phone = NULL, safe_contact = NULL, "
                f"contact_method = 'anonymous', rating_comment = NULL, anonymized_at = ? WHERE id IN ({marks})",
                [self._db.clock.now_iso(), *request_ids],
            )
            await self._db.execute(
                "UPDATE request_messages SET text = NULL, file_id = NULL, file_kind = NULL "
                f"WHERE request_id IN ({marks})",
                request_ids,
            )
            # Undelivered notices may quote the person; delivered ones kept no text already.
            await self._db.execute(
                f"DELETE FROM outbox WHERE status = 'pending' AND request_id IN ({marks})", request_ids
            )

    async def drop_undelivered_about(self, user_id: int) -> None:
        """Messages still waiting to go out that name the person (a sign-up notice to staff) are not sent."""
        await self._db.execute("DELETE FROM outbox WHERE status = 'pending' AND about_user = ?", (user_id,))

    async def due_for_retention(self, resolved_before: str) -> list[int]:
        return [
            row[0]
            for row in await self._db.fetch_all(
                "SELECT id FROM help_requests WHERE anonymized_at IS NULL AND status IN ('resolved', 'spam') "
                "AND resolved_at IS NOT NULL AND resolved_at <= ?",
                (resolved_before,),
            )
        ]

    async def request_ids_of(self, user_id: int) -> list[int]:
        return [
            row[0] for row in await self._db.fetch_all("SELECT id FROM help_requests WHERE user_id = ?", (user_id,))
        ]

    async def erase_person(self, user_id: int) -> None:
        """Everything else that names or identifies the person. Their requests are anonymised separately; a block
        on them stays under a keyed hash (BlockRepository.forget_identity)."""
        statements = (
            ("DELETE FROM reminders WHERE user_id = ?", (user_id,)),
            ("DELETE FROM signups WHERE user_id = ?", (user_id,)),
            ("UPDATE signups SET partner_user_id = NULL, partner_name = NULL WHERE partner_user_id = ?", (user_id,)),
            ("DELETE FROM consents WHERE user_id = ?", (user_id,)),
            ("DELETE FROM chat_messages WHERE chat_id = ?", (user_id,)),
            ("DELETE FROM outbox WHERE chat_id = ?", (user_id,)),
            ("UPDATE outbox SET about_user = NULL WHERE about_user = ?", (user_id,)),
            ("DELETE FROM staff WHERE user_id = ?", (user_id,)),  # with the name and username kept for /staff
            ("DELETE FROM console_tokens WHERE admin_id = ?", (user_id,)),
            ("DELETE FROM console_sessions WHERE admin_id = ?", (user_id,)),
            ("UPDATE attendance SET marked_by = 0 WHERE marked_by = ?", (user_id,)),
            ("UPDATE blocked_senders SET blocked_by = 0 WHERE blocked_by = ?", (user_id,)),
            ("UPDATE staff_invites SET used_by = NULL WHERE used_by = ?", (user_id,)),
            ("UPDATE staff_invites SET created_by = 0 WHERE created_by = ?", (user_id,)),
            ("UPDATE center_groups SET bound_by = 0 WHERE bound_by = ?", (user_id,)),
            ("UPDATE help_requests SET assignee_id = NULL WHERE assignee_id = ?", (user_id,)),
            ("UPDATE request_messages SET staff_id = NULL WHERE staff_id = ?", (user_id,)),
            ("UPDATE audit_log SET actor_id = 0 WHERE actor_id = ?", (user_id,)),
            ("DELETE FROM request_notices WHERE chat_id = ?", (user_id,)),
            ("DELETE FROM fsm_states WHERE key LIKE ? OR key LIKE ?", (f"%:{user_id}:%", f"%:{user_id}")),
            ("DELETE FROM users WHERE id = ?", (user_id,)),
        )
        await self.drop_undelivered_about(user_id)  # before the rows that stay forget whom they were about
        for sql, params in statements:
            await self._db.execute(sql, params)
