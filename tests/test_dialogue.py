"""Conversation logic in plain Python: procedures, guide, fallback, repeat, survey, call-back."""

from __future__ import annotations

import pytest

from bot.dialogue import callback, guide, procedures, support, survey
from bot.dialogue.replies import BUBBLE_LIMIT, Outcome, intent_payload, split_bubbles
from bot.procedures import default_catalog

CATALOG = default_catalog()


def answer(intent: str, message: str = "", **kwargs) -> Outcome:
    params = dict(procedure_id=None, mentioned=None, previous_id=None, pending=None)
    params.update(kwargs)
    return procedures.answer(CATALOG, intent=intent, message=message, **params)


def all_text(outcome: Outcome) -> str:
    return "\n".join(r.text for r in outcome.replies)


def test_documents_for_a_named_procedure_is_one_numbered_message() -> None:
    outcome = answer("ask_documents", "làm căn cước cần giấy tờ gì")
    assert outcome.slots["procedure_id"] == "can_cuoc"
    checklist = outcome.replies[0].text
    assert "1." in checklist
    assert outcome.replies[-1].buttons, "next likely choices are offered"


def test_follow_up_keeps_the_procedure_in_context() -> None:
    first = answer("ask_documents", "đăng ký khai sinh cần gì")
    follow = answer("ask_fee", "mất bao nhiêu tiền", previous_id=first.slots["procedure_id"])
    assert follow.slots["procedure_id"] == "khai_sinh"
    assert "lệ phí" in all_text(follow).lower() or "chưa chắc" in all_text(follow).lower()


def test_a_new_procedure_mentioned_wins_over_the_context() -> None:
    outcome = answer("ask_fee", "còn làm lý lịch tư pháp thì sao", previous_id="khai_sinh")
    assert outcome.slots["procedure_id"] == "ly_lich_tu_phap"


def test_unaccented_question_finds_the_procedure() -> None:
    outcome = answer("ask_where_to_file", "toi muon lam can cuoc thi nop o dau")
    assert outcome.slots["procedure_id"] == "can_cuoc"


def test_ambiguous_question_asks_which_one_with_buttons() -> None:
    outcome = answer("ask_documents", "chứng thực cần gì")
    assert "ý bác là" in outcome.replies[0].text.lower()
    payloads = [b.payload for b in outcome.replies[0].buttons]
    assert len(payloads) >= 2
    assert all(p.startswith("/choose_procedure{") for p in payloads)
    assert outcome.slots["pending_question"] == "documents"


def test_choosing_a_candidate_answers_the_pending_question() -> None:
    outcome = answer("choose_procedure", "", procedure_id="chung_thuc_ban_sao", pending="documents")
    assert outcome.slots["procedure_id"] == "chung_thuc_ban_sao"
    assert "1." in outcome.replies[0].text


def test_no_procedure_named_asks_which_with_popular_buttons() -> None:
    outcome = answer("ask_fee", "mất bao nhiêu tiền")
    assert outcome.slots["awaiting"] == "procedure"
    assert len(outcome.replies[-1].buttons) >= 3


QUESTIONS = [
    "ask_procedure",
    "ask_documents",
    "ask_fee",
    "ask_processing_time",
    "ask_where_to_file",
]


@pytest.mark.parametrize("procedure", [p.id for p in CATALOG.all()])
@pytest.mark.parametrize("intent", QUESTIONS)
def test_every_procedure_answers_every_question_in_short_bubbles(procedure, intent) -> None:
    outcome = answer(intent, procedure_id=procedure)
    assert outcome.replies
    for reply in outcome.replies:
        assert reply.text.strip()
        limit = 600 if intent == "ask_documents" else BUBBLE_LIMIT
        assert len(reply.text) <= limit
    assert any(r.buttons for r in outcome.replies)


def test_guide_walks_forward_back_and_finishes() -> None:
    start = guide.start(CATALOG, None)
    assert start.slots["guide_step"] == 0.0
    titles = [b.title for b in start.replies[-1].buttons]
    assert titles[:2] == ["Tiếp", "Nhắc lại"] and "Gặp cán bộ" in titles
    steps = len(CATALOG.guide.steps)
    step = 0.0
    for _ in range(steps - 1):
        moved = guide.move(CATALOG, step, None, +1)
        step = moved.slots["guide_step"]
        assert all(len(r.text) <= BUBBLE_LIMIT for r in moved.replies)
    assert step == steps - 1
    back = guide.move(CATALOG, step, None, -1)
    assert back.slots["guide_step"] == steps - 2
    done = guide.move(CATALOG, step, None, +1)
    assert done.slots["guide_step"] is None
    assert any(b.payload == "/give_feedback" for b in done.replies[-1].buttons)


def test_guide_never_asks_for_otp_or_password_and_warns_about_them() -> None:
    from bot.procedures import guide_steps

    for procedure in [None, *CATALOG.all()]:
        steps = [s.lower() for s in guide_steps(procedure, CATALOG.guide)]
        for step in steps:
            if "otp" in step or "mật khẩu" in step:
                assert "cho cháu" not in step and "gửi cháu" not in step
        assert any("otp" in s and ("không" in s or "đừng" in s) for s in steps)


