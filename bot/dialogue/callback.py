"""The call-back request: checking each answer and saying what happens next."""

from __future__ import annotations

from bot.dialogue.replies import Button
from bot.privacy import clean_text, mask_pii, normalize_phone
from bot.safety import looks_sensitive

MAX_NAME = 80
MAX_TOPIC = 500


def check_name(value: object) -> tuple[str | None, str | None]:
    """(clean name, None) or (None, a polite request to try again)."""
    text = clean_text(str(value or ""), MAX_NAME).strip()
    letters = sum(ch.isalpha() for ch in text)
    if not text or letters < 2 or text.startswith("/"):
        return None, "Dạ, bác gõ lại họ tên giúp cháu, ví dụ: Nguyễn Văn An."
    if sum(ch.isdigit() for ch in text) >= 4:
        return None, "Dạ, ô này cháu cần họ tên thôi ạ. Số điện thoại cháu hỏi ở bước sau."
    return text, None


def check_phone(value: object) -> tuple[str | None, str | None]:
    phone = normalize_phone(str(value or ""))
    if phone is None:
        return None, (
            "Dạ, số điện thoại chưa đúng. Bác gõ lại số gồm 10 chữ số, ví dụ: 0912 345 678."
        )
    return phone, None


def check_topic(value: object) -> tuple[str | None, str | None]:
    raw = str(value or "")
    if looks_sensitive(raw):
        return None, (
            "Bác ơi, bác đừng gửi mã OTP hay mật khẩu ạ. Bác chỉ cần nói ngắn gọn việc cần hỏi."
        )
    text = mask_pii(clean_text(raw, MAX_TOPIC)).strip()
    if not text or text.startswith("/"):
        return None, "Dạ, bác nói ngắn gọn việc bác cần hỏi giúp cháu ạ."
    return text, None


def confirmation(hours: str) -> str:
    return (
        "Dạ, cháu đã ghi lại. Cán bộ sẽ gọi lại cho bác trong giờ làm việc "
        f"({hours}). Bác để ý điện thoại giúp cháu nhé. Cán bộ không bao giờ hỏi mã OTP "
        "hay mật khẩu của bác."
    )


DECLINED = "Dạ, cháu không ghi lại thông tin nào của bác. Bác vẫn có thể gọi tổng đài ạ."
FAILED = (
    "Dạ, cháu xin lỗi, hệ thống đang lỗi nên chưa ghi lại được. "
    "Bác gọi tổng đài giúp cháu, hoặc thử lại sau ít phút nhé."
)


CANCEL = Button("Hủy", "/skip")

QUESTIONS: dict[str, tuple[str, list[Button]]] = {
    "callback_consent": (
        "Để cán bộ gọi lại, cháu cần ghi họ tên, số điện thoại và việc bác cần hỏi. Thông tin "
        "chỉ dùng để gọi lại cho bác, giữ tối đa 90 ngày, bác có thể yêu cầu xóa bất cứ lúc nào "
        "(Nghị định 13/2023/NĐ-CP, Luật Bảo vệ dữ liệu cá nhân). Bác có đồng ý không ạ?",
        [Button("Đồng ý", "/affirm"), Button("Không đồng ý", "/deny")],
    ),
    "callback_name": ("Dạ, bác cho cháu xin họ tên ạ.", [CANCEL]),
    "callback_phone": (
        "Bác cho cháu xin số điện thoại để cán bộ gọi lại ạ. Ví dụ: 0912 345 678.",
        [CANCEL],
    ),
    "callback_topic": ("Bác cần cán bộ giúp việc gì ạ? Bác nói ngắn gọn thôi ạ.", [CANCEL]),
}
