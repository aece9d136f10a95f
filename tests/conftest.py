"""Shared fixtures: a temporary database, the local Bot API server, and the real bot process against it."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import os
import shutil
import signal
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.localapi.people import LocalUser
from bot.localapi.server import LocalBotApi
from bot.ops import loop
from storage.database import Database, open_migrated
from tests import forks
from tests.servers import Postgres, Redis, ServerUnavailable, start_postgres, start_redis

ROOT = Path(__file__).resolve().parent.parent


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Callable[[], Any]]:
    """Tests run on the loop the bot runs on (uvloop where it is installed)."""
    return {"loop": loop.new_event_loop}


# pytest-xdist hands out whole files (dev.py), in the order of this list: the files that take longest (a crowd, a
# browser, Telegram's clock, new interpreters) go first, then the levels from the slowest files to the quickest, so
# that the workers finish together instead of one running a long file alone at the end.
LONGEST_FIRST = (
    "e2e/test_crowd.py", "browser/test_playground.py", "e2e/test_instances.py", "e2e/test_bench.py",
    "e2e/test_burst.py", "unit/test_pacing.py", "browser/test_console.py", "handlers/test_center_card.py",
)  # fmt: skip
LEVELS = ("browser", "e2e", "handlers", "unit")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    renamed = [path for path in LONGEST_FIRST if not (ROOT / "tests" / path).exists()]
    assert not renamed, f"tests/conftest.py LONGEST_FIRST names files that are gone: {renamed}"

    def rank(item: pytest.Item) -> tuple[int, int]:
        if not item.path.is_relative_to(ROOT / "tests"):
            return 2, 0
        path = item.path.relative_to(ROOT / "tests").as_posix()
        if path in LONGEST_FIRST:
            return 0, LONGEST_FIRST.index(path)
        level = path.split("/", 1)[0]
        return 1, LEVELS.index(level) if level in LEVELS else len(LEVELS)

    items.sort(key=rank)  # stable: within a file, and among files of a rank, the order stays as collected


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    """One private PostgreSQL for the run; each test that asks for `postgres_url` gets a database of its own."""
    try:
        server = start_postgres()
    except ServerUnavailable as reason:
        pytest.skip(f"PostgreSQL unavailable: {reason}")
    yield server
    server.stop()


async def new_postgres_database(server: Postgres, seeded: bool = False) -> str:
    """A new database on the private server with every migration applied, and with `seeded` the SAMPLE centers,
    crisis lines and course groups too; its URL. It is a copy of a template database made once per run (a copy
    takes a quarter of a second, migrating and seeding a second), and the next copies are made ahead in a thread
    of their own while the tests run."""
    template = "otbasy_seeded" if seeded else "otbasy_migrated"
    ready = _READY.setdefault(template, [])
    if not ready:
        ready.append(_MAKER.submit(_copy_template, server, template))
    made = ready.pop(0)
    ready.append(_MAKER.submit(_copy_template, server, template))
    return await asyncio.wrap_future(made)


_MAKER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-copies")
_READY: dict[str, list[concurrent.futures.Future[str]]] = {}


def _copy_template(server: Postgres, template: str) -> str:
    return asyncio.run(_copy_template_async(server, template))


async def _copy_template_async(server: Postgres, template: str) -> str:
    import asyncpg

    connection = await asyncpg.connect(server.url())
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", template):
            await connection.execute(f"CREATE DATABASE {template}")
            db = await open_migrated(server.url(template))
            try:
                if template == "otbasy_seeded":
                    await seed(db)
            finally:
                await db.close()
        name = f"test_{uuid.uuid4().hex[:12]}"
        await connection.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    finally:
        await connection.close()
    return server.url(name)


async def seed(db: Database) -> None:
    """What the bot loads into an empty database at start."""
    from bot.settings import Settings
    from storage.bootstrap import ensure_centers, ensure_courses
    from storage.commissioners import CommissionerRepository
    from storage.crisis import CrisisRepository

    await ensure_centers(db)
    await ensure_courses(db, Settings(_env_file=None).zone)  # type: ignore[call-arg]
    await CrisisRepository(db).load_sample_if_empty()
    await CommissionerRepository(db).load_sample_if_empty()


async def new_sqlite_database(path: Path, seeded: bool = False) -> Path:
    """An SQLite file at `path` with every migration applied (and with `seeded` what the bot loads at start): a
    copy of a template made once per test process, which takes a millisecond where migrating and seeding take
    about 75."""
    template = _SQLITE_TEMPLATES.get(seeded)
    if template is None:
        folder = tempfile.mkdtemp(prefix="otbasy-sqlite-")
        atexit.register(shutil.rmtree, folder, True)
        template = Path(folder) / "template.db"
        db = await open_migrated(template)
        try:
            if seeded:
                await seed(db)
        finally:
            await db.close()
        assert not template.with_name("template.db-wal").exists(), "closing checkpoints the WAL into the file"
        _SQLITE_TEMPLATES[seeded] = template
    shutil.copyfile(template, path)
    return path


_SQLITE_TEMPLATES: dict[bool, Path] = {}


@pytest.fixture
async def postgres_url(postgres_server: Postgres) -> str:
    """A migrated database of its own on the private PostgreSQL."""
    return await new_postgres_database(postgres_server)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redis]:
    try:
        server = start_redis(tmp_path_factory.mktemp("redis"))
    except ServerUnavailable as reason:
        pytest.skip(f"Redis unavailable: {reason}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database, once on SQLite and once on PostgreSQL: the storage and desk tests hold on both."""
    if request.param == "sqlite":
        target: Path | str = await new_sqlite_database(tmp_path / "test.db")
    else:
        target = await new_postgres_database(request.getfixturevalue("postgres_server"))
    database = await open_migrated(target)
    yield database
    await database.close()


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[LocalBotApi]:
    server = LocalBotApi()
    await server.start()
    yield server
    await server.stop()


