"""Whole conversations through the running bot (Rasa + action server + demo portal)."""

from __future__ import annotations

import uuid

import pytest

from bot.procedures import default_catalog
from tests.chat import payloads, say, texts

CATALOG = default_catalog()


class Chat:
    def __init__(self, rasa_url: str) -> None:
        self.url = rasa_url
        self.sender = uuid.uuid4().hex

    def __call__(self, message: str) -> list[dict]:
        replies = say(self.url, message, self.sender)
        assert replies, f"no reply to {message!r}"
        for reply in replies:
            assert len(reply.get("text") or "") <= 600
        return replies


@pytest.mark.parametrize("procedure", [p.id for p in CATALOG.all()])
def test_documents_fee_and_where_for_each_procedure(live_stack, procedure) -> None:
    chat = Chat(live_stack.rasa_url)
    title = CATALOG.get(procedure).title
    docs = chat(f'/ask_documents{{"procedure_id":"{procedure}"}}')
    assert "1." in texts(docs)
    fee = texts(chat("mất bao nhiêu tiền?"))
    assert "lệ phí" in fee.lower() or "chưa chắc chắn" in fee.lower()
    assert title.lower() in fee.lower()
    where = chat("nộp ở đâu?")
    assert title.lower() in texts(where).lower()
    assert "http" in texts(where)  # the official source is always given


