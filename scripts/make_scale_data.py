"""Synthetic NLU data at the scale of the external evaluation set, to measure training cost.

4,500 training and 900 test utterances, 28 intents, 80 entity types, multi-syllable entity
values, Vietnamese syllables with diacritics. Apart from one cue word per intent the text is
random, so accuracy on it says little about real data; training time, peak memory and model load
time are what `make bench-scale` is for.

Usage: python scripts/make_scale_data.py OUT_DIR
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

_TEXT = (
    "bay chuyến sân hà nội đà nẵng sài gòn vé giá rẻ nhất sáng chiều tối thứ hai ba tư năm "
    "sáu bảy chủ nhật hãng hàng không khứ hồi một hạng thương gia phổ thông từ đến lúc giờ "
    "phút ngày tháng muốn tìm cho tôi xem có bao nhiêu tiền đặt mua hủy đổi loại máy ăn uống "
    "dịch vụ mặt đất xe buýt khoảng cách thành phố hồ chí minh hải phòng cần thơ nha trang huế "
    "lạt quy nhơn vinh"
)
SYLLABLES = _TEXT.split(" ")
ENTITY_TYPES = [f"loai{i}" for i in range(80)]
INTENTS = [f"y_dinh_{i}" for i in range(28)]


def utterance(rng: random.Random, keyword: str, values: dict[str, list[str]]) -> str:
    words = [keyword]
    pending = rng.sample(ENTITY_TYPES, rng.randint(0, 3))
    for _ in range(rng.randint(4, 14)):
        words.append(rng.choice(SYLLABLES))
        if pending and rng.random() < 0.3:
            entity = pending.pop()
            words.append(f"[{rng.choice(values[entity])}]({entity})")
    return " ".join(words)


def main(out: Path) -> None:
    rng = random.Random(7)
    values = {
        e: [" ".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(12)]
        for e in ENTITY_TYPES
    }
    # each intent has its own two-syllable cue word, so a working pipeline can learn intents
    cues = {intent: f"{SYLLABLES[i]}{SYLLABLES[-1 - i]}" for i, intent in enumerate(INTENTS)}
    out.mkdir(parents=True, exist_ok=True)
    for name, size in (("train", 4500), ("test", 900)):
        lines = ['version: "3.1"', "nlu:"]
        for intent in INTENTS:
            lines += [f"- intent: {intent}", "  examples: |"]
            lines += [
                f"    - {utterance(rng, cues[intent], values)}" for _ in range(size // len(INTENTS))
            ]
        (out / f"{name}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/scale"))
