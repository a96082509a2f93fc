"""The satisfaction survey: a few taps, SIPAS's scale and aspects, consent before personal data.

Order: overall satisfaction (5 levels) -> up to three aspects chosen by what the citizen did ->
an optional comment -> an optional offer to leave a phone number for a reply (consent first) ->
age band. Every question has "Bỏ qua". Skipping the first question cancels the survey; skipping
a later one leaves that answer empty. The response is saved as soon as the first answer is given
and updated after each later one, so abandoning the survey loses nothing already said.
"""

from __future__ import annotations

import re

from bot.dialogue.replies import Button, intent_payload
from bot.nlu.text import fold

SKIPPED = "skipped"

LEVELS = {
    5: "Rất hài lòng",
    4: "Hài lòng",
    3: "Bình thường",
    2: "Không hài lòng",
    1: "Rất không hài lòng",
}

# SIPAS's five aspects, as plain questions.
ASPECTS = {
    "access": "việc tìm thông tin và tiếp cận dịch vụ",
    "procedure": "thủ tục (giấy tờ, các bước) có rõ ràng, dễ làm",
    "staff": "thái độ, sự giúp đỡ của cán bộ",
    "result": "kết quả nhận được (đúng hẹn, đúng như mong đợi)",
    "feedback_handling": "việc tiếp nhận và xử lý ý kiến của bác",
}

# Which aspects to ask, by what the citizen did (at most three).
ASPECTS_BY_FLOW = {
    "procedure_info": ["access", "procedure"],
    "online_guide": ["access", "procedure", "result"],
    "status": ["result", "staff"],
    "handoff": ["staff", "feedback_handling"],
    "on_demand": ["access", "procedure", "staff"],
}

AGE_BANDS = {  # the bands bot.feedback.schema.AGE_BANDS stores
    "under_30": "Dưới 30",
    "30_44": "30–44",
    "45_59": "45–59",
    "60_69": "60–69",
    "70_plus": "Từ 70 trở lên",
}

SKIP = Button("Bỏ qua", "/skip")


def aspect_slot(aspect: str) -> str:
    return f"survey_{aspect}"


def aspects_for(flow: str | None) -> list[str]:
    return ASPECTS_BY_FLOW.get(flow or "on_demand", ASPECTS_BY_FLOW["on_demand"])


def rating_buttons() -> list[Button]:
    return [
        Button(title, intent_payload("rate", rating=str(value))) for value, title in LEVELS.items()
    ] + [SKIP]


# Typed answers, compared without diacritics; longest phrases first.
_TYPED = [
    ("rat khong hai long", 1),
    ("khong hai long chut nao", 1),
    ("qua te", 1),
    ("khong hai long", 2),
    ("chua hai long", 2),
    ("kem", 2),
    ("binh thuong", 3),
    ("tam duoc", 3),
    ("tam tam", 3),
    ("rat hai long", 5),
    ("rat tot", 5),
    ("tuyet voi", 5),
    ("hai long", 4),
    ("tot", 4),
    ("on", 4),
]


def parse_rating(value: object) -> int | None:
    """1..5 from a button value ("4") or typed words ("rất hài lòng", "binh thuong")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = int(value)
        return number if 1 <= number <= 5 and number == value else None
    text = str(value or "").strip()
    if not text or len(text) > 200:
        return None
    if re.fullmatch(r"[1-5](\s*(sao|diem|điểm|\*))?", text, re.IGNORECASE):
        return int(text[0])
    folded = f" {fold(text)} "
    for phrase, level in _TYPED:
        if f" {phrase} " in folded:
            return level
    return None


def parse_age_band(value: object) -> str | None:
    text = str(value or "").strip()
    if text in AGE_BANDS:
        return text
    digits = re.findall(r"\d{1,3}", text)
    if len(digits) == 1:
        age = int(digits[0])
        for upper, band in ((30, "under_30"), (45, "30_44"), (60, "45_59"), (70, "60_69")):
            if 10 <= age < upper:
                return band
        if 70 <= age <= 120:
            return "70_plus"
    return None


def question(slot: str) -> tuple[str, list[Button]]:
    """The question text and buttons for a survey slot."""
    if slot == "survey_overall":
        return (
            "Bác đánh giá giúp cháu: nhìn chung bác có hài lòng với dịch vụ không ạ?",
            rating_buttons(),
        )
    if slot.startswith("survey_") and slot[len("survey_") :] in ASPECTS:
        aspect = ASPECTS[slot[len("survey_") :]]
        return f"Bác có hài lòng về {aspect} không ạ?", rating_buttons()
    if slot == "survey_comment":
        return (
            'Bác có muốn góp ý thêm điều gì không ạ? Bác gõ góp ý, hoặc bấm "Bỏ qua".',
            [SKIP],
        )
    if slot == "survey_consent":
        return (
            "Bác có muốn cán bộ liên hệ lại về góp ý này không ạ? Nếu có, cháu sẽ ghi số điện "
            "thoại và độ tuổi của bác, chỉ để phản hồi và thống kê, giữ tối đa 12 tháng; bác "
            "có thể yêu cầu xóa bất cứ lúc nào (Nghị định 13/2023/NĐ-CP, Luật Bảo vệ dữ liệu "
            "cá nhân).",
            [Button("Đồng ý", "/affirm"), Button("Không, cảm ơn", "/deny")],
        )
    if slot == "survey_phone":
        return "Bác cho cháu xin số điện thoại ạ. Ví dụ: 0912 345 678.", [SKIP]
    if slot == "survey_age_band":
        return (
            "Bác cho cháu biết độ tuổi của bác ạ?",
            [
                Button(title, intent_payload("inform", age_band=key))
                for key, title in AGE_BANDS.items()
            ]
            + [SKIP],
        )
    raise KeyError(slot)


THANKS = "Dạ, cháu cảm ơn bác đã góp ý! Ý kiến của bác giúp cán bộ phục vụ tốt hơn."
CANCELLED = 'Dạ vâng ạ. Khi nào bác muốn góp ý, bác nhắn "góp ý" cho cháu nhé.'
SAVE_FAILED = "Dạ, cháu xin lỗi, hệ thống đang lỗi nên chưa ghi được góp ý. Bác thử lại sau nhé."
