"""One router per feature; the order matters: the quick exit and commands first, the catch-all last."""

from __future__ import annotations

from aiogram import Router

from handlers import admin, centers, commands, courses, fallback, language, requests, safety, staff


def get_routers() -> list[Router]:
    return [
        safety.router,
        commands.router,
        language.router,
        admin.router,
        staff.router,
        requests.router,
        courses.router,
        centers.router,
        fallback.router,
    ]
