"""Rasa's own socketio channel code, served by Sanic as `rasa run` does, with canned answers.

Used by the browser tests to check the widget against the real Rasa 3.6 channel classes
(`channels.webchat.rasa_socketio.WebchatSocketIOInput`, a subclass of Rasa's
`SocketIOInput`) rather than only against fake_rasa.py. No model is loaded: the message
handler answers with fake_rasa's canned replies through the channel's own output channel.

Run: python tests/webchat/rasa_channel_server.py --port 5005
Test hooks: GET /_fake/log lists the user messages received (JSON).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_rasa import canned_reply  # noqa: E402
from rasa.core.channels.channel import UserMessage, register  # noqa: E402
from sanic import Sanic, response  # noqa: E402
from sanic.request import Request  # noqa: E402

from channels.webchat.rasa_socketio import WebchatSocketIOInput  # noqa: E402


def build_app() -> Sanic:
    app = Sanic("webchat_rasa_channel_test")
    events: list[dict[str, Any]] = []
    asked: dict[str, int] = {}
    channel = WebchatSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered"}
    )

    class Agent:
        async def handle_message(self, message: UserMessage) -> None:
            asked[message.sender_id] = asked.get(message.sender_id, 0) + 1
            events.append(
                {
                    "event": "user_uttered",
                    "session_id": message.sender_id,
                    "message": message.text,
                    "metadata": message.metadata,
                }
            )
            await canned_reply(
                message.output_channel,  # type: ignore[arg-type]
                message.sender_id,
                message.text or "",
                asked[message.sender_id],
            )

    app.ctx.agent = Agent()
    register([channel], app, route="/webhooks/")

    @app.get("/_fake/log")
    async def log(_: Request) -> response.HTTPResponse:
        return response.json(events)

    @app.get("/")
    async def root(_: Request) -> response.HTTPResponse:
        return response.text("Hello from Rasa: 3.6.21 (channel test)")

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5005)
    args = parser.parse_args()
    build_app().run(host=args.host, port=args.port, workers=1, access_log=False, auto_reload=False)


if __name__ == "__main__":
    main()
