"""Settings and the operators' subcommands, run as an operator would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.directory.models import SAMPLE_CSV
from bot.settings import ConfigError, load_settings
from storage.database import available_migrations

ROOT = Path(__file__).resolve().parents[2]


def run_bot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("BOT_", "TELEGRAM_"))}
    environment.update(PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{cwd / 'cli.db'}", LOG_LEVEL="WARNING")
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


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
        ({"database_url": "postgres://x"}, "DATABASE_URL"),
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
    import asyncio

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
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "centers", "links", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        await api.stop()
    assert process.returncode == 0, stderr.decode()
    assert "astana-zhanuya\thttps://t.me/otbasy_demo_bot?start=c_astana-zhanuya" in stdout.decode().splitlines()


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
