"""What people see of the programmes, and the child's-rights block (the region's commissioner with 111 and 150)
shown with a child's-situation request and, by /faq, with the articles on children's safety."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.programmes import keyboards
from bot.programmes.models import Commissioner, Programme


def programmes_list(locale: str) -> tuple[str, InlineKeyboardMarkup]:
    text = _(
        "📚 <b>Programmes for families</b>\n\n"
        "What the Family Support Centers and the state's services offer families, parents and children. Choose a "
        "programme to read what it is, who it is for and what I can do for you."
    )
    return text, keyboards.programme_list(locale)


def programme_card(programme: Programme, locale: str) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(
        [
            f"<b>{programme.emoji} {escape(programme.name(locale))}</b>",
            "",
            escape(programme.what(locale)),
            "",
            _("👥 <b>For whom:</b> {who}").format(who=escape(programme.who(locale))),
        ]
    )
    return text, keyboards.programme_card(programme)


def child_rights_block(commissioner: Commissioner | None, locale: str) -> str:
    """The region's commissioner for children's rights (when known), always with 111, 150 and 112. HTML, to be
    sent alone or appended to another message after a blank line."""
    lines = [_("🧒 <b>Where to turn about a child</b>")]
    if commissioner is not None:
        lines.append(
            _("⚖️ Commissioner for children's rights in your region: {name}, {phone}").format(
                name=escape(commissioner.name(locale)), phone=escape(commissioner.phone)
            )
        )
        if commissioner.is_sample:
            lines.append(_("⚠️ <i>Sample data: not the office's real phone.</i>"))
    else:
        lines.append(_("⚖️ Every region has its own commissioner for children's rights."))
    lines += [
        _("📞 111: contact center for family, women's and children's rights; you can call or write."),
        _("📞 150: free 24/7 helpline for children and young people."),
        _("If a child is in danger right now, call 112."),
    ]
    return "\n".join(lines)
