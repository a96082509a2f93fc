"""Messages that are only an entity are answers (inform / give_dossier_code)."""

from __future__ import annotations

import asyncio

import pytest


def intent_of(agent, text: str) -> str:
    return asyncio.run(agent.parse_message(text))["intent"]["name"]


@pytest.mark.parametrize("text", ["căn cước", "xã Sóc Sơn", "dạ khai sinh ạ", "phuong Ha Dong"])
def test_a_bare_entity_is_an_answer(nlu_agent, text) -> None:
    assert intent_of(nlu_agent, text) == "inform"


def test_a_bare_code_is_a_dossier_code(nlu_agent) -> None:
    assert intent_of(nlu_agent, "000.00.12.H26-261120-0021") == "give_dossier_code"


def test_a_question_around_an_entity_is_still_a_question(nlu_agent) -> None:
    assert intent_of(nlu_agent, "làm căn cước cần giấy tờ gì") == "ask_documents"
    assert intent_of(nlu_agent, "hồ sơ 000.00.12.H26-261120-0021 đến đâu rồi") == (
        "check_dossier_status"
    )
