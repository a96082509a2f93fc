"""describe(): short, polite Vietnamese answers for every kind of look-up result."""

import unicodedata
from datetime import date

import pytest

from bot.portal.codes import EXAMPLE_CODE, normalize_code
from bot.portal.demo_server import load_seed
from bot.portal.messages import MAX_MESSAGE_CHARS, describe
from bot.portal.models import Dossier, DossierStatus, ResultKind, StatusResult, parse_dossier

TODAY = date(2026, 11, 25)
DOSSIERS, _ = load_seed()
VIETNAMESE_MARKS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def found(dossier: Dossier) -> StatusResult:
    return StatusResult(ResultKind.FOUND, dossier.code, dossier)


def seeded(status: DossierStatus) -> Dossier:
    # The first seeded dossier with that status (the seed covers every status).
    return next(parse_dossier(d) for d in DOSSIERS.values() if d["status"] == status.value)


def check_style(messages: list[str]) -> None:
    assert messages
    for message in messages:
        assert 0 < len(message) <= MAX_MESSAGE_CHARS
        assert message == unicodedata.normalize("NFC", message)
        assert message.strip() == message
        lowered = message.lower()
        assert "mật khẩu" not in lowered and "otp" not in lowered
    text = " ".join(messages).lower()
    assert VIETNAMESE_MARKS & set(text), "Vietnamese text must carry its diacritics"


@pytest.mark.parametrize("code", sorted(DOSSIERS))
def test_every_seeded_dossier_is_described(code: str) -> None:
    dossier = parse_dossier(DOSSIERS[code])
    messages = describe(found(dossier), today=TODAY, hotline="")
    check_style(messages)
    assert code in messages[0]
    assert dossier.procedure_name in messages[0]
    assert "bác" in " ".join(messages).lower()


def test_received_and_processing_give_the_appointment_date() -> None:
    dossier = parse_dossier(DOSSIERS["000.00.05.H26-261118-0042"])  # processing, due 2026-12-02
    messages = describe(found(dossier), today=TODAY)
    assert "đang được cán bộ giải quyết" in messages[0]
    assert any("Ngày hẹn trả kết quả: 02/12/2026" in m for m in messages)
    assert not any("quá ngày hẹn" in m for m in messages)
    received = seeded(DossierStatus.RECEIVED)
    assert "đã được tiếp nhận" in describe(found(received), today=TODAY)[0]


def test_overdue_dossier_is_flagged_with_the_office_to_ask() -> None:
    dossier = parse_dossier(DOSSIERS["000.00.01.H26-260901-0052"])  # processing, due 2026-10-30
    messages = describe(found(dossier), today=TODAY, hotline="1900 1234")
    check_style(messages)
    overdue = next(m for m in messages if "quá ngày hẹn" in m)
    assert "30/10/2026" in overdue
    assert "1900 1234" in overdue
    assert dossier.agency_name in overdue
    # The same dossier is not overdue the day before its appointment.
    assert not any("quá ngày hẹn" in m for m in describe(found(dossier), today=date(2026, 10, 29)))


def test_need_more_documents_lists_them_and_says_how_to_add_them() -> None:
    dossier = seeded(DossierStatus.NEED_MORE_DOCUMENTS)
    messages = describe(found(dossier), today=TODAY)
    check_style(messages)
    assert messages[0].startswith(f"Hồ sơ {dossier.code}")
    assert "cần bổ sung giấy tờ: " in messages[0]
    for document in dossier.missing_documents:
        assert document in messages[0]
    assert any("Hồ sơ của tôi" in m and "nộp bổ sung" in m for m in messages)
    assert dossier.note is not None
    assert any(dossier.note in m for m in messages)