def test_first_miss_asks_to_rephrase_second_offers_a_person() -> None:
    first = support.fallback(0, [{"name": "ask_fee", "confidence": 0.3}])
    assert first.slots["fallback_count"] == 1.0
    assert first.replies[-1].buttons[0].payload == "/ask_fee"
    second = support.fallback(first.slots["fallback_count"])
    text = all_text(second)
    assert "cán bộ" in text and "18001096" in text
    assert any(b.payload == "/request_callback" for r in second.replies for b in r.buttons)
    assert second.slots["fallback_count"] == 0.0


def _bot(text: str, simple: str | None = None) -> dict:
    return {
        "event": "bot",
        "text": text,
        "data": {"buttons": [{"title": "Tiếp", "payload": "/guide_next"}]},
        "metadata": {"simple": simple} if simple else {},
    }


def test_repeat_and_simpler_resend_the_last_answer() -> None:
    events = [
        {"event": "user", "text": "hỏi"},
        _bot("Câu trả lời cũ."),
        {"event": "user", "text": "làm căn cước"},
        _bot("Bước 1: Mở ứng dụng VNeID (https://vneid.gov.vn). Đăng nhập.", simple="Mở VNeID."),
        {"event": "user", "text": "nhắc lại"},
    ]
    repeated = support.repeat(events)
    assert [r.text for r in repeated.replies] == [
        "Bước 1: Mở ứng dụng VNeID (https://vneid.gov.vn). Đăng nhập."
    ]
    assert repeated.replies[0].buttons[0].payload == "/guide_next"
    simpler = support.simpler(events)
    assert simpler.replies[0].text == "Mở VNeID."
    events[3]["metadata"] = {}
    assert support.simpler(events).replies[0].text == "Bước 1: Mở ứng dụng VNeID."


def test_repeat_with_nothing_said_yet_offers_the_menu() -> None:
    outcome = support.repeat([{"event": "user", "text": "nhắc lại"}])
    assert outcome.replies[0].buttons


def test_yes_after_the_handoff_offer_starts_the_callback_form() -> None:
    assert support.affirm_deny("affirm", "handoff").followup == "callback_form"
    assert support.affirm_deny("affirm", "procedure_info").followup is None


def test_bubbles_are_split_on_sentences_within_the_limit() -> None:
    text = " ".join(f"Câu số {i} nói về thủ tục hành chính ở xã." for i in range(40))
    bubbles = split_bubbles(text)
    assert len(bubbles) > 1
    assert all(len(b) <= BUBBLE_LIMIT for b in bubbles)
    assert " ".join(bubbles).replace("\n", " ") == text
    long_word = "a" * 700
    assert all(len(b) <= BUBBLE_LIMIT for b in split_bubbles(long_word))


def test_intent_payload_is_rasa_syntax() -> None:
    assert intent_payload("choose_procedure", procedure_id="khai_sinh") == (
        '/choose_procedure{"procedure_id":"khai_sinh"}'
    )


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("5", 5),
        ("4 sao", 4),
        ("rất hài lòng", 5),
        ("rat hai long", 5),
        ("hài lòng", 4),
        ("bình thường", 3),
        ("không hài lòng", 2),
        ("khong hai long", 2),
        ("rất không hài lòng", 1),
        ("6", None),
        ("", None),
        ("x" * 5000, None),
        (True, None),
        (3.5, None),
    ],
)
def test_ratings_typed_or_tapped(typed, level) -> None:
    assert survey.parse_rating(typed) == level


def test_survey_asks_at_most_three_aspects_per_flow() -> None:
    for flow in [*survey.ASPECTS_BY_FLOW, None, "unknown"]:
        aspects = survey.aspects_for(flow)
        assert 1 <= len(aspects) <= 3
        assert set(aspects) <= set(survey.ASPECTS)


def test_every_survey_question_can_be_skipped_or_answered_by_button() -> None:
    slots = ["survey_overall", *(survey.aspect_slot(a) for a in survey.ASPECTS)]
    slots += ["survey_comment", "survey_phone", "survey_age_band"]
    for slot in slots:
        text, buttons = survey.question(slot)
        assert text and len(text) <= BUBBLE_LIMIT
        assert any(b.payload == "/skip" for b in buttons)
    consent, buttons = survey.question("survey_consent")
    assert "13/2023" in consent
    assert {b.payload for b in buttons} == {"/affirm", "/deny"}


def test_age_bands() -> None:
    assert survey.parse_age_band("72") == "70_plus"
    assert survey.parse_age_band("60_69") == "60_69"
    assert survey.parse_age_band("bác 45 tuổi") == "45_59"
    assert survey.parse_age_band("không nói") is None


def test_callback_answers_are_checked() -> None:
    assert callback.check_name("Nguyễn Văn An") == ("Nguyễn Văn An", None)
    assert callback.check_name("0912345678")[0] is None
    assert callback.check_name("")[0] is None
    assert callback.check_phone("0912 345 678")[0] == "0912345678"
    assert callback.check_phone("12345")[0] is None
    topic, problem = callback.check_topic("gọi cho tôi số 0912345678 về sổ đỏ")
    assert problem is None and "0912345678" not in topic
    assert callback.check_topic("mã otp 123456")[0] is None
    for question, buttons in callback.QUESTIONS.values():
        assert question and buttons


def test_the_official_link_is_given_once_per_answer() -> None:
    for procedure in CATALOG.all():
        for intent in ("ask_procedure", "ask_where_to_file"):
            outcome = answer(intent, procedure_id=procedure.id)
            assert all_text(outcome).count(str(procedure.source_url)) == 1
