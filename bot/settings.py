"""Bot configuration, read once from the environment and an optional .env file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.timezone import load_zone

SUPPORTED_LOCALES = ("kk", "ru")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_file_encoding="utf-8")

    bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite:///data/otbasy.db"
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    default_locale: Literal["kk", "ru"] = "kk"
    timezone: str = "Asia/Almaty"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # A request nobody took for this long is announced again, also to the admins.
    escalate_after_hours: float = Field(default=4, gt=0)
    # Rate limits per person: messages (a burst, then a steady rate) and new help requests a day.
    message_burst: int = Field(default=10, ge=1)
    messages_per_minute: float = Field(default=30, gt=0)
    requests_per_day: int = Field(default=5, ge=1)
    # Resolved requests are anonymised this many days after they were resolved.
    retention_days: int = Field(default=365, ge=1)
    # How often timed work runs: escalations and course reminders.
    jobs_interval_seconds: float = Field(default=30, gt=0)
    # Long polling wait, seconds; tests shorten it so the bot stops quickly.
    polling_timeout: int = Field(default=10, ge=0, le=50)

    # ---- running as a service ----
    # With WEBHOOK_URL, updates arrive as webhook calls (aiohttp, on WEBHOOK_HOST:WEBHOOK_PORT at the URL's path)
    # instead of long polling; Telegram's calls carry WEBHOOK_SECRET, and a call without it is refused.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"  # a service listens on every interface, behind its proxy
    webhook_port: int = Field(default=8081, ge=1, le=65535)
    # With REDIS_URL, dialog state and the per-person rate limit live in Redis, shared by every instance.
    redis_url: str | None = None
    # /healthz, /readyz and /metrics on HEALTH_HOST:HEALTH_PORT; 0 (the default for a run on a laptop) is off.
    health_host: str = "127.0.0.1"
    health_port: int = Field(default=0, ge=0, le=65535)
    # /readyz fails when the oldest due outbox row has waited longer than this.
    outbox_stuck_seconds: float = Field(default=300, gt=0)
    log_format: Literal["text", "json"] = "text"
    # The questions-and-answers articles: a folder of JSON files (default: the ones shipped in bot/faq/articles).
    faq_dir: Path | None = None
    # Telegram's sending limits, which the outbox keeps to before Telegram has to refuse.
    send_per_second: float = Field(default=30, gt=0)
    send_per_chat_second: float = Field(default=1, gt=0)
    send_per_group_minute: float = Field(default=20, gt=0)
    # The coordinators' web console: served on CONSOLE_HOST:CONSOLE_PORT (0, the default, is off) and reached by
    # admins at CONSOLE_URL (its public base address), where the sign-in links from /console point.
    console_url: str | None = None
    console_host: str = "127.0.0.1"
    console_port: int = Field(default=0, ge=0, le=65535)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            for part in parts:
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"'{part}' is not a Telegram user id (comma-separated numbers expected)")
            return tuple(int(part) for part in parts)
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_format(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("telegram_api_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _check_database(cls, value: str) -> str:
        if value.startswith(("postgresql://", "postgres://")):
            return value
        if not value.startswith("sqlite:///"):
            raise ValueError(
                "expected sqlite:///PATH (e.g. sqlite:///data/otbasy.db) or postgresql://USER:PASSWORD@HOST/DB"
            )
        if len(value) == len("sqlite:///"):
            raise ValueError("the path after sqlite:/// is empty")
        return value

    @field_validator("webhook_url", "redis_url", "console_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (Telegram calls only https; http:// is for local tests)")
        return value

    @field_validator("console_url")
    @classmethod
    def _check_console_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?", value):
            raise ValueError("expected the console's public base address, e.g. https://console.example.kz")
        return value.rstrip("/")

    @field_validator("webhook_secret")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule for secret_token)")
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        load_zone(value)
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError("WEBHOOK_URL is set but WEBHOOK_SECRET is not: every webhook call must be checked")
        return self

    @model_validator(mode="after")
    def _console_needs_url(self) -> Settings:
        if self.console_port and self.console_url is None:
            raise ValueError(
                "CONSOLE_PORT is set but CONSOLE_URL is not: the sign-in links need the console's public address"
            )
        return self

    @property
    def database_path(self) -> Path:
        """The SQLite file (only meaningful when DATABASE_URL is sqlite:///...)."""
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def zone(self) -> ZoneInfo:
        return load_zone(self.timezone)


class ConfigError(Exception):
    """A setting is missing or invalid; the message is one line naming it."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise ConfigError(describe_validation_error(error)) from None


def describe_validation_error(error: ValidationError) -> str:
    first = error.errors()[0]
    name = str(first["loc"][0]).upper() if first["loc"] else "settings"
    reason = first["msg"].removeprefix("Value error, ")
    return f"Configuration error: {name}: {reason}"