class BotProcess:
    """`python -m bot` in a child process, pointed at the local server; start, stop and restart it."""

    def __init__(self, api: LocalBotApi, workdir: Path, env: dict[str, str], fresh: bool = False) -> None:
        self.api = api
        self.workdir = workdir
        self.env = env
        self.fresh = fresh  # a fresh interpreter instead of a fork of one that has imported the bot (tests/forks.py)
        self.process: forks.Process | None = None
        self.log_path = workdir / "bot.log"
        self.database = workdir / "bot.db"

    async def start(self) -> None:
        started_before = self._started()
        self.process = forks.start([], self.workdir, self.env, self.log_path, fresh=self.fresh)
        for _ in range(300):
            if self._started() > started_before:
                return
            if self.process.poll() is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode}:\n{self.log()}")
            await asyncio.sleep(0.05)
        raise AssertionError(f"the bot did not start polling (or set its webhook):\n{self.log()}")

    async def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        for _ in range(200):
            if self.process.poll() is not None:
                break
            await asyncio.sleep(0.05)
        else:
            self.process.kill()
            raise AssertionError(f"the bot did not stop on SIGTERM:\n{self.log()}")
        code = self.process.returncode
        self.process = None
        return code

    async def restart(self) -> None:
        assert await self.stop() == 0
        await self.start()

    async def cli(self, *args: str) -> str:
        """An operator's subcommand against the same database, while the bot runs."""
        result = await forks.run_async(list(args), self.workdir, self.env)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def _started(self) -> int:
        """Calls that show the bot is up: its polls, or in webhook mode its setWebhook (made once it listens;
        tests/webhooks.py starts such bots)."""
        method = "setWebhook" if self.env.get("WEBHOOK_URL") else "getUpdates"
        return sum(1 for name, _ in self.api.calls if name == method)


