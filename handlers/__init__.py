"""One router per feature; the order matters: commands first, the catch-all last."""

from __future__ import annotations

from aiogram import Router

from handlers import centers, commands, courses, fallback, language, requests, staff


def get_routers() -> list[Router]:
    return [
        commands.router,
        language.router,
        staff.router,
        requests.router,
        courses.router,
        centers.router,
        fallback.router,
    ]
