"""The rows of a big installation, made up: people, a year of help requests with their threads, notices, audit
and delivered outbox rows, course groups with sign-ups and reminders, consents, dialog states and the chat log.

`generate` is plain Python (a seeded random, so a run can be repeated); `bulk_insert` writes what it made in one
transaction per database, fast: `executemany` on SQLite, `COPY` on PostgreSQL. This is a measuring tool, so it
writes its rows directly instead of through the desks (one desk call per row would take hours for 100,000
requests); the rows are the ones the desks would have written (the same columns, states and stamps).
"""

from __future__ import annotations

import random
import sqlite3
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from bot.privacy.consents import CONSENT_VERSIONS
from storage.database import is_postgres

FIRST_PERSON_ID = 1_000_000_000  # made-up Telegram ids: people, then staff, then the admin
FIRST_STAFF_ID = 900_000_000
ADMIN_ID = 899_999_999
STAFF_PER_CENTER = 2
YEAR = timedelta(days=364)  # inside RETENTION_DAYS' default (365): nothing is due for anonymising at start
ESCALATE_AFTER = timedelta(hours=4)  # ESCALATE_AFTER_HOURS' default: older untaken requests were announced again
CHAT_LOG_FOR = timedelta(hours=47)  # the chat log keeps 48 hours; older rows are pruned by the timed jobs

CATEGORY_WEIGHTS = {"psychological": 30, "legal": 15, "social": 15, "conflict": 15, "child": 10, "violence": 7,
                    "other": 8}  # fmt: skip
CONTACTS = (("telegram", 55), ("phone", 30), ("anonymous", 15))
RATINGS = ((5, 50), (4, 30), (3, 12), (2, 5), (1, 3))
FIRST_TEXTS = {
    "ru": (
        "Здравствуйте. Мы с мужем постоянно ссоримся из-за денег, дети всё слышат. Хочу поговорить с психологом.",
        "Сын-подросток перестал разговаривать с нами и не ходит в школу уже неделю. Что нам делать?",
        "Нужна консультация юриста по алиментам: бывший муж не платит восемь месяцев.",
        "Как оформить пособие на третьего ребёнка? В акимате сказали обратиться к вам.",
        "Свекровь живёт с нами и вмешивается во всё, муж молчит. Можно прийти вдвоём на консультацию?",
        "Мне тяжело после развода, не могу спать и всё время плачу. Нужна помощь.",
        "Хотим записаться на медиацию перед разводом, чтобы договориться о детях мирно.",
    ),
    "kk": (
        "Сәлеметсіз бе. Күйеуім екеуміз ақша үшін жиі ұрысамыз, балалар бәрін естиді. Психологпен сөйлескім келеді.",
        "Жасөспірім ұлым бізбен сөйлеспей қойды, бір аптадан бері мектепке бармайды. Не істеуіміз керек?",
        "Алимент бойынша заңгердің кеңесі керек: бұрынғы күйеуім сегіз ай бойы төлемей жүр.",
        "Үшінші балаға жәрдемақыны қалай рәсімдеуге болады? Әкімдікте сіздерге хабарласуды айтты.",
        "Енем бізбен бірге тұрады, бәріне араласады, күйеуім үндемейді. Екеуміз кеңеске келе аламыз ба?",
        "Ажырасқаннан кейін қиын, ұйықтай алмаймын, үнемі жылаймын. Көмек керек.",
        "Балалар туралы бейбіт келісу үшін ажырасар алдында медиацияға жазылғымыз келеді.",
    ),
}
STAFF_TEXTS = {
    "ru": (
        "Здравствуйте! Спасибо, что написали. Психолог центра свяжется с вами сегодня до 18:00.",
        "Добрый день. Приходите на бесплатную консультацию в среду в 15:00, возьмите удостоверение личности.",
        "Здравствуйте. Юрист подготовит для вас образец заявления, мы пришлём его сюда.",
    ),
    "kk": (
        "Сәлеметсіз бе! Жазғаныңызға рахмет. Орталықтың психологы бүгін 18:00-ге дейін сізбен байланысады.",
        "Қайырлы күн. Сәрсенбі күні сағат 15:00-де тегін кеңеске келіңіз, жеке куәлігіңізді ала келіңіз.",
        "Сәлеметсіз бе. Заңгер сізге өтініштің үлгісін дайындайды, оны осында жібереміз.",
    ),
}
PERSON_REPLIES = {
    "ru": ("Спасибо, буду ждать звонка.", "Хорошо, приду в среду.", "Спасибо большое, всё понятно."),
    "kk": ("Рахмет, қоңырауды күтемін.", "Жақсы, сәрсенбіде келемін.", "Көп рахмет, бәрі түсінікті."),
}
NOTES = ("Перезвонить после 18:00.", "Передано психологу, ждём ответа.", "Кеңеске жазылды.")
SAFE_CONTACTS = ("только писать, не звонить", "после 18:00", "тек жазыңыз, қоңырау шалмаңыз", "в выходные")
COMMENTS = ("Спасибо, очень помогли!", "Ответили быстро.", "Көп рахмет!", "Хотелось бы быстрее.")
FIRST_NAMES = ("Айгерим", "Дина", "Асель", "Гульнара", "Жанар", "Мадина", "Ольга", "Елена", "Айдана", "Сауле",
               "Ержан", "Нурлан", "Алия", "Марат", "Светлана", "Бауыржан")  # fmt: skip
