"""A stand-in for Rasa 3.6's socketio channel, for the web chat browser tests.

It speaks Rasa's event protocol as `rasa/core/channels/socketio.py` does with
`session_persistence: true`: the client emits `session_request` {session_id}, the server
enters the room named after the session and answers `session_confirm` with the id; the client
emits `user_uttered` {message, session_id, metadata}; replies go out as `bot_uttered` to the
session's room, built by Rasa's own `SocketIOOutput` (text split on blank lines, buttons
turned into `quick_replies` on the last part). Like Rasa, the server acknowledges a
`user_uttered` event only after it has handled it, and it sets `cors_allowed_origins=[]`.

Replies are canned, in Vietnamese, so the tests can press buttons and check that the
session continues (each answer counts the questions asked in that session).

Run: python tests/webchat/fake_rasa.py --port 5005
Test hooks: GET /_fake/log lists the events received (JSON).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import socketio
from aiohttp import web
from rasa.core.channels.socketio import SocketIOOutput

BOT_EVENT = "bot_uttered"

GREETING_BUTTONS = [
    {"title": "Làm căn cước", "payload": '/hoi_thu_tuc{"thu_tuc": "can_cuoc"}'},
    {"title": "Tra cứu hồ sơ", "payload": "/tra_cuu_ho_so"},
]

HOSTILE_TEXT = (
    '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=1</script> '
    "<b>đậm</b> javascript:window.__pwned=1 http://khong-an-toan.example/x "
    "Xem https://dichvucong.gov.vn/p/home/dvc-trang-chu.html."
)


class FakeRasa:
    """Holds the socket.io server, the event log and per-session counters."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[])
        self.output = SocketIOOutput(self.sio, BOT_EVENT)
        self.events: list[dict[str, Any]] = []
        self.asked: dict[str, int] = {}
        self.sio.on("connect", self.on_connect)
        self.sio.on("session_request", self.on_session_request)
        self.sio.on("user_uttered", self.on_user_uttered)

    async def on_connect(self, sid: str, environ: dict, auth: Any = None) -> bool:
        self.events.append({"event": "connect", "sid": sid})
        return True

    async def on_session_request(self, sid: str, data: Any) -> None:
        if not isinstance(data, dict):
            data = {}
        if data.get("session_id") is None:
            data["session_id"] = "fake" + sid
        await self.sio.enter_room(sid, data["session_id"])
        self.events.append(
            {"event": "session_request", "sid": sid, "session_id": data["session_id"]}
        )
        await self.sio.emit("session_confirm", data["session_id"], room=sid)

    async def on_user_uttered(self, sid: str, data: Any) -> None:
        if not isinstance(data, dict) or not data.get("session_id"):
            # Rasa ignores messages without a session id when session_persistence is on.
            self.events.append({"event": "ignored", "sid": sid, "data": repr(data)[:200]})
            return
        session_id = str(data["session_id"])
        message = str(data.get("message", ""))
        metadata = data.get("metadata", {})
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        self.asked[session_id] = self.asked.get(session_id, 0) + 1
        self.events.append(
            {
                "event": "user_uttered",
                "sid": sid,
                "session_id": session_id,
                "message": message,
                "metadata": metadata,
            }
        )
        await canned_reply(self.output, session_id, message, self.asked[session_id])


async def canned_reply(out: SocketIOOutput, room: str, message: str, count: int) -> None:
    """Answers `message` through Rasa's output channel, like a tiny bot would."""
    text = message.strip().lower()
    if text in {"xin chào", "xin chao", "chào", "chao", "/greet"}:
        await out.send_text_with_buttons(
            room, "Chào bác! Bác muốn hỏi về việc gì ạ?", GREETING_BUTTONS
        )
    elif text.startswith("/hoi_thu_tuc"):
        await out.send_text_message(
            room,
            "Để làm căn cước, bác mang căn cước cũ hoặc giấy tờ tuỳ thân đến bộ phận "
            "một cửa.\n\nXem thêm: https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
        )
    elif text == "/tra_cuu_ho_so":
        await out.send_text_message(room, "Bác vui lòng nhập mã hồ sơ in trên giấy biên nhận ạ.")
    elif text == "nút kiểu cũ":
        # A domain `custom:` response; Rasa's socketio channel passes its keys to
        # sio.emit(), so the message itself sits under `data`. It uses `buttons`.
        await out.send_custom_json(
            room,
            {
                "data": {
                    "text": "Bác chọn một mục:",
                    "buttons": [{"title": "Hỏi đáp", "payload": "/hoi_dap"}],
                }
            },
        )
    elif text == "tin độc":
        await out.send_text_with_buttons(
            room,
            HOSTILE_TEXT,
            [{"title": "<img src=x onerror=window.__pwned=1>", "payload": "/doc"}],
        )
        await out.send_image_url(room, "javascript:window.__pwned=1")
        await out._send_message(room, {"text": {"not": "a string"}, "quick_replies": "x"})
        await out._send_message(room, ["not", "an", "object"])
    else:
        await out.send_text_message(
            room, f"Bác vừa hỏi: «{message}». Đây là câu thứ {count} của bác trong phiên này."
        )


def create_app() -> web.Application:
    """The aiohttp application: socket.io at /socket.io/, Rasa-like health routes, test log."""
    fake = FakeRasa()
    app = web.Application()
    fake.sio.attach(app, socketio_path="/socket.io/")

    async def root(_: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21 (fake)")

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def events(_: web.Request) -> web.Response:
        return web.json_response(fake.events)

    app.router.add_get("/", root)
    app.router.add_get("/webhooks/socketio/", health)
    app.router.add_get("/_fake/log", events)
    app["fake"] = fake
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5005)
    args = parser.parse_args()
    web.run_app(create_app(), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
