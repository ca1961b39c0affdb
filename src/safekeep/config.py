"""Configuration read from the environment, with safe defaults.

Everything the deployment can change is here, so that settings.py stays declarative and
an operator can find every knob in one place (docs/configuration.md lists them).
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any


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
    """The directory holding the SQLite database, keys kept outside the database, and files.

    Only its owner may enter it (0700): it holds everything a thief would want. An existing
    directory is tightened at every start.
    """
    path = Path(os.environ.get("SAFEKEEP_DATA_DIR", "./var")).resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _owner_only(path, 0o700)
    return path


def private_sqlite_database(path: Path) -> None:
    """Create the SQLite file owner-only (0600) before SQLite opens it, and tighten an
    existing one and its journals; SQLite gives the -wal and -shm files it creates the
    database file's mode."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))):
        if name.exists():
            _owner_only(name, 0o600)


def _owner_only(path: Path, mode: int) -> None:
    if stat.S_IMODE(path.stat().st_mode) == mode:
        return
    try:
        path.chmod(mode)
    except OSError as exc:
        raise ConfigurationError(
            f"{path} must be readable by its owner only (mode {mode:o}), and it could not be "
            f"changed: {exc.strerror}. Run Safekeep as the owner of its data directory."
        ) from exc


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


# scheme://[user[:password]@]hosts/database?options: the hosts part, between them.
_HOST_LIST = re.compile(
    r"^(?P<head>[a-z0-9+]+://(?:[^@/]*@)?)(?P<hosts>[^/?#]*)(?P<tail>.*)$", re.IGNORECASE
)


def database_settings(url: str, *, conn_max_age: int = 0) -> dict[str, Any]:
    """Django's DATABASES entry for a database URL, as dj-database-url reads it, and also
    with several PostgreSQL hosts, as libpq takes them for failover:
    `postgres://app@db1:5432,db2:5432/safekeep?target_session_attrs=read-write` connects to
    whichever of db1 and db2 accepts writes (docs/operations.md, "Failover")."""
    import dj_database_url

    match = _HOST_LIST.match(url)
    if match is None or "," not in match["hosts"]:
        return dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    hosts, ports = [], []
    for part in match["hosts"].split(","):
        host, _, port = part.rpartition(":")
        if not (host and port.isdigit()):
            host, port = part, ""  # no port given (or an IPv6 address without one)
        hosts.append(host)
        ports.append(port)
    one_host = match["head"] + "localhost" + match["tail"]
    parsed = dict(dj_database_url.parse(one_host, conn_max_age=conn_max_age))
    parsed["HOST"] = ",".join(hosts)
    # libpq takes one port for all hosts, or one per host.
    parsed["PORT"] = ",".join(p or "5432" for p in ports) if any(ports) else ""
    return parsed


def replica_database(url: str, *, conn_max_age: int = 0) -> dict[str, dict[str, Any]]:
    """The `replica` DATABASES entry for DATABASE_REPLICA_URL, or none when it is unset.

    PostgreSQL only (a streaming standby: SQLite has none). Its test database is the
    primary's own (a mirror), so tests run with it set need no second database."""
    if not url:
        return {}
    replica = database_settings(url, conn_max_age=conn_max_age)
    if replica["ENGINE"] != "django.db.backends.postgresql":
        raise ValueError(f"DATABASE_REPLICA_URL must be a PostgreSQL URL, not {url.split(':')[0]}:")
    replica["CONN_HEALTH_CHECKS"] = True
    replica["TEST"] = {"MIRROR": "default"}
    return {"replica": replica}
