"""Actions stay thin and never leave the citizen without an answer."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.common import SORRY, GuardedAction


def _tracker(text: str = "xin chào", intent: str = "greet") -> Tracker:
    return Tracker(
        sender_id="t",
        slots={},
        latest_message={"text": text, "intent": {"name": intent}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


def test_every_domain_action_is_registered() -> None:
    import yaml

    executor = ActionExecutor()
    executor.register_package("actions")
    with open("domain.yml", encoding="utf-8") as handle:
        domain = yaml.safe_load(handle)
    custom = [a for a in domain["actions"] if not a.startswith("utter_")]
    missing = [a for a in custom if a not in executor.actions]
    assert missing == []


def test_a_failing_action_still_answers_politely() -> None:
    class Broken(GuardedAction):
        def name(self) -> str:
            return "action_broken"

        async def answer(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
            raise RuntimeError("database on fire")

    dispatcher = CollectingDispatcher()
    events = asyncio.run(Broken().run(dispatcher, _tracker(), {}))
    assert events == []
    assert dispatcher.messages[0]["text"] == SORRY
    assert dispatcher.messages[0]["buttons"]


def test_procedure_action_answers_from_the_catalog() -> None:
    from actions.procedure_info import ActionProcedureInfo

    dispatcher = CollectingDispatcher()
    tracker = _tracker("làm căn cước cần giấy tờ gì", "ask_documents")
    events = asyncio.run(ActionProcedureInfo().run(dispatcher, tracker, {}))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["procedure_id"] == "can_cuoc"
    assert "1." in dispatcher.messages[0]["text"]


def test_broken_procedure_data_stops_the_action_server(tmp_path) -> None:
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    data = Path("bot/procedures/data")
    broken = tmp_path / "data"
    shutil.copytree(data, broken)
    text = (broken / "khai_sinh.yaml").read_text(encoding="utf-8")
    (broken / "khai_sinh.yaml").write_text(text.replace("fees:", "fee_typo:", 1), "utf-8")
    env = {**os.environ, "PROCEDURES_DIR": str(broken), "PYTHONPATH": os.getcwd()}
    result = subprocess.run(
        [sys.executable, "-c", "import actions"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "khai_sinh.yaml" in result.stderr and "fee" in result.stderr