LAST_NAMES = ("Сапарова", "Ахметова", "Иванова", "Жумабаева", "Касымова", "Нургалиева", "Ким", "Омарова")
STAFF_NAMES = ("Айжан", "Гаухар", "Татьяна", "Нұржан", "Жулдыз", "Ирина")

TABLE_ORDER = (
    "users", "staff", "help_requests", "request_messages", "request_notices", "audit_log", "outbox", "course_groups",
    "group_sessions", "signups", "reminders", "consents", "chat_messages", "fsm_states",
)  # fmt: skip
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "locale", "created_at", "last_seen_at"),
    "staff": ("user_id", "center_id", "added_at", "blocked_bot", "first_name", "username", "last_active_at"),
    "help_requests": (
        "id", "user_id", "center_id", "category", "status", "urgent", "contact_method", "contact_name", "phone",
        "locale", "assignee_id", "rating", "rating_comment", "created_at", "taken_at", "resolved_at", "escalated_at",
        "safe_contact", "anonymized_at", "last_actor", "draft_id", "take_seconds", "resolve_seconds",
    ),
    "request_messages": ("id", "request_id", "author", "staff_id", "text", "file_id", "file_kind", "created_at"),
    "request_notices": ("request_id", "chat_id", "message_id"),
    "audit_log": ("id", "actor_id", "request_id", "action", "detail", "created_at"),
    "outbox": ("id", "chat_id", "method", "payload", "request_id", "notice", "status", "attempts", "next_attempt_at",
               "created_at", "sent_at"),
    "course_groups": ("id", "slug", "topic_id", "center_id", "online", "language", "seats", "is_sample",
                      "created_at"),
    "group_sessions": ("id", "group_id", "starts_at"),
    "signups": ("id", "group_id", "user_id", "name", "phone", "partner_name", "partner_user_id", "marriage_date",
                "seats", "status", "invite_token", "created_at", "cancelled_at", "wants_reminders"),
    "reminders": ("id", "signup_id", "session_id", "user_id", "kind", "due_at", "status"),
    "consents": ("user_id", "purpose", "version", "given_at", "withdrawn_at"),
    "chat_messages": ("chat_id", "message_id", "at"),
    "fsm_states": ("key", "state", "data"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CenterInfo:
    id: int
    slug: str
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GroupInfo:
    """A course group already in the database (the SAMPLE upcoming ones): its seats and sessions."""

    id: int
    center_id: int
    programme: str
    seats: int
    taken: int
    sessions: tuple[tuple[int, datetime], ...]  # (session id, start)


@dataclass
class World:
    """What the database holds before the generator: the directory, the course topics and groups, the next ids."""

    centers: list[CenterInfo]
    topics: dict[str, tuple[int, str]]  # slug -> (id, programme)
    groups: list[GroupInfo]
    next_ids: dict[str, int]  # table -> the first id free
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Generated:
    rows: dict[str, list[tuple[Any, ...]]]
    people: list[int]
    staff_of: dict[int, list[int]]  # center id -> staff ids
    admin_id: int

    def count(self, table: str) -> int:
        return len(self.rows.get(table, ()))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _seconds(start: str, end: str | None) -> int | None:
    """What the bot stores with a stamp (storage.stats): whole seconds from the request's arrival, from the stamps
    as written."""
    return None if end is None else round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())


