"""FeedbackStore on SQLite and on the real PostgreSQL (127.0.0.1:5432, temporary database)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.config import main as alembic_main
from sqlalchemy import create_engine, inspect, text

from bot.feedback import FeedbackFilter, FeedbackStore, ValidationError, migrate, schema
from bot.feedback.db import retry_while_locked
from bot.privacy import sender_key

PG_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    name = f"fb_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/nested/dir/feedback.db"  # parent dirs are created
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture()
def store(db_url: str) -> Iterator[FeedbackStore]:
    s = FeedbackStore(db_url)
    s.bcrypt_rounds = 4  # fast hashing in tests
    yield s
    s.close()


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def test_response_is_stored_with_masked_comment(store: FeedbackStore) -> None:
    rid = store.add_response(
        channel="zalo",
        flow="online_guide",
        overall=2,
        aspects={"access": 3, "staff": 1},
        procedure_id="dang_ky_khai_sinh",
        commune="Xã Sóc Sơn",
        comment="Gọi tôi 0912 345 678, CCCD 001088012345, hồ sơ 000.00.01.H26-250708-0003",
        sender_id="zalo-user-1",
    )
    row = store.get_response(rid)
    assert row is not None
    assert (
        row["comment"] == "Gọi tôi 09******78, CCCD 0010******45, hồ sơ 000.00.01.H26-250708-0003"
    )
    assert (row["overall"], row["access"], row["staff"], row["result"]) == (2, 3, 1, None)
    assert row["status"] == "new" and row["created_at"].tzinfo is not None
    assert row["sender_key"] == sender_key("zalo", "zalo-user-1")
    assert "zalo-user-1" not in str(row)


def test_personal_details_are_kept_only_with_consent(store: FeedbackStore) -> None:
    without = store.add_response(
        channel="zalo",
        flow="status",
        overall=1,
        phone="0912345678",
        age_band="70_plus",
        home_commune="Xã Ba Vì",
        consent_contact=True,
    )
    with_consent = store.add_response(
        channel="zalo",
        flow="status",
        overall=1,
        phone="+84 912 345 678",
        age_band="70_plus",
        home_commune="Xã Ba Vì",
        consent_personal_data=True,
        consent_contact=True,
    )
    a, b = store.get_response(without), store.get_response(with_consent)
    assert a is not None and b is not None
    assert (a["phone"], a["age_band"], a["home_commune"], a["consent_contact"]) == (
        None,
        None,
        None,
        False,
    )
    assert (b["phone"], b["age_band"], b["home_commune"], b["consent_contact"]) == (
        "0912345678",
        "70_plus",
        "Xã Ba Vì",
        True,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"overall": 0}, "between 1 and 5"),
        ({"overall": 6}, "between 1 and 5"),
        ({"overall": None}, "required"),
        ({"overall": 4.5}, "integer"),
        ({"overall": "bốn"}, "integer"),
        ({"overall": True}, "integer"),
        ({"aspects": {"staff": 9}}, "staff rating"),
        ({"aspects": {"district": 3}}, "unknown aspects"),
        ({"channel": "carrier-pigeon"}, "unknown channel"),
        ({"flow": "chitchat"}, "unknown flow"),
        ({"consent_personal_data": True, "phone": "12345"}, "phone"),
        ({"consent_personal_data": True, "age_band": "ancient"}, "age_band"),
        ({"created_at": datetime(2026, 1, 1)}, "timezone-aware"),
        ({"comment": 12345}, "comment must be text"),
        ({"sender_key": "short"}, "sender_key"),
    ],
)
def test_invalid_input_gives_clear_errors(
    store: FeedbackStore, kwargs: dict[str, object], message: str
) -> None:
    base: dict[str, object] = {"channel": "zalo", "flow": "status", "overall": 4}
    base.update(kwargs)
    with pytest.raises(ValidationError, match=message):
        store.add_response(**base)  # type: ignore[arg-type]
    assert store.rating_rows() == []  # nothing half-written


def test_rating_given_as_digit_text_and_channel_alias(store: FeedbackStore) -> None:
    rid = store.add_response(channel="socketio", flow="on_demand", overall="5")  # type: ignore[arg-type]
    row = store.get_response(rid)
    assert row is not None and (row["channel"], row["overall"]) == ("webchat", 5)


def test_huge_and_hostile_comment(store: FeedbackStore) -> None:
    limit = schema.MAX_COMMENT_CHARS
    body = "Bác gọi 0912345678 giúp. " * 5000 + "\x00\u202e🙏"
    rid = store.add_response(channel="webchat", flow="on_demand", overall=3, comment=body)
    row = store.get_response(rid)
    assert row is not None
    stored = row["comment"]
    assert len(stored) == limit and stored.endswith("…")
    assert "0912345678" not in stored and "\x00" not in stored and "\u202e" not in stored
    assert stored.startswith("Bác gọi 09******78 giúp.")
    # a comment of only control characters is no comment
    rid2 = store.add_response(channel="webchat", flow="on_demand", overall=3, comment="\x00 \x07")
    assert store.get_response(rid2)["comment"] is None  # type: ignore[index]


def test_update_response_step_by_step(store: FeedbackStore) -> None:
    # The survey stores the overall rating first, then adds each answer as it comes.
    rid = store.add_response(channel="zalo", flow="status", overall=2, sender_id="u-9")
    assert store.update_response(rid, aspects={"access": 4}) is True
    assert store.update_response(rid, aspects={"staff": 1, "result": None}) is True
    assert store.update_response(rid, comment="Gọi tôi 0912345678 nhé") is True
    # personal details before consent are not kept
    assert store.update_response(rid, phone="0987654321", consent_contact=True) is True
    row = store.get_response(rid)
    assert row is not None
    assert (row["access"], row["staff"], row["result"]) == (4, 1, None)
    assert row["comment"] == "Gọi tôi 09******78 nhé"
    assert (row["phone"], row["consent_contact"]) == (None, False)
    # with consent they are
    store.update_response(
        rid,
        consent_personal_data=True,
        consent_contact=True,
        phone="+84 987 654 321",
        home_commune="Xã Ba Vì",
    )
    store.update_response(rid, consent_personal_data=True, age_band="60_69")
    row = store.get_response(rid)
    assert row is not None
    assert (row["phone"], row["home_commune"], row["age_band"], row["consent_contact"]) == (
        "0987654321",
        "Xã Ba Vì",
        "60_69",
        True,
    )
    assert row["access"] == 4  # earlier answers untouched
    # withdrawing consent erases them
    store.update_response(rid, consent_personal_data=False)
    row = store.get_response(rid)
    assert row is not None
    assert (row["phone"], row["home_commune"], row["age_band"], row["consent_contact"]) == (
        None,
        None,
        None,
        False,
    )
    assert store.update_response(999_999, comment="x") is False
    for bad in (
        {"aspects": {"staff": 0}},
        {"aspects": {"mood": 3}},
        {"phone": "123"},
        {"age_band": "old"},
        {"comment": 5},
    ):
        with pytest.raises(ValidationError):
            store.update_response(rid, **bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        store.update_response(0, comment="x")


def test_concurrent_updates_of_one_response(store: FeedbackStore) -> None:
    rid = store.add_response(channel="zalo", flow="status", overall=4)
    barrier = threading.Barrier(len(schema.ASPECTS))
    errors: list[BaseException] = []

    def answer(aspect: str, value: int) -> None:
        try:
            barrier.wait()
            for _ in range(10):
                store.update_response(rid, aspects={aspect: value})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [
        threading.Thread(target=answer, args=(a, i + 1)) for i, a in enumerate(schema.ASPECTS)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    row = store.get_response(rid)
    assert row is not None
    assert [row[a] for a in schema.ASPECTS] == [1, 2, 3, 4, 5]


def test_followups_filters_and_mark_handled(store: FeedbackStore) -> None:
    low = store.add_response(
        channel="zalo", flow="status", overall=1, commune="Xã Ba Vì", created_at=utc(2026, 3, 1, 2)
    )
    commented = store.add_response(
        channel="webchat", flow="status", overall=5, comment="Cảm ơn", created_at=utc(2026, 3, 2, 2)
    )
    store.add_response(channel="zalo", flow="status", overall=3)  # neither low nor commented
    rows, total = store.list_followups()
    assert total == 2 and [r["id"] for r in rows] == [commented, low]  # newest first
    rows, total = store.list_followups(FeedbackFilter(channel="zalo"))
    assert [r["id"] for r in rows] == [low]
    assert store.mark_handled("response", low, "chi.nguyen", "Đã gọi 0987654321 lúc 9h") is True
    with pytest.raises(ValidationError):
        store.mark_handled("district", low, "chi.nguyen")
    assert store.mark_response_handled(999_999, "chi.nguyen", None) is False
    handled, _ = store.list_followups(FeedbackFilter(status="handled"))
    assert [r["id"] for r in handled] == [low]
    assert handled[0]["handled_by"] == "chi.nguyen"
    assert handled[0]["staff_note"] == "Đã gọi 09******21 lúc 9h"
    assert handled[0]["handled_at"] is not None
    new, total_new = store.list_followups(FeedbackFilter(status="new"))
    assert total_new == 1 and new[0]["id"] == commented
    with pytest.raises(ValidationError):
        store.list_followups(limit=0)


def test_date_filter_uses_hanoi_calendar_days(store: FeedbackStore) -> None:
    # 2026-03-31 17:30 UTC is 00:30 on 1 April in Hanoi
    april = store.add_response(
        channel="zalo", flow="status", overall=5, created_at=utc(2026, 3, 31, 17, 30)
    )
    march = store.add_response(
        channel="zalo", flow="status", overall=5, created_at=utc(2026, 3, 31, 16, 30)
    )
    only_april = FeedbackFilter(date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))
    only_march = FeedbackFilter(date_to=date(2026, 3, 31))
    assert len(store.rating_rows(only_april)) == 1
    assert len(store.rating_rows(only_march)) == 1
    assert {r["id"] for r in store.list_responses(only_april)} == {april}
    assert {r["id"] for r in store.list_responses(only_march)} == {march}
    with pytest.raises(ValidationError):
        FeedbackFilter(date_from=date(2026, 5, 1), date_to=date(2026, 4, 1))


def test_delete_by_sender_erases_personal_data_keeps_anonymous_ratings(
    store: FeedbackStore,
) -> None:
    mine = store.add_response(
        channel="zalo",
        flow="handoff",
        overall=1,
        comment="Tôi tên Bình, nhà ở xóm 3",
        consent_personal_data=True,
        phone="0912345678",
        age_band="70_plus",
        sender_id="u-1",
    )
    store.mark_response_handled(mine, "chi.nguyen", "Đã gọi bác Bình")
    other = store.add_response(
        channel="zalo", flow="handoff", overall=2, comment="Của người khác", sender_id="u-2"
    )
    store.add_callback(
        channel="zalo",
        topic="Hỏi sổ đỏ",
        name="Bình",
        phone="0912345678",
        consent_contact=True,
        sender_id="u-1",
    )
    store.add_callback(channel="zalo", topic="Hỏi khai sinh", sender_id="u-2")
    same_id_other_channel = store.add_response(
        channel="webchat", flow="status", overall=5, comment="web", sender_id="u-1"
    )

    changed = store.delete_by_sender(sender_key("zalo", "u-1"))
    assert changed == 2  # one response erased, one callback deleted
    erased = store.get_response(mine)
    assert erased is not None
    assert erased["overall"] == 1  # the anonymous rating still counts
    for field in ("comment", "phone", "age_band", "home_commune", "staff_note", "sender_key"):
        assert erased[field] is None
    assert store.get_response(other)["comment"] == "Của người khác"  # type: ignore[index]
    assert store.get_response(same_id_other_channel)["comment"] == "web"  # type: ignore[index]
    callbacks, total = store.list_callbacks()
    assert total == 1 and callbacks[0]["topic"] == "Hỏi khai sinh"
    assert store.delete_by_sender(sender_key("zalo", "u-1")) == 0
    assert store.delete_by_sender("") == 0
    assert store.delete_by_sender_id("socketio", "u-1") == 1  # the web chat answer


def test_callback_contact_needs_consent_and_topic_is_masked(store: FeedbackStore) -> None:
    no = store.add_callback(
        channel="zalo", topic="Gọi 0912345678", name="Trần Thị Lan", phone="0912345678"
    )
    yes = store.add_callback(
        channel="zalo",
        topic="Hỏi trợ cấp, CCCD 001045012345",
        name="Trần Thị Lan",
        phone="+84912345678",
        consent_contact=True,
        commune="Xã Trung Giã",
    )
    rows = {r["id"]: r for r in store.list_callbacks()[0]}
    assert (rows[no]["name"], rows[no]["phone"], rows[no]["topic"]) == (
        None,
        None,
        "Gọi 09******78",
    )
    assert (rows[yes]["name"], rows[yes]["phone"]) == ("Trần Thị Lan", "0912345678")
    assert rows[yes]["topic"] == "Hỏi trợ cấp, CCCD 0010******45"
    assert store.mark_callback_handled(yes, "chi.nguyen", "Đã gọi") is True
    with pytest.raises(ValidationError):
        store.add_callback(channel="zalo", phone="123", consent_contact=True)
    with pytest.raises(ValidationError):
        store.mark_callback_handled(yes, "", None)


def test_staff_accounts(store: FeedbackStore) -> None:
    account = store.create_user(
        "Chi.Nguyen", "mat-khau-dai-2026", role="manager", can_see_personal_data=True
    )
    assert (account.username, account.role, account.can_see_personal_data) == (
        "chi.nguyen",
        "manager",
        True,
    )
    with pytest.raises(ValidationError, match="exists"):
        store.create_user("chi.nguyen", "mat-khau-khac-2026")
    for bad in [
        ("", "mat-khau-dai-2026"),
        ("a b", "mat-khau-dai-2026"),
        ("ok", "short"),
        ("ok", "x" * 73),
        ("tên", "mat-khau-dai-2026"),
    ]:
        with pytest.raises(ValidationError):
            store.create_user(*bad)
    with pytest.raises(ValidationError):
        store.create_user("ok", "mat-khau-dai-2026", role="admin")
    assert store.authenticate("CHI.NGUYEN", "mat-khau-dai-2026") == account
    assert store.authenticate("chi.nguyen", "sai-mat-khau") is None
    assert store.authenticate("khong.co", "mat-khau-dai-2026") is None
    assert store.authenticate("chi.nguyen", "") is None
    assert store.set_active("chi.nguyen", False) is True
    assert store.authenticate("chi.nguyen", "mat-khau-dai-2026") is None
    reset = store.create_user("chi.nguyen", "mat-khau-moi-2026", role="viewer", replace=True)
    assert reset.active and reset.role == "viewer"
    assert store.authenticate("chi.nguyen", "mat-khau-moi-2026") is not None
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM staff_user")).scalar_one()
    assert stored.startswith("$2") and "mat-khau" not in stored


def test_concurrent_submissions_lose_nothing(db_url: str) -> None:
    # Two stores (as the action server and the web app would have), eight threads each
    # writing 25 answers and 5 callback requests, all released at the same moment.
    stores = [FeedbackStore(db_url), FeedbackStore(db_url, run_migrations=False)]
    threads_n, per_thread = 8, 25
    barrier = threading.Barrier(threads_n)
    ids: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        s = stores[t % 2]
        try:
            barrier.wait()
            mine = []
            for i in range(per_thread):
                mine.append(
                    s.add_response(
                        channel="zalo",
                        flow="status",
                        overall=1 + (i % 5),
                        comment=f"luồng {t} phiếu {i}",
                        sender_id=f"t{t}",
                    )
                )
                if i % 5 == 0:
                    s.add_callback(channel="webchat", topic=f"luồng {t}", sender_id=f"t{t}")
            with lock:
                ids.extend(mine)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    try:
        assert errors == []
        if db_url.startswith("sqlite"):
            with stores[0].engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert len(ids) == len(set(ids)) == threads_n * per_thread
        assert len(stores[0].rating_rows()) == threads_n * per_thread
        assert len(stores[1].all_callbacks()) == threads_n * 5
        comments = {r["comment"] for r in stores[0].list_responses()}
        assert comments == {
            f"luồng {t} phiếu {i}" for t in range(threads_n) for i in range(per_thread)
        }
    finally:
        for s in stores:
            s.close()


def test_concurrent_start_ups_migrate_once(db_url: str) -> None:
    # Four processes (action server, web app, ...) starting at once on a fresh database.
    code = "import sys; from bot.feedback.db import migrate; migrate(sys.argv[1])"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, db_url], env=env, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    results = [(p.wait(timeout=240), p.stderr.read().decode() if p.stderr else "") for p in procs]
    for p in procs:
        if p.stderr:
            p.stderr.close()
    assert [rc for rc, _ in results] == [0, 0, 0, 0], results
    assert not any("raced" in err for _, err in results)  # the lock, not the retry, did it
    # and threads of one process, too
    threads = [threading.Thread(target=migrate, args=(db_url,)) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    engine = create_engine(db_url, future=True)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    finally:
        engine.dispose()
    assert {"feedback_response", "feedback_callback", "staff_user"} <= tables
    assert versions == [("0001_initial",)]


def _hold_exclusive_lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE IF NOT EXISTS t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO t VALUES (1)")
    return holder


def test_locked_database_is_retried_until_free(tmp_path: Path) -> None:
    # A connection without a busy handler fails at once while another holds the lock, as
    # SQLite does in a few WAL transitions whatever the busy timeout: the retry waits it out.
    holder = _hold_exclusive_lock(tmp_path / "x.db")
    conn = sqlite3.connect(tmp_path / "x.db", timeout=0, check_same_thread=False)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        conn.execute("PRAGMA journal_mode=WAL")
    releaser = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    releaser.start()
    started = time.monotonic()
    mode = retry_while_locked(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone())
    releaser.join()
    assert mode == ("wal",)
    assert time.monotonic() - started >= 0.25
    conn.close()
    holder.close()


def test_lock_retry_gives_up_and_passes_other_errors_through(tmp_path: Path) -> None:
    holder = _hold_exclusive_lock(tmp_path / "x.db")
    conn = sqlite3.connect(tmp_path / "x.db", timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        retry_while_locked(lambda: conn.execute("PRAGMA journal_mode=WAL"), seconds=0.3)
    holder.execute("COMMIT")
    holder.close()
    calls = []

    def broken() -> None:
        calls.append(1)
        conn.execute("SELECT * FROM no_such_table")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        retry_while_locked(broken)
    assert calls == [1]
    conn.close()


def test_database_constraints_back_up_validation(store: FeedbackStore) -> None:
    with pytest.raises(Exception), store.engine.begin() as conn:  # noqa: B017
        conn.execute(
            text(
                "INSERT INTO feedback_response (created_at, channel, flow, overall, status, "
                "consent_personal_data, consent_contact) "
                "VALUES (CURRENT_TIMESTAMP, 'zalo', 'status', 9, 'new', false, false)"
            )
        )


def test_alembic_ini_upgrade_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/by-alembic.db"
    monkeypatch.setenv("FEEDBACK_DB_URL", url)
    monkeypatch.chdir(tmp_path)  # alembic.ini must not depend on the working directory
    alembic_main(["-c", str(REPO / "alembic.ini"), "-x", "unused=1", "upgrade", "head"])
    engine = create_engine(url, future=True)
    try:
        assert "feedback_response" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    alembic_main(["-c", str(REPO / "alembic.ini"), "downgrade", "base"])
    engine = create_engine(url, future=True)
    try:
        assert "feedback_response" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_default_url_creates_var_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FEEDBACK_DB_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    s = FeedbackStore()
    try:
        assert s.url == "sqlite:///var/feedback.db"
        s.add_response(
            channel="zalo",
            flow="status",
            overall=4,
            created_at=datetime.now(timezone.utc) - timedelta(days=1),
        )
    finally:
        s.close()
    assert (tmp_path / "var" / "feedback.db").is_file()
