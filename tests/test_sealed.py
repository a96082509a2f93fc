"""Sealed slot values: round trip, tampering and foreign keys."""

from __future__ import annotations

from bot.sealed import seal, unseal


def test_round_trip_hides_the_value() -> None:
    token = seal("0912345678")
    assert token and "0912345678" not in token
    assert unseal(token) == "0912345678"


def test_tampered_or_foreign_values_do_not_unseal(monkeypatch) -> None:
    token = seal("Nguyễn Văn An")
    assert token is not None
    assert unseal(token[:-4] + "AAAA") is None
    assert unseal("0912345678") is None
    assert unseal(None) is None and seal(None) is None
    monkeypatch.setenv("SLOT_SEAL_SECRET", "another key")
    assert unseal(token) is None


def test_production_refuses_the_development_key(monkeypatch) -> None:
    import pytest

    for name in ("SLOT_SEAL_SECRET", "FEEDBACK_SENDER_KEY_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(RuntimeError, match="SLOT_SEAL_SECRET"):
        seal("0912345678")
