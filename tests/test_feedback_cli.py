"""Console commands (bot.cli) and the demo data/account helpers."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.cli import main
from bot.feedback import FeedbackStore, ensure_demo_account, seed_demo
from bot.metrics import slice_rows, summarize


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/cli.db"


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_create_user_from_stdin(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--db-url",
        db_url,
        "create-user",
        "Lan.Tran",
        "--role",
        "manager",
        "--can-see-personal-data",
        "--password-stdin",
    ]
    assert run(monkeypatch, argv, "mat-khau-rat-dai-1\n") == 0
    assert "may see personal data" in capsys.readouterr().out
    store = FeedbackStore(db_url, run_migrations=False)
    try:
        account = store.authenticate("lan.tran", "mat-khau-rat-dai-1")
        assert account is not None and account.is_manager and account.can_see_personal_data
    finally:
        store.close()
    # the same name again is refused unless --reset
    assert run(monkeypatch, argv, "mat-khau-khac-123\n") == 2
    assert "already exists" in capsys.readouterr().err
    assert run(monkeypatch, [*argv, "--reset"], "mat-khau-khac-123\n") == 0


def test_create_user_rejects_short_password_and_prompts_twice(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--db-url", db_url, "create-user", "an", "--password-stdin"]
    assert run(monkeypatch, argv, "ngan\n") == 2
    assert "at least 10" in capsys.readouterr().err
    answers = iter(["mat-khau-rat-dai-1", "mat-khau-KHAC-1"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["--db-url", db_url, "create-user", "an"]) == 2
    assert "differ" in capsys.readouterr().err


def test_deactivate_delete_sender_and_secret(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            monkeypatch,
            ["--db-url", db_url, "create-user", "an", "--password-stdin"],
            "mat-khau-rat-dai-1\n",
        )
        == 0
    )
    assert main(["--db-url", db_url, "deactivate-user", "an"]) == 0
    assert main(["--db-url", db_url, "deactivate-user", "khong-co"]) == 1
    store = FeedbackStore(db_url)
    store.add_callback(channel="zalo", topic="Hỏi", sender_id="zalo-42")
    store.close()
    capsys.readouterr()
    assert (
        main(["--db-url", db_url, "delete-sender", "--channel", "zalo", "--sender-id", "zalo-42"])
        == 0
    )
    assert "1 rows" in capsys.readouterr().out
    assert main(["generate-secret-key"]) == 0
    Fernet(capsys.readouterr().out.strip().encode())  # a valid key


def test_seed_demo_is_realistic_and_masked(tmp_path: Path) -> None:
    store = FeedbackStore(f"sqlite:///{tmp_path}/demo.db")
    try:
        now = datetime(2026, 11, 25, 5, tzinfo=timezone.utc)
        added = seed_demo(store, responses=300, now=now)
        assert added == 312  # 300 answers and 12 callback requests
        rows = store.rating_rows()
        assert len(rows) == 300
        assert len({r.commune for r in rows}) >= 10
        assert {r.channel for r in rows} == {"zalo", "webchat", "rest"}
        assert 11 <= len(slice_rows(rows, "month")) <= 13
        overall = summarize(rows).overall.share
        assert overall is not None and 0.6 < overall < 0.95
        texts = [r["comment"] or "" for r in store.list_responses()]
        texts += [r["topic"] or "" for r in store.all_callbacks()]
        joined = "\n".join(texts)
        assert "0912 345 678" not in joined and "001045012345" not in joined
        assert "hoang.van.nam@" not in joined and "09******78" in joined
        assert "000.00.01.H26-260312-0042" in joined  # the dossier code stays readable
        # deterministic for a seed
        again = FeedbackStore(f"sqlite:///{tmp_path}/demo2.db")
        seed_demo(again, responses=300, now=now)
        assert [r.overall for r in again.rating_rows()] == [r.overall for r in rows]
        again.close()
    finally:
        store.close()


def test_demo_account_only_outside_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FeedbackStore(f"sqlite:///{tmp_path}/demo.db")
    store.bcrypt_rounds = 4
    try:
        monkeypatch.delenv("DEMO_PASSWORD", raising=False)
        user, password = ensure_demo_account(store)
        assert store.authenticate(user, password) is not None
        user2, password2 = ensure_demo_account(store)  # reset with a new random password
        assert password2 != password and store.authenticate(user, password) is None
        monkeypatch.setenv("APP_ENV", "production")
        with pytest.raises(RuntimeError):
            ensure_demo_account(store)
        assert main(["--db-url", f"sqlite:///{tmp_path}/demo.db", "seed-demo"]) == 1
    finally:
        store.close()
