"""What people see of questions and answers: topics, an article, what a typed question found, the numbers."""

from __future__ import annotations

import re
from html import escape, unescape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext
from babel.dates import format_date

from bot.core.keyboards import N_
from bot.faq.library import Library
from bot.faq.models import Article, FeedbackCount

TOPIC_NAMES = {
    "children": N_("👶 Children and parenting"),
    "conflict": N_("🗣 Family conflict"),
    "divorce": N_("💔 Divorce and mediation"),
    "benefits": N_("💳 Benefits and social support"),
    "violence": N_("🛡 Violence and safety"),
    "marriage": N_("💍 Marriage and the pre-marital course"),
    "documents": N_("📄 Documents"),
}
MESSAGE_MAX = 4096  # Telegram's limit on a message's text, in UTF-16 code units
_TAG = re.compile(r"<[^<>]*>")
STATS_LINES = 25  # the most answered articles in /stats
BUTTON_TITLE = 60  # characters of a title on a button


def topic_name(topic: str) -> str:
    return _(TOPIC_NAMES[topic])


def intro() -> str:
    return _(
        "<b>❓ Questions and answers</b>\n"
        "Short answers about family matters. Choose a topic, or simply type your question in your own words.\n\n"
        "A Family Support Center's specialist can help with your own situation: free of charge."
    )


def no_articles() -> str:
    return _("There are no answers here yet. A Family Support Center can help: /request.")


def topic_heading(topic: str, count: int) -> str:
    heading = ngettext("{count} answer:", "{count} answers:", count).format(count=count)
    return f"<b>{escape(topic_name(topic))}</b>\n{heading}"


def emergency_line() -> str:
    return _(
        "🆘 In danger, call <b>112</b> or <b>102</b> (police); <b>111</b>: family, women's and children's rights; "
        "<b>150</b>: helpline for children and young people. Free of charge."
    )


def article(item: Article, locale: str, in_request: bool = False, child_rights: str | None = None) -> str:
    """The article in one message: the title, the body (plain text, escaped), where it comes from and when it was
    checked, the SAMPLE mark until a reviewer's name is set, the child's-rights block when given (HTML), the way to
    a person, the emergency numbers, and the question. Offered inside a help request, the way to a person is that
    request."""
    text = item.text(locale)
    source = escape(item.source(locale))
    if item.source_url:
        source = f'<a href="{escape(item.source_url, quote=True)}">{source}</a>'
    lines = [f"<b>{escape(text.title)}</b>", "", escape(text.body), ""]
    lines.append(_("📄 Source: {source}").format(source=source))
    checked = format_date(item.checked, format="d MMMM y", locale=locale)
    lines.append(_("🗓 Checked: {date}").format(date=checked))
    if item.is_sample:
        lines.append(_("⚠️ SAMPLE: this text has not yet been reviewed by a Family Support Center."))
    else:
        lines.append(_("✅ Reviewed by: {name}").format(name=escape(item.reviewed_by or "")))
    if child_rights:
        lines += ["", child_rights]
    if in_request:
        to_a_person = _("Your request is kept: «Go on with my request» below, and a center's specialist will answer.")
    else:
        to_a_person = _("Your own situation is best discussed with a center's specialist: «Ask a center» below.")
    lines += ["", to_a_person, emergency_line(), "", _("<b>Did this help?</b>")]
    return "\n".join(lines)


def article_messages(
    item: Article, locale: str, in_request: bool = False, child_rights: str | None = None
) -> list[str]:
    """The article with the child's-rights block in it while both fit in one Telegram message; else the article
    (its buttons go with it), then the block in a message of its own."""
    whole = article(item, locale, in_request, child_rights)
    if child_rights is None or shown_length(whole) <= MESSAGE_MAX:
        return [whole]
    return [article(item, locale, in_request), child_rights]


def shown_length(text: str) -> int:
    """The length Telegram limits of a message made here: its text without the tags, in UTF-16 code units (what
    was escaped is text, so every '<' left is a tag's)."""
    return len(unescape(_TAG.sub("", text)).encode("utf-16-le")) // 2


def found_heading() -> str:
    return _("📚 Answers that may help:")


def offer_heading() -> str:
    return _(
        "📚 While you finish your request, this may help. Your request is not lost: it goes on below, "
        "and a center will answer it."
    )


def button_title(item: Article, locale: str) -> str:
    title = item.text(locale).title
    return title if len(title) <= BUTTON_TITLE else title[: BUTTON_TITLE - 1].rstrip() + "…"


def thanks_helped() -> str:
    return _("Thank you! Glad it helped.")


def thanks_not_helped(in_request: bool = False) -> str:
    if in_request:
        return _("Thank you for telling us. Your request goes on: a center's specialist will look at your situation.")
    return _(
        "Thank you for telling us. A Family Support Center's specialist can look at your own situation, "
        "free of charge: tap «Ask a center»."
    )


def already_answered() -> str:
    return _("Your answer is counted already. Thank you!")


def stats(counts: list[FeedbackCount], library: Library, locale: str) -> str:
    """Per article: how many said it helped and how many said it did not (advisory: see bot.faq.desk)."""
    lines = [_("<b>Questions and answers: did it help?</b>")]
    if not counts:
        lines.append(_("Nobody has answered yet."))
        return "\n".join(lines)
    for count in counts[:STATS_LINES]:
        item = library.by_slug(count.slug)
        title = escape(item.text(locale).title) if item else escape(count.slug)
        lines.append(f"{title}: 👍 {count.helped} · 👎 {count.not_helped}")
    if len(counts) > STATS_LINES:
        lines.append(_("… and {count} more").format(count=len(counts) - STATS_LINES))
    return "\n".join(lines)
