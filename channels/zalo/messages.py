"""Citizen-facing texts the connector sends by itself (Vietnamese, short, polite)."""

from __future__ import annotations

from channels.zalo.text import render_choices

# Choices offered after a non-text message. Payloads are plain sentences so that any NLU
# model understands them; replace them with intents ("/ask_procedure") once the domain has them.
DEFAULT_CHOICES: list[dict[str, str]] = [
    {"title": "Hỏi thủ tục, giấy tờ", "payload": "/ask_procedure"},
    {"title": "Tra cứu hồ sơ đã nộp", "payload": "/check_dossier_status"},
    {"title": "Gặp cán bộ hỗ trợ", "payload": "/talk_to_human"},
]

_WHAT_WE_CANNOT_READ = {
    "user_send_image": "chưa xem được ảnh",
    "user_send_gif": "chưa xem được ảnh động",
    "user_send_sticker": "chưa xem được nhãn dán",
    "user_send_audio": "chưa nghe được tin nhắn thoại",
    "user_send_video": "chưa xem được video",
    "user_send_file": "chưa mở được tệp",
    "user_send_location": "chưa xem được vị trí bản đồ",
    "user_send_link": "chưa mở được đường link",
}
# Pictures and files may be ID papers: tell the citizen not to send them here.
_PRIVACY_NOTE = "Để an toàn, bác đừng gửi ảnh căn cước hay giấy tờ tùy thân qua đây."
_PRIVACY_EVENTS = {"user_send_image", "user_send_file", "user_send_gif"}

WELCOME_TEXT = (
    "Dạ, cháu chào bác. Cháu là trợ lý dịch vụ công, giúp bác hỏi thủ tục "
    "và tra cứu hồ sơ. Bác cần gì ạ?"
)


def text_only_reply(event_name: str) -> str:
    """Polite answer to a non-text message, followed by numbered choices."""
    cannot = _WHAT_WE_CANNOT_READ.get(event_name)
    first = (
        f"Dạ, cháu chỉ đọc được tin nhắn chữ, {cannot}."
        if cannot
        else "Dạ, cháu chỉ đọc được tin nhắn chữ."
    )
    sentences = [first, "Bác gõ câu hỏi giúp cháu nhé."]
    if event_name in _PRIVACY_EVENTS:
        sentences.append(_PRIVACY_NOTE)
    sentences.append("Hoặc bác chọn:")
    return render_choices(" ".join(sentences), DEFAULT_CHOICES)


def is_text_only_event(event_name: str) -> bool:
    """True for the non-text `user_send_*` events that get the polite text-only answer."""
    return event_name.startswith("user_send_") and event_name != "user_send_text"


SORRY_TEXT = "Dạ, cháu đang gặp trục trặc. Bác nhắn lại giúp cháu sau ít phút nhé."
