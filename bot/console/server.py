"""The coordinators' web console: an aiohttp site in the bot's process, on CONSOLE_HOST:CONSOLE_PORT (0 = off),
behind the public address CONSOLE_URL.

Nothing is shown without a session: every page first finds the admin from the session cookie (and checks they are
still in ADMIN_IDS), else answers 401 with a page that says how to sign in. Every query parameter is checked
against what the page accepts; every response carries a strict Content-Security-Policy, X-Frame-Options DENY and
`Cache-Control: no-store`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram.utils.i18n import I18n
from aiohttp import web

from bot.console import pages, rules
from bot.console.desk import ConsoleDesk
from bot.settings import Settings
from storage.database import Database

log = logging.getLogger(__name__)

DESK_KEY = web.AppKey("console_desk", ConsoleDesk)
I18N_KEY = web.AppKey("console_i18n", I18n)
URL_KEY = web.AppKey("console_url", str)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}
PAGE_PARAMS: dict[str, dict[str, tuple[str, ...]]] = {
    "network": {"sort": rules.SORT_COLUMNS, "order": rules.ORDERS},
    "requests": {},
    "courses": {},
    "downloads": {},
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def make_console_app(desk: ConsoleDesk, i18n: I18n, console_url: str) -> web.Application:
    app = web.Application(middlewares=[guard])
    app[DESK_KEY] = desk
    app[I18N_KEY] = i18n
    app[URL_KEY] = console_url
    app.router.add_get("/", home)
    app.router.add_get("/signin", sign_in, allow_head=False)  # a HEAD (a link checker) must not use the link up
    app.router.add_post("/signout", sign_out)
    app.router.add_get("/signed-out", signed_out)
    app.router.add_get("/lang", switch_language)
    for name in PAGE_PARAMS:
        app.router.add_get(f"/{name}", page)
    app.router.add_get("/downloads/{name}.csv", download)
    return app


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The security headers on every answer; an unknown address or method gets a plain page, never a trace."""
    try:
        response = await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            response = web.Response(status=error.status, headers=error.headers)
        else:
            response = notice_response(request.app, "bad", pages.bad_address_text, error.status)
    except rules.BadParameter:
        response = notice_response(request.app, "bad", pages.bad_address_text, 400)
    response.headers.update(SECURITY_HEADERS)
    return response


def notice_response(app: web.Application, kind: str, texts: Callable[[], tuple[str, str]], status: int) -> web.Response:
    """A page for someone not let in (or lost), in both languages."""
    i18n = app[I18N_KEY]
    found = []
    for locale in rules.LOCALES:
        with i18n.context(), i18n.use_locale(locale):
            heading, text = texts()
        found.append((locale, heading, text))
    return web.Response(text=pages.notice(kind, found), status=status, content_type="text/html", charset="utf-8")


def redirect(location: str) -> web.Response:
    """303 See Other: the next request is a GET of `location` (after a sign-in, the token leaves the address)."""
    return web.Response(status=303, headers={"Location": location})


def sign_in_needed(app: web.Application) -> web.Response:
    return notice_response(app, "signin-needed", pages.sign_in_needed_text, 401)