def bot_environment(api: LocalBotApi, workdir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "TELEGRAM_"))}
    env.update(
        BOT_TOKEN=api.token,
        TELEGRAM_API_URL=api.base_url,
        DATABASE_URL=f"sqlite:///{workdir / 'bot.db'}",
        POLLING_TIMEOUT="1",
        LOG_LEVEL="INFO",
        ADMIN_IDS="",
        MESSAGE_BURST="500",  # tests tap faster than people; the rate limit has a test of its own
        # The local server enforces Telegram's sending limits only where a test turns them on (tests/e2e/
        # test_burst.py, with the bot paced to match), so the outbox is not held to them elsewhere either.
        SEND_PER_SECOND="100000",
        SEND_PER_CHAT_SECOND="100000",
        SEND_PER_GROUP_MINUTE="6000000",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


@pytest.fixture(scope="module")
async def bot_process(
    api: LocalBotApi, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> AsyncIterator[BotProcess]:
    """One bot process for a test module (a fork of one that has imported the bot: tests/forks.py); each test
    talks as new people. A module's BOT_ENV dict adds settings (e.g. ADMIN_IDS); FRESH_INTERPRETER = True starts
    `python -m bot` in a new interpreter instead."""
    workdir = tmp_path_factory.mktemp("bot")
    env = bot_environment(api, workdir, **getattr(request.module, "BOT_ENV", {}))
    process = BotProcess(api, workdir, env, fresh=getattr(request.module, "FRESH_INTERPRETER", False))
    await process.start()
    yield process
    if process.process is not None:
        code = await process.stop()
        assert code == 0, process.log()


@pytest.fixture
async def running_bot(bot_process: BotProcess, api: LocalBotApi) -> AsyncIterator[BotProcess]:
    """The module's bot, checked after each test: nothing refused by the server, no error in its log."""
    refusals_before, log_before = len(api.refusals), len(bot_process.log())
    if bot_process.process is None:
        await bot_process.start()
    yield bot_process
    new_log = bot_process.log()[log_before:]
    assert not api.refusals[refusals_before:], f"the server refused: {api.refusals[refusals_before:]}"
    assert "Traceback" not in new_log and " ERROR " not in new_log, new_log


PersonFactory = Callable[..., LocalUser]
_person_ids = iter(range(1001, 1_000_000))


@pytest.fixture
def person(api: LocalBotApi) -> PersonFactory:
    ids = _person_ids

    def make(language_code: str | None = "kk", first_name: str = "Test") -> LocalUser:
        return LocalUser(api, next(ids), first_name=first_name, language_code=language_code)

    return make


async def choose_language(user: LocalUser, code: str) -> None:
    """First contact: /start, pick the language, read the welcome."""
    await user.send("/start")
    await user.reply()
    await user.click("Қазақша" if code == "kk" else "Русский")
    await user.reply()


async def wait_until(check: Callable[[], bool], what: str, within: float = 15.0) -> None:
    """Waits for `check()` to hold, polling, for at most `within` seconds: a bound instead of a fixed sleep."""
    try:
        async with asyncio.timeout(within):
            while not check():  # noqa: ASYNC110 -- another process writes what we wait for: no event to await
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"not within {within} s: {what}") from None


def _pending_outbox(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0])


async def outbox_settled(bot: BotProcess) -> None:
    """Everything the bot has queued to send is delivered (or has failed for good)."""
    await wait_until(lambda: _pending_outbox(bot.database) == 0, "the outbox delivers what it holds")


def _names_the_person(value: object, user_id: int, fragments: tuple[str, ...]) -> bool:
    return value == user_id or (
        isinstance(value, str) and (str(user_id) in value.split(":") or any(part in value for part in fragments))
    )


def find_person(database: Path, user_id: int, fragments: tuple[str, ...]) -> list[str]:
    """Every cell of every table (of an SQLite file) that holds the person's id or a piece of their name, phone
    or text."""
    found = []
    with sqlite3.connect(database) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in db.execute(f"SELECT * FROM {table}"):
                if any(_names_the_person(value, user_id, fragments) for value in row):
                    found.append(f"{table}: {row}")
    return found


async def find_person_in(db: Database, user_id: int, fragments: tuple[str, ...]) -> list[str]:
    """The same, through an open database of either kind."""
    tables = (
        "SELECT name FROM sqlite_master WHERE type = 'table'"
        if db.dialect == "sqlite"
        else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    )
    found = []
    for (table,) in [tuple(row) for row in await db.fetch_all(tables)]:
        for row in await db.fetch_all(f"SELECT * FROM {table}"):
            if any(_names_the_person(value, user_id, fragments) for value in tuple(row)):
                found.append(f"{table}: {tuple(row)}")
    return found
