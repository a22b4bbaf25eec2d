"""What `--db` names: an SQLite file (a path) or a PostgreSQL database (a URL or a service).

`display` is how a database is named in every log line and error: a PostgreSQL password is
shown as `***`, never as itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

POSTGRES_SCHEMES = ("postgresql", "postgres")
MASK = "***"


class DatabaseUrlError(ValueError):
    """`--db` looks like a PostgreSQL URL but is not a usable one; the text never holds it."""


@dataclass(frozen=True, slots=True)
class SqliteTarget:
    """An SQLite database file (or `:memory:`)."""

    path: str

    @property
    def display(self) -> str:
        return self.path


@dataclass(frozen=True, slots=True)
class PostgresTarget:
    """A PostgreSQL database; what is not given comes from libpq's defaults (PGHOST, PGPASSFILE,
    ~/.pgpass, the service file...). `options` are further libpq keywords (`sslmode`...)."""

    host: str = ""
    port: int | None = None
    dbname: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    options: tuple[tuple[str, str], ...] = ()

    @property
    def display(self) -> str:
        options = dict(self.options)
        if list(options) == ["service"] and not (self.host or self.dbname or self.user):
            return f"service={options['service']}"
        user = self.user + (f":{MASK}" if self.password else "")
        where = self.host + (f":{self.port}" if self.port is not None else "")
        shown = f"postgresql://{user}{'@' if user else ''}{where}/{self.dbname}"
        query = "&".join(
            f"{key}={MASK if key == 'password' else value}" for key, value in self.options
        )
        return shown + (f"?{query}" if query else "")


DbTarget = SqliteTarget | PostgresTarget


def _checked_option(key: str, value: str) -> tuple[str, str]:
    # Qt joins the options with ';' and hands them to libpq as `key=value` words.
    if not key.isidentifier() or any(c in value for c in ";'\\ \t\n"):
        raise DatabaseUrlError(f"--db: the option {key!r} cannot be passed to PostgreSQL")
    return key, value


def parse_db(value: str) -> DbTarget:
    """`--db`'s value: `postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?KEY=VALUE&...]`,
    `service=NAME` (libpq's service file), or else the path of an SQLite file."""
    if value.startswith("service="):
        return PostgresTarget(options=(_checked_option("service", value[len("service=") :]),))
    scheme, colon, _ = value.partition(":")
    if not colon or scheme.lower() not in POSTGRES_SCHEMES:
        return SqliteTarget(value)
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        raise DatabaseUrlError("--db: the PostgreSQL URL's PORT must be a number") from None
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise DatabaseUrlError("--db: a PostgreSQL URL ends in /DBNAME")
    options = tuple(
        _checked_option(key, option)
        for key, option in parse_qsl(parts.query, keep_blank_values=True)
    )
    return PostgresTarget(
        host=unquote(parts.hostname or ""),
        port=port,
        dbname=dbname,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        options=options,
    )
