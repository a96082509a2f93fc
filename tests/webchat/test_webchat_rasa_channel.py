"""channels.webchat.rasa_socketio: Rasa's socketio channel with working session persistence.

Runs the channel the way `rasa run` does (Sanic, python-socketio in sanic mode) in a
subprocess and talks to it with a python-socketio client. (The python client uses the
polling transport: python-engineio's websocket client needs a newer aiohttp than Rasa pins.
The browser tests cover the websocket transport.)
"""

from __future__ import annotations

import asyncio
from typing import Any

import socketio
from webchat_helpers import ServerProcess

from channels.webchat.rasa_socketio import WebchatSocketIOInput, valid_session_id


class Client:
    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.bot: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("session_confirm", self.confirmed.put)
        self.sio.on("bot_uttered", self.bot.put)

    async def start(self, url: str, session_id: Any) -> Any:
        await self.sio.connect(url, transports=["polling"], wait_timeout=10)
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 10)

    async def close(self) -> None:
        # No graceful close: over polling it waits for the server's next ping (25 s).
        eio = self.sio.eio
        tasks = [eio.read_loop_task, eio.write_loop_task]
        await eio.disconnect(abort=True)
        pending = [t for t in tasks if t is not None and not t.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def say(self, session_id: str, text: str) -> list[Any]:
        # Rasa acknowledges after handling the message, so every reply has been sent by then.
        await self.sio.call(
            "user_uttered", {"message": text, "session_id": session_id, "metadata": {}}, timeout=20
        )
        replies = []
        while True:
            try:
                replies.append(await asyncio.wait_for(self.bot.get(), 1))
            except asyncio.TimeoutError:
                return replies


async def test_replies_reach_the_session_and_survive_a_new_socket(
    rasa_channel: ServerProcess,
) -> None:
    first = Client()
    session = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
    assert await first.start(rasa_channel.url, session) == session
    replies = await first.say(session, "xin chào")
    assert replies[0]["text"] == "Chào bác! Bác muốn hỏi về việc gì ạ?"
    assert [q["title"] for q in replies[0]["quick_replies"]] == ["Làm căn cước", "Tra cứu hồ sơ"]
    await first.close()

    # A reload is a new socket with the same session id: the conversation goes on.
    second = Client()
    assert await second.start(rasa_channel.url, session) == session
    replies = await second.say(session, "câu tiếp theo")
    assert [r["text"] for r in replies] == [
        "Bác vừa hỏi: «câu tiếp theo». Đây là câu thứ 2 của bác trong phiên này."
    ]
    await second.close()
    assert {e["session_id"] for e in rasa_channel.events("user_uttered")} == {session}


async def test_malformed_session_ids_get_a_fresh_one(rasa_channel: ServerProcess) -> None:
    client = Client()
    assert await client.start(rasa_channel.url, "0123456789abcdef") == "0123456789abcdef"
    for bad in [None, "", "short", {"$gt": ""}, ["x"], "a" * 500, "../../etc", 12345678]:
        await client.sio.emit("session_request", {"session_id": bad})
        confirmed = await asyncio.wait_for(client.confirmed.get(), 10)
        assert isinstance(confirmed, str) and valid_session_id(confirmed), bad
        assert confirmed != bad
    await client.sio.emit("session_request", "not a dict")
    confirmed = await asyncio.wait_for(client.confirmed.get(), 10)
    assert valid_session_id(confirmed)
    replies = await client.say(confirmed, "xin chào")
    assert replies and replies[0]["text"].startswith("Chào bác!")
    await client.close()


def test_session_persistence_defaults_on_and_can_be_turned_off() -> None:
    on = WebchatSocketIOInput.from_credentials({})
    off = WebchatSocketIOInput.from_credentials({"session_persistence": False})
    assert isinstance(on, WebchatSocketIOInput) and on.session_persistence is True
    assert isinstance(off, WebchatSocketIOInput) and off.session_persistence is False
    assert on.name() == "socketio" and on.url_prefix() == "socketio"


def test_valid_session_id() -> None:
    assert valid_session_id("0123456789abcdef") == "0123456789abcdef"
    assert valid_session_id("abc-DEF_123") == "abc-DEF_123"
    for bad in [None, 12345678, "short", "a" * 129, "has space 123", "ümlaut-123456"]:
        assert valid_session_id(bad) is None
