"""Bot configuration, read once from the environment and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationError, field_validator
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

    @field_validator("telegram_api_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _check_database(cls, value: str) -> str:
        if not value.startswith("sqlite:///"):
            raise ValueError("only sqlite:///PATH is supported, e.g. sqlite:///data/otbasy.db")
        if len(value) == len("sqlite:///"):
            raise ValueError("the path after sqlite:/// is empty")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        load_zone(value)
        return value

    @property
    def database_path(self) -> Path:
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
