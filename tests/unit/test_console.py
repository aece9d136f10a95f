"""The coordinators' web console: its rules, and the aiohttp app through aiohttp's test client on both databases.

A sign-in link opens one session, once; a reused, expired or forged link opens nothing; no page answers without a
session; the cookie is HttpOnly, SameSite=Strict (and Secure over https); the CSV files carry no one's text, name
or phone; every page view and download is in the audit log; a hundred tabs opening one link make one session.
"""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer

from bot.console import rules
from bot.console.desk import ConsoleDesk
from bot.console.models import SignIn
from bot.console.server import make_console_app
from bot.core.i18n import create_i18n
from bot.core.timezone import load_zone
from storage.bootstrap import ensure_centers, ensure_courses
from storage.database import Database

ADMIN = 700_001
OTHER_ADMIN = 700_002
ZONE = load_zone("Asia/Almaty")
NOW = datetime(2026, 3, 4, 6, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Astana
PERSON_NAME = "Гульнара Секретова"
PERSON_PHONE = "+77015550199"
PARTNER_NAME = "Ерлан Тайнов"
SIGNUP_PHONE = "+7 701 555 01 88"
SECRET_TEXT = "муж угрожает, пишу тайно"
URL = "http://console.test"


# ---- rules ----


def test_secrets_are_random_well_formed_and_stored_hashed() -> None:
    one, two = rules.new_secret(), rules.new_secret()
    assert one != two
    assert rules.looks_like_secret(one) and rules.looks_like_secret(two)
    assert rules.digest(one) != one and len(rules.digest(one)) == 64
    assert rules.digest(one) == rules.digest(one)
    for bad in (None, "", "short", one + "x", one[:-1] + "!", "../" + one[3:]):
        assert not rules.looks_like_secret(bad)


def test_link_and_session_lifetimes() -> None:
    assert rules.link_expiry(NOW) == (NOW + timedelta(minutes=10)).isoformat(timespec="seconds")
    assert rules.session_expiry(NOW) == (NOW + timedelta(hours=10)).isoformat(timespec="seconds")


def test_why_a_link_is_refused() -> None:
    later = rules.stamp(NOW + timedelta(minutes=5))
    assert rules.link_refusal(False, None, None, NOW) == "forged"
    assert rules.link_refusal(True, rules.stamp(NOW), later, NOW) == "used"
    assert rules.link_refusal(True, None, rules.stamp(NOW - timedelta(seconds=1)), NOW) == "expired"
    assert rules.link_refusal(True, None, rules.stamp(NOW), NOW) == "expired"


def test_the_cookie_is_secure_over_https_only() -> None:
    secure = rules.session_cookie("https://console.example.kz")
    assert (secure.httponly, secure.samesite, secure.secure, secure.path) == (True, "Strict", True, "/")
    assert secure.max_age == 10 * 3600
    assert not rules.session_cookie("http://127.0.0.1:8090").secure
    assert not rules.session_cookie(None).secure


def test_query_parameters_are_checked() -> None:
    allowed = {"sort": rules.SORT_COLUMNS, "order": rules.ORDERS}
    assert rules.check_params({"sort": "staff", "order": "desc"}, allowed) == {"sort": "staff", "order": "desc"}
    for given in ({"sort": "name; DROP TABLE"}, {"order": "up"}, {"page": "1"}, {"sort": "<script>"}):
        with pytest.raises(rules.BadParameter):
            rules.check_params(given, allowed)


def test_the_language_chosen_then_stored_then_default() -> None:
    assert rules.pick_locale("ru", "kk", "kk") == "ru"
    assert rules.pick_locale(None, "ru", "kk") == "ru"
    assert rules.pick_locale("en", None, "ru") == "ru"
    assert rules.pick_locale("<x>", "de", "kk") == "kk"


def test_percentiles_weeks_and_a_stuck_queue() -> None:
    assert rules.percentile([], 0.5) is None
    assert rules.percentile([3, 1, 2], 0.5) == 2
    assert rules.percentile([4, 1, 3, 2], 0.5) == 2.5
    assert rules.percentile(list(range(1, 11)), 0.9) == 9
    assert rules.percentile([5], 0.9) == 5
    monday = rules.week_start(NOW, ZONE)
    assert (monday.weekday(), monday.hour, monday.date().isoformat()) == (0, 0, "2026-03-02")
    weeks = rules.last_weeks(NOW, ZONE)
    assert len(weeks) == 12 and weeks[-1] == monday and weeks[0] == monday - timedelta(weeks=11)
    assert not rules.is_stuck(None, NOW, 4)
    assert not rules.is_stuck(rules.stamp(NOW - timedelta(hours=3)), NOW, 4)
    assert rules.is_stuck(rules.stamp(NOW - timedelta(hours=5)), NOW, 4)


# ---- the app, on both databases ----


@dataclass
class Console:
    db: Database
    desk: ConsoleDesk
    client: TestClient[Any, Any]

    async def link(self, admin_id: int = ADMIN) -> str:
        token = await self.desk.issue_link(admin_id)
        assert token is not None
        return token

    async def sign_in(self) -> str:
        """A session cookie's value, from a fresh link."""
        response = await self.client.get("/signin", params={"token": await self.link()}, allow_redirects=False)
        assert response.status == 303, await response.text()
        return response.cookies[rules.COOKIE].value

    async def get(self, path: str, session: str | None = None, **extra: Any) -> Any:
        headers = {"Cookie": f"{rules.COOKIE}={session}"} if session else {}
        return await self.client.get(path, headers=headers, allow_redirects=False, **extra)


async def make_console(db: Database, url: str = URL) -> AsyncIterator[Console]:
    db.clock.set(NOW)
    await ensure_centers(db)
    await ensure_courses(db, ZONE)
    desk = ConsoleDesk(db, (ADMIN, OTHER_ADMIN), ZONE, 4.0, "kk")
    app = make_console_app(desk, create_i18n("kk"), url)
    async with TestClient(TestServer(app), cookie_jar=DummyCookieJar()) as client:
        yield Console(db, desk, client)


@pytest.fixture
async def console(db: Database) -> AsyncIterator[Console]:
    async for made in make_console(db):
        yield made


async def center_id(db: Database, slug: str) -> int:
    return int(await db.fetch_value("SELECT id FROM centers WHERE slug = ?", (slug,)))


async def add_request(db: Database, center: int, created: datetime, **values: Any) -> int:
    row = {
        "user_id": 900_001, "center_id": center, "category": "psychological", "status": "new",
        "contact_method": "phone", "contact_name": PERSON_NAME, "phone": PERSON_PHONE, "locale": "ru",
        "created_at": rules.stamp(created), **values,
    }  # fmt: skip
    columns = ", ".join(row)
    written = await db.execute(
        f"INSERT INTO help_requests ({columns}) VALUES ({', '.join('?' * len(row))}) RETURNING id", list(row.values())
    )
    request_id = int(written.rows[0][0])
    await db.execute(
        "INSERT INTO request_messages (request_id, author, text, created_at) VALUES (?, 'person', ?, ?)",
        (request_id, SECRET_TEXT, rules.stamp(created)),
    )
    return request_id


async def test_a_link_signs_in_once_and_leaves_the_address(console: Console) -> None:
    token = await console.link()
    stored = await console.db.fetch_all("SELECT token_hash, admin_id FROM console_tokens")
    assert [tuple(row) for row in stored] == [(rules.digest(token), ADMIN)]  # the hash, never the token
    response = await console.client.get("/signin", params={"token": token}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/network"  # the token does not stay in the address bar
    session = response.cookies[rules.COOKIE].value
    assert rules.looks_like_secret(session)
    sessions = await console.db.fetch_all("SELECT session_hash, admin_id FROM console_sessions")
    assert [tuple(row) for row in sessions] == [(rules.digest(session), ADMIN)]

    page = await console.get("/network", session)
    assert page.status == 200
    text = await page.text()
    assert "Жанұя" in text and "<table" in text

    again = await console.client.get("/signin", params={"token": token}, allow_redirects=False)
    assert again.status == 403
    body = await again.text()
    assert "Бұл кіру сілтемесі бұрын пайдаланылған." in body  # kk
    assert "Эта ссылка для входа уже использована." in body  # ru
    assert rules.COOKIE not in again.cookies and "Жанұя" not in body
    assert await console.db.fetch_value("SELECT count(*) FROM console_sessions") == 1


async def test_a_head_request_does_not_use_the_link_up(console: Console) -> None:
    token = await console.link()
    probe = await console.client.head("/signin", params={"token": token}, allow_redirects=False)
    assert probe.status == 405
    response = await console.client.get("/signin", params={"token": token}, allow_redirects=False)
    assert response.status == 303


async def test_an_expired_link_is_refused(console: Console) -> None:
    token = await console.link()
    console.db.clock.advance(timedelta(minutes=10, seconds=1))
    response = await console.client.get("/signin", params={"token": token}, allow_redirects=False)
    assert response.status == 403
    body = await response.text()
    assert "Бұл кіру сілтемесінің мерзімі өтіп кетті." in body and "Срок действия этой ссылки для входа истёк." in body
    assert rules.COOKIE not in response.cookies
    assert await console.db.fetch_value("SELECT count(*) FROM console_sessions") == 0


async def test_a_link_just_within_its_ten_minutes_works(console: Console) -> None:
    token = await console.link()
    console.db.clock.advance(timedelta(minutes=9, seconds=59))
    response = await console.client.get("/signin", params={"token": token}, allow_redirects=False)
    assert response.status == 303


@pytest.mark.parametrize(
    "query",
    [
        {"token": rules.new_secret()},  # well formed, never issued
        {"token": "AAAA"},
        {"token": "' OR 1=1 --"},
        {},
    ],
    ids=["unknown", "short", "injection", "missing"],
)
async def test_a_forged_link_is_refused(console: Console, query: dict[str, str]) -> None:
    await console.link()  # a real one exists too
    response = await console.client.get("/signin", params=query, allow_redirects=False)
    assert response.status == 403
    body = await response.text()
    assert "Бұл кіру сілтемесі жарамсыз." in body and "Эта ссылка для входа недействительна." in body
    assert rules.COOKIE not in response.cookies
    assert await console.db.fetch_value("SELECT count(*) FROM console_sessions") == 0


async def test_a_link_made_for_someone_no_longer_admin_opens_nothing(console: Console) -> None:
    token = await console.link(OTHER_ADMIN)
    console.desk.admin_ids = (ADMIN,)
    response = await console.client.get("/signin", params={"token": token}, allow_redirects=False)
    assert response.status == 403
    assert await console.desk.issue_link(OTHER_ADMIN) is None


PAGES = ["/", "/network", "/network?sort=staff", "/requests", "/courses", "/downloads", "/downloads/requests.csv",
         "/downloads/centers.csv", "/lang?to=ru&next=network"]  # fmt: skip


async def test_no_page_without_a_session(console: Console) -> None:
    for path, session in itertools.product(PAGES, (None, rules.new_secret(), "garbage")):
        response = await console.get(path, session)
        assert response.status == 401, path
        body = await response.text()
        assert "Боттағы /console арқылы кіріңіз" in body and "Войдите через /console в боте" in body
        assert "Жанұя" not in body and "number,center" not in body
        assert response.headers["Content-Type"].startswith("text/html")


async def test_a_session_lasts_a_working_day_and_only_for_an_admin(console: Console) -> None:
    session = await console.sign_in()
    console.db.clock.advance(timedelta(hours=9, minutes=59))
    assert (await console.get("/network", session)).status == 200
    console.db.clock.advance(timedelta(minutes=2))
    assert (await console.get("/network", session)).status == 401

    console.db.clock.set(NOW)
    session = await console.sign_in()
    console.desk.admin_ids = (OTHER_ADMIN,)  # removed from ADMIN_IDS: the open session ends at once
    assert (await console.get("/network", session)).status == 401


async def test_cookie_flags_and_security_headers(db: Database) -> None:
    async for console in make_console(db, "https://console.example.kz"):
        response = await console.client.get("/signin", params={"token": await console.link()}, allow_redirects=False)
        cookie = SimpleCookie(response.headers["Set-Cookie"])[rules.COOKIE]
        assert cookie["httponly"] and cookie["secure"]
        assert cookie["samesite"] == "Strict" and cookie["path"] == "/"
        assert int(cookie["max-age"]) == 10 * 3600
        session = cookie.value
        for path in ("/network", "/requests", "/downloads/requests.csv", "/nowhere"):
            answer = await console.get(path, session)
            headers = answer.headers
            assert "default-src 'none'" in headers["Content-Security-Policy"]
            assert "script-src" not in headers["Content-Security-Policy"]
            assert headers["X-Frame-Options"] == "DENY"
            assert headers["Cache-Control"] == "no-store"
            assert headers["X-Content-Type-Options"] == "nosniff"
        refused = await console.get("/network", rules.new_secret())
        assert refused.headers["X-Frame-Options"] == "DENY" and refused.headers["Cache-Control"] == "no-store"
    async for plain in make_console(db, URL):
        response = await plain.client.get("/signin", params={"token": await plain.link()}, allow_redirects=False)
        cookie = SimpleCookie(response.headers["Set-Cookie"])[rules.COOKIE]
        assert cookie["httponly"] and not cookie["secure"] and cookie["samesite"] == "Strict"


BAD_ADDRESSES = ["/network?sort=evil", "/network?order=sideways", "/network?sort=name&sort=region",
                 "/network?page=2", "/requests?x=1", "/downloads/passwords.csv", "/lang?to=en",
                 "/lang?to=kk&next=https://evil.example", "/lang", "/nowhere"]  # fmt: skip


async def test_every_query_parameter_is_checked(console: Console) -> None:
    session = await console.sign_in()
    for path in BAD_ADDRESSES:
        response = await console.get(path, session)
        assert response.status in (400, 404), path
        body = await response.text()
        assert "Бұл мекенжай жарамсыз" in body and "Этот адрес недействителен" in body
        assert "Location" not in response.headers


async def test_the_network_marks_centers_with_no_staff_or_a_stuck_queue(console: Console) -> None:
    db = console.db
    zhanuya, other = await center_id(db, "astana-zhanuya"), await center_id(db, "almaty-city")
    for center in (zhanuya, other):
        await db.execute("INSERT INTO staff (user_id, center_id, added_at) VALUES (?, ?, ?)",
                         (800_000 + center, center, rules.stamp(NOW)))  # fmt: skip
    await add_request(db, zhanuya, NOW - timedelta(hours=1))
    await add_request(db, zhanuya, NOW - timedelta(minutes=5))
    await add_request(db, other, NOW - timedelta(hours=6))  # untaken for longer than ESCALATE_AFTER_HOURS
    await db.execute(
        "INSERT INTO audit_log (actor_id, action, created_at) VALUES (?, 'take', ?)",
        (800_000 + zhanuya, rules.stamp(NOW - timedelta(minutes=30))),
    )
    session = await console.sign_in()
    page = await (await console.get("/network?sort=requests&order=desc", session)).text()
    rows = re.findall(r'<tr class="(\w+)" data-center="([\w-]+)">(.*?)</tr>', page)
    by_slug = {slug: (css, cells) for css, slug, cells in rows}
    assert rows[0][1] == "astana-zhanuya"  # the most open requests first
    css, cells = by_slug["astana-zhanuya"]
    assert css == "ok" and "⚠" not in cells and '<td class="num">2</td>' in cells
    css, cells = by_slug["almaty-city"]
    assert css == "alert" and "⚠ кезек тұрып қалды" in cells and "6 сағ" in cells
    lonely = [(css, cells) for slug, (css, cells) in by_slug.items() if slug not in ("astana-zhanuya", "almaty-city")]
    assert lonely and all(css == "alert" and "⚠ қызметкер жоқ" in cells for css, cells in lonely)
    assert len(rows) == await db.fetch_value("SELECT count(*) FROM centers")

    by_name = await (await console.get("/network?sort=name&order=asc", session)).text()
    assert 'href="/network?sort=name&amp;order=desc"' in by_name  # the sorted column's title flips the order


async def test_what_the_page_shows_is_escaped(console: Console) -> None:
    await console.db.execute("UPDATE centers SET name_kk = ? WHERE slug = 'astana-zhanuya'",
                             ('<script>alert("x")</script> «Жанұя»',))  # fmt: skip
    page = await (await console.get("/network", await console.sign_in())).text()
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script" not in page.lower()  # and the console sends no script of its own


async def test_the_requests_page_draws_charts_with_the_numbers_beside_them(console: Console) -> None:
    db = console.db
    zhanuya = await center_id(db, "astana-zhanuya")
    for hours, rating in ((1, 5), (2, 4), (3, None)):
        created = NOW - timedelta(days=2, hours=hours)
        taken, resolved = created + timedelta(hours=hours), created + timedelta(hours=2 * hours)
        await add_request(db, zhanuya, created, status="resolved", taken_at=rules.stamp(taken),
                          resolved_at=rules.stamp(resolved), rating=rating)  # fmt: skip
    await add_request(db, zhanuya, NOW - timedelta(days=9), category="legal", escalated_at=rules.stamp(NOW))
    await add_request(db, zhanuya, NOW - timedelta(days=200))  # older than twelve weeks: not counted
    session = await console.sign_in()
    cookie = {"Cookie": f"{rules.COOKIE}={session}; {rules.LANG_COOKIE}=ru"}
    response = await console.client.get("/requests", headers=cookie)
    page = await response.text()
    assert page.count("<svg") >= 5 and page.count("<table") >= 5
    assert "Обращений за эти недели: 4." in page
    assert '<td>2026-03-02</td><td class="num">3</td><td class="num">0</td>' in page  # this week
    assert '<td>2026-02-23</td><td class="num">1</td><td class="num">1</td>' in page  # last week, escalated
    assert '<td>Время до взятия в работу</td><td class="num">2 ч</td><td class="num">3 ч</td>' in page
    assert "Средняя оценка: 4,5" in page
    assert "🧠 Психологическая помощь" in page and "город Астана" in page
    assert SECRET_TEXT not in page and PERSON_NAME not in page and PERSON_PHONE not in page


async def test_the_courses_page_shows_groups_fill_rate_and_waiting_lists(console: Console) -> None:
    db = console.db
    group = await db.fetch_one("SELECT id, slug, seats FROM course_groups ORDER BY id LIMIT 1")
    assert group is not None
    await db.execute(
        "INSERT INTO signups (group_id, user_id, name, phone, seats, status, created_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
        (group[0], 900_101, PERSON_NAME, SIGNUP_PHONE, "confirmed", rules.stamp(NOW)),
    )
    await db.execute(
        "INSERT INTO signups (group_id, user_id, name, phone, seats, status, created_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
        (group[0], 900_102, PARTNER_NAME, SIGNUP_PHONE, "waiting", rules.stamp(NOW)),
    )
    page = await (await console.get("/courses", await console.sign_in())).text()
    row = re.search(rf"<tr><td>{re.escape(group[1])}</td>(.*?)</tr>", page)
    assert row is not None
    assert f"1 / {group[2]}" in row.group(1) and '<td class="num">1</td><td class="num">—</td>' in row.group(1)
    assert "<svg" in page and "Қатысу әзірге тіркелмейді" in page
    assert PERSON_NAME not in page and PARTNER_NAME not in page and SIGNUP_PHONE not in page

    # Staff mark attendance (the course groups' own table): a row means the sign-up was there.
    signup = await db.fetch_value("SELECT id FROM signups WHERE user_id = 900101")
    first_session = await db.fetch_value("SELECT min(id) FROM group_sessions WHERE group_id = ?", (group[0],))
    await db.execute(
        "INSERT INTO attendance (session_id, signup_id, marked_by, marked_at) VALUES (?, ?, 1, ?)",
        (first_session, signup, rules.stamp(NOW)),
    )
    other = await db.fetch_one("SELECT id, slug FROM course_groups WHERE id != ? ORDER BY id LIMIT 1", (group[0],))
    assert other is not None
    await db.execute("UPDATE course_groups SET closed_at = ? WHERE id = ?", (rules.stamp(NOW), other[0]))
    page = await (await console.get("/courses", await console.sign_in())).text()
    row = re.search(rf"<tr><td>{re.escape(group[1])}</td>(.*?)</tr>", page)
    assert row is not None and '<td class="num">1 / 1 (100%)</td>' in row.group(1)  # present at the one session marked
    assert f"<tr><td>{other[1]} (жабылды)</td>" in page
    assert "Қатысу әзірге тіркелмейді" not in page


async def test_the_csv_files_carry_facts_only(console: Console) -> None:
    db = console.db
    zhanuya = await center_id(db, "astana-zhanuya")
    request_id = await add_request(db, zhanuya, NOW - timedelta(hours=1), rating_comment=f"спасибо, {PERSON_NAME}",
                                   safe_contact="только после 18:00")  # fmt: skip
    group = await db.fetch_value("SELECT id FROM course_groups ORDER BY id LIMIT 1")
    await db.execute(
        "INSERT INTO signups (group_id, user_id, name, phone, partner_name, seats, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, 2, 'confirmed', ?)",
        (group, 900_103, PERSON_NAME, SIGNUP_PHONE, PARTNER_NAME, rules.stamp(NOW)),
    )
    session = await console.sign_in()
    requests = await console.get("/downloads/requests.csv", session)
    assert requests.status == 200 and requests.headers["Content-Type"].startswith("text/csv")
    assert requests.headers["Content-Disposition"] == 'attachment; filename="requests.csv"'
    text = await requests.text()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["number", "center", "category", "status", "urgent", "contact_method", "created_at", "taken_at",
                       "resolved_at", "rating"]  # fmt: skip
    assert rows[1][:4] == [f"R-{request_id:06d}", "astana-zhanuya", "psychological", "new"]
    centers = await (await console.get("/downloads/centers.csv", session)).text()
    assert "astana-zhanuya" in centers
    for secret in (
        PERSON_NAME,
        PARTNER_NAME,
        PERSON_PHONE,
        SIGNUP_PHONE,
        SECRET_TEXT,
        "только после",
        "900001",
        "спасибо",
    ):
        assert secret not in text and secret not in centers


async def test_every_view_and_download_is_in_the_audit_log(console: Console) -> None:
    session = await console.sign_in()
    for path in ("/network?sort=staff&order=desc", "/requests", "/courses", "/downloads", "/downloads/requests.csv",
                 "/downloads/centers.csv"):  # fmt: skip
        assert (await console.get(path, session)).status == 200
    await console.get("/network", rules.new_secret())  # refused: nothing shown, nothing recorded as a view
    rows = await console.db.fetch_all(
        "SELECT actor_id, action, detail FROM audit_log WHERE action = 'console view' ORDER BY id"
    )
    assert [tuple(row) for row in rows] == [
        (ADMIN, "console view", "sign in"),
        (ADMIN, "console view", "network sort=staff order=desc"),
        (ADMIN, "console view", "requests"),
        (ADMIN, "console view", "courses"),
        (ADMIN, "console view", "downloads"),
        (ADMIN, "console view", "download requests.csv"),
        (ADMIN, "console view", "download centers.csv"),
    ]


async def test_language_switch_and_sign_out(console: Console) -> None:
    session = await console.sign_in()
    page = await (await console.get("/requests", session)).text()
    assert '<html lang="kk">' in page and "Өтініштер" in page  # the admin has no stored language: the default
    await console.db.execute("INSERT INTO users (id, locale, created_at, last_seen_at) VALUES (?, 'ru', ?, ?)",
                             (ADMIN, rules.stamp(NOW), rules.stamp(NOW)))  # fmt: skip
    page = await (await console.get("/requests", session)).text()
    assert '<html lang="ru">' in page and "Обращения по неделям" in page  # the language stored in the bot

    switched = await console.get("/lang?to=kk&next=courses", session)
    assert switched.status == 303 and switched.headers["Location"] == "/courses"
    chosen = switched.cookies[rules.LANG_COOKIE]
    assert chosen.value == "kk" and chosen["httponly"] and chosen["samesite"] == "Strict"
    cookie = {"Cookie": f"{rules.COOKIE}={session}; {rules.LANG_COOKIE}=kk"}
    page = await (await console.client.get("/courses", headers=cookie)).text()
    assert '<html lang="kk">' in page and "Курс топтары" in page

    out = await console.client.post("/signout", headers={"Cookie": f"{rules.COOKIE}={session}"},
                                    allow_redirects=False)  # fmt: skip
    assert out.status == 303 and out.headers["Location"] == "/signed-out"
    assert out.cookies[rules.COOKIE].value == ""
    assert (await console.get("/network", session)).status == 401
    farewell = await console.get("/signed-out")
    assert farewell.status == 200 and "Вы вышли из консоли" in await farewell.text()


async def test_a_hundred_tabs_opening_one_link_make_one_session(console: Console) -> None:
    token = await console.link()

    async def open_link() -> int:
        response = await console.client.get("/signin", params={"token": token}, allow_redirects=False)
        await response.read()
        return response.status

    statuses = await asyncio.gather(*(open_link() for _ in range(100)))
    assert sorted(statuses) == [303] + [403] * 99
    assert await console.db.fetch_value("SELECT count(*) FROM console_sessions") == 1


async def test_a_crowd_of_links_each_used_at_once_through_the_desk(console: Console) -> None:
    """Two hundred links, each opened twice at the same moment: two hundred sessions, one per link."""
    tokens = [await console.link() for _ in range(100)] + [await console.link(OTHER_ADMIN) for _ in range(100)]
    outcomes = await asyncio.gather(*(console.desk.sign_in(token) for token in tokens + tokens))
    signed = [outcome for outcome in outcomes if isinstance(outcome, SignIn)]
    assert len(signed) == 200 and sorted(o for o in outcomes if isinstance(o, str)) == ["used"] * 200
    assert len({outcome.session for outcome in signed}) == 200
    assert await console.db.fetch_value("SELECT count(*) FROM console_sessions") == 200
    assert await console.db.fetch_value("SELECT count(*) FROM console_tokens WHERE used_at IS NULL") == 0


def test_a_local_week_start_is_compared_as_utc() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.console import rules as console_rules

    monday = datetime(2026, 11, 23, 0, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    # Stored moments are UTC text: a request at 02:00 on Monday in Almaty (21:00 UTC on Sunday) is in that week.
    stored = datetime(2026, 11, 22, 21, 0, tzinfo=UTC).isoformat(timespec="seconds")
    assert console_rules.stamp(monday) == "2026-11-22T19:00:00+00:00"
    assert stored >= console_rules.stamp(monday)
