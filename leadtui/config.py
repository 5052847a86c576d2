"""Settings from the environment (LEADTUI_DATABASE_URL, LEADTUI_USER, LEADTUI_LANG), overridden by command-line options.

Read with os.environ, the names ignoring case as pydantic-settings did: importing pydantic-settings cost every
command a twentieth of a second before its first SQL (issue 17)."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

LANGUAGES = ("en", "da", "nl", "nb")


def default_database_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("leadtui", appauthor=False)) / "leadtui.db"


def os_login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (some containers): fall back to the environment
        return os.environ.get("USER") or os.environ.get("USERNAME") or "user"


ENV_PREFIX = "LEADTUI_"


def _from_environment(name: str) -> str | None:
    """LEADTUI_<NAME> from the environment, the variable's name in any case (as pydantic-settings read it)."""
    wanted = (ENV_PREFIX + name).lower()
    found = None
    for key, value in os.environ.items():
        if key.lower() == wanted:
            found = value
            if key == wanted.upper():  # the usual spelling wins over another case
                break
    return found


@dataclass
class Settings:
    database_url: str | None = field(default_factory=lambda: _from_environment("database_url"))
    user: str | None = field(default_factory=lambda: _from_environment("user"))
    lang: str | None = field(default_factory=lambda: _from_environment("lang"))

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