class _Picker:
    """A weighted choice by bisection over cumulative weights: much quicker than random.choices per call."""

    def __init__(self, rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> None:
        self._rng = rng
        self._values = [value for value, _ in pairs]
        self._cumulative = list(accumulate(weight for _, weight in pairs))

    def __call__(self) -> Any:
        return self._values[bisect(self._cumulative, self._rng.random() * self._cumulative[-1])]


def _phone(rng: random.Random) -> str:
    digits = f"{rng.randrange(10_000_000):07d}"
    return f"+7 70{rng.randrange(10)} {digits[:3]} {digits[3:5]} {digits[5:]}"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def generate(world: World, people: int, requests: int, signups: int, seed: int = 14) -> Generated:
    rng = random.Random(seed)
    now = world.now
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in TABLE_ORDER}
    ids = dict(world.next_ids)

    def next_id(table: str) -> int:
        ids[table] = ids.get(table, 1) + 1
        return ids[table] - 1

    # ---- people, staff (a couple per center) and the admin
    person_ids = [FIRST_PERSON_ID + n for n in range(people)]
    locales = ["kk" if rng.random() < 0.55 else "ru" for _ in person_ids]
    locale_of = dict(zip(person_ids, locales, strict=True))
    first_seen = {pid: now - YEAR * rng.random() for pid in person_ids}
    last_seen = {pid: now - timedelta(days=30) * rng.random() ** 2 for pid in person_ids}
    staff_of: dict[int, list[int]] = {}
    staff_rows = []
    for number, center in enumerate(world.centers):
        staff_of[center.id] = [FIRST_STAFF_ID + number * 10 + k for k in range(STAFF_PER_CENTER)]
        for k, staff_id in enumerate(staff_of[center.id]):
            name = STAFF_NAMES[(number + k) % len(STAFF_NAMES)]
            added = _iso(now - YEAR - timedelta(days=30))
            staff_rows.append((staff_id, center.id, added, 0, name, f"staff{number}_{k}", _iso(now)))
    rows["staff"] = staff_rows
    staff_name = {row[0]: row[4] for row in staff_rows}

    # ---- help requests over the year: ids in the order they came, the open ones recent
    center_pick = _Picker(rng, [(center.id, 1 + 6 / (1 + n)) for n, center in enumerate(world.centers)])
    category_pick = _Picker(rng, list(CATEGORY_WEIGHTS.items()))
    contact_pick = _Picker(rng, CONTACTS)
    rating_pick = _Picker(rng, RATINGS)
    repeaters = person_ids[: max(1, people // 30)]  # a few people write again and again
    created_list = sorted(now - YEAR * rng.random() for _ in range(requests))
    next_message = dict.fromkeys(staff_name, 1)  # each staff chat's message ids
    first_request: dict[int, datetime] = {}
    hr, messages, notices, audit, outbox = (rows[t] for t in ("help_requests", "request_messages", "request_notices",
                                                              "audit_log", "outbox"))  # fmt: skip
    for created in created_list:
        request_id = next_id("help_requests")
        user_id = rng.choice(repeaters) if rng.random() < 0.3 else rng.choice(person_ids)
        locale = locale_of[user_id]
        first_request[user_id] = min(created, first_request.get(user_id, created))
        center_id = center_pick()
        category = category_pick()
        urgent = int(rng.random() < (0.9 if category == "violence" else 0.03))
        contact = contact_pick()
        name = _name(rng) if contact != "anonymous" else None
        phone = _phone(rng) if contact == "phone" else None
        safe = rng.choice(SAFE_CONTACTS) if contact != "anonymous" and rng.random() < 0.1 else None
        age = now - created
        take_after = timedelta(minutes=rng.lognormvariate(4.5, 1.0))  # median about an hour and a half
        resolve_after = timedelta(hours=rng.lognormvariate(3.2, 1.0))  # median about a day
        roll = rng.random()
        if age < timedelta(days=2):
            status = "new" if roll < 0.35 else "in_progress" if roll < 0.75 else "resolved"
        elif age < timedelta(days=30):
            status = "new" if roll < 0.01 else "in_progress" if roll < 0.10 else "spam" if roll < 0.12 else "resolved"
        else:
            status = "new" if roll < 0.003 else "in_progress" if roll < 0.01 else "spam" if roll < 0.03 else "resolved"
        taken = created + take_after
        resolved = taken + resolve_after
        if status != "new" and taken >= now:
            status = "new"
        if status == "resolved" and resolved >= now:
            status = "in_progress"
        staff = staff_of[center_id]
        assignee = rng.choice(staff) if status != "new" else None
        taken_at = _iso(taken) if status != "new" and status != "spam" else None
        resolved_at = _iso(resolved) if status in ("resolved", "spam") else None
        escalated = (
            created + ESCALATE_AFTER
            if (status == "new" and age > ESCALATE_AFTER) or take_after > ESCALATE_AFTER
            else None
        )
        escalated_at = _iso(escalated) if escalated is not None and escalated < now else None
        rating = rating_pick() if status == "resolved" and rng.random() < 0.55 else None
        comment = rng.choice(COMMENTS) if rating is not None and rng.random() < 0.15 else None
        anonymized = status == "resolved" and rng.random() < 0.003  # a few people asked to be forgotten
        hr.append((
            request_id, None if anonymized else user_id, center_id, category, status, urgent,
            "anonymous" if anonymized else contact, None if anonymized else name, None if anonymized else phone,
            locale, assignee, rating, None if anonymized else comment, _iso(created), taken_at, resolved_at,
            escalated_at, None if anonymized else safe, _iso(resolved) if anonymized else None,
            staff_name[assignee] if assignee else None, f"{rng.getrandbits(64):016x}",
            _seconds(_iso(created), taken_at), _seconds(_iso(created), resolved_at),
        ))  # fmt: skip
        photo = rng.random() < 0.03
        first = None if anonymized else rng.choice(FIRST_TEXTS[locale])
        file_id = f"AgACAgIAAxkBAAI{rng.getrandbits(80):020x}" if photo and not anonymized else None
        messages.append((next_id("request_messages"), request_id, "person", None, first, file_id,
                         "photo" if file_id else None, _iso(created)))  # fmt: skip
        stamp = _iso(created)
        for chat in staff:  # the notice in each staff member's chat, delivered
            notices.append((request_id, chat, next_message[chat]))
            next_message[chat] += 1
            outbox.append((next_id("outbox"), chat, "sendMessage", "{}", request_id, 1, "sent", 1, stamp, stamp,
                           stamp))  # fmt: skip
        if status == "spam":
            audit.append((next_id("audit_log"), assignee, request_id, "spam", None, resolved_at))
            continue
        if status == "new":
            continue
        audit.append((next_id("audit_log"), assignee, request_id, "in_progress", None, taken_at))
        answered = taken + timedelta(minutes=rng.randrange(2, 90))
        if answered < now:
            text = None if anonymized else rng.choice(STAFF_TEXTS[locale])
            messages.append((next_id("request_messages"), request_id, "staff", assignee, text, None, None,
                             _iso(answered)))  # fmt: skip
            audit.append((next_id("audit_log"), assignee, request_id, "answer", None, _iso(answered)))
            outbox.append((next_id("outbox"), user_id, "sendMessage", "{}", request_id, 0, "sent", 1, _iso(answered),
                           _iso(answered), _iso(answered)))  # fmt: skip
            reply = answered + timedelta(minutes=rng.randrange(1, 600))
            if rng.random() < 0.5 and reply < now:
                text = None if anonymized else rng.choice(PERSON_REPLIES[locale])
                messages.append((next_id("request_messages"), request_id, "person", None, text, None, None,
                                 _iso(reply)))  # fmt: skip
        if rng.random() < 0.1:
            messages.append((next_id("request_messages"), request_id, "note", assignee,
                             None if anonymized else rng.choice(NOTES), None, None, taken_at))  # fmt: skip
        if status == "resolved":
            audit.append((next_id("audit_log"), assignee, request_id, "resolved", None, resolved_at))
            outbox.append((next_id("outbox"), user_id, "sendMessage", "{}", request_id, 0, "sent", 1, resolved_at,
                           resolved_at, resolved_at))  # fmt: skip

    # ---- course groups: the SAMPLE upcoming ones take a few sign-ups; past groups of the year take the rest
    signup_rows, reminder_rows = rows["signups"], rows["reminders"]
    course_people: dict[int, datetime] = {}
    remaining = signups

    def fill(group_id: int, programme: str, seats: int, sessions: Sequence[tuple[int, datetime]], count: int,
             full: bool) -> None:  # fmt: skip
        nonlocal remaining
        taken_seats, chosen = 0, set()
        opened = sessions[0][1] - timedelta(days=rng.randrange(7, 40))
        for _ in range(count):
            if remaining <= 0:
                return
            user_id = rng.choice(person_ids)
            if user_id in chosen:
                continue
            chosen.add(user_id)
            couple = programme == "premarital"
            want = 2 if couple else 1
            roll = rng.random()
            status = "cancelled" if roll < 0.08 else "confirmed" if taken_seats + want <= seats else "waiting"
            if status == "waiting" and not full:
                return
            signed = min(opened + timedelta(hours=rng.randrange(1, 24 * 6)), now - timedelta(minutes=5))
            course_people[user_id] = min(signed, course_people.get(user_id, signed))
            partner = rng.choice(person_ids) if couple and rng.random() < 0.5 else None
            if partner in chosen or partner == user_id:
                partner = None
            if partner is not None:
                chosen.add(partner)
            signup_id = next_id("signups")
            wants = int(rng.random() < 0.8)
            signup_rows.append((
                signup_id, group_id, user_id, _name(rng), _phone(rng), _name(rng) if couple else None, partner,
                (now + timedelta(days=rng.randrange(20, 200))).date().isoformat() if couple else None, want, status,
                f"{rng.getrandbits(96):024x}" if couple else None, _iso(signed),
                _iso(signed + timedelta(days=1)) if status == "cancelled" else None, wants,
            ))  # fmt: skip
            remaining -= 1
            if status == "confirmed":
                taken_seats += want
                for person in [user_id] if partner is None else [user_id, partner]:
                    if person == user_id and not wants:
                        continue
                    for session_id, start in sessions:
                        for kind, before in (("day", timedelta(days=1)), ("hours", timedelta(hours=2))):
                            due = start - before
                            if due > signed:
                                reminder_rows.append((next_id("reminders"), signup_id, session_id, person, kind,
                                                      _iso(due), "sent" if due <= now else "pending"))  # fmt: skip

    for group in world.groups:  # leave most seats free: the bench's people still sign up there
        fill(group.id, group.programme, group.seats - group.taken, group.sessions, (group.seats - group.taken) // 3,
             full=False)  # fmt: skip
    academy = [slug for slug, (_, programme) in world.topics.items() if programme == "academy"]
    hosts = [c for c in world.centers if "parents_academy" in c.services or "premarital" in c.services]
    week = 1
    while remaining > 0 and hosts and academy:
        for number, center in enumerate(hosts):
            if remaining <= 0:
                break
            couple = "premarital" in center.services and (week + number) % 3 == 0
            if not couple and "parents_academy" not in center.services:
                continue
            slug = "premarital" if couple else academy[(week + number) % len(academy)]
            seats = 10 if couple else 15
            first = (now - timedelta(weeks=week)).replace(hour=5, minute=0, second=0, microsecond=0)
            group_id = next_id("course_groups")
            rows["course_groups"].append((group_id, f"{center.slug}-{slug}-past-{week:03d}", world.topics[slug][0],
                                          center.id, 0, "kk" if number % 2 else "ru", seats, 1,
                                          _iso(first - timedelta(days=45))))  # fmt: skip
            sessions = []
            for offset in (0, 7):
                session_id = next_id("group_sessions")
                start = first + timedelta(days=offset)
                rows["group_sessions"].append((session_id, group_id, _iso(start)))
                sessions.append((session_id, start))
            fill(group_id, "premarital" if couple else "academy", seats, sessions, seats + 4, full=True)
        week += 1

    # ---- consents, users, the chat log of the last two days and each chat's dialog state
    consents = rows["consents"]
    for user_id, since in first_request.items():
        consents.append((user_id, "help_request", CONSENT_VERSIONS["help_request"], _iso(since), None))
    for user_id, since in course_people.items():
        consents.append((user_id, "course_signup", CONSENT_VERSIONS["course_signup"], _iso(since), None))
        consents.append((user_id, "reminders", CONSENT_VERSIONS["reminders"], _iso(since), None))
    for pid in person_ids:
        created = min(first_seen[pid], first_request.get(pid, now), course_people.get(pid, now))
        rows["users"].append((pid, locale_of[pid], _iso(created), _iso(max(last_seen[pid], created))))
    for staff_id in staff_name:
        rows["users"].append((staff_id, "kk" if staff_id % 2 else "ru", _iso(now - YEAR), _iso(now)))
    rows["users"].append((ADMIN_ID, "ru", _iso(now - YEAR), _iso(now)))
    recent = rng.sample(person_ids, min(people, max(1, people // 10)))
    for pid in recent:
        for message_id in range(1, 6):
            rows["chat_messages"].append((pid, message_id, _iso(now - CHAT_LOG_FOR * rng.random())))
    for pid in person_ids:
        rows["fsm_states"].append((f"fsm:{pid}:{pid}:default", None, "{}"))
    return Generated(rows, person_ids, staff_of, ADMIN_ID)


# ---- writing


def _chunks(rows: list[tuple[Any, ...]], size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_sqlite(path: str, generated: Generated) -> None:
    """One transaction, one prepared INSERT per table run over every row (executemany)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous = OFF")  # this connection only: the load is all or nothing anyway
        connection.execute("BEGIN IMMEDIATE")
        for table in TABLE_ORDER:
            columns = COLUMNS[table]
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            connection.executemany(sql, generated.rows[table])
        connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


async def insert_postgres(url: str, generated: Generated) -> None:
    """One transaction of COPY per table; then each identity goes past the ids given, and the tables are vacuumed
    and the planner's statistics gathered, as autovacuum would do a little later by itself after so many inserts
    (the visibility map it sets lets /stats read its counts and medians from the indexes alone)."""
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            for table in TABLE_ORDER:
                for chunk in _chunks(generated.rows[table]):
                    await connection.copy_records_to_table(table, records=chunk, columns=list(COLUMNS[table]))
            for table in TABLE_ORDER:
                if "id" in COLUMNS[table] and table not in ("users",):
                    await connection.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                    )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def bulk_insert(url: str, generated: Generated) -> None:
    if is_postgres(url):
        await insert_postgres(url, generated)
    else:
        insert_sqlite(url.removeprefix("sqlite:///"), generated)
