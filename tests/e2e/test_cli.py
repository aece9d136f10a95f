"""Settings and the operators' subcommands, run as an operator would run them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from bot.directory.models import SAMPLE_CSV
from bot.settings import ConfigError, load_settings
from storage.database import available_migrations
from tests import forks

ROOT = Path(__file__).resolve().parents[2]


def run_bot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "TELEGRAM_"))}
    environment.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{cwd / 'cli.db'}", LOG_LEVEL="WARNING")
    environment.update(env)
    return forks.run(list(args), cwd, environment)


def test_settings_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "TIMEZONE", "DEFAULT_LOCALE", "TELEGRAM_API_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.database_path == Path("data/otbasy.db")
    assert settings.default_locale == "kk" and settings.timezone == "Asia/Almaty"
    assert load_settings(admin_ids="1, 2,3").admin_ids == (1, 2, 3)


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"admin_ids": "12,abc"}, "ADMIN_IDS"),
        ({"default_locale": "en"}, "DEFAULT_LOCALE"),
        ({"timezone": "Mars/Olympus"}, "TIMEZONE"),
        ({"database_url": "mysql://x"}, "DATABASE_URL"),
        ({"telegram_api_url": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"log_level": "LOUD"}, "LOG_LEVEL"),
    ],
)
def test_invalid_settings_name_the_setting(overrides: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(**overrides)
    message = str(raised.value)
    assert message.startswith(f"Configuration error: {named}:") and "\n" not in message


def test_missing_token_stops_with_one_line(tmp_path: Path) -> None:
    result = run_bot("centers", "links", cwd=tmp_path)  # without a token, running starts the playground instead
    assert result.returncode == 2
    assert result.stderr.strip() == "Configuration error: BOT_TOKEN: not set (put it in the environment or .env)"


def test_invalid_setting_from_the_environment(tmp_path: Path) -> None:
    result = run_bot("migrate", cwd=tmp_path, TIMEZONE="Nowhere/Land")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Configuration error: TIMEZONE: unknown time zone 'Nowhere/Land' (an IANA name such as Asia/Almaty)"
    ]


def test_help_lists_the_subcommands(tmp_path: Path) -> None:
    result = run_bot("--help", cwd=tmp_path)
    assert result.returncode == 0
    for name in ("run", "migrate", "centers"):
        assert name in result.stdout
    assert "import" in run_bot("centers", "--help", cwd=tmp_path).stdout


def test_migrate_then_import_export_and_links(tmp_path: Path) -> None:
    first = run_bot("migrate", cwd=tmp_path)
    versions = [version for version, _ in available_migrations()]
    assert first.returncode == 0 and f"applied {len(versions)} migration(s): {versions}" in first.stdout
    assert "the database is current" in run_bot("migrate", cwd=tmp_path).stdout

    dry = run_bot("centers", "import", str(SAMPLE_CSV), "--dry-run", cwd=tmp_path)
    assert dry.stdout.strip() == "dry run: 28 valid rows; would add 28 and update 0"
    imported = run_bot("centers", "import", str(SAMPLE_CSV), cwd=tmp_path)
    assert imported.stdout.strip() == "imported 28 centers: 28 added, 0 updated"
    again = run_bot("centers", "import", str(SAMPLE_CSV), cwd=tmp_path)
    assert again.stdout.strip() == "imported 28 centers: 0 added, 28 updated"

    exported = tmp_path / "out.csv"
    assert run_bot("centers", "export", str(exported), cwd=tmp_path).returncode == 0
    assert exported.read_text(encoding="utf-8").count("\n") == 29
    # What is exported (phones as +7 numbers, cells a spreadsheet would run neutralised) imports again unchanged.
    back = run_bot("centers", "import", str(exported), cwd=tmp_path)
    assert back.stdout.strip() == "imported 28 centers: 0 added, 28 updated", back.stderr

    links = run_bot("centers", "links", "--username", "@otbasy_bot", cwd=tmp_path).stdout.splitlines()
    assert len(links) == 28
    assert "almreg-talgar\thttps://t.me/otbasy_bot?start=c_almreg-talgar" in links


def test_import_with_errors_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    lines = SAMPLE_CSV.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",almaty,", ",nowhere,", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_bot("centers", "import", str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{bad}: line 4:" in result.stderr and "nothing imported: 1 error(s)" in result.stderr
    exported = run_bot("centers", "export", cwd=tmp_path)
    assert exported.stdout.count("\n") == 1  # the header only: not one row went in


async def test_links_ask_the_bot_api_for_the_username(tmp_path: Path) -> None:

    from bot.localapi.server import LocalBotApi

    assert run_bot("centers", "sample", cwd=tmp_path).returncode == 0
    api = LocalBotApi(username="otbasy_demo_bot")
    await api.start()
    try:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "TELEGRAM_"))}
        env.update(
            PYTHONPATH=str(ROOT),
            DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
            BOT_TOKEN=api.token,
            TELEGRAM_API_URL=api.base_url,
        )
        result = await forks.run_async(["centers", "links"], tmp_path, env)
    finally:
        await api.stop()
    assert result.returncode == 0, result.stderr
    assert "astana-zhanuya\thttps://t.me/otbasy_demo_bot?start=c_astana-zhanuya" in result.stdout.splitlines()


def test_groups_import_all_or_nothing(tmp_path: Path) -> None:
    assert run_bot("centers", "sample", cwd=tmp_path).returncode == 0
    header = "id,topic,center,online,language,seats,sessions\n"
    good = "winter-teens,teenagers,astana-zhanuya,0,ru,10,2030-01-05 11:00;2030-01-12 11:00\n"
    bad = "Bad,nope,astana-zhanuya,0,en,0,2020-01-01 10:00\n"
    broken = tmp_path / "broken.csv"
    broken.write_text(header + good + bad, encoding="utf-8")
    result = run_bot("groups", "import", str(broken), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{broken}: line 3: topic: unknown 'nope'" in result.stderr and "nothing added: 5 error(s)" in result.stderr
    assert "winter-teens" not in run_bot("groups", "list", cwd=tmp_path).stdout

    fine = tmp_path / "fine.csv"
    fine.write_text(header + good, encoding="utf-8")
    assert (
        run_bot("groups", "import", str(fine), "--dry-run", cwd=tmp_path).stdout.strip() == "dry run: 1 valid group(s)"
    )
    assert run_bot("groups", "import", str(fine), cwd=tmp_path).stdout.strip() == "added 1 group(s)"
    listed = run_bot("groups", "list", cwd=tmp_path).stdout
    assert "winter-teens\tteenagers\tastana-zhanuya\t2030-01-05 11:00\t0/10" in listed
    again = run_bot("groups", "import", str(fine), cwd=tmp_path)
    assert again.returncode == 1 and "id 'winter-teens' exists already" in again.stderr


async def _an_installation_in_use(path: Path) -> None:
    """An SQLite installation with the directory, course groups, requests with messages, sign-ups, a block."""
    from bot.core.i18n import create_i18n
    from bot.courses.desk import CourseDesk
    from bot.requests.desk import Helpdesk
    from bot.requests.models import NewRequest
    from storage.database import open_migrated
    from tests.conftest import seed

    db = await open_migrated(path)
    try:
        await seed(db)
        desk = Helpdesk(db, create_i18n("kk"), admin_ids=(42,))
        courses = CourseDesk(desk, load_settings(_env_file=None).zone)
        centers = await desk.centers.all()
        for n in range(30):
            new = NewRequest(7000 + n, centers[n % 5].id, "other", n % 4 == 0, "anonymous", None, None, "ru", f"№{n}")
            await desk.submit(new)
        group, _ = (await courses.upcoming_groups(None))[0]
        for n in range(4):
            await courses.sign_up(group.id, 8000 + n, f"Ата-ана {n}", f"+7 701 000 00 0{n}")
    finally:
        await db.close()


async def test_db_copy_moves_an_installation_to_postgresql_without_losing_a_row(
    tmp_path: Path, postgres_url: str
) -> None:
    from storage.database import Database

    source = tmp_path / "cli.db"
    await _an_installation_in_use(source)
    migrated = run_bot("migrate", cwd=tmp_path, DATABASE_URL=postgres_url)  # `migrate` works on PostgreSQL too
    assert migrated.returncode == 0, migrated.stderr
    assert "the database is current" in migrated.stdout  # postgres_url comes migrated already

    copied = run_bot("db", "copy", "--from", f"sqlite:///{source}", "--to", postgres_url, cwd=tmp_path)
    assert copied.returncode == 0, copied.stderr
    assert "every count matches" in copied.stdout
    assert "help_requests" in copied.stdout and "DIFFERENT" not in copied.stdout

    old, new = await Database.open(source), await Database.open(postgres_url)
    try:
        for table, order in (("help_requests", "id"), ("request_messages", "id"), ("signups", "id"),
                             ("centers", "id"), ("app_secrets", "name"), ("outbox", "id")):  # fmt: skip
            before = [tuple(row) for row in await old.fetch_all(f"SELECT * FROM {table} ORDER BY {order}")]
            after = [tuple(row) for row in await new.fetch_all(f"SELECT * FROM {table} ORDER BY {order}")]
            assert before == after, table
        # The ids go on where the copy ended.
        written = await new.execute(
            "INSERT INTO saved_replies (center_id, locale, title, text) VALUES (1, 'ru', 't', 'x') RETURNING id"
        )
        assert written.rows[0][0] == 1
        written = await new.execute(
            "INSERT INTO audit_log (actor_id, action, created_at) VALUES (1, 'copied', 'now') RETURNING id"
        )
        assert written.rows[0][0] == 1 + int(await old.fetch_value("SELECT coalesce(max(id), 0) FROM audit_log"))
    finally:
        await old.close()
        await new.close()

    again = run_bot("db", "copy", "--from", f"sqlite:///{source}", "--to", postgres_url, cwd=tmp_path)
    assert again.returncode == 1 and "nothing copied" in again.stderr  # never into a database in use
