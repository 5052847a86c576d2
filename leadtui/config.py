"""Settings from the environment (pydantic-settings), overridden by command-line options."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from platformdirs import user_data_dir
from pydantic_settings import BaseSettings, SettingsConfigDict

LANGUAGES = ("en", "da", "nl", "nb")


def default_database_path() -> Path:
    return Path(user_data_dir("leadtui", appauthor=False)) / "leadtui.db"


def os_login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (some containers): fall back to the environment
        return os.environ.get("USER") or os.environ.get("USERNAME") or "user"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADTUI_", extra="ignore")

    database_url: str | None = None
    user: str | None = None
    lang: str | None = None

    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalise_database_url(self.database_url)
        return "sqlite+aiosqlite:///" + str(default_database_path())

    def resolved_user(self) -> str:
        return self.user or os_login()


def normalise_database_url(url: str) -> str:
    """Accept a plain file path or the short scheme names and return an async SQLAlchemy URL."""
    if "://" not in url:
        return "sqlite+aiosqlite:///" + str(Path(url).expanduser().absolute())
    scheme, rest = url.split("://", 1)
    if scheme in ("sqlite", "sqlite+pysqlite"):
        scheme = "sqlite+aiosqlite"
    elif scheme in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        scheme = "postgresql+asyncpg"
    return f"{scheme}://{rest}"


def load_settings(*, database_url: str | None = None, user: str | None = None, lang: str | None = None) -> Settings:
    settings = Settings()
    if database_url:
        settings.database_url = database_url
    if user:
        settings.user = user
    if lang:
        settings.lang = lang
    return settings
