"""What the bot says in Telegram about the console (the web pages' texts are in pages.py)."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.console import rules


def sign_in_link(link: str) -> str:
    minutes = int(rules.LINK_VALID.total_seconds() // 60)
    return (
        _(
            "🔐 Your sign-in link to the coordinators' console. It works once, for {minutes} minutes, and only for "
            "you: do not forward it."
        ).format(minutes=minutes)
        + f'\n\n<a href="{escape(link, quote=True)}">{escape(link)}</a>'
    )


def console_off() -> str:
    return _(
        "The web console is not switched on for this bot. The operator turns it on with CONSOLE_PORT and CONSOLE_URL."
    )
