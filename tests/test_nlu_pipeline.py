"""The trained pipeline: accent-insensitive intents and entities, hostile input, alignment."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.nlu.text import strip_diacritics
from bot.nlu.tokenizer import tokens_for

MESSAGES = [
    ("cháu ơi cho bác hỏi làm căn cước cần giấy tờ gì", "ask_documents"),
    ("làm giấy khai sinh cho cháu nội mất bao nhiêu tiền", "ask_fee"),
    ("đăng ký kết hôn thì bao lâu có kết quả", "ask_processing_time"),
    ("xin lý lịch tư pháp thì nộp ở đâu", "ask_where_to_file"),
    ("tôi muốn nộp hồ sơ trên điện thoại thì làm thế nào", "ask_how_to_file_online"),
    ("hồ sơ của tôi đến đâu rồi", "check_dossier_status"),
    ("tôi muốn gặp cán bộ", "talk_to_human"),
    ("cháu nói lại được không", "repeat"),
    ("khó hiểu quá, nói đơn giản thôi", "simpler"),
    ("cảm ơn cháu nhiều nhé", "thank"),
    ("bạn là người thật hay máy", "bot_challenge"),
    ("hôm nay trời có mưa không", "out_of_scope"),
]


def parse(agent, text: str) -> dict:
    return asyncio.run(agent.parse_message(text))


@pytest.mark.parametrize(("text", "intent"), MESSAGES)
def test_accented_and_unaccented_forms_get_the_same_intent(nlu_agent, text, intent) -> None:
    accented = parse(nlu_agent, text)
    plain = parse(nlu_agent, strip_diacritics(text))
    assert accented["intent"]["name"] == intent
    assert plain["intent"]["name"] == intent


def test_unaccented_typing_finds_the_same_entities(nlu_agent) -> None:
    text = "tôi ở xã Sóc Sơn, hồ sơ mã 000.00.01.H26-250708-0003 đến đâu rồi"
    plain = strip_diacritics(text)
    accented = {(e["entity"], e["start"], e["end"]) for e in parse(nlu_agent, text)["entities"]}
    unaccented = {(e["entity"], e["start"], e["end"]) for e in parse(nlu_agent, plain)["entities"]}
    assert ("dossier_code", 27, 52) in accented
    assert ("commune", 6, 16) in accented
    assert accented == unaccented


def test_procedure_entity_from_unaccented_text(nlu_agent) -> None:
    result = parse(nlu_agent, "lam giay khai sinh can nhung gi")
    values = [e["value"] for e in result["entities"] if e["entity"] == "procedure"]
    assert any("khai sinh" in v for v in values)


HOSTILE = [
    "",
    " \n\t ",
    "x" * 10_000,
    "🙏😀🎉",
    "\x00\x07\x1b[0m",
    "Привет 你好 chào bác",
    "<script>alert(1)</script>",
    "ệ" * 3000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_crashes_nlu(nlu_agent, text) -> None:
    result = parse(nlu_agent, text)
    assert result["intent"]["name"]
    for entity in result["entities"]:
        assert 0 <= entity["start"] < entity["end"] <= len(text)


def test_empty_and_emoji_messages_fall_back(nlu_agent) -> None:
    for text in ("", "🙏😀🎉"):
        assert parse(nlu_agent, text)["intent"]["name"] == "nlu_fallback"


def test_otp_in_a_message_is_flagged(nlu_agent) -> None:
    assert parse(nlu_agent, "ma otp cua bac la 482913")["intent"]["name"] == "sensitive_info"


@pytest.mark.parametrize("text", ["12345", "0912 345", "098765432"])
def test_a_bare_number_is_not_taken_for_an_otp(nlu_agent, text) -> None:
    # e.g. a phone number typed short: the form says it is wrong rather than warning about OTPs
    ranking = parse(nlu_agent, text)["intent_ranking"]
    assert ranking[0]["name"] != "sensitive_info"
    assert "sensitive_info" not in {r["name"] for r in ranking}


def test_every_annotated_entity_aligns_with_tokens() -> None:
    """Training tokens start and end exactly where annotated entities do."""
    data = load_data("nlu_data/nlu")
    misaligned = []
    for example in data.nlu_examples:
        entities = example.get("entities") or []
        if not entities:
            continue
        text = example.get("text")
        boundaries = {e["start"] for e in entities} | {e["end"] for e in entities}
        tokens = tokens_for(text, boundaries)
        starts = {t.start for t in tokens}
        ends = {t.end for t in tokens}
        for e in entities:
            if e["start"] not in starts or e["end"] not in ends:
                misaligned.append((text, e["value"]))
    assert misaligned == []
