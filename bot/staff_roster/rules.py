"""The staff list's plain rules: which command menu a person gets, and how a staff member is named."""

from __future__ import annotations

CITIZEN, STAFF, ADMIN = "citizen", "staff", "admin"
NAME_LIMIT = 40  # characters of a name on a button


def menu_role(is_admin: bool, is_staff: bool) -> str:
    """The command menu a person sees: an admin's (every command), a staff member's, or everyone's."""
    if is_admin:
        return ADMIN
    return STAFF if is_staff else CITIZEN


def display_name(first_name: str | None, username: str | None, user_id: int) -> str:
    """A staff member as stored: their first name, else @username, else their Telegram id (never empty)."""
    name = (first_name or "").strip()
    if name:
        return name
    if username:
        return f"@{username}"
    return f"id {user_id}"


def short(text: str, limit: int = NAME_LIMIT) -> str:
    """A name cut to fit a button."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