def test_procedure_asked_in_words_without_diacritics(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    replies = chat("chau oi lam can cuoc can giay to gi")
    assert "căn cước" in texts(replies).lower()
    assert "1." in texts(replies)


def test_ambiguous_procedure_offers_a_choice(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    replies = chat("đăng ký cư trú cần giấy tờ gì")
    assert "ý bác là" in texts(replies).lower()
    choices = [p for p in payloads(replies) if p.startswith("/choose_procedure")]
    assert len(choices) >= 2
    answer = chat(choices[0])
    assert "1." in texts(answer)


def test_online_guide_with_interruption_and_resume(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    steps = len(CATALOG.guide.steps)
    first = texts(chat("tôi muốn nộp hồ sơ trên điện thoại"))
    assert f"Bước 1/{steps}" in first
    assert f"Bước 2/{steps}" in texts(chat("/guide_next"))
    # leave the guide to ask something else
    detour = chat("làm lý lịch tư pháp mất mấy ngày")
    assert "lý lịch tư pháp" in texts(detour).lower()
    # "Tiếp" resumes where the citizen was
    assert f"Bước 3/{steps}" in texts(chat("/guide_next"))
    assert f"Bước 3/{steps}" in texts(chat("nhắc lại"))
    assert f"Bước 2/{steps}" in texts(chat("/guide_back"))
    for _ in range(steps - 2):
        last = chat("/guide_next")
    assert f"Bước {steps}/{steps}" in texts(last)
    done = chat("/guide_next")
    assert "/give_feedback" in payloads(done)


def test_status_found(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    replies = chat("hồ sơ 000.00.07.H26-261020-0008 đến đâu rồi")
    assert "bổ sung" in texts(replies).lower()


def test_status_code_asked_then_given(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    ask = texts(chat("tra cứu hồ sơ"))
    assert "mã hồ sơ" in ask.lower()
    found = texts(chat("000.00.12.h26-261120-0021"))
    assert "000.00.12.H26-261120-0021" in found


def test_status_not_found(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    replies = texts(chat("kiểm tra hồ sơ 000.00.01.H26-250101-9999"))
    assert "không tìm thấy" in replies.lower() or "chưa tìm thấy" in replies.lower()


def test_status_invalid_code(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    replies = texts(chat("hồ sơ của tôi mã 123456789 đến đâu rồi"))
    assert "000.00.01.H26-250708-0003" in replies  # the right format is shown


def test_status_portal_timeout(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    replies = texts(chat("hồ sơ 000.00.99.H26-261120-0001 đến đâu rồi"))
    assert "thử lại" in replies.lower()


def test_two_misses_lead_to_a_person(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    first = chat("/nlu_fallback")
    assert "chưa hiểu" in texts(first).lower()
    second = chat("/nlu_fallback")
    assert "18001096" in texts(second)
    assert "/request_callback" in payloads(second)


def test_callback_request_is_stored_with_consent(live_stack) -> None:
    from bot.feedback import FeedbackStore

    chat = Chat(live_stack.rasa_url)
    chat("cho tôi gặp cán bộ")
    assert "đồng ý" in texts(chat("/request_callback")).lower()
    chat("/affirm")
    chat("Nguyễn Thị Hoa")
    assert "chưa đúng" in texts(chat("12345")).lower()
    chat("0987 654 321")
    done = texts(chat("hỏi về sổ đỏ của bà, số nhà tôi 0912345678"))
    assert "đã ghi lại" in done
    store = FeedbackStore(live_stack.env["FEEDBACK_DB_URL"])
    rows = [c for c in store.list_callbacks()[0] if c.get("name") == "Nguyễn Thị Hoa"]
    assert len(rows) == 1
    assert rows[0]["phone"] == "0987654321"
    assert "0912345678" not in rows[0]["topic"]


def test_callback_declined_keeps_nothing(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    chat("/request_callback")
    replies = texts(chat("/deny"))
    assert "không ghi lại" in replies


def test_otp_warning(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    replies = texts(chat("mã otp của bác là 558812 cháu ơi"))
    assert "đừng gửi mã OTP" in replies


def test_simpler_and_repeat_anywhere(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    original = texts(chat("làm căn cước cần giấy tờ gì"))
    assert texts(chat("nhắc lại đi cháu")) == original
    simpler = texts(chat("nói đơn giản hơn"))
    assert simpler and simpler != original


def _responses(stack) -> list[dict]:
    from bot.feedback import FeedbackStore

    store = FeedbackStore(stack.env["FEEDBACK_DB_URL"])
    return store.list_responses()


def test_survey_after_a_status_answer_is_stored(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    status = chat("hồ sơ 000.00.12.H26-261120-0021 đến đâu rồi")
    assert "/give_feedback" in payloads(status)
    first = chat("/give_feedback")
    assert "hài lòng" in texts(first).lower()
    assert len([p for p in payloads(first) if p.startswith("/rate")]) == 5
    assert "/skip" in payloads(first)
    chat('/rate{"rating":"4"}')  # overall
    chat('/rate{"rating":"5"}')  # result
    chat("/skip")  # staff
    chat("cán bộ nhiệt tình, chu đáo. Căn cước của tôi 001234567890")  # comment
    consent = texts(chat("/deny"))
    assert "cảm ơn" in consent.lower()
    mine = [r for r in _responses(live_stack) if r["flow"] == "status"]
    assert mine, "the survey answer was stored"
    row = mine[0]
    assert (row["overall"], row["result"], row["staff"]) == (4, 5, None)
    assert "nhiệt tình" in row["comment"]
    assert "001234567890" not in row["comment"]
    assert row["phone"] is None and row["channel"] == "rest"


def test_survey_with_consent_keeps_phone_and_age(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    chat("góp ý")
    chat("rất hài lòng")
    for _ in range(3):
        chat("/skip")
    consent_question = texts(chat("/skip"))  # comment skipped
    assert "13/2023" in consent_question
    assert "số điện thoại" in texts(chat("/affirm")).lower()
    chat("0987 111 222")
    done = texts(chat('/inform{"age_band":"70_plus"}'))
    assert "cảm ơn" in done.lower()
    rows = [r for r in _responses(live_stack) if r.get("phone") == "0987111222"]
    assert rows and rows[0]["age_band"] == "70_plus" and rows[0]["overall"] == 5


def test_a_new_question_abandons_the_survey_but_keeps_the_rating(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    before = len(_responses(live_stack))
    chat("/give_feedback")
    chat('/rate{"rating":"2"}')
    answer = chat("làm căn cước cần giấy tờ gì")
    assert "căn cước" in texts(answer).lower()
    after = _responses(live_stack)
    assert len(after) == before + 1
    assert after[0]["overall"] == 2
    # the survey does not come back after the answer
    assert "hài lòng về" not in texts(chat("cảm ơn")).lower()


def test_skipping_the_first_question_stores_nothing(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    before = len(_responses(live_stack))
    replies = texts(chat("/give_feedback")) + texts(chat("/skip"))
    assert "góp ý" in replies.lower()
    assert len(_responses(live_stack)) == before


def test_delete_my_data(live_stack) -> None:
    chat = Chat(live_stack.rasa_url)
    chat("/give_feedback")
    chat('/rate{"rating":"5"}')
    for _ in range(3):
        chat("/skip")
    chat("/skip")
    chat("/affirm")
    chat("0966 555 444")
    chat("/skip")
    assert [r for r in _responses(live_stack) if r.get("phone") == "0966555444"]
    reply = texts(chat("xóa thông tin của tôi"))
    assert "đã xóa" in reply
    assert not [r for r in _responses(live_stack) if r.get("phone") == "0966555444"]
