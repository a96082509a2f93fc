"""Vocabulary and limits shared by the feedback store, the metrics and the staff web app."""

from __future__ import annotations

from typing import Final

CHANNELS: Final = ("zalo", "webchat", "rest", "telegram", "facebook", "sms", "kiosk")
# Rasa input channel names that mean one of ours.
CHANNEL_ALIASES: Final = {"socketio": "webchat", "callback": "rest", "cmdline": "rest"}
FLOWS: Final = ("procedure_info", "online_guide", "status", "handoff", "on_demand")
# The five SIPAS components (Quyết định 1001/QĐ-BNV), in the order the survey asks them.
ASPECTS: Final = ("access", "procedure", "staff", "result", "feedback_handling")
AGE_BANDS: Final = ("under_30", "30_44", "45_59", "60_69", "70_plus")
STATUSES: Final = ("new", "handled")
ROLES: Final = ("viewer", "manager")

RATING_LABELS: Final = {
    5: "Rất hài lòng",
    4: "Hài lòng",
    3: "Bình thường",
    2: "Không hài lòng",
    1: "Rất không hài lòng",
}
ASPECT_LABELS: Final = {
    "access": "Tiếp cận dịch vụ",
    "procedure": "Thủ tục hành chính",
    "staff": "Công chức giải quyết công việc",
    "result": "Kết quả dịch vụ",
    "feedback_handling": "Tiếp nhận, xử lý góp ý, phản ánh",
}
CHANNEL_LABELS: Final = {
    "zalo": "Zalo",
    "webchat": "Trò chuyện trên web",
    "rest": "API",
    "telegram": "Telegram",
    "facebook": "Facebook",
    "sms": "Tin nhắn SMS",
    "kiosk": "Ki-ốt tại bộ phận một cửa",
}
FLOW_LABELS: Final = {
    "procedure_info": "Hỏi thông tin thủ tục",
    "online_guide": "Hướng dẫn nộp trực tuyến",
    "status": "Tra cứu hồ sơ",
    "handoff": "Chuyển cán bộ",
    "on_demand": "Tự gửi góp ý",
}
AGE_BAND_LABELS: Final = {
    "under_30": "Dưới 30",
    "30_44": "30–44",
    "45_59": "45–59",
    "60_69": "60–69",
    "70_plus": "Từ 70 trở lên",
}
STATUS_LABELS: Final = {"new": "Chưa xử lý", "handled": "Đã xử lý"}

# Free-text limits (characters, after cleaning). Longer text is truncated with "…", not refused:
# a citizen who wrote a long complaint must not lose it.
MAX_COMMENT_CHARS: Final = 2000
MAX_TOPIC_CHARS: Final = 1000
MAX_NOTE_CHARS: Final = 1000
MAX_NAME_CHARS: Final = 100
MAX_SHORT_FIELD_CHARS: Final = 120  # procedure_id, commune, handled_by
# A response is a follow-up when its overall rating is at most this, or when it has a comment.
LOW_RATING_MAX: Final = 2