def test_ready_result_sent_completed_rejected_withdrawn_say_what_next() -> None:
    ready = describe(found(seeded(DossierStatus.READY_FOR_PICKUP)), today=TODAY)
    assert any("giấy hẹn" in m and "nhận kết quả" in m for m in ready)
    sent = describe(found(seeded(DossierStatus.RESULT_SENT)), today=TODAY)
    assert "đã được gửi" in sent[0]
    assert any("bưu điện" in m for m in sent)
    done = describe(found(seeded(DossierStatus.COMPLETED)), today=TODAY)
    assert "đã giải quyết xong" in done[0]
    rejected_dossier = seeded(DossierStatus.REJECTED)
    rejected = describe(found(rejected_dossier), today=TODAY)
    assert "không được giải quyết" in rejected[0]
    assert any(f"Lý do: {rejected_dossier.note}" in m for m in rejected)
    withdrawn = describe(found(seeded(DossierStatus.WITHDRAWN)), today=TODAY)
    assert any("nộp hồ sơ mới" in m for m in withdrawn)
    for messages in (ready, sent, done, rejected, withdrawn):
        check_style(messages)
        assert not any("quá ngày hẹn" in m for m in messages)  # closed dossiers are never overdue


def test_not_found_repeats_the_code_and_says_where_to_check() -> None:
    code = "000.00.01.H26-250708-0999"
    messages = describe(StatusResult(ResultKind.NOT_FOUND, code), today=TODAY)
    check_style(messages)
    assert code in messages[0]
    assert "Không tìm thấy" in messages[0]
    assert any("giấy tiếp nhận" in m for m in messages)


def test_invalid_code_shows_a_valid_example() -> None:
    messages = describe(StatusResult(ResultKind.INVALID_CODE), today=TODAY)
    check_style(messages)
    assert EXAMPLE_CODE in messages[0]
    assert normalize_code(EXAMPLE_CODE) == EXAMPLE_CODE


def test_unavailable_says_try_later_and_offers_the_hotline(monkeypatch: pytest.MonkeyPatch) -> None:
    result = StatusResult(ResultKind.UNAVAILABLE, "000.00.01.H26-250708-0003", reason="timeout")
    monkeypatch.delenv("PORTAL_HOTLINE", raising=False)
    plain = describe(result, today=TODAY)
    check_style(plain)
    assert "thử lại sau" in plain[0]
    assert "000.00.01.H26-250708-0003" in plain[0]
    assert "gọi số" not in " ".join(plain)
    assert any("bộ phận một cửa" in m for m in plain)
    assert any("1900 1234" in m for m in describe(result, today=TODAY, hotline="1900 1234"))
    monkeypatch.setenv("PORTAL_HOTLINE", "024 1234 5678")
    assert any("024 1234 5678" in m for m in describe(result, today=TODAY))
    # Anything that is not a phone number is left out rather than shown to citizens.
    hostile = describe(result, today=TODAY, hotline="<a href=x>bấm vào đây</a>")
    assert not any("href" in m for m in hostile)


def test_long_portal_fields_stay_within_the_limit() -> None:
    dossier = Dossier(
        code="000.00.01.H26-250708-0003",
        procedure_name="Thủ tục rất dài " * 30,
        status=DossierStatus.NEED_MORE_DOCUMENTS,
        received_date=date(2025, 7, 8),
        agency_name="Ủy ban nhân dân xã có tên rất dài " * 15,
        note="Ghi chú dài dòng " * 80,
        missing_documents=tuple(f"Giấy tờ số {i} " * 20 for i in range(20)),
    )
    for status in DossierStatus:
        for appointment in (None, date(2025, 7, 1), date(2026, 12, 1)):
            variant = Dossier(
                **{**dossier.__dict__, "status": status, "appointment_date": appointment}
            )
            messages = describe(found(variant), today=TODAY, hotline="1900 1234")
            check_style(messages)
            assert variant.code in messages[0]


def test_found_without_dossier_falls_back_to_unavailable_text() -> None:
    messages = describe(StatusResult(ResultKind.FOUND, "000.00.01.H26-250708-0003"), today=TODAY)
    check_style(messages)
    assert "thử lại sau" in messages[0]
