"""One router per feature; the order matters: the quick exit and commands first, the catch-all last."""

from __future__ import annotations

from aiogram import Router

from handlers import (
    admin,
    center_card,
    centers,
    commands,
    console,
    course_groups,
    courses,
    fallback,
    faq,
    language,
    programmes,
    requests,
    safety,
    staff,
    staff_roster,
)


def get_routers() -> list[Router]:
    return [
        safety.router,
        commands.router,
        programmes.router,  # only its command, menu button and buttons: /programs works in any dialog
        faq.router,  # only its command, menu button and buttons: /faq works in any dialog
        language.router,
        admin.router,
        console.router,  # admins: /console
        staff_roster.router,  # admins: /staff
        center_card.router,  # staff: /center
        course_groups.router,  # staff: /groups
        staff.router,
        requests.router,
        courses.router,
        centers.router,
        fallback.router,
    ]
