"""One router per feature; the order matters: the quick exit and commands first, the catch-all last."""

from __future__ import annotations

from aiogram import Router

from handlers import admin, centers, commands, courses, fallback, faq, language, programmes, requests, safety, staff


def get_routers() -> list[Router]:
    return [
        safety.router,
        commands.router,
        programmes.router,  # only its command, menu button and buttons: /programs works in any dialog
        faq.router,  # only its command, menu button and buttons: /faq works in any dialog
        language.router,
        admin.router,
        staff.router,
        requests.router,
        courses.router,
        centers.router,
        fallback.router,
    ]
