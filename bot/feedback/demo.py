"""Demo data and a demo staff account, for `make run` and screenshots only.

Never call these in production: ensure_demo_account refuses when APP_ENV=production.
The communes are real Hanoi communes/wards after the 1 July 2025 reform; the answers are
synthetic.
"""

from __future__ import annotations

import os
import random
import secrets
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from bot.feedback import schema

if TYPE_CHECKING:
    from bot.feedback.store import FeedbackStore

DEMO_USERNAME = "demo"

DEMO_PROCEDURES: dict[str, str] = {
    "dang_ky_khai_sinh": "Đăng ký khai sinh",
    "dang_ky_khai_tu": "Đăng ký khai tử",
    "dang_ky_thuong_tru": "Đăng ký thường trú",
    "chung_thuc_ban_sao": "Chứng thực bản sao từ bản chính",
    "ly_lich_tu_phap": "Cấp phiếu lý lịch tư pháp",
    "dang_ky_ket_hon": "Đăng ký kết hôn",
    "xac_nhan_tinh_trang_hon_nhan": "Xác nhận tình trạng hôn nhân",
    "cap_doi_gplx": "Đổi giấy phép lái xe",
}
# Commune/ward -> how well it serves in the demo (probability of a satisfied answer).
DEMO_COMMUNES: dict[str, float] = {
    "Xã Sóc Sơn": 0.86,
    "Xã Trung Giã": 0.78,
    "Xã Đa Phúc": 0.74,
    "Xã Nội Bài": 0.81,
    "Xã Thư Lâm": 0.69,
    "Xã Phúc Thịnh": 0.83,
    "Xã Bát Tràng": 0.90,
    "Xã Ba Vì": 0.66,
    "Phường Hoàn Kiếm": 0.88,
    "Phường Cửa Nam": 0.84,
    "Phường Ba Đình": 0.87,
    "Phường Ngọc Hà": 0.79,
}
_CHANNEL_WEIGHTS = {"zalo": 0.72, "webchat": 0.2, "rest": 0.08}
_FLOW_WEIGHTS = {
    "procedure_info": 0.35,
    "online_guide": 0.3,
    "status": 0.2,
    "handoff": 0.08,
    "on_demand": 0.07,
}
_GOOD_COMMENTS = [
    "Cán bộ hướng dẫn tận tình, cảm ơn các cháu.",
    "Nộp trên điện thoại nhanh hơn tôi nghĩ.",
    "Trợ lý trả lời dễ hiểu, tôi làm được một mình.",
    "Được trả kết quả qua bưu điện, rất tiện cho người già.",
]
_BAD_COMMENTS = [
    "Chờ ba tuần chưa có kết quả, không ai gọi lại.",
    "Trang web bắt đăng nhập VNeID nhiều lần, tôi không làm được.",
    "Chữ trên điện thoại nhỏ quá, đọc không rõ.",
    "Phải đi lại hai lần vì thiếu giấy tờ mà không được báo trước.",
    "Nhờ cán bộ gọi lại cho tôi số 0912 345 678 để hỏi hồ sơ 000.00.01.H26-260312-0042.",
    "Con tôi gửi giúp, email của cháu là hoang.van.nam@gmail.com, mong được trả lời.",
]
_TOPICS = [
    "Hỏi thủ tục sang tên sổ đỏ cho con",
    "Không đăng nhập được VNeID, cần người hướng dẫn",
    "Hồ sơ khai sinh cho cháu bị trả lại, muốn hỏi lý do",
    "Muốn hỏi trợ cấp cho người cao tuổi, số CCCD 001045012345",
]
_NAMES = ["Nguyễn Văn Bình", "Trần Thị Lan", "Lê Văn Hùng", "Phạm Thị Hoa", "Đỗ Văn Tâm"]


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _rating(rng: random.Random, p_satisfied: float) -> int:
    if rng.random() < p_satisfied:
        return 5 if rng.random() < 0.45 else 4
    return rng.choices([3, 2, 1], weights=[0.55, 0.3, 0.15])[0]


def seed_demo(
    store: FeedbackStore, *, responses: int = 360, seed: int = 2026, now: datetime | None = None
) -> int:
    """Add a realistic synthetic dataset over the last 12 months; returns rows added.

    Deterministic for a given seed and `now`. Adds a few callback requests too.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    now = now or datetime.now(timezone.utc)
    added = 0
    for i in range(responses):
        commune = rng.choice(list(DEMO_COMMUNES))
        # Satisfaction improves a little over the year, as a pilot would hope.
        age_days = rng.randint(0, 364)
        quality = min(0.97, DEMO_COMMUNES[commune] + (364 - age_days) / 364 * 0.06)
        overall = _rating(rng, quality)
        aspects: dict[str, int | None] = {}
        for aspect in schema.ASPECTS:
            if aspect == "feedback_handling" and rng.random() < 0.5:
                aspects[aspect] = None  # many citizens never sent a complaint
            else:
                aspects[aspect] = max(1, min(5, overall + rng.choice([-1, 0, 0, 0, 1])))
        comment = None
        if overall <= 2 and rng.random() < 0.7:
            comment = rng.choice(_BAD_COMMENTS)
        elif overall >= 4 and rng.random() < 0.12:
            comment = rng.choice(_GOOD_COMMENTS)
        consent = rng.random() < 0.3
        store.add_response(
            channel=_pick(rng, _CHANNEL_WEIGHTS),
            flow=_pick(rng, _FLOW_WEIGHTS),
            overall=overall,
            aspects=aspects,
            procedure_id=rng.choice(list(DEMO_PROCEDURES)),
            commune=commune,
            comment=comment,
            consent_personal_data=consent,
            consent_contact=consent and overall <= 2,
            phone=f"09{rng.randint(10_000_000, 99_999_999)}" if consent else None,
            age_band=rng.choice(schema.AGE_BANDS[2:]) if consent else None,
            home_commune=commune if consent else None,
            sender_id=f"demo-user-{i}",
            created_at=now - timedelta(days=age_days, minutes=rng.randint(0, 600)),
        )
        added += 1
    for i in range(12):
        consent = rng.random() < 0.8
        store.add_callback(
            channel=_pick(rng, _CHANNEL_WEIGHTS),
            topic=rng.choice(_TOPICS),
            name=rng.choice(_NAMES) if consent else None,
            phone=f"03{rng.randint(10_000_000, 99_999_999)}" if consent else None,
            consent_contact=consent,
            commune=rng.choice(list(DEMO_COMMUNES)),
            sender_id=f"demo-callback-{i}",
            created_at=now - timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 10)),
        )
        added += 1
    return added


def ensure_demo_account(store: FeedbackStore, password: str | None = None) -> tuple[str, str]:
    """Create or reset the demo manager account (may see personal data); returns (user, pw).

    For `make run` only: refuses when APP_ENV=production. The password is DEMO_PASSWORD from
    the environment, else random for each start, and is printed by the dev server.
    """
    if os.environ.get("APP_ENV", "").lower() == "production":
        raise RuntimeError("refusing to create the demo account with APP_ENV=production")
    password = password or os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
    store.create_user(
        DEMO_USERNAME, password, role="manager", can_see_personal_data=True, replace=True
    )
    return DEMO_USERNAME, password
