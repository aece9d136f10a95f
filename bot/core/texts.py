"""The texts every feature shares: welcome, menu, help, emergency numbers, hints."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _


def welcome() -> str:
    return _(
        "Welcome! I help families in Kazakhstan reach a Family Support Center.\n\n"
        "📍 <b>Find a center</b>: the nearest one, by region or by the name of your town.\n"
        "🆘 <b>Emergency numbers</b> are always one tap away.\n\n"
        "Choose below what you need."
    )


def menu() -> str:
    return _("Main menu. Choose what you need, or type the name of your town to find a center.")


def help_text() -> str:
    return _(
        "<b>What I can do</b>\n"
        "/centers: find the nearest Family Support Center, its address, hours and phones\n"
        "/request: ask a center for help in writing\n"
        "/academy: Parents Academy groups\n"
        "/premarital: the pre-marital course for couples\n"
        "/programs: programmes for families, and how to take part\n"
        "/faq: questions and answers about family matters\n"
        "/my: your requests and sign-ups\n"
        "/mydata: what the bot holds about you; /forget: erase it\n"
        "/sos: emergency numbers\n"
        "/lang: change the language\n"
        "/menu: main menu\n"
        "/cancel: stop what you are doing\n\n"
        "You can also simply type the name of your city, town or district, or your question.\n\n"
        "Family Support Centers give free psychological, legal and social counselling to families. "
        "They are not shelters: if you are in danger right now, call 112."
    )


def emergency() -> str:
    return _(
        "🆘 <b>If you or someone else is in danger right now, call 112.</b>\n\n"
        "<b>112</b>: single emergency number (police, ambulance, rescue)\n"
        "<b>102</b>: police\n"
        "<b>111</b>: contact center for family, women's and children's rights; you can call or write\n"
        "<b>150</b>: free 24/7 helpline for children and young people\n\n"
        "Calls to these numbers are free. A Family Support Center is not a shelter: "
        "if you need a safe place to stay, 111 and the police will direct you to a crisis center."
    )


def button_gone() -> str:
    return _("This button is no longer active. Please use the menu.")


def not_understood() -> str:
    return _("Sorry, I did not understand that. Use the menu below, type the name of your town, or send /help.")
