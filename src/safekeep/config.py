"""Configuration read from the environment, with safe defaults.

Everything the deployment can change is here, so that settings.py stays declarative and
an operator can find every knob in one place (docs/configuration.md lists them).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigurationError(RuntimeError):
    """Raised at start-up when the environment cannot produce a working configuration."""


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole number from the environment; `minimum` refuses values that make no sense
    (a token that lasts no days, a limit of no devices)."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ConfigurationError(f"{name} must be {minimum} or more, not {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """The directory holding the SQLite database, keys kept outside the database, and files."""
    path = Path(os.environ.get("SAFEKEEP_DATA_DIR", "./var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """The Django secret key: from the environment, or generated once and kept in the data dir.

    The generated key never lives in the repository; it is created with owner-only
    permissions the first time the service starts.
    """
    from_env = os.environ.get("SAFEKEEP_SECRET_KEY")
    if from_env:
        if len(from_env) < 50:
            raise ConfigurationError("SAFEKEEP_SECRET_KEY must be at least 50 characters long")
        return from_env
    key_file = directory / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()
