"""Engine creation and programmatic Alembic migrations for the feedback database."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///var/feedback.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Arbitrary constant: serialises concurrent start-ups migrating the same PostgreSQL database.
_PG_MIGRATION_LOCK = 7_202_511_25
# Alembic keeps its migration context in module globals: one migration per process at a time.
_PROCESS_LOCK = threading.Lock()
# How long a start-up keeps retrying when SQLite answers "database is locked" without waiting.
BUSY_RETRY_SECONDS = 30.0

T = TypeVar("T")


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else env FEEDBACK_DB_URL, else sqlite:///var/feedback.db."""
    return url or os.environ.get("FEEDBACK_DB_URL") or DEFAULT_URL


def _prepare_sqlite_path(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL mode and a busy timeout so writers wait, not fail."""
    url = database_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        _prepare_sqlite_path(url)
        connect_args = {"check_same_thread": False, "timeout": 30}
        engine = create_engine(url, connect_args=connect_args, future=True, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # Switching to WAL (or opening while the last connection of another process is
            # cleaning the WAL up) can fail at once, busy timeout or not: retry it.
            retry_while_locked(lambda: cursor.execute("PRAGMA journal_mode=WAL"))
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, future=True, **kwargs)


def is_locked_error(exc: BaseException) -> bool:
    """Whether an error is SQLite's "database is locked" (SQLITE_BUSY: worth retrying)."""
    return "database is locked" in str(exc).lower()


def retry_while_locked(action: Callable[[], T], seconds: float | None = None) -> T:
    """Run ``action``; while it fails with SQLite's "database is locked", back off and retry.

    SQLite's busy timeout covers most lock waits, but not all: a few WAL transitions report
    SQLITE_BUSY without calling the busy handler. Other errors, and the last failure after
    ``seconds`` (default BUSY_RETRY_SECONDS), are raised.
    """
    deadline = time.monotonic() + (BUSY_RETRY_SECONDS if seconds is None else seconds)
    delay = 0.05
    while True:
        try:
            return action()
        except (sqlite3.OperationalError, OperationalError) as exc:
            if not is_locked_error(exc) or time.monotonic() + delay > deadline:
                raise
            log.info("feedback database busy; retrying in %.2f s", delay)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at our migrations (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        # ConfigParser interpolation: a literal "%" in a password must be doubled.
        cfg.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return cfg


def migrate(url: str | None = None) -> None:
    """Upgrade the database at `url` to the latest schema (idempotent, safe at every start-up)."""
    engine = make_engine(url)
    try:
        with _PROCESS_LOCK:
            retry_while_locked(lambda: _upgrade_with_retry(engine))
    finally:
        engine.dispose()


def _upgrade_with_retry(engine: Engine) -> None:
    for attempt in range(3):
        try:
            _upgrade(engine)
            return
        except (OperationalError, ProgrammingError) as exc:
            if is_locked_error(exc):
                raise  # waiting, not a race: retry_while_locked backs off
            # Another process created the tables between our check and our CREATE (SQLite has
            # no advisory lock): the next attempt sees its alembic_version and does nothing.
            if attempt == 2:
                raise
            log.warning("feedback migration raced with another process; retrying")


def _upgrade(engine: Engine) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        elif engine.dialect.name == "sqlite":
            # Take the write lock first: other processes wait (busy timeout), and all the DDL
            # runs in this one transaction instead of pysqlite's statement-by-statement commits.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
