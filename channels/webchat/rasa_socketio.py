"""Rasa socketio input channel for the web chat widget.

Rasa 3.6's built-in `socketio` channel calls `sio.enter_room(...)` without `await`. Since
python-socketio 5.10 that method is a coroutine, so with `session_persistence: true` the
socket never joins its session's room and every bot reply (emitted to that room) is lost
(RasaHQ/rasa#13027, unfixed in 3.6.21). This subclass re-registers the `session_request`
handler with the await, validates the session id a browser sends, and defaults
`session_persistence` to true: the widget keeps its session id across reloads and expects
the conversation to continue.

credentials.yml:

    channels.webchat.rasa_socketio.WebchatSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true

Everything else (events, payloads, the /webhooks/socketio/ health route) is Rasa's own.
"""

from __future__ import annotations

import inspect
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

logger = logging.getLogger(__name__)

SESSION_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,128}$")


def valid_session_id(value: Any) -> str | None:
    """The session id if a client may use it as a room and sender id, else None."""
    if isinstance(value, str) and SESSION_ID_RE.fullmatch(value):
        return value
    return None


class WebchatSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel with working session persistence."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = dict(credentials or {})
        credentials.setdefault("session_persistence", True)
        return super().from_credentials(credentials)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint, with the `session_request` handler replaced."""
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        if sio is None:  # pragma: no cover - set by super().blueprint
            raise RuntimeError("socket.io server missing after blueprint()")

        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = valid_session_id(requested) or uuid.uuid4().hex
            if requested is not None and session_id != requested:
                logger.debug("Ignored a malformed session id from socket %s.", sid)
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(entered):  # python-socketio >= 5.10
                    await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        sio.on("session_request", handler=session_request, namespace=self.namespace)
        return blueprint