def params(request: web.Request, allowed: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The query's parameters, each known, given once and one of its allowed values; else BadParameter (400)."""
    given: dict[str, str] = {}
    for key in request.query:
        values = request.query.getall(key)
        if len(values) != 1:
            raise rules.BadParameter(key)
        given[key] = values[0]
    return rules.check_params(given, allowed)


async def admin_of(request: web.Request) -> int | None:
    return await request.app[DESK_KEY].admin_of(request.cookies.get(rules.COOKIE))


async def home(request: web.Request) -> web.StreamResponse:
    if await admin_of(request) is None:
        return sign_in_needed(request.app)
    return redirect("/network")


async def sign_in(request: web.Request) -> web.StreamResponse:
    """The link from /console: consumed at once, then a redirect, so the token is not left in the address bar."""
    desk = request.app[DESK_KEY]
    token = request.query.get("token") if list(request.query.keys()) == ["token"] else None
    outcome = await desk.sign_in(token)
    if isinstance(outcome, str):
        log.info("console sign-in refused: %s", outcome)
        return notice_response(request.app, f"refused {outcome}", lambda: pages.refusal_text(outcome), 403)
    response = redirect("/network")
    cookie = rules.session_cookie(request.app[URL_KEY])
    response.set_cookie(
        rules.COOKIE,
        outcome.session,
        max_age=cookie.max_age,
        path=cookie.path,
        secure=cookie.secure,
        httponly=cookie.httponly,
        samesite=cookie.samesite,
    )
    return response


async def sign_out(request: web.Request) -> web.StreamResponse:
    await request.app[DESK_KEY].sign_out(request.cookies.get(rules.COOKIE))
    response = redirect("/signed-out")
    cookie = rules.session_cookie(request.app[URL_KEY])
    response.del_cookie(rules.COOKIE, path=cookie.path, secure=cookie.secure, httponly=True, samesite="Strict")
    return response


async def signed_out(request: web.Request) -> web.StreamResponse:
    return notice_response(request.app, "signed-out", pages.signed_out_text, 200)


async def switch_language(request: web.Request) -> web.StreamResponse:
    if await admin_of(request) is None:
        return sign_in_needed(request.app)
    chosen = params(request, {"to": rules.LOCALES, "next": rules.PAGES})
    if "to" not in chosen:
        raise rules.BadParameter("to")
    response = redirect(f"/{chosen.get('next', 'network')}")
    cookie = rules.session_cookie(request.app[URL_KEY])
    response.set_cookie(
        rules.LANG_COOKIE, chosen["to"], max_age=365 * 24 * 3600, path="/", secure=cookie.secure, httponly=True,
        samesite="Strict",
    )  # fmt: skip
    return response


async def page(request: web.Request) -> web.StreamResponse:
    admin_id = await admin_of(request)
    if admin_id is None:
        return sign_in_needed(request.app)
    name = request.path.strip("/")
    chosen = params(request, PAGE_PARAMS[name])
    desk = request.app[DESK_KEY]
    i18n = request.app[I18N_KEY]
    locale = await desk.locale(admin_id, request.cookies.get(rules.LANG_COOKIE))
    if name == "network":
        sort, order = chosen.get("sort", "region"), chosen.get("order", "asc")
        states = await desk.network(admin_id, sort, order)
        render = lambda: pages.network(states, sort, order, locale, desk.zone, desk.escalate_after_hours)  # noqa: E731
    elif name == "requests":
        report = await desk.requests(admin_id)
        render = lambda: pages.requests(report, locale)  # noqa: E731
    elif name == "courses":
        groups = await desk.courses(admin_id)
        attendance = any(group.attended is not None for group in groups)
        render = lambda: pages.courses(groups, locale, desk.zone, attendance)  # noqa: E731
    else:
        await desk.downloads(admin_id)
        render = pages.downloads
    with i18n.context(), i18n.use_locale(locale):
        text = pages.layout(name, render(), locale)
    return web.Response(text=text, content_type="text/html", charset="utf-8")


async def download(request: web.Request) -> web.StreamResponse:
    admin_id = await admin_of(request)
    if admin_id is None:
        return sign_in_needed(request.app)
    name = request.match_info["name"]
    if name not in rules.DOWNLOADS:
        raise rules.BadParameter("name")
    params(request, {})
    text = await request.app[DESK_KEY].export(admin_id, name)
    return web.Response(
        text=text,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


async def start_console_server(settings: Settings, db: Database, i18n: I18n) -> web.AppRunner | None:
    """Serving at once; None when CONSOLE_PORT is 0 (off)."""
    if settings.console_port == 0 or not settings.console_url:
        return None
    desk = ConsoleDesk.from_settings(db, settings)
    runner = web.AppRunner(make_console_app(desk, i18n, settings.console_url), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.console_host, settings.console_port).start()
    except BaseException:
        await runner.cleanup()
        raise
    log.info("console on http://%s:%d (public address %s)", settings.console_host, settings.console_port,
             settings.console_url)  # fmt: skip
    return runner


async def stop_console_server(runner: web.AppRunner | None) -> None:
    if runner is not None:
        await runner.cleanup()
